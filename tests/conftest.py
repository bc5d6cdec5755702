"""Shared test setup: the repository root on sys.path so tests import the source tree, and a
check that no test leaves a thread running behind it."""

from __future__ import annotations

import contextlib
import gc
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TypeVar

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.support import Closable, Closer  # noqa: E402 - needs the root on sys.path

_C = TypeVar("_C", bound=Closable)

#: how long a test's threads may take to end after it (closing joins them, but a busy
#: machine can be slow to schedule the last steps of a thread that has been told to stop)
THREAD_GRACE_S = 3.0


def _foreign(thread: threading.Thread) -> bool:
    """Threads Python did not start (Qt's, the audio system's) that once ran Python code.

    Python keeps a placeholder for each of them for good; they are not the test's to end.
    """
    return isinstance(thread, threading._DummyThread)


@pytest.fixture(autouse=True)
def no_threads_left_behind() -> Iterator[None]:
    """Fail a test that leaves a thread it started running, daemon or not.

    A playback, worker or window a test forgot to close keeps threads alive; left
    alone they pile up and slow the rest of the run, and a non-daemon one keeps
    the process from exiting. Tests close what they make through fixtures, so that
    this holds even when an assertion fails half-way. Autouse and requested first,
    this fixture is torn down after the test's other fixtures.
    """
    before = set(threading.enumerate())
    yield
    deadline = time.monotonic() + THREAD_GRACE_S
    while True:
        left = [
            t for t in threading.enumerate() if t not in before and t.is_alive() and not _foreign(t)
        ]
        if not left or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    if left:
        names = ", ".join(f"{t.name}{' (daemon)' if t.daemon else ''}" for t in left)
        pytest.fail(f"the test left threads running: {names}", pytrace=False)


@pytest.fixture(autouse=True)
def app_logging_reset() -> Iterator[None]:
    """A test that runs the command in-process sets up the app's log handlers; the next
    test gets the logging pytest set up (``caplog`` needs records to reach the root)."""
    yield
    from player.platform.logfile import reset_logging

    reset_logging()


@pytest.fixture
def closing() -> Iterator[Closer]:
    """Close what the test hands over when it ends, passed or failed, newest first.

    ``playback = closing(create_playback(...))``: a failed assertion can no longer skip
    the ``close()`` a test would otherwise end with, and leave threads running.
    """
    with contextlib.ExitStack() as stack:

        def close_later(thing: _C) -> _C:
            stack.callback(thing.close)
            return thing

        yield close_later


@pytest.fixture(autouse=True, scope="session")
def collection_on_the_main_thread() -> Iterator[None]:
    """Only the main thread collects reference cycles, as in the app (which collects on
    its GUI thread from a timer): a collection on a test's worker thread could destroy a
    Qt object left in a cycle by an earlier test there and hang the run for good."""
    from player.core import gcpause

    gcpause.drive_from_here()
    yield
    gcpause.stop_driving()


@pytest.fixture(autouse=True)
def collect_between_tests() -> Iterator[None]:
    """What the app's timer does while its event loop runs, after each test: tests that
    never run an event loop would otherwise never collect at all."""
    yield
    from player.core import gcpause

    gcpause.collect_if_due()


@pytest.fixture
def automatic_collection() -> Iterator[None]:
    """The interpreter's own automatic collection, on any thread, for the test's length:
    for tests of code that must be safe where no thread drives collection."""
    from player.core import gcpause

    gcpause.stop_driving()
    assert gc.isenabled()
    try:
        yield
    finally:
        gcpause.drive_from_here()


@pytest.fixture
def no_cyclic_collection() -> Iterator[None]:
    """The collector off, as it is for frozen objects: only reference counting frees."""
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
