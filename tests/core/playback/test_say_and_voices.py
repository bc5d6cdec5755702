"""Interface texts (say), the second voice for quotations and posts, and the voices event.

Over the fake synthesizer (each voice its own pitch) and a silent clock that keeps
a tape of everything it read, so tests can check what would have been heard.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from player.core.model import BlockType, Story
from player.core.playback import PcmStream, PlaybackSettings, SpeechPlayback, create_playback
from player.core.playback.api import PlaybackState, Position
from player.core.playback.stream import Piece
from player.core.speech import FakeSynthesizer, Voice, second_voice
from player.core.storyfile import parse_story
from tests.core.speech.speechkit import Recorder, Tape, make_story, taping
from tests.support import Closer

RATE = 300
SPEED = 4.0

QUOTED = (
    ("She said it twice.", ">Nobody could say why.", "|The town waited."),
    ("@The fish will come back.", "@Maybe next year.", "|Then spring came."),
)


class Live:
    """A playback over the fake synthesizer with a taping clock, and its events;
    ``closing`` closes it when the test ends."""

    def __init__(self, story: Story, closing: Closer, synth: FakeSynthesizer | None = None) -> None:
        self.story = story
        self.synth = synth or FakeSynthesizer()
        self.recorder = Recorder()
        self.tapes: list[Tape] = []
        self.playback: SpeechPlayback = closing(
            create_playback(
                story,
                taping(self.tapes, SPEED),
                synthesizer=self.synth,
                settings=PlaybackSettings(rate=RATE),
                listeners=(self.recorder,),
            )
        )
        assert self.playback.wait_ready()

    def wait(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        assert self.recorder.wait_for(predicate, timeout), self.recorder.events[-10:]

    def audio(self, text: str, voice: str = "fake/en") -> bytes:
        return self.synth.synthesize(text, voice, RATE).pcm

    def said(self) -> bool:
        return not self.playback.speaking

    def positions_since(self, count: int) -> list[Position]:
        return self.recorder.positions()[count:]

    def reached(self, sentence: int, word: int) -> Callable[[], bool]:
        """A predicate: reading has got to ``word`` of ``sentence``, or past it."""
        return lambda: (
            (self.playback.position.sentence, self.playback.position.word or 0)
            >= (
                sentence,
                word,
            )
        )

    def settled(self) -> Position:
        """The position once a pause has taken effect: the clock stands still and its
        last position has come, however late a busy machine runs the playback's thread."""
        self.wait(lambda: bool(self.tapes) and self.tapes[-1].clock.paused.is_set())
        assert self.recorder.wait_quiet(), self.recorder.events[-10:]
        return self.playback.position


@pytest.fixture
def live(closing: Closer) -> Live:
    return Live(make_story(), closing)


@pytest.fixture
def quoted(closing: Closer) -> Live:
    return Live(make_story(QUOTED), closing)


# say(): stopped


def test_say_while_stopped_speaks_at_once_and_stays_stopped(live: Live) -> None:
    playback = live.playback
    playback.seek(4)
    live.wait(lambda: live.recorder.positions() == [Position(4)])
    playback.say("Segment two of three.")
    assert playback.speaking
    live.wait(live.said)
    assert len(live.tapes) == 1
    tape = live.tapes[0]
    assert tape.pieces() == [Piece(len(live.story.refs), 0, announcement=True)]
    assert tape.announcements() == [live.audio("Segment two of three.")]
    assert playback.state is PlaybackState.STOPPED
    assert live.recorder.positions() == [Position(4)]  # nothing claimed while it spoke
    assert playback.position == Position(4)
    assert PlaybackState.PLAYING not in live.recorder.of("state")
    playback.play()
    live.wait(lambda: playback.position.sentence == 4 and playback.position.word is not None)


def test_stop_silences_a_text_said_while_stopped(live: Live) -> None:
    long_text = " ".join(["word"] * 60)
    live.playback.say(long_text)
    live.wait(lambda: bool(live.tapes) and len(live.tapes[0].pcm) > 0)
    live.playback.stop()
    live.wait(live.said, timeout=1.0)
    heard = len(live.tapes[0].pcm)
    assert heard < len(live.audio(long_text))


