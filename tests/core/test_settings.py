"""Tests for layered settings: defaults, system file, user file, locks, memory-only, damage."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from player.core.settings import (
    DEFAULTS,
    FileStore,
    MemoryStore,
    Settings,
    SettingsLocations,
    atomic_write_json,
)


@pytest.fixture
def locations(tmp_path: Path) -> SettingsLocations:
    return SettingsLocations(tmp_path / "system", tmp_path / "user")


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_defaults_when_no_files(locations: SettingsLocations) -> None:
    settings = Settings.load(locations)
    assert settings.rate == DEFAULTS["rate"]
    assert settings.layer_of("rate") == "default"
    assert settings.messages == []


def test_user_overrides_system_overrides_defaults(locations: SettingsLocations) -> None:
    _write(locations.system_dir / "settings.toml", 'rate = 200\nvoice = "gmw/en-gb"\n')
    _write(locations.user_file, json.dumps({"rate": 220}))
    settings = Settings.load(locations)
    assert settings.rate == 220
    assert settings.layer_of("rate") == "user"
    assert settings.voice == "gmw/en-gb"
    assert settings.layer_of("voice") == "system"


def test_locked_system_setting_wins(locations: SettingsLocations) -> None:
    _write(locations.system_dir / "settings.json", json.dumps({"rate": 150, "locked": ["rate"]}))
    _write(locations.user_file, json.dumps({"rate": 300}))
    settings = Settings.load(locations)
    assert settings.rate == 150
    assert settings.is_locked("rate")
    assert settings.set("rate", 250) is False
    assert settings.rate == 150
    assert settings.set("volume", 0.5) is True


def test_values_of_wrong_type_are_ignored(locations: SettingsLocations) -> None:
    _write(locations.user_file, json.dumps({"rate": "fast", "volume": 0.4, "nonsense": 1}))
    settings = Settings.load(locations)
    assert settings.rate == DEFAULTS["rate"]
    assert settings.volume == 0.4
    with pytest.raises(TypeError):
        settings.set("rate", "slow")


def test_flush_writes_atomically_and_reloads(locations: SettingsLocations) -> None:
    settings = Settings.load(locations)
    settings.set("rate", 210)
    assert settings.dirty
    settings.flush()
    assert [settings.dirty] == [False]
    assert json.loads(locations.user_file.read_text())["rate"] == 210
    assert [p.name for p in locations.user_dir.iterdir()] == ["settings.json"]
    assert Settings.load(locations).rate == 210


def test_damaged_user_file_is_set_aside(locations: SettingsLocations) -> None:
    _write(locations.user_file, "{not json")
    settings = Settings.load(locations)
    assert settings.rate == DEFAULTS["rate"]
    assert len(settings.messages) == 1
    assert "set aside" in settings.messages[0]
    moved = [p.name for p in locations.user_dir.iterdir()]
    assert len(moved) == 1
    assert moved[0].startswith("settings.json.damaged-")
    settings.set("rate", 190)
    settings.flush()
    assert Settings.load(locations).rate == 190


def test_damaged_system_file_is_reported_not_moved(locations: SettingsLocations) -> None:
    _write(locations.system_dir / "settings.toml", "rate = = 3")
    settings = Settings.load(locations)
    assert settings.rate == DEFAULTS["rate"]
    assert "system settings" in settings.messages[0]
    assert (locations.system_dir / "settings.toml").exists()


def test_memory_only_writes_nothing(locations: SettingsLocations) -> None:
    _write(locations.user_file, json.dumps({"rate": 300}))
    before = locations.user_file.read_text()
    settings = Settings.load(locations, memory_only=True)
    assert settings.memory_only
    assert settings.rate == DEFAULTS["rate"]  # a workstation session starts clean
    settings.set("rate", 250)
    settings.add_recent("/stories/a.txt")
    settings.flush()
    assert settings.rate == 250
    assert locations.user_file.read_text() == before
    assert sorted(p.name for p in locations.user_dir.iterdir()) == ["settings.json"]


def test_system_file_can_require_memory_only(locations: SettingsLocations) -> None:
    _write(locations.system_dir / "settings.json", json.dumps({"memory_only": True}))
    settings = Settings.load(locations)
    assert settings.memory_only
    settings.set("rate", 250)
    settings.flush()
    assert not locations.user_file.exists()


def test_memory_store_keeps_saves_in_memory() -> None:
    store = MemoryStore()
    settings = Settings(store)
    settings.set("volume", 0.25)
    settings.flush()
    assert store.data == {"volume": 0.25}
    assert Settings(store).volume == 0.25


def test_positions_bookmarks_and_recent(locations: SettingsLocations) -> None:
    settings = Settings.load(locations)
    settings.remember_position("/a.txt", 12)
    mark = settings.add_bookmark("/a.txt", "Brenda", 30)
    settings.add_bookmark("/a.txt", "Start", 0)
    for n in range(12):
        settings.add_recent(f"/s{n}.txt")
    settings.flush()
    again = Settings.load(locations)
    assert again.position_for("/a.txt") == 12
    assert again.position_for("/b.txt") is None
    assert [b.name for b in again.bookmarks("/a.txt")] == ["Start", "Brenda"]
    again.delete_bookmark("/a.txt", mark)
    assert [b.name for b in again.bookmarks("/a.txt")] == ["Start"]
    assert again.recent_stories()[0] == "/s11.txt"
    assert len(again.recent_stories()) == 10
    assert again.get("last_story") == "/s11.txt"


def test_atomic_write_leaves_old_file_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "settings.json"
    atomic_write_json(target, {"rate": 1})
    with pytest.raises(TypeError):
        atomic_write_json(target, {"rate": object()})
    assert json.loads(target.read_text()) == {"rate": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]


def test_file_store_round_trip(tmp_path: Path) -> None:
    store = FileStore(tmp_path / "deep" / "settings.json")
    store.save({"voice": "x"})
    assert store.load() == {"voice": "x"}


def test_temporary_files_left_by_a_crash_are_removed_at_the_next_start(
    locations: SettingsLocations,
) -> None:
    locations.user_dir.mkdir(parents=True)
    stale = locations.user_dir / ".settings.json.k2j4h1.tmp"
    stale.write_text('{"positions": {"a": 3}}')
    old = time.time() - 3600
    os.utime(stale, (old, old))
    fresh = locations.user_dir / ".settings.json.f00f00.tmp"  # another window writing now
    fresh.write_text("{}")
    Settings.load(locations)
    assert not stale.exists()
    assert fresh.exists()


def test_a_voice_is_remembered_for_its_language_only(locations: SettingsLocations) -> None:
    settings = Settings.load(locations)
    assert settings.voice_for_language("en") == ""  # the engine's best for the language
    assert settings.choose_voice("en-GB", "gmw/en-GB-scotland")
    assert settings.choose_voice("es", "roa/es-419")
    assert settings.voice_for_language("en") == "gmw/en-GB-scotland"
    assert settings.voice_for_language("en-US") == "gmw/en-GB-scotland"
    assert settings.voice_for_language("es-MX") == "roa/es-419"
    assert settings.voice_for_language("fr") == ""
    settings.flush()
    assert Settings.load(locations).voice_for_language("es") == "roa/es-419"


def test_the_administrators_voice_is_a_default_or_a_lock(locations: SettingsLocations) -> None:
    _write(locations.system_dir / "settings.json", json.dumps({"voice": "gmw/en"}))
    settings = Settings.load(locations)
    assert settings.voice_for_language("fr") == "gmw/en"  # a default: the reader may choose
    assert settings.choose_voice("fr", "roa/fr")
    assert settings.voice_for_language("fr") == "roa/fr"
    _write(
        locations.system_dir / "settings.json", json.dumps({"voice": "gmw/en", "locked": ["voice"]})
    )
    locked = Settings.load(locations)
    assert locked.voice_for_language("fr") == "gmw/en"
    assert locked.choose_voice("fr", "roa/fr") is False
