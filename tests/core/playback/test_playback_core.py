"""The playback core over the fake synthesizer and the silent clock (fast, no audio)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from player.core.model import Story
from player.core.playback import (
    AudioOutputError,
    OutputFactory,
    PlaybackSettings,
    SilentClockOutput,
    SpeechPlayback,
    create_playback,
)
from player.core.playback.api import PlaybackState, Position
from player.core.speech import FakeSynthesizer, Synthesizer, SynthResult, Voice
from tests.core.speech.speechkit import (
    Driven,
    Recorder,
    WatchedClock,
    make_story,
    speech_threads,
    watching,
)
from tests.support import Closer


def fast_clock(speed: float) -> OutputFactory:
    return lambda rate: SilentClockOutput(rate, speed=speed)


@pytest.fixture
def story() -> Story:
    return make_story()


class Harness(Driven):
    """A playback over the fake synthesizer; ``closing`` closes it when the test ends."""

    def __init__(
        self,
        story: Story,
        closing: Closer,
        speed: float = 4.0,
        *,
        synth: FakeSynthesizer | None = None,
        settings: PlaybackSettings | None = None,
        factory: OutputFactory | None = None,
    ) -> None:
        self.synth = synth or FakeSynthesizer()
        self.recorder = Recorder()
        self.playback: SpeechPlayback = closing(
            create_playback(
                story,
                factory or fast_clock(speed),
                synthesizer=self.synth,
                settings=settings or PlaybackSettings(rate=300),
                listeners=(self.recorder,),
            )
        )
        assert self.playback.wait_ready()


@pytest.fixture
def harness(story: Story, closing: Closer) -> Harness:
    return Harness(story, closing)


def test_plays_every_sentence_in_order_then_finishes(story: Story, closing: Closer) -> None:
    harness = Harness(story, closing, speed=8.0)
    harness.playback.play()
    harness.wait(harness.recorder.finished)
    positions = harness.recorder.positions()
    sentences = [p.sentence for p in positions]
    assert sentences == sorted(sentences)
    assert set(sentences) == set(range(story.sentence_count))
    for index in range(story.sentence_count):
        words = [p.word for p in positions if p.sentence == index and p.word is not None]
        assert words == sorted(words) and len(set(words)) == len(story.sentence(index).words)
    assert harness.playback.state is PlaybackState.STOPPED
    states = harness.recorder.of("state")
    assert states[0] is PlaybackState.PLAYING and states[-1] is PlaybackState.STOPPED
    assert harness.recorder.messages() == []


def test_pause_and_resume_keep_the_position(story: Story, closing: Closer) -> None:
    clocks: list[WatchedClock] = []
    harness = Harness(story, closing, factory=watching(clocks))
    playback = harness.playback
    playback.play()
    # at or past: a busy machine may look only after the clock has gone on a word
    harness.wait(lambda: (playback.position.word or 0) >= 2)
    playback.pause()
    # The playback's thread pauses the clock, then reports where it stopped. Both happen
    # as late as a busy machine lets that thread run: wait for them, do not guess a delay.
    harness.wait(clocks[-1].paused.is_set)
    assert harness.recorder.wait_quiet()
    held = playback.position
    frames = clocks[-1].frames_played()
    count = len(harness.recorder.positions())
    time.sleep(0.3)
    # paused, the clock stands still however busy the machine: nothing may move
    assert clocks[-1].frames_played() == frames
    assert playback.position == held and len(harness.recorder.positions()) == count
    assert playback.state is PlaybackState.PAUSED
    playback.resume()
    harness.wait(lambda: len(harness.recorder.positions()) > count)
    following = harness.recorder.positions()[count]
    # no jump: it carried on where it was; a pause that took effect in the silence after
    # a sentence (late, on a busy machine) carries on with the next one
    assert (following.sentence, following.word or 0) >= (held.sentence, held.word or 0)
    assert following.sentence == held.sentence or (
        held.word is None and (following.sentence, following.word) == (held.sentence + 1, 0)
    ), (held, following)


def test_skips_land_on_sentence_starts(harness: Harness, story: Story) -> None:
    playback = harness.playback
    playback.play()
    harness.wait(harness.reached(0, 1))
    moves: list[tuple[Callable[[], None], int]] = [
        (lambda: playback.skip_sentence(1), 1),
        (lambda: playback.skip_segment(1), 3),
        (lambda: playback.skip_block(1), 5),
        (lambda: playback.skip_sentence(-1), 4),
        (lambda: playback.skip_segment(-1), 0),  # the window's rule: previous segment
        (lambda: playback.seek(7), 7),
    ]
    for action, expected in moves:
        count = len(harness.recorder.positions())
        action()
        harness.wait(harness.recorder.more_positions_than(count))
        landed = harness.recorder.positions()[count]
        assert landed == Position(expected, None, 0)
        # the events, not the position now: that may have moved on by the time we look
        assert harness.first_word_since(count).sentence == expected


def test_rapid_skips_add_up(harness: Harness) -> None:
    playback = harness.playback
    playback.play()
    for _ in range(4):
        playback.skip_sentence(1)
    assert playback.position.sentence == 4
    harness.wait(lambda: playback.position.sentence == 4 and playback.position.word is not None)


def test_skip_while_stopped_only_moves(harness: Harness) -> None:
    harness.playback.skip_sentence(2)
    harness.wait(lambda: harness.recorder.positions() == [Position(2)])
    assert harness.playback.state is PlaybackState.STOPPED
    harness.playback.play()
    harness.wait(lambda: any(p.sentence == 2 and p.word == 0 for p in harness.recorder.positions()))


def test_skip_time_moves_by_audio_time(harness: Harness) -> None:
    playback = harness.playback
    playback.play()
    harness.wait(lambda: playback.position.sentence == 1)
    playback.skip_time(-10_000)
    harness.wait(lambda: playback.position.sentence == 0)
    playback.skip_time(2_000)
    # a 9-word sentence at 300 wpm is 1.8 s: 2 s on is in the next one
    harness.wait(lambda: playback.position.sentence == 1)


def test_failed_sentence_is_reported_and_skipped(story: Story, closing: Closer) -> None:
    bad = story.sentence(1).spoken
    h = Harness(story, closing, speed=8.0, synth=FakeSynthesizer(fail=lambda t: t == bad))
    h.playback.play()
    h.wait(h.recorder.finished)
    assert 1 not in {p.sentence for p in h.recorder.positions() if p.word is not None}
    messages = h.recorder.messages()
    assert len(messages) == 1 and "Sentence 2" in messages[0][0]
    assert messages[0][1] == "warning"


def test_rate_change_restarts_at_the_current_word(harness: Harness) -> None:
    playback = harness.playback
    playback.play()
    harness.wait(harness.reached(0, 3))
    at = playback.position
    count = len(harness.recorder.positions())
    calls = harness.synth.calls
    playback.set_rate(200)
    assert playback.rate == 200

    def restart() -> int | None:
        """Where the new run starts among the events since the change (a position at the
        very start of a sentence), once a word of it has been heard."""
        since = harness.recorder.positions()[count:]
        start = next((i for i, q in enumerate(since) if (q.word, q.sentence_ms) == (None, 0)), None)
        if start is None or all(q.word is None for q in since[start:]):
            return None
        return count + start

    harness.wait(lambda: harness.synth.calls > calls and restart() is not None)
    started = restart()
    assert started is not None
    resumed = harness.first_word_since(started)
    # at the word being heard when the change took effect: not back at the sentence's start
    assert (resumed.sentence, resumed.word or 0) >= (at.sentence, at.word or 0), (at, resumed)


def test_voice_change_and_unknown_voice(harness: Harness) -> None:
    playback = harness.playback
    assert playback.voice == "fake/en"  # best for the story's "en"
    playback.set_voice("nope")
    harness.wait(lambda: any("nope" in m[0] for m in harness.recorder.messages()))
    assert playback.voice == "fake/en"
    playback.set_voice("fake/fr")
    harness.wait(lambda: playback.voice == "fake/fr")


def test_rates_are_clamped_and_volume_reaches_the_output(harness: Harness) -> None:
    playback = harness.playback
    playback.set_rate(10)
    assert playback.rate == 80
    playback.set_rate(1000)
    assert playback.rate == 450
    playback.set_volume(1.7)
    assert playback.volume == 1.0


def test_time_left_shrinks_as_it_plays(harness: Harness) -> None:
    playback = harness.playback
    total = playback.time_left_ms()
    assert total > 0
    playback.seek(5)
    assert 0 < playback.time_left_ms() < total


def test_silent_clock_is_announced_once_when_the_device_is_missing(
    story: Story, closing: Closer
) -> None:
    made: list[int] = []

    def no_device(rate: int) -> SilentClockOutput:
        made.append(rate)
        raise AudioOutputError("no audio device was found")

    h = Harness(story, closing, factory=no_device)
    h.playback.play()
    h.wait(lambda: h.playback.position.word is not None)
    h.playback.seek(4)
    h.wait(lambda: h.playback.position.sentence == 4 and h.playback.position.word is not None)
    warnings = [m for m in h.recorder.messages() if "No sound output" in m[0]]
    assert len(warnings) == 1 and len(made) == 1


def test_same_events_from_the_silent_clock_at_any_speed(closing: Closer) -> None:
    small = make_story([["One two three four.", "|Five six seven."], ["Eight nine."]])
    runs: list[list[Any]] = []
    for speed in (4.0, 8.0):
        h = Harness(small, closing, speed=speed)
        h.playback.play()
        h.wait(h.recorder.finished)
        runs.append([(k, v) for k, v in h.recorder.events if k != "position"])
        runs.append([(p.sentence, p.word) for p in h.recorder.positions()])
    assert runs[0] == runs[2]
    # Every sentence is reached in order at either speed. A clock tick delayed by a busy
    # machine may pass over a word (the next report is the word being heard then), so the
    # word positions of one run need only be in order, and from the same set.
    slow, fast = runs[1], runs[3]

    def sentences(run: list[Any]) -> list[int]:
        return [s for i, (s, _) in enumerate(run) if i == 0 or run[i - 1][0] != s]

    def words_in_order(run: list[Any]) -> bool:
        words = [(s, w) for s, w in run if w is not None]
        return words == sorted(words)

    assert sentences(slow) == sentences(fast)
    assert words_in_order(slow) and words_in_order(fast)


def test_text_only_without_a_speech_engine(story: Story, closing: Closer) -> None:
    recorder = Recorder()
    playback = closing(create_playback(story, None, synthesizer=None, listeners=(recorder,)))
    assert playback.wait_ready()
    assert playback.text_only
    playback.play()
    playback.skip_sentence(2)
    assert recorder.wait_for(lambda: Position(2) in recorder.positions())
    assert playback.state is PlaybackState.STOPPED
    assert any("text only" in m[0] for m in recorder.messages())
    late = Recorder()
    playback.add_listener(late)
    assert any("text only" in m[0] for m in late.messages())


def test_listener_errors_do_not_stop_playback(story: Story, closing: Closer) -> None:
    class Broken(Recorder):
        def on_position(self, position: Position) -> None:
            raise RuntimeError("listener bug")

    h = Harness(make_story([["One two.", "Three four."]]), closing, speed=8.0)
    h.playback.add_listener(Broken())
    h.playback.play()
    h.wait(h.recorder.finished)


def test_gui_thread_never_waits_on_synthesis(story: Story, closing: Closer) -> None:
    h = Harness(story, closing, synth=FakeSynthesizer(delay_s=0.3))
    start = time.perf_counter()
    p = h.playback
    p.play()
    p.skip_sentence(1)
    p.pause()
    p.resume()
    p.set_rate(250)
    p.stop()
    p.time_left_ms()
    # wall time, so with room for a busy machine; waiting on synthesis would take 0.3 s
    assert time.perf_counter() - start < 0.2
    t = time.perf_counter()
    p.close()  # what is timed here; the fixture would close it after a failure
    assert time.perf_counter() - t < 2.0


def test_close_leaves_no_threads_and_is_idempotent(story: Story, closing: Closer) -> None:
    before = set(speech_threads())
    h = Harness(story, closing)
    h.playback.play()
    h.wait(lambda: h.playback.position.word is not None)
    h.playback.close()
    h.playback.close()
    assert set(speech_threads()) <= before
    assert h.recorder.of("state")[-1] is PlaybackState.STOPPED


def test_an_empty_story_finishes_at_once(closing: Closer) -> None:
    recorder = Recorder()
    empty = Story(make_story().meta, ())
    playback = closing(
        create_playback(empty, None, synthesizer=FakeSynthesizer(), listeners=(recorder,))
    )
    playback.play()
    playback.skip_sentence(1)
    assert recorder.wait_for(recorder.finished)
    assert playback.state is PlaybackState.STOPPED and playback.time_left_ms() == 0


def test_backend_sample_rate_is_adopted(closing: Closer) -> None:
    class NoRateHint(Synthesizer):
        """A backend that only tells its rate with each result, like the file backends."""

        def __init__(self) -> None:
            self.inner = FakeSynthesizer(8000)

        def voices(self) -> list[Voice]:
            return self.inner.voices()

        def synthesize(self, text: str, voice_id: str, rate_wpm: int) -> SynthResult:
            return self.inner.synthesize(text, voice_id, rate_wpm)

    recorder = Recorder()
    playback = closing(
        create_playback(
            make_story([["One two three.", "Four five."]]),
            fast_clock(8.0),
            synthesizer=NoRateHint(),
            settings=PlaybackSettings(rate=300),
            listeners=(recorder,),
        )
    )
    playback.play()
    assert recorder.wait_for(recorder.finished)
    words = [(p.sentence, p.word) for p in recorder.positions() if p.word is not None]
    assert words[0] == (0, 0) and words[-1] == (1, 1)


def test_default_output_is_the_installed_one(story: Story, closing: Closer) -> None:
    from player.core.playback import set_default_output_factory

    made: list[int] = []

    def factory(rate: int) -> SilentClockOutput:
        made.append(rate)
        return SilentClockOutput(rate, speed=8.0)

    recorder = Recorder()
    set_default_output_factory(factory)
    try:
        playback = closing(
            create_playback(story, synthesizer=FakeSynthesizer(), listeners=(recorder,))
        )
        playback.play()
        assert recorder.wait_for(lambda: bool(made))
    finally:
        set_default_output_factory(None)  # a global: put back even if the test failed
    recorder = Recorder()
    playback = closing(create_playback(story, synthesizer=FakeSynthesizer(), listeners=(recorder,)))
    playback.play()
    assert recorder.wait_for(lambda: any("No sound output" in m[0] for m in recorder.messages()))
