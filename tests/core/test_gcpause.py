"""The cyclic collector is paused while a story is built, and restored after; with one
thread driving collection, no other thread ever collects."""

from __future__ import annotations

import gc
import itertools
import sys
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest

from player.core import gcpause
from player.core.gcpause import paused_collection
from player.core.storyfile import parse_story
from tests.core.parse_golden import varied_story


def _building() -> bool:
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name == "_parse_story":
            return True
        frame = frame.f_back  # type: ignore[assignment]
    return False


@pytest.mark.usefixtures("automatic_collection")
def test_no_collection_runs_while_a_large_story_is_built() -> None:
    text = varied_story(300_000, "en", seed=3)
    runs: list[int] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start" and _building():
            runs.append(info["generation"])

    gc.callbacks.append(count)
    try:
        parse_story(text, Path("story.txt"))
    finally:
        gc.callbacks.remove(count)
    assert runs == []
    assert gc.isenabled()


@pytest.mark.usefixtures("automatic_collection")
def test_the_collector_stays_as_it_was() -> None:
    gc.disable()
    try:
        with paused_collection():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
    with paused_collection(), paused_collection():
        assert not gc.isenabled()
    assert gc.isenabled()


class _Cycle:
    """A reference cycle that notes the thread it was destroyed on."""

    def __init__(self, seen: list[int]) -> None:
        self.me = self
        self.seen = seen

    def __del__(self) -> None:
        self.seen.append(threading.get_ident())


def _allocate(count: int) -> list[list[object]]:
    """More objects made than freed while the result lives: a collection is due."""
    return [[] for _ in range(count)]


def test_only_the_driving_thread_collects() -> None:
    """With one thread driving, a worker that allocates far past the threshold never
    collects; the garbage waits for the driver's next look."""
    assert gcpause.driving()  # the tests' main thread drives, as the app's GUI thread
    gc.collect()
    seen: list[int] = []
    _Cycle(seen)
    worker = threading.Thread(target=_allocate, args=(200_000,))
    worker.start()
    worker.join(30)
    assert seen == []
    kept = _allocate(gc.get_threshold()[0] * 2)
    assert gcpause.collect_if_due() is not None
    del kept
    assert seen == [threading.get_ident()]


def test_the_driver_collects_only_when_due_and_not_while_paused() -> None:
    gc.collect()
    assert gcpause.collect_if_due() is None  # nothing made since
    kept = _allocate(gc.get_threshold()[0] * 2)
    with paused_collection():
        assert gcpause.collect_if_due() is None  # a story being built: not now
    outcome: list[int | None] = []
    worker = threading.Thread(target=lambda: outcome.append(gcpause.collect_if_due()))
    worker.start()
    worker.join(10)
    assert outcome == [None]  # not the driving thread
    assert gcpause.collect_if_due() == 0
    assert gc.get_count()[0] <= gc.get_threshold()[0]
    del kept


def test_older_generations_are_collected_as_the_interpreter_would(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(gcpause, "_next_full_at", 0.0)  # no full collection just before
    thresholds = gc.get_threshold()
    gc.collect()
    generations = []
    for _ in range((thresholds[1] + 2) * (thresholds[2] + 2)):
        kept = _allocate(thresholds[0] * 2)
        generations.append(gcpause.collect_if_due())
        del kept
    assert None not in generations
    assert 1 in generations
    assert 2 in generations


def test_full_collections_take_a_bounded_share_of_the_time(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [1000.0]
    monkeypatch.setattr(gcpause, "time", SimpleNamespace(monotonic=lambda: clock[0]))
    monkeypatch.setattr(gcpause, "_next_full_at", 0.0)
    real_collect = gc.collect

    def slow_collect(generation: int = 2) -> int:
        clock[0] += 0.5 if generation == 2 else 0.001
        return real_collect(generation)

    fake_gc = SimpleNamespace(
        collect=slow_collect, get_count=gc.get_count, get_threshold=gc.get_threshold
    )
    monkeypatch.setattr(gcpause, "gc", fake_gc)
    thresholds = gc.get_threshold()
    full_at = []
    for _ in range(thresholds[1] * (thresholds[2] + 1) * 3):
        kept = _allocate(thresholds[0] * 2)
        if gcpause.collect_if_due() == 2:
            full_at.append(clock[0])
        clock[0] += 0.01
        del kept
    # After a full collection of 0.5 s the next may come FULL_SHARE times that later.
    assert len(full_at) >= 1
    gap = gcpause.FULL_SHARE * 0.5
    assert all(b - a >= gap for a, b in itertools.pairwise(full_at))


@pytest.mark.usefixtures("automatic_collection")
def test_stopping_gives_collection_back_as_it_was() -> None:
    assert not gcpause.driving()
    gcpause.drive_from_here()
    try:
        assert not gc.isenabled()
        with paused_collection():
            pass
        assert not gc.isenabled()  # the driver's, not the pause's, to turn back on
        with paused_collection():
            gcpause.stop_driving()
            assert not gc.isenabled()  # still paused
        assert gc.isenabled()
    finally:
        gcpause.stop_driving()
    assert gc.isenabled()


@pytest.mark.usefixtures("automatic_collection")
def test_a_hold_until_driven_is_as_if_driving_had_begun() -> None:
    """The window's start turns collection off before its imports; the GUI thread then
    drives it, and stopping gives back automatic collection, as if there had been no hold."""
    gcpause.hold_until_driven()
    try:
        assert not gc.isenabled()
        with paused_collection():
            pass
        assert not gc.isenabled()  # a story loaded meanwhile does not end the hold
        gcpause.drive_from_here()
        assert not gc.isenabled()
    finally:
        gcpause.stop_driving()
    assert gc.isenabled()


@pytest.mark.usefixtures("automatic_collection")
def test_a_hold_while_a_thread_drives_changes_nothing() -> None:
    gcpause.drive_from_here()
    gcpause.hold_until_driven()
    gcpause.stop_driving()
    assert gc.isenabled()
