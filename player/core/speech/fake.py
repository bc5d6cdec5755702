"""A deterministic synthesizer for tests and for machines without speech.

Each word becomes a short tone and each gap between words silence, so the
audio length follows the word count and the rate exactly, word times are known
in advance and a recording of it is easy to tell from silence. Each voice has
its own pitch (440 Hz for the first, higher for the next), so two voices'
audio differs as real voices' does.
"""

from __future__ import annotations

import math
import re
import struct
import threading
import time
from collections.abc import Callable

from player.core.speech.base import SpeechError, Synthesizer, SynthResult, Voice, WordMark

_WORD = re.compile(r"\S+")


class FakeSynthesizer(Synthesizer):
    """Tones for words, silence between them.

    ``fail`` decides which texts raise :class:`SpeechError`; ``delay_s`` makes
    every call take that long (to test that nothing waits on synthesis).
    ``calls`` counts synthesize calls, so tests can see the cache working, and
    ``requests`` keeps each call's (text, voice id, rate), so they can see which
    voice said what.
    """

    name = "fake"

    def __init__(
        self,
        sample_rate: int = 16_000,
        *,
        fail: Callable[[str], bool] | None = None,
        delay_s: float = 0.0,
        voices: list[Voice] | None = None,
        amplitude: int = 6_000,
    ) -> None:
        self.sample_rate = sample_rate
        self.fail = fail
        self.delay_s = delay_s
        self.calls = 0
        self.requests: list[tuple[str, str, int]] = []
        self.threads: set[str] = set()
        self._lock = threading.Lock()
        self._voices = voices or [
            Voice("fake/en", "Fake English", ("en", "en-gb")),
            Voice("fake/en-us", "Fake American", ("en-us",)),
            Voice("fake/fr", "Fake French", ("fr",)),
        ]
        # one period of a sine per voice: its words are this cycle repeated
        self._cycles: dict[str, bytes] = {}
        for n, voice in enumerate(self._voices):
            period = max(round(sample_rate / (440 * (1 + n / 4))), 2)
            self._cycles[voice.id] = struct.pack(
                f"<{period}h",
                *(int(amplitude * math.sin(2 * math.pi * i / period)) for i in range(period)),
            )

    def voices(self) -> list[Voice]:
        return list(self._voices)

    def _tone(self, frames: int, voice_id: str) -> bytes:
        cycle = self._cycles[voice_id]
        reps = frames * 2 // len(cycle) + 1
        return (cycle * reps)[: frames * 2]

    def synthesize(self, text: str, voice_id: str, rate_wpm: int) -> SynthResult:
        with self._lock:
            self.calls += 1
            self.requests.append((text, voice_id, rate_wpm))
            self.threads.add(threading.current_thread().name)
        if self.delay_s:
            time.sleep(self.delay_s)
        if self.fail is not None and self.fail(text):
            raise SpeechError(f"cannot say {text[:40]!r}")
        if voice_id not in self._cycles:
            raise SpeechError(f"no voice {voice_id!r}")
        word_ms = 60_000 / max(rate_wpm, 1)
        word_frames = int(self.sample_rate * word_ms * 0.8 / 1000)
        gap_frames = int(self.sample_rate * word_ms * 0.2 / 1000)
        parts: list[bytes] = []
        words: list[WordMark] = []
        frame = 0
        for match in _WORD.finditer(text):
            words.append(
                WordMark(match.start(), len(match.group()), frame * 1000 // self.sample_rate)
            )
            parts.append(self._tone(word_frames, voice_id))
            parts.append(bytes(gap_frames * 2))
            frame += word_frames + gap_frames
        return SynthResult(b"".join(parts), self.sample_rate, tuple(words))
