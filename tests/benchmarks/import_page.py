"""Importing a 1 MB saved page, as a whole command (not part of the pass/fail suite).

Run from the repository root::

    .venv/bin/python -m tests.benchmarks.import_page [--reference DIR] [--runs 3]

Builds a 1 MB page in the shape of a news site (a long article with figures, quotes and
embedded posts, wrapped in navigation, scripts and related-article lists), then times, in
the same run, ``story-player import PAGE --out TMP`` (a new process each time: start-up,
extraction and writing) against ``python -c`` running ``lxml.html.parse()`` on the same page.
The budget: the import costs at most 5 times the parse.

Two pages are measured: the article in its one container (``whole``), and the same
article with only its first part in the container and the rest loose after it
(``split``, the shape this benchmark first built by mistake), where the main extraction
keeps too little and trafilatura's second opinion runs. Also timed: trafilatura alone (its
import, the parse and the main extraction in ``python -c``), the floor under any change to
the player's side, and with ``--reference DIR`` the import of another checkout (an earlier
commit's files), all in the same run.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[2]
CORPUS = HERE / "tests" / "data" / "import"
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


def _run(command: list[str], checkout: Path = HERE) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of a new process running ``command``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=checkout, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


#: trafilatura alone, as the import runs it first: its import, the parse and its main
#: extraction, nothing of the player's; what no change to the player can go below.
_TRAFILATURA = """import lxml.html, trafilatura
root = lxml.html.parse({page!r}).getroot()
trafilatura.bare_extraction(root, fast=True, with_metadata=True, output_format="xml",
    include_images=True, include_links=True, include_formatting=True, include_comments=True,
    favor_precision=True)"""


def _measure(folder: Path, page: Path, runs: int, reference: Path | None) -> None:
    imports, parses, references, alone = [], [], [], []
    for run in range(runs):
        out = folder / f"out-{page.stem}-{run}"
        command = [sys.executable, "-m", "player", "import", str(page), "--out"]
        imports.append(_run([*command, str(out)]))
        parses.append(
            _run([sys.executable, "-c", f"import lxml.html; lxml.html.parse({str(page)!r})"])
        )
        alone.append(_run([sys.executable, "-c", _TRAFILATURA.format(page=str(page))]))
        if reference is not None:
            references.append(_run([*command, str(folder / f"ref-{page.stem}-{run}")], reference))
    story = next((folder / f"out-{page.stem}-0").iterdir()) / "story.txt"
    size = page.stat().st_size
    print(
        f"{page.stem}: page {size / 1_000_000:.2f} MB, story {story.stat().st_size / 1000:.0f} kB"
    )
    # CPU time as well as wall: this machine is shared, and another job's load stretches
    # the wall time of the longer command more than that of the short reference.
    for index, what in ((0, "wall"), (1, "CPU")):
        i = statistics.median(m[index] for m in imports)
        p = statistics.median(m[index] for m in parses)
        print(f"  {what:4s} story-player import {i * 1000:6.0f} ms, python -c lxml parse ", end="")
        print(f"{p * 1000:4.0f} ms: {i / p:.1f}x (budget 5x; medians of {runs} runs)")
        t = statistics.median(m[index] for m in alone)
        print(f"       trafilatura alone (main extraction) {t * 1000:6.0f} ms: {t / p:.1f}x")
        if references:
            r = statistics.median(m[index] for m in references)
            print(f"       {reference} import {r * 1000:6.0f} ms: {r / p:.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=RUNS, help="runs of each (default 3)")
    parser.add_argument("--reference", type=Path, help="another checkout to time as well")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for split in (False, True):
            _measure(folder, build_page(folder, split=split), args.runs, args.reference)


if __name__ == "__main__":
    main()
