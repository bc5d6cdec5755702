"""The loader's ways to a block's sentences give what the rules one sentence at a time
give: :func:`block_spoken` what :func:`spoken_spans` gives, the one-line sentence
splitter what the unit by unit one gives, and one lexicon search over a block's sentences
every sentence a search of its own would find something in."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from player.core.text.lexicon import block_matches, lexicon_matches
from player.core.text.sentence_rules import rules_for
from player.core.text.splitter import (
    _NOT_ONE_LINE,
    _OPENING_LIST_NUMBER,
    _split_one_line,
    _split_units,
    split_sentences,
)
from player.core.text.spoken import spoken_spans
from player.core.text.spoken_runs import (
    _Block,
    block_sentences,
    block_spoken,
    plain_sentences,
    word_bounds,
)
from tests.core.parse_golden import HARD

# Plain words, the hard cases, and the marks and quotes that sit around and between words.
_WORDS = st.sampled_from(
    [
        *["The", "prison", "boy", "said", "it", "was", "a", "long", "day", "in", "Mexico"],
        *HARD,
        "don’t",
        "Mr.",
        "etc.",
        "end.",
        "“Help!”",
        "(like",
        "this)",
        "well-known",
        "students'",
        "'tis",
        "No",
        "million",
        "www.",
        "—",
        "...",
        "”",
        "😢",
        "Serdán",
        "2018,",
    ]
)
_GAPS = st.sampled_from([" ", " ", " ", ", ", "  ", " — ", ": "])
_LEXICON = [("prison", "prizzen"), ("Mexico", "Mehico"), ("Mr", "Mister"), ("a.m.", "AM")]


@st.composite
def _texts(draw: st.DrawFn) -> str:
    words = draw(st.lists(_WORDS, min_size=1, max_size=24))
    out = [words[0]]
    for word in words[1:]:
        out.append(draw(_GAPS))
        out.append(word)
    return "".join(out).strip()


def _by_sentence(text: str, language: str) -> list[tuple[str, list[int], list[int]]]:
    out = []
    for start, end in split_sentences(text, language):
        spoken, displayed, spans = spoken_spans(text, start, end, _LEXICON, language=language)
        out.append(
            (spoken, [b for span in displayed for b in span], [b for span in spans for b in span])
        )
    return out


def _by_block(text: str, language: str) -> list[tuple[str, list[int], list[int]]]:
    out = []
    spans = split_sentences(text, language)
    for spoken, displayed, moved in block_spoken(text, spans, _LEXICON, language=language):
        if isinstance(moved, int):
            moved = [bound + moved for bound in displayed]
        out.append((spoken, displayed, moved))
    return out


@settings(max_examples=500, deadline=None, derandomize=True)
@given(_texts(), st.sampled_from(["en", "es"]))
def test_a_block_is_said_as_its_sentences_one_at_a_time(text: str, language: str) -> None:
    assert _by_block(text, language) == _by_sentence(text, language)


def test_runs_of_plain_words_around_the_hard_cases() -> None:
    text = (
        "He said “I don’t know,” and left. Mr. Smith paid $12,500 at 6 P.M. on Fri.–Sun. "
        "for the prison (1/6) https://t.co/abc 😢😢😢 — @gdub520 #MeToo R&D. The end"
    )
    assert _by_block(text, "en") == _by_sentence(text, "en")
    # A sentence of plain words only: every spoken span is its displayed one, moved.
    spoken, displayed, moved = block_spoken("Then it rained.", [(0, 15)])[0]
    assert (spoken, displayed, moved) == ("Then it rained.", [0, 4, 5, 7, 8, 14], 0)


def test_word_bounds_are_those_of_split_words() -> None:
    text = "— Ana (@ana1) May 4, 2024 R&D well-known 😢"
    from player.core.text.splitter import split_words

    assert word_bounds(text) == [b for span in split_words(text) for b in span]


@settings(max_examples=500, deadline=None, derandomize=True)
@given(_texts(), st.sampled_from(["en", "es", "de"]))
def test_one_line_splitting_is_the_unit_by_unit_one(text: str, language: str) -> None:
    if _NOT_ONE_LINE.search(text) or _OPENING_LIST_NUMBER.match(text):
        return  # not a text the one-line splitter is used for
    rules = rules_for(language)
    assert _split_one_line(text, rules) == _split_units(text, rules, False)


def test_one_line_splitting_on_hard_cases() -> None:
    rules = rules_for("en")
    for text in (
        "At 5 a.m. Mr. Smith went home. He slept.",
        "It was 6 P.M. Mr. Smith left. Then “Help!” she cried. What? Yes.",
        "  Leading and trailing spaces.   Two  spaces.  ",
        "e.g. this i. d. R. that. U.S. Army. The end",
    ):
        assert _split_one_line(text, rules) == _split_units(text, rules, False), text


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(_texts(), min_size=1, max_size=6))
def test_one_search_finds_every_sentence_s_matches(texts: list[str]) -> None:
    expected = [(n, lexicon_matches(text, _LEXICON)) for n, text in enumerate(texts)]
    assert block_matches(texts, _LEXICON) == [(n, found) for n, found in expected if found]


# Plain tokens only (one plain word each, with quotes and punctuation around it), as most
# paragraphs of prose are, with the marks that make sentence ends, abbreviations and
# lists' numbers of them.
_PLAIN_TOKENS = st.sampled_from(
    [
        *["The", "prison", "boy", "said", "it", "was", "a", "long", "day", "in", "Mexico"],
        *["Mr.", "Dr.", "etc.", "U.S.", "i.", "d.", "R.", "No.", "p.", "Jan.", "Inc.", "Fig."],
        *["end.", "end?", "end!", "“Help!”", "(like", "this.)", "don’t", "well-known", "'tis"],
        *["a)", "b)", "a.", "b.)", "He", "She", "But", "said.”", "No", "z.", "B.", "W.", "Bush"],
        *["www", "end...", "(word", "[word]", "word,", "word;", "word:", "So", "J.", "K."],
    ]
)
_PLAIN_GAPS = st.sampled_from([" ", " ", " ", "  ", "\u00a0"])
_LINE_GAPS = st.sampled_from([" ", "\n", "\n\n", " \n "])


@st.composite
def _plain_texts(draw: st.DrawFn) -> str:
    words = draw(st.lists(_PLAIN_TOKENS, min_size=1, max_size=20))
    gaps = _LINE_GAPS if draw(st.integers(0, 4)) == 0 else _PLAIN_GAPS
    out = [words[0]]
    for word in words[1:]:
        out.append(draw(gaps))
        out.append(word)
    return "".join(out)


@settings(max_examples=800, deadline=None, derandomize=True)
@given(_plain_texts(), st.sampled_from(["en", "es", "de"]))
def test_a_plain_block_is_split_from_its_words_as_from_its_text(text: str, language: str) -> None:
    block = _Block(text, language, language)
    spans = plain_sentences(block, rules_for(language)) if block.plain else None
    if spans is not None:
        assert spans == split_sentences(text, language)
    assert block_sentences(text, _LEXICON, language=language) == (
        split_sentences(text, language),
        block_spoken(text, split_sentences(text, language), _LEXICON, language=language),
    )


def test_plain_blocks_split_from_their_words() -> None:
    rules = rules_for("en")
    for text, sentences in (
        ("He left at noon. Mr. Smith stayed. “Help!” she cried. The end", 4),
        ("It was the Army. But then (like this.) Then Dr. Who said so. No. Then that", 5),
    ):
        block = _Block(text, "en", "en")
        assert block.plain
        spans = plain_sentences(block, rules)
        assert spans == split_sentences(text, "en")
        assert len(spans) == sentences
    # A list's number, a line break: split by the text.
    for text in ("Two things: a) this and b) that.", "a. The first", "One.\nTwo.", "So i. d. R."):
        block = _Block(text, "en", "en")
        assert block.plain and plain_sentences(block, rules) is None, text
