"""Nothing goes to the network: a window session that reads aloud and an export open no
internet socket (IPv4 or IPv6), seen by strace from outside the process."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed"),
]

# The window opens, reads aloud for a few seconds, and quits.
WINDOW_SESSION = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from player.gui import app

qt = app.ensure_application()

def play():
    window = next(w for w in QApplication.topLevelWidgets() if w.isVisible())
    window.cmd_play_pause()
    QTimer.singleShot(3000, qt.quit)

QTimer.singleShot(1500, play)
sys.exit(app.main(["--memory-only"]))
"""


def _sockets(tmp_path: Path, command: list[str]) -> list[str]:
    log = tmp_path / "strace.log"
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env = {**os.environ, "HOME": str(home), "PYTHONPATH": str(ROOT)}
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    done = subprocess.run(
        ["strace", "-f", "-qq", "-e", "trace=socket", "-o", str(log), *command],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    if "Operation not permitted" in done.stderr and not log.exists():
        pytest.skip("ptrace is not allowed here")
    assert done.returncode == 0, done.stderr[-2000:]
    return re.findall(r"socket\((AF_[A-Z0-9]+)", log.read_text())


def test_an_export_opens_no_internet_socket(tmp_path: Path) -> None:
    families = _sockets(
        tmp_path, [sys.executable, "-m", "player", "export", "--out", str(tmp_path / "out")]
    )
    assert not {"AF_INET", "AF_INET6"} & set(families), families


def test_a_window_reading_aloud_opens_no_internet_socket(tmp_path: Path) -> None:
    families = _sockets(tmp_path, [sys.executable, "-c", WINDOW_SESSION])
    assert not {"AF_INET", "AF_INET6"} & set(families), families
