"""How long the rest of the story takes to hear: known durations plus estimates.

There is one estimate of the time left, and every place that shows one (the
status line, Where Am I, the playback's own figure) asks it. A sentence already
synthesized in the voice and at the rate it would be read in now counts with
its real duration; any other is estimated from its spoken letters and digits
(on espeak-ng they follow the audio more closely than words: a number or a long
word is one word but many sounds) times a milliseconds-per-letter figure.

That figure is calibrated on a fixed sample of the story's own sentences,
chosen once per story (evenly spread over it), and on those alone: which other
sentences happen to have been synthesized depends on how the reader got to a
place (playing through, or jumping), and a figure that moved with it made the
time left at one place differ from one visit to the next. Until the sample is
synthesized a figure measured on espeak-ng stands in for it.

``time_left_ms`` is asked on every position change (the window shows it), so it
must not walk every remaining sentence each time: the letters and the pauses
are kept as suffix sums (the pauses per rate), and the sentences with a known
duration in two Fenwick trees updated as each one is synthesized. A query is
then O(log n); only a change of rate or voice rebuilds (O(n)).

The per-sentence figures are arrays of machine integers, not lists: a list holds a
separate int object for every figure above 256 (the sums), 36 bytes each where an array
takes 8.
"""

from __future__ import annotations

import logging
from array import array
from collections.abc import Callable, Sequence

from player.core.model import Sentence, Story
from player.core.playback.timeline import pause_after

log = logging.getLogger(__name__)

#: ms x words per minute per spoken letter or digit: espeak-ng's English voices
#: measured on the bundled story (68.6 ms a letter at 175 wpm, 64-72 ms from 80 to
#: 450 wpm scaled back to 175)
PRIOR_MS_WPM_PER_UNIT = 12_000
#: how many sentences calibrate the estimate (synthesizing them takes about 10 ms each)
SAMPLE_SIZE = 24
#: sentences shorter than this (in letters) say too little about the speaking speed
SAMPLE_MIN_UNITS = 12


def spoken_units(sentence: Sentence) -> int:
    """What the estimate counts in a sentence: the letters and digits it says."""
    return sum(map(str.isalnum, sentence.spoken))


def story_units(story: Story) -> array[int]:
    """:func:`spoken_units` of every sentence, made once per story (130 ms for 60,000
    sentences): the window's loader makes them on its worker thread."""
    return story.derived(
        "spoken units", lambda s: array("i", [spoken_units(s.sentence(r)) for r in s.refs])
    )


def story_pause_suffix(story: Story, rate: int) -> array[int]:
    """Suffix sums of the pauses after each sentence at ``rate``, made once per story and
    rate (40 ms for 60,000 sentences), as :func:`story_units` is."""
    return story.derived(
        f"pause suffix at {rate}",
        lambda s: _suffix_sums([pause_after(s, i, rate) for i in range(len(s.refs))]),
    )


def calibration_sample(units: Sequence[int], size: int = SAMPLE_SIZE) -> tuple[int, ...]:
    """Up to ``size`` sentences spread evenly over the story, long enough to measure."""
    candidates = [i for i, count in enumerate(units) if count >= SAMPLE_MIN_UNITS]
    if not candidates:
        candidates = [i for i, count in enumerate(units) if count > 0]
    if len(candidates) <= size:
        return tuple(candidates)
    step = (len(candidates) - 1) / (size - 1)
    return tuple(sorted({candidates[round(k * step)] for k in range(size)}))


class _Fenwick:
    """Prefix sums of integers that change one at a time (a binary indexed tree)."""

    def __init__(self, size: int) -> None:
        self._tree = array("q", bytes(8 * (size + 1)))

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


