"""The first story at start, parsed in a child process while the window's process loads Qt
(player.gui.preload), and how the window takes it: after its first paint, or when it
arrives, and from the loading thread instead when the child fails."""

from __future__ import annotations

import os
import pickle
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fakes import FakePlayback, make_story
from pytestqt.qtbot import QtBot

from player.core.model import Story
from player.core.settings import Settings
from player.gui.preload import LIMIT_BYTES, StoryPreload, Tried
from player.gui.window import MainWindow
from player.paths import bundled_story_path
from tests.support import run_window_script

ROOT = Path(__file__).resolve().parents[2]
BAD_STORY = "format: story-player 1\ntitle: T\nlanguage: en\n\n== nonsense-kind: Hi\n\nText.\n"


def _run(code: str, tmp_path: Path, cwd: Path = ROOT) -> dict[str, Any]:
    return run_window_script(code, tmp_path, cwd)


_PRELOAD = """
import json, sys
from pathlib import Path
from player.gui.preload import StoryPreload
from player.core.model import Story
paths = [Path(p) for p in sys.argv[1:]]
preload = StoryPreload.start(paths)
tried = preload.result() if preload is not None else None
print(json.dumps({
    "started": preload is not None,
    "tried": None if tried is None else [
        [str(p), r.meta.title if isinstance(r, Story) else [str(x) for x in r]] for p, r in tried
    ],
    "parser_here": "player.core.storyfile" in sys.modules,
}))
"""


def _preload(tmp_path: Path, *paths: Path, cwd: Path = ROOT) -> dict[str, object]:
    code = _PRELOAD.replace("sys.argv[1:]", repr([str(p) for p in paths]))
    return _run(code, tmp_path, cwd)


def test_the_child_parses_the_first_story_that_loads_and_sends_what_each_gave(
    tmp_path: Path,
) -> None:
    from player.core.storyfile import load_story

    bad = tmp_path / "bad.txt"
    bad.write_text(BAD_STORY)
    found = _preload(tmp_path, bad, bundled_story_path())
    assert found["started"] is True
    assert found["parser_here"] is False  # parsed in the child: this process never needed it
    tried = found["tried"]
    assert isinstance(tried, list)
    (bad_path, problems), (path, title) = tried
    assert bad_path == str(bad)
    assert any("nonsense-kind" in p and "bad.txt:5:" in p for p in problems), problems
    assert (path, title) == (str(bundled_story_path()), load_story(bundled_story_path()).meta.title)


def test_the_child_takes_no_module_from_the_current_folder(tmp_path: Path) -> None:
    """The window may be started from any folder: a ``types.py`` there (a standard module's
    name) is not what the child imports."""
    folder = tmp_path / "work"
    folder.mkdir()
    (folder / "types.py").write_text("raise SystemExit('the wrong types module')\n")
    found = _preload(tmp_path, bundled_story_path(), cwd=folder)
    tried = found["tried"]
    assert isinstance(tried, list) and len(tried) == 1


def test_a_large_or_missing_first_story_is_left_to_the_loading_thread(tmp_path: Path) -> None:
    large = tmp_path / "large.txt"
    large.write_text("x" * (LIMIT_BYTES + 1))
    assert _preload(tmp_path, large, bundled_story_path())["started"] is False
    assert _preload(tmp_path, tmp_path / "gone.txt", bundled_story_path())["started"] is False


