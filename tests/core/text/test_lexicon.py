"""The lexicon: whole-word replacements, longest first, spans kept on their words, in time
that does not grow with the number of entries."""

from __future__ import annotations

import itertools
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from player.core.text import lexicon as lexicon_rules
from player.core.text.lexicon import apply_lexicon, block_matches, lexicon_matches


def _reference(text: str, spans: list[tuple[int, int]], lexicon: list[tuple[str, str]]) -> str:
    """The earlier implementation (one regular expression of every entry, longest first,
    applied right to left): simple and slow, kept here as the definition."""
    entries = sorted((e for e in lexicon if e[0]), key=lambda e: len(e[0]), reverse=True)
    if not entries:
        return text
    alternatives = []
    for written, _ in entries:
        before = r"(?<!\w)" if re.match(r"\w", written[0]) else ""
        after = r"(?!\w)" if re.match(r"\w", written[-1]) else ""
        alternatives.append(f"{before}({re.escape(written)}){after}")
    pattern = re.compile("|".join(alternatives))
    replacements = [s for _, s in entries]
    for match in reversed(list(pattern.finditer(text))):
        assert match.lastindex is not None
        replacement = replacements[match.lastindex - 1]
        low, high = match.span()
        delta = len(replacement) - (high - low)
        text = text[:low] + replacement + text[high:]
        for n, (start, end) in enumerate(spans):
            if start < 0 or end <= low:
                continue
            if start >= high:
                spans[n] = (start + delta, end + delta)
                continue
            spans[n] = (min(start, low), end + delta if end > high else low + len(replacement))
    return text


ALPHABET = "ab1_ .-é"
words = st.text(alphabet=ALPHABET, min_size=1, max_size=4)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(
    text=st.text(alphabet=ALPHABET, max_size=30),
    lexicon=st.lists(st.tuples(words, st.text(alphabet="XYZ ", max_size=5)), max_size=6),
    cuts=st.lists(st.integers(0, 30), max_size=8),
)
def test_the_same_as_the_definition(
    text: str, lexicon: list[tuple[str, str]], cuts: list[int]
) -> None:
    points = sorted({min(c, len(text)) for c in cuts})
    spans = [*itertools.pairwise(points), (-1, -1)]
    expected_spans = list(spans)
    expected = _reference(text, expected_spans, lexicon)
    assert apply_lexicon(text, spans, lexicon) == expected
    assert spans == expected_spans


def test_thousands_of_entries_cost_no_more_per_word() -> None:
    """Counted, not timed: the characters looked at per position stay within the longest
    entry however many entries there are."""
    looked = 0
    original = lexicon_rules._is_word

    def counting(char: str) -> bool:
        nonlocal looked
        looked += 1
        return original(char)

    lexicon_rules._is_word = counting  # type: ignore[assignment]
    try:
        text = "the words of a sentence read aloud " * 20
        small = [("aloud", "out loud")]
        big = small + [(f"w{n:05d}", "x") for n in range(20_000)]
        apply_lexicon(text, [], small)
        few = looked
        looked = 0
        apply_lexicon(text, [], big)
        many = looked
    finally:
        lexicon_rules._is_word = original  # type: ignore[assignment]
    assert many <= 2 * few + len(text)


_LONG = [(f"w{n:03d}", "x") for n in range(lexicon_rules._FEW + 1)]


@settings(max_examples=400, deadline=None, derandomize=True)
@given(
    texts=st.lists(st.text(alphabet=ALPHABET + "\n", max_size=20), max_size=5),
    lexicon=st.lists(st.tuples(words, st.text(alphabet="XYZ ", max_size=5)), max_size=6),
    long=st.booleans(),
)
def test_one_search_over_a_block_finds_what_each_text_s_own_search_finds(
    texts: list[str], lexicon: list[tuple[str, str]], long: bool
) -> None:
    """A short lexicon is searched for by one regular expression, a long one by the trie,
    both over the texts joined: each text's matches are still those of its own search."""
    if long:
        lexicon = lexicon + _LONG
    expected = [(n, lexicon_matches(text, lexicon)) for n, text in enumerate(texts)]
    assert block_matches(texts, lexicon) == [(n, found) for n, found in expected if found]


def test_a_short_lexicon_s_longest_whole_word_wins() -> None:
    lexicon = [("New York", "NY"), ("New York City", "NYC"), ("a.m.", "AM"), ("_x", "X")]
    texts = ["New York City at 6 a.m.", "New Yorker", "a_x _x", "New York Cityscape"]
    assert block_matches(texts, lexicon) == [
        (0, [(0, 13, "NYC"), (19, 23, "AM")]),
        (2, [(4, 6, "X")]),
        (3, [(0, 8, "NY")]),
    ]
