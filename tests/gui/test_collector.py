"""While a window lives, garbage is collected on the GUI thread only.

A collection on a worker thread destroys the Qt objects in the garbage there, and the
process crashes (seen in the export tests: SIGSEGV while "Garbage-collecting" on the
export thread).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from player.gui.window import MainWindow


@pytest.fixture
def collections() -> Iterator[list[str]]:
    """The name of the thread each collection ran on."""
    seen: list[str] = []

    def record(phase: str, _info: dict[str, Any]) -> None:
        if phase == "start":
            seen.append(threading.current_thread().name)

    gc.callbacks.append(record)
    yield seen
    gc.callbacks.remove(record)


def _make_cycles() -> None:
    for _ in range(50_000):
        loop: list[object] = []
        loop.append(loop)


def test_workers_never_collect_while_a_window_lives(
    qtbot: QtBot, window: MainWindow, collections: list[str]
) -> None:
    worker = threading.Thread(target=_make_cycles, name="worker")
    worker.start()
    worker.join(timeout=30)
    assert "worker" not in collections
    qtbot.waitUntil(lambda: threading.main_thread().name in collections, timeout=5_000)


def test_collection_is_as_before_once_the_window_closes(qtbot: QtBot, window: MainWindow) -> None:
    assert not gc.isenabled()
    window.close()
    assert gc.isenabled()


def test_no_collection_on_the_gui_thread_while_a_story_is_built(
    qtbot: QtBot, window: MainWindow, collections: list[str]
) -> None:
    from player.core.gcpause import paused_collection

    with paused_collection():
        _make_cycles()
        qtbot.wait(600)  # the GUI thread's collector would have run twice by now
        assert collections == []
    qtbot.waitUntil(lambda: bool(collections), timeout=5_000)
