"""Find in a story and Go to segment, without Qt: folding, exact offsets, stepping, wrapping."""

from __future__ import annotations

from pathlib import Path

from player.core.model import Story
from player.core.search import Match, StorySearch, find_segment, fold, fold_query, step
from player.core.storyfile import parse_story

TEXT = """format: story-player 1
title: Searching
language: en

== introduction: Introduction

The Café opened early. Nobody came to the café.

== personal-story: Señora Núñez

Señora Núñez walks on the Straße every day. The cafe is closed.

== public-reaction: Public reaction

Readers wrote a lot. Café prices rose.

== end
"""


def story() -> Story:
    return parse_story(TEXT, Path("search.txt"))


def sentence_text(s: Story, match: Match) -> str:
    block = s.block_of(match.sentence)
    return block.text[match.start : match.end]


def test_fold_drops_case_and_accents_and_remembers_origins() -> None:
    assert fold("Café") == ("cafe", [0, 1, 2, 3])
    folded, origin = fold("Straße")
    assert folded == "strasse"
    assert origin == [0, 1, 2, 3, 4, 4, 5]
    assert fold("plain ASCII") == ("plain ascii", None)
    assert fold_query("  Cafe   Prices ") == "cafe prices"


def test_find_is_case_and_accent_insensitive_with_exact_offsets() -> None:
    s = story()
    matches = StorySearch(s).find_all("CAFE")
    assert [sentence_text(s, m) for m in matches] == ["Café", "café", "cafe", "Café"]
    assert [m.sentence for m in matches] == [0, 1, 3, 5]
    # Offsets count code points of the block's displayed text.
    first = matches[0]
    assert (first.start, first.end) == (4, 8)


def test_a_folded_letter_that_grew_maps_back_to_the_whole_letter() -> None:
    s = story()
    (match,) = StorySearch(s).find_all("strasse")
    assert sentence_text(s, match) == "Straße"
    (match,) = StorySearch(s).find_all("NUNEZ")
    assert sentence_text(s, match) == "Núñez"


def test_no_match_and_empty_query() -> None:
    search = StorySearch(story())
    assert search.find_all("teapot") == []
    assert search.find_all("   ") == []
    assert step([], 0, 1) is None


def test_step_next_previous_and_wrap() -> None:
    matches = StorySearch(story()).find_all("cafe")
    # From a sentence: a match in it counts going forward.
    found = step(matches, 1, 1)
    assert found is not None and found.match.sentence == 1 and found.number == 2
    assert not found.wrapped
    # From a match: the next one, then past the end to the first.
    found = step(matches, matches[2], 1)
    assert found is not None and found.match == matches[3]
    found = step(matches, matches[3], 1)
    assert found is not None and found.match == matches[0] and found.wrapped
    # Previous: before the match, and past the start to the last.
    found = step(matches, matches[1], -1)
    assert found is not None and found.match == matches[0] and not found.wrapped
    found = step(matches, matches[0], -1)
    assert found is not None and found.match == matches[3] and found.wrapped
    assert found.count == 4
    # Previous from a sentence: only matches before it.
    found = step(matches, 3, -1)
    assert found is not None and found.match == matches[1]


def test_two_matches_in_one_sentence_are_two_steps() -> None:
    s = parse_story(TEXT.replace("Readers wrote a lot.", "Cafe talk, cafe talk."), Path("x.txt"))
    matches = StorySearch(s).find_all("cafe")
    same = [m for m in matches if m.sentence == 4]
    assert len(same) == 2 and same[0].start < same[1].start
    found = step(matches, same[0], 1)
    assert found is not None and found.match == same[1]


def test_find_segment_by_number_title_and_kind() -> None:
    s = story()
    assert find_segment(s, "2") == 1
    assert find_segment(s, " 3 ") == 2
    assert find_segment(s, "4") is None
    assert find_segment(s, "0") is None
    assert find_segment(s, "senora nunez") == 1  # title words, no accents typed
    assert find_segment(s, "PUBLIC") == 2
    assert find_segment(s, "personal") == 1  # the kind, when no title has the words
    assert find_segment(s, "²") is None
    assert find_segment(s, "") is None
    assert find_segment(s, "teapot") is None
