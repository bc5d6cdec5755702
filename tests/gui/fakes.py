"""Test doubles for the window: a deterministic playback and a small story like the bundled one."""

from __future__ import annotations

import re
import threading

from pytestqt.qtbot import QtBot

from player.core.model import (
    Block,
    BlockType,
    Photo,
    PostInfo,
    Segment,
    SegmentKind,
    Sentence,
    Story,
    StoryMeta,
)
from player.core.navigation import Navigator
from player.core.playback.api import (
    DEFAULT_RATE_WPM,
    MAX_RATE_WPM,
    MIN_RATE_WPM,
    Playback,
    PlaybackListener,
    PlaybackState,
    Position,
)
from player.core.playback.estimates import TimeEstimates
from player.core.settings import Settings
from player.core.speech.base import Voice
from player.gui.window import MainWindow
from tests.support import sentence_of

INTRO = SegmentKind("introduction", "Introduction", "Introduction")
PERSONAL = SegmentKind("personal-story", "Personal story", "Personal stories")
INSIDE = SegmentKind("life-inside", "Life inside", "Life inside")
DEBATE = SegmentKind("debate", "The debate", "The debate")
REACTION = SegmentKind("public-reaction", "Public reaction", "Public reaction")


def _sentences(text: str) -> tuple[Sentence, ...]:
    result = []
    for m in re.finditer(r"[^.\n]+[.]?", text):
        body = m.group()
        lead = len(body) - len(body.lstrip())
        body = body.strip()
        if not body:
            continue
        result.append(sentence_of(body, m.start() + lead))
    return tuple(result)


def paragraph(text: str) -> Block:
    return Block(BlockType.PARAGRAPH, text, _sentences(text))


def quote(text: str, speaker: str = "Someone") -> Block:
    return Block(BlockType.QUOTATION, text, _sentences(text), speaker=speaker)


def post(body: str, author: str, photo: Photo | None = None) -> Block:
    text = f"{body}\n— {author} (@{author.lower()}) April 28, 2018"
    return Block(
        BlockType.POST,
        text,
        _sentences(text),
        post=PostInfo(author, f"@{author.lower()}"),
        photo=photo,
    )


PHOTO = Photo(
    caption="Melissa is 18 months old.",
    alt="A toddler in a prison yard",
    credit="HuffPost",
    number=1,
    total=6,
)


def make_story(long: bool = False) -> Story:
    """Six segments: introduction, two personal stories, life inside, debate, public reaction.

    ``long`` pads the introduction so the text needs scrolling.
    """
    filler = [paragraph(f"Filler sentence number {n}. It makes the text long.") for n in range(40)]
    segments = (
        Segment(
            INTRO,
            "Introduction",
            (paragraph("In prisons across Mexico, children live inside. The age varies."),)
            + (tuple(filler) if long else ()),
        ),
        Segment(
            PERSONAL,
            "Melissa",
            (post("Melissa is 18 months old. She lives inside.", "HuffPost", PHOTO),),
        ),
        Segment(
            PERSONAL,
            "Brenda",
            (
                paragraph("Brenda shares her cell. Her son is Justin."),
                quote("This is not a place for babies."),
            ),
        ),
        Segment(INSIDE, "Life inside", (paragraph("Prison life has rules. Children may leave."),)),
        Segment(
            DEBATE, "The debate", (paragraph("The debate continues. Some believe otherwise."),)
        ),
        Segment(
            REACTION,
            "Public reaction",
            (post("It could be worse.", "Ursula"), post("This is morally wrong.", "Benjamin")),
        ),
    )
    return Story(StoryMeta("Children born in prison", "en"), segments)


FAKE_VOICES = (
    Voice("fake/en", "Fake", ("en", "en-gb")),
    Voice("fake/en-us", "Fake American", ("en-us",)),
)


