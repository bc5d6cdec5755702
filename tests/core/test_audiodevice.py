"""The sound output choice and the administrator's volume cap, without Qt: which device a
stored choice means, and a cap no reader's setting or key can get past."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from player.core.audiodevice import (
    DeviceChoice,
    DeviceInfo,
    capped,
    choice_from,
    find_device,
    id_text,
)
from player.core.session import ReadingSession
from player.core.settings import MemoryStore, Settings, SettingsLocations
from tests.core.test_session import make_story, speech
from tests.support import Closer

DEVICES = [
    DeviceInfo("alsa_output.pci-0000_00_1f.3.analog-stereo", "Built-in Audio Analog Stereo"),
    DeviceInfo("alsa_output.usb-Plantronics-00.analog-stereo", "Headphones"),
]


def test_a_device_is_found_by_id_first() -> None:
    choice = DeviceChoice(DEVICES[1].id, "Some old name")
    assert find_device(choice, DEVICES) == 1


def test_a_device_whose_id_changed_is_found_by_its_stored_name() -> None:
    choice = DeviceChoice("{0.0.0.00000000}.{old-guid}", "Headphones")
    assert find_device(choice, DEVICES) == 1


def test_an_administrator_may_name_the_device_instead_of_giving_its_id() -> None:
    assert find_device(DeviceChoice("Headphones"), DEVICES) == 1


def test_an_unplugged_device_and_the_default_find_nothing() -> None:
    assert find_device(DeviceChoice("usb-gone", "Speakers"), DEVICES) is None
    assert find_device(DeviceChoice(), DEVICES) is None
    assert find_device(DeviceChoice("x", "y"), []) is None


def test_device_ids_become_text_without_loss() -> None:
    assert id_text(b"alsa_output.usb") == "alsa_output.usb"
    odd = id_text(b"dev\xff1")
    assert odd == "dev\\xff1" and odd.encode("ascii", "backslashreplace") == b"dev\\xff1"


def test_the_choice_comes_from_the_settings() -> None:
    reader = Settings(MemoryStore({"audio_device": "usb-1", "audio_device_name": "Headphones"}))
    assert choice_from(reader) == DeviceChoice("usb-1", "Headphones")
    assert choice_from(Settings(MemoryStore())).is_default


def test_a_locked_device_ignores_the_readers_remembered_name() -> None:
    admin = Settings(
        MemoryStore({"audio_device": "usb-1", "audio_device_name": "Headphones"}),
        system={"audio_device": "Front speakers", "locked": ["audio_device"]},
    )
    assert choice_from(admin) == DeviceChoice("Front speakers", "")
    assert admin.set("audio_device", "usb-1") is False


def test_the_cap_bounds_the_volume_read_from_any_layer() -> None:
    admin = Settings(MemoryStore({"volume": 1.0}), system={"max_volume": 60})
    assert admin.max_volume == 0.6
    assert admin.volume == 0.6
    quiet = Settings(MemoryStore({"volume": 0.3}), system={"max_volume": 60})
    assert quiet.volume == 0.3
    assert Settings(MemoryStore()).max_volume == 1.0
    assert capped(0.9, 0.6) == 0.6 and capped(-1, 0.6) == 0.0 and capped(0.5, 2.0) == 0.5


def test_a_readers_own_file_cannot_raise_the_cap(tmp_path: Path) -> None:
    locations = SettingsLocations(tmp_path / "system", tmp_path / "user", tmp_path / "state")
    locations.system_dir.mkdir()
    (locations.system_dir / "settings.toml").write_text("max_volume = 50\n", encoding="utf-8")
    locations.user_dir.mkdir()
    locations.user_file.write_text(json.dumps({"max_volume": 100, "volume": 0.9}))
    s = Settings.load(locations)
    assert s.max_volume == 0.5 and s.volume == 0.5
    assert any("'max_volume'" in m and "system settings file" in m for m in s.messages)
    assert s.set("max_volume", 100) is False and s.max_volume == 0.5


@pytest.mark.parametrize("stored", [150, -5, "loud"])
def test_a_cap_the_system_file_gets_wrong_is_reported_by_name(stored: object) -> None:
    s = Settings(MemoryStore(), system={"max_volume": stored})
    assert s.max_volume == 1.0
    assert any("'max_volume'" in m and "system settings" in m for m in s.messages), s.messages


def test_the_session_never_sets_the_voice_louder_than_the_cap(closing: Closer) -> None:
    settings = Settings(MemoryStore(), system={"max_volume": 70})
    session = closing(ReadingSession(settings, speech()))
    session.set_story(make_story())
    playback = session.ensure_playback()
    assert playback is not None and playback.volume == 0.7  # the default 1.0, capped
    assert session.set_volume(1.0) == 0.7
    assert settings.volume == 0.7 and playback.volume == 0.7
    assert session.set_volume(0.4) == 0.4 and playback.volume == 0.4
