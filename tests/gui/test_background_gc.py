"""Background work runs with the cyclic collector paused.

A collection that starts on a worker thread destroys the Qt objects in the garbage
there, off the GUI thread, and crashes the process (seen in the export tests: SIGSEGV
while "Garbage-collecting" on the export thread).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from concurrent.futures import Future
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from player.gui.background import run_in_background


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


def _make_cycles() -> int:
    for _ in range(50_000):
        loop: list[object] = []
        loop.append(loop)
    return 1


@pytest.mark.usefixtures("automatic_collection")
def test_a_background_task_never_starts_a_collection(qtbot: QtBot, collections: list[str]) -> None:
    assert gc.isenabled()
    results: list[int] = []

    def done(future: Future[int]) -> None:
        results.append(future.result())

    thread = run_in_background(_make_cycles, done, name="cycles")
    qtbot.waitUntil(lambda: results == [1], timeout=30_000)
    thread.join(timeout=10)
    assert "cycles" not in collections
    assert gc.isenabled()  # as it was, once the task is over
