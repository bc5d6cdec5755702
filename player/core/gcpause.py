"""Pausing Python's cyclic garbage collector while a big tree of objects is built.

Loading a story at the size limit creates about a million small objects (words,
sentences, their dictionaries) that all stay alive. Each few hundred allocations the
collector runs, and its older generations walk every object made so far: a third of
the time a large story takes to load went there, for no garbage (the loader makes no
reference cycles). Reference counting still frees everything as usual while paused.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = False


def collection_paused() -> bool:
    """Whether some thread is building a big tree of objects right now: a collector
    driven from elsewhere (the window's, on the GUI thread) should wait."""
    return _depth > 0


def pause() -> None:
    """Turn the collector off until the matching :func:`resume` (calls nest and may come
    from different threads: work started on one thread and finished on another)."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1


def resume() -> None:
    """End one :func:`pause`; after the last, the collector is on again if it was before."""
    global _depth
    with _lock:
        if _depth == 0:
            return
        _depth -= 1
        if _depth == 0 and _was_enabled:
            gc.enable()


@contextmanager
def paused_collection() -> Iterator[None]:
    """Run the body with the cyclic collector off; nested or concurrent uses (a story
    loaded on a worker thread while another loads) turn it back on after the last one,
    and only if it was on before the first."""
    pause()
    try:
        yield
    finally:
        resume()
