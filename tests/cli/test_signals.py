"""Ctrl+C and closed pipes end every command quietly, with the statuses a shell expects.

Ctrl+C gives 130 (128 + SIGINT) and output into a pipe whose reader has gone gives 141
(128 + SIGPIPE), with nothing but the command's own output on stderr: no traceback and
no "Exception ignored" from the interpreter's last flush. ``say`` leaves the terminal as
it found it.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import subprocess
import sys
import termios
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """A child environment that runs the source tree and remembers nothing."""
    home = tmp_path / "home"
    home.mkdir()
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local/share"),
        "XDG_STATE_HOME": str(home / ".local/state"),
        "QT_QPA_PLATFORM": "offscreen",
    }


@pytest.fixture
def procs() -> Iterator[list[subprocess.Popen[bytes]]]:
    """Children started by a test; killed if the test ends before they do."""
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)


def _default_sigint() -> None:
    """In the child before exec: a run started in the background by a shell without job
    control inherits Ctrl+C ignored, and Python then keeps it ignored; a terminal's
    foreground program never has it so."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _small_pipe() -> tuple[int, int]:
    """A pipe that holds only one page, so a command's output cannot all fit before the
    reader goes away (a 64 KiB default pipe would hide the broken pipe)."""
    read_end, write_end = os.pipe()
    fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, 4096)
    return read_end, write_end


@pytest.mark.parametrize("command", [["outline", "--json"], ["voices", "--json"]])
def test_output_into_a_closed_pipe_ends_with_141_and_no_traceback(
    command: list[str], env: dict[str, str], procs: list[subprocess.Popen[bytes]]
) -> None:
    read_end, write_end = _small_pipe()
    proc = subprocess.Popen(
        [sys.executable, "-m", "player", *command],
        stdout=write_end,
        stderr=subprocess.PIPE,
        env=env,
    )
    procs.append(proc)
    os.close(write_end)
    # Like `| head -c 100`: read a little, then go away.
    ready, _, _ = select.select([read_end], [], [], 60)
    assert ready, "the command wrote nothing within a minute"
    assert os.read(read_end, 100)
    os.close(read_end)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 141, err.decode()
    assert b"Traceback" not in err
    assert b"Exception ignored" not in err
    assert b"BrokenPipe" not in err


def _wait_for(fd: int, text: bytes, seconds: float) -> bytes:
    seen = b""
    deadline = time.monotonic() + seconds
    while text not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
    return seen


def test_ctrl_c_during_say_exits_130_and_restores_the_terminal(
    env: dict[str, str], procs: list[subprocess.Popen[bytes]]
) -> None:
    master, slave = pty.openpty()
    try:
        before = termios.tcgetattr(slave)
        proc = subprocess.Popen(
            [sys.executable, "-m", "player", "say", "--rate", "400"],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
            preexec_fn=_default_sigint,
        )
        procs.append(proc)
        seen = _wait_for(master, b"Keys:", 90)
        assert b"Keys:" in seen, seen.decode(errors="replace")
        # The key loop has put the terminal in cbreak mode by now.
        deadline = time.monotonic() + 10
        while termios.tcgetattr(slave)[3] == before[3] and time.monotonic() < deadline:
            time.sleep(0.05)
        assert termios.tcgetattr(slave)[3] != before[3], "say never changed the terminal"
        # What the terminal does on Ctrl+C: SIGINT to the foreground process.
        os.kill(proc.pid, signal.SIGINT)
        proc.wait(timeout=30)
        rest = _wait_for(master, b"\0", 1)
        assert proc.returncode == 130, (seen + rest).decode(errors="replace")
        assert b"Traceback" not in seen + rest
        assert termios.tcgetattr(slave) == before
    finally:
        os.close(master)
        os.close(slave)


def test_ctrl_c_closes_the_window_and_exits_130(
    env: dict[str, str], procs: list[subprocess.Popen[bytes]]
) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", _WINDOW_THEN_READY],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        preexec_fn=_default_sigint,
    )
    procs.append(proc)
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], 90)
    assert ready and proc.stdout.readline().strip() == b"shown"
    os.kill(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err.decode()
    assert b"Traceback" not in err
    assert b"KeyboardInterrupt" not in err


# The window's own entry point, with a line on stdout once the window is up, so the test
# sends Ctrl+C to a running event loop and not to a process still importing Qt.
_WINDOW_THEN_READY = """
import sys
from PySide6.QtCore import QTimer
from player.gui import app

app.playback_factory = None
app.voice_lister = None
app.ensure_application()
QTimer.singleShot(0, lambda: print("shown", flush=True))
sys.exit(app.main(["--memory-only"]))
"""
