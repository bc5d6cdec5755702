"""Library workstation mode without Qt: the idle policy, the configuration, the private scratch.

A public-library workstation is used by one patron after another. In this mode
the window opens stories only from the library folder, keeps the patron's state
in memory, and after a stretch with no input and nothing playing it warns, then
returns to the library with everything as the administrator set it.

- :class:`IdlePolicy` is the clock: a pure state machine fed with the time, input
  and whether the voice is playing, so it can be tested without waiting.
- :class:`WorkstationConfig` reads the admin's values from the settings and keeps
  them in safe ranges (a warning shorter than 20 s would fail WCAG 2.2.1).
- :class:`SessionScratch` gives this process somewhere other than the patron's
  home and the shared temporary folder for whatever Qt, fontconfig, PulseAudio or
  a speech engine insist on writing: a private folder on a RAM file system when
  there is one, removed when the session ends.
"""

from __future__ import annotations

import contextlib
import enum
import os
import shutil
import sys
import tempfile
from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from player.core.library import is_inside
from player.core.options import (
    DEFAULT_ADMIN_QUIT_KEYS,
    DEFAULT_IDLE_MINUTES,
    DEFAULT_WARNING_SECONDS,
    MAX_IDLE_MINUTES,
    MIN_IDLE_MINUTES,
    MIN_WARNING_SECONDS,
)

#: The name of the private folder made for each workstation session.
SCRATCH_PREFIX: Final = "story-player-session-"
#: Environment variables that name the places a library or toolkit writes to on its own.
#: XDG_RUNTIME_DIR is left alone: it is already a per-login RAM folder and the sound
#: server's socket is found through it.
REDIRECTED_XDG: Final = ("XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME")
REDIRECTED_TEMP: Final = ("TMPDIR", "TEMP", "TMP")

# Keys screen readers and the desktop own; the administrator's keys must not take them.
_MODIFIERS: Final = {"ctrl", "shift", "alt", "meta"}
_SCREEN_READER_KEYS: Final = {"ins", "insert", "capslock", "caps lock", "numlock"}


class IdlePhase(enum.Enum):
    """Where the idle clock stands."""

    #: No patron since the last reset: nothing to warn anyone about.
    RESTING = "resting"
    #: Someone is using the player.
    ACTIVE = "active"
    #: The warning is on screen and counting down.
    WARNING = "warning"
    #: The countdown ran out; the session is being reset.
    EXPIRED = "expired"


class IdleEvent(enum.Enum):
    """What :meth:`IdlePolicy.tick` asks the window to do."""

    WARN = "warn"
    EXPIRE = "expire"


