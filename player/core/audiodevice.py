"""Which sound output to play through, and how loud it may be, without Qt.

The reader's choice is kept as the device's id (stable across restarts on
PulseAudio, where it is the sink's name) and its name, so the device is found
again by name if its id changes. An administrator may name a device by id or by
the name the player lists. The Qt side (:mod:`player.qtaudio`,
:mod:`player.gui.audio_output`) lists the devices and asks here which one is meant.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from player.core.settings import Settings


class DeviceInfo(NamedTuple):
    """One sound output as the system lists it."""

    id: str
    name: str


class DeviceChoice(NamedTuple):
    """The output asked for: ``id`` empty means the system's default."""

    id: str = ""
    name: str = ""

    @property
    def is_default(self) -> bool:
        return not self.id and not self.name


def id_text(raw: bytes) -> str:
    """A device id (bytes from the audio system) as text for a settings file. Ids seen are
    ASCII; anything else is kept reversibly rather than dropped."""
    return raw.decode("utf-8", errors="backslashreplace")


def choice_from(settings: Settings) -> DeviceChoice:
    """The output the settings ask for. When the administrator locked ``audio_device``, only
    the administrator's own name is a fallback: a reader's old choice must not win."""
    device = str(settings.get("audio_device"))
    if settings.is_locked("audio_device"):
        name = (
            str(settings.get("audio_device_name"))
            if settings.layer_of("audio_device_name") == "system"
            else ""
        )
    else:
        name = str(settings.get("audio_device_name"))
    if not device:
        return DeviceChoice()
    return DeviceChoice(device, name)


def find_device(choice: DeviceChoice, devices: Sequence[DeviceInfo]) -> int | None:
    """The index of the device ``choice`` means in ``devices``, or None (not connected, or the
    default asked for). By id first; then by name, either the one stored beside the id or
    the id itself when an administrator wrote a name there."""
    if choice.is_default:
        return None
    for index, device in enumerate(devices):
        if choice.id and device.id == choice.id:
            return index
    for wanted in (choice.name, choice.id):
        if not wanted:
            continue
        for index, device in enumerate(devices):
            if device.name == wanted:
                return index
    return None


def capped(volume: float, cap: float) -> float:
    """``volume`` within 0..``cap`` (both 0.0..1.0)."""
    return max(0.0, min(volume, cap, 1.0))
