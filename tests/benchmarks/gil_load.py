"""How long the GUI thread waits for the interpreter lock while a worker parses a story.

Run: ``.venv/bin/python tests/benchmarks/gil_load.py [--mb 4.9] [--runs 2]``

A shown contents list of 3,000 segments is repainted on every tick of a 5 ms QTimer (each
repaint calls Python for every row drawn, as the window's lists do) while a worker thread
loads a story of the bundled story's segments repeated, through
:func:`player.gui.opening.load_first` as the window does. The gaps between ticks are
recorded with the interpreter's switch interval at Python's default (5 ms: the reference)
and at the window's :data:`~player.gui.opening.LOADING_SWITCH_INTERVAL`, alternating in
the same run so both see the same machine load. Offscreen.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from player.gui import opening
from player.gui.contents import ContentsTree
from player.paths import bundled_story_path
from tests.support import generated_story, large_story_text

DEFAULT_INTERVAL = 0.005


def _one_load(app: QApplication, tree: ContentsTree, path: Path, interval: float) -> list[float]:
    """Tick gaps (s) while ``path`` loads on a worker with the switch interval given."""
    gaps: list[float] = []
    last = time.perf_counter()

    def tick() -> None:
        nonlocal last
        now = time.perf_counter()
        gaps.append(now - last)
        last = now
        tree.viewport().update()

    done = threading.Event()
    spent: list[float] = []

    def work() -> None:
        began = time.perf_counter()
        opening.load_first(None, [path])
        spent.append(time.perf_counter() - began)
        done.set()

    saved = opening.LOADING_SWITCH_INTERVAL
    opening.LOADING_SWITCH_INTERVAL = interval
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(tick)
    timer.start()
    last = time.perf_counter()
    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    try:
        while not done.is_set():
            app.processEvents()
            time.sleep(0.001)
    finally:
        timer.stop()
        worker.join()
        opening.LOADING_SWITCH_INTERVAL = saved
    gaps.append(spent[0])  # the load's own time, last
    return gaps


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=float, default=4.9)
    parser.add_argument("--runs", type=int, default=2)
    ns = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    tree = ContentsTree()
    tree.resize(300, 800)
    tree.set_story(generated_story(3_000))
    tree.show()
    for _ in range(20):
        app.processEvents()
    intervals = (DEFAULT_INTERVAL, opening.LOADING_SWITCH_INTERVAL)
    results: dict[float, tuple[list[float], list[float]]] = {i: ([], []) for i in intervals}
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "large.txt"
        path.write_text(large_story_text(bundled_story_path(), int(ns.mb * 1_000_000)))
        for _ in range(ns.runs):
            for interval in intervals:
                *gaps, load_s = _one_load(app, tree, path, interval)
                results[interval][0].extend(gaps)
                results[interval][1].append(load_s)
    print(f"story {ns.mb} MB, {ns.runs} loads each, GUI ticks every 5 ms repainting the list")
    for interval in intervals:
        gaps, loads = results[interval]
        gaps.sort()
        label = "Python's default" if interval == DEFAULT_INTERVAL else "while loading"
        print(
            f"switch interval {interval * 1000:g} ms ({label}): tick gap p50 "
            f"{statistics.median(gaps) * 1000:.1f} ms, p95 {gaps[int(len(gaps) * 0.95)] * 1000:.1f}"
            f" ms, longest {gaps[-1] * 1000:.0f} ms; load {statistics.median(loads):.2f} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
