"""The continuous PCM stream between the playback core and an audio output.

The core writes each sentence's PCM and the pause after it, tagged with the
sentence; an output reads bytes from any thread. Because reads never insert
anything, frame N of what was read is frame N of what was written, so the
output's played-frame count maps straight back to a sentence and an offset
in it (:meth:`PcmStream.locate`).

An interface announcement can be spliced in at the next sentence boundary that
the output has not read yet (:meth:`PcmStream.cut_at_next_boundary` drops the
unread audio from there, and the core writes the announcement and the rest of
the story again), so reading never restarts the output for it.
"""

from __future__ import annotations

import bisect
import threading
import time
from collections import deque
from dataclasses import dataclass

from player.core.speech.base import SAMPLE_WIDTH


@dataclass(frozen=True)
class Piece:
    """Where written audio came from: a sentence (``pause`` False) or the silence after it.
    ``first_frame`` is the offset into the sentence's audio of the piece's first frame.

    An ``announcement`` piece is interface speech, not story: its ``sentence`` is the
    story sentence that follows it, and no position is reported while it plays.
    """

    sentence: int
    first_frame: int = 0
    pause: bool = False
    announcement: bool = False

    @property
    def boundary(self) -> bool:
        """Whether something else may be spliced in right before this piece."""
        return not self.pause


class PcmStream:
    """Thread-safe FIFO of 16-bit mono PCM with a record of what each frame was."""

    def __init__(self, sample_rate: int) -> None:
        self.sample_rate = sample_rate
        self._lock = threading.Lock()
        self._chunks: deque[bytes] = deque()
        self._head = 0  # bytes already read from _chunks[0]
        self._available = 0
        self._written = 0  # frames
        self._read = 0  # frames
        self._starts: list[int] = []  # frame at which each piece starts
        self._pieces: list[Piece] = []
        self._finished = False
        #: perf_counter() when the first sentence frame was handed to the output
        self.first_audio_time: float | None = None

    def write(self, pcm: bytes, piece: Piece) -> None:
        if not pcm:
            return
        pcm = pcm[: len(pcm) // SAMPLE_WIDTH * SAMPLE_WIDTH]
        with self._lock:
            self._starts.append(self._written)
            self._pieces.append(piece)
            self._chunks.append(pcm)
            self._available += len(pcm)
            self._written += len(pcm) // SAMPLE_WIDTH

    def write_silence(self, ms: int, piece: Piece) -> None:
        self.write(bytes(self.sample_rate * ms // 1000 * SAMPLE_WIDTH), piece)

    def finish(self) -> None:
        """Nothing more will be written: the output can tell the end from an underrun."""
        with self._lock:
            self._finished = True

    def cut_at_next_boundary(self) -> tuple[int, Piece] | None:
        """Drop everything from the first boundary the output has not read yet.

        Returns the frame cut at and the piece that started there (the core writes
        again from its sentence), or None when the unread audio holds no boundary:
        then the end of what was written is the next boundary and nothing is dropped.
        Either way the stream is no longer finished. Atomic with respect to reads,
        so the output can never have taken a frame that is then dropped.
        """
        with self._lock:
            self._finished = False
            k = bisect.bisect_left(self._starts, self._read)
            while k < len(self._pieces) and not self._pieces[k].boundary:
                k += 1
            if k >= len(self._pieces):
                return None
            frame, piece = self._starts[k], self._pieces[k]
            keep = (frame - self._read) * SAMPLE_WIDTH
            chunks: deque[bytes] = deque()
            head = self._head
            for chunk in self._chunks:
                if keep <= 0:
                    break
                part = chunk[head : head + keep]
                chunks.append(part)
                keep -= len(part)
                head = 0
            self._chunks = chunks
            self._head = 0
            self._available = (frame - self._read) * SAMPLE_WIDTH
            self._written = frame
            del self._starts[k:]
            del self._pieces[k:]
            return frame, piece

    def read(self, max_bytes: int) -> bytes:
        """Up to ``max_bytes`` (whole frames); fewer, or none, when the core is behind."""
        max_bytes -= max_bytes % SAMPLE_WIDTH
        parts: list[bytes] = []
        with self._lock:
            want = min(max_bytes, self._available)
            got = 0
            while got < want:
                chunk = self._chunks[0]
                take = min(len(chunk) - self._head, want - got)
                parts.append(chunk[self._head : self._head + take])
                self._head += take
                got += take
                if self._head >= len(chunk):
                    self._chunks.popleft()
                    self._head = 0
            if got and self.first_audio_time is None:
                k = bisect.bisect_right(self._starts, self._read) - 1
                if k >= 0 and not self._pieces[k].pause:
                    self.first_audio_time = time.perf_counter()
            self._available -= got
            self._read += got // SAMPLE_WIDTH
        return b"".join(parts)

    def locate(self, frame: int) -> tuple[Piece, int] | None:
        """The piece playing at stream ``frame`` and the offset into its sentence's audio."""
        with self._lock:
            k = bisect.bisect_right(self._starts, frame) - 1
            if k < 0:
                return None
            piece = self._pieces[k]
            return piece, piece.first_frame + min(frame, self._written) - self._starts[k]

    def pieces(self) -> list[tuple[int, Piece]]:
        """Every piece written so far (and not cut), with the stream frame it starts at."""
        with self._lock:
            return list(zip(self._starts, self._pieces, strict=True))

    @property
    def available_bytes(self) -> int:
        with self._lock:
            return self._available

    @property
    def buffered_ms(self) -> int:
        with self._lock:
            return self._available // SAMPLE_WIDTH * 1000 // self.sample_rate

    @property
    def frames_written(self) -> int:
        with self._lock:
            return self._written

    @property
    def frames_read(self) -> int:
        with self._lock:
            return self._read

    @property
    def finished(self) -> bool:
        with self._lock:
            return self._finished

    @property
    def drained(self) -> bool:
        """Finished and fully read."""
        with self._lock:
            return self._finished and self._available == 0
