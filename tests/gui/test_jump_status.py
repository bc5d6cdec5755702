"""A segment jump shows its place once, and only its own: the status line, the mark and
the contents never show where an earlier jump went once a later one was made."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from fakes import FakePlayback
from pytestqt.qtbot import QtBot

from player.core.model import Story
from player.core.playback import SilentClockOutput, SpeechPlayback, create_playback
from player.core.playback.api import PlaybackState, Position
from player.core.settings import Settings
from player.core.speech import FakeSynthesizer
from player.gui.window import MainWindow


class Ear:
    """Hears the playback's positions on the thread that sends them."""

    def __init__(self) -> None:
        self.positions: list[Position] = []
        self._lock = threading.Lock()

    def on_position(self, position: Position) -> None:
        with self._lock:
            self.positions.append(position)

    def heard(self, sentence: int) -> bool:
        with self._lock:
            return any(p.sentence == sentence for p in self.positions)

    def on_state(self, state: PlaybackState) -> None:
        pass

    def on_message(self, text: str, level: str) -> None:
        pass

    def on_finished(self) -> None:
        pass

    def on_voices(self, voices: object) -> None:
        pass


@pytest.fixture
def real_window(qtbot: QtBot, settings: Settings, story: Story) -> Iterator[MainWindow]:
    """The window with the real playback: the fake synthesizer on a silent clock."""

    def factory(s: Story) -> SpeechPlayback:
        return create_playback(
            s, lambda rate: SilentClockOutput(rate, speed=8.0), synthesizer=FakeSynthesizer()
        )

    window = MainWindow(settings, playback_factory=factory)
    qtbot.addWidget(window)
    window.set_story(story)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.playback is not None)
    playback = window.playback
    assert isinstance(playback, SpeechPlayback) and playback.wait_ready()
    yield window
    window.close()


def _wait_off_the_gui_thread(condition: object, timeout: float = 5.0) -> None:
    """Wait without running the GUI thread's events: what the playback sends stays queued."""
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.002)


def _first(story: Story, segment: int) -> int:
    first = story.first_sentence_of_segment(segment)
    assert first is not None
    return first


def test_a_position_sent_before_a_later_jump_is_not_shown_after_it(
    qtbot: QtBot, real_window: MainWindow, story: Story
) -> None:
    window = real_window
    playback = window.playback
    assert playback is not None
    ear = Ear()
    playback.add_listener(ear)
    texts: list[str] = []
    label = window.status_label
    original = label.setText

    def shown(text: str) -> None:
        texts.append(text)
        original(text)

    label.setText = shown  # type: ignore[method-assign]
    first, later = _first(story, 1), _first(story, 3)
    window.jump_to_segment(1)
    # The playback has taken the first jump and sent where it is; the window has not yet
    # heard it when the reader jumps again.
    _wait_off_the_gui_thread(lambda: ear.heard(first))
    texts.clear()
    window.jump_to_segment(3)
    _wait_off_the_gui_thread(lambda: ear.heard(later))
    qtbot.wait(100)
    assert window.sentence == later
    assert texts, "the jump showed nothing on the status line"
    assert all(text.startswith("Segment 4 of") for text in texts), texts
    assert window.contents.current_segment == 3


def test_the_playback_s_echo_of_a_jump_shows_nothing_again(
    qtbot: QtBot, window: MainWindow, story: Story, playbacks: list[FakePlayback]
) -> None:
    """Stopped, the playback answers a seek with the position it went to: the window
    showed that place already, and marking it again would repaint the text for nothing."""
    marks: list[tuple[int | None, int | None]] = []
    pane = window.pane
    original = pane.highlight

    def highlight(sentence: int | None, word: int | None = None) -> None:
        marks.append((sentence, word))
        original(sentence, word)

    pane.highlight = highlight  # type: ignore[method-assign]
    window.jump_to_segment(2)
    qtbot.wait(50)
    assert ("seek", _first(story, 2)) in playbacks[-1].calls
    assert marks == [(_first(story, 2), None)]
    # A position the voice reaches is still shown.
    playbacks[-1].emit_position(Position(_first(story, 2), 1, 100))
    qtbot.waitUntil(lambda: len(marks) == 2)
    assert marks[-1] == (_first(story, 2), 1)
