"""The time-left estimate against espeak-ng's real audio (not part of the pass/fail suite).

Run from the repository root::

    .venv/bin/python -m tests.benchmarks.time_left

For the bundled story at a few rates: the real length (every sentence synthesized,
plus the pauses the playback inserts), the estimate before any synthesis, and the
estimate once only the calibration sample is synthesized, with their errors; the
worst error on one segment's own share while none of it is synthesized; and what
calibrating costs (synthesizing the sample) beside synthesizing the whole story, in
the same run.
"""

from __future__ import annotations

import time

from player.core.playback.estimates import TimeEstimates
from player.core.playback.timeline import pause_after
from player.core.speech.espeak import EspeakSynthesizer
from player.core.storyfile import parse_story
from player.paths import bundled_story_path

VOICE = "gmw/en"
RATES = (80, 120, 175, 300, 450)


def _pct(value: float, reference: float) -> str:
    return f"{100 * (value - reference) / reference:+.1f} %"


def main() -> None:
    path = bundled_story_path()
    story = parse_story(path.read_text(encoding="utf-8"), path)
    espeak = EspeakSynthesizer()
    starts = [story.first_sentence_of_segment(s) for s in range(len(story.segments))]
    firsts = [s for s in starts if s is not None]
    print(f"{path.name}: {story.sentence_count} sentences, {len(firsts)} segments, voice {VOICE}")
    print("rate | real | before synthesis | sample only | worst segment | sample CPU | story CPU")
    for rate in RATES:
        began = time.process_time()
        real = [
            espeak.synthesize(story.sentence(r).spoken, VOICE, rate).duration_ms for r in story.refs
        ]
        story_cpu = time.process_time() - began
        total = sum(real[i] + pause_after(story, i, rate) for i in range(len(real)))
        estimates = TimeEstimates(story, rate, lambda _sentence: VOICE)
        before = estimates.time_left_ms(0)
        began = time.process_time()
        for i in estimates.sample:
            espeak.synthesize(story.sentence(story.refs[i]).spoken, VOICE, rate)
        sample_cpu = time.process_time() - began
        for i in estimates.sample:
            estimates.record(i, real[i])
        after = estimates.time_left_ms(0)
        worst = 0.0
        for k, first in enumerate(firsts):
            end = firsts[k + 1] if k + 1 < len(firsts) else story.sentence_count
            own = sum(real[i] + pause_after(story, i, rate) for i in range(first, end))
            unknown = TimeEstimates(story, rate, lambda _sentence: VOICE)
            for i in unknown.sample:
                if not first <= i < end:
                    unknown.record(i, real[i])
            shown = unknown.time_left_ms(first) - unknown.time_left_ms(end)
            worst = max(worst, abs(shown - own) / own)
        print(
            f"{rate} | {total / 1000:.1f} s | {before / 1000:.1f} s ({_pct(before, total)}) | "
            f"{after / 1000:.1f} s ({_pct(after, total)}) | ±{100 * worst:.1f} % | "
            f"{1000 * sample_cpu:.0f} ms ({len(estimates.sample)} sentences) | "
            f"{1000 * story_cpu:.0f} ms"
        )


if __name__ == "__main__":
    main()