def test_empty_text_is_not_said(live: Live) -> None:
    live.playback.say("   \n ")
    assert not live.playback.speaking


# say(): paused


def test_say_while_paused_keeps_the_exact_sample(live: Live) -> None:
    playback = live.playback
    playback.play()
    live.wait(live.reached(1, 3))
    playback.pause()
    held = live.settled()
    assert held.word is not None and len(live.tapes) == 1
    count = len(live.recorder.positions())
    before = live.tapes[0]
    playback.say("Paused.")
    live.wait(live.said)
    assert len(live.tapes) == 2 and live.tapes[1].announcements() == [live.audio("Paused.")]
    assert playback.state is PlaybackState.PAUSED
    assert live.positions_since(count) == [] and playback.position == held
    playback.resume()
    live.wait(lambda: len(live.tapes) == 3 and len(live.tapes[2].pcm) > 2000)
    after = live.tapes[2]
    first = after.pieces()[0]
    assert first.sentence == held.sentence and not first.announcement and not first.pause
    # resumed at the very frame the first stream had got to when paused
    old_start = next(s for s, p in before.stream.pieces() if p == Piece(held.sentence))
    paused_frame = len(before.pcm) // 2 - old_start
    assert first.first_frame == paused_frame
    sentence = live.audio(live.story.sentence(held.sentence).spoken)
    heard = after.pcm
    assert heard == sentence[paused_frame * 2 : paused_frame * 2 + len(heard)]
    live.wait(lambda: playback.position.sentence > held.sentence)
    resumed = live.positions_since(count)
    assert resumed[0].sentence == held.sentence and (resumed[0].word or 0) >= held.word


def test_rate_change_while_a_paused_text_speaks_resumes_at_the_word(live: Live) -> None:
    playback = live.playback
    playback.play()
    live.wait(live.reached(1, 3))
    playback.pause()
    held = live.settled()
    assert held.word is not None
    playback.say(" ".join(["paused"] * 12))
    live.wait(lambda: len(live.tapes) == 2)
    playback.set_rate(200)
    live.wait(live.said)
    playback.resume()
    live.wait(lambda: len(live.tapes) == 3 and len(live.tapes[2].pcm) > 0)
    first = live.tapes[2].pieces()[0]
    word_frames = 16_000 * 300 // 1000  # a word and its gap at 200 wpm, at 16 kHz
    assert (first.sentence, first.first_frame) == (held.sentence, held.word * word_frames)


def test_pause_with_a_text_waiting_says_it_at_once(live: Live) -> None:
    playback = live.playback
    playback.play()
    live.wait(live.reached(0, 1))
    playback.say("Bookmark added.")
    playback.pause()
    live.wait(live.said)
    heard = [a for tape in live.tapes for a in tape.announcements()]
    assert live.audio("Bookmark added.") in heard
    assert playback.state is PlaybackState.PAUSED


# say(): playing


def test_say_while_playing_waits_for_the_next_sentence_boundary(live: Live) -> None:
    playback = live.playback
    playback.play()
    live.wait(live.reached(0, 2))
    count = len(live.recorder.positions())
    playback.say("Two minutes left.")
    assert playback.speaking
    live.wait(live.said)
    live.wait(lambda: playback.position.sentence >= 2)
    assert len(live.tapes) == 1  # spliced into the running stream: the output never restarted
    pieces = live.tapes[0].pieces()
    at = next(i for i, p in enumerate(pieces) if p.announcement)
    assert pieces[at - 1].pause and not pieces[at - 1].announcement  # after a sentence's pause
    assert pieces[at + 1] == Piece(pieces[at].sentence, 0, pause=True, announcement=True)
    assert pieces[at + 2] == Piece(pieces[at].sentence)  # then the next sentence, from its start
    assert pieces[at].sentence == pieces[at - 1].sentence + 1
    assert live.tapes[0].announcements() == [live.audio("Two minutes left.")]
    # position never went back, nor skipped a sentence
    seen = [p.sentence for p in live.positions_since(count)]
    assert seen == sorted(seen) and set(seen) == set(range(seen[0], seen[-1] + 1))
    assert playback.state is PlaybackState.PLAYING


