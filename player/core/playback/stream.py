"""The continuous PCM stream between the playback core and an audio output.

The core writes each sentence's PCM and the pause after it, tagged with the
sentence; an output reads bytes from any thread. Because reads never insert
anything, frame N of what was read is frame N of what was written, so the
output's played-frame count maps straight back to a sentence and an offset
in it (:meth:`PcmStream.locate`).
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
    ``first_frame`` is the offset into the sentence's audio of the piece's first frame."""

    sentence: int
    first_frame: int = 0
    pause: bool = False


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
