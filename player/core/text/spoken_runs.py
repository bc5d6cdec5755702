"""The spoken text and word spans of every sentence of a block, as the story loader needs
them, with the regex engine and C builtins doing the work for plain words.

:func:`player.core.text.spoken.spoken_spans` defines the result, one sentence at a time;
this gives the same result (``tests/core/text/test_spoken_runs.py`` compares them). A
story has about 150,000 words per megabyte, and most are plain: ASCII letters with single
apostrophes or hyphens inside and only quotes, brackets and common punctuation around
them, said as written. One split of the block's text by the regex engine finds them and,
measured by C builtins, gives their offsets; only the other tokens (amounts, addresses,
handles, emoji, abbreviations...) go through the word rules, one at a time, and only the
words the rules may change by context are looked at one at a time. A sentence whose words
are all said as written is its words joined by what its gaps say, by C builtins too.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from itertools import accumulate, chain, compress

from player.core.text import normalize
from player.core.text.lexicon import block_matches, replace_matches
from player.core.text.sentence_rules import SentenceRules, rules_for
from player.core.text.splitter import _ANY_BREAK, split_at_tokens, split_sentences, word_spans
from player.core.text.spoken import (
    _END_GAPS,
    _MIDDLE_GAPS,
    Piece,
    _emoji_edges,
    _photo_number,
    _rewrite_in_context,
    _speak_gap,
    _speak_word,
    say_pieces,
)

__all__ = ["block_sentences", "block_spoken", "plain_sentences", "word_bounds"]

# A plain word: ASCII letters, single apostrophes or hyphens between them.
_PLAIN = r"[A-Za-z]+(?:['’-][A-Za-z]+)*"
# A token holding one plain word that is not a web address's start, with only what
# splitter.word_spans trims around it: the tokens word_spans finds plain (its _WORD).
_TOKEN = rf"[\"'“‘(\[]*(?![wW]{{3}}\.\S){_PLAIN}[\"'”’)\].,;:!?]*(?!\S)"
# Any other token: its words come from the word rules.
# (Group 1 after a whitespace character, so that the regex engine skips to those; the
# text's first token is asked apart.)
_ODD = re.compile(rf"\s(?!{_TOKEN})(\S+)")
_FIRST_ODD = re.compile(rf"(?!{_TOKEN})(\S+)")
_SPLIT = re.compile(f"({_PLAIN})")
_PERIOD = re.compile(r"\.")

#: what is said for a gap between two words (the commonest first, others as met)
_SAID_GAPS: dict[str, str] = {" ": " ", **_MIDDLE_GAPS}

#: (tokens, language) -> their words' bounds from the tokens' start and the forms the
#: rules give them (None: as displayed). The words of tokens that are not plain
#: (amounts, handles, abbreviations...) depend on nothing around the tokens.
_ODD_WORDS: dict[tuple[str, str], tuple[list[int], list[str | None]]] = {}

#: one sentence: its spoken text, its words' displayed bounds (start, end, start, ...),
#: and their spoken bounds, or the one amount that moves every displayed span onto it
Spoken = tuple[str, list[int], "list[int] | int"]


def _said(gaps: list[str]) -> list[str]:
    """What is said for each gap between two words inside a sentence."""
    said = list(map(_SAID_GAPS.get, gaps))
    if None in said:
        if len(_SAID_GAPS) > 4096:
            _SAID_GAPS.clear()  # another thread may be reading: it has what it took
            _SAID_GAPS.update({" ": " ", **_MIDDLE_GAPS})
        for n, form in enumerate(said):
            if form is None:
                said[n] = _SAID_GAPS[gaps[n]] = _speak_gap(gaps[n], "middle")
    return said  # type: ignore[return-value]


def _odd_words(tokens: str, language: str, lang: str) -> tuple[list[int], list[str | None]]:
    """The words of ``tokens`` (not plain) by the word rules, and their forms."""
    key = (tokens, language)
    known = _ODD_WORDS.get(key)
    if known is None:
        spans, odd = word_spans(tokens, 0, len(tokens))
        said: list[str | None] = [None] * len(spans)
        # Spaces around, as in a sentence: a photo number's brackets are in its token.
        padded = f" {tokens} "
        for n in odd:
            s, e = spans[n]
            photo = _photo_number(padded, s + 1, e + 1, 0, len(padded), language)
            said[n] = photo or _speak_word(tokens[s:e], lang)
        known = ([bound for span in spans for bound in span], said)
        if len(_ODD_WORDS) >= 8192:
            _ODD_WORDS.clear()
        _ODD_WORDS[key] = known
    return known


class _Block:
    """A block's words: ``parts`` alternates gaps and words (gap, word, gap, ..., word,
    gap), ``bounds`` holds each word's start and end, ``forms`` the words the rules say
    otherwise than displayed; ``plain``: whether every token holds one plain word."""

    __slots__ = ("bounds", "forms", "gaps", "odd", "parts", "plain", "said", "starts", "text")

    def __init__(self, text: str, language: str, lang: str) -> None:
        self.text = text
        parts = _SPLIT.split(text)
        self.forms: dict[int, str] = {}
        self.odd: list[int] = []
        self.plain = _all_plain(text, parts)
        regions = [] if self.plain else _regions(text)
        if regions:
            parts = self._with_odd(parts, regions, language, lang)
        self.parts = parts
        offsets = list(accumulate(map(len, parts)))
        del offsets[-1]
        self.bounds = offsets
        self.starts = offsets[0::2]
        self.gaps = parts[2:-1:2]
        self.said = _said(self.gaps)

    def _with_odd(
        self, parts: list[str], regions: list[tuple[int, int]], language: str, lang: str
    ) -> list[str]:
        """``parts`` with the letters found inside tokens that are not plain replaced by
        those tokens' words."""
        text = self.text
        offsets = list(accumulate(map(len, parts)))
        starts = offsets[0:-1:2]
        count = len(starts)
        out: list[str] = []
        last = 0
        for low, high in regions:
            first = bisect_left(starts, low)
            stop = bisect_left(starts, high)
            out += parts[last : 2 * first]
            before = offsets[2 * first - 1] if first else 0
            after = offsets[2 * stop] if stop < count else len(text)
            relative, said = _odd_words(text[low:high], language, lang)
            at = before
            index = len(out) >> 1
            for n in range(0, len(relative), 2):
                s, e = low + relative[n], low + relative[n + 1]
                out.append(text[at:s])
                out.append(text[s:e])
                at = e
            out.append(text[at:after])
            for form in said:
                if form is not None:
                    self.forms[index] = form
                    self.odd.append(index)
                index += 1
            last = 2 * stop + 1
        out += parts[last:]
        return out


