"""Settings in layers: built-in defaults, the administrator's system file, the user's own file.

A key's value comes from the user's layer, unless the system layer locks that key,
then from the system layer, then from the built-in defaults. A value of the wrong
type in a file is ignored so that a hand-edited file cannot break the window.

The system file (``settings.toml`` or ``settings.json`` in the system directory) is
read only. Besides plain keys it may hold ``locked`` (a list of keys the user cannot
override) and ``memory_only`` (library workstation mode: nothing is read from or
written to the user's file; everything lives in memory for the session).

Every key, its type, default and range are declared once in :mod:`player.core.options`;
numbers are clamped to their range when read, so a hand-edited ``rate`` of 3000000000
reads as the fastest rate, not as a crash.

What the user chooses (preferences, ``settings.json``) and what the app remembers on its
own (reading state: positions, bookmarks, recent stories, window layout; ``state.json``
beside it) are kept in separate files. A ``settings.json`` from an earlier version holding
both is split on the first save; nothing in it is lost.

The user's files are JSON, written atomically (temporary file, then ``os.replace``). A
file that cannot be parsed is set aside as ``*.damaged-TIMESTAMP`` and a message is
kept in :attr:`Settings.messages` for the window to show.

Nothing here imports Qt; the window decides when to :meth:`Settings.flush`.
"""

from __future__ import annotations

import copy
import json
import os
import tempfile
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, Final, NamedTuple

from player.core import options

USER_FILE_NAME: Final = "settings.json"
SYSTEM_FILE_NAMES: Final = ("settings.toml", "settings.json")
MAX_RECENT: Final = 10
MAX_REMEMBERED_STORIES: Final = 50

DEFAULTS: Final[Mapping[str, Any]] = options.DEFAULTS
STATE_FILE_NAME: Final = "state.json"
#: Far more than 50 stories' places and bookmarks need; a bigger file is not ours.
MAX_SETTINGS_BYTES: Final = 4 * 1024 * 1024

# Keys of the system file that configure the layers themselves rather than the app.
_SYSTEM_CONTROL_KEYS: Final = frozenset({"locked", "memory_only", "workstation"})


class SettingsLocations(NamedTuple):
    """Where the system-wide and the user's settings live (player.platform.folders says
    where that is on each operating system)."""

    system_dir: Path
    user_dir: Path
    #: where reading state is kept; the user's settings folder when not given
    state_dir: Path | None = None

    @property
    def user_file(self) -> Path:
        return self.user_dir / USER_FILE_NAME

    @property
    def state_file(self) -> Path:
        return (self.state_dir or self.user_dir) / STATE_FILE_NAME

    def system_file(self) -> Path | None:
        """The first system settings file that exists, TOML before JSON."""
        for name in SYSTEM_FILE_NAMES:
            candidate = self.system_dir / name
            if candidate.is_file():
                return candidate
        return None


class DamagedSettingsError(Exception):
    """A settings file exists but is not a readable table of settings."""


def primary_language(tag: str) -> str:
    """The language of a tag without region or script: "en" for "en-GB"."""
    return tag.strip().replace("_", "-").split("-", 1)[0].lower()


def parse_settings_file(path: Path) -> dict[str, Any]:
    """Read a JSON or TOML settings file; a missing file is empty.

    Bounded before it is parsed: at most :data:`MAX_SETTINGS_BYTES` are read, and a
    structure nested too deeply for the parser is a damaged file, not a crash.
    """
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_SETTINGS_BYTES + 1)
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise DamagedSettingsError(f"{path}: {exc.strerror or exc}") from exc
    if len(raw) > MAX_SETTINGS_BYTES:
        raise DamagedSettingsError(
            f"{path}: larger than {MAX_SETTINGS_BYTES // 1_048_576} MB, not a settings file"
        )
    try:
        if path.suffix == ".toml":
            import tomllib  # only an administrator's file is TOML: not loaded for every start

            data: Any = tomllib.loads(raw.decode("utf-8"))
        else:
            data = json.loads(raw.decode("utf-8")) if raw.strip() else {}
    except RecursionError:
        raise DamagedSettingsError(f"{path}: nested too deeply") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise DamagedSettingsError(f"{path}: {exc}") from exc
    if not isinstance(data, dict):
        raise DamagedSettingsError(f"{path}: expected a table of settings")
    return data


