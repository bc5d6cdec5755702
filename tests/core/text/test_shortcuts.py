"""Shortcuts taken for speed give what the general rules give: the word splitter's
regular expressions for tokens of letters and digits and for tokens of punctuation only,
and the spoken text's shortcut for words said as written."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from player.core.text import splitter
from player.core.text.splitter import _token_words, word_spans
from player.core.text.spoken import _speak_by_rules, _speak_word, to_spoken

# Letters and digits (ASCII and not), the marks the shortcuts allow inside and around a
# word, and characters they must leave to the general rules.
_PIECES = st.sampled_from(
    [
        *"aZ7é½²",
        "www",
        "WWW",
        "José",
        "2018",
        *"-:,/.;!?",
        *"\"'“”‘’()[]",
        *"—–―…",
        "...",
        "--",
        *"@#&%=|~^`<>$€",
        "ʼ",
        "😀",
        "https://",
        "t.co/",
        "_",
    ]
)
_TOKENS = st.lists(_PIECES, min_size=1, max_size=6).map("".join)


def _by_general_rules(text: str) -> list[tuple[int, int]]:
    """Every whitespace-separated token's words by the general rules, no shortcut."""
    spans: list[tuple[int, int]] = []
    for token in re.finditer(r"\S+", text):
        spans.extend(_token_words(text, token.start(), token.end()))
    return spans


@settings(max_examples=400, deadline=None)
@given(st.lists(_TOKENS, min_size=1, max_size=5))
def test_word_spans_are_those_of_the_general_rules(tokens: list[str]) -> None:
    text = " ".join(tokens)
    assert word_spans(text, 0, len(text))[0] == _by_general_rules(text)


def test_tokens_the_shortcuts_take_keep_their_words() -> None:
    cases = {
        "“2018,”": "2018",
        "(José)": "José",
        "10:30.": "10:30",
        "(1/6)": "1/6",
        "2-month-old": "2-month-old",
        "1,5": "1,5",
    }
    for token, word in cases.items():
        assert splitter._ALNUM_WORD.fullmatch(token) is not None, token
        assert [token[s:e] for s, e in word_spans(token, 0, len(token))[0]] == [word]
    for token in (":::", "---", "—", "...", "-", "“”", "(!)"):
        assert splitter._NO_WORD.fullmatch(token) is not None, token
        assert word_spans(token, 0, len(token)) == ([], [])
    # Not taken: a dot inside could be a web address, "=" is a word.
    assert splitter._ALNUM_WORD.fullmatch("www.example") is None
    assert word_spans("www.", 0, 4)[0] == [(0, 3)]
    assert splitter._NO_WORD.fullmatch("=") is None
    assert word_spans("=", 0, 1)[0] == [(0, 1)]


@settings(max_examples=400, deadline=None)
@given(_TOKENS, st.sampled_from(["en", "es", "de"]))
def test_spoken_words_are_those_of_the_general_rules(word: str, lang: str) -> None:
    assert _speak_word(word, lang) == _speak_by_rules(word, lang)


def test_words_said_as_written() -> None:
    for word in ("2018", "José", "10:30", "2-month-old", "1,5", "N7"):
        assert _speak_word(word) == word
    # The modifier letter apostrophe is a letter but is said as "'".
    assert _speak_word("donʼt") == "don't"
    assert to_spoken("The donʼt list.").text == "The don't list."


def test_words_said_as_written_keep_their_spans() -> None:
    text = "In 2018, José left at 10:30; the 2-month-old’s bag: “and/or”."
    result = to_spoken(text)
    assert result.text == "In 2018, José left at 10:30; the 2-month-old's bag: and/or."
    for word in result.words:
        shown = text[word.display_start : word.display_end].replace("’", "'")
        assert result.text[word.spoken_start : word.spoken_end] == shown
