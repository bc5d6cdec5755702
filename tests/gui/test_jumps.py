"""Jumps between personal stories and to the public reaction, with Back and Forward."""

from __future__ import annotations

import shiboken6
from fakes import FakePlayback
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from player.core.model import Story
from player.core.playback.api import PlaybackState
from player.gui.window import MainWindow


def _first(story: Story, segment: int) -> int:
    first = story.first_sentence_of_segment(segment)
    assert first is not None
    return first


def test_personal_story_jumps_and_back(
    qtbot: QtBot, window: MainWindow, story: Story, playbacks: list[FakePlayback]
) -> None:
    window.go_to(1)
    window.cmd_next_personal_story()
    assert window.sentence == _first(story, 1)
    assert window.pane.textCursor().position() == window.pane.heading_position(1)
    window.cmd_next_personal_story()
    assert window.sentence == _first(story, 2)
    window.cmd_public_reaction()
    assert window.sentence == _first(story, 5)
    assert ("seek", _first(story, 5)) in playbacks[-1].calls
    window.cmd_back()
    assert window.sentence == _first(story, 2)
    assert window.pane.textCursor().position() == window.pane.heading_position(2)
    window.cmd_back()
    window.cmd_back()
    assert window.sentence == 1
    assert window.pane.textCursor().position() == window.pane.sentence_span(1)[0]
    window.cmd_forward()
    assert window.sentence == _first(story, 1)
    window.cmd_previous_personal_story()  # nowhere: stays put and says so
    assert window.sentence == _first(story, 1)
    assert "No earlier personal story" in window.message_label.text()


def test_jump_while_playing_keeps_playing(
    qtbot: QtBot, window: MainWindow, story: Story, playbacks: list[FakePlayback]
) -> None:
    playback = playbacks[-1]
    playback.play(0)
    qtbot.waitUntil(lambda: window.state is PlaybackState.PLAYING)
    window.cmd_next_personal_story()
    assert playback.state is PlaybackState.PLAYING
    assert playback.calls[-1] == ("seek", _first(story, 1))
    qtbot.waitUntil(lambda: window.sentence == _first(story, 1))


def test_segments_and_sentences(window: MainWindow, story: Story) -> None:
    window.cmd_next_segment()
    assert window.sentence == _first(story, 1)
    window.cmd_next_sentence()
    assert window.sentence == _first(story, 1) + 1
    window.cmd_previous_segment()
    assert window.sentence == 0
    window.cmd_next_paragraph()
    assert window.sentence == _first(story, 1)


def test_contents_activation_jumps(qtbot: QtBot, window: MainWindow, story: Story) -> None:
    window.contents.segment_activated.emit(4)
    assert window.sentence == _first(story, 4)
    assert window.pane.hasFocus() or not window.isActiveWindow()


def test_focus_is_restored_even_when_its_widget_died_meanwhile(
    qtbot: QtBot, window: MainWindow
) -> None:
    """Leaving a dialog after the widget that had focus was deleted must not raise: the
    caller's code after the dialog (applying bookmark deletions, say) would be skipped."""
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    label = QLabel("gone soon", window)
    label.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    label.show()
    label.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is label)
    with window._restoring_focus():
        shiboken6.delete(label)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.pane)
