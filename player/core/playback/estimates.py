"""How long the rest of the story takes to hear: known durations plus estimates.

A sentence already synthesized in the voice and at the rate it would be read in
now counts with its real duration; any other is estimated from its spoken words
and a milliseconds-per-word figure calibrated on the real audio. The pauses
between sentences depend only on the story and the rate.

``time_left_ms`` is asked on every position change (the window shows it), so it
must not walk every remaining sentence each time: the words and the pauses are
kept as suffix sums (the pauses per rate), and the sentences with a known
duration in two Fenwick trees updated as each one is synthesized. A query is
then O(log n); only a change of rate or voice rebuilds (O(n)).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from player.core.model import Story
from player.core.playback.timeline import pause_after, spoken_word_count

log = logging.getLogger(__name__)

#: weight of one new sentence in the calibrated milliseconds per word
CALIBRATION_WEIGHT = 0.2
#: sentences shorter than this say too little about the speaking speed
CALIBRATION_MIN_WORDS = 3


class _Fenwick:
    """Prefix sums of integers that change one at a time (a binary indexed tree)."""

    def __init__(self, size: int) -> None:
        self._tree = [0] * (size + 1)

    def add(self, index: int, delta: int) -> None:
        i = index + 1
        while i < len(self._tree):
            self._tree[i] += delta
            i += i & -i

    def prefix(self, end: int) -> int:
        """The sum of the values before ``end``."""
        total = 0
        i = min(end, len(self._tree) - 1)
        while i > 0:
            total += self._tree[i]
            i -= i & -i
        return total


def _suffix_sums(values: list[int]) -> list[int]:
    """``out[i]`` is the sum of ``values[i:]`` (one more entry, 0, at the end)."""
    out = [0] * (len(values) + 1)
    for i in range(len(values) - 1, -1, -1):
        out[i] = out[i + 1] + values[i]
    return out


class TimeEstimates:
    """Durations of a story's sentences, known or estimated, and the time left from a point.

    ``voice_for(sentence)`` gives the voice a sentence is read in now. Not
    thread-safe on its own: the playback calls it under its lock, and calls
    :meth:`voices_changed` whenever ``voice_for`` would answer differently.
    """

    def __init__(self, story: Story, rate: int, voice_for: Callable[[int], str]) -> None:
        self._story = story
        self._rate = rate
        self._voice_for = voice_for
        self._words = [spoken_word_count(story.sentence(r)) for r in story.refs]
        self._word_suffix = _suffix_sums(self._words)
        self._pause_suffix: list[int] = []
        self._pause_rate = -1  # the rate _pause_suffix was summed for
        #: sentence -> (voice, rate, ms) of its last synthesis
        self._durations: dict[int, tuple[str, int, int]] = {}
        #: (words, ms) of the sentences whose duration is known for the voice and rate now
        self._known_words = _Fenwick(len(self._words))
        self._known_ms = _Fenwick(len(self._words))
        self._counted: dict[int, tuple[int, int]] = {}
        self.ms_per_word = 60_000 / rate  # recalibrated from real audio

    @property
    def rate(self) -> int:
        return self._rate

    def set_rate(self, wpm: int) -> None:
        """A new rate: scale the calibration, and only durations at ``wpm`` count now."""
        if wpm == self._rate:
            return
        self.ms_per_word *= self._rate / wpm
        self._rate = wpm
        self._recount()

    def voices_changed(self) -> None:
        """Some sentences are read in another voice now: their old durations no longer count."""
        self._recount()

    def record(self, sentence: int, duration_ms: int) -> None:
        """``sentence`` was synthesized, in its voice now and at the rate now, and lasts this."""
        voice = self._voice_for(sentence)
        self._durations[sentence] = (voice, self._rate, duration_ms)
        self._count(sentence, duration_ms)
        words = max(self._words[sentence], 1)
        if duration_ms and words >= CALIBRATION_MIN_WORDS:
            # calibrate estimates of unsynthesized sentences on real audio
            self.ms_per_word = (
                1 - CALIBRATION_WEIGHT
            ) * self.ms_per_word + CALIBRATION_WEIGHT * duration_ms / words

    def duration_ms(self, sentence: int) -> int:
        """The sentence's duration: known when synthesized with the settings now, else estimated."""
        known = self._durations.get(sentence)
        if known is not None and known[:2] == (self._voice_for(sentence), self._rate):
            return known[2]
        return int(self._words[sentence] * self.ms_per_word)

    def time_left_ms(self, start: int, into_ms: int = 0) -> int:
        """From ``into_ms`` into sentence ``start`` to the end, pauses included."""
        count = len(self._words)
        if count == 0:
            return 0
        start = min(max(start, 0), count - 1)
        known_words = self._known_words.prefix(count) - self._known_words.prefix(start)
        known_ms = self._known_ms.prefix(count) - self._known_ms.prefix(start)
        unknown_words = self._word_suffix[start] - known_words
        total = known_ms + int(unknown_words * self.ms_per_word) + self._pauses_from(start)
        return max(total - into_ms, 0)

    def _pauses_from(self, start: int) -> int:
        if self._pause_rate != self._rate:
            pauses = [pause_after(self._story, i, self._rate) for i in range(len(self._words))]
            self._pause_suffix = _suffix_sums(pauses)
            self._pause_rate = self._rate
        return self._pause_suffix[start]

    def _count(self, sentence: int, duration_ms: int) -> None:
        """Count ``sentence`` among the known ones with this duration (replacing its old one)."""
        old = self._counted.pop(sentence, None)
        if old is not None:
            self._known_words.add(sentence, -old[0])
            self._known_ms.add(sentence, -old[1])
        words = self._words[sentence]
        self._known_words.add(sentence, words)
        self._known_ms.add(sentence, duration_ms)
        self._counted[sentence] = (words, duration_ms)

    def _recount(self) -> None:
        """Rebuild the known sums from the durations that match the settings now."""
        size = len(self._words)
        self._known_words = _Fenwick(size)
        self._known_ms = _Fenwick(size)
        self._counted = {}
        for sentence, (voice, rate, ms) in self._durations.items():
            if rate == self._rate and voice == self._voice_for(sentence):
                self._count(sentence, ms)