# Around plain words: what may come before a token's word, between two tokens' words,
# after a token's word (see _TOKEN).
_LEADING = re.compile(r"[\"'“‘(\[]*")
_BETWEEN = re.compile(r"[\"'”’)\].,;:!?]*\s+[\"'“‘(\[]*")
_TRAILING = re.compile(r"[\"'”’)\].,;:!?]*")
_WWW = re.compile(r"[wW]{3}\.\S")
#: the gaps between letters met so far, and whether plain tokens' words may have them
_GAPS_OK: dict[str, bool] = {}


def _all_plain(text: str, parts: list[str]) -> bool:
    """Whether every token of ``text`` (stripped; ``parts``, split at letters) holds one plain
    word: whether each gap between letters is one that plain tokens make (most blocks of
    prose), looked up once per different gap, without a look at every token."""
    if _LEADING.fullmatch(parts[0]) is None or _TRAILING.fullmatch(parts[-1]) is None:
        return False
    for gap in set(parts[2:-1:2]):
        ok = _GAPS_OK.get(gap)
        if ok is None:
            if len(_GAPS_OK) >= 4096:
                _GAPS_OK.clear()
            ok = _GAPS_OK[gap] = _BETWEEN.fullmatch(gap) is not None
        if not ok:
            return False
    return _WWW.search(text) is None


