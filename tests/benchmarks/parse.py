"""Story parsing speed per megabyte (not part of the pass/fail suite).

Run from the repository root::

    .venv/bin/python -m tests.benchmarks.parse [--reference /work/main]

Builds a 1 MB story from the bundled one (its segments repeated, images dropped so only
text work is measured) and reports the CPU time of ``load_story`` on it, in a fresh
process for this checkout and for the reference checkout (default: the main checkout),
alternating, so both see the same machine load. Spoken-text rules run for every
sentence, so this is where they would show.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parents[2]
SIZE = 1_000_000

_TIME_ONE = """
import sys, time
from player.core.storyfile import load_story
start = time.process_time()
load_story(sys.argv[1])
print(time.process_time() - start)
"""


def _big_story(folder: Path) -> Path:
    text = (HERE / "assets/stories/born-behind-bars/story.txt").read_text(encoding="utf-8")
    head, body = text.split("\n== ", 1)
    body = "== " + body.rsplit("\n== end", 1)[0]
    body = re.sub(r"(?m)^image\d*:.*\n", "", body)
    copies = [body]
    size = len(head.encode()) + len(body.encode())
    while size < SIZE:
        copies.append(body)
        size += len(body.encode())
    path = folder / "story.txt"
    path.write_text(f"{head}\n" + "\n\n".join(copies) + "\n\n== end\n", encoding="utf-8")
    return path


def _run(checkout: Path, story: Path) -> float:
    out = subprocess.run(
        [sys.executable, "-c", _TIME_ONE, str(story)],
        cwd=checkout,
        env={"PYTHONPATH": str(checkout), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    return float(out.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reference", type=Path, default=Path("/work/main"))
    parser.add_argument("-n", type=int, default=5, help="runs of each")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        story = _big_story(Path(tmp))
        megabytes = story.stat().st_size / 1e6
        times: dict[str, list[float]] = {"this checkout": [], "reference": []}
        for _ in range(args.n):
            times["this checkout"].append(_run(HERE, story))
            times["reference"].append(_run(args.reference, story))
    print(f"story: {megabytes:.2f} MB")
    for name, runs in times.items():
        per_mb = statistics.median(runs) / megabytes
        print(f"{name:>14}: median {per_mb:6.2f} s CPU per MB (of {len(runs)} runs)")


if __name__ == "__main__":
    main()
