"""The time left, against espeak-ng's real audio and the pauses the playback really inserts.

Figures here come from the real engine: the estimate exists to predict its audio.
"""

from __future__ import annotations

import random
import time

import pytest

from player.core.model import Story
from player.core.playback import PlaybackSettings, create_playback
from player.core.playback.api import Playback, Position
from player.core.playback.estimates import TimeEstimates, spoken_units
from player.core.playback.timeline import pause_after
from player.core.session import ReadingSession
from player.core.settings import MemoryStore, Settings
from player.core.speech import NoSpeechEngine, Synthesizer, SynthResult, Voice
from player.core.storyfile import parse_story
from player.paths import bundled_story_path
from tests.core.speech.speechkit import Recorder, Tape, taping
from tests.support import Closer

try:
    from player.core.speech.espeak import EspeakSynthesizer

    ESPEAK: EspeakSynthesizer | None = EspeakSynthesizer()
except NoSpeechEngine:  # pragma: no cover - the CI image has it
    ESPEAK = None

pytestmark = pytest.mark.skipif(ESPEAK is None, reason="espeak-ng is not available")

VOICE = "gmw/en"
#: the silent clock's speed: the bundled story's 200 s of audio in about 5 s
SPEED = 40.0


@pytest.fixture(scope="module")
def story() -> Story:
    path = bundled_story_path()
    return parse_story(path.read_text(encoding="utf-8"), path)


def _real_ms(story: Story, rate: int) -> list[int]:
    assert ESPEAK is not None
    return [
        ESPEAK.synthesize(story.sentence(r).spoken, VOICE, rate).duration_ms for r in story.refs
    ]