def _regions(text: str) -> list[tuple[int, int]]:
    """The spans of runs of tokens that are not plain, with no plain word between."""
    regions: list[tuple[int, int]] = []
    first = _FIRST_ODD.match(text)
    for match in chain((first,) if first else (), _ODD.finditer(text)):
        low, high = match.span(1)
        if regions and (regions[-1][1] == low or text[regions[-1][1] : low].isspace()):
            regions[-1] = (regions[-1][0], high)
        else:
            regions.append((low, high))
    return regions


# Of a gap between two plain tokens' words (trailing marks, whitespace, leading marks):
# what ends the first token, after its word: final punctuation, maybe with closers (as
# splitter._MAY_END takes a token), and trailing marks that make it a list's number ("a.").
_ENDS_TOKEN = re.compile(r"[.!?…‽][.!?…‽\"'”’»›)\]}]*\Z")
_LIST_TRAILS = frozenset((".", ".)", ")"))
_ONE_LETTER = frozenset("abcdefghijklmnopqrstuvwxyz")
#: gap -> (its leading marks' length, its trailing marks' length, whether the token before
#: it may end a sentence, whether it may make a list's number of a one-letter word), or
#: None for a gap holding a line break
_GAP_SPLITS: dict[str, tuple[int, int, bool, bool] | None] = {}


def _gap_split(gap: str) -> tuple[int, int, bool, bool] | None:
    if _ANY_BREAK.search(gap) is not None:
        return None
    trail = gap.split(None, 1)[0] if not gap[0].isspace() else ""
    lead = gap.rsplit(None, 1)[-1] if not gap[-1].isspace() else ""
    return len(lead), len(trail), _ENDS_TOKEN.search(trail) is not None, trail in _LIST_TRAILS


def plain_sentences(block: _Block, rules: SentenceRules) -> list[tuple[int, int]] | None:
    """What :func:`~player.core.text.splitter.split_sentences` gives for a block whose
    every token holds one plain word (``block.plain``), from the block's words: each token
    is its word with the gaps' marks beside it, and only a token whose trailing marks hold
    final punctuation can end a sentence, as the one-line splitter has it. None for a
    block that splitter does not take (a line break, a list's number such as "a)")."""
    parts = block.parts
    gaps = block.gaps
    count = len(block.starts)
    if not count:
        return None
    ending: set[str] = set()
    listed: set[str] = set()  # ".", ".)" or ")" after a word: maybe a list's number
    # (the block's own, the shared cache being cleared at times, maybe by another thread)
    splits: dict[str, tuple[int, int, bool, bool]] = {}
    for gap in set(gaps):
        split = _GAP_SPLITS.get(gap)
        if split is None:
            if len(_GAP_SPLITS) >= 4096:
                _GAP_SPLITS.clear()
            split = _GAP_SPLITS[gap] = _gap_split(gap)
            if split is None:
                return None  # a line break
        splits[gap] = split
        if split[2]:
            ending.add(gap)
        if split[3]:
            listed.add(gap)
    # A one-letter word with nothing before it and ".", ".)" or ")" after it is a list's
    # number, which the splitter of units handles.
    if (
        parts[-1] in _LIST_TRAILS
        and parts[-2] in _ONE_LETTER
        and _lead(parts, gaps, splits, count - 1) == 0
    ):
        return None
    if listed:
        for n in compress(range(count - 1), map(listed.__contains__, gaps)):
            if parts[2 * n + 1] in _ONE_LETTER and _lead(parts, gaps, splits, n) == 0:
                return None
    return split_at_tokens(block.text, rules, _tokens_that_may_end(block, splits, ending))


