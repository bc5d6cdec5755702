"""Sentence splitting speed on long texts (not part of the pass/fail suite).

Run from the repository root::

    .venv/bin/python -m tests.benchmarks.splitting

Splits texts of 0.1, 1 and 5 MB, made of the bundled story's paragraphs repeated, and
prints the CPU seconds per MB of ``split_sentences`` for each size (the fastest of 3
runs). The reference is pysbd (the Pragmatic Segmenter's Python port) on the same texts
in the same run (one run each), when it is installed (``.venv/bin/pip install pysbd``; it
is not a dependency of the app); without it the benchmark says so and measures ours
alone. The guarantee: our cost per MB does not grow with the size of the text.
"""

from __future__ import annotations

import argparse
import importlib
import time
from collections.abc import Callable

from player.core.storyfile import load_story
from player.core.text.splitter import split_sentences
from player.paths import bundled_story_path

MB = 1_000_000


def _paragraphs() -> list[str]:
    story = load_story(bundled_story_path())
    return [block.text for segment in story.segments for block in segment.blocks if block.text]


def build_text(size: int, paragraphs: list[str]) -> str:
    """The story's paragraphs, repeated and separated by blank lines, up to ``size``
    bytes of UTF-8 (cut at a paragraph's end)."""
    parts: list[str] = []
    total = 0
    while True:
        for paragraph in paragraphs:
            length = len(paragraph.encode("utf-8")) + 2
            if total + length > size:
                return "\n\n".join(parts)
            parts.append(paragraph)
            total += length


def _cpu_seconds(run: Callable[[], object], repeats: int) -> tuple[float, int]:
    times = []
    result: object = None
    for _ in range(repeats):
        start = time.process_time()
        result = run()
        times.append(time.process_time() - start)
    count = len(result) if isinstance(result, list) else 0
    return min(times), count


def _pysbd_segmenter() -> Callable[[str], list[str]] | None:
    try:
        pysbd = importlib.import_module("pysbd")
    except ImportError:
        return None
    segmenter = pysbd.Segmenter(language="en", clean=False)
    segment: Callable[[str], list[str]] = segmenter.segment
    return segment


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", type=float, nargs="+", default=[0.1, 1, 5], help="text sizes in MB"
    )
    parser.add_argument(
        "--repeats", type=int, default=3, help="runs of ours per size (the fastest counts)"
    )
    parser.add_argument("--no-pysbd", action="store_true", help="skip the pysbd reference")
    args = parser.parse_args()

    paragraphs = _paragraphs()
    segment = None if args.no_pysbd else _pysbd_segmenter()
    if segment is None:
        why = "skipped" if args.no_pysbd else "not installed (.venv/bin/pip install pysbd)"
        print(f"pysbd: {why}; measuring split_sentences alone")
    header = f"{'size':>8} {'ours s/MB':>10} {'sentences':>10}"
    print(header + ("" if segment is None else f" {'pysbd s/MB':>11} {'sentences':>10}"))
    for size_mb in args.sizes:
        text = build_text(int(size_mb * MB), paragraphs)
        megabytes = len(text.encode("utf-8")) / MB
        ours, ours_count = _cpu_seconds(lambda t=text: split_sentences(t), args.repeats)
        line = f"{megabytes:>6.2f}MB {ours / megabytes:>10.3f} {ours_count:>10}"
        if segment is not None:
            theirs, their_count = _cpu_seconds(lambda t=text: segment(t), 1)
            line += f" {theirs / megabytes:>11.2f} {their_count:>10}"
        print(line, flush=True)


if __name__ == "__main__":
    main()
