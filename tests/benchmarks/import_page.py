"""Importing a 1 MB saved page, as a whole command (not part of the pass/fail suite).

Run from the repository root::

    .venv/bin/python -m tests.benchmarks.import_page

Builds a 1 MB page in the shape of a news site (a long article with figures, quotes and
embedded posts, wrapped in navigation, scripts and related-article lists), then times, in
the same run, ``story-player import PAGE --out TMP`` (a new process each time: start-up,
extraction and writing) against ``python -c`` running ``lxml.html.parse()`` on the same page.
The budget: the import costs at most 5 times the parse.

Two pages are measured: the article in its one container (``whole``), and the same
article with only its first part in the container and the rest loose after it
(``split``, the shape this benchmark first built by mistake), where the main extraction
keeps too little and trafilatura's second opinion runs.
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


def build_page(folder: Path, *, split: bool = False) -> Path:
    """A 1 MB page: the corpus's English feature, its article repeated, in heavy chrome."""
    page = (CORPUS / "en-feature.html").read_text(encoding="utf-8")
    head, _, rest = page.partition('<div class="article-body">')
    body, _, tail = rest.partition('<div class="newsletter-signup">')
    # The body ends with the container's closing tag: repeated as it is, every copy after
    # the first would be outside the container.
    inner, close, after = body.rpartition("</div>")
    chunk_text = body if split else inner
    chrome = "".join(
        f'<li><a href="/section/{n}">Related story number {n} in the daily list</a></li>'
        f'<script>window.dataLayer.push({{"slot": {n}, "unit": "ad-{n}"}});</script>'
        for n in range(3000)
    )
    parts = [head, '<div class="article-body">']
    size = len(head) + len(chrome) + len(tail)
    n = 0
    while size < TARGET_BYTES:
        chunk = chunk_text.replace("Mill Lane", f"Mill Lane {n}").replace(
            "2015", str(1900 + n % 120)
        )
        parts.append(chunk)
        size += len(chunk.encode("utf-8"))
        n += 1
    if not split:
        parts += [close, after]
    parts += [
        '<div class="newsletter-signup">',
        tail.replace("</footer>", f"<ul>{chrome}</ul></footer>"),
    ]
    path = folder / ("split.html" if split else "whole.html")
    path.write_text("".join(parts), encoding="utf-8")
    return path


def _wall(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def _measure(folder: Path, page: Path) -> None:
    imports, parses = [], []
    for run in range(RUNS):
        out = folder / f"out-{page.stem}-{run}"
        imports.append(
            _wall([sys.executable, "-m", "player", "import", str(page), "--out", str(out)])
        )
        parses.append(
            _wall([sys.executable, "-c", f"import lxml.html; lxml.html.parse({str(page)!r})"])
        )
    story = next((folder / f"out-{page.stem}-0").iterdir()) / "story.txt"
    size = page.stat().st_size
    i, p = statistics.median(imports), statistics.median(parses)
    print(
        f"{page.stem}: page {size / 1_000_000:.2f} MB, story {story.stat().st_size / 1000:.0f} kB"
    )
    print(f"  story-player import  median {i * 1000:7.0f} ms (wall, {RUNS} runs)")
    print(f"  python -c lxml parse median {p * 1000:7.0f} ms (wall, {RUNS} runs)")
    print(f"  ratio {i / p:.1f}x (budget 5x)")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for split in (False, True):
            _measure(folder, build_page(folder, split=split))


if __name__ == "__main__":
    main()
