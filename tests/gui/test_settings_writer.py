"""Settings reach the disk on a writer thread: a slow or failing disk never holds up the window."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fakes import FakePlayback, make_story, open_window
from pytestqt.qtbot import QtBot

from player.core.settings import MemoryStore, Settings
from tests.support import ROOT


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
    # wall time, so with room for a busy machine; still well short of the 0.5 s write
    assert time.perf_counter() - started < 0.35
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


class FailsOnce(SlowStore):
    """A slow store whose first write of ``rate`` 220 fails, as on a full disk someone then
    cleaned up. (Other writes may come first: the window saves on its own timer too.)"""

    failed = False

    def save(self, data: Mapping[str, Any]) -> None:
        self.fail = data.get("rate") == 220 and not self.failed
        self.failed = self.failed or self.fail
        super().save(data)


def test_a_write_failing_just_before_shutdown_is_retried(
    qtbot: QtBot, playbacks: list[FakePlayback]
) -> None:
    # No event is processed between the failure and the shutdown, so the queued
    # failure signal has not arrived: the writer itself must leave the settings dirty.
    store = FailsOnce(delay=0.2)
    window = open_window(qtbot, Settings(store), make_story(), playbacks)
    window.settings.set("rate", 220)
    window.save_settings_now()
    window.shutdown()
    assert store.failed and store.data.get("rate") == 220


def test_settings_are_saved_when_the_interpreter_exits_with_the_window_open(
    tmp_path: Path,
) -> None:
    # One change is on the writer thread (a slow disk) when the child returns, the next
    # still waits for the save timer; neither window is closed. Both must land, in order.
    path = tmp_path / "settings.json"
    code = textwrap.dedent(
        """
        import sys, time
        from pathlib import Path
        from PySide6.QtWidgets import QApplication
        from player.core.settings import FileStore, Settings
        from player.gui.window import MainWindow

        class SlowDisk(FileStore):
            def save(self, data):
                time.sleep(0.5)
                super().save(data)

        app = QApplication([])
        window = MainWindow(Settings(SlowDisk(Path(sys.argv[1]))))
        window.settings.set("rate", 220)
        window.save_settings_now()
        window.settings.set("rate", 240)
        window.settings.set("volume", 0.5)
        window.schedule_save()  # its timer never fires: no event loop runs
        print("leaving", flush=True)
        """
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0 and "leaving" in done.stdout, done.stderr[-2000:]
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["rate"] == 240 and saved["volume"] == 0.5


def test_the_writer_keeps_the_order_and_flushes_behind_writes_in_flight(qtbot: QtBot) -> None:
    """The writer on its own (player.gui.settings_writer), without a window."""
    from PySide6.QtCore import QObject

    from player.gui.settings_writer import SettingsWriter

    store = SlowStore(delay=0.2)
    settings = Settings(store)
    owner = QObject()
    failures: list[str] = []
    writer = SettingsWriter(settings, owner, failed=failures.append)
    written: list[int] = []
    store.save = lambda data: (time.sleep(0.1), written.append(data["rate"]))  # type: ignore[method-assign]
    settings.set("rate", 200)
    writer.save_now()
    settings.set("rate", 210)
    writer.save_now()
    settings.set("rate", 220)  # not handed to the writer yet: the flush queues it last
    writer.close()
    assert written == [200, 210, 220] and not settings.dirty and failures == []