def set_aside(path: Path, now: float | None = None) -> Path:
    """Rename a damaged file to ``NAME.damaged-YYYYmmdd-HHMMSS`` and return the new path."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now))
    target = path.with_name(f"{path.name}.damaged-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.damaged-{stamp}-{n}")
    os.replace(path, target)
    return target


def atomic_write_json(path: Path, data: Mapping[str, Any]) -> None:
    """Write JSON so that a crash leaves either the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


#: A temporary file older than this is left from a crash, not being written right now.
STALE_TEMPORARY_SECONDS: Final = 60.0


def sweep_temporary_files(path: Path, now: float | None = None) -> None:
    """Remove what :func:`atomic_write_json` left beside ``path`` when the process was
    killed between writing and renaming: those copies hold positions and recent stories,
    which must not pile up on a shared machine. A file still being written by another
    window (seconds old) is left alone."""
    now = time.time() if now is None else now
    try:
        candidates = list(path.parent.glob(f".{path.name}.*.tmp"))
    except OSError:
        return
    for leftover in candidates:
        try:
            if now - leftover.stat().st_mtime > STALE_TEMPORARY_SECONDS:
                leftover.unlink()
        except OSError:  # gone already, or not ours to remove: the next start tries again
            continue


class Store(ABC):
    """Where the user's layer is kept between runs."""

    @abstractmethod
    def load(self) -> dict[str, Any]: ...

    @abstractmethod
    def save(self, data: Mapping[str, Any]) -> None: ...

    @property
    def messages(self) -> list[str]:
        return []


class FileStore(Store):
    """The user's layer in a JSON file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._messages: list[str] = []

    @property
    def messages(self) -> list[str]:
        return self._messages

    def load(self) -> dict[str, Any]:
        sweep_temporary_files(self.path)
        try:
            return parse_settings_file(self.path)
        except DamagedSettingsError as exc:
            try:
                moved = set_aside(self.path)
            except OSError:
                self._messages.append(
                    f"Your settings file could not be read ({exc}). Using defaults."
                )
            else:
                self._messages.append(
                    f"Your settings file could not be read and was set aside as {moved.name}. "
                    "Using defaults."
                )
            return {}

    def save(self, data: Mapping[str, Any]) -> None:
        atomic_write_json(self.path, data)


class MemoryStore(Store):
    """Keeps the user's layer in memory and writes nothing (library workstation mode)."""

    def __init__(self, initial: Mapping[str, Any] | None = None) -> None:
        self.data: dict[str, Any] = copy.deepcopy(dict(initial or {}))
        self.saves = 0

    def load(self) -> dict[str, Any]:
        return copy.deepcopy(self.data)

    def save(self, data: Mapping[str, Any]) -> None:
        self.data = copy.deepcopy(dict(data))
        self.saves += 1


def _accepted(key: str, value: Any, defaults: Mapping[str, Any]) -> bool:
    option = options.BY_NAME.get(key)
    if option is not None:
        return option.accepts(value)
    return key in defaults and isinstance(value, type(defaults[key]))


def _valid(
    data: Mapping[str, Any], defaults: Mapping[str, Any], where: str, problems: list[str]
) -> dict[str, Any]:
    """The entries of ``data`` that are known settings with a usable value. A value of the
    wrong type or out of range is dropped alone, with a message naming it; the rest of the
    file (bookmarks included) is kept. Unknown keys (a newer version's) are passed over."""
    kept: dict[str, Any] = {}
    for key, value in data.items():
        if key not in defaults:
            continue
        option = options.BY_NAME.get(key)
        problem = (
            option.problem(value)
            if option is not None
            else (None if _accepted(key, value, defaults) else "of the wrong type")
        )
        if problem is None:
            kept[key] = value
        else:
            problems.append(f"Ignored {key!r} in {where}: {problem}; using the default.")
    return kept


