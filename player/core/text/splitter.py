"""Sentence and word splitting of displayed text.

The player speaks and highlights one sentence at a time and one word at a time,
so both splitters return character spans (start, end-exclusive) into the text
they are given instead of copies: a view can map a span straight onto what it
shows, and the text itself is never altered (stories are displayed verbatim).

Sentence rules, for English prose and social media posts:

* A sentence ends after ``.``, ``!``, ``?``, ``‽`` or an ellipsis, including
  any closing quotes or brackets that follow (``prison.”``, ``(like this.)``)
  and a period placed after a closing quote (``“family first”.``).
* It only ends there if the next word can start a sentence: a word that starts
  with a lowercase letter, or with ``,;:`` and the like, continues the sentence
  (``“Help!” she cried``, ``Wait... what?``).
* Abbreviations that never end a sentence (``Dr.``, ``e.g.``, ``vs.``) never
  split; ``No.``, ``p.``, ``Fig.`` and month abbreviations do not split before
  a number; abbreviations that often end a sentence (``U.S.``, ``a.m.``,
  ``etc.``, ``Inc.``) and single-letter initials split only before a frequent
  sentence starter (``The``, ``He``, ``But``...), so ``U.S. Army`` and
  ``George W. Bush`` stay whole.
* Splitting happens only between whitespace-separated tokens, so decimals,
  URLs, handles and ``(1/6)`` are never cut.
* A newline is ordinary whitespace, except that a blank line always ends a
  sentence, and a line that starts with a dash or bullet starts a new one (the
  ``— Name (@handle) date`` attribution under a post is its own sentence even
  when the post has no final period).
"""

from __future__ import annotations

import re
import unicodedata
from itertools import pairwise

__all__ = ["looks_like_url", "split_sentences", "split_words"]

_TOKEN = re.compile(r"\S+")