@dataclass
class IdlePolicy:
    """No input and nothing playing for ``idle_seconds`` warns; ``warning_seconds`` more resets.

    Times are plain numbers of seconds (``time.monotonic()`` in the app, anything in tests).
    While the warning shows, input does not count: the patron answers the warning itself
    (so a screen-reader user can Tab through it and read it without dismissing it).
    """

    idle_seconds: float
    warning_seconds: float
    phase: IdlePhase = IdlePhase.RESTING
    last_activity: float = 0.0
    warning_started: float = 0.0

    def input(self, now: float) -> None:
        """The patron pressed a key, clicked, scrolled or moved the pointer."""
        if self.phase in (IdlePhase.RESTING, IdlePhase.ACTIVE):
            self.phase = IdlePhase.ACTIVE
            self.last_activity = now

    def tick(self, now: float, playing: bool) -> IdleEvent | None:
        """Advance the clock; returns an event when the warning or the reset is due."""
        if self.phase is IdlePhase.RESTING:
            return None
        if self.phase is IdlePhase.ACTIVE:
            if playing:
                # Listening is using the player, even with hands off the keyboard.
                self.last_activity = now
                return None
            if now - self.last_activity >= self.idle_seconds:
                self.phase = IdlePhase.WARNING
                self.warning_started = now
                return IdleEvent.WARN
            return None
        if self.phase is IdlePhase.WARNING and now - self.warning_started >= self.warning_seconds:
            self.phase = IdlePhase.EXPIRED
            return IdleEvent.EXPIRE
        return None

    def keep_going(self, now: float) -> None:
        """The patron answered the warning: a full idle period starts again."""
        self.phase = IdlePhase.ACTIVE
        self.last_activity = now

    def expire(self) -> None:
        """The patron chose to finish (or the countdown ran out)."""
        self.phase = IdlePhase.EXPIRED

    def reset_done(self) -> None:
        """The session was reset; wait for the next patron without counting."""
        self.phase = IdlePhase.RESTING

    def warning_left(self, now: float) -> int:
        """Whole seconds left on the warning's countdown (rounded up, never negative)."""
        if self.phase is not IdlePhase.WARNING:
            return 0
        left = self.warning_seconds - (now - self.warning_started)
        return max(0, int(-(-left // 1)))


def _number(value: Any, default: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return default
    return float(value)


def check_admin_keys(text: str, taken: Iterable[str] = ()) -> str | None:
    """Why ``text`` cannot be the administrator's quit keys, or None when it can.

    The combination must be hard to press by accident, must not be one a screen
    reader or the desktop owns (Ctrl+Alt+anything, Insert, Caps Lock, the numpad,
    Alt+letter) and must not be one of the player's own shortcuts (``taken``).
    """
    parts = [p.strip() for p in text.replace(" + ", "+").split("+")]
    if text.endswith("++"):
        parts = [*parts[:-2], "+"]
    if not text.strip() or any(not p for p in parts):
        return "is empty or malformed"
    mods = {p.lower() for p in parts[:-1]}
    key = parts[-1].lower()
    if not mods <= _MODIFIERS:
        return f"has an unknown modifier ({', '.join(sorted(mods - _MODIFIERS))})"
    if key in _MODIFIERS:
        return "has no key besides modifiers"
    if {"ctrl", "alt"} <= mods:
        return "uses Ctrl+Alt, which screen readers and the desktop own"
    if key in _SCREEN_READER_KEYS or key.startswith("num"):
        return "uses a screen reader key"
    if len(mods) < 2:
        return "needs at least two modifiers so a patron cannot press it by accident"
    normal = {t.replace(" ", "").lower() for t in taken}
    if text.replace(" ", "").lower() in normal:
        return "is already one of the player's shortcuts"
    return None


@dataclass(frozen=True)
class WorkstationConfig:
    """The administrator's choices for a workstation session, in safe ranges."""

    idle_seconds: float = DEFAULT_IDLE_MINUTES * 60
    warning_seconds: float = float(DEFAULT_WARNING_SECONDS)
    admin_quit_keys: str = DEFAULT_ADMIN_QUIT_KEYS
    messages: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def from_values(cls, values: Mapping[str, Any], taken: Iterable[str] = ()) -> WorkstationConfig:
        """Read ``idle_minutes``, ``idle_warning_seconds`` and ``admin_quit_keys``.

        Out-of-range values are clamped and a message says so, for the administrator's log.
        """
        messages: list[str] = []
        minutes = _number(values.get("idle_minutes"), DEFAULT_IDLE_MINUTES)
        clamped = min(MAX_IDLE_MINUTES, max(MIN_IDLE_MINUTES, minutes))
        if clamped != minutes:
            messages.append(f"idle_minutes {minutes:g} is out of range; using {clamped:g}.")
        warning = _number(values.get("idle_warning_seconds"), DEFAULT_WARNING_SECONDS)
        if warning < MIN_WARNING_SECONDS:
            messages.append(
                f"idle_warning_seconds {warning:g} is too short to answer; "
                f"using {MIN_WARNING_SECONDS}."
            )
            warning = MIN_WARNING_SECONDS
        keys = values.get("admin_quit_keys")
        keys = keys if isinstance(keys, str) else DEFAULT_ADMIN_QUIT_KEYS
        problem = check_admin_keys(keys, taken)
        if problem is not None:
            messages.append(f"admin_quit_keys {keys!r} {problem}; using {DEFAULT_ADMIN_QUIT_KEYS}.")
            keys = DEFAULT_ADMIN_QUIT_KEYS
        return cls(clamped * 60, warning, keys, tuple(messages))

    def with_test_timing(self, idle_seconds: float, warning_seconds: float) -> WorkstationConfig:
        """Short times for automated sessions only; the administrator's ranges do not apply."""
        return WorkstationConfig(idle_seconds, warning_seconds, self.admin_quit_keys, self.messages)

    def policy(self) -> IdlePolicy:
        return IdlePolicy(self.idle_seconds, self.warning_seconds)


def refusal_for(path: Path, folders: Iterable[Path]) -> str | None:
    """The message for a story outside the library, or None when it may be opened."""
    folders = list(folders)
    try:
        inside = is_inside(path, folders)
    except OSError:
        inside = False
    if inside:
        return None
    return (
        f"{path.name} is not in the library. On this workstation stories open only from the "
        "library list (File > Library, Ctrl+L)."
    )


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
