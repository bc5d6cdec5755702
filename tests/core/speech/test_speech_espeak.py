"""The espeak-ng backend for real, alone and driving the playback core."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from player.core.model import BlockType, Story
from player.core.playback import (
    PlaybackSettings,
    SilentClockOutput,
    SpeechPlayback,
    create_playback,
)
from player.core.playback.api import PlaybackState, Position
from player.core.playback.timeline import SentenceTiming
from player.core.speech import NoSpeechEngine, SpeechError, Synthesizer, SynthResult, Voice
from tests.core.speech.speechkit import (
    Driven,
    Recorder,
    Tape,
    WatchedClock,
    envelope_distance,
    make_story,
    sentence_of,
    taping,
    watching,
)
from tests.support import Closer

try:
    from player.core.speech.espeak import EspeakSynthesizer

    ESPEAK: EspeakSynthesizer | None = EspeakSynthesizer()
except NoSpeechEngine:  # pragma: no cover - the CI image has it
    ESPEAK = None

pytestmark = pytest.mark.skipif(ESPEAK is None, reason="espeak-ng is not available")

TEXT = "The boats went out before dawn, and most of them came back by noon."


@pytest.fixture
def espeak() -> EspeakSynthesizer:
    assert ESPEAK is not None
    return ESPEAK


class Counting(Synthesizer):
    """Wraps a synthesizer to count calls and fail on chosen texts."""

    name = "counting"

    def __init__(self, inner: Synthesizer, fail: str | None = None) -> None:
        self.inner = inner
        self.fail = fail
        self.calls: list[tuple[str, str, int]] = []

    def voices(self) -> list[Voice]:
        return self.inner.voices()

    def synthesize(self, text: str, voice_id: str, rate_wpm: int) -> SynthResult:
        self.calls.append((text, voice_id, rate_wpm))
        if text == self.fail:
            raise SpeechError("refused")
        return self.inner.synthesize(text, voice_id, rate_wpm)


def test_word_times_rise_and_lie_inside_the_audio(espeak: EspeakSynthesizer) -> None:
    result = espeak.synthesize(TEXT, "gmw/en-US", 175)
    assert result.sample_rate == 22050 and result.duration_ms > 2000
    starts = [w.start_ms for w in result.words]
    assert starts == sorted(starts) and starts[0] >= 0 and starts[-1] < result.duration_ms
    assert len(result.words) >= 10
    assert TEXT[result.words[1].offset :].startswith("boats")
    timing = SentenceTiming.of(sentence_of(TEXT), result)
    # every spoken word gets a time (missing events are interpolated), in order
    assert [i for _, i in timing.starts] == list(range(len(TEXT.split())))
    assert [ms for ms, _ in timing.starts] == sorted(ms for ms, _ in timing.starts)
    assert timing.starts[-1][0] < result.duration_ms


def test_offsets_count_characters_not_bytes(espeak: EspeakSynthesizer) -> None:
    text = "Café naïve résumé, très bien."
    result = espeak.synthesize(text, "gmw/en-US", 175)
    words = {text[w.offset : w.offset + w.length] for w in result.words}
    assert {"naïve", "résumé"} <= words


def test_faster_rate_gives_shorter_audio(espeak: EspeakSynthesizer) -> None:
    slow = espeak.synthesize(TEXT, "gmw/en-US", 120)
    fast = espeak.synthesize(TEXT, "gmw/en-US", 400)
    assert fast.duration_ms < slow.duration_ms * 0.5


def test_voices_and_a_bad_voice(espeak: EspeakSynthesizer) -> None:
    voices = {v.id: v for v in espeak.voices()}
    assert len(voices) > 50
    assert "en-us" in voices["gmw/en-US"].languages
    assert "fr" in voices["roa/fr"].languages[0]
    with pytest.raises(SpeechError):
        espeak.synthesize(TEXT, "no/such-voice", 175)
    assert espeak.synthesize("Still fine.", "gmw/en", 175).pcm


def test_a_lexicon_phoneme_entry_is_read_as_phonemes(espeak: EspeakSynthesizer) -> None:
    word = espeak.synthesize("Ñúñez", "roa/es", 175).pcm
    entry = espeak.synthesize("[[n^'un^eT]]", "roa/es", 175).pcm
    spelled = espeak.synthesize("n^'un^eT", "roa/es", 175).pcm
    # The entry sounds like the word (the same phonemes), not like its mnemonics read out.
    assert abs(len(entry) - len(word)) < 0.3 * len(word)
    assert len(spelled) > 1.5 * len(word)


def test_synthesis_is_fast(espeak: EspeakSynthesizer) -> None:
    # CPU time, not wall time: what it costs, however busy the machine is otherwise
    start = time.process_time()
    result = espeak.synthesize(TEXT * 2, "gmw/en", 175)
    spent = time.process_time() - start
    assert 0 < spent < result.duration_ms / 1000 / 50  # far faster than real time


class Live(Driven):
    """A playback over real espeak, with a silent clock running faster than real time;
    ``closing`` closes it when the test ends.

    At 350 wpm and 3 times real time a word lasts about 60 ms: long enough for a test
    polling on a busy machine to see the word it waits for.
    """

    def __init__(
        self, synth: Synthesizer, closing: Closer, speed: float = 3.0, rate: int = 350
    ) -> None:
        self.recorder = Recorder()
        self.synth = synth
        self.clocks: list[WatchedClock] = []
        self.playback = closing(
            create_playback(
                make_story(),
                watching(self.clocks, speed),
                synthesizer=synth,
                settings=PlaybackSettings(rate=rate),
                listeners=(self.recorder,),
            )
        )
        assert self.playback.wait_ready()


@pytest.fixture
def live(espeak: EspeakSynthesizer, closing: Closer) -> Live:
    # the threads it starts are checked for after the test, as for every test (conftest.py)
    return Live(Counting(espeak), closing)


def test_real_voice_is_chosen_for_the_language(live: Live) -> None:
    assert live.playback.voice == "gmw/en"


def test_pause_resume_keeps_the_position(live: Live) -> None:
    p = live.playback
    p.play()
    live.wait(live.reached(0, 3))
    p.pause()
    # wait for the pause to take effect on the playback's thread, however late it runs
    live.wait(live.clocks[-1].paused.is_set)
    assert live.recorder.wait_quiet()
    held = p.position
    frames = live.clocks[-1].frames_played()
    count = len(live.recorder.positions())
    time.sleep(0.25)
    assert live.clocks[-1].frames_played() == frames  # paused, the clock stands still
    assert p.position == held and p.state is PlaybackState.PAUSED
    assert len(live.recorder.positions()) == count
    p.resume()
    live.wait(lambda: len(live.recorder.positions()) > count)
    after = live.recorder.positions()[count]
    assert (after.sentence, after.word or 0) >= (held.sentence, held.word or 0)
    # carried on where it was; paused in the silence after a sentence, with the next one
    assert after.sentence == held.sentence or (
        held.word is None and (after.sentence, after.word) == (held.sentence + 1, 0)
    ), (held, after)


def test_skips_land_on_sentence_starts(live: Live) -> None:
    p = live.playback
    p.play()
    live.wait(live.reached(0, 2))
    moves: list[tuple[Callable[[], None], int]] = [
        (lambda: p.skip_sentence(1), 1),
        (lambda: p.skip_segment(1), 3),
    ]
    for move, target in moves:
        count = len(live.recorder.positions())
        move()
        live.wait(live.recorder.more_positions_than(count))
        assert live.recorder.positions()[count] == Position(target, None, 0)
        # the events, not the position now: that may have moved on by the time we look
        first = live.first_word_since(count)
        assert (first.sentence, first.word) == (target, 0)


def test_rate_or_voice_change_misses_the_cache(live: Live) -> None:
    p = live.playback
    assert isinstance(live.synth, Counting)
    calls = live.synth.calls
    p.play()
    live.wait(live.reached(0, 2))
    first = live.synth.calls[0]
    p.set_rate(200)
    live.wait(lambda: any(c[2] == 200 for c in calls) and p.position.word is not None)
    p.set_voice("gmw/en-US")
    live.wait(lambda: any(c[1] == "gmw/en-US" for c in calls))
    assert (first[0], "gmw/en", 200) in calls and (first[0], "gmw/en-US", 200) in calls


def test_a_failing_sentence_is_skipped(espeak: EspeakSynthesizer, closing: Closer) -> None:
    story = make_story([["First one here.", "Second one fails.", "Third one plays."]])
    recorder = Recorder()
    playback = closing(
        create_playback(
            story,
            lambda r: SilentClockOutput(r, speed=8.0),
            synthesizer=Counting(espeak, fail="Second one fails."),
            settings=PlaybackSettings(rate=400),
            listeners=(recorder,),
        )
    )
    playback.play()
    assert recorder.wait_for(recorder.finished, 10)
    heard = {p.sentence for p in recorder.positions() if p.word is not None}
    assert heard == {0, 2}
    assert [level for _, level in recorder.messages()] == ["warning"]


# Interface texts and the second voice, for real


def _taped(
    espeak: EspeakSynthesizer, story: Story, tapes: list[Tape], closing: Closer
) -> SpeechPlayback:
    playback = closing(
        create_playback(
            story,
            taping(tapes, 4.0),
            synthesizer=espeak,
            settings=PlaybackSettings(rate=350),
        )
    )
    assert playback.wait_ready()
    return playback


def _until(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    assert Recorder().wait_for(predicate, timeout)


def _state(playback: SpeechPlayback) -> PlaybackState:
    return playback.state  # read afresh: mypy would keep an earlier assert's narrowing


def _still(tape: Tape) -> bool:
    """Whether the output has stopped reading from the tape's stream (for 50 ms)."""
    before = len(tape.pcm)
    time.sleep(0.05)
    return len(tape.pcm) == before


