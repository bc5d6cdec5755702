"""An import in a child process: ``story-player import FILE --out DIR --json``.

The window imports through this, not in its own process: trafilatura and lxml hold the
interpreter lock in long C calls, and Python code of the importer makes garbage
collections of its own, so an import on a thread of the window's process stalls its
GUI thread (up to about 0.2 s on a 1 MB page). A thread that waits on a child process
holds the lock for nothing.

:class:`ImportRun` starts the same command the CLI offers (``python -m player`` from
source or a wheel; the frozen bundle's executable, whose entry point dispatches
``import`` like the command) and turns its JSON answer into a
:class:`~player.core.review.Review`. Every failure becomes an :class:`ImportFailure`
whose message is the child's own words, or says how the child ended (killed, stopped,
too slow), never a traceback. :meth:`ImportRun.stop` ends the child from any thread,
and any child still running when the interpreter exits is killed then.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from player.core.importer.draft import ImportFailure
from player.core.review import Review, review_from_json

log = logging.getLogger(__name__)

#: how long an import may take before its child is killed: a 1 MB page takes about 1 s,
#: and the importer refuses files over 50 MB
IMPORT_TIMEOUT_S = 120.0

#: the child's priority: below the window's and its speech's, which share its cores
NICENESS = 10
# Windows: below normal priority, and no console window flashing up
_CREATION_FLAGS = getattr(subprocess, "BELOW_NORMAL_PRIORITY_CLASS", 0) | getattr(
    subprocess, "CREATE_NO_WINDOW", 0
)

_live: set[subprocess.Popen[str]] = set()
_live_lock = threading.Lock()


class ImportStopped(ImportFailure):
    """The import was ended by :meth:`ImportRun.stop` (nobody waits for it any more)."""


def import_command(source: Path, library: Path) -> list[str]:
    """The command line that imports ``source`` into a new folder of ``library``."""
    # A bundle has no ``-m``; its entry point hands ``import`` to the command's parser.
    frozen = getattr(sys, "frozen", False)
    head = [sys.executable] if frozen else [sys.executable, "-m", "player"]
    # "--" before the file: a file named "-x.html" is not an option.
    return [*head, "import", "--out", str(library), "--json", "--", str(source)]


def _environment() -> dict[str, str]:
    """The child's environment: this process's, with a source checkout's package first on
    the path (a copy installed elsewhere, or an editable install of another checkout, must
    not be the one that runs). An installed package's folder is left where it is: first on
    the path it would come before the standard library."""
    env = dict(os.environ)
    root = Path(__file__).resolve().parents[3]
    if not getattr(sys, "frozen", False) and root.name not in ("site-packages", "dist-packages"):
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(root), env.get("PYTHONPATH")) if p)
    return env


class ImportRun:
    """One import of ``source`` into ``library`` in a child process."""

    def __init__(
        self,
        source: Path,
        library: Path,
        *,
        timeout_s: float = IMPORT_TIMEOUT_S,
        command: list[str] | None = None,
    ) -> None:
        self.source = source
        self.library = library
        self.timeout_s = timeout_s
        self.command = command or import_command(source, library)
        self._proc: subprocess.Popen[str] | None = None
        self._stopped = False
        self._lock = threading.Lock()
        #: set once the child runs: tests wait on it
        self.started = threading.Event()
        #: set once :meth:`run` has returned or raised
        self.finished = threading.Event()

    @property
    def pid(self) -> int | None:
        """The child's process id, once it runs."""
        return self._proc.pid if self._proc is not None else None

    def run(self) -> Review:
        """Import and read the story back for review; blocks until the child ends. Raises
        ImportFailure in words: the child's own, or how it ended."""
        try:
            return self._run()
        finally:
            self.finished.set()

    def _run(self) -> Review:
        with self._lock:
            if self._stopped:
                raise ImportStopped(f"{self.source}: the import was stopped")
            try:
                proc = subprocess.Popen(
                    self.command,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                    encoding="utf-8",
                    errors="replace",
                    env=_environment(),
                    creationflags=_CREATION_FLAGS,
                )
            except OSError as exc:
                raise ImportFailure(
                    f"{self.source}: the importer could not be started: {exc.strerror or exc}"
                ) from None
            self._proc = proc
            if hasattr(os, "setpriority"):
                with contextlib.suppress(OSError):  # then it runs at the window's priority
                    os.setpriority(os.PRIO_PROCESS, proc.pid, NICENESS)
            with _live_lock:
                _live.add(proc)
        self.started.set()
        try:
            out, err = proc.communicate(timeout=self.timeout_s)
        except subprocess.TimeoutExpired:
            _kill(proc)
            out, err = proc.communicate()
            log.warning("importing %s: no answer in %.0f s; stopped", self.source, self.timeout_s)
            raise ImportFailure(
                f"{self.source}: the import took longer than {self.timeout_s:g} seconds and "
                "was stopped"
            ) from None
        finally:
            with _live_lock:
                _live.discard(proc)
        if err.strip():
            log.debug("the importer's messages for %s:\n%s", self.source, err.rstrip())
        return self._outcome(proc.returncode, out, err)

    def _outcome(self, status: int, out: str, err: str) -> Review:
        if self._stopped:
            # Even when it had just finished: whoever stopped it no longer wants its review.
            if answer_folder := (_last_json(out) or {}).get("folder"):
                log.info("importing %s was stopped after writing %s", self.source, answer_folder)
            raise ImportStopped(f"{self.source}: the import was stopped")
        answer = _last_json(out)
        if answer is not None and "error" in answer:
            raise ImportFailure(str(answer["error"]))
        if answer is not None and status == 0:
            try:
                return review_from_json(answer["review"])
            except (KeyError, TypeError, ValueError) as exc:
                log.error("importing %s: an answer not understood: %s (%s)", self.source, out, exc)
                raise ImportFailure(
                    f"{self.source}: the importer's answer was not understood"
                ) from None
        if status < 0:
            raise ImportFailure(
                f"{self.source}: the import ended before it finished: the importing process "
                f"was stopped by {_signal_name(-status)}"
            )
        log.error("importing %s: the importer ended with status %d:\n%s", self.source, status, err)
        raise ImportFailure(
            f"{self.source}: the import ended before it finished (the importing process "
            f"exited with status {status}); the log has its messages"
        )

    def stop(self) -> None:
        """End the import (from any thread); :meth:`run` then raises ImportStopped."""
        with self._lock:
            self._stopped = True
            proc = self._proc
        if proc is not None:
            _kill(proc)


def _last_json(out: str) -> dict[str, Any] | None:
    """The child's answer: its last line of output, when that is a JSON object."""
    lines = [line for line in out.splitlines() if line.strip()]
    if not lines:
        return None
    try:
        answer = json.loads(lines[-1])
    except json.JSONDecodeError:
        return None
    return answer if isinstance(answer, dict) else None


def _signal_name(number: int) -> str:
    try:
        return f"{signal.Signals(number).name} (signal {number})"
    except ValueError:
        return f"signal {number}"


def _kill(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        with contextlib.suppress(OSError):
            proc.kill()


@atexit.register
def _kill_live() -> None:
    """No import outlives the app: its worker thread is a daemon that exit does not wait for."""
    with _live_lock:
        live = list(_live)
    for proc in live:
        _kill(proc)
        with contextlib.suppress(OSError, subprocess.TimeoutExpired):
            proc.wait(2.0)
