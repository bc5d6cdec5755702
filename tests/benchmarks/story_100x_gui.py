"""The GUI thread's time per segment jump on the 100x story, this checkout beside another.

Run from the repository root::

    .venv/bin/python -m tests.benchmarks.story_100x_gui [--runs 4] [--reference DIR]

Part 3 of :mod:`tests.benchmarks.story_100x` alone: each run is a fresh interpreter that
opens the bundled story's window and then the 100x story's, offscreen, and times their
segment jumps (:func:`tests.benchmarks.story_100x._gui_jumps`: a jump and the events it
posts, wall and the GUI thread's CPU time), stopped and then while the app's playback
reads. With ``--reference DIR`` (``git archive COMMIT | tar -x -C DIR``) the runs
alternate between this checkout and that one, so the machine's other work falls on both.
Prints each run's medians for the 100x story and the median of those medians.

Budget: the 100x story's median, stopped and reading, <= 5 ms (as in ``story_100x``).
Exit status 1 when this checkout's is over.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
JUMP_GUI_MS = 5.0

#: what a run does, in the checkout it runs from (its own copy of story_100x)
_CHILD = """
import json, statistics, sys, tempfile
from pathlib import Path
from player.paths import bundled_story_path
from tests.benchmarks import story_100x
from tests.support import large_story_text

with tempfile.TemporaryDirectory(prefix="story-player-bench-") as scratch:
    bundled = bundled_story_path()
    large = Path(scratch) / "large.txt"
    large.write_text(large_story_text(bundled, bundled.stat().st_size * 100), encoding="utf-8")
    found = {}
    for playing in (False, True):
        for name, path in (("bundled", bundled), ("100x", large)):
            times, cpu = story_100x._gui_jumps(path, playing)
            if name == "100x":
                key = "reading" if playing else "stopped"
                found[key] = [statistics.median(times) * 1000, statistics.median(cpu) * 1000]
print("RESULT " + json.dumps(found))
"""


def _run(root: Path) -> dict[str, list[float]]:
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(root), env.get("PYTHONPATH")) if p)
    done = subprocess.run(
        [sys.executable, "-c", _CHILD],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            found: dict[str, list[float]] = json.loads(line.removeprefix("RESULT "))
            return found
    raise RuntimeError(f"{root}: no result (exit {done.returncode}): {done.stderr[-2000:]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=4, help="runs of each checkout")
    parser.add_argument("--reference", type=Path, help="another checkout, run in turn")
    ns = parser.parse_args()
    if ns.runs < 1:
        parser.error("--runs must be at least 1")
    if ns.reference is not None and not (ns.reference / "player" / "__init__.py").is_file():
        parser.error(f"--reference {ns.reference}: not a checkout of the app (no player/)")
    trees = {"this checkout": ROOT}
    if ns.reference is not None:
        trees["reference"] = ns.reference.resolve()
    runs: dict[str, list[dict[str, list[float]]]] = {name: [] for name in trees}
    for _ in range(ns.runs):
        for name, root in trees.items():
            runs[name].append(_run(root))
    print("100x story, GUI thread per segment jump: each run's median, wall ms (CPU ms)")
    over = False
    for name in trees:
        print(f" {name} ({trees[name]})")
        for what in ("stopped", "reading"):
            got = [run[what] for run in runs[name]]
            each = ", ".join(f"{wall:.2f} ({cpu:.2f})" for wall, cpu in got)
            middle = statistics.median(wall for wall, _ in got)
            print(f"  {what:8} runs: {each}; median {middle:.2f} ms")
            if name == "this checkout" and middle > JUMP_GUI_MS:
                over = True
    print(f"budget {JUMP_GUI_MS} ms (this checkout): {'OVER' if over else 'met'}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
