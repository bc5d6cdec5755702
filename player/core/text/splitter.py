"""Sentence and word splitting of displayed text.

The player speaks and highlights one sentence at a time and one word at a time,
so both splitters return character spans (start, end-exclusive) into the text
they are given instead of copies: a view can map a span straight onto what it
shows, and the text itself is never altered (stories are displayed verbatim).

Sentence rules, for prose and social media posts. Which words are abbreviations
and which words often start a sentence depend on the language given (the story's
``language`` header); the lists are in :mod:`player.core.text.sentence_rules`.

* A sentence ends after ``.``, ``!``, ``?``, ``‽`` or an ellipsis, including
  any closing quotes or brackets that follow (``prison.”``, ``(like this.)``)
  and a period placed after a closing quote (``“family first”.``).
* It only ends there if the next word can start a sentence: a word that starts
  with a lowercase letter, or with ``,;:`` and the like, continues the sentence
  (``“Help!” she cried``, ``Wait... what?``).
* Abbreviations that never end a sentence (``Dr.``, ``e.g.``, ``z. B.``) never
  split; ``No.``, ``p.``, ``Fig.`` and month abbreviations do not split before
  a number; abbreviations that often end a sentence (``U.S.``, ``a.m.``,
  ``etc.``, ``Inc.``) and single-letter initials split only before a frequent
  sentence starter of the language (``The``, ``He``, ``But``...), so ``U.S.
  Army`` and ``George W. Bush`` stay whole; after ``6 p.m.`` a title such as
  ``Mr.`` starts a sentence too, unless the time opens the sentence.
* Omissions are not ends: ``[...]``, ``(!)``, and a spaced ``. . .`` after a
  word; a period glued to a word and then a spaced ``. . .`` ends the sentence
  and the ellipsis opens the next one.
* The numbers of a list written on one line (``1. … 2. …``, ``a) … b)``)
  start a sentence each, and a number starting the text or a line starts one.
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
from collections.abc import Iterable, Iterator

from player.core.text.sentence_rules import SentenceRules, rules_for

__all__ = ["looks_like_url", "split_at_tokens", "split_sentences", "split_words", "word_spans"]

_TOKEN = re.compile(r"\S+")

_TERMINALS = frozenset(".!?…‽")
_STRONG_TERMINALS = frozenset("!?‽")
_CLOSERS = frozenset("\"'”’»›)]}")
_TRAIL_CHARS = _TERMINALS | _CLOSERS
_OPENERS = "\"'“‘„‚«‹([{¿¡"
# A token starting with one of these belongs to the sentence before it.
_NO_SPLIT_BEFORE = frozenset(",;:.!?…‽”’»›)]}")
_LINE_LEADS = frozenset("—–―•⁃‣◦▪")
_LINE_LEAD_TOKENS = frozenset({"-", "--", "*"})
_LINE_BREAK = re.compile(r"\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
# Whether there is a line break at all: one character class, searched faster.
_ANY_BREAK = re.compile(r"[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
# A token and the tokens after it made only of closing quotes or final punctuation.
_UNIT_ONE_LINE = re.compile(r"(\S+)(\s+[.!?…‽\"'”’»›)\]}]+(?!\S))*")
# What the one-line splitter does not take: a line break, a token of closers only after
# another, a list number; more than these at times (where the unit by unit splitter gives
# the same), so that every alternative starts with whitespace and the regex engine skips
# to the next whitespace character at once. A list number opening the text is asked apart.
_LIST_NUMBER = r"[•⁃‣◦▪]?(?:\d{1,2}|[a-z])(?:\.\)?|\))(?!\S)"
_NOT_ONE_LINE = re.compile(
    rf"[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]|\s(?:[.!?…‽\"'”’»›)\]}}]+(?!\S)|{_LIST_NUMBER})"
)
_OPENING_LIST_NUMBER = re.compile(rf"\s*{_LIST_NUMBER}")
# A token ending in final punctuation, maybe with closers after it: only such a token can
# end a sentence (see _ends_sentence).
_MAY_END = re.compile(r"(?<!\S)\S*[.!?…‽][.!?…‽\"'”’»›)\]}]*(?!\S)")
# The token after a position.
_NEXT_TOKEN = re.compile(r"\s+(\S+)")


_LETTERS = re.compile(r"[^\W\d_]+")
_DOTTED = re.compile(r"(?:[^\W\d_]\.)+[^\W\d_]")
# One part of an abbreviation written with spaces ("z." of "z. B.", "i." of "i. d. R.").
_ABBREVIATION_PART = re.compile(r"[^\W\d_]{1,4}\.")
# "1.", "2.)", "3)", "a.", "•9." standing alone: a list item's number.
_LIST_MARKER = re.compile(r"[•⁃‣◦▪]?(?:(\d{1,2})|([a-z]))(\.\)?|\))")
_BULLETS = frozenset("•⁃‣◦▪")
# A spaced three-dot ellipsis after a word ("is . . . I"): an omission, not an end.
_OMISSION = re.compile(r"[^\s.][ \t]+\.[ \t]+\.[ \t]+\.\Z")
# A period glued to a word and then a spaced ellipsis ("compounds. . . . The"): the
# period ends the sentence and the ellipsis opens the next one.
_PERIOD_THEN_OMISSION = re.compile(r"[^\W_]\.(?=[ \t]+\.[ \t]+\.[ \t]+\.\Z)")

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
_NOT_PLAIN = (-1, -1)  # the span of a group that did not match
# A token holding one word of letters and digits (group 1), maybe with single hyphens,
# colons, commas or slashes inside, and only quotes, brackets and common punctuation around
# it, which trimming would give just the same ("2018," "José" "10:30" "(1/6)"). No dot
# inside, so never a web address.
_ALNUM_WORD = re.compile(r"[\"'“‘(\[]*([^\W_]+(?:[-:,/][^\W_]+)*)[\"'”’)\].,;:!?]*")
# A token of dashes, quotes, brackets and common punctuation only: it holds no word.
_NO_WORD = re.compile(r"[-—–―.,;:!?…\"'“”‘’()\[\]]+")
# A token holding one plain word (group 1), which trimming would give just the same;
# anything else is one whole token for the general rules. Never a web address: no
# "://", "/" or "www." followed by more.
_WORD = re.compile(
    r"[\"'“‘(\[]*(?![wW]{3}\.\S)([A-Za-z]+(?:['’-][A-Za-z]+)*)[\"'”’)\].,;:!?]*(?!\S)|\S+"
)


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


def _is_starter(word: str, rules: SentenceRules) -> bool:
    match = _LETTERS.match(word)
    return match is not None and match.group() in rules.starters


def _is_title(word: str, rules: SentenceRules) -> bool:
    match = _LETTERS.match(word)
    return (
        match is not None
        and word[match.end() : match.end() + 1] == "."
        and match.group().lower() in rules.titles
    )


class _Context:
    """What the words before a period say about it."""

    __slots__ = ("opening", "prefix", "rules")

    def __init__(self, rules: SentenceRules) -> None:
        self.rules = rules
        # The abbreviation parts just before, as in "z." before "B." ("z.").
        self.prefix = ""
        # Whether the sentence so far is a short opening phrase ("At 5 a.m.").
        self.opening = True


def _period_ends(core: str, word: str, context: _Context) -> bool:
    """Whether a single period after ``core`` ends the sentence, given the
    next ``word`` (its opening quotes and brackets removed)."""
    lower_next = word[:1].islower()
    if not core:
        return not lower_next
    rules = context.rules
    key = core.lower()
    compound = context.prefix + key
    letters = _LETTERS.match(word)
    if letters is not None and f"{compound}.{letters.group().lower()}" in rules.continuations:
        return False  # "z." before "B."
    if key in rules.never_end or compound in rules.never_end:
        return False
    if key in rules.before_number or key in rules.months:
        if word[:1].isdigit():
            return False
        if key in rules.months:
            return _is_starter(word, rules)
    if key in rules.may_end or compound in rules.may_end or _DOTTED.fullmatch(core):
        # "at 6 P.M. Mr. Smith" starts anew, "At 5 a.m. Mr. Smith went" does not.
        return _is_starter(word, rules) or (not context.opening and _is_title(word, rules))
    if len(core) == 1 and core.isupper():
        # An initial, as in "J. K. Rowling"; "plan B. The" still splits.
        return _is_starter(word, rules)
    if rules.ordinal_numbers and core.isdigit():
        return _is_starter(word, rules)  # "am 3. Oktober"
    # A lowercase word after a period mostly means an unknown abbreviation.
    return not lower_next


def _ends_sentence(unit: str, following: str, context: _Context) -> bool:
    """Whether the sentence ends after ``unit`` (a token and any closers glued
    to it), given the ``following`` token."""
    trail = len(unit)
    while trail > 0 and unit[trail - 1] in _TRAIL_CHARS:
        trail -= 1
    marks = [c for c in unit[trail:] if c in _TERMINALS]
    if not marks or following[0] in _NO_SPLIT_BEFORE:
        return False
    if trail > 0 and unit[trail - 1] in "[(":
        return False  # "[...]", "(!)": an omission or a comment inside the sentence
    word = following.lstrip(_OPENERS)
    if len(marks) > 1 or "…" in marks or _STRONG_TERMINALS.intersection(marks):
        return not word[:1].islower()
    return _period_ends(unit[:trail].lstrip(_OPENERS), word, context)


def _units(text: str) -> list[tuple[int, int, str]]:
    """The tokens of ``text``, each with any following tokens made only of closing
    quotes or final punctuation ("Wait . . . what", "prison. ”"), which belong to it."""
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
    return units


def _units_one_line(text: str) -> list[tuple[int, int, str]]:
    """What :func:`_units` gives for a text without line breaks, where no gap is a blank
    line: the regex engine joins the trailing tokens, so Python sees each unit once."""
    units = []
    for match in _UNIT_ONE_LINE.finditer(text):
        joined = match.group()
        if match.lastindex == 2:  # trailing tokens joined, with whitespace between
            joined = "".join(joined.split())
        units.append((match.start(), match.end(), joined))
    return units


def _ends_with_terminal(unit: str) -> bool:
    trail = unit.rstrip("".join(_CLOSERS))
    return bool(trail) and trail[-1] in _TERMINALS


def _may_open_list(
    units: list[tuple[int, int, str]], index: int, text: str, rules: SentenceRules
) -> bool:
    """Whether a list's first number may stand at ``units[index]``: at the start of
    the text or a line, after a bullet or a colon, or after the end of a sentence (but
    not after "No. 1.")."""
    if index == 0:
        return True
    _, end, before = units[index - 1]
    if before in _BULLETS or before.endswith(":") or _LINE_BREAK.search(text, end, units[index][0]):
        return True
    if not _ends_with_terminal(before):
        return False
    core = before.rstrip("".join(_TRAIL_CHARS)).lower()
    return core not in rules.before_number and core not in rules.months


def _list_markers(
    units: list[tuple[int, int, str]], text: str, rules: SentenceRules, has_breaks: bool
) -> set[int]:
    """Indexes of the units that number the items of a list ("1. ... 2. ...",
    "a) ... b) ..."): two or more numbers in sequence within a paragraph, the first at a
    place where a list may start, or one number starting the text or a line."""
    marked: set[int] = set()
    chains: dict[tuple[bool, str], tuple[list[int], int]] = {}

    def close_all() -> None:
        for chain, _ in chains.values():
            if len(chain) >= 2:
                marked.update(chain)
        chains.clear()

    # Without line breaks no paragraph ends inside the text, and only the units that look
    # like a number need a look.
    fullmatch = _LIST_MARKER.fullmatch
    indexes: range | list[int] = (
        range(len(units))
        if has_breaks
        else [i for i, unit in enumerate(units) if len(unit[2]) <= 5 and fullmatch(unit[2])]
    )
    for index in indexes:
        start, _, joined = units[index]
        if has_breaks and index and _is_blank_line(text[units[index - 1][1] : start]):
            close_all()
        match = fullmatch(joined)
        if match is None:
            continue
        digits, letter, suffix = match.groups()
        value = int(digits) if digits else ord(letter)
        style = (digits is None, suffix)
        chain = chains.get(style)
        if chain is not None and chain[1] == value:
            chain[0].append(index)
            chains[style] = (chain[0], value + 1)
        elif _may_open_list(units, index, text, rules):
            if chain is not None and len(chain[0]) >= 2:
                marked.update(chain[0])
            chains[style] = ([index], value + 1)
            if index == 0 or _LINE_BREAK.search(text, units[index - 1][1], start):
                marked.add(index)  # a numbered paragraph or line needs no second item
    close_all()
    return marked


def split_sentences(text: str, language: str = "en") -> list[tuple[int, int]]:
    """Spans of the sentences of ``text``, in order, by the rules of ``language``
    (a language tag such as ``en``, ``es`` or ``de-AT``).

    Each span excludes surrounding whitespace; together they cover every
    non-whitespace character of ``text``. Empty or blank text gives ``[]``.
    """
    if _NOT_ONE_LINE.search(text) is None and _OPENING_LIST_NUMBER.match(text) is None:
        return _split_one_line(text, rules_for(language))
    return _split_units(text, rules_for(language), _ANY_BREAK.search(text) is not None)


def _split_units(text: str, rules: SentenceRules, has_breaks: bool) -> list[tuple[int, int]]:
    """:func:`split_sentences` for any text, unit by unit (``has_breaks``: whether the
    text holds a line break)."""
    units = _units(text) if has_breaks else _units_one_line(text)
    if not units:
        return []
    context = _Context(rules)

    # A list item's number belongs to the item (and a bullet before it too): the
    # sentence breaks before them and never after.
    break_before: set[int] = set()
    keep_after: set[int] = set()
    for index in _list_markers(units, text, rules, has_breaks):
        keep_after.add(index)
        if index and units[index - 1][2] in _BULLETS:
            keep_after.add(index - 1)
            break_before.add(index - 1)
        else:
            break_before.add(index)

    # Only a unit ending in final punctuation or a closer, or next to a list number, can
    # end a sentence; where no line breaks the others, only those are looked at.
    last = len(units) - 1
    if has_breaks:
        indexes: range | list[int] = range(last)
    else:
        marked = keep_after | {index - 1 for index in break_before}
        indexes = [i for i, unit in enumerate(units) if unit[2][-1] in _TRAIL_CHARS or i in marked]
        if indexes and indexes[-1] == last:
            indexes.pop()
    spans: list[tuple[int, int]] = []
    sentence_start = units[0][0]
    first = 0  # the index of the sentence's first unit
    previous = -1
    for index in indexes:
        start, end, current = units[index]
        next_start, _, following = units[index + 1]
        if index != previous + 1:
            context.prefix = ""  # the units skipped are no abbreviation parts
        previous = index
        context.opening = index - first + 1 <= 3
        gap = text[end:next_start] if has_breaks else ""
        if (
            has_breaks and (_is_blank_line(gap) or _starts_line_item(gap, following))
        ) or index + 1 in break_before:
            ends = True
        elif index in keep_after:
            ends = False
        elif end - start > len(current) and current.endswith("."):
            # Dots spaced out as separate tokens: an ellipsis in a quotation.
            glued = _PERIOD_THEN_OMISSION.search(text, start, end)
            if glued is not None and not following.lstrip(_OPENERS)[:1].islower():
                if following[0] not in _NO_SPLIT_BEFORE:
                    spans.append((sentence_start, glued.end()))
                    sentence_start = text.index(".", glued.end(), end)
                    first = index
                ends = False
            elif _OMISSION.search(text, start, end):
                ends = False
            else:
                ends = _ends_sentence(current, following, context)
        else:
            ends = _ends_sentence(current, following, context)
        if ends:
            spans.append((sentence_start, end))
            sentence_start = next_start
            first = index + 1
        # Keep the last two parts, enough for "i. d. R.".
        if _ABBREVIATION_PART.fullmatch(current):
            parts = context.prefix.split(".")[-2:-1]
            context.prefix = "".join(f"{part}." for part in parts) + current.lower()
        else:
            context.prefix = ""
    spans.append((sentence_start, units[-1][1]))
    return spans


def _split_one_line(text: str, rules: SentenceRules) -> list[tuple[int, int]]:
    """What :func:`split_sentences` gives for a text without line breaks, list numbers or
    tokens made only of closing quotes or final punctuation (most paragraphs), where each
    unit is one token and only a token ending in final punctuation (and closers) can end a
    sentence: the regex engine finds those, and Python looks at them alone."""
    if not text or text.isspace():
        return []
    return split_at_tokens(text, rules, _tokens_that_may_end(text))


def _tokens_that_may_end(text: str) -> Iterator[tuple[int, int, int, int]]:
    for match in _MAY_END.finditer(text):
        after = _NEXT_TOKEN.match(text, match.end())
        if after is None:
            return  # the last token: the text's end ends the sentence anyway
        yield match.start(), match.end(), after.start(1), after.end(1)


def split_at_tokens(
    text: str, rules: SentenceRules, tokens: Iterable[tuple[int, int, int, int]]
) -> list[tuple[int, int]]:
    """The sentences of ``text`` (not blank) as :func:`_split_one_line` finds them, given
    the start and end of each token ending in final punctuation (and closers) but the last
    token, in order, with the start and end of the token after it. For a text without
    line breaks, list numbers or tokens made only of closing quotes or final punctuation,
    where each unit is one token."""
    sentence_start = len(text) - len(text.lstrip())
    spans: list[tuple[int, int]] = []
    context = _Context(rules)
    previous = -1  # where the token after the last one looked at starts
    for start, end, next_start, next_end in tokens:
        current = text[start:end]
        following = text[next_start:next_end]
        if start != previous:
            context.prefix = ""  # the tokens skipped are no abbreviation parts
        previous = next_start
        # Whether the sentence so far is a short opening phrase (three tokens at most):
        # only a period's rules ask.
        if "." in current:
            context.opening = len(text[sentence_start:end].split(None, 3)) <= 3
        if _ends_sentence(current, following, context):
            spans.append((sentence_start, end))
            sentence_start = next_start
        # Keep the last two parts, enough for "i. d. R.".
        if _ABBREVIATION_PART.fullmatch(current):
            parts = context.prefix.split(".")[-2:-1]
            context.prefix = "".join(f"{part}." for part in parts) + current.lower()
        else:
            context.prefix = ""
    spans.append((sentence_start, sentence_start + len(text[sentence_start:].rstrip())))
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


def _token_words(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The words of the token ``text[start:end]``, by the rules of :func:`split_words`."""
    pieces: list[tuple[int, int]] = []
    if looks_like_url(text[start:end]):
        pieces.append((start, end))
    else:
        piece_start = start
        for inner in _INNER_BREAK.finditer(text, start, end):
            pieces.append((piece_start, inner.start()))
            piece_start = inner.end()
        pieces.append((piece_start, end))
    spans = []
    for piece_start, piece_end in pieces:
        span = _trimmed(text, piece_start, piece_end)
        if span is not None:
            spans.append(span)
    return spans


