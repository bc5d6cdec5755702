"""Workstation mode in the window: full screen, library only, idle warning and reset, staff quit.

The session runs in process with a clock the test moves, so minutes of idleness take
no time. The scripted subprocess run, with startup, is in tests/workstation.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QWidget
from pytestqt.qtbot import QtBot

from player.core.playback.api import PlaybackState
from player.core.settings import MemoryStore, Settings, SettingsLocations
from player.core.workstation import IdlePhase, WorkstationConfig
from player.gui import app as app_module
from player.gui.library import LibraryDialog
from player.gui.window import MainWindow
from player.gui.workstation import IdleWarningDialog, WorkstationSession

STORY = """\
title: In the library
language: en

== personal-story: One

A first person speaks. Then more.

== end
"""


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class FakeAnnouncer:
    """Stands in for the window's announcer: records what screen readers would be told."""

    def __init__(self, screen_reader: bool | None) -> None:
        self.said: list[str] = []
        self.running = screen_reader

    def announce(self, text: str, *, assertive: bool = False) -> bool:
        self.said.append(text)
        return False

    def screen_reader_running(self) -> bool | None:
        return self.running


@pytest.fixture
def library(tmp_path: Path) -> Path:
    folder = tmp_path / "library"
    (folder / "one").mkdir(parents=True)
    (folder / "one" / "story.txt").write_text(STORY, encoding="utf-8")
    return folder


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def session(qtbot: QtBot, library: Path, clock: Clock) -> Iterator[WorkstationSession]:
    windows: list[MainWindow] = []
    ended: list[int] = []

    def factory(settings: Settings) -> MainWindow:
        window = MainWindow(settings)  # no voice: the idle clock needs none
        windows.append(window)
        return window

    system = {"rate": 160, "locked": ["rate"], "workstation": True}
    settings = Settings(MemoryStore(), system)
    config = WorkstationConfig.from_values({"idle_minutes": 5, "idle_warning_seconds": 60})
    made = WorkstationSession(settings, config, factory, library_override=library, clock=clock)
    made._timer.stop()  # the test ticks by hand
    made.end_app = ended.append  # QApplication.exit() would end every later wait loop too
    made.start()
    made._timer.stop()
    window = made.window
    assert window is not None
    qtbot.waitExposed(window)
    yield made
    made.shutdown()
    made.quitting = True
    for window in windows:
        with contextlib.suppress(RuntimeError):  # replaced windows are already deleted
            window.close()
    QApplication.instance().setQuitOnLastWindowClosed(True)  # type: ignore[union-attr]


def press_key(qtbot: QtBot, keys: str, top: QWidget) -> None:
    """Type ``keys`` into the focus widget of the active window ``top``."""
    # Wait on a bool rather than on focusWidget(): with PySide6 6.12 on Python 3.11 every None
    # such a method returns costs a reference to None, and a polling loop soon frees None.
    top.activateWindow()
    qtbot.waitUntil(top.isActiveWindow)
    QTest.keySequence(top.focusWidget() or top, QKeySequence(keys))


def test_starts_full_screen_with_the_library_and_no_quit(
    qtbot: QtBot, session: WorkstationSession
) -> None:
    window = session.window
    assert window is not None and window.isFullScreen()
    assert window.library_only
    assert isinstance(window.library_dialog, LibraryDialog) and window.library_dialog.isVisible()
    quit_action = window.actions_by_id["quit"]
    assert not quit_action.isEnabled() and quit_action.shortcuts() == []
    assert window.story is not None  # the bundled story behind the list
    assert session.policy.phase is IdlePhase.RESTING


def test_close_is_refused_and_the_admin_keys_quit(
    qtbot: QtBot, session: WorkstationSession
) -> None:
    window = session.window
    assert window is not None
    window.library_dialog.reject()  # type: ignore[union-attr]
    assert window.close() is False
    assert window.isVisible() and session.refused_closes == 1
    assert "next reader" in window.message_label.text()
    press_key(qtbot, "Ctrl+Q", window)
    assert window.isVisible()
    press_key(qtbot, "Ctrl+Shift+F12", window)
    assert session.quitting and not window.isVisible()


def test_admin_keys_work_over_a_dialog(qtbot: QtBot, session: WorkstationSession) -> None:
    window = session.window
    assert window is not None and window.library_dialog is not None
    window.library_dialog.list.setFocus()
    press_key(qtbot, "Ctrl+Shift+F12", window.library_dialog)
    assert session.quitting and not window.isVisible()


def test_stories_outside_the_library_are_refused(
    qtbot: QtBot, session: WorkstationSession, tmp_path: Path, library: Path
) -> None:
    window = session.window
    assert window is not None
    outside = tmp_path / "outside.story.txt"
    outside.write_text(STORY, encoding="utf-8")
    assert window.open_story(outside) is False
    assert window.error_box is not None
    assert "not in the library" in window.error_box.informativeText()
    window.error_box.close()
    assert window.open_story(library / "one" / "story.txt")
    assert window.story is not None and window.story.meta.title == "In the library"


