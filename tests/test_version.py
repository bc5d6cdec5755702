"""The version the app reports is the one the package is built with."""

from __future__ import annotations

import tomllib
from pathlib import Path

import player

ROOT = Path(__file__).resolve().parents[1]


def test_version_matches_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert player.__version__ == project["version"]
