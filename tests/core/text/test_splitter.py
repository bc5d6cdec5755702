"""Tests for sentence and word splitting, on general English and on the article."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from player.core.text.splitter import looks_like_url, split_sentences, split_words
from tests.support import source_article

REPO_ROOT = Path(__file__).resolve().parents[3]
ARTICLE = source_article()


def sentences(text: str) -> list[str]:
    return [text[start:end] for start, end in split_sentences(text)]


def words(text: str, start: int = 0, end: int | None = None) -> list[str]:
    return [text[s:e] for s, e in split_words(text, start, end)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Plain sentences and final punctuation.
        ("One. Two. Three.", ["One.", "Two.", "Three."]),
        ("Is it? Yes! Good.", ["Is it?", "Yes!", "Good."]),
        ("Really?! No way!!! Fine.", ["Really?!", "No way!!!", "Fine."]),
        ("No final period", ["No final period"]),
        ("First one. second stays", ["First one. second stays"]),
        # Abbreviations that never end a sentence.
        ("Dr. Smith met Mr. Jones and Mrs. Brown.", ["Dr. Smith met Mr. Jones and Mrs. Brown."]),
        ("Ms. Lee and Prof. Kay met at St. Mary's.", ["Ms. Lee and Prof. Kay met at St. Mary's."]),
        ("John Smith Sr. and John Smith Jr. came.", ["John Smith Sr. and John Smith Jr. came."]),
        ("See vol. 3, pp. 12-14 and p. 7 for more.", ["See vol. 3, pp. 12-14 and p. 7 for more."]),
        ("Compare Fig. 2 with No. 5 today.", ["Compare Fig. 2 with No. 5 today."]),
        ("Fruit, e.g. apples. Trees, i.e. oaks.", ["Fruit, e.g. apples.", "Trees, i.e. oaks."]),
        ("Use X, cf. Y. Then Z.", ["Use X, cf. Y.", "Then Z."]),
        ("It was Ali vs. Frazier. Huge.", ["It was Ali vs. Frazier.", "Huge."]),
        ("It costs approx. 40 dollars. Cheap.", ["It costs approx. 40 dollars.", "Cheap."]),
        ("Gen. Grant and Gov. Brown met Sen. Lee.", ["Gen. Grant and Gov. Brown met Sen. Lee."]),
        ("Rep. Ocasio spoke. Then she left.", ["Rep. Ocasio spoke.", "Then she left."]),
        (
            "It opened Jan. 5 and closed Feb. 20. Sad.",
            ["It opened Jan. 5 and closed Feb. 20.", "Sad."],
        ),
        ("It was in Sept. The heat was awful.", ["It was in Sept.", "The heat was awful."]),
        # Abbreviations that may end a sentence.
        (
            "She moved to the U.S. The move was hard.",
            ["She moved to the U.S.", "The move was hard."],
        ),
        ("He joined the U.S. Army in 2001.", ["He joined the U.S. Army in 2001."]),
        ("We met at 5 p.m. It was late.", ["We met at 5 p.m.", "It was late."]),
        (
            "We met at 5 p.m. and left at 9 a.m. on Monday.",
            ["We met at 5 p.m. and left at 9 a.m. on Monday."],
        ),
        ("Bring pens, paper, etc. But no phones.", ["Bring pens, paper, etc.", "But no phones."]),
        ("Bring pens, paper, etc. and snacks.", ["Bring pens, paper, etc. and snacks."]),
        (
            "He works at Acme Inc. She works at Foo Ltd. They met.",
            ["He works at Acme Inc.", "She works at Foo Ltd.", "They met."],
        ),
        ("Acme Inc. Chicago office is closed.", ["Acme Inc. Chicago office is closed."]),
        ("They live in the U.K. In May they move.", ["They live in the U.K.", "In May they move."]),
        # Numbers, decimals, money.
        ("Pi is 3.14 roughly. It is irrational.", ["Pi is 3.14 roughly.", "It is irrational."]),
        ("It cost $2.5 million. Nobody paid.", ["It cost $2.5 million.", "Nobody paid."]),
        ("The year ended. 2019 began well.", ["The year ended.", "2019 began well."]),
        ("Sales rose 4.5% in 2018. Costs fell.", ["Sales rose 4.5% in 2018.", "Costs fell."]),
        # Initials.
        ("J. K. Rowling wrote it.", ["J. K. Rowling wrote it."]),
        ("George W. Bush spoke. He left.", ["George W. Bush spoke.", "He left."]),
        ("We chose plan B. The rest failed.", ["We chose plan B.", "The rest failed."]),
        ("J.R.R. Tolkien wrote it.", ["J.R.R. Tolkien wrote it."]),
        # Ellipses.
        ("Wait... what?", ["Wait... what?"]),
        ("Wait… what?", ["Wait… what?"]),
        ("I thought... Then it hit me.", ["I thought...", "Then it hit me."]),
        ("Hmm . . . maybe. Yes.", ["Hmm . . . maybe.", "Yes."]),
        # Quotes and brackets.
        ("He said “Stop.” Then he left.", ["He said “Stop.”", "Then he left."]),
        ("“Help!” she cried. Nobody came.", ["“Help!” she cried.", "Nobody came."]),
        ('He said "go." "Now?" she asked.', ['He said "go."', '"Now?" she asked.']),
        ("It is “family first”. So, yes.", ["It is “family first”.", "So, yes."]),
        ("Some text (like this.) Next one.", ["Some text (like this.)", "Next one."]),
        ("End here. (Aside in brackets.) Back.", ["End here.", "(Aside in brackets.)", "Back."]),
        ("End here. [Note] Back.", ["End here.", "[Note] Back."]),
        ("He left. ” Odd quote.", ["He left. ”", "Odd quote."]),
        # Handles, hashtags, URLs, photo numbers.
        (
            "Read it at https://example.com/a.b?c=1. Then share.",
            ["Read it at https://example.com/a.b?c=1.", "Then share."],
        ),
        ("Thanks @HuffPost. Great piece.", ["Thanks @HuffPost.", "Great piece."]),
        ("So sad. @gdub520 agrees.", ["So sad.", "@gdub520 agrees."]),
        ("Never again. #MeToo", ["Never again.", "#MeToo"]),
        ("A caption. (2/6) https://t.co/abcDEF", ["A caption.", "(2/6) https://t.co/abcDEF"]),
        # Newlines and blank lines.
        ("This goes on\nacross lines. Then ends.", ["This goes on\nacross lines.", "Then ends."]),
        ("A heading\n\nA paragraph", ["A heading", "A paragraph"]),
        ("A heading\r\n\r\nA paragraph", ["A heading", "A paragraph"]),
        ("One line\n   \n\tnext one", ["One line", "next one"]),
        (
            "Body of a post\n— Jane Doe (@jdoe) May 1, 2018",
            ["Body of a post", "— Jane Doe (@jdoe) May 1, 2018"],
        ),
        ("A list:\n- milk\n- eggs", ["A list:", "- milk", "- eggs"]),
        ("its in reverse – the toddler", ["its in reverse – the toddler"]),
        # More mixed cases.
        ("Mr. and Mrs. Smith came.", ["Mr. and Mrs. Smith came."]),
        ("The U.S. is big.", ["The U.S. is big."]),
        ("I live in the U.S.\n\nNew para", ["I live in the U.S.", "New para"]),
        ("“Why?” he asked. Fine.", ["“Why?” he asked.", "Fine."]),
        ("At 5 p.m. “We left.” Done.", ["At 5 p.m.", "“We left.”", "Done."]),
        ("Hello!!! How are you??? Fine.", ["Hello!!!", "How are you???", "Fine."]),
        ("The end.Next one", ["The end.Next one"]),
        ("It was No. 1. Then it fell.", ["It was No. 1.", "Then it fell."]),
        ("He said no. Then left.", ["He said no.", "Then left."]),
        ("Built ca. 1900 here.", ["Built ca. 1900 here."]),
        ("See the results (p. 4). They are clear.", ["See the results (p. 4).", "They are clear."]),
        ("He was born in Sept. 1990 in Ohio.", ["He was born in Sept. 1990 in Ohio."]),
        ("Smith et al. found it. We agree.", ["Smith et al. found it.", "We agree."]),
        ("Visit www.x.com. It is good.", ["Visit www.x.com.", "It is good."]),
        ("Great job! 😢 Bye.", ["Great job!", "😢 Bye."]),
        ("Yahoo! is a company.", ["Yahoo! is a company."]),
        ("Is it 3.5? Or 4.0?", ["Is it 3.5?", "Or 4.0?"]),
        # Lists written on one line, and numbers that are not lists.
        ("Buy: a) milk b) eggs c) bread", ["Buy:", "a) milk", "b) eggs", "c) bread"]),
        ("Scores: 1. Ann 2. Bob", ["Scores:", "1. Ann", "2. Bob"]),
        ("I was No. 1. She was No. 2. Done.", ["I was No. 1.", "She was No. 2.", "Done."]),
        ("See rule 1. Then rule 2. Done.", ["See rule 1.", "Then rule 2.", "Done."]),
        ("Step 1. Mix it. Step 2. Bake it.", ["Step 1.", "Mix it.", "Step 2.", "Bake it."]),
        ("1. One\n\n2. Two", ["1. One", "2. Two"]),
        # Titles after a time, omissions in brackets and spaced ellipses.
        ("He left at 6 p.m. Mr. Lee stayed.", ["He left at 6 p.m.", "Mr. Lee stayed."]),
        ("In the U.S. Mr. Lee is known.", ["In the U.S. Mr. Lee is known."]),
        ("Wait (!) He said so.", ["Wait (!) He said so."]),
        ("He said [...] Then more.", ["He said [...] Then more."]),
        ("It is . . . I mean, fine.", ["It is . . . I mean, fine."]),
        ("It ended. . . . Then more.", ["It ended.", ". . . Then more."]),
        ("It ended. . . . then more.", ["It ended. . . . then more."]),
        # Whitespace.
        ("   Leading and trailing.   ", ["Leading and trailing."]),
        ("", []),
        ("   \n\t  ", []),
        ("...", ["..."]),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_sentence_spans_are_offsets_into_the_text() -> None:
    text = "  One. Two?\n\nThree!  "
    assert split_sentences(text) == [(2, 6), (7, 11), (13, 19)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hello, world!", ["Hello", "world"]),
        ("a 2-month-old son", ["a", "2-month-old", "son"]),
        ("she’s “the strength” here.", ["she’s", "the", "strength", "here"]),
        ("(@HuffPost) April 28, 2018", ["@HuffPost", "April", "28", "2018"]),
        ("(1/6) https://t.co/80rYKdxSTV", ["1/6", "https://t.co/80rYKdxSTV"]),
        (
            "see (https://en.wikipedia.org/wiki/Foo_(bar)).",
            ["see", "https://en.wikipedia.org/wiki/Foo_(bar)"],
        ),
        ("visit www.example.com/path/, now", ["visit", "www.example.com/path/", "now"]),
        ("#Hashtag and #children_in_prison!", ["#Hashtag", "and", "#children_in_prison"]),
        ("reverse – the — toddler - ok", ["reverse", "the", "toddler", "ok"]),
        ("home—the only -- one", ["home", "the", "only", "one"]),
        ("wait...what", ["wait", "what"]),
        ("mother & child", ["mother", "&", "child"]),
        ("AT&T", ["AT&T"]),
        ("It's 50% off, $2.50 each.", ["It's", "50%", "off", "$2.50", "each"]),
        ("-5 degrees", ["-5", "degrees"]),
        ("So sad 😢😢 !", ["So", "sad", "😢😢"]),
        ("lone # and @ and ... and “ ”", ["lone", "and", "and", "and"]),
        ("C# rocks", ["C#", "rocks"]),
        ("¿Qué? ¡Sí!", ["Qué", "Sí"]),
        ("a | b", ["a", "b"]),
        ("", []),
        ("   ", []),
    ],
)
def test_split_words(text: str, expected: list[str]) -> None:
    assert words(text) == expected


def test_split_words_uses_absolute_offsets() -> None:
    text = "First one. Second “sentence” here."
    start = text.index("Second")
    spans = split_words(text, start)
    assert spans[0] == (start, start + len("Second"))
    assert [text[s:e] for s, e in spans] == ["Second", "sentence", "here"]
    assert words(text, 0, start) == ["First", "one"]


def test_split_words_clamps_out_of_range_bounds() -> None:
    assert words("abc def", -5, 100) == ["abc", "def"]
    assert words("abc def", 5, 2) == []


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("https://t.co/80rYKdxSTV", True),
        ("http://example.com", True),
        ("www.example.org", True),
        ("t.co/abc", True),
        ("(https://x.y)", True),
        ("ftp://files.example.com/x", True),
        ("example.com", False),
        ("@HuffPost", False),
        ("U.S.", False),
    ],
)
def test_looks_like_url(word: str, expected: bool) -> None:
    assert looks_like_url(word) is expected


# --- The article -------------------------------------------------------------

ARTICLE_EXPECTED = {
    4: [
        "Melissa is 18 months old, and she lives in the Aquiles Serdán female state prison in "
        "Chihuahua City, Mexico.",
        "Her mother, inmate Barbara Sánchez, says she’s “the strength that God sent” her to ”keep "
        "her going while in prison.”",
        "(1/6) https://t.co/80rYKdxSTV",
    ],
    7: [
        "“It is the best thing that can happen to you in here.",
        "You share with a child, and life becomes lighter.",
        "It becomes lighter for the other women, too.",
        "Everyone wants to support the babies,”",
    ],
    20: [
        "Mexico is “family first”.",
        "So, yes this is upsetting.",
        "However, it could be worse.",
        "Much worse.",
    ],
    22: [
        "Have you seen what our schools look like?",
        "Same architects used.",
        "There is a school to prison pipeline.",
        "And here, its in reverse – the toddler is with her mother: the most important thing for "
        "both.",
    ],
    27: [
        "Kid will not know the meaning of living a normal life.",
        "Talk about becoming institutionalized",
    ],
}


@pytest.fixture(scope="module")
def article_lines() -> list[str]:
    if not ARTICLE.is_file():
        pytest.skip(f"article not found at {ARTICLE}")
    return ARTICLE.read_text(encoding="utf-8").split("\n")


@pytest.mark.parametrize("line_number", sorted(ARTICLE_EXPECTED))
def test_article_lines(article_lines: list[str], line_number: int) -> None:
    assert sentences(article_lines[line_number - 1]) == ARTICLE_EXPECTED[line_number]


def test_article_every_line(article_lines: list[str]) -> None:
    for line in article_lines:
        spans = split_sentences(line)
        assert "".join(line[s:e] for s, e in spans).replace(" ", "") == line.replace(" ", "")
        for start, end in spans:
            sentence = line[start:end]
            # No sentence is cut inside a URL, a handle or a number.
            assert not sentence.startswith(("co/", "t.co", "HuffPost)", "000"))
            assert sentence[-1] in ".?!”,)" or sentence[-1].isalnum()
    attribution = article_lines[4]
    assert sentences(attribution) == [attribution]


def test_article_whole_text_keeps_lines_apart(article_lines: list[str]) -> None:
    text = "\n".join(article_lines[26:28])
    assert sentences(text) == [
        "Kid will not know the meaning of living a normal life.",
        "Talk about becoming institutionalized",
        "— gk williams (@gdub520) April 26, 2018",
    ]


# --- Properties --------------------------------------------------------------

_ALPHABET = st.sampled_from(
    [
        *"abcXYZ019 .!?…,;:'\"“”‘’()[]—–-@#/&\n\t\r\u2029😢",
        "Dr.",
        "U.S.",
        " The ",
        "e.g.",
        "...",
        "\n\n",
        "https://t.co/x",
        " p.m. ",
        "J. ",
        "1. ",
        "2.) ",
        "b) ",
        "•",
        " . . .",
        "d. ",
        "[...]",
        "Mr.",
        "z. B.",
    ]
)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(_ALPHABET, max_size=60).map("".join),
    st.sampled_from(["en", "es", "fr", "de", "it"]),
)
def test_sentence_spans_partition_the_text(text: str, language: str) -> None:
    spans = split_sentences(text, language=language)
    previous_end = 0
    for start, end in spans:
        assert previous_end <= start < end <= len(text)
        assert not text[start].isspace() and not text[end - 1].isspace()
        assert text[previous_end:start].isspace() or previous_end == start == 0
        previous_end = end
    assert text[previous_end:].strip() == ""
    covered = "".join(text[s:e] for s, e in spans)
    assert [c for c in covered if not c.isspace()] == [c for c in text if not c.isspace()]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_any_text_splits(text: str) -> None:
    spans = split_sentences(text)
    covered = "".join(text[s:e] for s, e in spans)
    assert [c for c in covered if not c.isspace()] == [c for c in text if not c.isspace()]
    word_spans = split_words(text)
    assert all(a[1] <= b[0] for a, b in pairwise(word_spans))
    assert all(s < e and not text[s:e].isspace() for s, e in word_spans)
