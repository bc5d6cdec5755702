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

__all__ = ["apply_lexicon", "lexicon_matches", "replace_matches", "texts_to_look_at"]


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


def texts_to_look_at(texts: Sequence[str], lexicon: Sequence[tuple[str, str]]) -> list[int]:
    """The indexes of ``texts`` where :func:`lexicon_matches` may find something: one
    search by the regex engine over them all instead of one per text."""
    trie = _lexicon_trie(lexicon) if lexicon else None
    if trie is None:
        return []
    # A line break starts no written form (entries are one line each) and is no letter,
    # so a match is found in the joined text where it is in its own text.
    joined = "\n".join(texts)
    ends = list(accumulate(map((1).__add__, map(len, texts))))
    found: list[int] = []
    for match in _starts_of(trie).finditer(joined):
        index = bisect_right(ends, match.start())
        if not found or found[-1] != index:
            found.append(index)
    return found


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