def word_spans(text: str, begin: int, stop: int) -> tuple[list[tuple[int, int]], list[int]]:
    """The spans of :func:`split_words` over ``text[begin:stop]`` and the indexes of the
    words that are not plain.

    A plain word is ASCII letters, with single apostrophes or hyphens between them, and
    only quotes, brackets and common punctuation around it in its token: most words of
    prose. The regex engine finds and trims them; other tokens take the general rules. A
    plain word is never part of a web address and is said as written (with ``’`` as
    ``'``), which :mod:`player.core.text.spoken` relies on.
    """
    matches = list(_WORD.finditer(text, begin, stop))
    # Group 1's span, (-1, -1) for a token that is not one plain word: up to the first
    # such token the spans are these, found without a loop in Python.
    spans = [match.span(1) for match in matches]
    if _NOT_PLAIN not in spans:
        return spans, []
    first_other = spans.index(_NOT_PLAIN)
    del spans[first_other:]
    irregular: list[int] = []
    for match in matches[first_other:]:
        if match.lastindex:
            spans.append(match.span(1))
        else:
            first = len(spans)
            alnum = _ALNUM_WORD.fullmatch(text, match.start(), match.end())
            if alnum is not None and alnum.group(1).lower() != "www":
                spans.append(alnum.span(1))
            elif _NO_WORD.fullmatch(text, match.start(), match.end()) is None:
                spans.extend(_token_words(text, match.start(), match.end()))
            irregular.extend(range(first, len(spans)))
    return spans, irregular


def split_words(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans of the words of ``text[start:end]``, as offsets into ``text``.

    A word is a run of non-whitespace characters without the punctuation
    around it. Hyphenated words, contractions, handles, hashtags, URLs and
    ``1/6`` stay whole; a dash standing alone is not a word, and an unspaced
    em dash or ellipsis separates two words.
    """
    stop = len(text) if end is None else max(0, min(end, len(text)))
    begin = max(0, min(start, stop))
    return word_spans(text, begin, stop)[0]
