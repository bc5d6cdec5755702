"""Every setting declared once: name, type, default, range, whether it can be locked, and
whether it is a preference or reading state.

This table is the single source of the built-in defaults (:data:`DEFAULTS`), of the
ranges values are clamped to when read (:func:`clamp`), of the split between the
preferences file and the reading-state file, and of the settings table in the README
(:func:`settings_table_markdown`, checked by a test).

Preferences are what a reader or an administrator chooses (voice, rate, theme, ...);
an administrator can set and lock them in the system file. Reading state is what the
app remembers on its own (where you stopped, bookmarks, recent stories, the window's
layout); it is never locked and lives in a file of its own.

Nothing here imports Qt.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Final, NamedTuple

# Speech rate in words per minute: the range every engine here handles well, and the
# step of Faster/Slower. The playback, the window and the command line all read these.
MIN_RATE_WPM: Final = 80
MAX_RATE_WPM: Final = 450
DEFAULT_RATE_WPM: Final = 175
RATE_STEP_WPM: Final = 25

# Library workstation: how long without use before the warning, and how long the warning
# lasts before the reset (see player.core.workstation, which reports values it clamps).
DEFAULT_IDLE_MINUTES: Final = 5.0
#: Shorter than this and a patron reading a long paragraph on screen would be interrupted.
MIN_IDLE_MINUTES: Final = 1.0
MAX_IDLE_MINUTES: Final = 24 * 60.0
DEFAULT_WARNING_SECONDS: Final = 60
#: WCAG 2.2.1 asks for at least 20 seconds to extend a time limit with a simple action.
MIN_WARNING_SECONDS: Final = 20
DEFAULT_ADMIN_QUIT_KEYS: Final = "Ctrl+Shift+F12"


class Option(NamedTuple):
    """One setting. ``minimum``/``maximum`` bound numbers; ``state`` marks reading state."""

    name: str
    type: type
    default: Any
    doc: str
    minimum: float | None = None
    maximum: float | None = None
    state: bool = False

    @property
    def lockable(self) -> bool:
        """Reading state belongs to the reader alone; every preference can be locked."""
        return not self.state

    def accepts(self, value: Any) -> bool:
        """Whether ``value`` has this option's type (a whole number is a fine float)."""
        if self.type is bool:
            return isinstance(value, bool)
        if self.type is float:
            return (
                isinstance(value, int | float)
                and not isinstance(value, bool)
                and math.isfinite(value)
            )
        if self.type is int:
            return isinstance(value, int) and not isinstance(value, bool)
        return isinstance(value, self.type)

    def in_range(self, value: Any) -> bool:
        """Whether a value of this option's type lies within its bounds."""
        if self.type not in (int, float):
            return True
        low = self.minimum if self.minimum is not None else -math.inf
        high = self.maximum if self.maximum is not None else math.inf
        return bool(low <= value <= high)

    def problem(self, value: Any) -> str | None:
        """Why ``value`` cannot be this option's value, or None when it can."""
        if not self.accepts(value):
            return f"expected {_KIND_WORDS.get(self.type, self.type.__name__)}"
        if not self.in_range(value):
            return f"{value!r} is outside {_range(self)}"
        return None

    def clamp(self, value: Any) -> Any:
        """``value`` brought into range; values of other types are returned unchanged."""
        if self.type not in (int, float) or isinstance(value, bool):
            return value
        if not isinstance(value, int | float):
            return value
        if self.minimum is not None and value < self.minimum:
            value = self.minimum
        if self.maximum is not None and value > self.maximum:
            value = self.maximum
        return self.type(value)


_KIND_WORDS: Final[Mapping[type, str]] = {
    bool: "true or false",
    int: "a whole number",
    float: "a number",
    str: "text",
    list: "a list",
    dict: "a table",
}

