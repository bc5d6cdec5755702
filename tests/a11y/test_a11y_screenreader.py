"""Screen-reader detection: each platform's answer from mocked calls, and one real AT-SPI bus."""

from __future__ import annotations

import gc
import io
import subprocess
import sys
import threading
import time
from collections.abc import Sequence

import a11y_env  # noqa: F401  (offscreen Qt, throwaway settings: before any window)
import pytest
from a11y_desktop import ROOT, SYSTEM_PYTHON, DesktopSession, missing_tools, system_pyatspi

from player.platform import screenreader as sr

ADDRESS = "unix:path=/tmp/a11y-bus,guid=abc"


def fake_bus(
    enabled: str | None = "(<false>,)",
    apps: dict[str, str] | None = None,
    pids: dict[str, int] | None = None,
) -> tuple[sr.Runner, list[list[str]]]:
    """A runner answering gdbus calls like a session with ``apps`` (bus name -> app name)."""
    calls: list[list[str]] = []
    apps = apps or {}
    pids = pids or {}

    def run(argv: Sequence[str], timeout: float) -> str | None:
        args = list(argv)
        calls.append(args)
        assert timeout <= 5
        if "ScreenReaderEnabled" in args:
            return enabled
        if "org.a11y.Bus.GetAddress" in args:
            return None if enabled is None else f"('{ADDRESS}',)\n"
        if "org.a11y.atspi.Accessible.GetChildren" in args:
            kids = ", ".join(f"('{bus}', '/org/a11y/atspi/accessible/root')" for bus in apps)
            return f"([{kids}],)\n" if apps else "(@a(so) [],)\n"
        if "org.freedesktop.DBus.GetConnectionUnixProcessID" in args:
            return f"(uint32 {pids.get(args[-1], 4242)},)\n"
        if "Name" in args:
            return f"(<'{apps[args[args.index('--dest') + 1]]}'>,)\n"
        return None

    return run, calls


@pytest.fixture(autouse=True)
def no_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(sr.OVERRIDE_VARIABLE, raising=False)


def test_flag_set_by_the_desktop_means_running() -> None:
    run, calls = fake_bus(enabled="(<true>,)")
    assert sr.linux_screen_reader_running(run) is True
    assert len(calls) == 1  # no need to ask the registry


def test_orca_among_the_applications_means_running() -> None:
    run, _ = fake_bus(apps={":1.4": "Story Player", ":1.7": "orca"})
    assert sr.linux_screen_reader_running(run) is True


def test_other_applications_only_means_not_running() -> None:
    run, _ = fake_bus(apps={":1.4": "Story Player", ":1.5": "gedit"})
    assert sr.linux_screen_reader_running(run) is False


def test_this_process_is_never_asked_its_name() -> None:
    import os

    run, calls = fake_bus(apps={":1.4": "Story Player"}, pids={":1.4": os.getpid()})
    assert sr.linux_screen_reader_running(run) is False
    assert not any("Name" in c for c in calls)


def test_no_session_bus_means_unknown() -> None:
    run, _ = fake_bus(enabled=None)
    assert sr.linux_screen_reader_running(run) is None


def test_macos_answers_from_defaults() -> None:
    assert sr.macos_screen_reader_running(lambda argv, t: "1\n") is True
    assert sr.macos_screen_reader_running(lambda argv, t: "0\n") is False
    assert sr.macos_screen_reader_running(lambda argv, t: None) is None


def test_windows_answer_without_windows_is_unknown() -> None:
    assert sr.windows_screen_reader_running() is None


def test_platform_probe_picks_by_platform() -> None:
    assert sr.platform_probe("win32") is sr.windows_screen_reader_running
    assert sr.platform_probe("darwin") is sr.macos_screen_reader_running
    assert sr.platform_probe("linux") is sr.linux_screen_reader_running
    assert sr.platform_probe("plan9")() is None


def test_a_failing_command_is_none_not_an_exception() -> None:
    assert sr.run_command(["/nonexistent/program"], 1.0) is None
    assert sr.run_command(["sleep", "5"], 0.2) is None


def test_detector_caches_and_refreshes() -> None:
    answers = iter([False, True])
    detector = sr.ScreenReaderDetector(lambda: next(answers))
    assert detector.cached is None and not detector.checked
    assert detector.running() is False
    assert detector.running() is False  # cached, the probe is not asked again
    assert detector.check() is True
    assert detector.cached is True


