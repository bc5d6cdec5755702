"""File > Import… in the window: what the GUI thread spends, next to the import itself.

Run from the repository root::

    .venv/bin/python -m tests.benchmarks.import_window [-n 5] [--large]

Offscreen, with settings in memory and a throwaway library folder. For each page of
the import corpus it imports through the window ``n`` times (as File > Import… and a
drop do) and reports, as medians:

- ``start``: the GUI thread's time to start the import (the call returns at once);
- ``review``: the GUI thread's time to take the result and build the review dialog;
- ``gap importing``: the longest the GUI thread's event loop went without running a
  2 ms timer while the worker imported (what a reader would feel as a stall);
- ``gap in rows``: the same while a long review's rows come in slices, the first
  slice (``review``) excepted;
- ``idle``: the same longest gap with nothing running, for reference;
- ``import``: the import itself (read, extract, write, read back), timed in the same
  run on the main thread with no window: the work the GUI thread does not do.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_CONFIG = tempfile.mkdtemp(prefix="story-player-bench-config-")
os.environ["XDG_CONFIG_HOME"] = _CONFIG
os.environ["XDG_CONFIG_DIRS"] = os.path.join(_CONFIG, "system")

from PySide6.QtCore import QElapsedTimer, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from player.core.review import import_for_review  # noqa: E402
from player.core.settings import MemoryStore, Settings  # noqa: E402
from player.gui.window import MainWindow  # noqa: E402

CORPUS = Path(__file__).resolve().parents[1] / "data" / "import"
PAGES = ("en-feature.html", "de-liveblog.html", "en-single-file.mhtml", "en-notes.md")


def _through_window(app: QApplication, window: MainWindow, page: Path) -> dict[str, float]:
    """One import through the window: the GUI thread's costs and its longest stall."""
    taken: dict[str, float] = {}
    real: Callable[[Path, Future[Any]], None] = window._imported

    def timed(source: Path, future: Future[Any]) -> None:
        start = time.perf_counter()
        real(source, future)
        taken["review"] = time.perf_counter() - start

    window._imported = timed  # type: ignore[method-assign]
    gaps: dict[bool, list[float]] = {False: [], True: []}  # by: has the review begun?
    clock = QElapsedTimer()
    ticker = QTimer()
    ticker.setInterval(2)

    def tick() -> None:
        gaps["review" in taken].append(clock.nsecsElapsed() / 1e9)
        clock.restart()

    ticker.timeout.connect(tick)
    clock.start()
    ticker.start()
    start = time.perf_counter()
    window.import_in_background(page)
    taken["start"] = time.perf_counter() - start
    while "review" not in taken or (
        window.review_dialog is not None and not window.review_dialog.complete
    ):
        app.processEvents()
        time.sleep(0.0005)
    ticker.stop()
    taken["gap"] = max(gaps[False], default=0.0)
    taken["rows gap"] = max(gaps[True], default=0.0)
    dialog = window.review_dialog
    if dialog is not None:
        # Closed without its signals: Cancel would open the story, work that is not the import's.
        dialog.blockSignals(True)
        dialog.close()
        window.review_dialog = None
    window._imported = real  # type: ignore[method-assign,assignment]
    return taken


def _idle_gap(app: QApplication, seconds: float) -> float:
    """The longest gap between the 2 ms timer's runs with nothing else to do: the reference."""
    gaps: list[float] = []
    clock = QElapsedTimer()
    ticker = QTimer()
    ticker.setInterval(2)

    def tick() -> None:
        gaps.append(clock.nsecsElapsed() / 1e9)
        clock.restart()

    ticker.timeout.connect(tick)
    clock.start()
    ticker.start()
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.0005)
    ticker.stop()
    return max(gaps, default=0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=5, help="imports per page (default 5)")
    parser.add_argument(
        "--large",
        action="store_true",
        help="also the 1 MB page of tests.benchmarks.import_page (about 2.5 s an import)",
    )
    args = parser.parse_args()
    runs = args.n
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(MemoryStore())
        settings.set("library_folder", str(Path(tmp) / "window"))
        window = MainWindow(settings)
        window.show()
        import_for_review(CORPUS / PAGES[0], Path(tmp) / "warm")  # the extractor loads once
        print(
            f"{'page':<22} {'start':>8} {'review':>8} {'gap importing':>14} "
            f"{'gap in rows':>12} {'import':>8}  (ms)"
        )
        pages = [CORPUS / name for name in PAGES]
        if args.large:
            from tests.benchmarks.import_page import build_page

            pages.append(build_page(Path(tmp)))
        for page in pages:
            name = page.name
            rows = [_through_window(app, window, page) for _ in range(runs)]
            alone = []
            for n in range(runs):
                start = time.perf_counter()
                import_for_review(page, Path(tmp) / f"alone-{n}")
                alone.append(time.perf_counter() - start)

            def ms(key: str, rows: list[dict[str, float]] = rows) -> float:
                return statistics.median(r[key] for r in rows) * 1000

            print(
                f"{name:<22} {ms('start'):8.2f} {ms('review'):8.2f} {ms('gap'):14.1f} "
                f"{ms('rows gap'):12.1f} {statistics.median(alone) * 1000:8.1f}"
            )
        idle = statistics.median(_idle_gap(app, 0.2) for _ in range(runs)) * 1000
        print(f"{'(idle, no import)':<22} {'':8} {'':8} {idle:14.1f}")
        window.close()


if __name__ == "__main__":
    main()
