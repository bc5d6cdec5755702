"""Importing a 1 MB saved page, as a whole command (not part of the pass/fail suite).

Run from the repository root::

    .venv/bin/python -m tests.benchmarks.import_page

Builds a 1 MB page in the shape of a news site (a long article with figures, quotes and
embedded posts, wrapped in navigation, scripts and related-article lists), then times, in
the same run, ``story-player import PAGE --out TMP`` (a new process each time: start-up,
extraction and writing) against ``python -c`` running ``lxml.html.parse()`` on the same page.
The budget: the import costs at most 5 times the parse.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1] / "data" / "import"
TARGET_BYTES = 1_000_000
RUNS = 3


def build_page(folder: Path) -> Path:
    """A 1 MB page: the corpus's English feature, its article repeated, in heavy chrome."""
    page = (CORPUS / "en-feature.html").read_text(encoding="utf-8")
    head, _, rest = page.partition('<div class="article-body">')
    body, _, tail = rest.partition('<div class="newsletter-signup">')
    chrome = "".join(
        f'<li><a href="/section/{n}">Related story number {n} in the daily list</a></li>'
        f'<script>window.dataLayer.push({{"slot": {n}, "unit": "ad-{n}"}});</script>'
        for n in range(3000)
    )
    parts = [head, '<div class="article-body">']
    size = len(head) + len(chrome) + len(tail)
    n = 0
    while size < TARGET_BYTES:
        chunk = body.replace("Mill Lane", f"Mill Lane {n}").replace("2015", str(1900 + n % 120))
        parts.append(chunk)
        size += len(chunk.encode("utf-8"))
        n += 1
    parts += [
        '<div class="newsletter-signup">',
        tail.replace("</footer>", f"<ul>{chrome}</ul></footer>"),
    ]
    path = folder / "big.html"
    path.write_text("".join(parts), encoding="utf-8")
    return path


def _wall(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        page = build_page(folder)
        imports, parses = [], []
        for run in range(RUNS):
            out = folder / f"out-{run}"
            imports.append(
                _wall([sys.executable, "-m", "player", "import", str(page), "--out", str(out)])
            )
            parses.append(
                _wall([sys.executable, "-c", f"import lxml.html; lxml.html.parse({str(page)!r})"])
            )
        story = next((folder / "out-0").iterdir()) / "story.txt"
        size = page.stat().st_size
        i, p = statistics.median(imports), statistics.median(parses)
        print(f"page: {size / 1_000_000:.2f} MB, story: {story.stat().st_size / 1000:.0f} kB")
        print(f"story-player import  median {i * 1000:7.0f} ms (wall, {RUNS} runs)")
        print(f"python -c lxml parse median {p * 1000:7.0f} ms (wall, {RUNS} runs)")
        print(f"ratio {i / p:.1f}x (budget 5x)")


if __name__ == "__main__":
    main()