def test_detector_checks_in_a_thread() -> None:
    release = threading.Event()
    got: list[bool | None] = []

    def slow() -> bool:
        release.wait(5)
        return True

    detector = sr.ScreenReaderDetector(slow)
    worker = detector.check_async(got.append)
    assert detector.check_async() is worker  # one check at a time
    assert worker.is_alive() and detector.cached is None  # the caller was not blocked
    release.set()
    worker.join(5)
    assert got == [True] and detector.cached is True


def test_a_crashing_probe_is_unknown() -> None:
    def broken() -> bool:
        raise OSError("no bus")

    assert sr.ScreenReaderDetector(broken).check() is None


def test_the_override_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    detector = sr.ScreenReaderDetector(lambda: False)
    monkeypatch.setenv(sr.OVERRIDE_VARIABLE, "1")
    assert detector.check() is True and detector.cached is True


@pytest.mark.skipif(
    bool(missing_tools(display=False)), reason="needs dbus-launch, gdbus, at-spi2-core"
)
def test_detection_over_a_real_atspi_bus(monkeypatch: pytest.MonkeyPatch) -> None:
    with DesktopSession(display=False) as session:
        for key in ("DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR", "XDG_CACHE_HOME"):
            monkeypatch.setenv(key, session.env[key])
        assert sr.linux_a11y_bus_address() is not None
        assert sr.linux_screen_reader_running() is False  # no orca on this bus
        session.set_status("ScreenReaderEnabled", True)
        assert sr.linux_screen_reader_enabled() is True
        assert sr.ScreenReaderDetector().check() is True


def test_wait_returns_once_the_background_check_has_ended() -> None:
    release = threading.Event()
    detector = sr.ScreenReaderDetector(lambda: release.wait(10))
    assert detector.wait(0.01)  # nothing running
    worker = detector.check_async()
    assert not detector.wait(0.05)
    release.set()
    assert detector.wait(10)
    assert not worker.is_alive() and detector.cached is True


# Which channel the screen reader hears, and noticing it come and go


def test_registered_events_are_read_from_the_registry() -> None:
    def run(argv: Sequence[str], timeout: float) -> str | None:
        if "org.a11y.Bus.GetAddress" in argv:
            return f"('{ADDRESS}',)\n"
        assert "org.a11y.atspi.Registry.GetRegisteredEvents" in argv
        return answer[0]

    answer = ["([(':1.2', 'Object:StateChanged:Focused'), (':1.2', 'Window:Activate')],)\n"]
    assert sr.linux_announcements_heard(run) is False  # Orca 43: no announcement listener
    answer[0] = "([(':1.2', 'Object:Announcement:'), (':1.2', 'Focus:')],)\n"
    assert sr.linux_announcements_heard(run) is True
    answer[0] = "([(':1.9', 'Object:')],)\n"  # every object event, announcements included
    assert sr.linux_announcements_heard(run) is True
    answer[0] = "(@a(ss) [],)\n"
    assert sr.linux_announcements_heard(run) is False
    answer[0] = None  # type: ignore[call-overload]
    assert sr.linux_announcements_heard(run) is None


def test_only_listener_and_status_changes_matter() -> None:
    assert sr.bus_line_matters(
        "/org/a11y/atspi/registry: org.a11y.atspi.Registry.EventListenerRegistered "
        "(':1.2', 'Object:Announcement', @as [])"
    )
    assert sr.bus_line_matters(
        "/org/a11y/atspi/registry: org.a11y.atspi.Registry.EventListenerDeregistered (':1.3', '')"
    )
    assert sr.bus_line_matters(
        "/org/a11y/bus: org.freedesktop.DBus.Properties.PropertiesChanged "
        "('org.a11y.Status', {'ScreenReaderEnabled': <true>}, @as [])"
    )
    assert not sr.bus_line_matters("The name org.a11y.atspi.Registry is owned by :1.0")