def test_say_with_interrupt_reads_the_sentence_again(live: Live) -> None:
    playback = live.playback
    playback.play()
    live.wait(live.reached(1, 4))
    count = len(live.recorder.positions())
    playback.say("Where am I.", interrupt=True)
    live.wait(lambda: len(live.tapes) >= 2)
    live.wait(live.said)
    live.wait(lambda: len(live.tapes) == 3)
    again = live.tapes[2].pieces()[0].sentence  # the sentence that was being heard
    live.wait(live.reached(again, 1))
    assert live.tapes[1].announcements() == [live.audio("Where am I.")]
    assert live.tapes[2].pieces()[0] == Piece(again)
    after = live.positions_since(count)
    assert after[0] == Position(again, None, 0)
    assert [p.word for p in after[1:3]] == [0, 1]
    assert playback.state is PlaybackState.PLAYING


def test_a_new_text_replaces_one_not_yet_said(live: Live) -> None:
    playback = live.playback
    playback.play()
    live.wait(live.reached(0, 1))
    texts = ["one", "one two", "one two three", "one two three four"]
    for text in texts:
        playback.say(text)
    live.wait(live.said)
    live.wait(lambda: playback.position.sentence >= 2)
    assert live.tapes[0].announcements() == [live.audio(texts[-1])]


def test_a_new_text_cuts_one_being_said_while_stopped(live: Live) -> None:
    playback = live.playback
    playback.say(" ".join(["first"] * 40))
    live.wait(lambda: bool(live.tapes) and len(live.tapes[0].pcm) > 0)
    playback.say("Second.")
    live.wait(live.said)
    heard = [a for tape in live.tapes for a in tape.announcements()]
    assert heard[-1] == live.audio("Second.") and len(heard) == 2
    assert len(heard[0]) < len(live.audio(" ".join(["first"] * 40)))


def test_a_jump_silences_a_waiting_text(live: Live) -> None:
    playback = live.playback
    playback.play()
    live.wait(live.reached(0, 1))
    playback.say("Old news.")
    playback.seek(5)
    live.wait(live.reached(5, 2))
    assert not playback.speaking
    assert all(not tape.announcements() for tape in live.tapes)


def test_interface_messages_are_said_in_a_voice_of_the_interface_language(
    closing: Closer,
) -> None:
    french = Live(make_story(language="fr"), closing)
    assert french.playback.voice == "fake/fr"
    french.playback.say("Paused.")
    french.wait(french.said)
    assert ("Paused.", "fake/en") in {(t, v) for t, v, _ in french.synth.requests}
    english = Live(make_story(), closing)
    english.playback.set_voice("fake/en-us")
    english.wait(lambda: english.playback.voice == "fake/en-us")
    english.playback.say("Paused.")
    english.wait(english.said)
    assert ("Paused.", "fake/en-us") in {(t, v) for t, v, _ in english.synth.requests}


def test_no_speech_means_no_say(closing: Closer) -> None:
    playback = closing(create_playback(make_story(), None, synthesizer=None))
    assert playback.wait_ready()
    playback.say("Anything")
    assert not playback.speaking


# The second voice


def test_quotations_and_posts_in_the_second_voice(quoted: Live) -> None:
    playback = quoted.playback
    playback.set_block_voice(BlockType.QUOTATION, "fake/en-us")
    playback.set_block_voice(BlockType.POST, "fake/fr")
    quoted.wait(lambda: playback.block_voice(BlockType.POST) == "fake/fr")
    playback.play()
    quoted.wait(quoted.recorder.finished)
    asked = {text: voice for text, voice, _ in quoted.synth.requests}
    assert asked["She said it twice."] == "fake/en"
    assert asked["Nobody could say why."] == "fake/en-us"
    assert asked["The fish will come back."] == "fake/fr"
    assert asked["Maybe next year."] == "fake/fr"
    assert asked["Then spring came."] == "fake/en"
    tape = quoted.tapes[0]
    quote = tape.audio_of(lambda p: p == Piece(1))
    assert quote == [quoted.audio("Nobody could say why.", "fake/en-us")]
    assert quote[0] != quoted.audio("Nobody could say why.")


