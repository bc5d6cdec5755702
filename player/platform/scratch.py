"""A private scratch folder for a library workstation session.

:class:`SessionScratch` gives this process somewhere other than the patron's home and
the shared temporary folder for whatever Qt, fontconfig, PulseAudio or a speech engine
insist on writing: a private folder on a RAM file system when there is one, removed
when the session ends, and the environment variables that point everything into it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
from collections.abc import Mapping, MutableMapping
from pathlib import Path
from typing import Final

#: The name of the private folder made for each workstation session.
SCRATCH_PREFIX: Final = "story-player-session-"
#: Environment variables that name the places a library or toolkit writes to on its own.
#: XDG_RUNTIME_DIR is left alone: it is already a per-login RAM folder and the sound
#: server's socket is found through it.
REDIRECTED_XDG: Final = ("XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME")
REDIRECTED_TEMP: Final = ("TMPDIR", "TEMP", "TMP")


# The private scratch folder


def scratch_root(env: Mapping[str, str] | None = None, platform: str | None = None) -> Path:
    """Where the session's scratch folder goes: a RAM file system when there is one.

    Linux: ``$XDG_RUNTIME_DIR`` (a per-login tmpfs, emptied at logout and by a power cut),
    else ``/dev/shm``. Elsewhere there is no such folder for ordinary users, so the
    temporary folder is used and the scratch is removed at exit; an operating-system
    restore (Shared PC mode, Deep Freeze, a Guest account) covers a crash there.
    """
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    if platform.startswith("linux"):
        runtime = env.get("XDG_RUNTIME_DIR", "")
        if runtime and os.path.isdir(runtime) and os.access(runtime, os.W_OK):
            return Path(runtime)
        if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK):
            return Path("/dev/shm")
    return Path(tempfile.gettempdir())


def private_environment(
    scratch: Path, platform: str | None = None, env: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The environment variables that send this process's own writes into ``scratch``."""
    platform = sys.platform if platform is None else platform
    env = os.environ if env is None else env
    overrides = {name: str(scratch / name.lower()) for name in REDIRECTED_XDG}
    if platform.startswith("linux") and not env.get("DBUS_SESSION_BUS_ADDRESS"):
        # With no session bus named, libdbus "autolaunches" one and records it in
        # ~/.dbus/session-bus/. Use the login's bus if there is one, else none at all (a
        # screen reader cannot run without a session bus anyway).
        runtime = env.get("XDG_RUNTIME_DIR", "")
        bus = Path(runtime) / "bus" if runtime else None
        if bus is not None and bus.exists():
            overrides["DBUS_SESSION_BUS_ADDRESS"] = f"unix:path={bus}"
        else:
            overrides["DBUS_SESSION_BUS_ADDRESS"] = f"unix:path={scratch / 'no-session-bus'}"
    for name in REDIRECTED_TEMP:
        overrides[name] = str(scratch / "tmp")
    # Python's own caches: nothing lands beside an install in the patron's home.
    overrides["PYTHONDONTWRITEBYTECODE"] = "1"
    overrides["PYTHONPYCACHEPREFIX"] = str(scratch / "pycache")
    if platform.startswith("win"):
        overrides["LOCALAPPDATA"] = str(scratch / "localappdata")
    return overrides


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if sys.platform.startswith("win"):
        # No cheap liveness check without extra APIs; leave other sessions' folders alone.
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


class SessionScratch:
    """A private folder (mode 0700) for one workstation process, and the environment to use it.

    :meth:`activate` must run before Qt starts, since Qt, fontconfig and the sound
    client read these variables once. :meth:`remove` deletes the folder; folders left
    by sessions whose process is gone are removed at the next start.
    """

    def __init__(self, root: Path | None = None) -> None:
        self.root = root if root is not None else scratch_root()
        self.path: Path | None = None
        self.previous: dict[str, str | None] = {}

    def sweep_stale(self) -> list[Path]:
        """Remove scratch folders whose process no longer runs; returns what was removed."""
        removed: list[Path] = []
        with contextlib.suppress(OSError):
            for child in self.root.iterdir():
                if not child.name.startswith(SCRATCH_PREFIX) or not child.is_dir():
                    continue
                pid_text = child.name[len(SCRATCH_PREFIX) :].split("-", 1)[0]
                if pid_text.isdigit() and not _pid_alive(int(pid_text)):
                    shutil.rmtree(child, ignore_errors=True)
                    removed.append(child)
        return removed

    def activate(self, env: MutableMapping[str, str] | None = None) -> Path:
        """Make the folder and point this process's write locations into it."""
        env = os.environ if env is None else env
        self.sweep_stale()
        self.path = Path(tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-", dir=self.root))
        overrides = private_environment(self.path, env=env)
        for name, value in overrides.items():
            self.previous[name] = env.get(name)
            env[name] = value
        (self.path / "tmp").mkdir(mode=0o700, exist_ok=True)
        if env is os.environ:
            # tempfile remembers the folder it found first; make it look again.
            tempfile.tempdir = None
            sys.dont_write_bytecode = True
        return self.path

    def remove(self) -> None:
        if self.path is not None:
            shutil.rmtree(self.path, ignore_errors=True)
            self.path = None
