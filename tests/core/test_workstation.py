"""Library workstation mode without Qt: idle clock, admin configuration, limits."""

from __future__ import annotations

from pathlib import Path

import pytest

from player.core.library import library_folder
from player.core.settings import MemoryStore, Settings, SettingsLocations
from player.core.workstation import (
    DEFAULT_ADMIN_QUIT_KEYS,
    MIN_WARNING_SECONDS,
    IdleEvent,
    IdlePhase,
    IdlePolicy,
    WorkstationConfig,
    check_admin_keys,
    refusal_for,
)
from player.paths import bundled_story_path


def test_idle_clock_warns_then_expires() -> None:
    policy = IdlePolicy(idle_seconds=300, warning_seconds=60)
    assert policy.tick(1000, playing=False) is None  # nobody has come yet
    policy.input(0)
    assert policy.phase is IdlePhase.ACTIVE
    assert policy.tick(299, playing=False) is None
    assert policy.tick(300, playing=False) is IdleEvent.WARN
    assert policy.warning_left(300) == 60
    assert policy.warning_left(330.5) == 30
    assert policy.tick(359, playing=False) is None
    assert policy.tick(360, playing=False) is IdleEvent.EXPIRE
    policy.reset_done()
    assert policy.phase is IdlePhase.RESTING
    assert policy.tick(10_000, playing=False) is None  # no warnings into an empty room


def test_playing_is_not_idle() -> None:
    policy = IdlePolicy(idle_seconds=10, warning_seconds=20)
    policy.input(0)
    for now in range(0, 101, 5):
        assert policy.tick(now, playing=True) is None
    assert policy.tick(105, playing=False) is None
    assert policy.tick(110, playing=False) is IdleEvent.WARN


def test_input_during_the_warning_does_not_dismiss_it() -> None:
    policy = IdlePolicy(idle_seconds=10, warning_seconds=20)
    policy.input(0)
    assert policy.tick(10, playing=False) is IdleEvent.WARN
    policy.input(12)  # e.g. Tab to read the dialog
    assert policy.phase is IdlePhase.WARNING
    policy.keep_going(15)
    assert policy.phase is IdlePhase.ACTIVE
    assert policy.tick(24, playing=False) is None
    assert policy.tick(25, playing=False) is IdleEvent.WARN


def test_config_defaults_and_clamps() -> None:
    config = WorkstationConfig.from_values({})
    assert (config.idle_seconds, config.warning_seconds) == (300, 60)
    assert config.admin_quit_keys == DEFAULT_ADMIN_QUIT_KEYS
    short = WorkstationConfig.from_values({"idle_minutes": 0.01, "idle_warning_seconds": 5})
    assert short.idle_seconds == 60 and short.warning_seconds == MIN_WARNING_SECONDS
    assert len(short.messages) == 2
    assert WorkstationConfig.from_values({"idle_minutes": 2.5}).idle_seconds == 150
    fast = config.with_test_timing(1, 2)
    assert (fast.idle_seconds, fast.warning_seconds) == (1, 2)


@pytest.mark.parametrize(
    ("keys", "ok"),
    [
        ("Ctrl+Shift+F12", True),
        ("Ctrl+Shift+Alt+F12", False),  # Ctrl+Alt
        ("Ctrl+Alt+Q", False),
        ("Ctrl+Q", False),  # one modifier, and the player's own
        ("Ctrl+Shift+Ins", False),
        ("Shift+Meta+Home", True),
        ("Ctrl+Shift+L", False),  # the player's own shortcut
        ("Ctrl+Shift", False),
        ("", False),
        ("Hyper+Shift+A", False),
    ],
)
def test_admin_keys_check(keys: str, ok: bool) -> None:
    assert (check_admin_keys(keys, taken=["Ctrl+Shift+L", "Ctrl+Q"]) is None) is ok


def test_bad_admin_keys_fall_back_to_the_default() -> None:
    config = WorkstationConfig.from_values({"admin_quit_keys": "Ctrl+Alt+Del"})
    assert config.admin_quit_keys == DEFAULT_ADMIN_QUIT_KEYS
    assert "Ctrl+Alt" in config.messages[0]


def test_refusal_outside_the_library(tmp_path: Path) -> None:
    library = tmp_path / "library"
    (library / "a").mkdir(parents=True)
    inside = library / "a" / "story.txt"
    assert refusal_for(inside, [library]) is None
    assert refusal_for(bundled_story_path(), [library]) is None
    message = refusal_for(tmp_path / "elsewhere.story.txt", [library])
    assert message is not None and "not in the library" in message
    # A path that climbs out of the library is outside it.
    assert refusal_for(library / ".." / "elsewhere.story.txt", [library]) is not None


def test_the_library_folder_comes_from_the_override_the_setting_or_the_default() -> None:
    default = Path("/home/r/.local/share/story-player/stories")
    assert library_folder("", Path("/srv/lib"), default=default) == Path("/srv/lib")
    assert library_folder("/srv/stories", default=default) == Path("/srv/stories")
    assert library_folder("  ", default=default) == default


def test_system_file_forces_workstation_and_fresh_sessions(tmp_path: Path) -> None:
    locations = SettingsLocations(tmp_path / "system", tmp_path / "user")
    locations.system_dir.mkdir()
    locations.user_dir.mkdir()
    (locations.system_dir / "settings.toml").write_text(
        'workstation = true\nrate = 160\nlocked = ["rate"]\nidle_minutes = 3\n', encoding="utf-8"
    )
    locations.user_file.write_text('{"rate": 300, "volume": 0.5}', encoding="utf-8")
    settings = Settings.load(locations)
    assert settings.workstation_forced and settings.memory_only
    assert settings.rate == 160 and settings.is_locked("rate")
    assert settings.volume == 1.0  # the user's file is not read on a workstation
    assert settings.get("idle_minutes") == 3
    settings.set("volume", 0.3)
    settings.add_bookmark("story", "mark", 4)
    fresh = settings.fresh_session()
    assert fresh.volume == 1.0 and fresh.bookmarks("story") == [] and fresh.rate == 160
    assert fresh.is_locked("rate") and fresh.workstation_forced
    assert isinstance(fresh._store, MemoryStore)
    assert locations.user_file.read_text(encoding="utf-8") == '{"rate": 300, "volume": 0.5}'
