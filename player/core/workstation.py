"""Library workstation mode without Qt: the idle policy and the configuration.

A public-library workstation is used by one patron after another. In this mode
the window opens stories only from the library folder, keeps the patron's state
in memory, and after a stretch with no input and nothing playing it warns, then
returns to the library with everything as the administrator set it.

- :class:`IdlePolicy` is the clock: a pure state machine fed with the time, input
  and whether the voice is playing, so it can be tested without waiting.
- :class:`WorkstationConfig` reads the admin's values from the settings and keeps
  them in safe ranges (a warning shorter than 20 s would fail WCAG 2.2.1).

The private scratch folder a session writes into is operating-system work and lives
in :mod:`player.platform.scratch`.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
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