def _tokens_that_may_end(
    block: _Block, splits: dict[str, tuple[int, int, bool, bool]], ending: set[str]
) -> Iterator[tuple[int, int, int, int]]:
    """What :func:`~player.core.text.splitter.split_at_tokens` needs of a plain block:
    its tokens whose trailing marks are in ``ending``, and the tokens after them."""
    parts = block.parts
    gaps = block.gaps
    bounds = block.bounds
    last = len(gaps)  # the last word's index
    for n in compress(range(last), map(ending.__contains__, gaps)):
        lead, trail, _, _ = splits[gaps[n]]
        trail_after = len(parts[-1]) if n + 1 == last else splits[gaps[n + 1]][1]
        yield (
            bounds[2 * n] - _lead(parts, gaps, splits, n),
            bounds[2 * n + 1] + trail,
            bounds[2 * n + 2] - lead,
            bounds[2 * n + 3] + trail_after,
        )


def _lead(
    parts: list[str], gaps: list[str], splits: dict[str, tuple[int, int, bool, bool]], n: int
) -> int:
    """The length of the marks before word ``n`` in its token."""
    return len(parts[0]) if n == 0 else splits[gaps[n - 1]][0]


class _Pairs:
    """Word ``n``'s displayed span, counting from a sentence's first word."""

    __slots__ = ("bounds", "count", "first")

    def __init__(self, bounds: list[int], first: int, count: int) -> None:
        self.bounds = bounds
        self.first = first
        self.count = count

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, n: int) -> tuple[int, int]:
        if n < 0:
            n += self.count
        at = 2 * (self.first + n)
        return self.bounds[at], self.bounds[at + 1]


class _Forms:
    """Word ``n``'s spoken form, counting from a sentence's first word: the rules' where
    they said one, else as displayed (with ``’`` as ``'``)."""

    __slots__ = ("block", "first")

    def __init__(self, block: _Block, first: int) -> None:
        self.block = block
        self.first = first

    def __getitem__(self, n: int) -> str:
        n += self.first
        form = self.block.forms.get(n)
        if form is None:
            form = self.block.parts[2 * n + 1].replace("’", "'")
        return form

    def __setitem__(self, n: int, form: str) -> None:
        self.block.forms[self.first + n] = form


def word_bounds(text: str, language: str = "en") -> list[int]:
    """The start and end of each word of ``text`` one after the other, as
    :func:`~player.core.text.splitter.split_words` finds the words."""
    return _Block(text, language, normalize.language_of(language)).bounds


def block_sentences(
    text: str, lexicon: Sequence[tuple[str, str]] = (), *, language: str = "en"
) -> tuple[list[tuple[int, int]], list[Spoken]]:
    """The sentences of ``text``, as :func:`~player.core.text.splitter.split_sentences`
    gives them, and what :func:`block_spoken` gives for them. A block whose every token
    holds one plain word (most paragraphs of prose) is split by the words already found
    for its spoken text, without a pass of its own over the text."""
    lang = normalize.language_of(language)
    block = _Block(text, language, lang)
    spans = plain_sentences(block, rules_for(language)) if block.plain else None
    if spans is None:
        spans = split_sentences(text, language)
    return spans, _block_spoken(block, spans, lexicon, lang)


def block_spoken(
    text: str,
    spans: Sequence[tuple[int, int]],
    lexicon: Sequence[tuple[str, str]] = (),
    *,
    language: str = "en",
) -> list[Spoken]:
    """For each sentence ``text[start:end]`` of ``spans`` (in order, not overlapping, each
    starting and ending at a token's edge, as ``split_sentences`` gives them), what
    :func:`~player.core.text.spoken.spoken_spans` gives, flat: the spoken text, the words'
    displayed start and end offsets one after the other, and their spoken ones (-1, -1
    for a word not spoken), or, when every word's spoken span is its displayed one moved
    by one amount, that amount."""
    lang = normalize.language_of(language)
    return _block_spoken(_Block(text, language, lang), spans, lexicon, lang)


