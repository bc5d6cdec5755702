"""Helpers shared by test modules (imported as ``tests.support``)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Protocol, TypeVar

from player.core.model import Sentence, Word

ROOT = Path(__file__).resolve().parents[1]


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