def test_two_speakers_of_a_segment_are_heard_in_two_voices(closing: Closer) -> None:
    text = (
        "title: T\nlanguage: en\n\n== interview: Two\n\n::: quote\nspeaker: Ana\n---\n"
        "Ana first.\n:::\n\n::: quote\nspeaker: Luis\n---\nLuis next.\n:::\n\n"
        "::: quote\nspeaker: Ana\n---\nAna again.\n:::\n\n== end\n"
    )
    voices = [
        Voice("fake/en", "Fake English", ("en",)),
        Voice("fake/en-us", "Fake American", ("en-us",)),
        Voice("fake/en-gb", "Fake British", ("en-gb",)),
    ]
    live = Live(parse_story(text, Path("t.txt")), closing, FakeSynthesizer(voices=voices))
    playback = live.playback
    playback.set_block_voice(BlockType.QUOTATION, "fake/en-us")
    live.wait(lambda: playback.block_voice(BlockType.QUOTATION) == "fake/en-us")
    playback.play()
    live.wait(live.recorder.finished)
    asked = {text: voice for text, voice, _ in live.synth.requests}
    assert asked["Ana said: Ana first."] == "fake/en-us"
    assert asked["Luis said: Luis next."] == "fake/en-gb"
    assert asked["Ana said: Ana again."] == "fake/en-us"


def test_second_voice_change_reaches_the_look_ahead(quoted: Live) -> None:
    playback = quoted.playback
    playback.play()
    quoted.wait(quoted.reached(0, 1))
    # the quotation (sentence 1) is already queued in the main voice by now
    assert any(text == "Nobody could say why." for text, _, _ in quoted.synth.requests)
    playback.set_block_voice(BlockType.QUOTATION, "fake/en-us")
    quoted.wait(lambda: playback.position.sentence == 2)
    assert len(quoted.tapes) == 1  # the sentence being heard went on undisturbed
    quote = quoted.tapes[0].audio_of(lambda p: p.sentence == 1 and not p.pause)
    assert quote == [quoted.audio("Nobody could say why.", "fake/en-us")]
    playback.set_block_voice(BlockType.QUOTATION, None)
    quoted.wait(lambda: playback.block_voice(BlockType.QUOTATION) is None)


def test_second_voice_change_in_the_sentence_being_heard(quoted: Live) -> None:
    playback = quoted.playback
    playback.play(1)
    quoted.wait(quoted.reached(1, 2))
    playback.set_block_voice(BlockType.QUOTATION, "fake/en-us")
    quoted.wait(lambda: len(quoted.tapes) == 2)
    first = quoted.tapes[1].pieces()[0]
    assert first.sentence == 1 and first.first_frame > 0  # again from the word being heard


def test_unknown_second_voice_is_refused(quoted: Live) -> None:
    quoted.playback.set_block_voice(BlockType.POST, "nope")
    quoted.wait(lambda: any("nope" in m[0] for m in quoted.recorder.messages()))
    assert quoted.playback.block_voice(BlockType.POST) is None


def test_interface_texts_use_the_main_voice(quoted: Live) -> None:
    playback = quoted.playback
    playback.set_block_voice(BlockType.QUOTATION, "fake/en-us")
    playback.seek(1)
    playback.say("In a quotation.")
    quoted.wait(quoted.said)
    assert ("In a quotation.", "fake/en", RATE) in quoted.synth.requests


