"""How long the GUI thread is blocked while a 4.9 MB story opens, next to an idle window.

Run: ``.venv/bin/python tests/benchmarks/open_large.py [--mb 4.9]``

Writes a story of the bundled story's segments repeated to the size asked, starts the
window as ``story-player STORY`` does (the story parsed on a worker thread, its
document built in slices), and records the longest gap between ticks of a 5 ms
QTimer from just before the window is made until the story's text is in the pane.
The reference, in the same run: the same heartbeat over an idle window for as long.
Then segment jumps (``cmd_next_segment`` and jumps to segments spread over the story,
each followed by the events it posts) are timed on the GUI thread, as soon as the text is
in and again 3 s later.
Budgets: longest gap <= 50 ms, a segment jump <= 50 ms. Offscreen. Exit status 1 when
over budget.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel

from player.core.settings import MemoryStore, Settings
from player.gui import app as app_module
from player.paths import bundled_story_path
from tests.support import large_story_text

BUDGET_S = 0.050


class Heartbeat:
    """Gaps between ticks of a 5 ms timer."""

    def __init__(self) -> None:
        self.gaps: list[float] = []
        self.ends: list[float] = []  # when each gap ended, from the start
        self._last = time.perf_counter()
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

        self.arrived = 0.0  # when the story reached the GUI thread (0: not yet)
        self._began = self._last

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append(now - self._last)
        self.ends.append(now - self._began)
        self._last = now


class _FirstPaint(QObject):
    """When the watched widget first painted, in seconds from ``began``."""

    def __init__(self, began: float) -> None:
        super().__init__()
        self.began = began
        self.at = float("inf")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self.at == float("inf"):
            self.at = time.perf_counter() - self.began
        return False


def _run_until(app: QApplication, done: callable, limit_s: float) -> float:  # type: ignore[valid-type]
    began = time.perf_counter()
    while not done() and time.perf_counter() - began < limit_s:
        app.processEvents()
        time.sleep(0.001)
    return time.perf_counter() - began


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=float, default=4.9)
    ns = parser.parse_args()
    app = app_module.ensure_application()
    app_module.playback_factory = None
    app_module.voice_lister = None
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "large.txt"
        path.write_text(large_story_text(bundled_story_path(), int(ns.mb * 1_000_000)))
        size = path.stat().st_size / 1_000_000

        beat = Heartbeat()
        window = app_module.create_window([str(path)], Settings(MemoryStore()), in_background=True)
        first_paint = _FirstPaint(beat._began)
        window.pane.installEventFilter(first_paint)
        window.show()
        shown = time.perf_counter() - beat._last
        window.pane.built.connect(lambda: None)
        arrived = _run_until(app, lambda: window.story is not None, 600)
        story_at = time.perf_counter() - beat._began  # the story is on the GUI thread
        opened = arrived + _run_until(app, lambda: window.pane.ready, 600)
        beat.timer.stop()
        longest = max(beat.gaps, default=0.0)
        after_shown = max(
            (g for g, e in zip(beat.gaps, beat.ends, strict=True) if e > shown + g), default=0.0
        )
        sentences = window.story.sentence_count if window.story else 0
        jumps = _segment_jumps(app, window)
        # Qt lays a long document out lazily, a step per idle turn; a jump far ahead
        # before it is done lays out the text up to there first.
        _run_until(app, lambda: False, 3.0)
        settled = _segment_jumps(app, window)
        window.close()

        idle = QLabel("idle")
        idle.show()
        reference = Heartbeat()
        _run_until(app, lambda: False, min(opened, 10.0))
        reference.timer.stop()
        idle_longest = max(reference.gaps, default=0.0)

    print(f"story: {size:.2f} MB, {sentences} sentences")
    print(f"window made and shown: {shown * 1000:.0f} ms")
    # The blocks up to the first tick after the pane's first paint: making, showing, painting.
    until = next((e for e in beat.ends if e >= first_paint.at), first_paint.at)
    first = max((g for g, e in zip(beat.gaps, beat.ends, strict=True) if e <= until), default=0.0)
    print(f"longest block until the window's first paint: {first * 1000:.0f} ms")
    print(f"open to text in the pane: {opened:.1f} s (parse on a worker, document in slices)")
    print(
        f"longest GUI-thread block while opening: {longest * 1000:.0f} ms "
        f"(budget {BUDGET_S * 1000:.0f} ms)"
    )
    print(f"longest block after the window was shown: {after_shown * 1000:.0f} ms")
    # The block in which the story reached the GUI thread ends after story_at.
    taken_in = [(g, e) for g, e in zip(beat.gaps, beat.ends, strict=True) if e >= story_at]
    print(
        f"longest block once the story arrived ({story_at:.1f} s): "
        f"{max((g for g, _ in taken_in), default=0.0) * 1000:.0f} ms; over 40 ms:",
        [(round(g * 1000), round(e, 2)) for g, e in taken_in if g > 0.040],
    )
    worst = sorted(zip(beat.gaps, beat.ends, strict=True), reverse=True)[:3]
    print(f"story parsed on the worker and shown: {arrived:.1f} s from the start")
    print("longest blocks (ms, ending at s):", [(round(g * 1000), round(e, 1)) for g, e in worst])
    print(f"reference, idle window, same heartbeat: {idle_longest * 1000:.0f} ms")
    for label, times in (("as soon as the text is in", jumps), ("3 s later", settled)):
        times.sort()
        print(
            f"segment jump {label} ({len(times)} jumps): median "
            f"{statistics.median(times) * 1000:.1f} ms, longest {times[-1] * 1000:.1f} ms "
            f"(budget {BUDGET_S * 1000:.0f} ms)"
        )
    return 0 if longest <= BUDGET_S and max(jumps + settled) <= BUDGET_S else 1


def _segment_jumps(app: QApplication, window: Any, cpu: list[float] | None = None) -> list[float]:
    """Seconds of GUI-thread work per segment jump: the jump and the events it posts.

    The GUI thread's CPU seconds for each go into ``cpu`` when one is given (on a shared
    machine the wall time also counts the turns other work took).
    """
    segments = len(window.story.segments) if window.story else 0
    times: list[float] = []
    targets = [segments * k // 20 for k in range(20)] + [segments - 1]
    for target in targets:
        for jump in (partial(window.jump_to_segment, target), window.cmd_next_segment):
            began, began_cpu = time.perf_counter(), time.thread_time()
            jump()
            app.processEvents()
            times.append(time.perf_counter() - began)
            if cpu is not None:
                cpu.append(time.thread_time() - began_cpu)
    return times


if __name__ == "__main__":
    sys.exit(main())
