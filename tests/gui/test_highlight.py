"""Highlighting follows the playback clock and never moves the caret or the selection."""

from __future__ import annotations

from collections.abc import Callable

from fakes import FakePlayback, make_story, open_window
from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot

from player.core.playback.api import PlaybackState, Position
from player.core.settings import Settings
from player.gui.theme import DEFAULT_THEME, highlight_formats
from player.gui.window import MainWindow

# No theme is applied in these tests: the pane uses the default theme's marks.
SENTENCE_BACKGROUND = highlight_formats(DEFAULT_THEME).sentence.background().color()
WORD_BACKGROUND = highlight_formats(DEFAULT_THEME).word.background().color()


def _at(window: MainWindow, sentence: int) -> Callable[[], bool]:
    return lambda: window.sentence == sentence


def _marks(window: MainWindow) -> list[tuple[int, int, QColor]]:
    return [
        (s.cursor.selectionStart(), s.cursor.selectionEnd(), s.format.background().color())
        for s in window.pane.extraSelections()
    ]


def test_sentence_and_word_follow_positions(
    qtbot: QtBot, window: MainWindow, playbacks: list[FakePlayback]
) -> None:
    playback = playbacks[-1]
    playback.play(0)
    playback.advance()
    qtbot.waitUntil(lambda: window.sentence == 1)
    start, end = window.pane.sentence_span(1)
    assert _marks(window) == [(start, end, SENTENCE_BACKGROUND)]
    playback.advance(word=1)
    qtbot.waitUntil(lambda: len(window.pane.extraSelections()) == 2)
    word = window.story.sentence(1).words[1]  # type: ignore[union-attr]
    base = start - window.story.sentence(1).start  # type: ignore[union-attr]
    assert _marks(window)[1] == (base + word.start, base + word.end, WORD_BACKGROUND)


def test_caret_and_selection_untouched_while_playing(
    qtbot: QtBot, settings: Settings, playbacks: list[FakePlayback]
) -> None:
    window = open_window(qtbot, settings, make_story(long=True), playbacks)
    playback = playbacks[-1]
    pane = window.pane
    cursor = pane.textCursor()
    cursor.setPosition(5)
    cursor.setPosition(9, cursor.MoveMode.KeepAnchor)
    pane.setTextCursor(cursor)
    before = (pane.textCursor().position(), pane.textCursor().anchor())
    playback.play(0)
    qtbot.waitUntil(lambda: window.state is PlaybackState.PLAYING)
    bar = pane.verticalScrollBar()
    assert bar.maximum() > 0
    last = window.story.sentence_count - 1  # type: ignore[union-attr]
    for sentence in range(0, last + 1, 7):
        playback.emit_position(Position(sentence, 0), threaded=True)
        qtbot.waitUntil(_at(window, sentence))
        assert (pane.textCursor().position(), pane.textCursor().anchor()) == before
    playback.emit_position(Position(last, None), threaded=True)
    qtbot.waitUntil(lambda: window.sentence == last)
    # The view followed the voice with the scrollbar, the caret stayed where the reader left it.
    assert bar.value() > 0
    assert (pane.textCursor().position(), pane.textCursor().anchor()) == before


def test_pause_puts_caret_on_current_sentence(
    qtbot: QtBot, window: MainWindow, playbacks: list[FakePlayback]
) -> None:
    playback = playbacks[-1]
    playback.play(3)
    playback.advance()
    qtbot.waitUntil(lambda: window.sentence == 4)
    playback.pause()
    start, _ = window.pane.sentence_span(4)
    qtbot.waitUntil(lambda: window.pane.textCursor().position() == start)
    assert not window.pane.textCursor().hasSelection()


def test_enter_reads_from_the_caret(
    qtbot: QtBot, window: MainWindow, playbacks: list[FakePlayback]
) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    window.pane.caret_to_sentence(5)
    window.pane.setFocus()
    QTest.keyClick(window.pane, Qt.Key.Key_Return)
    assert playbacks[-1].calls[-1] == ("play", 5)
    qtbot.waitUntil(lambda: window.sentence == 5)


def test_click_reads_from_the_sentence(
    qtbot: QtBot, window: MainWindow, playbacks: list[FakePlayback]
) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QTextCursor
    from PySide6.QtTest import QTest

    start, _ = window.pane.sentence_span(6)
    cursor = QTextCursor(window.pane.document())
    cursor.setPosition(start + 2)
    point = window.pane.cursorRect(cursor).center()
    QTest.mouseClick(window.pane.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert playbacks[-1].calls[-1] == ("play", 6)


def test_events_of_a_closed_playback_are_ignored(
    qtbot: QtBot, window: MainWindow, playbacks: list[FakePlayback]
) -> None:
    old = playbacks[-1]
    window.set_story(make_story())
    qtbot.waitUntil(lambda: len(playbacks) == 2)
    assert old.closed
    old.emit_position(Position(7))
    qtbot.wait(20)
    assert window.sentence == 0