@pytest.mark.skipif(
    bool(missing_tools(display=False)), reason="needs dbus-launch, gdbus, at-spi2-core"
)
@pytest.mark.skipif(not system_pyatspi(), reason="/usr/bin/python3 has no pyatspi")
def test_the_bus_watch_sees_a_reader_start_and_stop(monkeypatch: pytest.MonkeyPatch) -> None:
    """A client registering listeners (what a screen reader does when it starts) and the
    desktop's ScreenReaderEnabled switch are both seen while the app runs."""
    with DesktopSession(display=False) as session:
        for key in ("DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR", "XDG_CACHE_HOME"):
            monkeypatch.setenv(key, session.env[key])
        changes = threading.Semaphore(0)
        watch = sr.LinuxBusWatch(changes.release)
        try:
            assert watch.start()
            time.sleep(0.5)  # the monitors subscribe
            assert not changes.acquire(timeout=0.5)  # nothing happened, nothing reported
            assert sr.linux_announcements_heard() is False
            client = subprocess.Popen(
                [str(SYSTEM_PYTHON), "-c", LISTENER], env=session.env, stdout=subprocess.PIPE
            )
            try:
                assert client.stdout is not None and client.stdout.readline().strip() == b"ready"
                assert changes.acquire(timeout=10)
                assert sr.linux_announcements_heard() is True
            finally:
                client.terminate()
                client.wait(10)
            while changes.acquire(timeout=0.5):
                pass
            session.set_status("ScreenReaderEnabled", True)
            assert changes.acquire(timeout=10)
        finally:
            watch.stop()
        for thread in watch.threads:
            thread.join(5)
            assert not thread.is_alive()
        address = sr.linux_a11y_bus_address()
        assert address and not monitors_of(address)


def monitors_of(text: str) -> list[str]:
    done = subprocess.run(["pgrep", "-f", text], capture_output=True, text=True, check=False)
    return done.stdout.split()


def test_a_monitor_ends_when_the_app_is_killed() -> None:
    """``gdbus monitor`` outlives its parent and its bus; the wrapper must not."""
    marker = "297.5"  # a sleep no one else runs, to find it again
    owner = subprocess.Popen(
        [sys.executable, "-c", OWNER, marker], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    try:
        assert owner.stdout is not None and owner.stdout.readline().strip() == "started"
        assert monitors_of(f"sleep {marker}")
    finally:
        owner.kill()  # no clean-up of its own: as when the app crashes
        owner.wait(10)
    deadline = time.monotonic() + 10
    while monitors_of(f"sleep {marker}") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not monitors_of(f"sleep {marker}")


OWNER = """
import sys, time
from player.platform.screenreader import spawn_monitor
spawn_monitor(["sleep", sys.argv[1]])
time.sleep(0.5)
print("started", flush=True)
time.sleep(60)
"""


#: A client that listens for announcements, as a newer Orca does, until it is ended.
LISTENER = """
import pyatspi, sys
pyatspi.Registry.registerEventListener(lambda e: None, "object:announcement")
print("ready", flush=True)
pyatspi.Registry.start()
"""


@pytest.mark.usefixtures("automatic_collection")
def test_no_cyclic_collection_runs_on_the_checking_threads() -> None:
    """A collection on these threads can destroy a Qt object left in a cycle: Qt's
    connection lock is then taken off the GUI thread, which deadlocked the window's
    constructor once. The probe and the answer's hand-over run with collection off."""
    seen: list[bool] = []

    def probe() -> bool:
        seen.append(gc.isenabled())
        return False

    detector = sr.ScreenReaderDetector(probe)
    worker = detector.check_async(lambda _answer: seen.append(gc.isenabled()))
    worker.join(5)
    assert seen == [False, False]
    assert gc.isenabled()  # on again once the check is over


@pytest.mark.usefixtures("automatic_collection")
def test_no_cyclic_collection_while_the_bus_watch_starts_or_reacts() -> None:
    seen: list[bool] = []

    def run(argv: Sequence[str], timeout: float) -> str | None:
        seen.append(gc.isenabled())
        return None  # no accessibility bus: the watch gives up

    watch = sr.LinuxBusWatch(lambda: seen.append(gc.isenabled()), run=run)
    assert watch.start(wait=False)
    for thread in watch.threads:
        thread.join(5)
    watch._read(io.StringIO("signal ... EventListenerRegistered ...\n"))
    assert seen and not any(seen)
    assert gc.isenabled()
