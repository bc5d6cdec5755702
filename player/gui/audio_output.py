"""Play > Audio Output: choosing the sound device, and following devices as they come and go.

The menu lists the system's default and every output Qt knows
(``QMediaDevices.audioOutputs()``), one checked. A choice is remembered (the
device's id and name, see :mod:`player.core.audiodevice`), applied to the live
sink through :data:`player.qtaudio.ROUTE` and confirmed in words ("Audio output:
Headphones"), since a screen reader says little about a checked menu item once
the menu has closed. When the chosen device is unplugged the sound goes to the
default and a message says so; when it comes back it is used again.
Qt 6.12 on PulseAudio does not report a sink going away (PulseAudio itself moves
the sound to the default, without a message); it does report one coming back.

The choice is applied and the watch started when the window makes its first playback,
after the story's text is painted: QtMultimedia and the device list are not needed before.

Locked by the administrator: every entry is disabled and the first one says why.
The administrator's ``max_volume`` is applied to the route here as well, so the
interface voice, which plays through the same output, is capped too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu

from player.core.audiodevice import DeviceChoice, DeviceInfo, choice_from, find_device
from player.core.settings import Settings

if TYPE_CHECKING:
    # QtMultimedia and player.qtaudio load when the menu is first used or the window starts
    # watching devices (after its first paint), not while the window is being built.
    from PySide6.QtMultimedia import QMediaDevices

    from player.qtaudio import AudioRoute

log = logging.getLogger(__name__)

LOCKED_TEXT = "Set by the administrator"
DEFAULT_TEXT = "System &Default"


class AudioOutputMenu(QObject):
    """The Audio Output submenu and the watch on the system's device list."""

    def __init__(
        self,
        settings: Settings,
        notify: Callable[[str], None],
        changed: Callable[[], None],
        route: AudioRoute | None = None,
        parent: QObject | None = None,
        list_devices: Callable[[], list[DeviceInfo]] | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.notify = notify
        self.changed = changed
        self._route = route
        self.list_devices = list_devices or _system_devices
        self.menu: QMenu | None = None
        self.actions: list[tuple[DeviceInfo | None, QAction]] = []
        self._devices: list[DeviceInfo] | None = None
        #: whether the chosen device was connected when last looked at
        self._present = True
        # Made on first use: listing devices at start would slow the first sight of the story.
        self._media: QMediaDevices | None = None

    @property
    def route(self) -> AudioRoute:
        """Where the sound goes: the process-wide route unless another was given."""
        if self._route is None:
            from player.qtaudio import ROUTE

            self._route = ROUTE
        return self._route

    @property
    def locked(self) -> bool:
        return self.settings.is_locked("audio_device")

    def build(self, play: QMenu) -> None:
        """Play > Audio Output, filled each time it opens."""
        self.menu = play.addMenu("Aud&io Output")
        self.menu.menuAction().setStatusTip("Choose the speakers or headphones to play through")
        self.menu.aboutToShow.connect(self.fill)

    @property
    def started(self) -> bool:
        return self._media is not None

    def ensure_started(self) -> None:
        """:meth:`start`, once."""
        if not self.started:
            self.start()

    def start(self) -> None:
        """Apply the remembered choice and the volume cap, and start watching devices."""
        self.route.set_cap(self.settings.max_volume)
        if self._media is None:
            from PySide6.QtMultimedia import QMediaDevices

            self._media = QMediaDevices(self)
            self._media.audioOutputsChanged.connect(self.devices_changed)
        choice = choice_from(self.settings)
        self._present = choice.is_default or find_device(choice, self.devices()) is not None
        self.route.set_choice(choice)

    def devices(self) -> list[DeviceInfo]:
        if self._devices is None:
            self._devices = self.list_devices()
        return self._devices

    def fill(self) -> None:
        """The entries as the system lists devices now, the one in use checked."""
        if self.menu is None:
            return
        self._devices = None
        self.menu.clear()
        self.actions = []
        group = QActionGroup(self.menu)
        group.setExclusive(True)
        if self.locked:
            why = self.menu.addAction(LOCKED_TEXT)
            why.setEnabled(False)
        choice = choice_from(self.settings)
        devices = self.devices()
        current = find_device(choice, devices)
        entries: list[tuple[DeviceInfo | None, str]] = [(None, DEFAULT_TEXT)]
        entries += [(d, f"&{n % 10} {d.name.replace('&', '&&')}") for n, d in enumerate(devices, 1)]
        for device, text in entries:
            action = self.menu.addAction(text)
            action.setCheckable(True)
            group.addAction(action)
            action.setEnabled(not self.locked)
            if self.locked:
                action.setStatusTip(LOCKED_TEXT)
            chosen = device is None if current is None else device == devices[current]
            action.setChecked(chosen)
            action.triggered.connect(lambda _checked=False, d=device: self.choose(d))
            self.actions.append((device, action))
        if not devices:
            none = self.menu.addAction("No sound device found")
            none.setEnabled(False)

    def choose(self, device: DeviceInfo | None) -> None:
        """The reader picked ``device`` (None: the system's default)."""
        if self.locked:
            self.notify(f"The audio output is {LOCKED_TEXT.lower()}")
            return
        if device is None:
            self.settings.set("audio_device", "")
            self.settings.set("audio_device_name", "")
            choice = DeviceChoice()
        else:
            self.settings.set("audio_device", device.id)
            self.settings.set("audio_device_name", device.name)
            choice = DeviceChoice(device.id, device.name)
        self._present = True
        self.route.set_choice(choice)
        self.notify(f"Audio output: {'System default' if device is None else device.name}")
        self.changed()

    def devices_changed(self) -> None:
        """A device was plugged in or out: fall back to the default, or go back to the
        chosen device, and say which."""
        self._devices = None
        choice = choice_from(self.settings)
        present = choice.is_default or find_device(choice, self.devices()) is not None
        name = choice.name or choice.id
        if self._present and not present:
            self.notify(f"{name} is not connected. Playing through the system default.")
        elif present and not self._present:
            self.notify(f"Audio output: {name} (connected again)")
        self._present = present
        self.route.refresh(reopen=present and not choice.is_default)
        if self.menu is not None and self.menu.isVisible():
            self.fill()


def _system_devices() -> list[DeviceInfo]:
    """The outputs Qt knows now."""
    from PySide6.QtMultimedia import QMediaDevices

    from player.qtaudio import device_infos

    return device_infos(QMediaDevices.audioOutputs())
