"""The first story, parsed in a process of its own while the window's process loads Qt.

At start the window's process spends some 150 ms importing Qt and the window's modules
and building the window, all of it holding the interpreter lock: a loading thread started
then could only take turns with that work and delay the window (and it waited until the
window was built). So :func:`~player.gui.launch.prepare`, which runs before Qt is
imported, starts a child interpreter (``posix_spawn``) that imports the story parser,
parses the first story that loads and sends the result back through a pipe; on a machine
with a second core that happens meanwhile, and the window's process never imports the
parser at start. The window takes the result in the turn after its first paint
(:meth:`StoryPreload.result`). The child runs only on CPU time no other process wants, so
it never slows the window; where the cores are busy it may not be done by the window's
first paint, and is then stopped, the loading thread loading the story as it would
without a child (:meth:`~player.gui.opening.StoryOpening.open_first_preloaded`).

A fresh interpreter rather than a fork: a forked child shares the parent's memory until
it ends, and the parent, whose every object's reference count changes as it imports on,
copies page after page of it meanwhile (measured: 35 ms later to the window).

Only for what the window would load at start anyway (the story asked for, else the last
one read, else the bundled one), only on Linux and not in a bundle (whose executable is
the app itself), and only for files of at most :data:`LIMIT_BYTES`: the story comes back
pickled, and unpickling takes the GUI thread for about 0.2 ms per kB (a loading thread
gives a large story to the GUI thread in smaller steps). Anything else, and any failure
of the child (it crashed, was killed, sent something unreadable), leaves the story to the
usual loading thread: the reader gets the same story either way.

No Qt here: this module is imported before Qt is, and by the child.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from player.core.model import Story

log = logging.getLogger(__name__)

StoryLoader = Callable[[Path], Story]
#: a story, or the problems to show instead
Loaded = Story | list[Any]
#: what each path tried gave, in order, the story last
Tried = list[tuple[Path, Loaded]]

#: files larger than this are left to the loading thread (see the module's notes)
LIMIT_BYTES = 48_000
_CHUNK = 65_536
#: the pipe's size asked for: a story of LIMIT_BYTES pickles to about 360 kB
_PIPE_BYTES = 1 << 20


def load_story_or_problems(loader: StoryLoader | None, path: Path | str) -> Loaded:
    """The story, or the problems to show instead; safe on any thread."""
    from player.core.storyfile import StoryFileError, load_story

    try:
        return (loader or load_story)(Path(path))
    except StoryFileError as exc:
        return list(exc.problems)
    except OSError as exc:
        return [exc.strerror or str(exc)]


class StoryPreload:
    """A child process parsing the first of some story files; see the module's notes."""

    def __init__(self, pid: int, fd: int) -> None:
        self._pid = pid
        self._fd = fd
        self._data = bytearray()
        self._ended = False

    @classmethod
    def start(cls, paths: Sequence[Path]) -> StoryPreload | None:
        """Start the child for ``paths`` (tried in order), or None where that is not done."""
        # A bundle's executable is the app itself, and an embedded one may have none.
        runnable = sys.executable and not getattr(sys, "frozen", False)
        if not sys.platform.startswith("linux") or not runnable:
            return None
        if not paths or not _small(paths[0]):
            return None
        import fcntl  # POSIX only, as this is

        read, write = os.pipe()
        with contextlib.suppress(OSError, AttributeError):
            # Room for the whole story (the default is 64 kB): the child writes it and ends,
            # rather than waiting for the window to read after its first paint.
            fcntl.fcntl(write, fcntl.F_SETPIPE_SZ, _PIPE_BYTES)
        # The child finds this very package and what this process finds, after its own
        # standard library (so nothing in a folder on the path takes a standard module's
        # place; -P: not the current folder first), without the site module's work at its
        # start (-S: 10 ms and more).
        root = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ)
        env[_PATH_VARIABLE] = os.pathsep.join([root, *(p for p in sys.path if p)])
        argv = [sys.executable, "-S", "-P", "-c", _CHILD_CODE, *map(str, paths)]
        try:
            # Its standard output is the pipe; the read end is closed in it (not inheritable).
            pid = os.posix_spawn(
                sys.executable, argv, env, file_actions=[(os.POSIX_SPAWN_DUP2, write, 1)]
            )
        except OSError:
            log.warning("could not start the story's preloading process", exc_info=True)
            os.close(read)
            return None
        finally:
            os.close(write)
        os.set_blocking(read, False)
        return cls(pid, read)

    @property
    def ended(self) -> bool:
        """Whether the child has sent everything (or ended without)."""
        return self._ended

    def read_available(self) -> bool:
        """Read what the child has sent so far, without waiting; whether it has ended."""
        while not self._ended:
            try:
                chunk = os.read(self._fd, _CHUNK)
            except BlockingIOError:
                return False
            except OSError:
                chunk = b""
            if not chunk:
                self._finish()
            else:
                self._data += chunk
        return True

    def result(self) -> Tried | None:
        """What the child found, waiting for it if need be; None when it failed (then the
        stories are to be loaded again, the usual way). Its log records are logged here."""
        if not self._ended:
            os.set_blocking(self._fd, True)
            self.read_available()
        try:
            records, tried = pickle.loads(bytes(self._data))
        except Exception:  # a child that died half-way, or a story that did not pickle
            log.warning("the story's preloading process sent nothing usable", exc_info=True)
            return None
        finally:
            self._data = bytearray()
        for name, level, message in records:
            logging.getLogger(name).log(level, "%s", message)
        return list(tried)

    def cancel(self) -> None:
        """Stop the child (if it still runs) and drop what it sent."""
        if not self._ended:
            with contextlib.suppress(OSError):
                os.kill(self._pid, signal.SIGKILL)
            self._finish()
        self._data = bytearray()

    def _finish(self) -> None:
        self._ended = True
        with contextlib.suppress(OSError):
            os.close(self._fd)
        # It has closed the pipe: it is ending, if not gone. Its exit status is collected
        # without waiting for it here: an idle-scheduled child on a busy machine may wait
        # for CPU time to end (3 ms and more of the GUI thread, measured).
        try:
            ended, _status = os.waitpid(self._pid, os.WNOHANG)
        except (ChildProcessError, OSError):
            return
        if not ended:
            threading.Thread(
                target=_collect_exit, args=(self._pid,), name="preload-exit", daemon=True
            ).start()


