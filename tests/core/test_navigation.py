"""Tests for moving around a story without Qt: jumps by kind, blocks, segments, history."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from player.core.model import (
    Block,
    BlockType,
    Segment,
    SegmentKind,
    Story,
    StoryMeta,
)
from player.core.navigation import (
    History,
    Navigator,
    estimate_ms,
    format_duration,
    group_segments,
    kind_matches,
    whereabouts,
)
from tests.support import sentence_of

INTRO = SegmentKind("introduction", "Introduction", "Introduction")
PERSONAL = SegmentKind("personal", "Personal story", "Personal stories")
INSIDE = SegmentKind("inside", "Life inside", "Life inside")
REACTION = SegmentKind("reaction", "Public reaction", "Public reaction")


def _block(text: str) -> Block:
    sentences = []
    for m in re.finditer(r"[^.]+\.\s*", text):
        sentences.append(sentence_of(m.group().rstrip(), m.start()))
    return Block(BlockType.PARAGRAPH, text, tuple(sentences))


def _story() -> Story:
    # Sentences: seg0 [0,1 | 2], seg1 [3 | 4,5], seg2 [6], seg3 [7,8], seg4 [9 | 10]
    segs = (
        Segment(INTRO, "Intro", (_block("One a. One b."), _block("Two a."))),
        Segment(PERSONAL, "Melissa", (_block("Three a."), _block("Four a. Four b."))),
        Segment(INSIDE, "Rules", (_block("Five a."),)),
        Segment(PERSONAL, "Brenda", (_block("Six a. Six b."),)),
        Segment(REACTION, "Posts", (_block("Seven a."), _block("Eight a."))),
    )
    return Story(StoryMeta("Test", "en"), segs)


def test_groups_follow_kind_order() -> None:
    groups = group_segments(_story())
    assert [g.kind.plural for g in groups] == [
        "Introduction",
        "Personal stories",
        "Life inside",
        "Public reaction",
    ]
    assert groups[1].segments == (1, 3)


def test_kind_matches_id_or_label() -> None:
    assert kind_matches(PERSONAL, "personal")
    assert kind_matches(REACTION, "REACTION")
    assert not kind_matches(INSIDE, "personal")


def test_personal_story_jumps() -> None:
    nav = Navigator(_story())
    assert nav.personal_story(0, 1) == 3
    assert nav.personal_story(3, 1) == 7
    assert nav.personal_story(7, 1) is None
    assert nav.personal_story(8, -1) == 3
    assert nav.personal_story(4, -1) is None


def test_public_reaction_from_anywhere() -> None:
    nav = Navigator(_story())
    assert nav.public_reaction(0) == 9
    assert nav.public_reaction(10) == 9


def test_segments_and_blocks() -> None:
    nav = Navigator(_story())
    assert nav.segment(0, 1) == 3
    assert nav.segment(4, -1) == 0
    assert nav.segment(10, 1) is None
    assert nav.block(0, 1) == 2
    assert nav.block(1, -1) == 0  # back to the start of its own block first
    assert nav.block(2, -1) == 0
    assert nav.block(0, -1) is None
    assert nav.block(10, 1) is None
    assert nav.sentence(10, 1) is None
    assert nav.sentence(0, 1) == 1


def test_history_back_and_forward() -> None:
    history = History()
    history.jumped(1)
    history.jumped(3)
    assert history.back(7) == 3
    assert history.back(3) == 1
    assert history.back(1) is None
    assert history.forward(1) == 3
    assert history.forward(3) == 7
    assert not history.can_go_forward
    history.back(7)
    history.jumped(2)  # a new jump drops the forward list, as in a browser
    assert not history.can_go_forward


@given(st.lists(st.integers(0, 10), min_size=1, max_size=20))
def test_history_back_then_forward_returns(origins: list[int]) -> None:
    history = History()
    for origin in origins:
        history.jumped(origin)
    current = 99
    trail = [current]
    while (target := history.back(current)) is not None:
        current = target
        trail.append(current)
    while (target := history.forward(current)) is not None:
        current = target
    assert current == 99


def test_whereabouts_text() -> None:
    where = whereabouts(_story(), 5, 72_000)
    assert where is not None
    assert where.status_text() == "Segment 2 of 5 · Personal story · sentence 3 of 3 · 1:12 left"
    assert "Melissa" in where.spoken_text()
    assert "1 minute 12 seconds left" in where.spoken_text()


@pytest.mark.parametrize(("ms", "text"), [(0, "0:00"), (72_000, "1:12"), (3_723_000, "1:02:03")])
def test_format_duration(ms: int, text: str) -> None:
    assert format_duration(ms) == text


def test_estimate_shrinks_towards_the_end() -> None:
    story = _story()
    assert estimate_ms(story, 0, 120) > estimate_ms(story, 9, 120) > 0
    assert estimate_ms(story, story.sentence_count, 120) == 0
