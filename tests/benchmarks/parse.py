"""Story parsing speed per megabyte, at 1 MB and at the 5 MB limit (not part of the
pass/fail suite).

Run from the repository root::

    .venv/bin/python -m tests.benchmarks.parse [--reference DIR] [-n 3]

Two kinds of story at each size: the bundled story's segments repeated (images dropped so
only text work is measured) and varied text (sentences drawn at random from real text with
the hard cases mixed in, :func:`tests.core.parse_golden.varied_story`), where nothing
repeats, so no cache of repeated words or sentences could flatter the figure. For each,
``story-player check`` runs as a whole process (it computes everything: displayed and
spoken text, words, offsets); the figure is the CPU time of its ``load_story`` call, and
the whole process's CPU time is shown too. This checkout and the reference checkout
(default: the main checkout) alternate, so both see the same machine load.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.core.parse_golden import varied_story

HERE = Path(__file__).resolve().parents[2]
SIZES = (1_000_000, 5_000_000)

# `story-player check`, with the CPU time of loading the story and of the whole process.
_CHECK = """
import resource, sys, time
import player.core.storyfile as storyfile
from player.cli import main
load = storyfile.load_story
spent = []
def timed(path):
    start = time.process_time()
    try:
        return load(path)
    finally:
        spent.append(time.process_time() - start)
storyfile.load_story = timed
import player.cli.story
player.cli.story.load_story = timed
code = main(["check", sys.argv[1]])
usage = resource.getrusage(resource.RUSAGE_SELF)
print(spent[0], usage.ru_utime + usage.ru_stime, code, file=sys.stderr)
"""


def repeated_story(size: int) -> str:
    text = (HERE / "assets/stories/born-behind-bars/story.txt").read_text(encoding="utf-8")
    head, body = text.split("\n== ", 1)
    body = "== " + body.rsplit("\n== end", 1)[0]
    body = re.sub(r"(?m)^image\d*:.*\n", "", body)
    copies = [body]
    length = len(head.encode()) + len(body.encode())
    while length < size:
        copies.append(body)
        length += len(body.encode()) + 2
    return f"{head}\n" + "\n\n".join(copies) + "\n\n== end\n"


def _run(checkout: Path, story: Path) -> tuple[float, float]:
    out = subprocess.run(
        [sys.executable, "-c", _CHECK, str(story)],
        cwd=checkout,
        env={"PYTHONPATH": str(checkout), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    load, process, code = out.stderr.strip().splitlines()[-1].split()
    if code != "0":
        raise SystemExit(f"{checkout}: check failed on {story}:\n{out.stderr}{out.stdout}")
    return float(load), float(process)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reference", type=Path, default=Path("/work/main"))
    parser.add_argument("-n", type=int, default=3, help="runs of each")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for size in SIZES:
            stories = {
                "repeated": repeated_story(size),
                "varied": varied_story(size, "en", seed=size),
            }
            for kind, text in stories.items():
                path = Path(tmp) / f"{kind}-{size}" / "story.txt"
                path.parent.mkdir()
                path.write_text(text, encoding="utf-8")
                megabytes = path.stat().st_size / 1e6
                runs: dict[str, list[tuple[float, float]]] = {"this checkout": [], "reference": []}
                for _ in range(args.n):
                    runs["this checkout"].append(_run(HERE, path))
                    runs["reference"].append(_run(args.reference, path))
                print(f"{kind} story, {megabytes:.2f} MB:")
                for name, times in runs.items():
                    load = statistics.median(t[0] for t in times)
                    process = statistics.median(t[1] for t in times)
                    print(
                        f"  {name:>14}: load {load:6.2f} s CPU = {load / megabytes:5.2f} s/MB; "
                        f"whole check {process:6.2f} s CPU (median of {len(times)})"
                    )


if __name__ == "__main__":
    main()
