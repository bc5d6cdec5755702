"""Which steps of an import hold the interpreter lock, and for how long (a diagnosis).

Run from the repository root::

    .venv/bin/python -m tests.benchmarks.import_gil [--runs 3]

No window: a heartbeat on the main thread sleeps 2 ms at a time while one step of
importing the 1 MB page of ``tests.benchmarks.import_page`` runs on a worker thread, as
the window's import used to. A heartbeat late by much more than 2 ms waited for the
interpreter lock (the only other thing running is the worker). For each step it prints
the step's time and the heartbeat's longest gap (medians of ``--runs``), then where the
worker was when the longest gaps ended; the reference is the same heartbeat while the
worker sleeps. The window pauses the cyclic collector while its worker runs; so does
this diagnosis, as ``--collector`` says.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from player.core.importer import import_file, write_story
from player.core.review import read_review
from tests.benchmarks.import_page import build_page

Gap = tuple[float, str]  # the gap in seconds, where the worker was when it ended


def _heartbeat(work: Callable[[], Any]) -> tuple[float, list[Gap], Any]:
    """Run ``work`` on a worker; its time, the heartbeat's gaps over 10 ms, its result."""
    done = threading.Event()
    result: list[Any] = []

    def run() -> None:
        result.append(work())
        done.set()

    worker = threading.Thread(target=run)
    gaps: list[Gap] = []
    start = last = time.perf_counter()
    worker.start()
    while not done.is_set():
        time.sleep(0.002)
        now = time.perf_counter()
        if now - last > 0.010:
            frame = sys._current_frames().get(worker.ident or 0)
            where = ""
            if frame is not None:
                calls = traceback.extract_stack(frame)[-2:]
                where = " <- ".join(f"{Path(c.filename).name}:{c.lineno} {c.line}" for c in calls)
            gaps.append((now - last, where))
        last = now
    worker.join()
    return time.perf_counter() - start, gaps, result[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--collector",
        choices=("paused", "on"),
        default="paused",
        help="the cyclic collector while a step runs (the window pauses it)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        page = build_page(folder)
        story = write_story(import_file(page), folder / "warm") / "story.txt"  # loads it all
        steps: list[tuple[str, Callable[[], Any]]] = [
            ("read and extract (import_file)", lambda: import_file(page)),
            ("write the story folder", lambda: write_story(import_file(page), folder / "w")),
            ("read it back for review", lambda: read_review(story)),
            ("(reference: the worker sleeps)", lambda: time.sleep(0.5)),
        ]
        print(f"{'step':<34} {'time':>9} {'longest gap':>12}  (ms, medians of {args.runs})")
        worst: list[tuple[float, str, str]] = []
        for name, work in steps:
            times, longest = [], []
            for _ in range(args.runs):
                if args.collector == "paused":
                    gc.disable()
                try:
                    took, gaps, _result = _heartbeat(work)
                finally:
                    gc.enable()
                times.append(took)
                longest.append(max((g for g, _ in gaps), default=0.0))
                worst += [(g, name, where) for g, where in gaps]
            print(
                f"{name:<34} {statistics.median(times) * 1000:9.1f} "
                f"{statistics.median(longest) * 1000:12.1f}"
            )
        print("\nThe longest gaps, and where the worker was when each ended:")
        for gap, name, where in sorted(worst, reverse=True)[:8]:
            print(f"{gap * 1000:6.1f} ms  {name}: {where}")


if __name__ == "__main__":
    main()