def _heard_ms(tape: Tape, sample_rate: int) -> dict[int, int]:
    """Milliseconds of audio and silence the stream carried for each sentence."""
    spans = tape.stream.pieces()
    ends = [start for start, _ in spans[1:]] + [tape.stream.frames_written]
    frames: dict[int, int] = {}
    for (start, piece), end in zip(spans, ends, strict=True):
        if not piece.announcement:
            frames[piece.sentence] = frames.get(piece.sentence, 0) + end - start
    return {i: n * 1000 // sample_rate for i, n in frames.items()}


def _settled(playback: Playback, timeout: float = 20.0) -> int:
    """The time left once it stops changing (the calibration sample synthesized and
    recorded on the playback's thread)."""
    deadline = time.monotonic() + timeout
    last = playback.time_left_ms()
    while time.monotonic() < deadline:
        time.sleep(0.3)
        now = playback.time_left_ms()
        if now == last:
            return now
        last = now
    raise AssertionError(f"the time left still changes after {timeout} s")


def _segment_starts(story: Story) -> list[int]:
    firsts = [story.first_sentence_of_segment(s) for s in range(len(story.segments))]
    return [f for f in firsts if f is not None]


class Arrivals(Recorder):
    """Also keeps the time left from the start of each of ``starts`` when first reached."""

    def __init__(self, starts: list[int]) -> None:
        super().__init__()
        self.starts = starts
        self.playback: Playback | None = None
        self.arrived: dict[int, int] = {}

    def on_position(self, position: Position) -> None:
        super().on_position(position)
        here = position.sentence
        if self.playback is not None and here in self.starts and here not in self.arrived:
            self.arrived[here] = self.playback.time_left_ms() + position.sentence_ms


def test_once_synthesized_each_segments_figure_is_its_audio_and_pauses(
    story: Story, closing: Closer
) -> None:
    """Played through once, the figure at each segment's first sentence matches what the
    stream carried (sentences and the silences after them) within 5 %; the part of it
    that is the segment's own, too. On the way, the figure shown on arriving at each
    segment (only the look-ahead and the sample synthesized) is within 10 %."""
    tapes: list[Tape] = []
    recorder = Arrivals(_segment_starts(story))
    playback = closing(
        create_playback(
            story,
            taping(tapes, SPEED),
            synthesizer=ESPEAK,
            settings=PlaybackSettings(voice=VOICE),
            listeners=(recorder,),
        )
    )
    recorder.playback = playback
    playback.play()
    assert recorder.wait_for(recorder.finished, timeout=60), recorder.events[-5:]
    assert len(tapes) == 1, "one run from start to end"
    heard = _heard_ms(tapes[0], tapes[0].clock.sample_rate)
    assert sorted(heard) == list(range(story.sentence_count))
    starts = recorder.starts
    assert sorted(recorder.arrived) == starts
    for first, figure in recorder.arrived.items():
        left = sum(heard[i] for i in range(first, story.sentence_count))
        assert abs(figure - left) <= 0.10 * left, (first, figure, left)
    shown = {}
    for first in starts:
        playback.seek(first)
        shown[first] = playback.time_left_ms()
    for k, first in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else story.sentence_count
        left = sum(heard[i] for i in range(first, story.sentence_count))
        assert abs(shown[first] - left) <= 0.05 * left, (first, shown[first], left)
        own = sum(heard[i] for i in range(first, end))
        own_shown = shown[first] - (shown[end] if end < story.sentence_count else 0)
        assert abs(own_shown - own) <= 0.05 * own, (first, own_shown, own)


def test_the_figure_at_a_place_does_not_depend_on_the_way_there(story: Story) -> None:
    """Played up to a place, or jumped to it: the same figure there once the sentences
    from it on that both know are the same, whatever else was synthesized before."""
    rate = 175
    real = _real_ms(story, rate)
    place = story.first_sentence_of_segment(3)
    assert place is not None
    played = TimeEstimates(story, rate, lambda _sentence: VOICE)
    jumped = TimeEstimates(story, rate, lambda _sentence: VOICE)
    ahead = range(place, place + 4)  # the sentence and the look-ahead
    for i in sorted({*played.sample, *range(place), *ahead}):  # from the start, in order
        played.record(i, real[i])
    for i in [*ahead, *reversed(jumped.sample)]:  # the look-ahead first, then the sample
        jumped.record(i, real[i])
    assert played.time_left_ms(place) == jumped.time_left_ms(place)
    assert played.time_left_ms(place, 700) == jumped.time_left_ms(place, 700)


def test_the_figure_at_a_place_is_the_same_played_to_or_jumped_to(
    story: Story, closing: Closer
) -> None:
    """The same through the playback: reached by playing from the start, or by a jump."""
    place = story.first_sentence_of_segment(3)
    assert place is not None

    def figure(play_from: int) -> int:
        recorder = Recorder()
        playback = closing(
            create_playback(
                story,
                taping([], SPEED),
                synthesizer=ESPEAK,
                settings=PlaybackSettings(voice=VOICE),
                listeners=(recorder,),
            )
        )
        playback.seek(play_from)
        playback.play()
        assert recorder.wait_for(lambda: playback.position.sentence >= place, timeout=30)
        playback.pause()
        recorder.wait_quiet()
        playback.seek(place)
        return _settled(playback)

    by_playing, by_jumping = figure(0), figure(place)
    # only the look-ahead queued when the pause came may differ: a sentence's
    # estimate against its real length, a fraction of a second
    assert abs(by_playing - by_jumping) <= 0.01 * by_jumping, (by_playing, by_jumping)


@pytest.mark.parametrize("rate", [80, 175, 450])
def test_before_any_synthesis_the_estimate_is_near_the_calibrated_one(
    story: Story, rate: int
) -> None:
    real = _real_ms(story, rate)
    total = sum(real[i] + pause_after(story, i, rate) for i in range(len(real)))
    estimates = TimeEstimates(story, rate, lambda _sentence: VOICE)
    before = estimates.time_left_ms(0)
    assert abs(before - total) <= 0.10 * total, (before, total)
    for i in estimates.sample:
        estimates.record(i, real[i])
    assert estimates.calibrated
    after = estimates.time_left_ms(0)
    assert abs(after - total) <= 0.05 * total, (after, total)
    assert abs(before - after) <= 0.10 * after


def test_without_a_playback_the_session_shows_the_playbacks_first_figure(story: Story) -> None:
    settings = Settings(MemoryStore())
    settings.set("rate", 240)
    session = ReadingSession(settings)
    session.set_story(story)
    session.sentence = 9
    before_any = TimeEstimates(story, 240, lambda _sentence: VOICE).time_left_ms(9)
    assert session.time_left_ms() == before_any
    assert f"{before_any // 60_000}:" in session.where_text()


def test_the_sample_is_spread_over_the_story_and_skips_short_sentences(story: Story) -> None:
    estimates = TimeEstimates(story, 175, lambda _sentence: VOICE)
    sample = estimates.sample
    assert 0 < len(sample) <= 24 and list(sample) == sorted(set(sample))
    assert sample[0] < story.sentence_count // 4 and sample[-1] > 3 * story.sentence_count // 4
    assert all(spoken_units(story.sentence(story.refs[i])) >= 12 for i in sample)
    chance = random.Random(3)
    estimates.record(chance.choice([i for i in range(story.sentence_count) if i not in sample]), 1)
    assert not estimates.calibrated and estimates.missing_sample() == list(sample)


class Asked(Synthesizer):
    """espeak-ng, keeping the texts it was asked for."""

    name = "asked"

    def __init__(self, inner: Synthesizer) -> None:
        self.inner = inner
        self.texts: list[str] = []

    def voices(self) -> list[Voice]:
        return self.inner.voices()

    def synthesize(self, text: str, voice_id: str, rate_wpm: int) -> SynthResult:
        self.texts.append(text)
        return self.inner.synthesize(text, voice_id, rate_wpm)


def test_playing_synthesizes_the_sample_even_after_a_jump_and_while_paused(
    story: Story, closing: Closer
) -> None:
    assert ESPEAK is not None
    asked = Asked(ESPEAK)
    recorder = Recorder()
    playback = closing(
        create_playback(
            story,
            taping([], SPEED),
            synthesizer=asked,
            settings=PlaybackSettings(voice=VOICE),
            listeners=(recorder,),
        )
    )
    sample = TimeEstimates(story, playback.rate, lambda _sentence: VOICE).sample
    texts = {story.sentence(story.refs[i]).spoken for i in sample}
    playback.play()
    playback.seek(20)  # a jump drops the queued look-ahead, and the sample with it
    assert recorder.wait_for(lambda: playback.position.sentence >= 20, timeout=30)
    playback.pause()
    assert recorder.wait_for(lambda: texts <= set(asked.texts), timeout=30), texts - set(
        asked.texts
    )
