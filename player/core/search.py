"""Finding words in a story: Find in the text, and a segment by number or by title.

Matching ignores case and accents ("cafe" finds "Café", "STRASSE" finds "Straße"):
text and query are folded (casefold, then combining marks dropped after NFD), and
each folded character remembers the displayed character it came from, so that a
match gives exact offsets back into the block's displayed text, in code points, as
:class:`~player.core.model.Word` offsets are (the reading pane converts to UTF-16).

A story's folded text is made once, on the first search, and kept by
:class:`StorySearch`; each query then costs one ``str.find`` pass over it.
Nothing here imports Qt.
"""

from __future__ import annotations

import bisect
import unicodedata
from dataclasses import dataclass

from player.core.model import Story


def fold(text: str) -> tuple[str, list[int] | None]:
    """``text`` without case or accents, and for each folded character the index of the
    character of ``text`` it came from (None when they are the same, as for ASCII)."""
    if text.isascii():
        return text.lower(), None
    out: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        if char.isascii():
            out.append(char.lower())
            origin.append(index)
            continue
        for part in unicodedata.normalize("NFD", char.casefold()):
            if unicodedata.combining(part):
                continue
            out.append(part)
            origin.append(index)
    return "".join(out), origin


def fold_query(text: str) -> str:
    """A query folded as the text is, with runs of spaces made one."""
    return " ".join(fold(text)[0].split())


@dataclass(frozen=True, order=True)
class Match:
    """One place a query was found: the flat sentence index where it starts, and its
    ``start``/``end`` in that sentence's block's displayed text (code points)."""

    sentence: int
    start: int
    end: int


class StorySearch:
    """Finds a query in a story's sentences; the folded text is made on first use."""

    def __init__(self, story: Story) -> None:
        self.story = story
        # per block with sentences: (first flat sentence, sentence starts, folded, origin)
        self._blocks: list[tuple[int, list[int], str, list[int] | None]] | None = None

    def _index(self) -> list[tuple[int, list[int], str, list[int] | None]]:
        if self._blocks is None:
            blocks = []
            first = 0
            for segment in self.story.segments:
                for block in segment.blocks:
                    if not block.sentences:
                        continue
                    folded, origin = fold(block.text)
                    starts = [s.start for s in block.sentences]
                    blocks.append((first, starts, folded, origin))
                    first += len(block.sentences)
            self._blocks = blocks
        return self._blocks

    def find_all(self, query: str) -> list[Match]:
        """Every match of ``query`` in story order (none for an empty query)."""
        wanted = fold_query(query)
        if not wanted:
            return []
        matches: list[Match] = []
        for first, starts, folded, origin in self._index():
            at = folded.find(wanted)
            while at >= 0:
                last = at + len(wanted) - 1
                start, end = (at, last + 1) if origin is None else (origin[at], origin[last] + 1)
                number = max(0, bisect.bisect_right(starts, start) - 1)
                matches.append(Match(first + number, start, end))
                at = folded.find(wanted, at + len(wanted))
        return matches


@dataclass(frozen=True)
class Found:
    """The match a Find step lands on: its place among all matches, and whether the
    search went past the end (or the start) of the story to reach it."""

    match: Match
    number: int
    count: int
    wrapped: bool


def step(matches: list[Match], after: Match | int, delta: int) -> Found | None:
    """The next (``delta`` > 0) or previous match from ``after``: a match (the one the
    reader is on) or a sentence (next: from its start, so a match in it counts; previous:
    before it). Wraps round the story; None when there are no matches."""
    if not matches:
        return None
    if isinstance(after, int):
        if delta > 0:
            i = bisect.bisect_left(matches, Match(after, -1, -1))
        else:
            i = bisect.bisect_left(matches, Match(after, -1, -1)) - 1
    elif delta > 0:
        i = bisect.bisect_right(matches, after)
    else:
        i = bisect.bisect_left(matches, after) - 1
    wrapped = not 0 <= i < len(matches)
    i %= len(matches)
    return Found(matches[i], i + 1, len(matches), wrapped)


def find_segment(story: Story, wanted: str) -> int | None:
    """A segment by 1-based number (as ``story-player outline`` numbers them), or by
    words of its title, else of its kind; case and accents do not matter."""
    text = fold_query(wanted)
    if not text:
        return None
    if text.isascii() and text.isdigit():
        number = int(text)
        return number - 1 if 1 <= number <= len(story.segments) else None
    for i, segment in enumerate(story.segments):
        if text in fold_query(segment.title):
            return i
    for i, segment in enumerate(story.segments):
        kind = segment.kind
        if text in fold_query(kind.label) or text in fold_query(kind.id):
            return i
    return None
