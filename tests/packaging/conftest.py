"""Shared setup of the packaging tests: the ``bundle`` marker and where the bundle lives."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    # Registered here too so the marker works before pyproject.toml lists it.
    config.addinivalue_line(
        "markers", "bundle: runs the built bundle in dist/story-player (skipped when absent)"
    )
