"""The story model: metadata, segments, blocks, sentences and words.

A story is plain data. Every sentence carries two texts: what is displayed
(verbatim, with character offsets into its block's displayed text) and what is
spoken (rewritten by :mod:`player.core.text.spoken`). Word spans exist for both
so a view can highlight the displayed word that the voice is saying.

The records are immutable. Most are named tuples: the window imports this module before
its first paint, and a frozen dataclass compiles its methods as its class is made (about
0.4 ms more a class). Words, sentences, their references and the story stay dataclasses
(see :func:`new_word`, the sentences' slots, the story's fields left out of comparisons).

Nothing here imports Qt.
"""

from __future__ import annotations

import operator
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar, overload

if TYPE_CHECKING:  # the window imports this module before its first paint; datetime can wait
    import datetime as _dt

T = TypeVar("T")


class BlockType(Enum):
    """The kinds of block a segment is made of."""

    PARAGRAPH = "paragraph"
    QUOTATION = "quote"
    POST = "post"
    PHOTO = "photo"


class SegmentKind(NamedTuple):
    """A kind of segment. Kinds are data: built-in ones come from a TOML file
    and a story may declare more."""

    id: str
    label: str
    plural: str


@dataclass(frozen=True)
class Word:
    """A word: its span in the block's displayed text and in the sentence's
    spoken text (both end-exclusive). ``spoken_*`` are -1 for a displayed word
    that is not spoken (a URL)."""

    start: int
    end: int
    spoken_start: int
    spoken_end: int


def new_word(start: int, end: int, spoken_start: int, spoken_end: int) -> Word:
    """``Word(start, end, spoken_start, spoken_end)`` at under half the cost: a frozen
    dataclass's ``__init__`` sets each field through ``object.__setattr__``, and a story
    at the size limit has about 700,000 words."""
    word = _new(Word)
    fields = word.__dict__
    fields["start"] = start
    fields["end"] = end
    fields["spoken_start"] = spoken_start
    fields["spoken_end"] = spoken_end
    return word


_new = object.__new__


