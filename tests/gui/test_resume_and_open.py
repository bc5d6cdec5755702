"""Reopening resumes where reading stopped; a broken story is reported, the old one stays."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from fakes import FakePlayback, make_story, open_window
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from player.core.model import Story
from player.core.session import story_key
from player.core.settings import Settings, SettingsLocations
from player.gui import app as app_module
from player.gui.window import MainWindow

BAD_STORY = (
    "format: story-player 1\ntitle: T\nlanguage: en\n\n== nonsense-kind: Hello\n\nSome text.\n"
)


def test_resume_at_the_sentence_where_reading_stopped(
    qtbot: QtBot, tmp_path: Path, playbacks: list[FakePlayback]
) -> None:
    where = SettingsLocations(tmp_path / "system", tmp_path / "user")
    story = make_story()
    first = open_window(qtbot, Settings.load(where), story, playbacks)
    playbacks[-1].play(6)
    playbacks[-1].advance()
    qtbot.waitUntil(lambda: first.sentence == 7)
    first.close()
    assert where.state_file.exists()  # the place is reading state, kept apart

    again = open_window(qtbot, Settings.load(where), make_story(), playbacks)
    assert again.sentence == 7
    assert again.pane.textCursor().position() == again.pane.sentence_span(7)[0]
    assert ("seek", 7) in playbacks[-1].calls
    assert "Resuming" in again.message_label.text()


def test_settings_debounced_not_written_per_event(
    qtbot: QtBot, window: MainWindow, playbacks: list[FakePlayback]
) -> None:
    store = window.settings._store  # the MemoryStore from the fixture
    saves_before = store.saves  # type: ignore[attr-defined]
    for _ in range(8):
        playbacks[-1].advance()
    qtbot.waitUntil(lambda: window.sentence == 8)
    assert store.saves == saves_before  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: store.saves > saves_before, timeout=3000)  # type: ignore[attr-defined]
    assert window.settings.position_for(story_key(window.story)) == 8  # type: ignore[arg-type]


def test_broken_story_names_file_and_line_and_keeps_current(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    bad = tmp_path / "broken.txt"
    bad.write_text(BAD_STORY, encoding="utf-8")
    title = window.story.meta.title  # type: ignore[union-attr]
    assert window.open_story(bad) is False
    box = window.error_box
    assert isinstance(box, QMessageBox)
    qtbot.addWidget(box)  # closed after the test, passed or failed
    qtbot.waitUntil(box.isVisible)
    assert "broken.txt" in box.text()
    assert "Line 5:" in box.informativeText()
    assert str(bad) in box.informativeText()
    assert window.story.meta.title == title  # type: ignore[union-attr]


def test_open_bundled_story_and_recent_list(window: MainWindow) -> None:
    from player.paths import bundled_story_path

    assert window.open_story(bundled_story_path())
    assert window.story is not None and window.story.path is not None
    assert window.settings.recent_stories()[0] == str(bundled_story_path().resolve())
    window._fill_recent_menu()
    names = [a.text() for a in window.recent_menu.actions()]
    # By the story's title, not the file name every story in the library shares.
    assert names == [f"&1 {window.story.meta.title}"]


def test_create_window_opens_the_requested_story(qtbot: QtBot, tmp_path: Path) -> None:
    from player.core.settings import MemoryStore
    from player.paths import bundled_story_path

    app_module.playback_factory = None
    try:
        window = app_module.create_window([str(bundled_story_path())], Settings(MemoryStore()))
        qtbot.addWidget(window)
        assert window.story is not None
        assert window.pane.toPlainText().startswith(window.story.meta.title)
    finally:
        app_module.playback_factory = app_module.real_playback


def test_main_rejects_bad_arguments() -> None:
    assert app_module.main(["--no-such-option"]) == 2


def test_a_slow_story_loads_without_freezing_the_window(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    from PySide6.QtCore import QTimer

    from player.core.storyfile import load_story
    from player.paths import bundled_story_path

    def slow_loader(path: Path) -> Story:
        time.sleep(0.6)  # a large file on a slow disk
        return load_story(path)

    window.story_loader = slow_loader
    ticks: list[int] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(20)
    started = time.perf_counter()
    window.open_story_in_background(bundled_story_path())
    # wall time, so with room for a busy machine; still well short of the 0.6 s load
    assert time.perf_counter() - started < 0.3
    assert "Loading story.txt" in window.message_label.text()
    qtbot.waitUntil(
        lambda: window.story is not None and window.story.path is not None, timeout=5000
    )
    timer.stop()
    assert len(ticks) >= 10  # the event loop kept running while the story loaded


def test_a_broken_story_opened_in_the_background_is_reported(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    bad = tmp_path / "broken.txt"
    bad.write_text(BAD_STORY, encoding="utf-8")
    title = window.story.meta.title  # type: ignore[union-attr]
    window.open_story_in_background(bad)
    qtbot.waitUntil(lambda: isinstance(window.error_box, QMessageBox))
    box = window.error_box
    assert isinstance(box, QMessageBox)
    qtbot.addWidget(box)  # closed after the test, passed or failed
    assert "Line 5:" in box.informativeText()
    assert window.story.meta.title == title  # type: ignore[union-attr]


def test_of_two_stories_opened_quickly_the_newer_is_shown(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    """The first story loads slowly (a large file, a network drive) and arrives last."""
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    release = threading.Event()
    loaded: list[str] = []

    def loader(path: Path) -> Story:
        if path == first:
            release.wait(5)
        loaded.append(path.stem)
        story = make_story()
        return Story(story.meta._replace(title=path.stem), story.segments, path=path)

    window.story_loader = loader
    window.open_story_in_background(first)
    window.open_story_in_background(second)
    qtbot.waitUntil(lambda: window.story is not None and window.story.meta.title == "second")
    release.set()
    qtbot.waitUntil(lambda: loaded == ["second", "first"])
    qtbot.wait(100)  # the first story's result has come back by now, and was dropped
    assert window.story is not None and window.story.meta.title == "second"
    assert window.settings.recent_stories()[0] == str(second.resolve())


def test_the_worker_that_loads_a_story_also_makes_its_time_left_sums(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from player.core.playback import estimates
    from player.gui.opening import load_first

    loaded = make_story()
    [(_path, result)] = load_first(lambda _path: loaded, [tmp_path / "story.txt"], 175)
    assert result is loaded

    def walked(*_args: object) -> int:
        raise AssertionError("the GUI thread walked every sentence")

    # Made on the worker: the GUI thread's first time-left figure only looks them up.
    monkeypatch.setattr(estimates, "spoken_units", walked)
    monkeypatch.setattr(estimates, "pause_after", walked)
    assert estimates.TimeEstimates(loaded, 175, lambda _s: "v").time_left_ms(0) > 0


def test_while_a_story_loads_the_gui_thread_waits_less_for_the_interpreter_lock(
    tmp_path: Path,
) -> None:
    import sys

    from player.gui.opening import LOADING_SWITCH_INTERVAL, load_first

    before = sys.getswitchinterval()
    seen: list[float] = []

    def loader(_path: Path) -> Story:
        seen.append(sys.getswitchinterval())
        return make_story()

    load_first(loader, [tmp_path / "story.txt"])
    assert seen == [pytest.approx(LOADING_SWITCH_INTERVAL)]
    assert before > LOADING_SWITCH_INTERVAL
    assert sys.getswitchinterval() == pytest.approx(before)
