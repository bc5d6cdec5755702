"""Settings reach the disk on a writer thread: a slow or failing disk never holds up the window."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from typing import Any

from fakes import FakePlayback, make_story, open_window
from pytestqt.qtbot import QtBot

from player.core.settings import MemoryStore, Settings


class SlowStore(MemoryStore):
    """A store whose disk takes its time, and can be told to fail."""

    def __init__(self, delay: float, fail: bool = False) -> None:
        super().__init__()
        self.delay = delay
        self.fail = fail
        self.threads: list[str] = []

    def save(self, data: Mapping[str, Any]) -> None:
        self.threads.append(threading.current_thread().name)
        time.sleep(self.delay)
        if self.fail:
            raise OSError(28, "No space left on device")
        super().save(data)


def test_a_slow_disk_does_not_hold_up_the_window(
    qtbot: QtBot, playbacks: list[FakePlayback]
) -> None:
    store = SlowStore(delay=0.5)
    window = open_window(qtbot, Settings(store), make_story(), playbacks)
    window.settings.set("rate", 220)
    started = time.perf_counter()
    window.save_settings_now()
    assert time.perf_counter() - started < 0.2
    window.settings.set("rate", 240)
    window.save_settings_now()
    window.shutdown()  # waits for the writer, then the last state is on disk
    assert store.data["rate"] == 240
    assert store.threads[0].startswith("settings-writer")


def test_a_failed_write_is_reported_and_retried(
    qtbot: QtBot, playbacks: list[FakePlayback]
) -> None:
    store = SlowStore(delay=0.0, fail=True)
    window = open_window(qtbot, Settings(store), make_story(), playbacks)
    window.settings.set("rate", 220)
    window.save_settings_now()
    qtbot.waitUntil(lambda: "could not be saved" in window.message_label.text())
    assert "No space left" in window.message_label.text()
    assert window.settings.dirty  # kept for the next try
    store.fail = False
    window.shutdown()
    assert store.data["rate"] == 220
