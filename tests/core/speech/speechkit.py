"""Test helpers for speech and playback: small hand-built stories and an event recorder.

Imported as ``tests.core.speech.speechkit`` by the speech, playback, audio and
benchmark code, so it must not depend on pytest.
"""

from __future__ import annotations

import math
import sys
import threading
import time
from array import array
from collections.abc import Callable, Sequence
from typing import cast

from player.core.model import (
    Block,
    BlockType,
    Segment,
    SegmentKind,
    Story,
    StoryMeta,
)
from player.core.playback.api import PlaybackState, Position
from player.core.playback.output import OutputFactory, SilentClockOutput
from player.core.playback.player import SpeechPlayback
from player.core.playback.stream import PcmStream, Piece
from player.core.speech.base import Voice
from tests.support import sentence_of

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


_MARKS = {"|": BlockType.PARAGRAPH, ">": BlockType.QUOTATION, "@": BlockType.POST}


def make_story(segments: Sequence[Sequence[str]] = DEFAULT_SEGMENTS, language: str = "en") -> Story:
    """Segments of sentences; a sentence starting with "|" starts a new paragraph,
    with ">" a quotation and with "@" a post."""
    built = []
    for s_i, sentences in enumerate(segments):
        blocks: list[tuple[BlockType, list[str]]] = [(BlockType.PARAGRAPH, [])]
        for text in sentences:
            kind = _MARKS.get(text[:1])
            if kind is not None:
                text = text[1:]
                if blocks[-1][1] or kind is not blocks[-1][0]:
                    blocks.append((kind, []))
            blocks[-1][1].append(text)
        made = []
        for kind, texts in blocks:
            if not texts:
                continue
            parts, offset = [], 0
            for text in texts:
                parts.append(sentence_of(text, offset))
                offset += len(text) + 1
            made.append(Block(kind, " ".join(texts), tuple(parts)))
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

    def on_voices(self, voices: list[Voice]) -> None:
        self._add("voices", list(voices))

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

    def wait_quiet(self, quiet_s: float = 0.2, timeout: float = 10.0) -> bool:
        """Wait until no event has come for ``quiet_s``, counted from this call at the
        earliest; False if events still come at ``timeout``.

        For the last events of a change that has taken effect (a pause: see
        :class:`WatchedClock`), however late a busy machine lets the playback's thread
        send them, rather than a fixed sleep.
        """
        called = time.perf_counter()
        deadline = time.monotonic() + timeout
        while True:
            with self.lock:
                last = max(self.times[-1] if self.times else called, called)
            if time.perf_counter() - last >= quiet_s:
                return True
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)

    def more_positions_than(self, count: int) -> Callable[[], bool]:
        """A predicate: more than ``count`` position events have arrived."""
        return lambda: len(self.positions()) > count

    def finished(self) -> bool:
        return bool(self.of("finished"))


def speech_threads() -> list[str]:
    """Names of live threads the speech code starts (they must all end on close)."""
    names = ("playback-control", "speech-synthesis", "silent-clock")
    return [t.name for t in threading.enumerate() if t.name.startswith(names)]


