"""The contract of a Playback, run against the real one and the window tests' fake.

The window is tested against :class:`tests.gui.fakes.FakePlayback`; those tests
prove something only as long as the fake behaves as :class:`SpeechPlayback` does
where the window relies on it: voices come late by the voices event, rate and
volume are clamped, unknown voices are refused with an error message, states
change only from the states the real one changes them from, jumps are clamped.
Each test runs against both (the real one over the fake synthesizer and the
silent clock), waiting for what the real one does on its own thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from player.core.model import BlockType, Story
from player.core.playback import SpeechPlayback, create_playback
from player.core.playback.api import MAX_RATE_WPM, MIN_RATE_WPM, Playback, PlaybackState
from player.core.speech import FakeSynthesizer, Voice
from tests.core.speech.speechkit import Recorder, make_story
from tests.gui.fakes import FakePlayback
from tests.support import Closer

#: how long the real playback's thread may take to act on a call
SETTLE_S = 10.0


class GatedSynthesizer(FakeSynthesizer):
    """Lists its voices only once ``gate`` is set: an engine still loading."""

    def __init__(self, gate: threading.Event) -> None:
        super().__init__()
        self.gate = gate

    def voices(self) -> list[Voice]:
        self.gate.wait(SETTLE_S)  # bounded: a test that never opens it still ends
        return super().voices()


@dataclass
class Subject:
    playback: Playback
    recorder: Recorder
    #: let the engine finish loading (voices listed)
    load: Callable[[], None]

    def wait(self, predicate: Callable[[], bool]) -> None:
        assert self.recorder.wait_for(predicate, SETTLE_S), "the playback did not get there"

    def states(self) -> list[object]:
        return self.recorder.of("state")

    def errors(self) -> list[str]:
        return [text for text, level in self.recorder.messages() if level == "error"]


Maker = Callable[..., Subject]


def _real(closing: Closer, story: Story, late: bool) -> Subject:
    gate = threading.Event()
    if not late:
        gate.set()
    synth = closing(GatedSynthesizer(gate))
    recorder = Recorder()
    playback = closing(create_playback(story, None, synthesizer=synth, listeners=(recorder,)))

    class Opener:
        def close(self) -> None:
            gate.set()  # closed first (newest first): the control thread is not held

    closing(Opener())
    return Subject(playback, recorder, gate.set)


def _fake(closing: Closer, story: Story, late: bool) -> Subject:
    playback = closing(FakePlayback(story, voices_loaded=not late))
    recorder = Recorder()
    playback.add_listener(recorder)
    return Subject(playback, recorder, playback.finish_loading)


@pytest.fixture(params=["real", "fake"])
def make(request: pytest.FixtureRequest, closing: Closer) -> Iterator[Maker]:
    build = _real if request.param == "real" else _fake

    def maker(story: Story | None = None, *, late: bool = False) -> Subject:
        subject = build(closing, story if story is not None else make_story(), late)
        if not late:
            subject.wait(lambda: bool(subject.recorder.of("voices")))
        return subject

    yield maker


def test_voices_come_late_by_the_voices_event_once(make: Maker) -> None:
    subject = make(late=True)
    playback = subject.playback
    assert playback.voices == [] and subject.recorder.of("voices") == []
    subject.load()
    subject.wait(lambda: bool(subject.recorder.of("voices")))
    assert subject.recorder.wait_quiet()
    [voices] = subject.recorder.of("voices")
    assert voices and voices == playback.voices
    assert playback.voice in {v.id for v in playback.voices}
    later = Recorder()
    playback.add_listener(later)  # added after loading: told at once
    assert later.of("voices") == [voices]


def test_rate_and_volume_are_clamped(make: Maker) -> None:
    playback = make().playback
    playback.set_rate(1)
    assert playback.rate == MIN_RATE_WPM
    playback.set_rate(10_000)
    assert playback.rate == MAX_RATE_WPM
    playback.set_rate(200)
    assert playback.rate == 200
    playback.set_volume(-1.0)
    assert playback.volume == 0.0
    playback.set_volume(7.0)
    assert playback.volume == 1.0


def test_an_unknown_voice_is_refused_with_an_error_and_a_known_one_taken(make: Maker) -> None:
    subject = make()
    playback = subject.playback
    before = playback.voice
    playback.set_voice("nobody/xx")
    subject.wait(lambda: any("nobody/xx" in text for text in subject.errors()))
    assert playback.voice == before
    other = next(v.id for v in playback.voices if v.id != before)
    playback.set_voice(other)
    subject.wait(lambda: playback.voice == other)


def test_an_unknown_block_voice_is_refused_and_none_reads_in_the_main_voice(
    make: Maker,
) -> None:
    subject = make()
    playback = subject.playback
    # not in the Playback interface, but both have it
    assert isinstance(playback, SpeechPlayback | FakePlayback)
    block_voice = playback.block_voice
    playback.set_block_voice(BlockType.QUOTATION, "nobody/xx")
    subject.wait(lambda: any("nobody/xx" in text for text in subject.errors()))
    assert block_voice(BlockType.QUOTATION) is None
    other = next(v.id for v in playback.voices if v.id != playback.voice)
    playback.set_block_voice(BlockType.QUOTATION, other)
    subject.wait(lambda: block_voice(BlockType.QUOTATION) == other)
    playback.set_block_voice(BlockType.QUOTATION, "")  # "" means the main voice too
    subject.wait(lambda: block_voice(BlockType.QUOTATION) is None)


def test_states_change_only_from_where_they_can(make: Maker) -> None:
    subject = make()
    playback = subject.playback
    assert playback.state is PlaybackState.STOPPED
    playback.pause()
    playback.resume()
    playback.stop()
    assert playback.state is PlaybackState.STOPPED  # nothing to pause, resume or stop
    playback.play()
    assert playback.state is PlaybackState.PLAYING
    playback.play()  # already playing: no change
    playback.pause()
    assert playback.state is PlaybackState.PAUSED
    playback.play()  # play while paused resumes
    assert playback.state is PlaybackState.PLAYING
    playback.stop()
    assert playback.state is PlaybackState.STOPPED
    expected = [
        PlaybackState.PLAYING,
        PlaybackState.PAUSED,
        PlaybackState.PLAYING,
        PlaybackState.STOPPED,
    ]
    subject.wait(lambda: len(subject.states()) >= len(expected))
    assert subject.recorder.wait_quiet()
    assert subject.states() == expected  # one event per change, none without one


def test_jumps_are_clamped_to_the_story(make: Maker) -> None:
    subject = make()
    playback = subject.playback
    last = len(playback.story.refs) - 1
    playback.seek(10_000)
    assert playback.position.sentence == last
    far = playback.time_left_ms()
    playback.seek(-5)
    assert playback.position.sentence == 0
    assert playback.time_left_ms() > far > 0
    playback.skip_sentence(-1)  # nowhere to go: stays put
    assert playback.position.sentence == 0
    assert playback.state is PlaybackState.STOPPED  # jumps do not start reading


def test_a_blank_interface_text_is_not_spoken(make: Maker) -> None:
    playback = make().playback
    playback.say("  \n ")
    assert not playback.speaking
    if isinstance(playback, FakePlayback):
        assert playback.said == []


def test_an_empty_story_finishes_at_once(make: Maker) -> None:
    subject = make(make_story([[]]))
    playback = subject.playback
    assert playback.time_left_ms() == 0
    playback.play()
    subject.wait(subject.recorder.finished)
    assert playback.state is PlaybackState.STOPPED


def test_close_stops_and_can_be_repeated(make: Maker) -> None:
    subject = make()
    playback = subject.playback
    playback.play()
    playback.close()
    playback.close()
    subject.wait(lambda: playback.state is PlaybackState.STOPPED)
    subject.wait(lambda: subject.states()[-1:] == [PlaybackState.STOPPED])
