"""What holding glibc's mmap threshold costs a large story's parse (not part of the suite).

Run from the repository root::

    .venv/bin/python -m tests.benchmarks.allocator [--runs 3] [--mb 4.9]

The window holds the threshold at 128 KiB when it starts (:mod:`player.platform.allocator`)
so that a long session does not grow with arena holes; the price is that every block
of 128 KiB or more gets its own ``mmap``, the large lists and strings of a parse among
them. This parses a story of the bundled one repeated to ``--mb`` megabytes (what
opening it in the window does on its worker thread) with the threshold held, and, as
the reference in the same run, left to glibc; each parse in a fresh interpreter (the
setting is process-wide and sticky), the two alternating. Prints each run's seconds and
the medians. What it saves is measured by the GUI soak (see README, Tests).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from player.paths import bundled_story_path
from tests.support import large_story_text

ROOT = Path(__file__).resolve().parents[2]

#: run in a fresh interpreter: argv[1] is the story, argv[2] "held" or "glibc"
PARSE = """
import sys, time
from pathlib import Path
from player.core.storyfile import load_story
from player.platform.allocator import hold_mmap_threshold
if sys.argv[2] == "held" and not hold_mmap_threshold():
    sys.exit("the threshold could not be held (not glibc?)")
began = time.perf_counter()
load_story(Path(sys.argv[1]))
print(time.perf_counter() - began)
"""


def parse_seconds(story: Path, mode: str) -> float:
    done = subprocess.run(
        [sys.executable, "-c", PARSE, str(story), mode],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    return float(done.stdout.strip())


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--mb", type=float, default=4.9)
    ns = parser.parse_args()
    times: dict[str, list[float]] = {"glibc": [], "held": []}
    with tempfile.TemporaryDirectory() as scratch:
        story = Path(scratch) / "large.txt"
        story.write_text(large_story_text(bundled_story_path(), int(ns.mb * 1_000_000)))
        print(f"story: {story.stat().st_size / 1_000_000:.2f} MB")
        for run in range(1, ns.runs + 1):
            for mode in times:
                times[mode].append(parse_seconds(story, mode))
            last_glibc, last_held = times["glibc"][-1], times["held"][-1]
            print(f"run {run}: left to glibc {last_glibc:.2f} s, held {last_held:.2f} s")
    glibc, held = statistics.median(times["glibc"]), statistics.median(times["held"])
    print(
        f"median parse: left to glibc {glibc:.2f} s, threshold held {held:.2f} s "
        f"({held / glibc:.2f}x)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