def _block_spoken(
    block: _Block, spans: Sequence[tuple[int, int]], lexicon: Sequence[tuple[str, str]], lang: str
) -> list[Spoken]:
    text = block.text
    starts = block.starts
    odd = block.odd
    dots: list[int] = []
    if "." in text:
        ends = block.bounds[1::2]
        for match in _PERIOD.finditer(text):
            n = bisect_left(ends, match.start())
            if n < len(ends) and ends[n] == match.start():
                dots.append(n)
    out: list[Spoken] = []
    for start, end in spans:
        first = bisect_left(starts, start)
        stop = bisect_left(starts, end)
        out.append(_sentence(block, start, end, first, stop, odd, dots, lang))
    if lexicon:
        for index, matches in block_matches([said[0] for said in out], lexicon):
            spoken, displayed, moved = out[index]
            if isinstance(moved, int):
                moved = [bound + moved for bound in displayed]
            out[index] = (replace_matches(spoken, moved, matches), displayed, moved)
    return out


def _sentence(
    block: _Block,
    start: int,
    end: int,
    first: int,
    stop: int,
    odd: list[int],
    dots: list[int],
    lang: str,
) -> Spoken:
    text = block.text
    bounds = block.bounds
    displayed = bounds[2 * first : 2 * stop]
    if first == stop:
        return "", displayed, []
    # Words the rules look at again with the words beside them (as spoken_spans does):
    # the words that are not plain, the words before them, and words before a period.
    if odd:
        odd_here = odd[bisect_left(odd, first) : bisect_left(odd, stop)]
        marked = [n - 1 for n in odd_here if n > first]
    else:
        odd_here, marked = [], []
    if dots:
        marked += dots[bisect_left(dots, first) : bisect_left(dots, stop)]
    if marked:
        # A plain word of letters only is said otherwise only before a number (a number
        # sign) or a period (an abbreviation): others need no look by the rules.
        parts = block.parts
        needed: list[int] = []
        for n in marked:
            word = parts[2 * n + 1]
            if n in odd_here or "’" in word or not word.isalpha():
                needed.append(n)
                continue
            e = bounds[2 * n + 1]
            last = n + 1 == stop
            if (
                not last
                and text[bounds[2 * n + 2]].isdigit()
                and normalize.number_sign(word, lang) is not None
            ) or (
                text[e : e + 1] == "." and normalize.abbreviation(word, lang, last=last) is not None
            ):
                needed.append(n)
        marked = needed
    if not marked and not odd_here:
        # Plain words only, none of them said otherwise: the commonest sentence.
        spoken, spoken_bounds = _run(block, first, stop, 0)
        return spoken + _end_gap(text[bounds[2 * stop - 1] : end]), displayed, spoken_bounds
    # A word the rules already said otherwise (a handle, an emoji, an address) is left
    # alone by the rules that look at the next word.
    forms = block.forms
    parts = block.parts
    marked = sorted({*(n for n in odd_here if forms[n] == parts[2 * n + 1]), *marked})
    quiet: set[int] = set()
    if marked:
        local = [n - first for n in marked]
        words = _Pairs(bounds, first, stop - first)
        quiet = _rewrite_in_context(text, words, _Forms(block, first), lang, local)
        quiet = {first + n for n in quiet}
    # Said one at a time: words said otherwise than displayed, or before a period that is
    # not said.
    special = [
        n for n in sorted(quiet.union(marked, odd_here)) if n in quiet or _said_apart(block, n)
    ]
    if not special:
        spoken, spoken_bounds = _run(block, first, stop, 0)
        return spoken + _end_gap(text[bounds[2 * stop - 1] : end]), displayed, spoken_bounds
    if not quiet:
        joined = _joined(block, first, stop, special)
        if joined is not None:
            spoken, spoken_bounds = joined
            return spoken + _end_gap(text[bounds[2 * stop - 1] : end]), displayed, spoken_bounds
    return _general(block, start, end, first, stop, special, quiet, displayed)


