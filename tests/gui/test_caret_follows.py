"""View > Caret Follows the Voice: the caret moves with the sentence being read (for
magnifiers) only when the reader asked for it and no screen reader runs."""

from __future__ import annotations

import pytest
from fakes import FakePlayback, make_story, open_window
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from player.core.playback.api import PlaybackState, Position
from player.core.settings import MemoryStore, Settings
from player.gui.caretfollow import UNAVAILABLE
from player.gui.window import MainWindow

SCREEN_READER = "STORY_PLAYER_SCREEN_READER"


def _screen_reader(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch, running: bool
) -> None:
    """A screen reader starts or stops, and the window's watch has noticed."""
    monkeypatch.setenv(SCREEN_READER, "1" if running else "0")
    # a check still under way (the window's first) would take the place of this one
    assert window.screen_reader.detector.wait(10)
    window.screen_reader.refresh()
    action = window.actions_by_id["caret_follows_voice"]
    qtbot.waitUntil(lambda: action.isEnabled() is not running)


def _carets_while_playing(
    qtbot: QtBot, window: MainWindow, playback: FakePlayback, sentences: range
) -> list[int]:
    """The caret after each sentence is reached, reading from the first of them."""
    playback.play(sentences[0])
    qtbot.waitUntil(lambda: window.state is PlaybackState.PLAYING)
    carets = []
    for sentence in sentences:
        playback.emit_position(Position(sentence, 0), threaded=True)
        qtbot.waitUntil(lambda s=sentence: window.sentence == s)  # type: ignore[misc]
        carets.append(window.pane.textCursor().position())
    return carets


@pytest.fixture
def long_window(qtbot: QtBot, settings: Settings, playbacks: list[FakePlayback]) -> MainWindow:
    return open_window(qtbot, settings, make_story(long=True), playbacks)


def test_on_without_a_screen_reader_the_caret_goes_to_each_sentence(
    qtbot: QtBot,
    long_window: MainWindow,
    settings: Settings,
    playbacks: list[FakePlayback],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = long_window
    _screen_reader(qtbot, window, monkeypatch, running=False)
    window.pane.setFocus()
    qtbot.waitUntil(window.pane.hasFocus)
    QTest.keySequence(window, QKeySequence("Ctrl+Shift+F"))
    assert window.actions_by_id["caret_follows_voice"].isChecked()
    assert settings.get("caret_follows_voice") is True
    assert window.message_label.text() == "Caret follows the voice on"
    sentences = range(2, 30, 3)
    carets = _carets_while_playing(qtbot, window, playbacks[-1], sentences)
    assert carets == [window.pane.sentence_span(s)[0] for s in sentences]
    # a word further in the same sentence leaves the caret where it went (once per sentence)
    cursor = window.pane.textCursor()
    cursor.setPosition(carets[-1] + 2)
    window.pane.setTextCursor(cursor)
    playbacks[-1].emit_position(Position(sentences[-1], 1), threaded=True)
    qtbot.waitUntil(lambda: window.session.word == 1)
    assert window.pane.textCursor().position() == carets[-1] + 2


def test_on_with_a_screen_reader_the_option_is_disabled_and_the_caret_stays(
    qtbot: QtBot,
    long_window: MainWindow,
    settings: Settings,
    playbacks: list[FakePlayback],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = long_window
    action = window.actions_by_id["caret_follows_voice"]
    _screen_reader(qtbot, window, monkeypatch, running=False)
    action.trigger()  # turned on before the screen reader starts
    assert action.isChecked()
    _screen_reader(qtbot, window, monkeypatch, running=True)
    assert not action.isEnabled() and action.toolTip() == UNAVAILABLE
    QTest.keySequence(window, QKeySequence("Ctrl+Shift+F"))  # a disabled item does nothing
    assert action.isChecked() and settings.get("caret_follows_voice") is True
    before = window.pane.textCursor().position()
    carets = _carets_while_playing(qtbot, window, playbacks[-1], range(2, 30, 3))
    assert carets == [before] * len(carets)
    # the screen reader stops: offered again, and the caret follows from the next sentence
    _screen_reader(qtbot, window, monkeypatch, running=False)
    assert action.isEnabled() and action.toolTip() != UNAVAILABLE
    playbacks[-1].emit_position(Position(31, 0), threaded=True)
    qtbot.waitUntil(lambda: window.sentence == 31)
    assert window.pane.textCursor().position() == window.pane.sentence_span(31)[0]


def test_off_the_caret_stays_where_the_reader_left_it(
    qtbot: QtBot,
    long_window: MainWindow,
    playbacks: list[FakePlayback],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = long_window
    _screen_reader(qtbot, window, monkeypatch, running=False)
    assert not window.actions_by_id["caret_follows_voice"].isChecked()  # off by default
    before = window.pane.textCursor().position()
    carets = _carets_while_playing(qtbot, window, playbacks[-1], range(2, 30, 3))
    assert carets == [before] * len(carets)


def test_the_choice_is_remembered_and_offered_in_the_view_menu(
    qtbot: QtBot, playbacks: list[FakePlayback], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SCREEN_READER, "0")
    settings = Settings(MemoryStore())
    settings.set("caret_follows_voice", True)
    window = open_window(qtbot, settings, make_story(), playbacks)
    action = window.actions_by_id["caret_follows_voice"]
    assert action.isCheckable() and action.isChecked() and action.isEnabled()
    view = next(m for m in window.menuBar().findChildren(QMenu) if m.title() == "&View")
    assert action in view.actions()
    assert action.text() == "&Caret Follows the Voice"
