"""The spoken text and word spans of a sentence as the story loader needs them, with the
regex engine doing the work for runs of plain words.

:func:`player.core.text.spoken.spoken_spans` defines the result; this gives the same
result (``tests/core/text/test_spoken_runs.py`` compares them), but a story has about
150,000 words per megabyte, and most of them are plain: ASCII letters with single
apostrophes or hyphens inside, said as written. A run of such words, one space and at
most one of ``,;:!?`` between them, is said as it is displayed, so its spoken text is a
copy and its words' spoken spans are the displayed ones moved by one amount. Such runs
are found, split into words and measured by the regex engine and C builtins; only the
other words (amounts, addresses, handles, emoji, abbreviations...) and the words next
to them go through the rules one at a time.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from itertools import accumulate

from player.core.text import normalize
from player.core.text.lexicon import lexicon_matches, replace_matches
from player.core.text.splitter import word_spans
from player.core.text.spoken import (
    _END_GAPS,
    _MIDDLE_GAPS,
    _emoji_edges,
    _photo_number,
    _rewrite_in_context,
    _speak_gap,
    _speak_word,
)

__all__ = ["spoken_words"]

# A plain word, as splitter.word_spans finds it (its _WORD), not a web address's start.
_W = r"(?![wW]{3}\.\S)[A-Za-z]+(?:['’-][A-Za-z]+)*"
# A token holding one plain word, with only quotes, brackets and common punctuation
# around it (what word_spans trims off such a token).
_TOKEN = rf"[\"'“‘(\[]*{_W}[\"'”’)\].,;:!?]*"
# Tokens that each hold one plain word, one space between them.
_RUN = re.compile(rf"(?<!\S){_TOKEN}(?: {_TOKEN})*(?!\S)")
# A run split at its words: what is around the first, the word, a gap, the next...
_SPLIT = re.compile(r"([A-Za-z]+(?:['’-][A-Za-z]+)*)")
#: what is said for a gap between two words of a run (the commonest, filled as met)
_SAID_GAPS: dict[str, str] = {" ": " ", **_MIDDLE_GAPS}


def _said_gaps(gaps: list[str]) -> list[str]:
    said = list(map(_SAID_GAPS.get, gaps))
    if None in said:
        if len(_SAID_GAPS) > 4096:
            _SAID_GAPS.clear()
            _SAID_GAPS[" "] = " "
        for gap in gaps:
            if gap not in _SAID_GAPS:
                _SAID_GAPS[gap] = _speak_gap(gap, "middle")
        said = list(map(_SAID_GAPS.__getitem__, gaps))
    return said  # type: ignore[return-value]


class _Pairs:
    """Word ``n``'s displayed span, from the flat list of bounds."""

    __slots__ = ("bounds",)

    def __init__(self, bounds: list[int]) -> None:
        self.bounds = bounds

    def __len__(self) -> int:
        return len(self.bounds) >> 1

    def __getitem__(self, n: int) -> tuple[int, int]:
        if n < 0:
            n += len(self.bounds) >> 1
        return self.bounds[2 * n], self.bounds[2 * n + 1]


class _Forms:
    """Word ``n``'s spoken form: set for the words the rules said, else as displayed
    (with ``’`` as ``'``)."""

    __slots__ = ("bounds", "curly", "said", "text")

    def __init__(self, text: str, bounds: list[int], curly: bool) -> None:
        self.text = text
        self.bounds = bounds
        self.curly = curly
        self.said: dict[int, str] = {}

    def __getitem__(self, n: int) -> str:
        said = self.said.get(n)
        if said is not None:
            return said
        form = self.text[self.bounds[2 * n] : self.bounds[2 * n + 1]]
        return form.replace("’", "'") if self.curly else form

    def __setitem__(self, n: int, form: str) -> None:
        self.said[n] = form


#: (first word, word after the last, the run split at its words or None) of a run of
#: plain words, or (word, word + 1, None) for a word said by the rules
_Item = tuple[int, int, "list[str] | None"]


