"""Run Orca against the app under Xvfb and save what Orca says to docs/orca-transcript.txt.

Usage (from the repository root): ``.venv/bin/python tests/a11y/orca_run.py [OUTPUT]``.
Needs the Debian packages orca, speech-dispatcher, python3-speechd and
dconf-gsettings-backend besides those of the AT-SPI test. The transcript itself is
not part of CI (it depends on Orca's wording); test_a11y_orca.py, which is, uses
the helpers here to start speech-dispatcher and Orca.

speech-dispatcher gets a private configuration whose only output module writes
each utterance to a text file; Orca talks to it through the socket in the
session's ``XDG_RUNTIME_DIR``. Keys are sent with xdotool after the window is
focused, with pauses so each utterance is complete before the next key.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from a11y_desktop import ROOT, DesktopSession, missing_tools

# What the reader does, with a note for the transcript.
STEPS: tuple[tuple[str, str], ...] = (
    ("Tab", "Tab: from the contents to the story text"),
    ("Down", "Down arrow: caret to the next line"),
    ("Down", "Down arrow: caret to the next line"),
    ("ctrl+Right", "Ctrl+Right: caret to the next word"),
    ("ctrl+Right", "Ctrl+Right: caret to the next word"),
    ("Right", "Right arrow: caret to the next character"),
    ("r", "R: jump to the public reaction"),
    ("Down", "Down arrow: reading on below the heading"),
    ("space", "Space: play"),
    ("space", "Space: pause"),
    ("ctrl+shift+r", "Ctrl+Shift+R: public reaction again (from the menu's shortcut)"),
    ("alt+Prior", "Alt+Page Up: previous segment"),
    ("h", "H: next segment"),
    ("Tab", "Tab: to the photos"),
    ("Tab", "Tab: onwards"),
    ("Tab", "Tab: onwards"),
    ("Tab", "Tab: onwards"),
    ("Tab", "Tab: onwards"),
    ("Tab", "Tab: onwards"),
    ("Tab", "Tab: onwards"),
    ("Tab", "Tab: onwards"),
    ("Tab", "Tab: onwards"),
)


def write_speechd_config(directory: Path, spoken: Path) -> None:
    (directory / "modules").mkdir(parents=True)
    (directory / "speechd.conf").write_text(
        'AudioOutputMethod "libao"\n'
        'AddModule "textlog" "sd_generic" "textlog.conf"\n'
        "DefaultModule textlog\n"
        'DefaultLanguage "en"\n'
        "LogLevel 1\n",
        encoding="utf-8",
    )
    (directory / "modules" / "textlog.conf").write_text(
        f"GenericExecuteSynth \"echo \\'$DATA\\' >> {spoken}\"\n"
        'GenericLanguage "en" "en" "utf-8"\n'
        'GenericLanguage "en-US" "en" "utf-8"\n'
        'AddVoice "en" "MALE1" "en"\n',
        encoding="utf-8",
    )


def orca_missing() -> list[str]:
    """What this machine lacks to run Orca under Xvfb (empty when all is there)."""
    return missing_tools() + [t for t in ("orca", "speech-dispatcher") if not shutil.which(t)]


def start_speech_dispatcher(session: DesktopSession) -> Path:
    """speech-dispatcher writing each utterance to a text file; that file's path."""
    spoken = session.tmp / "spoken.log"
    spoken.touch()
    speechd_dir = session.tmp / "speechd"
    write_speechd_config(speechd_dir, spoken)
    speechd = session.start_process(
        [
            "speech-dispatcher", "-d", "-t", "0", "-C", str(speechd_dir),
            "-P", str(session.tmp / "speechd.pid"),
        ]
    )  # fmt: skip
    speechd.wait(timeout=20)  # -d: the daemon forks; its pid is in the pid file
    socket = Path(session.env["XDG_RUNTIME_DIR"]) / "speech-dispatcher" / "speechd.sock"
    deadline = time.monotonic() + 15
    while not socket.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    return spoken


#: Orca runs once per user (it refuses to start beside another, and ``--replace`` would kill
#: the other, which may be the reader's own): runs of this file and of the tests take turns.
LOCK_PATH = Path(tempfile.gettempdir()) / f"story-player-orca-{os.getuid()}.lock"


def other_orca_running() -> bool:
    """Whether an Orca of this user runs (a real screen reader, or another run's)."""
    argv = ["pgrep", "-u", str(os.getuid()), "-x", "orca"]
    done = subprocess.run(argv, capture_output=True, timeout=10, check=False)
    return bool(done.stdout.split())


@contextlib.contextmanager
def orca_turn(timeout: float) -> Iterator[bool]:
    """Hold the machine's Orca lock for this user; yields False when it was not had in
    ``timeout`` seconds or another Orca of this user runs anyway."""
    handle: IO[str] = open(LOCK_PATH, "a")  # noqa: SIM115
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    yield False
                    return
                time.sleep(0.5)
        yield not other_orca_running()
    finally:
        handle.close()  # releases the lock


def start_orca(session: DesktopSession) -> subprocess.Popen[bytes]:
    prefs = session.tmp / "orca-prefs"
    prefs.mkdir(exist_ok=True)
    return session.start_process(
        [
            "orca", "-u", str(prefs), "-d", "braille",
            f"--debug-file={session.tmp / 'orca-debug.txt'}",
        ],
        log="orca.log",
    )  # fmt: skip


def stop_orca(session: DesktopSession, orca: subprocess.Popen[bytes]) -> None:
    """Orca before speech-dispatcher, or python-speechd starts a default daemon that lingers."""
    orca.terminate()
    try:
        orca.wait(timeout=10)
    except subprocess.TimeoutExpired:
        orca.kill()
        orca.wait(timeout=5)
    pidfile = session.tmp / "speechd.pid"
    if pidfile.exists():
        with contextlib.suppress(ValueError, ProcessLookupError):
            os.kill(int(pidfile.read_text().strip()), 15)


def run(output: Path) -> int:
    missing = orca_missing()
    if missing:
        print("missing: " + ", ".join(missing), file=sys.stderr)
        return 2
    with orca_turn(120) as free, DesktopSession() as session:
        if not free:
            print("another Orca of this user is running; Orca allows one", file=sys.stderr)
            return 2
        spoken = start_speech_dispatcher(session)
        app = session.start_app()
        window = session.window_id(app.pid, timeout=60)
        session.focus(window)
        time.sleep(2)
        orca = start_orca(session)
        time.sleep(8)  # Orca starts, finds the focused window and speaks it
        session.focus(window)
        time.sleep(3)
        lines = [
            "# Orca 43 speaking Story Player under Xvfb",
            "",
            "Made by `.venv/bin/python tests/a11y/orca_run.py`: each key below was sent with",
            "xdotool and each indented line is one utterance Orca gave speech-dispatcher.",
            "",
        ]
        seen = 0

        def collect(note: str) -> None:
            nonlocal seen
            said = spoken.read_text(errors="replace").splitlines()
            lines.append(f"## {note}")
            lines.extend(f"    {line}" for line in said[seen:] if line.strip())
            lines.append("")
            seen = len(said)

        collect("Orca starts; the window has focus")
        for key, note in STEPS:
            session.keys(key, pause=3.0)
            collect(note)
        stop_orca(session, orca)
        app.terminate()
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {output}")
    return 0


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "orca-transcript.txt"
    sys.exit(run(target))
