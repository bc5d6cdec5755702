"""Is a screen reader running? One answer per platform, cached and refreshable.

The answer decides whether the app's own voice may speak interface messages:
with a screen reader running, the screen reader speaks them and the app stays
silent, so the reader never hears two voices at once.

``True`` means a screen reader runs, ``False`` that none does, ``None`` that
the platform gave no answer (no session bus, a failed call). Callers treat
``None`` as "probably not", but may say so to the user.

Linux (checked here with at-spi2-core 2.46 and Orca 43): desktops set the
``org.a11y.Status.ScreenReaderEnabled`` property of the session bus's
``org.a11y.Bus`` object when the user turns a screen reader on, but Orca
started by hand leaves it false; it then shows up as an application named
"orca" among the children of the AT-SPI registry's desktop. Both are asked,
through ``gdbus`` with a short timeout, so a hung bus costs a second at most.
Asking the bus may start the accessibility bus by D-Bus activation, which Qt
does anyway at start-up.

Windows and macOS answers are written to their documentation but could not be
run here; their docstrings say so.

The checks spawn processes and may wait on other programs: run them with
:meth:`ScreenReaderDetector.check_async` from a GUI, never on its thread.
Setting ``STORY_PLAYER_SCREEN_READER`` to 1 or 0 overrides detection (for
readers whose screen reader is not detected, and for tests).
"""

from __future__ import annotations

import ctypes
import logging
import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence

log = logging.getLogger(__name__)

#: Runs a command, giving its standard output, or None when it failed or timed out.
Runner = Callable[[Sequence[str], float], str | None]
Probe = Callable[[], bool | None]

#: Names of screen readers as they appear among AT-SPI applications (lower case).
LINUX_SCREEN_READERS: tuple[str, ...] = ("orca",)
OVERRIDE_VARIABLE = "STORY_PLAYER_SCREEN_READER"
DEFAULT_TIMEOUT = 1.0
# A desktop has a handful of accessible applications; this caps the cost of a crowded one.
MAX_APPLICATIONS = 40

_A11Y_BUS = ("--dest", "org.a11y.Bus", "--object-path", "/org/a11y/bus")
_REGISTRY_ROOT = "/org/a11y/atspi/accessible/root"
_CHILD_RE = re.compile(r"\('(:[0-9.]+|[A-Za-z0-9_.\-]+)',\s*(?:objectpath\s+)?'([^']+)'\)")
_STRING_RE = re.compile(r"'((?:[^'\\]|\\.)*)'")


