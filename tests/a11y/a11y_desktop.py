"""A private desktop for accessibility tests: Xvfb, a D-Bus session and the AT-SPI bus.

Everything runs in a temporary directory with its own ``XDG_RUNTIME_DIR``, so
parallel runs and the developer's own session never share a bus. Every process
started here is ended here, by its own id. Set ``STORY_PLAYER_KEEP_A11Y_TMP=1``
to keep the temporary directory (logs of the app, Orca and the X server).
"""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType

AT_SPI_BUS_LAUNCHER = Path("/usr/libexec/at-spi-bus-launcher")
AT_SPI_REGISTRYD = Path("/usr/libexec/at-spi2-registryd")
SYSTEM_PYTHON = Path("/usr/bin/python3")
ROOT = Path(__file__).resolve().parents[2]


def missing_tools(display: bool = True) -> list[str]:
    """What this machine lacks for a desktop session (empty when all is there)."""
    needed = ["dbus-launch", "gdbus"] + (["Xvfb", "xdotool"] if display else [])
    missing = [tool for tool in needed if shutil.which(tool) is None]
    missing += [str(p) for p in (AT_SPI_BUS_LAUNCHER, AT_SPI_REGISTRYD) if not p.exists()]
    return missing


def system_pyatspi() -> bool:
    """Whether Debian's pyatspi is importable by /usr/bin/python3."""
    if not SYSTEM_PYTHON.exists():
        return False
    done = subprocess.run(
        [str(SYSTEM_PYTHON), "-c", "import pyatspi"], capture_output=True, timeout=30, check=False
    )
    return done.returncode == 0


