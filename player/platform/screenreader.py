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

Which channel reaches the screen reader is a second question, answered the same
way: Qt's announcement event travels as ``object:announcement``, and the AT-SPI
registry knows whether any client listens for it (Orca 43 does not; newer Orca
does). :func:`linux_announcements_heard` asks it.

A screen reader started or stopped while the app runs is noticed at once by
:class:`LinuxBusWatch`, which follows the registry's listener signals (a screen
reader registers dozens of listeners when it starts and drops them when it ends)
and the ``org.a11y.Status`` property changes, through ``gdbus monitor``.

Windows and macOS answers are written to their documentation but could not be
run here; their docstrings say so.

The checks spawn processes and may wait on other programs: run them with
:meth:`ScreenReaderDetector.check_async` from a GUI, never on its thread.
Setting ``STORY_PLAYER_SCREEN_READER`` to 1 or 0 overrides detection (for
readers whose screen reader is not detected, and for tests).
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import re
import sys
import threading
from collections.abc import Callable, Sequence
from typing import IO, TYPE_CHECKING

from player.core.gcpause import paused_collection

if TYPE_CHECKING:
    import subprocess

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
_REGISTRY = "/org/a11y/atspi/registry"
#: Registered event names (as the registry spells them, lower-cased, ``:`` trimmed) that
#: deliver ``object:announcement``: the event itself and the wildcards that include it.
ANNOUNCEMENT_EVENTS: frozenset[str] = frozenset({"object:announcement", "object", ""})
_CHILD_RE = re.compile(r"\('(:[0-9.]+|[A-Za-z0-9_.\-]+)',\s*(?:objectpath\s+)?'([^']+)'\)")
_STRING_RE = re.compile(r"'((?:[^'\\]|\\.)*)'")
_EVENT_RE = re.compile(r"\('(:[0-9.]+|[A-Za-z0-9_.\-]+)',\s*'([^']*)'\)")


def run_command(argv: Sequence[str], timeout: float) -> str | None:
    """Run ``argv`` without a shell; its output, or None on any failure."""
    # Imported here, off the GUI thread and after the window's first paint (3 ms).
    import subprocess

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


def linux_registered_events(
    address: str, run: Runner = run_command, timeout: float = DEFAULT_TIMEOUT
) -> list[tuple[str, str]] | None:
    """(bus name, event) pairs the AT-SPI registry delivers to listening clients; None
    when the registry cannot be asked. Events come spelled as the registry keeps them
    (``Object:Announcement:``)."""
    out = run(
        [
            "gdbus", "call", "--address", address, "--dest", "org.a11y.atspi.Registry",
            "--object-path", _REGISTRY, "--timeout", str(max(1, round(timeout))),
            "--method", "org.a11y.atspi.Registry.GetRegisteredEvents",
        ],
        timeout,
    )  # fmt: skip
    if out is None:
        return None
    return [(name, event) for name, event in _EVENT_RE.findall(out)]


def covers_announcements(event: str) -> bool:
    """Whether a listener registered for ``event`` hears ``object:announcement``."""
    return event.strip().strip(":").lower() in ANNOUNCEMENT_EVENTS


def linux_announcements_heard(
    run: Runner = run_command, timeout: float = DEFAULT_TIMEOUT
) -> bool | None:
    """Whether any AT-SPI client listens for announcement events; None when unknown."""
    address = linux_a11y_bus_address(run, timeout)
    events = linux_registered_events(address, run, timeout) if address else None
    if events is None:
        return None
    return any(covers_announcements(event) for _, event in events)


#: Spawns a long-running monitor: argv in, a process with a text stdout out.
Spawner = Callable[[Sequence[str]], "subprocess.Popen[str]"]


#: Runs a command until its standard input closes. ``gdbus monitor`` outlives its bus and
#: its parent; the pipe from this process closes when it ends, however it ends (killed,
#: crashed), and the shell then ends the monitor.
_UNTIL_STDIN_CLOSES = '"$@" & child=$!; read -r _; kill "$child" 2>/dev/null; wait "$child"'


def spawn_monitor(argv: Sequence[str]) -> subprocess.Popen[str]:
    import subprocess  # see run_command

    return subprocess.Popen(
        ["sh", "-c", _UNTIL_STDIN_CLOSES, "sh", *argv],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        bufsize=1,
    )


def bus_line_matters(line: str) -> bool:
    """Whether a ``gdbus monitor`` line says a screen reader may have come or gone."""
    return (
        "EventListenerRegistered" in line
        or "EventListenerDeregistered" in line
        # An application (Orca among them) joining or leaving the desktop.
        or ("ChildrenChanged" in line and _REGISTRY_ROOT in line)
        or ("PropertiesChanged" in line and "org.a11y.Status" in line)
    )