class FakePlayback(Playback):
    """A playback that moves only when a test tells it to, and records every call.

    It keeps the real playback's contract (tests/core/playback/test_contract.py runs
    against both): states change only from the states the real one changes them from,
    rate, volume and jumps are clamped, unknown voices are refused with an error
    message, and the voices come by the voices event (at once, or with
    ``voices_loaded=False`` when a test calls :meth:`finish_loading`).
    """

    def __init__(self, story: Story, *, voices_loaded: bool = True) -> None:
        self._story = story
        self._state = PlaybackState.STOPPED
        self._position = Position(0)
        self._listeners: list[PlaybackListener] = []
        self._rate = DEFAULT_RATE_WPM
        self._estimates: TimeEstimates | None = None
        self._volume = 1.0
        self._voice = "fake/en"
        self._nav = Navigator(story)
        self.calls: list[tuple[str, object]] = []
        #: texts given to say(), with their interrupt flag (kept apart from ``calls``)
        self.said: list[tuple[str, bool]] = []
        #: the voice per block type, as set_block_voice left it
        self.block_voices: dict[BlockType, str | None] = {}
        self.closed = False
        self.loaded = voices_loaded

    # Driving it from a test

    def finish_loading(self) -> None:
        """The engine has loaded: the voices event, as the real one sends it once."""
        if self.loaded:
            return
        self.loaded = True
        for listener in list(self._listeners):
            listener.on_voices(self.voices)

    def _message(self, text: str, level: str) -> None:
        for listener in list(self._listeners):
            listener.on_message(text, level)

    def emit_position(self, position: Position, threaded: bool = False) -> None:
        self._position = position

        def send() -> None:
            for listener in list(self._listeners):
                listener.on_position(position)

        if threaded:
            worker = threading.Thread(target=send)
            worker.start()
            worker.join(10)  # bounded: a stuck listener fails the test instead of hanging it
            assert not worker.is_alive(), "a listener blocked the playback's thread"
        else:
            send()

    def advance(self, word: int | None = None) -> Position:
        """Next word of this sentence when ``word`` is given, else the next sentence."""
        if word is not None:
            position = Position(self._position.sentence, word, 100 * word)
        elif self._position.sentence + 1 >= self._story.sentence_count:
            self._set_state(PlaybackState.STOPPED)
            for listener in list(self._listeners):
                listener.on_finished()
            return self._position
        else:
            position = Position(self._position.sentence + 1, None, 0)
        self.emit_position(position)
        return position

    def _set_state(self, state: PlaybackState) -> None:
        if state is self._state:
            return  # as the real one: an event only for a change
        self._state = state
        for listener in list(self._listeners):
            listener.on_state(state)

    # The Playback interface

    @property
    def story(self) -> Story:
        return self._story

    @property
    def state(self) -> PlaybackState:
        return self._state

    @property
    def position(self) -> Position:
        return self._position

    def add_listener(self, listener: PlaybackListener) -> None:
        self._listeners.append(listener)
        if self.loaded:  # as the real one does to a listener added after its engine loaded
            listener.on_voices(self.voices)

    def _clamped(self, sentence: int) -> int:
        return min(max(sentence, 0), self._story.sentence_count - 1)

    def play(self, from_sentence: int | None = None) -> None:
        self.calls.append(("play", from_sentence))
        if not self._story.refs:
            for listener in list(self._listeners):
                listener.on_finished()  # nothing to read: done at once
            return
        if from_sentence is None and self._state is PlaybackState.PAUSED:
            self._set_state(PlaybackState.PLAYING)
            return
        if from_sentence is None and self._state is PlaybackState.PLAYING:
            return
        if from_sentence is not None:
            self._position = Position(self._clamped(from_sentence))
        self._set_state(PlaybackState.PLAYING)
        self.emit_position(self._position)

    def pause(self) -> None:
        self.calls.append(("pause", None))
        if self._state is PlaybackState.PLAYING:
            self._set_state(PlaybackState.PAUSED)

    def resume(self) -> None:
        self.calls.append(("resume", None))
        if self._state is PlaybackState.PAUSED:
            self._set_state(PlaybackState.PLAYING)

    def stop(self) -> None:
        self.calls.append(("stop", None))
        self._set_state(PlaybackState.STOPPED)

    def seek(self, sentence: int) -> None:
        self.calls.append(("seek", sentence))
        if self._story.refs:
            self.emit_position(Position(self._clamped(sentence)))

    def skip_sentence(self, delta: int) -> None:
        self.calls.append(("skip_sentence", delta))
        target = self._nav.sentence(self._position.sentence, delta)
        if target is not None:
            self.seek(target)

    def skip_block(self, delta: int) -> None:
        self.calls.append(("skip_block", delta))

    def skip_segment(self, delta: int) -> None:
        self.calls.append(("skip_segment", delta))

    def skip_time(self, ms: int) -> None:
        self.calls.append(("skip_time", ms))

    @property
    def rate(self) -> int:
        return self._rate

    def set_rate(self, wpm: int) -> None:
        self.calls.append(("set_rate", wpm))
        self._rate = min(max(int(wpm), MIN_RATE_WPM), MAX_RATE_WPM)

    @property
    def volume(self) -> float:
        return self._volume

    def set_volume(self, volume: float) -> None:
        self.calls.append(("set_volume", volume))
        self._volume = min(max(float(volume), 0.0), 1.0)

    @property
    def voice(self) -> str:
        return self._voice

    def set_voice(self, voice_id: str) -> None:
        self.calls.append(("set_voice", voice_id))
        if self._known(voice_id):
            self._voice = voice_id

    def _known(self, voice_id: str) -> bool:
        """Checked against the voices the engine will have, as the real one checks a
        command queued while it loads once it has loaded."""
        if any(v.id == voice_id for v in FAKE_VOICES):
            return True
        self._message(f"There is no voice {voice_id!r}.", "error")
        return False

    @property
    def voices(self) -> list[Voice]:
        return list(FAKE_VOICES) if self.loaded else []

    def block_voice(self, block_type: BlockType) -> str | None:
        return self.block_voices.get(block_type)

    def set_block_voice(self, block_type: BlockType, voice_id: str | None) -> None:
        voice_id = voice_id or None
        if voice_id is None or self._known(voice_id):
            self.block_voices[block_type] = voice_id

    def say(self, text: str, *, interrupt: bool = False) -> None:
        text = " ".join(text.split())
        if text and not self.closed:
            self.said.append((text, interrupt))

    def time_left_ms(self) -> int:
        if not self._story.refs:
            return 0
        if self._estimates is None:
            self._estimates = TimeEstimates(self._story, self._rate, lambda _sentence: "")
        self._estimates.set_rate(self._rate)
        return self._estimates.time_left_ms(self._position.sentence)

    def close(self) -> None:
        self.calls.append(("close", None))
        self.closed = True
        self._set_state(PlaybackState.STOPPED)


def open_window(
    qtbot: QtBot, settings: Settings, story: Story, playbacks: list[FakePlayback]
) -> MainWindow:
    def factory(s: Story) -> FakePlayback:
        playbacks.append(FakePlayback(s))
        return playbacks[-1]

    window = MainWindow(
        settings, playback_factory=factory, voice_lister=lambda _p: [("fake/en", "Fake")]
    )
    qtbot.addWidget(window)
    window.set_story(story)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: window.playback is not None)
    return window
