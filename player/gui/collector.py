"""Python's cyclic garbage collection, run on the GUI thread only while a window lives.

The collector runs on whichever thread allocates when its thresholds are crossed. When
that is a worker (a story loading, a photo decoding, an export) and the garbage holds
Qt objects (a closed dialog caught in a reference cycle), their C++ side is destroyed
on the wrong thread and the process crashes: the export tests did, with "Garbage-
collecting" on the export thread. So while a window lives the automatic collector is
off, and a timer on the GUI thread collects instead, generation by generation as the
thresholds would have. Reference counting frees everything else as usual.
"""

from __future__ import annotations

import gc
import logging

from PySide6.QtCore import QCoreApplication, QObject, QTimer

from player.core.gcpause import collection_paused

log = logging.getLogger(__name__)

#: how often the GUI thread looks at the collector's counts
INTERVAL_MS = 250


class GuiThreadCollector(QObject):
    """Collects garbage on the GUI thread; :func:`acquire` and :func:`release` own it."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.was_enabled = gc.isenabled()
        self.users = 0
        self.timer = QTimer(self)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self.collect)

    def collect(self) -> None:
        if collection_paused():
            # A story is being built on a worker: walking its half-made objects here would
            # block the GUI thread for as long as the collector would have blocked there.
            return
        first, second, third = gc.get_threshold()
        young, middle, old = gc.get_count()
        if young < first:
            return
        generation = 0
        if middle >= second:
            generation = 2 if old >= third else 1
        gc.collect(generation)


_collector: GuiThreadCollector | None = None


def acquire() -> None:
    """A window opened: collect on the GUI thread from now on. Call on the GUI thread."""
    global _collector
    app = QCoreApplication.instance()
    if app is None:
        return
    if _collector is None or _collector.parent() is not app:
        _collector = GuiThreadCollector(app)
    if _collector.users == 0:
        _collector.was_enabled = gc.isenabled()
        gc.disable()
        _collector.timer.start()
        # What earlier work left behind goes now, here, not later on some worker.
        gc.collect()
    _collector.users += 1


def release() -> None:
    """A window closed: after the last one, collection is as it was before."""
    collector = _collector
    if collector is None or collector.users == 0:
        return
    collector.users -= 1
    if collector.users == 0:
        collector.timer.stop()
        gc.collect()
        if collector.was_enabled:
            gc.enable()
