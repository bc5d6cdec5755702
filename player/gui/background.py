"""Work off the GUI thread, its result back on it: the one way the Qt layer does both.

:func:`run_in_background` runs a function on a daemon worker thread and hands
the finished :class:`~concurrent.futures.Future` (its result, or the exception
it raised) to a callback on the GUI thread. :func:`deliver_to` gives the same
delivery to threads started elsewhere (the screen-reader check has its own).

Why not a signal on the receiver: a worker emitting on a widget that the GUI
thread is deleting at that moment can deadlock in PySide, and a worker dropping
the last reference to a widget would delete it on the wrong thread. So workers
touch no receiver at all. They put the outcome on a thread-safe queue owned by
one :class:`_Inbox` that lives on the GUI thread for the whole run, and poke it
with a queued signal; the inbox, on the GUI thread, drops the outcome when its
receiver has been deleted meanwhile (or no longer exists in Python), or when a
newer task of the same :class:`Generation` was started since, and otherwise
calls the callback. Callbacks are kept by the inbox, on the GUI thread, and a
bound method only weakly: waiting for a result keeps nothing alive.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import queue
import threading
import weakref
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, NamedTuple, TypeVar

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, Signal, Slot

from player.core import gcpause

log = logging.getLogger(__name__)

T = TypeVar("T")


class Generation:
    """Numbers the tasks of one kind: only the newest one's result is still wanted.

    Opening a second story while the first still loads makes the first result stale.
    """

    def __init__(self) -> None:
        self._current = 0

    def advance(self) -> int:
        self._current += 1
        return self._current

    def is_current(self, token: int) -> bool:
        return token == self._current


class _Delivery(NamedTuple):
    """A callback waiting on the GUI thread, and what makes its result unwanted."""

    callback: Callable[[], Callable[[Any], None] | None]  # None: its owner is gone
    receiver: Callable[[], QObject | None] | None
    generation: Generation | None
    token: int
    once: bool
    paused: bool = False  # the collector is paused until this outcome is taken

    def target(self) -> Callable[[Any], None] | None:
        """The callback, or None when the result is to be dropped."""
        if self.generation is not None and not self.generation.is_current(self.token):
            return None
        if self.receiver is not None:
            receiver = self.receiver()
            if receiver is None or not shiboken6.isValid(receiver):
                return None
        return self.callback()


class _Inbox(QObject):
    """Lives on the GUI thread; runs there what workers post from theirs."""

    _posted = Signal()

    def __init__(self) -> None:
        super().__init__()
        self._queue: queue.SimpleQueue[tuple[int, Any]] = queue.SimpleQueue()
        self._waiting: dict[int, _Delivery] = {}
        self._keys = itertools.count(1)
        # Queued: emitted from workers, handled on the thread this object lives on.
        self._posted.connect(self._take_one, Qt.ConnectionType.QueuedConnection)

    def register(self, delivery: _Delivery) -> int:
        """Keep ``delivery`` until its result comes; the key the worker posts with."""
        # Forget deliveries whose receiver is gone (a repeated one is otherwise kept for good).
        for key in [k for k, d in self._waiting.items() if not d.once and d.target() is None]:
            del self._waiting[key]
        key = next(self._keys)
        self._waiting[key] = delivery
        return key

    def post(self, key: int, value: Any) -> None:
        """From any thread: have ``value`` delivered on the GUI thread."""
        self._queue.put((key, value))
        with contextlib.suppress(RuntimeError):  # interpreter exit: Qt is gone, nobody waits
            self._posted.emit()

    @Slot()
    def _take_one(self) -> None:
        # One outcome per signal: they stay in order, and a callback that raises (reported
        # by Qt like any slot's) costs no other callback its delivery.
        try:
            key, value = self._queue.get_nowait()
        except queue.Empty:
            return
        delivery = self._waiting.get(key)
        if delivery is None:
            return
        if delivery.once:
            del self._waiting[key]
        if delivery.paused:
            gcpause.resume()  # on the GUI thread: the next collection may start here
        target = delivery.target()
        if target is None:
            log.debug("a background result was dropped: stale, or its receiver is gone")
            if not delivery.once:
                self._waiting.pop(key, None)
            return
        target(value)


_inbox: _Inbox | None = None


def _the_inbox() -> _Inbox:
    """The inbox, made on first use; callers are on the GUI thread."""
    global _inbox
    if _inbox is None or not shiboken6.isValid(_inbox):
        app = QCoreApplication.instance()
        if app is None or QThread.currentThread() is not app.thread():
            raise RuntimeError("background tasks are started from the GUI thread")
        _inbox = _Inbox()
    return _inbox


def _hold(callback: Callable[[T], None]) -> Callable[[], Callable[[T], None] | None]:
    """A bound method weakly (its object may go while the task runs), anything else as is."""
    if hasattr(callback, "__self__") and hasattr(callback, "__func__"):
        return weakref.WeakMethod(callback)
    return lambda: callback


def _register(
    callback: Callable[[T], None],
    receiver: QObject | None,
    generation: Generation | None,
    *,
    once: bool,
    paused: bool = False,
) -> tuple[_Inbox, int]:
    inbox = _the_inbox()
    token = generation.advance() if generation is not None else 0
    delivery = _Delivery(
        callback=_hold(callback),
        receiver=weakref.ref(receiver) if receiver is not None else None,
        generation=generation,
        token=token,
        once=once,
        paused=paused,
    )
    return inbox, inbox.register(delivery)


def deliver_to(
    callback: Callable[[T], None], *, receiver: QObject | None = None
) -> Callable[[T], None]:
    """A function any thread may call, any number of times, to have ``callback`` called
    with the same argument on the GUI thread; dropped once ``receiver`` is deleted.
    Call this on the GUI thread."""
    inbox, key = _register(callback, receiver, None, once=False)

    def post(value: T) -> None:
        inbox.post(key, value)

    return post


def run_in_background(
    work: Callable[[], T],
    on_done: Callable[[Future[T]], None],
    *,
    receiver: QObject | None = None,
    generation: Generation | None = None,
    name: str = "background",
) -> threading.Thread:
    """Run ``work`` on a daemon thread; ``on_done`` gets its finished future on the GUI
    thread. Call this on the GUI thread.

    Dropped, without a call, when ``receiver`` has been deleted meanwhile, or when a
    newer task of ``generation`` has been started since. ``work`` must not hold the
    receiver (the worker thread could end up deleting it): pass it what it needs.
    Returns the thread, for tests to join.
    """
    inbox, key = _register(on_done, receiver, generation, once=True, paused=True)
    # No cyclic collection from now until the outcome is taken on the GUI thread: one
    # started on the worker would destroy any Qt objects in the garbage there, off the GUI
    # thread, and crash (an export test did, "Garbage-collecting" on the export thread).
    gcpause.pause()

    def run() -> None:
        future: Future[T] = Future()
        try:
            future.set_result(work())
        except Exception as exc:  # noqa: BLE001 - handed to on_done, which reports it
            future.set_exception(exc)
        inbox.post(key, future)

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    return thread
