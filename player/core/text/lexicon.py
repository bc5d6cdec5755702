"""A story's lexicon applied to spoken text: whole-word, case-sensitive replacements,
longest written form first, with the spans of the words moved to cover their new text.

The written forms are kept in a character trie, so the time per sentence grows with the
sentence's length times the longest written form, never with the number of entries.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from itertools import accumulate

__all__ = [
    "apply_lexicon",
    "block_matches",
    "lexicon_matches",
    "replace_matches",
]


def _is_word(char: str) -> bool:
    """What ``\\w`` matches in a str pattern."""
    return char.isalnum() or char == "_"


#: a trie node: next character -> node, and at key "" the spoken form ending here
_Trie = dict[str, "_Trie | str"]


def _build_trie(lexicon: Sequence[tuple[str, str]]) -> _Trie | None:
    """The written forms as a character trie. The first entry for a written form wins,
    as in the file's order."""
    root: _Trie = {}
    for written, spoken in lexicon:
        if not written:
            continue
        node = root
        for char in str(written):
            child = node.setdefault(char, {})
            assert isinstance(child, dict)
            node = child
        node.setdefault("", str(spoken))
    return root or None


#: id(lexicon) -> (the lexicon, its length, its trie). By identity, not by value: hashing
#: a long lexicon for every block would cost as much as the lookups it saves.
_tries: dict[int, tuple[Sequence[tuple[str, str]], int, _Trie | None]] = {}


def _lexicon_trie(lexicon: Sequence[tuple[str, str]]) -> _Trie | None:
    """The trie of ``lexicon``, built once per lexicon (a story's is shared by its blocks)."""
    hit = _tries.get(id(lexicon))
    if hit is not None and hit[0] is lexicon and hit[1] == len(lexicon):
        return hit[2]
    trie = _build_trie(lexicon)
    if len(_tries) >= 32:
        _tries.clear()
    _tries[id(lexicon)] = (lexicon, len(lexicon), trie)
    return trie


#: id(trie) -> (the trie, a pattern matching the characters its written forms start with)
_starts: dict[int, tuple[_Trie, re.Pattern[str]]] = {}


def _starts_of(trie: _Trie) -> re.Pattern[str]:
    """Where a match can start: a written form's first character, not after a letter or
    digit if it is one, followed by a character some form goes on with (one alternative
    per first character, whatever the number of entries)."""
    hit = _starts.get(id(trie))
    if hit is not None and hit[0] is trie:
        return hit[1]
    choices: list[str] = []
    for char, node in trie.items():
        if not char or not isinstance(node, dict):
            continue
        # Before a letter or digit, \b is "not after one", as _lexicon_matches checks.
        choice = ("\\b" if _is_word(char) else "") + re.escape(char)
        if "" not in node:  # no one-character form: a second character must follow
            choice += "[" + "".join(re.escape(second) for second in node) + "]"
        choices.append(choice)
    # The lookahead lets the regex engine skip to a first character without trying each
    # choice at every position.
    first = "".join(re.escape(char) for char in trie if char)
    pattern = re.compile(f"(?=[{first}])(?:{'|'.join(choices)})")
    if len(_starts) >= 32:
        _starts.clear()
    _starts[id(trie)] = (trie, pattern)
    return pattern


def _lexicon_matches(text: str, trie: _Trie) -> list[tuple[int, int, str]]:
    """(start, end, spoken) of each lexicon match, left to right, not overlapping.

    At each position the longest written form that matches as a whole word wins (a form
    starting or ending with a letter or digit needs a non-word character or the text's
    edge beside it). Time grows with the text's length times the longest written form,
    never with the number of entries.
    """
    matches: list[tuple[int, int, str]] = []
    starts = _starts_of(trie)
    i, n = 0, len(text)
    while i < n:
        # Only a character some written form starts with can start a match: found by the
        # regex engine, so most of a sentence is never looked at one character at a time.
        found = starts.search(text, i)
        if found is None:
            break
        i = found.start()
        best: tuple[int, str] | None = None
        if not (_is_word(text[i]) and i > 0 and _is_word(text[i - 1])):
            node: _Trie | str = trie
            j = i
            while j < n and isinstance(node, dict):
                node = node.get(text[j], "")
                if not isinstance(node, dict):
                    break
                j += 1
                spoken = node.get("")
                if isinstance(spoken, str) and not (
                    _is_word(text[j - 1]) and j < n and _is_word(text[j])
                ):
                    best = (j, spoken)
        if best is None:
            i += 1
            continue
        matches.append((i, best[0], best[1]))
        i = best[0]
    return matches


def apply_lexicon(
    text: str, spans: list[tuple[int, int]], lexicon: Sequence[tuple[str, str]]
) -> str:
    """Replace lexicon matches in ``text``, moving ``spans`` (-1 spans are left alone) so
    that they still cover the same words: a word that overlaps a match covers its
    replacement. One pass over the text and one over the spans."""
    matches = lexicon_matches(text, lexicon)
    if not matches:
        return text
    flat = [bound for span in spans for bound in span]
    said = replace_matches(text, flat, matches)
    spans[:] = list(zip(flat[0::2], flat[1::2], strict=True))
    return said


def lexicon_matches(text: str, lexicon: Sequence[tuple[str, str]]) -> list[tuple[int, int, str]]:
    """(start, end, spoken) of each match of ``lexicon`` in ``text``, left to right."""
    if not lexicon:
        return []
    trie = _lexicon_trie(lexicon)
    if trie is None:
        return []
    return _lexicon_matches(text, trie)


