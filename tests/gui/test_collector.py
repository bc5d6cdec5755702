"""Reference cycles are collected on the GUI thread only, from the app's timer.

A collection on a worker thread destroyed Qt objects caught in cycles there; Qt's
signal-slot lock taken off the GUI thread then deadlocked the window for good (seen
in CI: the GUI thread waiting for that lock in ``QMenuBar.addMenu``).
"""

from __future__ import annotations

import gc
import threading

import pytest
from PySide6.QtCore import QObject, QTimer
from pytestqt.qtbot import QtBot

from player.core import gcpause
from player.gui import startup


class _CycledObject(QObject):
    """A Qt object left in a reference cycle; notes the thread that destroyed it."""

    def __init__(self, seen: list[str]) -> None:
        super().__init__()
        self.me = self
        self.seen = seen

    def __del__(self) -> None:
        self.seen.append(threading.current_thread().name)


def _allocate_on_a_worker() -> None:
    def work() -> None:
        kept: list[list[object]] = [[] for _ in range(200_000)]  # far past the collection threshold
        del kept

    worker = threading.Thread(target=work, name="allocating worker")
    worker.start()
    worker.join(30)
    assert not worker.is_alive()


@pytest.mark.usefixtures("automatic_collection")
def test_the_app_collects_qt_garbage_on_the_gui_thread_only(qtbot: QtBot) -> None:
    app = startup.ensure_application()
    assert gcpause.driving()
    assert not gc.isenabled()
    timer = app.findChild(QTimer, "storyPlayerCollector")
    assert isinstance(timer, QTimer) and timer.isActive()
    gc.collect()
    seen: list[str] = []
    _CycledObject(seen)
    _allocate_on_a_worker()
    assert seen == []  # the worker made garbage due, but did not collect it
    kept: list[list[object]] = [
        [] for _ in range(gc.get_threshold()[0] * 2)
    ]  # due for the timer too
    qtbot.waitUntil(lambda: seen != [], timeout=10_000)
    del kept
    assert seen == [threading.current_thread().name]
    assert threading.current_thread() is threading.main_thread()


@pytest.mark.usefixtures("automatic_collection")
def test_installing_twice_keeps_one_timer() -> None:
    app = startup.ensure_application()
    first = startup.install_collector(app)
    assert startup.install_collector(app) is first
    assert len([t for t in app.findChildren(QTimer) if t.objectName() == first.objectName()]) == 1
