"""The cyclic collector is paused while a story is built, and restored after."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

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
