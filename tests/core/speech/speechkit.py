"""Test helpers for speech and playback: small hand-built stories and an event recorder.

Imported as ``tests.core.speech.speechkit`` by the speech, playback, audio and
benchmark code, so it must not depend on pytest.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Sequence

from player.core.model import (
    Block,
    BlockType,
    Segment,
    SegmentKind,
    Sentence,
    Story,
    StoryMeta,
    Word,
)
from player.core.playback.api import PlaybackState, Position

KIND = SegmentKind("part", "Part", "Parts")

DEFAULT_SEGMENTS: tuple[tuple[str, ...], ...] = (
    (
        "The story begins in a small town by the sea.",
        "Every morning the boats went out before dawn.",
        "|Most of them came back by noon.",
    ),
    (
        "Maria had lived there all her life.",
        "She knew every family and every dog.",
    ),
    (
        "Then one winter the fish did not come.",
        "Nobody could say why.",
        "|The town waited, and waited.",
    ),
)


def sentence_of(text: str, start: int = 0) -> Sentence:
    words = tuple(
        Word(start + m.start(), start + m.end(), m.start(), m.end())
        for m in re.finditer(r"\S+", text)
    )
    return Sentence(start, start + len(text), text, text, words)


def make_story(segments: Sequence[Sequence[str]] = DEFAULT_SEGMENTS, language: str = "en") -> Story:
    """Segments of sentences; a sentence starting with "|" starts a new block."""
    built = []
    for s_i, sentences in enumerate(segments):
        blocks: list[list[str]] = [[]]
        for text in sentences:
            if text.startswith("|") and blocks[-1]:
                blocks.append([])
            blocks[-1].append(text.lstrip("|"))
        made = []
        for texts in blocks:
            parts, offset = [], 0
            for text in texts:
                parts.append(sentence_of(text, offset))
                offset += len(text) + 1
            made.append(Block(BlockType.PARAGRAPH, " ".join(texts), tuple(parts)))
        built.append(Segment(KIND, f"Part {s_i + 1}", tuple(made)))
    return Story(StoryMeta("A test story", language), tuple(built))


class Recorder:
    """A PlaybackListener that keeps every event, safe to read from the test thread."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.events: list[tuple[str, object]] = []
        self.times: list[float] = []

    def _add(self, kind: str, value: object) -> None:
        with self.lock:
            self.events.append((kind, value))
            self.times.append(time.perf_counter())

    def on_position(self, position: Position) -> None:
        self._add("position", position)

    def on_state(self, state: PlaybackState) -> None:
        self._add("state", state)

    def on_message(self, text: str, level: str) -> None:
        self._add("message", (text, level))

    def on_finished(self) -> None:
        self._add("finished", None)

    def of(self, kind: str) -> list[object]:
        with self.lock:
            return [v for k, v in self.events if k == kind]

    def positions(self) -> list[Position]:
        return [p for p in self.of("position") if isinstance(p, Position)]

    def messages(self) -> list[tuple[str, str]]:
        return [m for m in self.of("message") if isinstance(m, tuple)]

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            time.sleep(0.005)
        return predicate()

    def more_positions_than(self, count: int) -> Callable[[], bool]:
        """A predicate: more than ``count`` position events have arrived."""
        return lambda: len(self.positions()) > count

    def finished(self) -> bool:
        return bool(self.of("finished"))


def speech_threads() -> list[str]:
    """Names of live threads the speech code starts (they must all end on close)."""
    names = ("playback-control", "speech-synthesis", "silent-clock")
    return [t.name for t in threading.enumerate() if t.name.startswith(names)]
