"""Moving around a story: by sentence, block, segment and kind of segment, with Back and Forward.

Positions are flat sentence indexes into ``Story.refs``. Kinds are data, so the
jumps to "personal stories" and "the public reaction" find their kinds by a word
in the kind's id or label (see :data:`PERSONAL_STORY` and :data:`PUBLIC_REACTION`)
rather than by a fixed list.

Also here: the wording of where the reader is ("Where am I", and what jumps and Back
and Forward announce), and a time estimate for when no voice is loaded.
Nothing here imports Qt.
"""

from __future__ import annotations

import bisect
from typing import Final, NamedTuple

from player.core.model import SegmentKind, Story

PERSONAL_STORY: Final = "personal"
PUBLIC_REACTION: Final = "reaction"


def kind_matches(kind: SegmentKind, word: str) -> bool:
    """Whether ``word`` names ``kind`` (in its id or its label, any case)."""
    word = word.lower()
    return word in kind.id.lower() or word in kind.label.lower()


class Group(NamedTuple):
    """The segments of one kind, in story order."""

    kind: SegmentKind
    segments: tuple[int, ...]


def group_segments(story: Story) -> list[Group]:
    """Segments grouped by kind, groups in the order their kind first appears."""
    order: list[SegmentKind] = []
    # By the kind's id (a story declares each id once): hashing the whole dataclass, three
    # strings, for each of 7,600 segments cost more than the rest of the loop.
    members: dict[str, list[int]] = {}
    for index, segment in enumerate(story.segments):
        kind = segment.kind
        group = members.get(kind.id)
        if group is None:
            order.append(kind)
            group = members[kind.id] = []
        group.append(index)
    return [Group(kind, tuple(members[kind.id])) for kind in order]


class Navigator:
    """Where each move lands, given the sentence being read. ``None`` means nowhere to go.

    What the moves look up is indexed once per story (segment and block starts, and
    on first use the segments of a kind and the words left), so that a move costs
    O(log n) or less however long the story is: a jump must not walk the story.
    """

    def __init__(self, story: Story) -> None:
        self.story = story
        starts: list[tuple[int, int]] = []
        for index in range(len(story.segments)):
            first = story.first_sentence_of_segment(index)
            if first is not None:
                starts.append((index, first))
        #: (segment, first sentence) of every segment that has sentences
        self._starts = starts
        self._start_segments = [seg for seg, _ in starts]
        #: the first sentence of every block that has sentences, in order
        self._block_starts = [r.index for r in story.refs if r.sentence == 0]
        self._kinds: dict[str, tuple[list[int], list[int]]] = {}

    def clamp(self, sentence: int) -> int:
        return max(0, min(sentence, self.story.sentence_count - 1))

    def segment_of(self, sentence: int) -> int:
        return self.story.refs[self.clamp(sentence)].segment

    def sentence(self, sentence: int, delta: int) -> int | None:
        target = sentence + delta
        return target if 0 <= target < self.story.sentence_count else None

    def block(self, sentence: int, delta: int) -> int | None:
        """First sentence of the next (``delta`` > 0) or previous block.

        Going back from inside a block lands on that block's start first, as
        "previous paragraph" does in a word processor.
        """
        refs = self.story.refs
        if not refs:
            return None
        here = refs[self.clamp(sentence)]
        starts = self._block_starts
        if delta > 0:
            i = bisect.bisect_right(starts, here.index) + delta - 1
            return starts[i] if i < len(starts) else None
        own_start = here.index - here.sentence
        earlier = bisect.bisect_left(starts, own_start)  # how many blocks start before it
        steps = -delta
        if here.sentence > 0:
            steps -= 1
            if steps == 0:
                return own_start
        return starts[earlier - steps] if earlier >= steps else None

    def segment(self, sentence: int, delta: int) -> int | None:
        """First sentence of the segment ``delta`` segments away."""
        if not self._starts:
            return None
        # The segment of a sentence always has sentences, so it is among the starts.
        here = bisect.bisect_left(self._start_segments, self.segment_of(sentence))
        i = here + delta
        return self._starts[i][1] if 0 <= i < len(self._starts) else None

    def _of_kind(self, word: str) -> tuple[list[int], list[int]]:
        """(segments, first sentences) of the segments with sentences whose kind ``word``
        names, found once per word."""
        found = self._kinds.get(word)
        if found is None:
            segments = self.story.segments
            pairs = [
                (seg, first)
                for seg, first in self._starts
                if kind_matches(segments[seg].kind, word)
            ]
            found = ([seg for seg, _ in pairs], [first for _, first in pairs])
            self._kinds[word] = found
        return found

    def of_kind(self, sentence: int, word: str, delta: int) -> int | None:
        """First sentence of the next (``delta`` = 1) or previous (-1) segment of a kind."""
        current = self.segment_of(sentence) if self.story.refs else 0
        segments, firsts = self._of_kind(word)
        if delta > 0:
            i = bisect.bisect_right(segments, current)
            return firsts[i] if i < len(firsts) else None
        i = bisect.bisect_left(segments, current)
        return firsts[i - 1] if i > 0 else None

    def personal_story(self, sentence: int, delta: int) -> int | None:
        return self.of_kind(sentence, PERSONAL_STORY, delta)

    def public_reaction(self, sentence: int) -> int | None:
        """Start of the public reaction: the next one after here, else the first one."""
        ahead = self.of_kind(sentence, PUBLIC_REACTION, 1)
        if ahead is not None:
            return ahead
        firsts = self._of_kind(PUBLIC_REACTION)[1]
        return firsts[0] if firsts else None


