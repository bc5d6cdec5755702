"""The route every Qt output follows: ``story-player say`` takes the administrator's cap and
the reader's device from the settings, as the window does."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from player.cli import speech
from player.core.audiodevice import DeviceChoice
from player.core.settings import SettingsLocations
from player.platform import folders
from player.qtaudio import ROUTE, AudioRoute


@pytest.fixture(autouse=True)
def clean_route() -> Iterator[None]:
    yield
    ROUTE.set_choice(DeviceChoice())
    ROUTE.set_cap(1.0)


def test_say_takes_the_cap_and_the_device_from_the_settings(
    qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    locations = SettingsLocations(tmp_path / "system", tmp_path / "user", tmp_path / "state")
    locations.system_dir.mkdir()
    (locations.system_dir / "settings.toml").write_text(
        'max_volume = 40\naudio_device = "Headphones"\n', encoding="utf-8"
    )
    monkeypatch.setattr(folders, "settings_locations", lambda: locations)
    _app, factory = speech._qt_audio()
    assert factory is not None
    assert ROUTE.cap == 0.4
    assert ROUTE.choice == DeviceChoice("Headphones")


def test_a_cap_is_a_fraction_of_full_volume() -> None:
    route = AudioRoute()
    route.set_cap(3.0)
    assert route.cap == 1.0
    route.set_cap(-1.0)
    assert route.cap == 0.0
