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
from player.core.navigation import Navigator, estimate_ms
from player.core.playback.api import (
    DEFAULT_RATE_WPM,
    Playback,
    PlaybackListener,
    PlaybackState,
    Position,
)
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
    """A playback that moves only when a test tells it to, and records every call."""

    def __init__(self, story: Story) -> None:
        self._story = story
        self._state = PlaybackState.STOPPED
        self._position = Position(0)
        self._listeners: list[PlaybackListener] = []
        self._rate = DEFAULT_RATE_WPM
        self._volume = 1.0
        self._voice = "fake/en"
        self._nav = Navigator(story)
        self.calls: list[tuple[str, object]] = []
        #: texts given to say(), with their interrupt flag (kept apart from ``calls``)
        self.said: list[tuple[str, bool]] = []
        #: the voice per block type, as set_block_voice left it
        self.block_voices: dict[BlockType, str | None] = {}
        self.closed = False

    # Driving it from a test

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
        listener.on_voices(self.voices)  # as the real one does once its engine has loaded

    def play(self, from_sentence: int | None = None) -> None:
        self.calls.append(("play", from_sentence))
        if from_sentence is not None:
            self._position = Position(from_sentence)
        self._set_state(PlaybackState.PLAYING)
        self.emit_position(self._position)

    def pause(self) -> None:
        self.calls.append(("pause", None))
        self._set_state(PlaybackState.PAUSED)

    def resume(self) -> None:
        self.calls.append(("resume", None))
        self._set_state(PlaybackState.PLAYING)

    def stop(self) -> None:
        self.calls.append(("stop", None))
        self._set_state(PlaybackState.STOPPED)

    def seek(self, sentence: int) -> None:
        self.calls.append(("seek", sentence))
        self.emit_position(Position(sentence))

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
        self._rate = wpm

    @property
    def volume(self) -> float:
        return self._volume

    def set_volume(self, volume: float) -> None:
        self.calls.append(("set_volume", volume))
        self._volume = volume

    @property
    def voice(self) -> str:
        return self._voice

    def set_voice(self, voice_id: str) -> None:
        self.calls.append(("set_voice", voice_id))
        self._voice = voice_id

    @property
    def voices(self) -> list[Voice]:
        return list(FAKE_VOICES)

    def set_block_voice(self, block_type: BlockType, voice_id: str | None) -> None:
        self.block_voices[block_type] = voice_id

    def say(self, text: str, *, interrupt: bool = False) -> None:
        self.said.append((text, interrupt))

    def time_left_ms(self) -> int:
        return estimate_ms(self._story, self._position.sentence, self._rate)

    def close(self) -> None:
        self.calls.append(("close", None))
        self.closed = True


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