class LinuxBusWatch:
    """Calls ``on_change`` (in a reader thread) when a client starts or stops listening
    on the accessibility bus, or the desktop turns the screen reader on or off.

    Two ``gdbus monitor`` processes do the watching, so nothing of it runs on the GUI
    thread; :meth:`stop` ends them, and they end by themselves when this process ends. Starting
    needs the accessibility bus's address, asked in the starting thread: call
    :meth:`start` off the GUI thread, or with ``wait=False``.
    """

    def __init__(
        self,
        on_change: Callable[[], None],
        *,
        run: Runner = run_command,
        spawn: Spawner = spawn_monitor,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self.on_change = on_change
        self._run = run
        self._spawn = spawn
        self._timeout = timeout
        self._lock = threading.Lock()
        self._processes: list[subprocess.Popen[str]] = []
        self._stopped = False
        self.threads: list[threading.Thread] = []

    def start(self, *, wait: bool = True) -> bool:
        """Start watching; False when there is no accessibility bus or no gdbus. With
        ``wait=False`` the start happens in a thread and True means only "trying"."""
        if not wait:
            starter = threading.Thread(
                target=self._start_paused, name="a11y-bus-watch", daemon=True
            )
            self.threads.append(starter)
            starter.start()
            return True
        address = linux_a11y_bus_address(self._run, self._timeout)
        if not address:
            log.info("no accessibility bus: screen readers are checked on activation only")
            return False
        monitors = (
            ["gdbus", "monitor", "--address", address, "--dest", "org.a11y.atspi.Registry"],
            ["gdbus", "monitor", "--session", "--dest", "org.a11y.Bus"],
        )
        for argv in monitors:
            with self._lock:
                if self._stopped:
                    return False
                try:
                    process = self._spawn(argv)
                except OSError as exc:
                    log.info("cannot watch the accessibility bus: %s", exc)
                    return False
                self._processes.append(process)
            if process.stdout is not None:
                reader = threading.Thread(
                    target=self._read, args=(process.stdout,), name="a11y-bus-read", daemon=True
                )
                self.threads.append(reader)
                reader.start()
        log.info("watching the accessibility bus for screen readers")
        return True

    def _start_paused(self) -> None:
        # Off the GUI thread, as in ScreenReaderDetector.check_async: no cyclic collection here.
        with paused_collection():
            self.start()

    def _read(self, stream: IO[str]) -> None:
        try:
            for line in stream:
                if bus_line_matters(line):
                    with paused_collection():  # see _start_paused
                        try:
                            self.on_change()
                        except Exception:  # the watch must outlive a failing receiver
                            log.exception("screen-reader change handler failed")
        except (OSError, ValueError):  # the stream closed under us at stop
            return

    def stop(self) -> None:
        """End the monitors; safe to call more than once."""
        with self._lock:
            self._stopped = True
            processes, self._processes = self._processes, []
        if not processes:
            return
        import subprocess  # see run_command

        for process in processes:
            if process.stdin is not None:
                # The wrapper ends the monitor when this closes (see spawn_monitor).
                with contextlib.suppress(OSError):
                    process.stdin.close()
            try:
                process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=2)
            if process.stdout is not None:
                process.stdout.close()


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


def platform_announcement_probe(platform: str | None = None) -> Probe:
    """Whether announcement events are heard: asked of the registry on Linux; elsewhere
    the screen readers take Qt's event (NVDA, JAWS, VoiceOver), so True."""
    name = platform or sys.platform
    if name.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return linux_announcements_heard
    return lambda: True


class ScreenReaderDetector:
    """Runs a probe, caches its answer, refreshes on request, in a thread if asked.

    Thread-safe: the answer is written under a lock, and a refresh already under
    way is not started twice.
    """

    def __init__(self, probe: Probe | None = None, announcements: Probe | None = None) -> None:
        self._probe = probe or platform_probe()
        # Without a probe of their own (tests, other platforms) announcements count as heard.
        if announcements is None and probe is None:
            announcements = platform_announcement_probe()
        self._announcement_probe = announcements or (lambda: True)
        self._lock = threading.Lock()
        self._answer: bool | None = None
        self._announcements: bool | None = None
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

    @property
    def announcements(self) -> bool | None:
        """Whether the last check found a listener for announcement events (None: unknown)."""
        with self._lock:
            return self._announcements

    def check(self) -> bool | None:
        """Ask the platform now (blocks for up to a few seconds) and remember the answer."""
        override = _override()
        if override is not None:
            answer: bool | None = override
        else:
            answer = self._ask(self._probe, "screen-reader check")
        heard = self._ask(self._announcement_probe, "announcement-listener check")
        with self._lock:
            self._answer = answer
            self._announcements = heard
            self._checked = True
        return answer

    @staticmethod
    def _ask(probe: Probe, what: str) -> bool | None:
        try:
            return probe()
        except Exception:  # a broken platform call must not take the app down
            log.exception("%s failed; treated as unknown", what)
            return None

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
                # No cyclic collection on this thread: one started here may destroy a Qt
                # object left in a cycle, which takes Qt's connection lock and then waits
                # for the interpreter while the GUI thread, holding the interpreter, waits
                # for that lock (seen as a hang in the window's constructor).
                with paused_collection():
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
