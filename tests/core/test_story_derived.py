"""Values made once from a whole story and kept with it (Story.derived)."""

from __future__ import annotations

import tracemalloc

import pytest

from player.core.playback import estimates
from player.core.playback.estimates import TimeEstimates, story_pause_suffix, story_units
from tests.support import generated_story


def test_a_derived_value_is_made_once_per_story_and_key() -> None:
    story = generated_story(3)
    made: list[str] = []

    def count(key: str) -> int:
        made.append(key)
        return len(made)

    assert story.derived("a", lambda _s: count("a")) == 1
    assert story.derived("a", lambda _s: count("a")) == 1
    assert story.derived("b", lambda _s: count("b")) == 2
    assert generated_story(3).derived("a", lambda _s: count("a")) == 3
    assert made == ["a", "b", "a"]


def test_estimates_use_the_sums_made_before(monkeypatch: pytest.MonkeyPatch) -> None:
    story = generated_story(40)
    fresh = TimeEstimates(generated_story(40), 175, lambda _s: "v").time_left_ms(3)
    units = story_units(story)
    assert list(units) == [estimates.spoken_units(story.sentence(r)) for r in story.refs]
    story_pause_suffix(story, 175)

    def walked(*_args: object) -> int:
        raise AssertionError("every sentence walked again")

    monkeypatch.setattr(estimates, "spoken_units", walked)
    monkeypatch.setattr(estimates, "pause_after", walked)
    assert TimeEstimates(story, 175, lambda _s: "v").time_left_ms(3) == fresh


def test_the_sums_cost_a_few_bytes_a_sentence() -> None:
    story = generated_story(2_000)  # 6,000 sentences
    sentences = story.sentence_count
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot()
        estimate = TimeEstimates(story, 175, lambda _s: "v")
        estimate.time_left_ms(0)  # makes the pause sums too
        after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    kept = sum(
        stat.size_diff
        for stat in after.compare_to(before, "filename")
        if stat.traceback[0].filename.endswith("estimates.py")
    )
    # Arrays: 4 bytes of units, and 8 for each of two suffix sums and two Fenwick trees.
    # Lists of ints held an object of 32 bytes for every sum past 256 besides.
    assert kept < 60 * sentences, (kept / sentences, sentences)
