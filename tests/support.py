"""Helpers shared by test modules (imported as ``tests.support``)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def source_article() -> Path:
    """The source article: the shared original when present, else the copy in tests/data."""
    shared = ROOT.parent / "shared" / "seed" / "article.txt"
    return shared if shared.exists() else ROOT / "tests" / "data" / "article.txt"