class History:
    """Back and Forward over jumps, as a web browser keeps them."""

    def __init__(self, limit: int = 100) -> None:
        self._back: list[int] = []
        self._forward: list[int] = []
        self._limit = limit

    @property
    def can_go_back(self) -> bool:
        return bool(self._back)

    @property
    def can_go_forward(self) -> bool:
        return bool(self._forward)

    def jumped(self, origin: int) -> None:
        """Record that the reader jumped away from ``origin``."""
        if not self._back or self._back[-1] != origin:
            self._back.append(origin)
            del self._back[: -self._limit]
        self._forward.clear()

    def back(self, current: int) -> int | None:
        if not self._back:
            return None
        self._forward.append(current)
        return self._back.pop()

    def forward(self, current: int) -> int | None:
        if not self._forward:
            return None
        self._back.append(current)
        return self._forward.pop()

    def clear(self) -> None:
        self._back.clear()
        self._forward.clear()


def format_duration(ms: int) -> str:
    """``1:12`` or ``1:02:03``."""
    seconds = max(0, round(ms / 1000))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def spoken_duration(ms: int) -> str:
    """``1 minute 12 seconds left`` style words for speech and announcements."""
    seconds = max(0, round(ms / 1000))
    minutes, secs = divmod(seconds, 60)
    parts = []
    if minutes:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    if secs or not minutes:
        parts.append(f"{secs} second{'s' if secs != 1 else ''}")
    return " ".join(parts)


class Whereabouts(NamedTuple):
    """Where the reader is, as "Where am I" reports it."""

    segment_number: int
    segment_count: int
    kind_label: str
    segment_title: str
    sentence_number: int
    sentence_count: int
    time_left_ms: int

    def status_text(self) -> str:
        """The status line: ``Segment 3 of 6 · Personal story · sentence 2 of 5 · 1:12 left``."""
        return (
            f"Segment {self.segment_number} of {self.segment_count} · {self.kind_label} · "
            f"sentence {self.sentence_number} of {self.sentence_count} · "
            f"{format_duration(self.time_left_ms)} left"
        )

    def spoken_text(self) -> str:
        """A sentence to speak or announce, without symbols a voice would read out."""
        return (
            f"{self.segment_title}. {self.kind_label}, segment {self.segment_number} of "
            f"{self.segment_count}. Sentence {self.sentence_number} of {self.sentence_count}. "
            f"{spoken_duration(self.time_left_ms)} left."
        )


def whereabouts(story: Story, sentence: int, time_left_ms: int) -> Whereabouts | None:
    if not story.refs:
        return None
    ref = story.refs[max(0, min(sentence, story.sentence_count - 1))]
    segment = story.segments[ref.segment]
    first = story.first_sentence_of_segment(ref.segment) or 0
    return Whereabouts(
        segment_number=ref.segment + 1,
        segment_count=len(story.segments),
        kind_label=segment.kind.label,
        segment_title=segment.title,
        sentence_number=ref.index - first + 1,
        sentence_count=segment.sentence_count,
        time_left_ms=time_left_ms,
    )


def segment_words(story: Story, segment: int) -> str:
    """A segment as announced after a jump: its kind, then its title (the title alone when
    the kind would only repeat it)."""
    if not 0 <= segment < len(story.segments):
        return ""
    seg = story.segments[segment]
    kind = seg.kind.label
    if not kind or kind.casefold() == seg.title.casefold():
        return seg.title
    return f"{kind}: {seg.title}"


def place_words(story: Story, sentence: int) -> str:
    """The segment and, inside it, the sentence, as Back and Forward announce them.

    A segment's first sentence is said as the segment alone: that is where its heading is.
    """
    if not story.refs:
        return ""
    sentence = max(0, min(sentence, story.sentence_count - 1))
    segment = story.refs[sentence].segment
    first = story.first_sentence_of_segment(segment) or 0
    words = segment_words(story, segment)
    if sentence == first:
        return words
    return f"{words}, sentence {sentence - first + 1}"