def _collect_exit(pid: int) -> None:
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, 0)


def _small(path: Path) -> bool:
    try:
        return path.stat().st_size <= LIMIT_BYTES
    except OSError:
        return False  # the loading thread says what is wrong with it


class _Keep(logging.Handler):
    """The child's log records, sent back for the parent's log (one writer of the file)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))


#: where the child finds its modules (see StoryPreload.start)
_PATH_VARIABLE = "STORY_PLAYER_PRELOAD_PATH"
#: What the child interpreter runs, with the story files as its arguments. First of all
#: it takes only CPU time no other process wants (SCHED_IDLE): on a free core it runs at
#: full speed, and where the cores are busy it takes nothing from the window's process
#: (the window then loads the story itself, see the module's notes).
_CHILD_CODE = f"""
import os, sys
sys.path.extend(os.environ.pop("{_PATH_VARIABLE}").split(os.pathsep))
try:
    os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
except (AttributeError, OSError):
    os.nice(19)
from player.gui.preload import child_main
child_main()
"""


def child_main() -> None:  # pragma: no cover - runs in the child interpreter
    """Parse the stories named on the command line, send what each gave (pickled, with
    the log records made meanwhile) on standard output, and end."""
    status = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the window's to handle
        keep = _Keep()
        logger = logging.getLogger("player")
        logger.setLevel(logging.DEBUG)  # the window's log decides what it keeps
        logger.propagate = False
        logger.addHandler(keep)
        from player.core.playback.estimates import story_units

        tried: Tried = []
        for path in (Path(arg) for arg in sys.argv[1:]):
            result = load_story_or_problems(None, path)
            tried.append((path, result))
            if isinstance(result, Story):
                story_units(result)  # as the loading thread does, off the GUI thread
                break
        data = pickle.dumps((keep.records, tried), protocol=pickle.HIGHEST_PROTOCOL)
        view = memoryview(data)
        while view:
            view = view[os.write(1, view) :]
        status = 0
    except BaseException:  # noqa: BLE001 - the parent loads the story itself, and says so
        status = 1
    finally:
        os._exit(status)
