"""The window primes speech in the idle time after its first paint (issue 14): the voice is
loaded and the sound output opened before the reader presses Play, never before the story's
text is on screen, and never on the GUI thread."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, QTimer
from pytestqt.qtbot import QtBot

from player.core.model import Story
from player.core.playback import (
    PlaybackSettings,
    SilentClockOutput,
    SpeechPlayback,
    create_playback,
)
from player.core.playback.output import AudioOutput
from player.core.playback.stream import PcmStream
from player.core.settings import MemoryStore, Settings
from player.core.speech import FakeSynthesizer
from player.gui.app import real_voices
from player.gui.window import MainWindow

GATE_TIMEOUT_S = 5.0


class GatedSynth(FakeSynthesizer):
    """The fake engine, whose voice loading waits for the test to open a gate."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.loading = threading.Event()
        self.loading_at = 0.0
        self.primed: list[str] = []

    def prime(self, voice_id: str) -> None:
        self.loading_at = time.perf_counter()
        self.loading.set()
        self.gate.wait(GATE_TIMEOUT_S)
        self.primed.append(voice_id)


class CountingClock(SilentClockOutput):
    def __init__(self, sample_rate: int) -> None:
        super().__init__(sample_rate, speed=8.0)
        self.primes = 0
        self.starts = 0

    def prime(self) -> None:
        self.primes += 1

    def start(self, stream: PcmStream) -> None:
        self.starts += 1
        super().start(stream)


class Paints(QObject):
    """Notes when the watched widget paints."""

    def __init__(self) -> None:
        super().__init__()
        self.times: list[float] = []

    @property
    def at(self) -> float | None:
        """The first paint."""
        return self.times[0] if self.times else None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.times.append(time.perf_counter())
        return False


class Rig:
    """A window over a real playback with a gated engine and a counting output."""

    def __init__(self, qtbot: QtBot, story: Story | None) -> None:
        self.synth = GatedSynth()
        self.made_at = 0.0
        self.outputs: list[CountingClock] = []
        self.playbacks: list[SpeechPlayback] = []
        self.window = MainWindow(
            Settings(MemoryStore()), playback_factory=self._playback, voice_lister=real_voices
        )
        qtbot.addWidget(self.window)
        self.paint = Paints()
        self.window.pane.viewport().installEventFilter(self.paint)
        if story is not None:
            self.window.set_story(story)

    def _output(self, rate: int) -> AudioOutput:
        self.outputs.append(CountingClock(rate))
        return self.outputs[-1]

    def _playback(self, story: Story) -> SpeechPlayback:
        self.made_at = time.perf_counter()
        playback = create_playback(
            story, self._output, synthesizer=self.synth, settings=PlaybackSettings()
        )
        self.playbacks.append(playback)
        return playback


@pytest.fixture
def rig(qtbot: QtBot, story: Story) -> Iterator[Rig]:
    made = Rig(qtbot, story)
    yield made
    made.synth.gate.set()  # a failed test must not leave the worker waiting
    made.window.close()


@pytest.fixture
def empty_rig(qtbot: QtBot) -> Iterator[Rig]:
    """A window shown before its story arrives, as ``story-player`` starts."""
    made = Rig(qtbot, None)
    yield made
    made.synth.gate.set()
    made.window.close()


def test_nothing_is_primed_before_the_first_paint(qtbot: QtBot, rig: Rig) -> None:
    qtbot.wait(300)  # the story is built and timers have run, but nothing is on screen
    assert rig.paint.at is None
    assert rig.playbacks == [] and rig.outputs == []
    assert not rig.synth.loading.is_set()
    rig.synth.gate.set()
    rig.window.show()
    qtbot.waitUntil(lambda: bool(rig.synth.primed), timeout=10_000)
    assert rig.paint.at is not None and rig.paint.at < rig.synth.loading_at


def test_priming_after_the_first_paint_keeps_the_window_responsive(qtbot: QtBot, rig: Rig) -> None:
    rig.window.show()
    # the engine is loading the voice on its own thread, held there by the gate
    qtbot.waitUntil(rig.synth.loading.is_set, timeout=10_000)
    assert rig.paint.at is not None and rig.paint.at < rig.synth.loading_at
    ticks: list[float] = []
    for delay in (0, 20, 40):
        QTimer.singleShot(delay, lambda: ticks.append(time.perf_counter()))
    qtbot.waitUntil(lambda: len(ticks) == 3, timeout=2_000)  # the GUI thread is not held
    assert rig.synth.primed == []  # still loading: the events above did not wait for it

    rig.synth.gate.set()
    playback = rig.playbacks[-1]
    assert playback.wait_primed(10)
    assert rig.synth.primed == [playback.voice]
    assert len(rig.outputs) == 1 and rig.outputs[0].primes == 1  # the output is open
    assert rig.outputs[0].starts == 0  # and nothing has been played


def test_the_first_play_after_priming_loads_nothing_again(qtbot: QtBot, rig: Rig) -> None:
    rig.synth.gate.set()
    rig.window.show()
    qtbot.waitUntil(lambda: bool(rig.playbacks), timeout=10_000)
    playback = rig.playbacks[-1]
    assert playback.wait_primed(10)
    rig.window.actions_by_id["play_pause"].trigger()
    qtbot.waitUntil(lambda: rig.outputs[0].starts == 1, timeout=10_000)
    assert len(rig.playbacks) == 1 and len(rig.outputs) == 1
    assert rig.outputs[0].primes == 1
    assert rig.synth.primed == [playback.voice]


def test_a_story_arriving_after_the_first_paint_is_painted_before_speech_loads(
    qtbot: QtBot, empty_rig: Rig, story: Story
) -> None:
    """The speech code takes the GUI thread for a moment when the playback is made: that
    moment comes after the paint showing the story, not between its arrival and that paint."""
    rig = empty_rig
    rig.synth.gate.set()
    rig.window.show()
    qtbot.waitUntil(lambda: rig.paint.at is not None)
    qtbot.wait(100)
    assert rig.playbacks == []  # nothing to read yet
    arrived = time.perf_counter()
    rig.window.set_story(story)  # as a story loaded in the background is shown
    qtbot.waitUntil(lambda: bool(rig.synth.primed), timeout=10_000)
    assert any(arrived < t < rig.made_at for t in rig.paint.times), (arrived, rig.made_at)


def test_the_window_module_loads_no_parser_and_no_speech() -> None:
    """What the window imports runs before its first paint: the story parser (with its
    emoji and number tables) loads on the loading thread, speech after the paint."""
    code = (
        "import sys, player.gui.app; "
        "print(' '.join(m for m in ('player.core.storyfile', 'emoji', 'num2words', "
        "'tomllib', 'player.core.speech.espeak', 'player.qtaudio', 'PySide6.QtMultimedia') "
        "if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        cwd=Path(__file__).resolve().parents[2],  # this checkout's player package
    )
    assert done.stdout.strip() == ""
