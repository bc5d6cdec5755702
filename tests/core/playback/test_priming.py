"""Priming: a playback loads its voice and opens its output before the first play, so that
play pays for neither (issue 14, the first Play as fast as later ones)."""

from __future__ import annotations

import threading
import time

import pytest

from player.core.playback import PlaybackSettings, SilentClockOutput, create_playback
from player.core.playback.output import AudioOutput
from player.core.speech import FakeSynthesizer, NoSpeechEngine, SynthResult
from tests.core.speech.speechkit import Recorder, make_story
from tests.support import Closer


class CountingSynth(FakeSynthesizer):
    """The fake engine, counting voice loads and sentences per text."""

    def __init__(self) -> None:
        super().__init__()
        self.lock = threading.Lock()
        self.primed: list[str] = []
        self.spoken: list[str] = []

    def prime(self, voice_id: str) -> None:
        with self.lock:
            self.primed.append(voice_id)

    def synthesize(self, text: str, voice_id: str, rate_wpm: int) -> SynthResult:
        with self.lock:
            self.spoken.append(text)
        return super().synthesize(text, voice_id, rate_wpm)


class CountingClock(SilentClockOutput):
    """The silent clock, counting how often it was primed and started."""

    def __init__(self, sample_rate: int) -> None:
        super().__init__(sample_rate, speed=8.0)
        self.primes = 0
        self.starts = 0

    def prime(self) -> None:
        self.primes += 1

    def start(self, stream: object) -> None:  # type: ignore[override]
        self.starts += 1
        super().start(stream)  # type: ignore[arg-type]


class Outputs:
    """An output factory keeping what it made."""

    def __init__(self) -> None:
        self.made: list[CountingClock] = []

    def __call__(self, rate: int) -> AudioOutput:
        self.made.append(CountingClock(rate))
        return self.made[-1]


STORY = [["First sentence here.", "Second one follows."], ["Another segment."]]


def test_priming_loads_the_voice_opens_the_output_and_readies_the_first_sentence(
    closing: Closer,
) -> None:
    synth, outputs, recorder = CountingSynth(), Outputs(), Recorder()
    story = make_story(STORY)
    playback = closing(
        create_playback(
            story, outputs, synthesizer=synth, settings=PlaybackSettings(), listeners=(recorder,)
        )
    )
    playback.seek(1)
    playback.prime()
    assert playback.wait_primed(10)
    assert synth.primed == [playback.voice]
    assert len(outputs.made) == 1 and outputs.made[0].primes == 1
    assert outputs.made[0].starts == 0  # nothing is heard: priming plays nothing
    # the sentence Play starts at is synthesized ahead, on the worker
    assert recorder.wait_for(lambda: story.sentence(1).spoken in synth.spoken)

    playback.play()
    assert recorder.wait_for(lambda: outputs.made[0].starts == 1)
    # the first play opened no second output and loaded nothing again
    assert len(outputs.made) == 1 and outputs.made[0].primes == 1
    assert synth.primed == [playback.voice]
    assert synth.spoken.count(story.sentence(1).spoken) == 1  # taken from the cache


def test_priming_while_playing_touches_nothing(closing: Closer) -> None:
    synth, outputs, recorder = CountingSynth(), Outputs(), Recorder()
    playback = closing(
        create_playback(
            make_story(STORY),
            outputs,
            synthesizer=synth,
            settings=PlaybackSettings(),
            listeners=(recorder,),
        )
    )
    playback.play()
    assert recorder.wait_for(lambda: bool(outputs.made) and outputs.made[0].starts == 1)
    playback.prime()
    assert playback.wait_primed(10)
    # a prime of the running output would have restarted it on silence
    assert outputs.made[0].primes == 0 and outputs.made[0].starts == 1
    assert synth.primed == []


def test_priming_without_speech_ends_at_once(closing: Closer) -> None:
    playback = closing(create_playback(make_story(STORY), Outputs(), synthesizer=None))
    playback.prime()
    assert playback.wait_primed(10)
    assert playback.text_only


try:
    from player.core.speech.espeak import EspeakSynthesizer

    HAVE_ESPEAK = True
    EspeakSynthesizer()
except NoSpeechEngine:  # pragma: no cover - the CI image has it
    HAVE_ESPEAK = False


@pytest.mark.skipif(not HAVE_ESPEAK, reason="espeak-ng is not available")
def test_espeak_prime_loads_the_voice_the_first_sentence_then_uses() -> None:
    synth = EspeakSynthesizer()
    # espeak has one voice per process: start from another one, whatever ran before
    synth.synthesize("Start.", "gmw/en", 175)
    loads = synth.voice_loads
    synth.prime("gmw/en-US")
    assert synth.voice_loads == loads + 1
    result = synth.synthesize("The first sentence after priming.", "gmw/en-US", 175)
    assert result.frames > 0
    assert synth.voice_loads == loads + 1


def test_a_rate_set_after_priming_still_finds_its_first_sentence_ready(closing: Closer) -> None:
    synth, outputs, recorder = CountingSynth(), Outputs(), Recorder()
    story = make_story(STORY)
    playback = closing(
        create_playback(
            story, outputs, synthesizer=synth, settings=PlaybackSettings(), listeners=(recorder,)
        )
    )
    playback.prime()
    playback.set_rate(260)  # drops what was read ahead at the old rate
    assert playback.wait_primed(10)
    assert synth.primed == [playback.voice]
    first = story.sentence(0).spoken
    assert recorder.wait_for(lambda: first in synth.spoken)
    time.sleep(0.2)  # a request at the old rate already under way finishes too
    before = synth.spoken.count(first)
    playback.play()
    assert recorder.wait_for(lambda: outputs.made[0].starts == 1)
    assert synth.spoken.count(first) == before  # ready at the new rate: nothing made anew


def test_cancelling_prefetch_keeps_the_voice_loading(closing: Closer) -> None:
    from player.core.speech import SynthesisWorker

    class Held(CountingSynth):
        def __init__(self) -> None:
            super().__init__()
            self.gate = threading.Event()

        def synthesize(self, text: str, voice_id: str, rate_wpm: int) -> SynthResult:
            self.gate.wait(5)
            return super().synthesize(text, voice_id, rate_wpm)

    synth = Held()
    worker = closing(SynthesisWorker(synth))
    try:
        busy = worker.request("Held up.", "fake/en", 175, urgent=True)
        ahead = worker.request("Read ahead.", "fake/en", 175, urgent=False)
        loaded = worker.prime("fake/en-us")
        worker.cancel_prefetch()
    finally:
        synth.gate.set()
    assert busy.result(5).frames > 0
    assert loaded.result(5) is None and synth.primed == ["fake/en-us"]
    assert ahead.cancelled()
