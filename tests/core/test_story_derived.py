"""Values made once from a whole story and kept with it (Story.derived)."""

from __future__ import annotations

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
    assert units == [estimates.spoken_units(story.sentence(r)) for r in story.refs]
    story_pause_suffix(story, 175)

    def walked(*_args: object) -> int:
        raise AssertionError("every sentence walked again")

    monkeypatch.setattr(estimates, "spoken_units", walked)
    monkeypatch.setattr(estimates, "pause_after", walked)
    assert TimeEstimates(story, 175, lambda _s: "v").time_left_ms(3) == fresh