def spoken_words(
    text: str,
    start: int,
    end: int,
    lexicon: Sequence[tuple[str, str]] = (),
    *,
    language: str = "en",
    lang: str = "",
) -> tuple[str, list[int], list[int] | int]:
    """What :func:`~player.core.text.spoken.spoken_spans` gives for ``text[start:end]``
    (a sentence, ``0 <= start <= end <= len(text)``), flat: the spoken text, the words'
    displayed start and end offsets one after the other, and their spoken ones (-1, -1
    for a word not spoken), or, when every word's spoken span is its displayed one moved
    by one amount, that amount. ``lang`` is ``language``'s primary language, if known."""
    lang = lang or normalize.language_of(language)
    bounds: list[int] = []
    items: list[_Item] = []
    forms = _Forms(text, bounds, text.find("’", start, end) >= 0)
    irregular: list[int] = []
    runs = False
    cursor = start
    for run in _RUN.finditer(text, start, end):
        low = run.start()
        if low > cursor:
            _others(text, cursor, low, language, lang, bounds, items, forms, irregular)
        first = len(bounds) >> 1
        parts = _SPLIT.split(run.group())
        # lead, word, gap, word, ..., word, trail: the offsets between them, less the
        # first and the last, are the words' bounds
        offsets = list(accumulate(map(len, parts), initial=low))
        del offsets[-1], offsets[0]
        bounds += offsets
        items.append((first, len(bounds) >> 1, parts))
        runs = True
        cursor = run.end()
    if cursor < end:
        _others(text, cursor, end, language, lang, bounds, items, forms, irregular)
    count = len(bounds) >> 1
    if not runs and not any(forms[n] for n in range(count)):
        return "", bounds, [-1] * len(bounds)

    # The rules that look at the next word, for the words they may change (as spoken_spans).
    marked = set(irregular)
    marked.update(n - 1 for n in irregular if n)
    dot = text.find(".", start, end)
    if dot >= 0:
        starts = bounds[0::2]
        while dot >= 0:
            n = bisect.bisect_left(starts, dot) - 1
            if n >= 0 and bounds[2 * n + 1] == dot:
                marked.add(n)
            dot = text.find(".", dot + 1, end)
    quiet: set[int] = set()
    if marked:
        before = len(forms.said)
        quiet = _rewrite_in_context(text, _Pairs(bounds), forms, lang, sorted(marked))
        if runs and (quiet or len(forms.said) > before):
            # A run's word said otherwise, or whose period is not said, is said alone.
            items = _apart(items, quiet.union(forms.said))

    out: list[str] = []
    length = 0
    spans: list[int] = []
    pending = ""  # the gaps around words not spoken, said with the next gap
    cursor = start
    started = False
    pause_after = False
    curly = forms.curly
    shift = 0
    uniform = True  # every spoken span is the displayed one plus shift
    for first, stop, parts in items:
        s = bounds[2 * first]
        between = text[cursor:s]
        if quiet and first - 1 in quiet and between.startswith("."):
            between = between[1:]  # an abbreviation's period: no pause, no "dot"
        run = stop - first > 1 or parts is not None
        if run:
            e = bounds[2 * stop - 1]
            form = text[s:e]
        else:
            e = bounds[2 * first + 1]
            form = forms[first]
        cursor = e
        if not form:
            pending += between + " "
            spans.append(-1)
            spans.append(-1)
            continue
        if pending:
            between = pending + between
            pending = ""
        if not started:
            said = ""
            started = True
        elif between == " ":
            said = " "
        else:
            said = _MIDDLE_GAPS.get(between) or _speak_gap(between, "middle")
        if run:
            # Plain ASCII letters at both ends: no emoji, but one may come just before.
            if pause_after and said == " ":
                said = ", "
            pause_after = False
        elif pause_after or ord(text[s]) > 0x7F or ord(text[e - 1]) > 0x7F:
            pause_before, after = _emoji_edges(text[s:e])
            if said == " " and (pause_after or pause_before):
                said = ", "  # an emoji's name is set off from the words around it
            pause_after = after
        out.append(said)
        length += len(said)
        if run:
            if stop - first > 1:
                if parts is None or len(parts) != 2 * (stop - first) + 1:
                    parts = _SPLIT.split(form)
                gaps = parts[2:-2:2]
                said_gaps = _said_gaps(gaps)
                if said_gaps != gaps:
                    pieces = parts[1:-1]
                    pieces[1::2] = said_gaps
                    form = "".join(pieces)
                    spans += accumulate(map(len, pieces), initial=length)
                    uniform = False
                else:
                    shift = length - s
                    spans += map(shift.__add__, bounds[2 * first : 2 * stop])
            else:
                shift = length - s
                spans.append(length)
                spans.append(length + len(form))
            if curly:
                form = form.replace("’", "'")
        else:
            spans.append(length)
            spans.append(length + len(form))
        out.append(form)
        length += len(form)
    rest = pending + text[cursor:end]
    out.append(_END_GAPS.get(rest) or _speak_gap(rest, "end"))
    spoken = "".join(out)
    matches = lexicon_matches(spoken, lexicon) if lexicon else []
    if matches:
        spoken = replace_matches(spoken, spans, matches)
    elif uniform and len(items) == 1 and items[0][2] is not None:
        return spoken, bounds, shift
    return spoken, bounds, spans


#: (tokens, language) -> their words' bounds from the tokens' start and the forms the
#: rules give them (None: as displayed). The words between runs (amounts, handles,
#: abbreviations...) depend on nothing around their tokens.
_OTHERS: dict[tuple[str, str], tuple[list[int], list[str | None]]] = {}


def _others(
    text: str,
    begin: int,
    stop: int,
    language: str,
    lang: str,
    bounds: list[int],
    items: list[_Item],
    forms: _Forms,
    irregular: list[int],
) -> None:
    """The words of ``text[begin:stop]``, tokens that no run holds: each word an item of
    its own, with the form the rules give it."""
    tokens = text[begin:stop]
    key = (tokens, language)
    known = _OTHERS.get(key)
    if known is None:
        spans, odd = word_spans(tokens, 0, len(tokens))
        said: list[str | None] = [None] * len(spans)
        # Spaces around, as in the sentence: a photo number's brackets are in its token.
        padded = f" {tokens} "
        for n in odd:
            s, e = spans[n]
            photo = _photo_number(padded, s + 1, e + 1, 0, len(padded), language)
            said[n] = photo or _speak_word(tokens[s:e], lang)
        known = ([bound for span in spans for bound in span], said)
        if len(_OTHERS) >= 8192:
            _OTHERS.clear()
        _OTHERS[key] = known
    relative, said = known
    first = len(bounds) >> 1
    bounds += map(begin.__add__, relative)
    for n, form in enumerate(said, first):
        items.append((n, n + 1, None))
        if form is not None:
            forms.said[n] = form
            irregular.append(n)


def _apart(items: list[_Item], apart: set[int]) -> list[_Item]:
    """``items`` with the words in ``apart`` taken out of their runs, each alone."""
    keys = sorted(apart)
    out: list[_Item] = []
    for first, stop, parts in items:
        at = bisect.bisect_left(keys, first)
        if parts is None or at == len(keys) or keys[at] >= stop:
            out.append((first, stop, parts))
            continue
        low = first
        for n in keys[at:]:
            if n >= stop:
                break
            if low < n:
                out.append((low, n, None))
            out.append((n, n + 1, None))
            low = n + 1
        if low < stop:
            out.append((low, stop, None))
    return out