#: at most this many written forms are searched for by one regular expression: the regex
#: engine tries each at every place one could start, which beats the trie's walk in Python
#: for a short lexicon (most stories') and loses to it for a long one
_FEW = 64
#: id(trie) -> (the trie, the pattern of its written forms or None when they are many or
#: one holds a line break, each form's spoken one)
_patterns: dict[int, tuple[_Trie, re.Pattern[str] | None, dict[str, str]]] = {}


def _forms_of(node: _Trie, prefix: str, out: dict[str, str]) -> None:
    for char, child in node.items():
        if not char:
            assert isinstance(child, str)
            out[prefix] = child
        elif isinstance(child, dict):
            _forms_of(child, prefix + char, out)


def _pattern_of(trie: _Trie) -> tuple[re.Pattern[str] | None, dict[str, str]]:
    """One pattern for the written forms of a short lexicon, each a whole word as
    :func:`_lexicon_matches` takes it, the longest first (the regex engine takes the first
    alternative that matches, the trie the longest form)."""
    hit = _patterns.get(id(trie))
    if hit is not None and hit[0] is trie:
        return hit[1], hit[2]
    forms: dict[str, str] = {}
    _forms_of(trie, "", forms)
    pattern = None
    if len(forms) <= _FEW and not any("\n" in written for written in forms):
        # \b before a letter or digit is "not after one". The lookahead lets the regex
        # engine skip to a first character without trying each choice at every position.
        choices = [
            ("\\b" if _is_word(written[0]) else "")
            + re.escape(written)
            + ("(?!\\w)" if _is_word(written[-1]) else "")
            for written in sorted(forms, key=len, reverse=True)
        ]
        first = "".join(sorted({re.escape(written[0]) for written in forms}))
        pattern = re.compile(f"(?=[{first}])(?:{'|'.join(choices)})")
    if len(_patterns) >= 32:
        _patterns.clear()
    _patterns[id(trie)] = (trie, pattern, forms)
    return pattern, forms


def block_matches(
    texts: Sequence[str], lexicon: Sequence[tuple[str, str]]
) -> list[tuple[int, list[tuple[int, int, str]]]]:
    """For each of ``texts`` with a match of ``lexicon``, its index and what
    :func:`lexicon_matches` gives for it, in order: one search over the texts joined by
    line breaks, which start and end no written form and are no letters, so that a match
    is found in the joined text where it is in its own text."""
    trie = _lexicon_trie(lexicon) if lexicon else None
    if trie is None:
        return []
    pattern, forms = _pattern_of(trie)
    if pattern is None and any("\n" in written for written in forms):
        found = ((n, lexicon_matches(text, lexicon)) for n, text in enumerate(texts))
        return [(n, matches) for n, matches in found if matches]
    joined = "\n".join(texts)
    if pattern is not None:
        matches = [(m.start(), m.end(), forms[m.group()]) for m in pattern.finditer(joined)]
    else:
        matches = _lexicon_matches(joined, trie)
    if not matches:
        return []
    ends = list(accumulate(map((1).__add__, map(len, texts))))
    out: list[tuple[int, list[tuple[int, int, str]]]] = []
    index = -1
    base = 0
    for low, high, spoken in matches:
        if index < 0 or low >= ends[index]:
            index = bisect_right(ends, low)
            base = ends[index - 1] if index else 0
            out.append((index, []))
        out[-1][1].append((low - base, high - base, spoken))
    return out


def replace_matches(text: str, bounds: list[int], matches: list[tuple[int, int, str]]) -> str:
    """``text`` with ``matches`` (from :func:`lexicon_matches`) replaced, and ``bounds``
    (words' start and end offsets one after the other, -1 for a word not spoken) moved
    as :func:`apply_lexicon` moves its spans."""
    out: list[str] = []
    lows: list[int] = []  # each match's start in the new text
    shift_after: list[int] = []  # total length change once past each match
    last = 0
    shift = 0
    for low, high, spoken in matches:
        out.append(text[last:low])
        lows.append(low + shift)
        out.append(spoken)
        shift += len(spoken) - (high - low)
        shift_after.append(shift)
        last = high
    out.append(text[last:])
    starts = [low for low, _, _ in matches]
    ends = [high for _, high, _ in matches]
    # Spans come in the text's order, so the matches before each one are counted by
    # walking on from the last span's count. Matches do not overlap: when a position is
    # not inside the last match starting at or before it, every match up to that one has
    # ended, and the position moves by their total length change.
    count = len(matches)
    at_start = at_end = 0  # matches starting at or before the span's start; before its end
    for n in range(0, len(bounds), 2):
        start, end = bounds[n], bounds[n + 1]
        if start < 0:
            continue
        while at_start < count and starts[at_start] <= start:
            at_start += 1
        while at_end < count and starts[at_end] < end:
            at_end += 1
        k = at_start - 1
        if k >= 0 and start < ends[k]:
            start = lows[k]  # inside a match: its replacement's start
        elif k >= 0:
            start += shift_after[k]
        k = at_end - 1
        if k >= 0 and end < ends[k]:
            end = lows[k] + len(matches[k][2])  # inside a match: its replacement's end
        elif k >= 0:
            end += shift_after[k]
        bounds[n] = start
        bounds[n + 1] = end
    return "".join(out)