def _sounds_like(heard: list[bytes], expected: bytes) -> bool:
    return len(heard) == 1 and envelope_distance(heard[0], expected) < 0.1


def test_say_in_every_state_with_espeak(espeak: EspeakSynthesizer, closing: Closer) -> None:
    tapes: list[Tape] = []
    playback = _taped(espeak, make_story(), tapes, closing)
    text = "Segment one of three."
    spoken = espeak.synthesize(text, "gmw/en", 350).pcm
    playback.say(text)  # stopped: at once
    _until(lambda: not playback.speaking)
    assert _sounds_like(tapes[-1].announcements(), spoken)
    assert playback.state is PlaybackState.STOPPED
    playback.play()
    _until(lambda: (playback.position.sentence, playback.position.word or 0) >= (1, 2))
    playback.say(text)  # playing: at the next boundary, in the same stream
    _until(lambda: not playback.speaking)
    assert len(tapes) == 2 and _sounds_like(tapes[1].announcements(), spoken)
    _until(lambda: (playback.position.word or 0) >= 2)
    playback.pause()
    paused = tapes[-1]
    _until(lambda: _still(paused))
    held = paused.stream.locate(len(paused.pcm) // 2)
    assert held is not None
    playback.say(text)  # paused: at once, then back to the same frame
    _until(lambda: not playback.speaking)
    assert _sounds_like(tapes[-1].announcements(), spoken)
    playback.resume()
    _until(lambda: len(tapes) == 4 and bool(tapes[3].pcm))
    first = tapes[3].pieces()[0]
    assert (first.sentence, first.first_frame) == (held[0].sentence, held[1])
    assert _state(playback) is PlaybackState.PLAYING


def test_second_voice_sounds_different_with_espeak(
    espeak: EspeakSynthesizer, closing: Closer
) -> None:
    story = make_story([["It began quietly.", ">Nobody could say why.", "|It ended."]])
    tapes: list[Tape] = []
    playback = _taped(espeak, story, tapes, closing)
    playback.set_block_voice(BlockType.QUOTATION, "gmw/en-US")
    playback.play()
    _until(lambda: playback.state is PlaybackState.STOPPED and len(tapes[0].pcm) > 0)
    quote = tapes[0].audio_of(lambda p: p.sentence == 1 and not p.pause)
    american = espeak.synthesize("Nobody could say why.", "gmw/en-US", 350).pcm
    british = espeak.synthesize("Nobody could say why.", "gmw/en", 350).pcm
    assert envelope_distance(american, british) > 0.2  # the two voices sound different
    assert _sounds_like(quote, american) and not _sounds_like(quote, british)
    plain = tapes[0].audio_of(lambda p: p.sentence == 0 and not p.pause)
    assert _sounds_like(plain, espeak.synthesize("It began quietly.", "gmw/en", 350).pcm)