def run_command(argv: Sequence[str], timeout: float) -> str | None:
    """Run ``argv`` without a shell; its output, or None on any failure."""
    try:
        done = subprocess.run(
            list(argv),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def _override() -> bool | None:
    value = os.environ.get(OVERRIDE_VARIABLE, "").strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    return None


# Linux


def linux_screen_reader_enabled(
    run: Runner = run_command, timeout: float = DEFAULT_TIMEOUT
) -> bool | None:
    """The session's ``org.a11y.Status.ScreenReaderEnabled`` flag; None when it cannot be read."""
    out = run(
        [
            "gdbus", "call", "--session", *_A11Y_BUS, "--timeout", str(max(1, round(timeout))),
            "--method", "org.freedesktop.DBus.Properties.Get",
            "org.a11y.Status", "ScreenReaderEnabled",
        ],
        timeout,
    )  # fmt: skip
    if out is None:
        return None
    if "true" in out:
        return True
    if "false" in out:
        return False
    return None


def linux_a11y_bus_address(
    run: Runner = run_command, timeout: float = DEFAULT_TIMEOUT
) -> str | None:
    """The accessibility bus's address from ``org.a11y.Bus.GetAddress``, or None."""
    out = run(
        [
            "gdbus", "call", "--session", *_A11Y_BUS, "--timeout", str(max(1, round(timeout))),
            "--method", "org.a11y.Bus.GetAddress",
        ],
        timeout,
    )  # fmt: skip
    if out is None:
        return None
    match = _STRING_RE.search(out)
    return match.group(1) if match and match.group(1) else None


def linux_accessible_applications(
    address: str, run: Runner = run_command, timeout: float = DEFAULT_TIMEOUT
) -> list[str] | None:
    """Lower-case names of the applications on the AT-SPI desktop; None if the registry
    cannot be asked. This process is left out: it could not answer while it waits here."""
    seconds = str(max(1, round(timeout)))
    out = run(
        [
            "gdbus", "call", "--address", address, "--dest", "org.a11y.atspi.Registry",
            "--object-path", _REGISTRY_ROOT, "--timeout", seconds,
            "--method", "org.a11y.atspi.Accessible.GetChildren",
        ],
        timeout,
    )  # fmt: skip
    if out is None:
        return None
    names: list[str] = []
    own_pid = os.getpid()
    for bus_name, path in _CHILD_RE.findall(out)[:MAX_APPLICATIONS]:
        pid_out = run(
            [
                "gdbus", "call", "--address", address, "--dest", "org.freedesktop.DBus",
                "--object-path", "/org/freedesktop/DBus", "--timeout", seconds,
                "--method", "org.freedesktop.DBus.GetConnectionUnixProcessID", bus_name,
            ],
            timeout,
        )  # fmt: skip
        if pid_out is not None:
            pid = re.search(r"(\d+)", pid_out.replace("uint32", ""))
            if pid is not None and int(pid.group(1)) == own_pid:
                continue
        name_out = run(
            [
                "gdbus", "call", "--address", address, "--dest", bus_name,
                "--object-path", path, "--timeout", seconds,
                "--method", "org.freedesktop.DBus.Properties.Get",
                "org.a11y.atspi.Accessible", "Name",
            ],
            timeout,
        )  # fmt: skip
        if name_out is None:
            continue
        match = _STRING_RE.search(name_out)
        if match:
            names.append(match.group(1).lower())
    return names


def linux_screen_reader_running(
    run: Runner = run_command, timeout: float = DEFAULT_TIMEOUT
) -> bool | None:
    """True when the desktop says a screen reader is on, or Orca is an AT-SPI application."""
    enabled = linux_screen_reader_enabled(run, timeout)
    if enabled:
        return True
    address = linux_a11y_bus_address(run, timeout)
    apps = linux_accessible_applications(address, run, timeout) if address else None
    if apps is not None and any(name in LINUX_SCREEN_READERS for name in apps):
        return True
    if enabled is None and apps is None:
        return None
    return False


# Windows


def windows_screen_reader_running() -> bool | None:
    """``SystemParametersInfoW(SPI_GETSCREENREADER)``: set by NVDA, JAWS and Narrator while
    they run. Written to Microsoft's documentation; not run on Windows here (unverified)."""
    spi_getscreenreader = 0x0046
    windll = getattr(ctypes, "windll", None)
    if windll is None:
        return None
    flag = ctypes.c_int(0)
    try:
        ok = windll.user32.SystemParametersInfoW(spi_getscreenreader, 0, ctypes.byref(flag), 0)
    except OSError:
        return None
    return bool(flag.value) if ok else None


# macOS


def macos_screen_reader_running(
    run: Runner = run_command, timeout: float = DEFAULT_TIMEOUT
) -> bool | None:
    """VoiceOver's on/off flag from ``defaults read com.apple.universalaccess
    voiceOverOnOffKey``. Unverified: not run on macOS here, and newer macOS versions may
    refuse the read to apps without Full Disk Access (then the answer is None)."""
    out = run(["defaults", "read", "com.apple.universalaccess", "voiceOverOnOffKey"], timeout)
    if out is None:
        return None
    value = out.strip()
    if value == "1":
        return True
    if value == "0":
        return False
    return None


def platform_probe(platform: str | None = None) -> Probe:
    """The check for ``platform`` (``sys.platform`` by default)."""
    name = platform or sys.platform
    if name.startswith("win"):
        return windows_screen_reader_running
    if name == "darwin":
        return macos_screen_reader_running
    if name.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return linux_screen_reader_running
    return lambda: None


class ScreenReaderDetector:
    """Runs a probe, caches its answer, refreshes on request, in a thread if asked.

    Thread-safe: the answer is written under a lock, and a refresh already under
    way is not started twice.
    """

    def __init__(self, probe: Probe | None = None) -> None:
        self._probe = probe or platform_probe()
        self._lock = threading.Lock()
        self._answer: bool | None = None
        self._checked = False
        self._worker: threading.Thread | None = None

    @property
    def checked(self) -> bool:
        """Whether any check has finished yet."""
        with self._lock:
            return self._checked

    @property
    def cached(self) -> bool | None:
        """The last answer without checking again (None before the first check)."""
        override = _override()
        if override is not None:
            return override
        with self._lock:
            return self._answer

    def check(self) -> bool | None:
        """Ask the platform now (blocks for up to a few seconds) and remember the answer."""
        override = _override()
        if override is not None:
            answer: bool | None = override
        else:
            try:
                answer = self._probe()
            except Exception:  # a broken platform call must not take the app down
                log.exception("screen-reader check failed; treated as unknown")
                answer = None
        with self._lock:
            self._answer = answer
            self._checked = True
        return answer

    def running(self) -> bool | None:
        """The cached answer, checking synchronously the first time only."""
        if not self.checked:
            return self.check()
        return self.cached

    def wait(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for a check running in the background; whether
        none is running any more. A callback delivered is not the end of its thread."""
        with self._lock:
            worker = self._worker
        if worker is not None:
            worker.join(timeout)
            return not worker.is_alive()
        return True

    def check_async(
        self, callback: Callable[[bool | None], None] | None = None
    ) -> threading.Thread:
        """Check in a daemon thread; ``callback`` gets the answer *in that thread*
        (a GUI hands it on with a queued signal). A check already running is reused,
        and its callback is not called again for the second caller."""
        with self._lock:
            worker = self._worker
            if worker is not None and worker.is_alive():
                return worker

            def work() -> None:
                answer = self.check()
                if callback is not None:
                    callback(answer)

            worker = threading.Thread(target=work, name="screen-reader-check", daemon=True)
            self._worker = worker
        worker.start()
        return worker


_default = ScreenReaderDetector()


def default_detector() -> ScreenReaderDetector:
    """The detector the app shares."""
    return _default


def screen_reader_running(refresh: bool = False) -> bool | None:
    """Whether a screen reader runs: the cached answer, or a fresh (blocking) check when
    ``refresh`` is true or nothing has been checked yet."""
    return _default.check() if refresh else _default.running()
