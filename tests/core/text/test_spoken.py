"""Tests for the spoken form of displayed text and its word offset mapping."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from player.core.text.splitter import split_sentences, split_words
from player.core.text.spoken import (
    SpokenText,
    SpokenWord,
    format_long_date,
    spoken_attribution,
    to_spoken,
)
from tests.support import source_article

REPO_ROOT = Path(__file__).resolve().parents[3]
ARTICLE = source_article()


def said(text: str, lexicon: tuple[tuple[str, str], ...] = ()) -> str:
    return to_spoken(text, lexicon=lexicon).text


def pairs(text: str, lexicon: tuple[tuple[str, str], ...] = ()) -> list[tuple[str, str | None]]:
    """Each displayed word with what is said for it (None when nothing)."""
    result = to_spoken(text, lexicon=lexicon)
    return [
        (
            text[w.display_start : w.display_end],
            None if w.spoken_start < 0 else result.text[w.spoken_start : w.spoken_end],
        )
        for w in result.words
    ]


def check_invariants(text: str, result: SpokenText, start: int = 0, end: int | None = None) -> None:
    assert [(w.display_start, w.display_end) for w in result.words] == split_words(text, start, end)
    assert result.text == result.text.strip()
    assert "  " not in result.text
    previous_end = 0
    for word in result.words:
        if word.spoken_start < 0:
            assert word.spoken_end == -1
            continue
        assert previous_end <= word.spoken_start < word.spoken_end <= len(result.text)
        spoken = result.text[word.spoken_start : word.spoken_end]
        assert spoken == spoken.strip()
        previous_end = word.spoken_end


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # URLs.
        ("Read this https://example.com/story now", "Read this now"),
        ("Read this http://example.com.", "Read this."),
        ("Or www.example.org, maybe", "Or, maybe"),
        ("Look t.co/xyz123 here", "Look here"),
        ("https://t.co/80rYKdxSTV", ""),
        ("(https://example.com)", ""),
        ("Photo (https://example.com) here.", "Photo, here."),
        # Handles.
        ("Thanks @HuffPost!", "Thanks HuffPost!"),
        ("cc @gdub520 and @benjamin4peace", "cc gdub 520 and benjamin 4 peace"),
        ("by @jane_doe_99", "by jane doe 99"),
        ("— Ann Lee (@AnnLee) May 3, 2019", "Ann Lee, AnnLee, May 3, 2019"),
        ("email me@example.com", "email me@example.com"),
        # Photo numbers.
        ("A caption. (1/6)", "A caption. photo 1 of 6"),
        ("(3/10) https://t.co/abc", "photo 3 of 10"),
        ("Mix 1/2 cup", "Mix one half cup"),
        ("Score (7/5) today", "Score, 7/5, today"),
        ("Pages (12/400) read", "Pages, 12/400, read"),
        # Hashtags.
        ("#MeToo", "hashtag Me Too"),
        ("Join #children_in_prison now", "Join hashtag children in prison now"),
        ("#BlackLivesMatter", "hashtag Black Lives Matter"),
        ("#NYCMarathon", "hashtag NYC Marathon"),
        ("#COVID19 news", "hashtag COVID 19 news"),
        ("We're #1!", "We're number 1!"),
        ("A lone # sign", "A lone sign"),
        ("#", ""),
        # Emoji.
        ("So sad 😢", "So sad, crying face"),
        ("😢😢😢", "crying face times 3"),
        ("😢😂", "crying face, face with tears of joy"),
        ("Great👍🏽", "Great, thumbs up sign"),
        ("❤️ it", "heavy black heart, it"),
        ("👨‍👩‍👧", "man woman girl"),
        ("🇲🇽 wins", "flag M X, wins"),
        ("1️⃣ first", "1 first"),
        ("😢 😢", "crying face, crying face"),
        # Ampersand.
        ("mother & child", "mother and child"),
        ("AT&T", "AT and T"),
        # Dashes.
        ("its in reverse – the toddler", "its in reverse, the toddler"),
        ("a home — the only one", "a home, the only one"),
        ("a home—the only one", "a home, the only one"),
        ("wait -- what", "wait, what"),
        ("well - maybe", "well, maybe"),
        ("— Ursula Koenig", "Ursula Koenig"),
        ("a 2-month-old son", "a 2-month-old son"),
        ("pre- and post-war", "pre and post-war"),
        ("the 2010–2018 period", "the 2010 to 2018 period"),
        # Quotes and apostrophes.
        ("she’s here", "she's here"),
        ("“Hello,” she said.", "Hello, she said."),
        ("It is “family first”.", "It is family first."),
        ("to ”keep her going”", "to keep her going"),
        ("‘Yes’ I’m sure", "Yes I'm sure"),
        ('He said "go"', "He said go"),
        ("the kids’ toys", "the kids toys"),
        # Punctuation and whitespace.
        ("Wait... what?", "Wait... what?"),
        ("Wait… what?", "Wait... what?"),
        ("Really?!", "Really?!"),
        ("  lots   of\n\tspace  ", "lots of space"),
        ("the babies,”", "the babies"),
        ("(like this.)", "like this."),
        ("Note: this; that", "Note: this; that"),
        ("", ""),
        ("   ", ""),
        ("— – -", ""),
    ],
)
def test_to_spoken(text: str, expected: str) -> None:
    result = to_spoken(text)
    assert result.text == expected
    check_invariants(text, result)


def test_dropped_url_keeps_its_word_entry() -> None:
    text = "Look https://t.co/abc now"
    result = to_spoken(text)
    assert result.words[1] == SpokenWord(5, 21, -1, -1)
    assert [w.spoken_start >= 0 for w in result.words] == [True, False, True]


def test_url_only_sentence_is_silent() -> None:
    result = to_spoken("https://t.co/abc https://example.com")
    assert result.text == ""
    assert [(w.spoken_start, w.spoken_end) for w in result.words] == [(-1, -1), (-1, -1)]


def test_handle_maps_to_its_name() -> None:
    text = "— HuffPost (@HuffPost) April 28, 2018"
    result = to_spoken(text)
    handle = next(w for w in result.words if text[w.display_start] == "@")
    assert text[handle.display_start : handle.display_end] == "@HuffPost"
    assert result.text[handle.spoken_start : handle.spoken_end] == "HuffPost"


def test_mapping_of_rewritten_words() -> None:
    assert pairs("#MeToo & 😢😢 she’s (2/6) https://x.y") == [
        ("#MeToo", "hashtag Me Too"),
        ("&", "and"),
        ("😢😢", "crying face times 2"),
        ("she’s", "she's"),
        ("2/6", "photo 2 of 6"),
        ("https://x.y", None),
    ]


def test_start_and_end_select_a_sentence() -> None:
    text = "First one. Then “@Bob” said hi (1/2). Last."
    start, end = split_sentences(text)[1]
    result = to_spoken(text, start, end)
    assert result.text == "Then Bob said hi, photo 1 of 2."
    check_invariants(text, result, start, end)
    assert result.words[0].display_start == start
    assert result.words[-1].display_end == end - 2


def test_photo_brackets_must_be_inside_the_span() -> None:
    text = "(1/6)"
    assert to_spoken(text, 1, 4).text == "one sixth"
    assert to_spoken(text).text == "photo 1 of 6"


# --- Lexicon -----------------------------------------------------------------


def test_lexicon_replaces_whole_words() -> None:
    lexicon = (("Serdán", "Sair-DAHN"),)
    assert said("the Serdán prison", lexicon) == "the Sair-DAHN prison"
    assert said("the Serdánx prison", lexicon) == "the Serdánx prison"
    assert said("the serdán prison", lexicon) == "the serdán prison"


def test_lexicon_longer_entries_first() -> None:
    lexicon = (("Serdán", "Sair-DAHN"), ("Aquiles Serdán", "Ah-KEE-less Sair-DAHN"))
    text = "the Aquiles Serdán prison and Serdán"
    result = to_spoken(text, lexicon=lexicon)
    assert result.text == "the Ah-KEE-less Sair-DAHN prison and Sair-DAHN"
    check_invariants_lexicon(text, result)
    aquiles, serdan = result.words[1], result.words[2]
    assert result.text[aquiles.spoken_start : aquiles.spoken_end] == "Ah-KEE-less Sair-DAHN"
    assert (serdan.spoken_start, serdan.spoken_end) == (aquiles.spoken_start, aquiles.spoken_end)
    last = result.words[-1]
    assert result.text[last.spoken_start : last.spoken_end] == "Sair-DAHN"


def test_lexicon_does_not_rewrite_its_own_output() -> None:
    lexicon = (("York", "Yawk"), ("New York", "Noo York"))
    assert said("New York and York", lexicon) == "Noo York and Yawk"


def test_lexicon_applies_to_spoken_text() -> None:
    # The handle is spoken without "@", so the entry matches the spoken name.
    lexicon = (("gdub", "gee dub"), ("hashtag", "hash tag"), ("U.S.", "United States"))
    assert said("@gdub520 #MeToo", lexicon) == "gee dub 520 hash tag Me Too"
    assert said("in the U.S. today", lexicon) == "in the United States today"


def test_lexicon_shifts_later_words() -> None:
    text = "Hi Bo and Al"
    result = to_spoken(text, lexicon=[("Bo", "Beauregard")])
    assert result.text == "Hi Beauregard and Al"
    check_invariants(text, result)
    assert [result.text[w.spoken_start : w.spoken_end] for w in result.words] == [
        "Hi",
        "Beauregard",
        "and",
        "Al",
    ]


def test_empty_lexicon_entries_are_ignored() -> None:
    assert said("a b", (("", "x"),)) == "a b"


def check_invariants_lexicon(text: str, result: SpokenText) -> None:
    """Word spans may share a multi-word replacement but stay in order."""
    assert [(w.display_start, w.display_end) for w in result.words] == split_words(text)
    starts = [w.spoken_start for w in result.words if w.spoken_start >= 0]
    assert starts == sorted(starts)
    assert all(0 <= w.spoken_start < w.spoken_end <= len(result.text) for w in result.words)


# --- Attribution and dates -----------------------------------------------------


def test_spoken_attribution() -> None:
    assert (
        spoken_attribution("gk williams", "April 26, 2018")
        == "Posted by gk williams on April 26, 2018"
    )
    assert spoken_attribution("gk williams", "") == "Posted by gk williams"
    assert spoken_attribution(" Ann ", "  ") == "Posted by Ann"


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        (dt.date(2018, 4, 26), "April 26, 2018"),
        (dt.date(2018, 4, 6), "April 6, 2018"),
        (dt.date(1999, 1, 1), "January 1, 1999"),
        (dt.date(2024, 12, 31), "December 31, 2024"),
        (dt.date(2020, 5, 9), "May 9, 2020"),
    ],
)
def test_format_long_date(date: dt.date, expected: str) -> None:
    assert format_long_date(date) == expected


# --- The article -------------------------------------------------------------


@pytest.fixture(scope="module")
def article_lines() -> list[str]:
    if not ARTICLE.is_file():
        pytest.skip(f"article not found at {ARTICLE}")
    return ARTICLE.read_text(encoding="utf-8").split("\n")


def spoken_sentences(line: str) -> list[str]:
    return [to_spoken(line, s, e).text for s, e in split_sentences(line)]


def test_article_spoken(article_lines: list[str]) -> None:
    assert spoken_sentences(article_lines[3])[1:] == [
        "Her mother, inmate Barbara Sánchez, says she's the strength that God sent her to keep "
        "her going while in prison.",
        "photo 1 of 6",
    ]
    assert spoken_sentences(article_lines[4]) == ["HuffPost, HuffPost, April 28, 2018"]
    assert spoken_sentences(article_lines[6])[-1] == "Everyone wants to support the babies"
    assert spoken_sentences(article_lines[19])[0] == "Mexico is family first."
    assert spoken_sentences(article_lines[21])[-1] == (
        "And here, its in reverse, the toddler is with her mother: the most important thing "
        "for both."
    )
    assert spoken_sentences(article_lines[27]) == ["gk williams, gdub 520, April 26, 2018"]
    assert "mother and child" in spoken_sentences(article_lines[28])[0]


def test_article_mapping(article_lines: list[str]) -> None:
    for line in article_lines:
        for start, end in split_sentences(line):
            result = to_spoken(line, start, end)
            check_invariants(line, result, start, end)
            for word in result.words:
                displayed = line[word.display_start : word.display_end]
                if word.spoken_start < 0:
                    assert displayed.startswith("https://")
                elif displayed.isalpha():
                    # Plain words are said as written.
                    assert result.text[word.spoken_start : word.spoken_end] == displayed


# --- Properties --------------------------------------------------------------

_PIECES = st.sampled_from(
    [
        *"aZ9 .!?,;:'\"“”’()—–-@#/&_\n😢👍🏽\u200d\ufe0f🇲🇽",
        "https://t.co/x",
        "(1/6)",
        "@Huff_Post1",
        "#MeToo",
        "www.x.org",
        "--",
        "...",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_to_spoken_mapping_holds(text: str) -> None:
    check_invariants(text, to_spoken(text))


@settings(max_examples=300, deadline=None)
@given(
    st.text(max_size=60),
    st.integers(-5, 70),
    st.integers(-5, 70) | st.none(),
    st.lists(st.tuples(st.text(max_size=6), st.text(max_size=6)), max_size=3),
)
def test_to_spoken_never_raises(
    text: str, start: int, end: int | None, lexicon: list[tuple[str, str]]
) -> None:
    result = to_spoken(text, start, end, lexicon)
    assert isinstance(result.text, str)
    if not lexicon:
        check_invariants(text, result, max(0, start), end)