def _suffix_sums(values: Sequence[int]) -> array[int]:
    """``out[i]`` is the sum of ``values[i:]`` (one more entry, 0, at the end)."""
    out = array("q", bytes(8 * (len(values) + 1)))
    total = 0
    for i in range(len(values) - 1, -1, -1):
        total += values[i]
        out[i] = total
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
        self._units = story_units(story)
        self._unit_suffix = _suffix_sums(self._units)
        #: the sentences the estimate is calibrated on, for the playback to synthesize
        self.sample = calibration_sample(self._units)
        self._pause_suffix: Sequence[int] = ()
        self._pause_rate = -1  # the rate _pause_suffix was summed for
        #: sentence -> (voice, rate, ms) of its last synthesis
        self._durations: dict[int, tuple[str, int, int]] = {}
        #: (units, ms) of the sentences whose duration is known for the voice and rate now
        self._known_units = _Fenwick(len(self._units))
        self._known_ms = _Fenwick(len(self._units))
        self._counted: dict[int, tuple[int, int]] = {}
        self.ms_per_unit = PRIOR_MS_WPM_PER_UNIT / max(rate, 1)
        self._calibrate()

    @property
    def rate(self) -> int:
        return self._rate

    @property
    def calibrated(self) -> bool:
        """Whether every sample sentence is synthesized with the settings now."""
        return all(self._known(i) is not None for i in self.sample)

    def missing_sample(self) -> list[int]:
        """The sample sentences still to synthesize with the settings now."""
        return [i for i in self.sample if self._known(i) is None]

    def set_rate(self, wpm: int) -> None:
        """A new rate: only durations at ``wpm`` count now."""
        if wpm == self._rate:
            return
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
        if sentence in self.sample:
            self._calibrate()

    def duration_ms(self, sentence: int) -> int:
        """The sentence's duration: known when synthesized with the settings now, else estimated."""
        known = self._known(sentence)
        if known is not None:
            return known
        return round(self._units[sentence] * self.ms_per_unit)

    def time_left_ms(self, start: int, into_ms: int = 0) -> int:
        """From ``into_ms`` into sentence ``start`` to the end, pauses included."""
        count = len(self._units)
        if count == 0 or start >= count:
            return 0
        start = max(start, 0)
        known_units = self._known_units.prefix(count) - self._known_units.prefix(start)
        known_ms = self._known_ms.prefix(count) - self._known_ms.prefix(start)
        unknown_units = self._unit_suffix[start] - known_units
        total = known_ms + round(unknown_units * self.ms_per_unit) + self._pauses_from(start)
        return max(total - into_ms, 0)

    def _known(self, sentence: int) -> int | None:
        known = self._durations.get(sentence)
        if known is not None and known[:2] == (self._voice_for(sentence), self._rate):
            return known[2]
        return None

    def _calibrate(self) -> None:
        """ms per unit from the sample sentences known now, the prior for the rest of it.

        Unknown sample sentences count at the prior, so the figure moves towards the
        measured one as the sample comes in rather than leaning on its first sentence.
        """
        prior = PRIOR_MS_WPM_PER_UNIT / max(self._rate, 1)
        total_units = 0
        total_ms = 0.0
        for i in self.sample:
            units = self._units[i]
            known = self._known(i)
            total_units += units
            total_ms += known if known is not None else units * prior
        self.ms_per_unit = total_ms / total_units if total_units else prior

    def _pauses_from(self, start: int) -> int:
        if self._pause_rate != self._rate:
            self._pause_suffix = story_pause_suffix(self._story, self._rate)
            self._pause_rate = self._rate
        return self._pause_suffix[start]

    def _count(self, sentence: int, duration_ms: int) -> None:
        """Count ``sentence`` among the known ones with this duration (replacing its old one)."""
        old = self._counted.pop(sentence, None)
        if old is not None:
            self._known_units.add(sentence, -old[0])
            self._known_ms.add(sentence, -old[1])
        units = self._units[sentence]
        self._known_units.add(sentence, units)
        self._known_ms.add(sentence, duration_ms)
        self._counted[sentence] = (units, duration_ms)

    def _recount(self) -> None:
        """Rebuild the known sums from the durations that match the settings now."""
        size = len(self._units)
        self._known_units = _Fenwick(size)
        self._known_ms = _Fenwick(size)
        self._counted = {}
        for sentence, (voice, rate, ms) in self._durations.items():
            if rate == self._rate and voice == self._voice_for(sentence):
                self._count(sentence, ms)
        self._calibrate()