class PackedWords(Sequence[Word]):
    """A sentence's words kept as offsets in one array, each :class:`Word` made when asked
    for: a story at the size limit has about 700,000 words, and a word object and its
    dictionary take about 200 bytes where its four offsets take 16 (or 8).

    ``bounds`` holds each word's displayed start and end, one word after the other, then,
    when ``shift`` is None, each word's spoken start and end the same way; otherwise every
    word's spoken span is its displayed one plus ``shift``.
    """

    __slots__ = ("_bounds", "_shift")

    def __init__(self, bounds: array[int], shift: int | None) -> None:
        self._bounds = bounds
        self._shift = shift

    def __len__(self) -> int:
        return len(self._bounds) >> (1 if self._shift is not None else 2)

    @overload
    def __getitem__(self, index: int) -> Word: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[Word, ...]: ...
    def __getitem__(self, index: int | slice) -> Word | tuple[Word, ...]:
        if isinstance(index, slice):
            return tuple(self)[index]
        count = len(self)
        if index < 0:
            index += count
        if not 0 <= index < count:
            raise IndexError("word index out of range")
        bounds = self._bounds
        start, end = bounds[2 * index], bounds[2 * index + 1]
        if self._shift is not None:
            return new_word(start, end, start + self._shift, end + self._shift)
        spoken = 2 * (count + index)
        return new_word(start, end, bounds[spoken], bounds[spoken + 1])

    def __iter__(self) -> Iterator[Word]:
        for index in range(len(self)):
            yield self[index]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, PackedWords) and (self._shift is None) == (other._shift is None):
            return self._shift == other._shift and self._bounds == other._bounds
        if isinstance(other, Sequence) and not isinstance(other, str):
            return len(self) == len(other) and all(map(operator.eq, self, other))
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"PackedWords({list(self)!r})"


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of a block.

    ``start``/``end`` are offsets into the block's displayed text; ``spoken``
    is what the voice says. ``words`` is in displayed order: a tuple, or for a loaded
    story a :class:`PackedWords`.
    """

    start: int
    end: int
    display: str
    spoken: str
    words: Sequence[Word]

    def word_at_spoken(self, offset: int) -> int | None:
        """Index of the word whose spoken span contains or follows ``offset``."""
        best: int | None = None
        for i, word in enumerate(self.words):
            if word.spoken_start < 0:
                continue
            if word.spoken_start <= offset < max(word.spoken_end, word.spoken_start + 1):
                return i
            if word.spoken_start > offset and best is None:
                best = i
        return best


class Photo(NamedTuple):
    """A photograph, or only its caption when the image is not available."""

    caption: str
    image: Path | None = None
    alt: str = ""
    credit: str = ""
    number: int | None = None
    total: int | None = None

    @property
    def label(self) -> str:
        """The label a reader hears: "Photo 1 of 6", or "Photo" when unnumbered."""
        if self.number is not None and self.total is not None:
            return f"Photo {self.number} of {self.total}"
        if self.number is not None:
            return f"Photo {self.number}"
        return "Photo"


class PostInfo(NamedTuple):
    """Who published a social media post, and when."""

    author: str
    handle: str = ""
    date: _dt.date | None = None
    link: str = ""


class Block(NamedTuple):
    """A paragraph, quotation, post or photo.

    ``text`` is the displayed text. For a post it is the body, a newline and
    the attribution line; for a standalone photo it is the caption.
    ``photo`` is set on photo blocks and on posts that caption a photo.
    """

    type: BlockType
    text: str
    sentences: tuple[Sentence, ...]
    line: int = 0
    speaker: str = ""
    post: PostInfo | None = None
    photo: Photo | None = None


class Segment(NamedTuple):
    """A titled part of the story of one kind."""

    kind: SegmentKind
    title: str
    blocks: tuple[Block, ...]
    line: int = 0

    @property
    def photos(self) -> tuple[Photo, ...]:
        """Every photo of the segment, standalone or attached to a post."""
        return tuple(b.photo for b in self.blocks if b.photo is not None)

    @property
    def sentence_count(self) -> int:
        return sum(len(b.sentences) for b in self.blocks)


class StoryMeta(NamedTuple):
    """What a story is and where it comes from."""

    title: str
    language: str
    source: str = ""
    source_url: str = ""
    date: _dt.date | None = None
    credit: str = ""


@dataclass(frozen=True)
class SentenceRef:
    """Where a sentence sits: a flat index and its segment, block and sentence."""

    index: int
    segment: int
    block: int
    sentence: int


@dataclass(frozen=True)
class Story:
    """A whole story, loaded and validated."""

    meta: StoryMeta
    segments: tuple[Segment, ...]
    path: Path | None = None
    lexicon: tuple[tuple[str, str], ...] = ()
    refs: tuple[SentenceRef, ...] = field(default=(), compare=False)
    #: (line, message) of what an author should fix but a reader can live with
    #: (a photo not found, a respelling espeak would spell out)
    warnings: tuple[tuple[int, str], ...] = field(default=(), compare=False)
    #: the first sentence of each segment, -1 for a segment without sentences
    _segment_firsts: tuple[int, ...] = field(default=(), init=False, compare=False, repr=False)
    #: values made from the whole story, once (see :meth:`derived`)
    _derived: dict[str, Any] = field(default_factory=dict, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        refs: list[SentenceRef] = []
        firsts: list[int] = []
        for s_i, seg in enumerate(self.segments):
            firsts.append(len(refs) if any(b.sentences for b in seg.blocks) else -1)
            for b_i, block in enumerate(seg.blocks):
                for n_i in range(len(block.sentences)):
                    # As new_word does: a story at the size limit has 60,000 sentences.
                    ref = _new(SentenceRef)
                    fields = ref.__dict__
                    fields["index"] = len(refs)
                    fields["segment"] = s_i
                    fields["block"] = b_i
                    fields["sentence"] = n_i
                    refs.append(ref)
        object.__setattr__(self, "refs", tuple(refs))
        # Asked on every jump and status update: looked up, not searched for.
        object.__setattr__(self, "_segment_firsts", tuple(firsts))

    def sentence(self, ref: SentenceRef | int) -> Sentence:
        if isinstance(ref, int):
            ref = self.refs[ref]
        return self.segments[ref.segment].blocks[ref.block].sentences[ref.sentence]

    def block_of(self, ref: SentenceRef | int) -> Block:
        if isinstance(ref, int):
            ref = self.refs[ref]
        return self.segments[ref.segment].blocks[ref.block]

    def first_sentence_of_segment(self, segment: int) -> int | None:
        if not 0 <= segment < len(self._segment_firsts):
            return None
        first = self._segment_firsts[segment]
        return first if first >= 0 else None

    @property
    def sentence_count(self) -> int:
        return len(self.refs)

    def derived(self, key: str, make: Callable[[Story], T]) -> T:
        """``make(self)``, made on first use and kept under ``key`` for as long as the story.

        For sums over every sentence that the window needs when a story is shown (the
        time-left estimate's): the loader's worker thread makes them there, and the GUI
        thread only looks them up. Two threads making one at once both get a right value.
        """
        if key not in self._derived:
            self._derived[key] = make(self)
        value: T = self._derived[key]
        return value
