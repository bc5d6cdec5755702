"""Tests for moving around a story without Qt: jumps by kind, blocks, segments, history."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

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
    PERSONAL_STORY,
    PUBLIC_REACTION,
    History,
    Navigator,
    format_duration,
    group_segments,
    kind_matches,
    whereabouts,
)
from tests.support import count_reads, generated_story, sentence_of

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


# A story 100 times the size of a long feature: moves must not walk it.
BIG = 50_000


@pytest.fixture(scope="module")
def big_story() -> Story:
    return generated_story(BIG, (INTRO, PERSONAL, INSIDE, REACTION))


def test_every_move_reads_a_bounded_part_of_a_huge_story(big_story: Story) -> None:
    from player.core.session import ReadingSession
    from player.core.settings import MemoryStore, Settings

    # Indexing the story once may read it a few times over, but not once per segment.
    refs, segments = count_reads(big_story, budget=10 * big_story.sentence_count)
    try:
        session = ReadingSession(Settings(MemoryStore()))
        session.set_story(big_story)
        session.where_text()  # the time-left sums are made once, on first use
        navigator = session.navigator
        assert navigator is not None
        for word in (PERSONAL_STORY, PUBLIC_REACTION):
            navigator.of_kind(0, word, 1)
        refs.budget = segments.budget = 200
        moves: list[Callable[[], object]] = [
            lambda: session.jump("segment", 1),
            lambda: session.jump("segment", -1),
            lambda: session.jump("personal_story", 1),
            lambda: session.jump("personal_story", -1),
            lambda: session.jump("public_reaction"),
            lambda: session.step("paragraph", 1),
            lambda: session.step("paragraph", -1),
            lambda: session.jump_to_segment(BIG // 2),
            session.back,
            lambda: session.where_text(spoken=True),
            session.default_bookmark_name,
            lambda: session.is_segment_start(session.sentence),
        ]
        for move in moves:
            for counter in (refs, segments):
                counter.reads = 0
            move()
    finally:
        refs.budget = segments.budget = -1
    assert session.sentence > 0


def test_a_jump_costs_the_same_in_a_story_ten_times_longer(big_story: Story) -> None:
    def per_jump(story: Story) -> float:
        navigator = Navigator(story)
        began = time.perf_counter()
        navigator.segment(0, 1)
        # A probe first, so that a jump that walks the story fails here rather than by timeout.
        assert time.perf_counter() - began < 0.01
        sentence, best = 0, float("inf")
        for _ in range(5):
            began = time.perf_counter()
            for _ in range(200):
                sentence = navigator.segment(sentence, 1) or 0
                navigator.block(sentence, -1)
            best = min(best, (time.perf_counter() - began) / 200)
        return best

    small = per_jump(generated_story(BIG // 10, (INTRO, PERSONAL)))
    big = per_jump(big_story)
    # Generous for a loaded machine: a scan would grow 10x (and take far longer than 1 ms).
    assert big < max(3 * small, 20e-6)
    assert big < 0.001


def test_first_sentence_of_segment_skips_segments_without_sentences() -> None:
    empty = Segment(INTRO, "Nothing", (Block(BlockType.PHOTO, "", ()),))
    story = Story(StoryMeta("T", "en"), (empty, *_story().segments))
    assert story.first_sentence_of_segment(0) is None
    assert story.first_sentence_of_segment(1) == 0
    assert story.first_sentence_of_segment(2) == 3
    assert story.first_sentence_of_segment(-1) is None
    assert story.first_sentence_of_segment(99) is None
    assert Navigator(story).segment(0, 1) == 3
