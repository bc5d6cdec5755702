"""Helpers shared by test modules (imported as ``tests.support``)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, TypeVar

from player.core.model import (
    Block,
    BlockType,
    Segment,
    SegmentKind,
    Sentence,
    Story,
    StoryMeta,
    Word,
)

ROOT = Path(__file__).resolve().parents[1]


def run_window_script(code: str, tmp_path: Path, cwd: Path = ROOT) -> dict[str, Any]:
    """Run ``code`` in a fresh interpreter, as the window starts (offscreen, settings and
    state in ``tmp_path``), and read the JSON object on its last line of output."""
    env = dict(
        os.environ,
        PYTHONPATH=str(ROOT),
        QT_QPA_PLATFORM="offscreen",
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_CONFIG_DIRS=str(tmp_path / "config" / "system"),
        XDG_STATE_HOME=str(tmp_path / "state"),
        XDG_DATA_HOME=str(tmp_path / "data"),
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        env=env,
        cwd=cwd,
    )
    found: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return found


class Closable(Protocol):
    """Anything with threads or a device to release: playbacks, workers, outputs."""

    def close(self) -> None: ...


_C = TypeVar("_C", bound=Closable)


class Closer(Protocol):
    """The ``closing`` fixture (tests/conftest.py): ``thing = closing(make())`` closes
    ``thing`` when the test ends, passed or failed."""

    def __call__(self, thing: _C, /) -> _C: ...


def source_article() -> Path:
    """The source article: the shared original when present, else the copy in tests/data."""
    shared = ROOT.parent / "shared" / "seed" / "article.txt"
    return shared if shared.exists() else ROOT / "tests" / "data" / "article.txt"


def sentence_of(text: str, start: int = 0) -> Sentence:
    """A hand-made sentence: ``text`` shown and spoken as is, at ``start`` in its block,
    with a word for every run of non-space characters."""
    words = tuple(
        Word(start + m.start(), start + m.end(), m.start(), m.end())
        for m in re.finditer(r"\S+", text)
    )
    return Sentence(start, start + len(text), text, text, words)


class TooMuchWork(AssertionError):
    """A step looked at more of the story than its budget allows."""


class CountingTuple(tuple):  # type: ignore[type-arg]
    """A tuple that counts the items read from it (by index, slice or iteration) and
    fails once more than ``budget`` are read: a deterministic check that a step does not
    walk the whole story, where a timing would depend on the machine's load."""

    budget: int = -1  # negative: no limit
    reads: int = 0

    def _read(self, count: int) -> None:
        self.reads += count
        if 0 <= self.budget < self.reads:
            raise TooMuchWork(f"{self.reads} items read, budget {self.budget}")

    def __getitem__(self, key):  # type: ignore[no-untyped-def]
        item = super().__getitem__(key)
        self._read(len(item) if isinstance(key, slice) else 1)
        return item

    def __iter__(self):  # type: ignore[no-untyped-def]
        for item in super().__iter__():
            self._read(1)
            yield item


def generated_story(segments: int, kinds: Sequence[SegmentKind] = ()) -> Story:
    """A story of ``segments`` segments (kinds in turn), each a paragraph of two sentences
    and a one-sentence quotation."""
    kinds = tuple(kinds) or (SegmentKind("part", "Part", "Parts"),)
    made = []
    for n in range(segments):
        first = sentence_of(f"Segment {n} opens here.")
        second = sentence_of("It goes on.", first.end + 1)
        text = f"{first.display} {second.display}"
        quote = sentence_of(f"Quoted {n}.")
        made.append(
            Segment(
                kinds[n % len(kinds)],
                f"Part {n}",
                (
                    Block(BlockType.PARAGRAPH, text, (first, second)),
                    Block(BlockType.QUOTATION, quote.display, (quote,)),
                ),
            )
        )
    return Story(StoryMeta("Generated", "en"), tuple(made))


def count_reads(story: Story, budget: int) -> tuple[CountingTuple, CountingTuple]:
    """Make ``story`` count what is read of its sentences and segments from now on, failing
    past ``budget`` items each; the counters, to reset between steps."""
    refs = CountingTuple(story.refs)
    segments = CountingTuple(story.segments)
    refs.budget = segments.budget = budget
    # Frozen: swapped in as the tests' instrument only.
    object.__setattr__(story, "refs", refs)
    object.__setattr__(story, "segments", segments)
    return refs, segments


def large_story_text(source: Path, target_bytes: int) -> str:
    """A valid story file of at least ``target_bytes``: ``source``'s segments repeated."""
    text = source.read_text(encoding="utf-8")
    head, sep, rest = text.partition("\n== ")
    body, end, tail = (sep + rest).rpartition("\n== end")
    parts = [head]
    size = len(head.encode())
    while size < target_bytes:
        parts.append(body + "\n")
        size += len(body.encode()) + 1
    parts.append(end + tail)
    return "".join(parts)