OPTIONS: Final[tuple[Option, ...]] = (
    Option("voice", str, "", "the reading voice's id (`story-player voices`); empty: the best "
           "voice for the story's language"),
    Option("voices_by_language", dict, {}, "the reading voice you chose for each language, by "
           "language code (`en`, `es`): a story opens in your voice for its language"),
    Option("second_voice", str, "", "the voice for quotations and posts: empty for another voice "
           "of the main voice's language, `off` for the main voice, or a voice id"),
    Option("rate", int, DEFAULT_RATE_WPM, "words per minute",
           MIN_RATE_WPM, MAX_RATE_WPM),
    Option("volume", float, 1.0, "the reading voice's loudness", 0.0, 1.0),
    Option("single_key_commands", bool, True, "single keys (Space, S, R, ...) in the story text"),
    Option("zoom_percent", int, 100, "text size in percent of normal", 50, 400),
    Option("theme", str, "", "`light`, `dark`, `hc-black`, `hc-white` or `hc-yellow`; "
           "empty: follow the desktop's preference at start"),
    Option("reading_font", str, "", "the story text's font family; empty: the system font"),
    Option("line_spacing", int, 100, "line height in percent", 100, 200),
    Option("self_voicing", bool, False, "the app speaks its messages even with a screen "
           "reader running"),
    Option("caret_follows_voice", bool, False, "the caret follows the sentence being read, for "
           "screen magnifiers; not offered, and without effect, while a screen reader runs"),
    Option("library_folder", str, "", "the story library; empty: the user's data folder"),
    Option("export_folder", str, "", "the folder File > Export starts in; on a workstation the "
           "only folder it writes to, and empty turns export off there"),
    Option("idle_minutes", float, DEFAULT_IDLE_MINUTES, "workstation: minutes without use "
           "before the idle warning", MIN_IDLE_MINUTES, MAX_IDLE_MINUTES),
    Option("idle_warning_seconds", int, DEFAULT_WARNING_SECONDS, "workstation: seconds the "
           "warning waits before the reset", MIN_WARNING_SECONDS),
    Option("admin_quit_keys", str, DEFAULT_ADMIN_QUIT_KEYS, "workstation: the keys that quit it"),
    Option("audio_device", str, "", "the sound output (Play > Audio Output): its id, or for an "
           "administrator its id or its name as listed there; empty: the system's default"),
    Option("audio_device_name", str, "", "the chosen sound output's name, to find it again if "
           "its id changes"),
    Option("max_volume", int, 100, "administrator: the loudest volume allowed, in percent of "
           "full; set only in the system file", 0, 100),
    Option("window_geometry", str, "", "the window's size and place", state=True),
    Option("window_splitter", str, "", "the panes' widths", state=True),
    Option("recent_stories", list, [], "the stories opened last, newest first", state=True),
    Option("recent_titles", dict, {}, "the titles of the recent stories, by file", state=True),
    Option("last_story", str, "", "the story open when the app was closed", state=True),
    Option("positions", dict, {}, "the sentence where you stopped, per story", state=True),
    Option("bookmarks", dict, {}, "named places, per story", state=True),
)  # fmt: skip

BY_NAME: Final[Mapping[str, Option]] = {option.name: option for option in OPTIONS}
DEFAULTS: Final[Mapping[str, Any]] = {option.name: option.default for option in OPTIONS}
STATE_KEYS: Final = frozenset(option.name for option in OPTIONS if option.state)
PREFERENCE_KEYS: Final = frozenset(option.name for option in OPTIONS if not option.state)
#: Preferences only the administrator's system file sets: a reader's own file cannot raise them.
ADMIN_ONLY_KEYS: Final = frozenset({"max_volume"})


def clamp(name: str, value: Any) -> Any:
    """``value`` of setting ``name`` brought into its range."""
    return BY_NAME[name].clamp(value)


def _range(option: Option) -> str:
    if option.minimum is None and option.maximum is None:
        return ""

    def show(x: float | None) -> str:
        return "" if x is None else f"{option.type(x)}"

    if option.maximum is None:
        return f"at least {show(option.minimum)}"
    if option.minimum is None:
        return f"at most {show(option.maximum)}"
    return f"{show(option.minimum)}–{show(option.maximum)}"


def settings_table_markdown() -> str:
    """The README's table of settings, made from :data:`OPTIONS`."""
    import json

    rows = [
        "| key | kind | default | range | what it is |",
        "|---|---|---|---|---|",
    ]
    for option in OPTIONS:
        kind = "reading state" if option.state else "preference"
        default = json.dumps(option.default)
        rows.append(f"| `{option.name}` | {kind} | `{default}` | {_range(option)} | {option.doc} |")
    return "\n".join(rows) + "\n"
