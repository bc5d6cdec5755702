"""A bounded, thread-safe cache of synthesized sentences keyed by (text, voice, rate).

Keys carry the voice and the rate, so changing either misses the cache
naturally; :meth:`SynthCache.drop_other_settings` frees what the old settings
used at once instead of waiting for it to age out (keeping every voice still in
use: the main one and the one for quotations and posts).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Collection
from typing import NamedTuple

from player.core.speech.base import SynthResult


class CacheKey(NamedTuple):
    text: str
    voice: str
    rate: int


class SynthCache:
    """Least-recently-used, bounded both by entries and by PCM bytes."""

    def __init__(self, max_entries: int = 256, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._items: OrderedDict[CacheKey, SynthResult] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: CacheKey) -> SynthResult | None:
        with self._lock:
            result = self._items.get(key)
            if result is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return result

    def put(self, key: CacheKey, result: SynthResult) -> None:
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= len(old.pcm)
            self._items[key] = result
            self._bytes += len(result.pcm)
            while self._items and (
                len(self._items) > self.max_entries or self._bytes > self.max_bytes
            ):
                _, dropped = self._items.popitem(last=False)
                self._bytes -= len(dropped.pcm)

    def drop_other_settings(self, voice: str | Collection[str], rate: int) -> None:
        """Forget every entry made with another rate, or with a voice not in ``voice``
        (one id, or every id still in use: the main voice and a second voice)."""
        voices = {voice} if isinstance(voice, str) else set(voice)
        with self._lock:
            for key in [k for k in self._items if k.voice not in voices or k.rate != rate]:
                self._bytes -= len(self._items.pop(key).pcm)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0

    def __contains__(self, key: object) -> bool:
        with self._lock:
            return key in self._items

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    @property
    def size_bytes(self) -> int:
        with self._lock:
            return self._bytes