def _joined(
    block: _Block, first: int, stop: int, special: list[int]
) -> tuple[str, list[int]] | None:
    """The spoken text and spoken bounds of words ``first`` to ``stop`` - 1 when those in
    ``special`` are all said, none of them an emoji set off by pauses: every word and gap
    is then said in its place, joined by C builtins. None otherwise."""
    forms = block.forms
    parts = block.parts
    pieces = parts[2 * first + 1 : 2 * stop]
    pieces[1::2] = block.said[first : stop - 1]
    for n in special:
        form = forms[n]
        if not form or "’" in form:
            return None
        word = parts[2 * n + 1]
        if (ord(word[0]) > 0x7F or ord(word[-1]) > 0x7F) and any(_emoji_edges(word)):
            return None
        pieces[2 * (n - first)] = form
    spoken = "".join(pieces)
    # Only the displayed words can hold a curly apostrophe (said "'"); no form or gap does.
    if "’" in spoken:
        spoken = spoken.replace("’", "'")
    return spoken, list(accumulate(map(len, pieces), initial=0))


def _said_apart(block: _Block, n: int) -> bool:
    """Whether word ``n`` is said otherwise than displayed: it cannot be said with the
    words of a run. (An emoji, whose name is set off by pauses, is always said otherwise.)"""
    form = block.forms.get(n)
    return form is not None and form != block.parts[2 * n + 1].replace("’", "'")


def _run(block: _Block, first: int, stop: int, at: int) -> tuple[str, list[int] | int]:
    """The spoken text of words ``first`` to ``stop`` - 1, all said as displayed, and
    their spoken bounds from ``at`` (or the amount that moves the displayed ones there)."""
    gaps = block.gaps[first : stop - 1]
    said = block.said[first : stop - 1]
    if said == gaps:
        low, high = block.bounds[2 * first], block.bounds[2 * stop - 1]
        return block.text[low:high].replace("’", "'"), at - low
    pieces = block.parts[2 * first + 1 : 2 * stop]
    pieces[1::2] = said
    spoken = "".join(pieces).replace("’", "'")
    return spoken, list(accumulate(map(len, pieces), initial=at))


def _end_gap(rest: str) -> str:
    return _END_GAPS.get(rest) or _speak_gap(rest, "end")


def _general(
    block: _Block,
    start: int,
    end: int,
    first: int,
    stop: int,
    special: list[int],
    quiet: set[int],
    displayed: list[int],
) -> Spoken:
    """A sentence with words the rules say otherwise, or whose period is not said: runs
    of the others are said as displayed, those one at a time (as spoken_spans does)."""
    bounds = block.bounds
    forms = block.forms
    parts = block.parts
    pieces: list[Piece] = []
    low = first
    for n in special:
        if low < n:
            pieces.append((low, n, bounds[2 * low], bounds[2 * n - 1], None))
        form = forms.get(n)
        if form is None:
            form = parts[2 * n + 1].replace("’", "'")
        pieces.append((n, n + 1, bounds[2 * n], bounds[2 * n + 1], form))
        low = n + 1
    if low < stop:
        pieces.append((low, stop, bounds[2 * low], bounds[2 * stop - 1], None))
    if all(piece[4] == "" for piece in pieces):
        return "", displayed, [-1] * len(displayed)

    def say_run(low: int, high: int, at: int) -> tuple[str, list[int]]:
        form, moved = _run(block, low, high, at)
        if isinstance(moved, int):
            return form, list(map(moved.__add__, bounds[2 * low : 2 * high]))
        return form, moved

    spoken, spans = say_pieces(block.text, pieces, start, end, quiet, say_run)
    return spoken, displayed, spans
