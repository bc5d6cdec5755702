"""Timing of one sentence's audio, and of the pauses between sentences.

Backends report word starts by offset into the spoken text, and skip some
words. :func:`word_starts` maps them onto ``Sentence.words`` and fills the gaps
by interpolating on character offsets, so every spoken word has a time and the
times never go backwards.
"""

from __future__ import annotations

import bisect
from typing import NamedTuple

from player.core.model import Sentence, Story
from player.core.playback.api import DEFAULT_RATE_WPM
from player.core.speech.base import SynthResult

SENTENCE_PAUSE_MS = 250
BLOCK_PAUSE_MS = 600
SEGMENT_PAUSE_MS = 1200


def pause_after(story: Story, index: int, rate_wpm: int = DEFAULT_RATE_WPM) -> int:
    """Silence after sentence ``index``: longer between blocks, longest between segments,
    and shorter at fast rates (someone listening at 400 wpm does not want long gaps)."""
    if index + 1 >= len(story.refs):
        return 0
    here, there = story.refs[index], story.refs[index + 1]
    if here.segment != there.segment:
        base = SEGMENT_PAUSE_MS
    elif here.block != there.block:
        base = BLOCK_PAUSE_MS
    else:
        base = SENTENCE_PAUSE_MS
    return scaled_pause(base, rate_wpm)


def scaled_pause(base_ms: int, rate_wpm: int = DEFAULT_RATE_WPM) -> int:
    """``base_ms`` (a pause at the default rate) at ``rate_wpm``."""
    scale = min(max(DEFAULT_RATE_WPM / max(rate_wpm, 1), 0.5), 1.5)
    return int(base_ms * scale)


def word_starts(sentence: Sentence, result: SynthResult) -> list[tuple[int, int]]:
    """(start ms, word index) for every spoken word of ``sentence``, sorted by time."""
    spoken = [(i, w) for i, w in enumerate(sentence.words) if w.spoken_start >= 0]
    if not spoken:
        return []
    duration = result.duration_ms
    times: dict[int, int] = {}
    for mark in result.words:
        for i, word in spoken:
            end = max(word.spoken_end, word.spoken_start + 1)
            # an event starting inside the word, or a word starting inside the event
            if word.spoken_start <= mark.offset < end or (
                mark.offset <= word.spoken_start < mark.offset + max(mark.length, 1)
            ):
                times.setdefault(i, mark.start_ms)
                break
    # anchors (char offset, ms) between which untimed words are interpolated
    timed = sorted((sentence.words[i].spoken_start, ms) for i, ms in times.items())
    anchors = timed if timed and timed[0][0] == 0 else [(0, 0), *timed]
    end_char = max(len(sentence.spoken), anchors[-1][0] + 1)
    anchors.append((end_char, max(duration, anchors[-1][1])))
    offsets = [a[0] for a in anchors]
    out: list[tuple[int, int]] = []
    previous = 0
    for i, word in spoken:
        if i in times:
            ms = times[i]
        else:
            k = bisect.bisect_right(offsets, word.spoken_start)
            if k == 0:
                ms = anchors[0][1]
            elif k >= len(anchors):
                ms = anchors[-1][1]
            else:
                (c0, t0), (c1, t1) = anchors[k - 1], anchors[k]
                ms = t0 + (t1 - t0) * (word.spoken_start - c0) // max(c1 - c0, 1)
        ms = min(max(ms, previous), duration)
        previous = ms
        out.append((ms, i))
    return out


class SentenceTiming(NamedTuple):
    """The word starts of one synthesized sentence, for finding the word at a time."""

    duration_ms: int
    starts: tuple[tuple[int, int], ...]

    @classmethod
    def of(cls, sentence: Sentence, result: SynthResult) -> SentenceTiming:
        return cls(result.duration_ms, tuple(word_starts(sentence, result)))

    def word_at(self, ms: int) -> int | None:
        """The word being said at ``ms``: the last one started, None before the first."""
        k = bisect.bisect_right(self.starts, (ms, 1 << 30))
        return self.starts[k - 1][1] if k else None

    def start_of(self, word: int) -> int:
        for ms, index in self.starts:
            if index >= word:
                return ms
        return 0