def test_second_voice_helper() -> None:
    espeak_like = [
        Voice("gmw/en-029", "English (Caribbean)", ("en-029", "en")),
        Voice("gmw/en", "English (Great Britain)", ("en-gb", "en")),
        Voice("gmw/en-GB-scotland", "English (Scotland)", ("en-gb-scotland", "en")),
        Voice("gmw/en-Shaw", "English (Shavian alphabet)", ("en-shaw",)),
        Voice("gmw/en-US", "English (America)", ("en-us", "en")),
        Voice("gmw/en-US-nyc", "English (America, New York City)", ("en-us-nyc",)),
        Voice("gmw/de", "German", ("de",)),
        Voice("roa/fr-BE", "French (Belgium)", ("fr-be", "fr")),
        Voice("roa/fr", "French (France)", ("fr-fr", "fr")),
    ]

    def pick(main: str) -> str | None:
        chosen = second_voice(espeak_like, main)
        return chosen.id if chosen else None

    assert pick("gmw/en") == "gmw/en-US"
    assert pick("gmw/en-US") == "gmw/en"
    assert pick("roa/fr") == "roa/fr-BE"
    assert pick("gmw/de") is None
    assert pick("missing") is None
    fake = FakeSynthesizer().voices()
    chosen = [second_voice(fake, v.id) for v in fake]
    assert [v.id if v else None for v in chosen] == ["fake/en-us", "fake/en", None]


# Voices


def test_voices_event_once_and_for_late_listeners(live: Live) -> None:
    voices = live.recorder.of("voices")
    assert voices == [live.synth.voices()] == [live.playback.voices]
    late = Recorder()
    live.playback.add_listener(late)
    assert late.of("voices") == voices


class _Opener:
    """Opens a gate on close: hand it to ``closing`` after what waits at the gate."""

    def __init__(self, gate: threading.Event) -> None:
        self.gate = gate

    def close(self) -> None:
        self.gate.set()


def test_voices_are_empty_until_the_engine_has_loaded(closing: Closer) -> None:
    gate = threading.Event()

    class SlowToLoad(FakeSynthesizer):
        def voices(self) -> list[Voice]:
            gate.wait(5.0)
            return super().voices()

    recorder = Recorder()
    # closed after the gate opens (newest first), so closing never waits out the 5 s
    playback = closing(
        create_playback(make_story(), None, synthesizer=SlowToLoad(), listeners=(recorder,))
    )
    closing(_Opener(gate))
    assert playback.voices == [] and recorder.of("voices") == []
    gate.set()
    assert recorder.wait_for(lambda: bool(recorder.of("voices")))
    assert [v.id for v in playback.voices] == ["fake/en", "fake/en-us", "fake/fr"]


def test_listeners_without_the_voices_event_still_work(closing: Closer) -> None:
    class Old:
        def __init__(self) -> None:
            self.states: list[PlaybackState] = []

        def on_position(self, position: Position) -> None: ...

        def on_state(self, state: PlaybackState) -> None:
            self.states.append(state)

        def on_message(self, text: str, level: str) -> None: ...

        def on_finished(self) -> None: ...

    old = Old()
    playback = closing(
        create_playback(
            make_story([["One two."]]),
            taping([], 8.0),
            synthesizer=FakeSynthesizer(),
            settings=PlaybackSettings(rate=RATE),
        )
    )
    playback.add_listener(old)  # type: ignore[arg-type]  # deliberately lacks on_voices
    playback.play()
    assert Recorder().wait_for(lambda: PlaybackState.STOPPED in old.states)


def test_text_only_sends_no_voices(closing: Closer) -> None:
    recorder = Recorder()
    closing(create_playback(make_story(), None, synthesizer=None, listeners=(recorder,)))
    assert recorder.wait_for(lambda: bool(recorder.of("voices")))
    assert recorder.of("voices") == [[]]


# The stream's splice point


def test_cut_at_next_boundary_keeps_what_was_read() -> None:
    stream = PcmStream(1000)
    stream.write(b"\x01\x00" * 100, Piece(0))
    stream.write_silence(50, Piece(0, 100, pause=True))
    stream.write(b"\x02\x00" * 100, Piece(1))
    stream.write_silence(50, Piece(1, 100, pause=True))
    stream.finish()
    assert len(stream.read(120 * 2)) == 240  # into sentence 0's pause
    assert stream.cut_at_next_boundary() == (150, Piece(1))
    assert not stream.finished and stream.frames_written == 150
    assert stream.read(1000) == bytes(30 * 2)  # the rest of the pause, nothing after
    assert stream.cut_at_next_boundary() is None
    stream.write(b"\x03\x00" * 10, Piece(1, announcement=True))
    assert [p for _, p in stream.pieces()][-1] == Piece(1, announcement=True)
    assert stream.read(1000) == b"\x03\x00" * 10