def test_no_child_in_a_bundle(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bundle's executable is the app itself, not an interpreter to run the child with."""
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert StoryPreload.start([bundled_story_path()]) is None


def test_a_child_started_from_a_process_with_threads_works_as_well() -> None:
    """A fresh interpreter, not a fork: Qt's threads here (and this test process's) are
    nothing to it. Waiting for the result here blocks until the child has sent it."""
    from player.core.storyfile import load_story

    preload = StoryPreload.start([bundled_story_path()])
    assert preload is not None
    tried = preload.result()
    assert tried is not None
    ((path, story),) = tried
    assert path == bundled_story_path()
    assert isinstance(story, Story)
    assert story.meta.title == load_story(bundled_story_path()).meta.title
    assert preload.ended


_STARTED = """
import contextlib, json, os, sys, time
from player.gui.launch import prepare
launch = prepare([])
# The child has only CPU time no other process wants: on a busy machine it may not be done
# by the window's first paint (then the loading thread takes over), and beside busy loops
# on every core it gets none at all. Here it is let finish, as an ordinary process.
deadline = time.monotonic() + 30
while not launch.preload.read_available() and time.monotonic() < deadline:
    with contextlib.suppress(OSError):  # it sets its own scheduling as it starts
        os.sched_setscheduler(launch.preload._pid, os.SCHED_OTHER, os.sched_param(0))
        os.setpriority(os.PRIO_PROCESS, launch.preload._pid, 0)
    time.sleep(0.01)
from PySide6 import QtCore
from player.gui import app as app_module

app = app_module.ensure_application()
window = app_module.create_window([], launch.settings, in_background=True, preload=launch.preload)

def check():
    if window.story is None or not window.pane.ready:
        return
    timer.stop()
    print(json.dumps({
        "preloaded": launch.preload is not None,
        "title": window.story.meta.title,
        "painted_first": window._painted,
        "parser_here": "player.core.storyfile" in sys.modules,
    }), flush=True)
    app.quit()

timer = QtCore.QTimer()
timer.timeout.connect(check)
timer.start(5)
window.show()
QtCore.QTimer.singleShot(20_000, app.quit)
app.exec()
window.shutdown()
"""


def test_the_window_shows_the_preloaded_story_after_its_first_paint(tmp_path: Path) -> None:
    """As ``story-player`` starts: the story comes from the child; the window's process
    never imports the story parser, and the window painted before the story was in."""
    from player.core.storyfile import load_story

    found = _run(_STARTED, tmp_path)
    assert found == {
        "preloaded": True,
        "title": load_story(bundled_story_path()).meta.title,
        "painted_first": True,
        "parser_here": False,
    }


class _FakePreload:
    """What the window sees of a preloading child: a pipe, and what came through it."""

    def __init__(self, tried: Tried | None, *, arrived: bool = True) -> None:
        self.tried = tried
        self.read, self.write = os.pipe()
        os.set_blocking(self.read, False)
        self.cancelled = False
        if arrived:
            self.arrive()

    def arrive(self) -> None:
        os.write(self.write, b"x")

    def read_available(self) -> bool:
        try:
            return os.read(self.read, 16) != b""
        except BlockingIOError:
            return False

    def result(self) -> Tried | None:
        return pickle.loads(pickle.dumps(self.tried))

    def cancel(self) -> None:
        self.cancelled = True

    def close(self) -> None:
        os.close(self.read)
        os.close(self.write)


@pytest.fixture
def started(qtbot: QtBot, settings: Settings) -> Iterator[tuple[MainWindow, list[Path]]]:
    """A window whose story loader counts the stories it loads, not yet shown."""
    loaded: list[Path] = []

    def loader(path: Path) -> Story:
        loaded.append(path)
        return make_story()

    window = MainWindow(settings, playback_factory=FakePlayback, story_loader=loader)
    qtbot.addWidget(window)
    yield window, loaded
    window.shutdown()


def test_the_preloaded_story_is_shown_after_the_first_paint_not_before(
    qtbot: QtBot, started: tuple[MainWindow, list[Path]], tmp_path: Path
) -> None:
    window, loaded = started
    path = tmp_path / "story.txt"
    preload = _FakePreload([(path, make_story())])
    window.open_first_preloaded(preload, [path])  # type: ignore[arg-type]
    assert window.story is None
    assert "Loading story.txt" in window.message_label.text()
    window.show()
    qtbot.waitUntil(lambda: window.story is not None)
    assert window._painted
    assert window.story is not None and window.story.meta.title == make_story().meta.title
    assert loaded == []  # nothing parsed again in this process
    preload.close()


def test_what_the_first_sight_does_not_need_waits_for_the_story_s_paint(
    qtbot: QtBot,
    started: tuple[MainWindow, list[Path]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Menus' entries, the scroll bars' grooves and the screen-reader watch ran in the turn
    after the first paint, before the preloaded story was taken in: 10 ms later to the
    reader's sentence. Now they come after the paint showing its text."""
    from PySide6.QtCore import QEvent, QObject

    from player.gui.announce import ScreenReaderWatch

    window, _ = started

    class TextPaints(QObject):
        count = 0

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and window.story is not None:
                self.count += 1
            return False

    text_paints = TextPaints()
    window.pane.viewport().installEventFilter(text_paints)
    seen: dict[str, int] = {}
    filling = window.commands.fill_menus
    monkeypatch.setattr(
        window.commands,
        "fill_menus",
        lambda: (seen.setdefault("menus", text_paints.count), filling())[1],
    )
    monkeypatch.setattr(
        ScreenReaderWatch, "start", lambda self: seen.setdefault("watch", text_paints.count)
    )
    path = tmp_path / "story.txt"
    preload = _FakePreload([(path, make_story())])
    window.open_first_preloaded(preload, [path])  # type: ignore[arg-type]
    window.show()
    qtbot.waitUntil(lambda: len(seen) == 2)
    assert window.story is not None
    assert seen["menus"] >= 1 and seen["watch"] >= 1, seen
    preload.close()


def test_a_preload_not_done_by_the_first_paint_is_left_for_the_thread(
    qtbot: QtBot, started: tuple[MainWindow, list[Path]], tmp_path: Path
) -> None:
    """The child only gets CPU time no other process wants: one not done by then had none
    to spare, and the loading thread starts as it would without a child."""
    window, loaded = started
    path = tmp_path / "story.txt"
    preload = _FakePreload([(path, make_story())], arrived=False)
    window.open_first_preloaded(preload, [path])  # type: ignore[arg-type]
    assert not preload.cancelled  # not yet: it may be done by the first paint
    window.show()
    qtbot.waitUntil(lambda: window.story is not None)
    assert preload.cancelled
    assert loaded == [path]
    _loading_said_once(window)
    preload.close()


def test_a_preload_done_between_the_build_and_the_first_paint_is_taken(
    qtbot: QtBot, started: tuple[MainWindow, list[Path]], tmp_path: Path
) -> None:
    window, loaded = started
    path = tmp_path / "story.txt"
    preload = _FakePreload([(path, make_story())], arrived=False)
    window.open_first_preloaded(preload, [path])  # type: ignore[arg-type]
    preload.arrive()
    window.show()
    qtbot.waitUntil(lambda: window.story is not None)
    assert not preload.cancelled
    assert loaded == []  # nothing parsed again in this process
    preload.close()


def test_without_a_child_the_loading_thread_starts_after_the_first_paint(
    qtbot: QtBot, started: tuple[MainWindow, list[Path]], tmp_path: Path
) -> None:
    """Before that paint it would only take turns with the window's start (the
    interpreter lock), the window the later for it."""
    window, loaded = started
    path = tmp_path / "story.txt"
    paints: list[int] = []
    window._after_first_paint = lambda: paints.append(1)  # type: ignore[method-assign]
    window.open_first_preloaded(None, [path])
    assert "Loading story.txt" in window.message_label.text()
    window.show()
    qtbot.waitUntil(lambda: paints != [])
    qtbot.wait(50)
    assert loaded == []  # held with the turn after the paint
    assert window.take_preloaded() is False
    qtbot.waitUntil(lambda: window.story is not None)
    assert loaded == [path]
    _loading_said_once(window)


def test_a_failed_preload_leaves_the_story_to_the_loading_thread(
    qtbot: QtBot, started: tuple[MainWindow, list[Path]], tmp_path: Path
) -> None:
    window, loaded = started
    path = tmp_path / "story.txt"
    preload = _FakePreload(None)
    window.open_first_preloaded(preload, [path])  # type: ignore[arg-type]
    window.show()
    qtbot.waitUntil(lambda: window.story is not None)
    assert loaded == [path]
    _loading_said_once(window)
    preload.close()


def _loading_said_once(window: MainWindow) -> None:
    """The loading thread taking over says nothing new: "Loading…" twice was heard."""
    said = [m for m in window.announcer.history if m.startswith("Loading")]
    assert said == ["Loading story.txt…"], said


def test_a_story_asked_for_meanwhile_wins_over_the_preloaded_one(
    qtbot: QtBot, started: tuple[MainWindow, list[Path]], tmp_path: Path
) -> None:
    window, loaded = started
    first, chosen = tmp_path / "first.txt", tmp_path / "chosen.txt"
    preload = _FakePreload([(first, make_story())])
    window.open_first_preloaded(preload, [first])  # type: ignore[arg-type]
    window.open_story_in_background(chosen)  # before the window shows, the child done
    window.show()
    qtbot.waitUntil(lambda: preload.cancelled)
    qtbot.waitUntil(lambda: window.story is not None)
    assert loaded == [chosen]
    preload.close()


def test_a_child_that_closed_its_pipe_is_not_waited_for_and_still_collected() -> None:
    """An idle-scheduled child that has sent everything may wait for CPU time to end: the
    GUI thread does not wait with it, and its exit status is collected all the same."""
    read, write = os.pipe()
    code = "import os, time; os.close(1); time.sleep(0.5)"
    pid = os.posix_spawn(
        sys.executable,
        [sys.executable, "-c", code],
        dict(os.environ),
        file_actions=[(os.POSIX_SPAWN_DUP2, write, 1)],
    )
    os.close(write)
    preload = StoryPreload(pid, read)
    began = time.monotonic()
    while True:
        call = time.monotonic()
        if preload.read_available():
            break
        assert call - began < 10
        time.sleep(0.01)
    assert time.monotonic() - call < 0.2  # the call that saw the end: not the child's 0.5 s
    assert preload.ended
    deadline = time.monotonic() + 10
    while True:
        try:
            os.kill(pid, 0)  # a child not collected stays as a zombie, and is found
        except ProcessLookupError:
            break
        assert time.monotonic() < deadline, "the ended child was never collected"
        time.sleep(0.02)
