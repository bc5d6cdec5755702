"""Pausing Python's cyclic garbage collector while a big tree of objects is built.

Loading a story at the size limit creates about a million small objects (words,
sentences, their dictionaries) that all stay alive. Each few hundred allocations the
collector runs, and its older generations walk every object made so far: a third of
the time a large story takes to load went there, for no garbage (the loader makes no
reference cycles). Reference counting still frees everything as usual while paused.

A process with Qt objects also hands all collection to one thread
(:func:`drive_from_here`, the GUI thread; :func:`collect_if_due` run there from a
timer): a collection may destroy any object in a reference cycle, a Qt object's
wrapper too, on whichever thread happened to allocate. Destroying a Qt object takes
Qt's signal-slot locks; on a worker thread that could then wait for the interpreter
lock while the GUI thread, holding that lock, waited for Qt's: both hung for good.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

log = logging.getLogger(__name__)

_lock = threading.Lock()
_depth = 0
_was_enabled = False
#: the thread that collects for the whole process, if one does (see drive_from_here)
_driver: int | None = None
_enabled_before_driving = False
#: automatic collection turned off by hold_until_driven, until a thread drives
_held = False
#: full collections may take at most 1/FULL_SHARE of the time (see collect_if_due)
FULL_SHARE = 20
_next_full_at = 0.0


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
            _was_enabled = gc.isenabled() or _held
            gc.disable()
        _depth += 1


def resume() -> None:
    """End one :func:`pause`; after the last, the collector is on again if it was before."""
    global _depth
    with _lock:
        if _depth == 0:
            return
        _depth -= 1
        if _depth == 0 and _was_enabled and _driver is None and not _held:
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


def hold_until_driven() -> None:
    """Turn automatic collection off now, in a process whose GUI thread is about to
    collect for it (:func:`drive_from_here`), as if that had begun already.

    The window's start imports some 250 modules and makes their classes, Qt's enums and
    its widgets, nearly all of which live on: the collector ran about 60 times meanwhile
    (10 ms) and found nothing to free. Once a thread drives, collection is as it would
    have been (:func:`stop_driving` turns it back on)."""
    global _held
    with _lock:
        if _driver is None and _depth == 0 and gc.isenabled():
            gc.disable()
            _held = True


def drive_from_here() -> None:
    """Make the calling thread the only one that collects: automatic collection (which
    runs on any thread that allocates) goes off for good, and this thread calls
    :func:`collect_if_due` often (the window's timer). Calling it again changes nothing."""
    global _driver, _enabled_before_driving, _held
    with _lock:
        if _driver is not None:
            return
        _enabled_before_driving = (gc.isenabled() or _held) if _depth == 0 else _was_enabled
        _held = False
        _driver = threading.get_ident()
        gc.disable()
    log.debug("cyclic garbage collection now runs on one thread only")


def stop_driving() -> None:
    """Back to automatic collection as it was before :func:`drive_from_here` (when the
    application that drove it ends, and for tests of the automatic behaviour)."""
    global _driver, _was_enabled
    with _lock:
        if _driver is None:
            return
        _driver = None
        if _depth:
            _was_enabled = _enabled_before_driving
        elif _enabled_before_driving:
            gc.enable()


def driving() -> bool:
    """Whether one thread collects for the process (see :func:`drive_from_here`)."""
    return _driver is not None


def collect_if_due() -> int | None:
    """On the driving thread, collect what the interpreter itself would have collected by
    now; the generation collected, or None.

    The interpreter's own rules, from its thresholds and counts: the youngest generation
    when more objects were made than freed since its last collection, an older one when
    enough younger collections happened. A full collection walks every object not frozen;
    the interpreter holds them back until a quarter more objects survived, which Python
    cannot see, so here they are held back by time instead: at most 1/FULL_SHARE of it.
    """
    global _next_full_at
    if _driver != threading.get_ident() or _depth:
        return None
    counts = gc.get_count()
    thresholds = gc.get_threshold()
    if thresholds[0] == 0 or counts[0] <= thresholds[0]:
        return None
    generation = 0
    now = time.monotonic()
    if counts[2] > thresholds[2] and now >= _next_full_at:
        generation = 2
    elif counts[1] > thresholds[1]:
        generation = 1
    gc.collect(generation)
    if generation == 2:
        done = time.monotonic()
        _next_full_at = done + FULL_SHARE * (done - now)
    return generation