_TERMINALS = frozenset(".!?…‽")
_STRONG_TERMINALS = frozenset("!?‽")
_CLOSERS = frozenset("\"'”’»›)]}")
_TRAIL_CHARS = _TERMINALS | _CLOSERS
_OPENERS = "\"'“‘„‚«‹([{¿¡"
# A token starting with one of these belongs to the sentence before it.
_NO_SPLIT_BEFORE = frozenset(",;:.!?…‽”’»›)]}")
_LINE_LEADS = frozenset("—–―•‣◦▪")
_LINE_LEAD_TOKENS = frozenset({"-", "--", "*"})
_LINE_BREAK = re.compile(r"\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_LETTERS = re.compile(r"[^\W\d_]+")
_DOTTED = re.compile(r"(?:[^\W\d_]\.)+[^\W\d_]")

# Abbreviations (lowercase, without the final period) after which a sentence
# never ends: they are titles or they always introduce what follows.
_NEVER_END = _word_set(
    """
    mr mrs ms mx messrs mme mlle dr prof st sr jr rev hon fr
    gen gov sen rep pres supt capt col lt maj sgt cpl cmdr adm det insp
    mt vol vols pp fig figs eq eqs e.g i.e cf vs v viz approx incl esp ca
    """
)
# Abbreviations that never end a sentence when a number follows
# ("No. 5", "p. 12", "Jan. 5") but may end one otherwise.
_BEFORE_NUMBER = _word_set("no nos nr p art sec ch para op pt")
_MONTHS = _word_set("jan feb mar apr jun jul aug sep sept oct nov dec")
# Abbreviations that often end a sentence; split after them only when the next
# word is a frequent sentence starter.
_MAY_END = _word_set(
    """
    u.s u.k u.n e.u u.s.a d.c a.m p.m etc inc ltd co corp llc plc bros al ph.d
    """
)
# Words that very often start an English sentence and are rarely part of a
# proper name, so they disambiguate "in the U.S. The" from "the U.S. Army".
_STARTERS = _word_set(
    """
    A An The This That These Those There Then Thus Here He She It I We You They
    His Her Its Our Their My Your But And Or So Yet Nor For In On At By From
    With Without As After Before When While Where Why How What Who Whom Whose
    Which If Although Though Because Since Unless Until However Meanwhile
    Moreover Nevertheless Instead Indeed Also Still Now Today Yesterday Tomorrow
    Later Finally First Second Last Next Some Many Most Much More All Both Each
    Every Few No Not None One Other Such Only Even Just Is Are Was Were Do Does
    Did Can Could Will Would Should Shall Might Must Let Please Yes Oh Well
    Thanks Thank
    """
)

_URL = re.compile(r"(?:[a-z][a-z0-9+.\-]*://|www\.|t\.co/|pic\.twitter\.com/)\S", re.IGNORECASE)
# Trailing characters that end a sentence or a bracket around a URL rather
# than belong to it.
_URL_TRAIL = frozenset(".,;:!?'\"”’»›)]}>…")
# Splits inside a token: an unspaced em dash or ellipsis joins two words.
_INNER_BREAK = re.compile(r"[—―]|-{2,}|…|\.{3,}")
# Punctuation kept at the edges of a word because it is part of what is said.
_KEEP_LEADING = frozenset("@#&")
_KEEP_TRAILING = frozenset("%‰#&")
# Symbols that separate rather than say anything.
_SEPARATOR_SYMBOLS = frozenset("|¦~^`<>")


def looks_like_url(word: str) -> bool:
    """Whether ``word`` (a whitespace-free token) starts with a web address."""
    return _URL.match(word.lstrip(_OPENERS)) is not None


def _is_blank_line(gap: str) -> bool:
    breaks = _LINE_BREAK.findall(gap)
    return len(breaks) >= 2 or "\u2029" in breaks


def _starts_line_item(gap: str, token: str) -> bool:
    if not _LINE_BREAK.search(gap):
        return False
    return token[0] in _LINE_LEADS or token in _LINE_LEAD_TOKENS


def _is_starter(word: str) -> bool:
    match = _LETTERS.match(word)
    return match is not None and match.group() in _STARTERS


def _period_ends(core: str, word: str) -> bool:
    """Whether a single period after ``core`` ends the sentence, given the
    next ``word`` (its opening quotes and brackets removed)."""
    lower_next = word[:1].islower()
    if not core:
        return not lower_next
    key = core.lower()
    if key in _NEVER_END:
        return False
    if key in _BEFORE_NUMBER or key in _MONTHS:
        if word[:1].isdigit():
            return False
        if key in _MONTHS:
            return _is_starter(word)
    if key in _MAY_END or _DOTTED.fullmatch(core):
        return _is_starter(word)
    if len(core) == 1 and core.isupper():
        # An initial, as in "J. K. Rowling"; "plan B. The" still splits.
        return _is_starter(word)
    # A lowercase word after a period mostly means an unknown abbreviation.
    return not lower_next


def _ends_sentence(unit: str, following: str) -> bool:
    """Whether the sentence ends after ``unit`` (a token and any closers glued
    to it), given the ``following`` token."""
    trail = len(unit)
    while trail > 0 and unit[trail - 1] in _TRAIL_CHARS:
        trail -= 1
    marks = [c for c in unit[trail:] if c in _TERMINALS]
    if not marks or following[0] in _NO_SPLIT_BEFORE:
        return False
    word = following.lstrip(_OPENERS)
    if len(marks) > 1 or "…" in marks or _STRONG_TERMINALS.intersection(marks):
        return not word[:1].islower()
    return _period_ends(unit[:trail].lstrip(_OPENERS), word)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Spans of the sentences of ``text``, in order.

    Each span excludes surrounding whitespace; together they cover every
    non-whitespace character of ``text``. Empty or blank text gives ``[]``.
    """
    # A unit is a token plus any following tokens made only of closing quotes
    # or final punctuation ("Wait . . . what", "prison. ”"), which belong to it.
    units: list[tuple[int, int, str]] = []
    for match in _TOKEN.finditer(text):
        token = match.group()
        if (
            units
            and all(c in _TRAIL_CHARS for c in token)
            and not _is_blank_line(text[units[-1][1] : match.start()])
        ):
            start, _, joined = units[-1]
            units[-1] = (start, match.end(), joined + token)
        else:
            units.append((match.start(), match.end(), token))
    if not units:
        return []

    spans: list[tuple[int, int]] = []
    sentence_start = units[0][0]
    for (_, end, current), (next_start, _, following) in pairwise(units):
        gap = text[end:next_start]
        if (
            _is_blank_line(gap)
            or _starts_line_item(gap, following)
            or _ends_sentence(current, following)
        ):
            spans.append((sentence_start, end))
            sentence_start = next_start
    spans.append((sentence_start, units[-1][1]))
    return spans


def _is_word_char(char: str) -> bool:
    if char in _SEPARATOR_SYMBOLS:
        return False
    category = unicodedata.category(char)
    return category[0] in "LN" or category in ("Sm", "Sc", "So") or char == "&"


def _trimmed(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span of the word in ``text[start:end]`` without its surrounding
    punctuation, or None when nothing sayable is left."""

    def trimmable(char: str) -> bool:
        return char in _SEPARATOR_SYMBOLS or unicodedata.category(char)[0] == "P"

    while start < end:
        char = text[start]
        if char in _KEEP_LEADING or not trimmable(char):
            break
        if char == "-" and start + 1 < end and text[start + 1].isdigit():
            break  # a minus sign
        start += 1
    if looks_like_url(text[start:end]):
        while end > start and text[end - 1] in _URL_TRAIL:
            # Keep a closing bracket that the address itself opened.
            if text[end - 1] == ")" and text.count("(", start, end) >= text.count(")", start, end):
                break
            end -= 1
    else:
        while end > start and text[end - 1] not in _KEEP_TRAILING and trimmable(text[end - 1]):
            end -= 1
    if any(_is_word_char(c) for c in text[start:end]):
        return start, end
    return None


def split_words(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans of the words of ``text[start:end]``, as offsets into ``text``.

    A word is a run of non-whitespace characters without the punctuation
    around it. Hyphenated words, contractions, handles, hashtags, URLs and
    ``1/6`` stay whole; a dash standing alone is not a word, and an unspaced
    em dash or ellipsis separates two words.
    """
    stop = len(text) if end is None else max(0, min(end, len(text)))
    begin = max(0, min(start, stop))
    spans: list[tuple[int, int]] = []
    for match in _TOKEN.finditer(text, begin, stop):
        pieces: list[tuple[int, int]] = []
        if looks_like_url(match.group()):
            pieces.append(match.span())
        else:
            piece_start = match.start()
            for inner in _INNER_BREAK.finditer(text, match.start(), match.end()):
                pieces.append((piece_start, inner.start()))
                piece_start = inner.end()
            pieces.append((piece_start, match.end()))
        for piece_start, piece_end in pieces:
            span = _trimmed(text, piece_start, piece_end)
            if span is not None:
                spans.append(span)
    return spans
