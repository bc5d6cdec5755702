"""Fixtures for the window tests: offscreen Qt, settings kept in memory, a fake playback."""

from __future__ import annotations

import os
import tempfile

# Before anything imports Qt: no display is needed, and no test touches the real settings.
os.environ["QT_QPA_PLATFORM"] = "offscreen"
_CONFIG = tempfile.mkdtemp(prefix="story-player-test-config-")
os.environ["XDG_CONFIG_HOME"] = _CONFIG
os.environ["XDG_CONFIG_DIRS"] = os.path.join(_CONFIG, "system")

from collections.abc import Iterator  # noqa: E402

import pytest  # noqa: E402
from fakes import FakePlayback, make_story, open_window  # noqa: E402
from pytestqt.qtbot import QtBot  # noqa: E402

from player.core.model import Story  # noqa: E402
from player.core.settings import MemoryStore, Settings  # noqa: E402
from player.gui.window import MainWindow  # noqa: E402


@pytest.fixture
def story() -> Story:
    return make_story()


@pytest.fixture
def settings() -> Settings:
    return Settings(MemoryStore())


@pytest.fixture
def playbacks() -> list[FakePlayback]:
    """Every fake playback the window created, newest last."""
    return []


@pytest.fixture
def window(
    qtbot: QtBot, settings: Settings, story: Story, playbacks: list[FakePlayback]
) -> Iterator[MainWindow]:
    win = open_window(qtbot, settings, story, playbacks)
    yield win
    win.close()
