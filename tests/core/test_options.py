"""The settings schema: one declaration per key, ranges applied on reading, reading state
kept apart from preferences, and an older single settings file taken over whole."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from player.core import options, settings
from player.core.playback import api
from player.core.settings import MemoryStore, Settings, SettingsLocations

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def locations(tmp_path: Path) -> SettingsLocations:
    return SettingsLocations(tmp_path / "system", tmp_path / "user", tmp_path / "state")


def _user_file(locations: SettingsLocations, data: dict[str, Any]) -> None:
    locations.user_dir.mkdir(parents=True, exist_ok=True)
    locations.user_file.write_text(json.dumps(data), encoding="utf-8")


def test_every_default_comes_from_the_schema() -> None:
    assert settings.DEFAULTS is options.DEFAULTS
    assert set(options.DEFAULTS) == {o.name for o in options.OPTIONS}
    for option in options.OPTIONS:
        assert option.accepts(option.default), option.name
        assert option.clamp(option.default) == option.default, option.name
    rate = options.BY_NAME["rate"]
    assert (rate.default, rate.minimum, rate.maximum) == (
        api.DEFAULT_RATE_WPM,
        api.MIN_RATE_WPM,
        api.MAX_RATE_WPM,
    )


@pytest.mark.parametrize(
    ("key", "stored"),
    [
        ("rate", 3_000_000_000),
        ("rate", 0),
        ("rate", -175),
        ("volume", 5),
        ("volume", -1.5),
        ("zoom_percent", 10_000),
        ("line_spacing", 20),
        ("idle_warning_seconds", 3),
        ("rate", "fast"),
        ("volume", math.inf),
    ],
)
def test_a_bad_value_is_dropped_alone_with_a_message_naming_it(
    locations: SettingsLocations, key: str, stored: Any
) -> None:
    _user_file(
        locations,
        {key: stored, "theme": "dark", "bookmarks": {"k": [{"name": "B", "sentence": 2}]}},
    )
    s = Settings.load(locations)
    assert s.get(key) == options.DEFAULTS[key]
    assert s.get("theme") == "dark" and [b.name for b in s.bookmarks("k")] == ["B"]
    assert any(repr(key) in m and "your settings" in m for m in s.messages), s.messages


def test_a_value_in_range_is_kept(locations: SettingsLocations) -> None:
    _user_file(locations, {"rate": 200, "volume": 0.5})
    s = Settings.load(locations)
    assert (s.rate, s.volume, s.messages) == (200, 0.5, [])


@pytest.mark.parametrize("bad", [math.nan, math.inf, "loud", True])
def test_values_that_are_not_numbers_fall_back_to_the_default(
    locations: SettingsLocations, bad: Any
) -> None:
    s = Settings(MemoryStore({"volume": bad}))
    assert s.volume == 1.0


def test_preferences_and_reading_state_go_to_their_own_files(
    locations: SettingsLocations,
) -> None:
    s = Settings.load(locations)
    s.set("rate", 220)
    s.remember_position("story-a", 7)
    s.add_bookmark("story-a", "Here", 3)
    s.add_recent("/stories/a.txt")
    s.flush()
    prefs = json.loads(locations.user_file.read_text())
    state = json.loads(locations.state_file.read_text())
    assert prefs == {"rate": 220}
    assert set(state) == {"positions", "bookmarks", "recent_stories", "recent_titles", "last_story"}
    assert locations.state_file.parent == locations.state_dir


# What the version before the split wrote: everything in one settings.json.
OLD_FILE: dict[str, Any] = {
    "rate": 205,
    "voice": "gmw/en-GB-x-rp",
    "second_voice": "off",
    "volume": 0.7,
    "zoom_percent": 150,
    "theme": "hc-yellow",
    "line_spacing": 150,
    "single_key_commands": False,
    "window_geometry": "AdnQywADAAA",
    "window_splitter": "AAAA/wAAAAEAAAAD",
    "recent_stories": ["/home/r/b.txt", "/home/r/a.txt"],
    "last_story": "/home/r/b.txt",
    "positions": {"a-key": 12, "b-key": 40},
    "bookmarks": {
        "a-key": [{"name": "Start of Melissa", "sentence": 5}],
        "b-key": [{"name": "One", "sentence": 1}, {"name": "Two", "sentence": 30}],
    },
}


def _everything_is_there(s: Settings) -> None:
    for key, value in OLD_FILE.items():
        assert s.get(key) == value, key
    assert s.position_for("b-key") == 40
    assert [b.name for b in s.bookmarks("b-key")] == ["One", "Two"]
    assert s.recent_stories() == OLD_FILE["recent_stories"]


def test_a_settings_file_of_the_version_before_is_taken_over_whole(
    locations: SettingsLocations,
) -> None:
    _user_file(locations, OLD_FILE)
    first = Settings.load(locations)
    _everything_is_there(first)
    first.flush()  # the first save splits the file
    prefs = json.loads(locations.user_file.read_text())
    state = json.loads(locations.state_file.read_text())
    assert not set(prefs) & options.STATE_KEYS
    assert set(state) <= options.STATE_KEYS
    _everything_is_there(Settings.load(locations))


def test_remembering_the_place_copies_no_table(
    locations: SettingsLocations, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = Settings.load(locations)
    for n in range(settings.MAX_REMEMBERED_STORIES):
        s.remember_position(f"story-{n}", n)
    s.flush()

    def no_copies(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("a whole table was copied")

    monkeypatch.setattr(settings.copy, "deepcopy", no_copies)
    for sentence in range(500):  # a story read on, sentence after sentence
        s.remember_position("story-7", sentence)
    assert s.position_for("story-7") == 499
    monkeypatch.undo()
    s.flush()
    s.remember_position("story-7", 499)
    assert not s.dirty  # the same place again changes nothing


def test_readme_settings_table_is_the_schema() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert options.settings_table_markdown() in readme, (
        "README's settings table differs from player/core/options.py; regenerate it with "
        ".venv/bin/python -c 'from player.core.options import settings_table_markdown as t; "
        'print(t(), end="")\''
    )