def test_importing_is_hidden_and_drops_are_refused(
    qtbot: QtBot,
    session: WorkstationSession,
    tmp_path: Path,
    library: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from test_import_window import CORPUS, drop

    window = session.window
    assert window is not None
    window.library_dialog.reject()  # type: ignore[union-attr]
    action = window.actions_by_id["import"]
    assert not action.isEnabled() and not action.isVisible()
    asked: list[object] = []

    def ask(*args: object) -> tuple[str, str]:
        asked.append(args)
        return "", ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", ask)
    press_key(qtbot, "Ctrl+I", window)
    assert not asked
    before = sorted(p.name for p in library.iterdir())
    assert not window.acceptDrops()
    assert drop(window, CORPUS / "en-feature.html") == (False, False)
    assert drop(window.pane.viewport(), CORPUS / "en-feature.html") == (False, False)
    window.import_in_background(CORPUS / "en-feature.html")  # refused however it is asked
    assert "turned off on this computer" in window.message_label.text()
    assert window.review_dialog is None
    assert sorted(p.name for p in library.iterdir()) == before


def test_idle_warning_is_announced_spoken_and_kept(
    qtbot: QtBot, session: WorkstationSession, clock: Clock
) -> None:
    window = session.window
    assert window is not None
    spoken: list[str] = []
    announcer = FakeAnnouncer(screen_reader=False)
    window.announcer = announcer  # type: ignore[assignment]
    window._speak_interface_text = spoken.append  # type: ignore[method-assign]
    window.library_dialog.reject()  # type: ignore[union-attr]
    press_key(qtbot, "Ctrl+3", window)  # the patron starts
    assert session.policy.phase is IdlePhase.ACTIVE
    clock.now += 299
    session.tick()
    assert session.warning is None
    clock.now += 1
    session.tick()
    dialog = session.warning
    assert isinstance(dialog, IdleWarningDialog) and dialog.isVisible()
    assert dialog.keep_button.isDefault() and dialog.keep_button.text() == "&Keep reading"
    assert "60 seconds" in dialog.countdown.text()
    assert announcer.said and "Press Enter to keep reading" in announcer.said[0]
    assert spoken == announcer.said  # no screen reader: the app's voice says it too
    clock.now += 18
    session.tick()
    assert "42 seconds" in dialog.countdown.text()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.keep_button)
    QTest.keyClick(dialog.keep_button, Qt.Key.Key_Return)
    assert session.warning is None and session.policy.phase is IdlePhase.ACTIVE
    assert session.resets == 0


def test_with_a_screen_reader_the_warning_is_not_spoken_twice(
    qtbot: QtBot, session: WorkstationSession, clock: Clock
) -> None:
    window = session.window
    assert window is not None
    spoken: list[str] = []
    announcer = FakeAnnouncer(screen_reader=True)
    window.announcer = announcer  # type: ignore[assignment]
    window._speak_interface_text = spoken.append  # type: ignore[method-assign]
    session.policy.input(clock.now)
    clock.now += 300
    session.tick()
    assert announcer.said and spoken == []


def test_playing_is_not_idle(qtbot: QtBot, session: WorkstationSession, clock: Clock) -> None:
    window = session.window
    assert window is not None
    session.policy.input(clock.now)
    window.state = PlaybackState.PLAYING
    for _ in range(20):
        clock.now += 60
        session.tick()
    assert session.warning is None
    window.state = PlaybackState.PAUSED
    clock.now += 300
    session.tick()
    assert session.warning is not None


def test_timeout_returns_to_the_library_with_defaults(
    qtbot: QtBot, session: WorkstationSession, clock: Clock, library: Path
) -> None:
    old = session.window
    assert old is not None
    old.library_dialog.reject()  # type: ignore[union-attr]
    assert old.open_story(library / "one" / "story.txt")
    old.set_volume(0.4)
    old.set_rate(300)  # locked by the administrator: refused
    old.go_to(1)
    old.add_bookmark("mine")
    assert old.settings.volume == 0.4 and old.settings.rate == 160
    session.policy.input(clock.now)
    clock.now += 300
    session.tick()
    assert session.warning is not None
    clock.now += 60
    session.tick()
    new = session.window
    assert new is not None and new is not old and session.resets == 1
    assert not old.isVisible()
    qtbot.waitUntil(new.isFullScreen)
    assert new.settings.volume == 1.0 and new.settings.rate == 160
    assert not new.transport.rate.isEnabled()
    assert new.settings.recent_stories() == [] or len(new.settings.recent_stories()) == 1
    assert new.story is not None and new.story.meta.title != "In the library"
    assert new.sentence == 0
    assert all(not new.settings.bookmarks(k) for k in [str(library / "one" / "story.txt")])
    assert isinstance(new.library_dialog, LibraryDialog) and new.library_dialog.isVisible()
    assert session.policy.phase is IdlePhase.RESTING
    assert session.warning is None


def test_finish_now_resets_at_once(qtbot: QtBot, session: WorkstationSession, clock: Clock) -> None:
    session.policy.input(clock.now)
    clock.now += 300
    session.tick()
    dialog = session.warning
    assert dialog is not None
    dialog.finish_button.click()
    qtbot.waitUntil(lambda: session.resets == 1)


def test_locked_rate_holds_over_the_users_file(qtbot: QtBot, tmp_path: Path) -> None:
    locations = SettingsLocations(tmp_path / "system", tmp_path / "user")
    locations.system_dir.mkdir()
    locations.user_dir.mkdir()
    (locations.system_dir / "settings.toml").write_text(
        'rate = 160\nlocked = ["rate"]\n', encoding="utf-8"
    )
    locations.user_file.write_text('{"rate": 300}', encoding="utf-8")
    settings = Settings.load(locations)
    assert not settings.memory_only
    factory, lister = app_module.playback_factory, app_module.voice_lister
    app_module.playback_factory = app_module.voice_lister = None
    try:
        window = app_module.create_window([], settings)
    finally:
        app_module.playback_factory, app_module.voice_lister = factory, lister
    qtbot.addWidget(window)
    assert settings.rate == 160
    assert window.transport.rate.value() == 160 and not window.transport.rate.isEnabled()
    window.set_rate(300)
    assert settings.rate == 160