class Driven:
    """What a test needs around a playback it drives: waiting on recorded events and
    positions. Subclasses set ``playback`` and ``recorder``."""

    playback: SpeechPlayback
    recorder: Recorder

    def wait(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        assert self.recorder.wait_for(predicate, timeout), self.recorder.events[-10:]

    def reached(self, sentence: int, word: int) -> Callable[[], bool]:
        """A predicate: reading has got to ``word`` of ``sentence``, or past it (a test
        looking late on a busy machine must not miss a word that came and went)."""
        p = self.playback
        return lambda: (p.position.sentence, p.position.word or 0) >= (sentence, word)

    def first_word_since(self, count: int) -> Position:
        """The first position with a word among those after the first ``count``."""
        self.wait(lambda: any(q.word is not None for q in self.recorder.positions()[count:]))
        return next(q for q in self.recorder.positions()[count:] if q.word is not None)


class Tape:
    """What an output read from one stream, byte for byte, beside the stream's pieces."""

    def __init__(self, stream: PcmStream, clock: WatchedClock) -> None:
        self.stream = stream
        #: the output that read it
        self.clock = clock
        self._lock = threading.Lock()
        self._pcm = bytearray()

    def read(self, max_bytes: int) -> bytes:
        data = self.stream.read(max_bytes)
        with self._lock:
            self._pcm += data
        return data

    @property
    def pcm(self) -> bytes:
        with self._lock:
            return bytes(self._pcm)

    def pieces(self) -> list[Piece]:
        return [piece for _start, piece in self.stream.pieces()]

    def audio_of(self, wanted: Callable[[Piece], bool]) -> list[bytes]:
        """The audio read of each piece ``wanted`` accepts, in stream order."""
        pcm = self.pcm
        spans = self.stream.pieces()
        ends = [start for start, _ in spans[1:]] + [self.stream.frames_written]
        return [
            pcm[start * 2 : end * 2]
            for (start, piece), end in zip(spans, ends, strict=True)
            if wanted(piece)
        ]

    def announcements(self) -> list[bytes]:
        return self.audio_of(lambda p: p.announcement and not p.pause)


class WatchedClock(SilentClockOutput):
    """A silent clock that shows when the playback has paused it: ``paused`` is set from
    the playback's thread once the clock stands still."""

    def __init__(self, sample_rate: int, speed: float = 1.0) -> None:
        super().__init__(sample_rate, speed=speed)
        self.paused = threading.Event()

    def pause(self) -> None:
        super().pause()
        self.paused.set()

    def resume(self) -> None:
        self.paused.clear()
        super().resume()


class TapeOutput(WatchedClock):
    """A silent clock that keeps a :class:`Tape` of every stream it was given."""

    def __init__(self, sample_rate: int, tapes: list[Tape], speed: float = 1.0) -> None:
        super().__init__(sample_rate, speed=speed)
        self.tapes = tapes

    def start(self, stream: PcmStream) -> None:
        tape = Tape(stream, self)
        self.tapes.append(tape)
        # the clock only ever calls read(): the tape passes it through and keeps a copy
        super().start(cast(PcmStream, tape))


def taping(tapes: list[Tape], speed: float = 4.0) -> OutputFactory:
    return lambda rate: TapeOutput(rate, tapes, speed)


def watching(clocks: list[WatchedClock], speed: float = 4.0) -> OutputFactory:
    """An output factory that keeps every clock it made in ``clocks``, newest last."""

    def make(rate: int) -> WatchedClock:
        clocks.append(WatchedClock(rate, speed))
        return clocks[-1]

    return make


def envelope_distance(a: bytes, b: bytes, window: int = 441) -> float:
    """How different two recordings sound, from their loudness envelopes (0 = alike).

    espeak's output varies a little between runs of the same text, so samples
    cannot be compared one for one; envelopes of the same voice stay within about
    0.02 of each other, while another voice's differ by 0.25 or more.
    """

    def envelope(pcm: bytes) -> list[float]:
        samples = array("h", pcm[: len(pcm) // 2 * 2])
        return [
            math.sqrt(sum(v * v for v in samples[i : i + window]) / window)
            for i in range(0, len(samples) - window + 1, window)
        ]

    x, y = envelope(a), envelope(b)
    n = max(len(x), len(y))
    x += [0.0] * (n - len(x))
    y += [0.0] * (n - len(y))
    return sum(abs(p - q) for p, q in zip(x, y, strict=True)) / max(sum(x), 1.0)


def sounding_ms(pcm: bytes, sample_rate: int, *, floor: int = 2, gap_ms: int = 10) -> int:
    """How long ``pcm`` (16-bit mono) sounds: from its first to its last sample above
    ``floor``, less every stretch of near-silence at least ``gap_ms`` long.

    Unlike the time from first to last sound, this does not depend on the wall clock:
    an output that ran dry for a moment (its process starved on a busy machine) puts
    silence into a recording, which is left out here, as are pauses between sentences.
    Speech played too slowly, twice or only in part still measures differently.
    """
    samples = array("h", pcm[: len(pcm) // 2 * 2])
    if sys.byteorder == "big":
        samples.byteswap()
    sounding = [i for i, v in enumerate(samples) if abs(v) > floor]
    if not sounding:
        return 0
    gap = sample_rate * gap_ms // 1000
    total = run = 0
    for v in samples[sounding[0] : sounding[-1] + 1]:
        if abs(v) <= floor:
            run += 1
            continue
        total += 1 + (run if run < gap else 0)
        run = 0
    return total * 1000 // sample_rate