class DesktopSession:
    """``with DesktopSession() as s:`` gives ``s.env`` for programs that should join it."""

    def __init__(self, display: bool = True) -> None:
        self.with_display = display
        self.tmp = Path(tempfile.mkdtemp(prefix="story-player-a11y-"))
        self.env = dict(os.environ)
        self.processes: list[subprocess.Popen[bytes]] = []
        self.bus_pid: int | None = None

    # Starting and stopping

    def __enter__(self) -> DesktopSession:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> None:
        runtime = self.tmp / "runtime"
        runtime.mkdir(mode=0o700)
        for key in ("DBUS_SESSION_BUS_ADDRESS", "AT_SPI_BUS_ADDRESS", "DISPLAY", "WAYLAND_DISPLAY"):
            self.env.pop(key, None)
        self.env.update(
            XDG_RUNTIME_DIR=str(runtime),
            XDG_CONFIG_HOME=str(self.tmp / "config"),
            XDG_CACHE_HOME=str(self.tmp / "cache"),
            XDG_DATA_HOME=str(self.tmp / "data"),
            NO_AT_BRIDGE="0",
            GTK_A11Y="atspi",
        )
        if self.with_display:
            self.env["DISPLAY"] = f":{self._start_xvfb()}"
        out = subprocess.run(
            ["dbus-launch", "--sh-syntax"], env=self.env, capture_output=True, text=True,
            timeout=20, check=True,
        ).stdout  # fmt: skip
        for line in out.splitlines():
            if "=" in line and line.startswith("DBUS_SESSION_BUS_"):
                key, _, value = line.rstrip(";").partition("=")
                value = value.strip("'")
                if key == "DBUS_SESSION_BUS_PID":
                    self.bus_pid = int(value)
                else:
                    self.env[key] = value
        self.start_process([str(AT_SPI_BUS_LAUNCHER), "--launch-immediately"])
        self._wait(lambda: self.gdbus_session("org.a11y.Bus.GetAddress") is not None, "a11y bus")
        self.start_process([str(AT_SPI_REGISTRYD)])
        self.set_status("IsEnabled", True)

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=5)
        self.processes.clear()
        if self.bus_pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.bus_pid, signal.SIGTERM)
            self.bus_pid = None
        if os.environ.get("STORY_PLAYER_KEEP_A11Y_TMP"):
            print(f"kept {self.tmp}", file=sys.stderr)  # logs of the run, for a failing check
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def _start_xvfb(self, timeout: float = 30.0) -> int:
        """Start Xvfb on a display number it picks itself, once it accepts connections.

        ``-displayfd`` makes Xvfb try numbers until one binds and write it when ready:
        no race with another test run choosing the same free-looking number, and no
        mistaking another server's socket (in a chroot the socket files are not even
        visible, while the abstract sockets are shared) for ours.
        """
        read_end, write_end = os.pipe()
        try:
            out = open(self.tmp / "Xvfb.log", "ab")  # noqa: SIM115
            process = subprocess.Popen(
                ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1280x860x24",
                 "-nolisten", "tcp"],
                env=self.env, stdin=subprocess.DEVNULL, stdout=out, stderr=out,
                pass_fds=(write_end,),
            )  # fmt: skip
            out.close()
            self.processes.append(process)
            os.close(write_end)
            write_end = -1
            # Up to the newline: Xvfb writes the number and the newline separately and
            # dies ("Cannot write display number") if the pipe is closed in between.
            answer = b""
            deadline = time.monotonic() + timeout
            while not answer.endswith(b"\n") and time.monotonic() < deadline:
                ready, _, _ = select.select([read_end], [], [], 0.2)
                if ready:
                    chunk = os.read(read_end, 32)
                    if not chunk:
                        break
                    answer += chunk
            number = answer.decode().strip() if answer.endswith(b"\n") else ""
        finally:
            os.close(read_end)
            if write_end != -1:
                os.close(write_end)
        if not number.isdigit():
            raise RuntimeError(f"Xvfb did not start: {self.log('Xvfb.log')[-500:]}")
        return int(number)

    def start_process(
        self, argv: list[str], env: dict[str, str] | None = None, log: str | None = None
    ) -> subprocess.Popen[bytes]:
        """Start a program in the session; its output goes to ``log`` in the temp dir."""
        out = open(self.tmp / (log or f"{Path(argv[0]).name}.log"), "ab")  # noqa: SIM115
        process = subprocess.Popen(
            argv, env=env or self.env, stdin=subprocess.DEVNULL, stdout=out, stderr=out
        )
        out.close()
        self.processes.append(process)
        return process

    def _wait(self, ready: object, what: str, timeout: float = 15.0) -> None:
        assert callable(ready)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if ready():
                return
            time.sleep(0.1)
        raise RuntimeError(f"{what} did not start within {timeout:.0f} s")

    # The a11y bus

    def gdbus_session(self, method: str, *args: str) -> str | None:
        done = subprocess.run(
            [
                "gdbus", "call", "--session", "--dest", "org.a11y.Bus",
                "--object-path", "/org/a11y/bus", "--method", method, *args,
            ],
            env=self.env, capture_output=True, text=True, timeout=10, check=False,
        )  # fmt: skip
        return done.stdout if done.returncode == 0 else None

    def set_status(self, prop: str, value: bool) -> None:
        result = self.gdbus_session(
            "org.freedesktop.DBus.Properties.Set", "org.a11y.Status", prop,
            "<true>" if value else "<false>",
        )  # fmt: skip
        if result is None:
            raise RuntimeError(f"could not set org.a11y.Status.{prop}")

    # The app

    def app_env(self) -> dict[str, str]:
        env = dict(self.env)
        env.update(QT_LINUX_ACCESSIBILITY_ALWAYS_ON="1", QT_QPA_PLATFORM="xcb")
        env.pop("QT_ACCESSIBILITY", None)
        return env

    def start_app(self, *args: str) -> subprocess.Popen[bytes]:
        """``python -m player`` from this checkout's venv (or this interpreter), in memory only."""
        venv = ROOT / ".venv" / "bin" / "python"
        python = str(venv) if venv.exists() else sys.executable
        env = self.app_env()
        env["PYTHONPATH"] = str(ROOT)
        return self.start_process(
            [python, "-m", "player", "--memory-only", *args], env=env, log="app.log"
        )

    def window_id(self, pid: int, timeout: float = 30.0) -> str:
        """The X window of process ``pid`` once it is mapped."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            done = subprocess.run(
                ["xdotool", "search", "--onlyvisible", "--pid", str(pid)],
                env=self.env, capture_output=True, text=True, timeout=10, check=False,
            )  # fmt: skip
            ids = done.stdout.split()
            if ids:
                return ids[-1]
            time.sleep(0.3)
        raise RuntimeError(
            f"no window of process {pid} within {timeout:.0f} s on {self.env.get('DISPLAY')}; "
            f"its log ends: {self.log('app.log')[-1500:]}"
        )

    def focus(self, window: str) -> None:
        """Xvfb has no window manager: a window gets focus only when told."""
        subprocess.run(
            ["xdotool", "windowactivate", "--sync", window], env=self.env, capture_output=True,
            timeout=10, check=False,
        )  # fmt: skip
        subprocess.run(
            ["xdotool", "windowfocus", "--sync", window], env=self.env, capture_output=True,
            timeout=10, check=True,
        )  # fmt: skip

    def keys(self, *keys: str, pause: float = 1.0) -> None:
        for key in keys:
            subprocess.run(
                ["xdotool", "key", "--clearmodifiers", key], env=self.env, capture_output=True,
                timeout=10, check=True,
            )  # fmt: skip
            time.sleep(pause)

    def log(self, name: str) -> str:
        path = self.tmp / name
        return path.read_text(errors="replace") if path.exists() else ""
