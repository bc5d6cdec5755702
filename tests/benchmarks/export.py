"""Talking-book export benchmark (not part of the pass/fail suite).

Run from the repository root::

    .venv/bin/python -m tests.benchmarks.export [--runs 5] [--rate 175]

Times, as whole processes in the same run (interpreter start included), median of the runs:

- ``story-player export --format epub`` of the bundled story (synthesis, MP3 encoding,
  the EPUB's text, overlays and zip);
- the reference: ``espeak-ng -w`` of the same spoken text, then an MP3 encode of that WAV
  with the same encoder (lameenc, in its own Python process, as no ``lame`` command is
  installed here).

Budget: the EPUB export <= 1.5x the reference.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from player.core.storyfile import load_story
from player.paths import bundled_story_path

BUDGET_RATIO = 1.5
ENCODE = (
    "import sys, wave, lameenc\n"
    "w = wave.open(sys.argv[1]); e = lameenc.Encoder(); e.set_bit_rate(64)\n"
    "e.set_in_sample_rate(w.getframerate()); e.set_channels(1); e.set_quality(2)\n"
    "data = e.encode(w.readframes(w.getnframes())) + e.flush()\n"
    "open(sys.argv[2], 'wb').write(data)\n"
)


def _timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, capture_output=True, check=True, timeout=300)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.benchmarks.export", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rate", type=int, default=175)
    parser.add_argument("--voice", default="gmw/en")
    ns = parser.parse_args(argv)
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        print("espeak-ng (the command) is not installed: no reference to compare with")
        return 1
    story = load_story(bundled_story_path())
    text = "\n".join(story.sentence(r).spoken for r in story.refs)
    ours: list[float] = []
    speak: list[float] = []
    encode: list[float] = []
    with tempfile.TemporaryDirectory(prefix="story-player-bench-") as tmp:
        folder = Path(tmp)
        (folder / "spoken.txt").write_text(text, encoding="utf-8")
        for i in range(ns.runs):
            ours.append(
                _timed(
                    [
                        sys.executable,
                        "-m",
                        "player",
                        "export",
                        "--format",
                        "epub",
                        "--out",
                        str(folder / f"book{i}.epub"),
                        "--voice",
                        ns.voice,
                        "--rate",
                        str(ns.rate),
                    ]
                )
            )
            speak.append(
                _timed(
                    [
                        espeak,
                        "-v",
                        ns.voice,
                        "-s",
                        str(ns.rate),
                        "-w",
                        str(folder / "e.wav"),
                        "-f",
                        str(folder / "spoken.txt"),
                    ]
                )
            )
            encode.append(
                _timed([sys.executable, "-c", ENCODE, str(folder / "e.wav"), str(folder / "e.mp3")])
            )
        size = (folder / "book0.epub").stat().st_size
    ours_s = statistics.median(ours)
    reference = statistics.median(s + e for s, e in zip(speak, encode, strict=True))
    ratio = ours_s / reference
    print(f"bundled story, voice {ns.voice}, {ns.rate} wpm, median of {ns.runs} runs")
    print(f"story-player export --format epub: {ours_s * 1000:.0f} ms ({size / 1e6:.2f} MB)")
    print(
        f"espeak-ng -w: {statistics.median(speak) * 1000:.0f} ms + lameenc encode: "
        f"{statistics.median(encode) * 1000:.0f} ms = {reference * 1000:.0f} ms"
    )
    verdict = "met" if ratio <= BUDGET_RATIO else "NOT met"
    print(f"ratio {ratio:.2f}x (budget <= {BUDGET_RATIO}x: {verdict})")
    return 0 if ratio <= BUDGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