class Bookmark(NamedTuple):
    """A named place in a story."""

    name: str
    sentence: int


class Settings:
    """The merged view of the layers, and the one place that changes the user's files.

    ``store`` keeps the user's preferences; ``state_store`` the reading state. Without a
    ``state_store`` both live in ``store`` (a memory-only session, tests).
    """

    def __init__(
        self,
        store: Store,
        system: Mapping[str, Any] | None = None,
        defaults: Mapping[str, Any] = DEFAULTS,
        messages: Iterable[str] = (),
        state_store: Store | None = None,
    ) -> None:
        system = dict(system or {})
        locked = system.get("locked", [])
        self._locked = (
            frozenset(k for k in locked if isinstance(k, str))
            if isinstance(locked, list)
            else frozenset()
        )
        self._memory_only = isinstance(store, MemoryStore)
        # Kept whole so a workstation can start the next patron from the same layers.
        self._system_raw = copy.deepcopy(system)
        self.workstation_forced = system.get("workstation") is True
        self._defaults = dict(defaults)
        self._state_keys = frozenset(k for k in self._defaults if k in options.STATE_KEYS)
        # Reading state is the reader's own: an administrator's file does not set it.
        self._system = {
            k: v
            for k, v in system.items()
            if k not in _SYSTEM_CONTROL_KEYS and k in self._defaults and k not in self._state_keys
        }
        self._store = store
        self._state_store = state_store
        problems: list[str] = []
        self._system = _valid(self._system, self._defaults, "system settings", problems)
        loaded = _valid(store.load(), self._defaults, "your settings", problems)
        for key in sorted(options.ADMIN_ONLY_KEYS & loaded.keys()):
            # A reader's file raising the administrator's cap would make the cap pointless.
            problems.append(
                f"Ignored {key!r} in your settings: only the system settings file sets it."
            )
            del loaded[key]
        self._user = {k: v for k, v in loaded.items() if k not in self._state_keys}
        # Reading state found among the preferences comes from a version that kept one
        # file; it is taken over and moves to the state file on the next save.
        self._state = {k: v for k, v in loaded.items() if k in self._state_keys}
        migrated = state_store is not None and bool(self._state)
        if state_store is not None:
            state = _valid(state_store.load(), self._defaults, "your reading state", problems)
            self._state.update((k, v) for k, v in state.items() if k in self._state_keys)
        self.messages: list[str] = [
            *messages,
            *store.messages,
            *(state_store.messages if state_store is not None else ()),
            *problems,
        ]
        self._user_dirty = migrated
        self._state_dirty = migrated

    @property
    def dirty(self) -> bool:
        """Whether something changed since the last write was handed out."""
        return self._user_dirty or self._state_dirty

    @dirty.setter
    def dirty(self, value: bool) -> None:
        # Set by a caller whose write failed: everything is written again next time.
        self._user_dirty = self._state_dirty = value

    @classmethod
    def load(cls, locations: SettingsLocations, memory_only: bool = False) -> Settings:
        """Read the system file and the user's files; ``memory_only`` (or the system file's
        ``memory_only``) keeps the user's layer in memory and starts it empty."""
        messages: list[str] = []
        system: dict[str, Any] = {}
        system_file = locations.system_file()
        if system_file is not None:
            try:
                system = parse_settings_file(system_file)
            except DamagedSettingsError as exc:
                # An administrator's file is not ours to move; report it and go on without it.
                messages.append(f"The system settings file could not be read ({exc}).")
        if memory_only or system.get("memory_only") is True or system.get("workstation") is True:
            return cls(MemoryStore(), system, messages=messages)
        return cls(
            FileStore(locations.user_file),
            system,
            messages=messages,
            state_store=FileStore(locations.state_file),
        )

    @property
    def memory_only(self) -> bool:
        return self._memory_only

    def fresh_session(self) -> Settings:
        """Settings as the next patron of a workstation gets them: built-in defaults and the
        system layer, the user's layer empty and in memory."""
        return Settings(MemoryStore(), self._system_raw, self._defaults)

    def is_locked(self, key: str) -> bool:
        return key in self._locked and key in self._system

    def layer_of(self, key: str) -> str:
        """``"user"``, ``"system"`` or ``"default"``: which layer gives ``key`` its value."""
        if key in self._state_keys:
            return "user" if key in self._state else "default"
        if key in self._user and not self.is_locked(key):
            return "user"
        if key in self._system:
            return "system"
        return "default"

    def get(self, key: str) -> Any:
        """The value of ``key``, brought into its declared range."""
        if key in self._state_keys:
            return copy.deepcopy(self._state.get(key, self._defaults[key]))
        layer = self.layer_of(key)
        source = {"user": self._user, "system": self._system, "default": self._defaults}[layer]
        value = copy.deepcopy(source[key])
        return options.clamp(key, value) if key in options.BY_NAME else value

    def set(self, key: str, value: Any) -> bool:
        """Change the user's layer; False (and no change) when the key is locked."""
        if key not in self._defaults:
            raise KeyError(key)
        if not _accepted(key, value, self._defaults):
            raise TypeError(f"{key}: expected {type(self._defaults[key]).__name__}")
        if key in self._state_keys:
            if self._state.get(key) != value:
                self._state[key] = copy.deepcopy(value)
                self._state_dirty = True
            return True
        if self.is_locked(key) or key in options.ADMIN_ONLY_KEYS:
            return False
        if self._user.get(key) != value:
            self._user[key] = copy.deepcopy(value)
            self._user_dirty = True
        return True

    def reset(self, key: str) -> None:
        """Forget the user's value so the system or built-in one applies again."""
        if key in self._state_keys:
            if self._state.pop(key, None) is not None:
                self._state_dirty = True
        elif self._user.pop(key, None) is not None:
            self._user_dirty = True

    def flush(self) -> None:
        """Write the user's files if they changed. Raises OSError when the disk refuses."""
        write = self.pending_write()
        if write is not None:
            try:
                write()
            except OSError:
                self.dirty = True
                raise

    def pending_write(self) -> Callable[[], None] | None:
        """When something changed: a function writing a copy of it as it is now.

        The copy makes the function safe to run on another thread while settings keep
        changing, so a window can leave the disk to a worker. It is made once per write,
        never per change. The layers count as saved from here on; a caller whose write
        fails sets ``dirty`` again.
        """
        if not self.dirty:
            return None
        store, state_store = self._store, self._state_store
        writes: list[tuple[Store, dict[str, Any]]] = []
        if state_store is None:
            writes.append((store, copy.deepcopy({**self._user, **self._state})))
        else:
            # State first: a crash between the two writes leaves it in both files, never
            # in neither (the old single file is only rewritten after the state file).
            if self._state_dirty:
                writes.append((state_store, copy.deepcopy(self._state)))
            if self._user_dirty:
                writes.append((store, copy.deepcopy(self._user)))
        self._user_dirty = self._state_dirty = False

        def write() -> None:
            for target, data in writes:
                target.save(data)

        return write

    # Typed accessors the window uses; values are clamped so a file cannot push them out of range.

    @property
    def rate(self) -> int:
        return int(self.get("rate"))

    @property
    def volume(self) -> float:
        """The reader's volume, never above the administrator's :attr:`max_volume`."""
        return min(float(self.get("volume")), self.max_volume)

    @property
    def max_volume(self) -> float:
        """The loudest volume allowed here (0.0..1.0), from the administrator's ``max_volume``."""
        return int(self.get("max_volume")) / 100

    @property
    def voice(self) -> str:
        return str(self.get("voice"))

    def voice_for_language(self, language: str) -> str:
        """The reading voice for a story in ``language``: the administrator's locked voice,
        else the one the reader chose for that language, else the administrator's default;
        empty for the engine's best voice for the language. A voice chosen for English is
        never used for a Spanish story."""
        if self.is_locked("voice"):
            return self.voice
        table = self.get("voices_by_language")
        chosen = table.get(primary_language(language)) if isinstance(table, dict) else None
        if isinstance(chosen, str) and chosen:
            return chosen
        return self.voice if self.layer_of("voice") == "system" else ""

    def choose_voice(self, language: str, voice_id: str) -> bool:
        """Remember ``voice_id`` as the reader's voice for ``language``; False when the
        administrator locked the voice."""
        if self.is_locked("voice"):
            return False
        table = self.get("voices_by_language")
        table = dict(table) if isinstance(table, dict) else {}
        table[primary_language(language)] = voice_id
        return self.set("voices_by_language", table)

    def recent_stories(self) -> list[str]:
        return [p for p in self.get("recent_stories") if isinstance(p, str)]

    def add_recent(self, path: str, title: str = "") -> None:
        recent = [p for p in self.recent_stories() if p != path]
        kept = [path, *recent][:MAX_RECENT]
        self.set("recent_stories", kept)
        self.set("last_story", path)
        titles = {p: t for p, t in self._state_table("recent_titles").items() if p in kept}
        if title:
            titles[path] = title
        self.set("recent_titles", titles)

    def recent_title(self, path: str) -> str:
        """The title a recent story had when it was opened ("" when not known)."""
        title = self._state_table("recent_titles").get(path)
        return title if isinstance(title, str) else ""

    def position_for(self, story_key: str) -> int | None:
        value = self._state_table("positions").get(story_key)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def remember_position(self, story_key: str, sentence: int) -> None:
        """Called for every sentence read: changes the table in place, copies nothing,
        and marks nothing changed when the place is the one already kept."""
        positions = self._state_table("positions")
        if positions.get(story_key) == sentence and next(reversed(positions)) == story_key:
            return
        positions.pop(story_key, None)
        positions[story_key] = sentence
        # Dicts keep insertion order: the oldest stories fall off first.
        while len(positions) > MAX_REMEMBERED_STORIES:
            positions.pop(next(iter(positions)))
        self._state_dirty = True

    def _state_table(self, key: str) -> dict[str, Any]:
        """The reading-state table ``key`` itself (not a copy), made when absent."""
        table = self._state.get(key)
        if not isinstance(table, dict):
            table = self._state[key] = {}
        return table

    def bookmarks(self, story_key: str) -> list[Bookmark]:
        entries = self._state_table("bookmarks").get(story_key, [])
        result = []
        for entry in entries if isinstance(entries, list) else []:
            if (
                isinstance(entry, dict)
                and isinstance(entry.get("name"), str)
                and isinstance(entry.get("sentence"), int)
            ):
                result.append(Bookmark(entry["name"], entry["sentence"]))
        return sorted(result, key=lambda b: b.sentence)

    def _set_bookmarks(self, story_key: str, marks: list[Bookmark]) -> None:
        table = self._state_table("bookmarks")
        if marks:
            table[story_key] = [{"name": b.name, "sentence": b.sentence} for b in marks]
        else:
            table.pop(story_key, None)
        self._state_dirty = True

    def add_bookmark(self, story_key: str, name: str, sentence: int) -> Bookmark:
        mark = Bookmark(name, sentence)
        marks = [b for b in self.bookmarks(story_key) if b.sentence != sentence]
        self._set_bookmarks(story_key, [*marks, mark])
        return mark

    def delete_bookmark(self, story_key: str, mark: Bookmark) -> None:
        self._set_bookmarks(story_key, [b for b in self.bookmarks(story_key) if b != mark])
