"""The transport bar: sentence, play/pause and segment buttons, rate, volume and voices.

Buttons show the window's QActions, so a button, its menu item and its shortcut
are one command. Every control has an accessible name and a visible label that
is its buddy.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSlider,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from player.core.playback.api import MAX_RATE_WPM, MIN_RATE_WPM


class TransportBar(QWidget):
    """Buttons for the playback actions and the rate, volume and voice controls (the
    story's voice, and the one for quotations and posts)."""

    rate_changed = Signal(int)
    volume_changed = Signal(float)
    voice_changed = Signal(str)
    #: "" automatic, "off" the main voice, else a voice id
    second_voice_changed = Signal(str)

    def __init__(self, actions: list[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Playback controls")
        # Two rows (buttons, then settings) so the bar fits a 1,000-pixel window at 100 %;
        # the reading order, and so the Tab order, stays left to right, top to bottom.
        rows = QVBoxLayout(self)
        rows.setContentsMargins(6, 4, 6, 4)
        rows.setSpacing(2)
        layout = QHBoxLayout()
        rows.addLayout(layout)
        self.buttons: list[QToolButton] = []
        for action in actions:
            button = QToolButton()
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            button.setAccessibleName(action.text().replace("&", ""))
            layout.addWidget(button)
            self.buttons.append(button)
        layout.addStretch(1)
        layout = QHBoxLayout()
        rows.addLayout(layout)

        self.rate = QSpinBox()
        self.rate.setRange(MIN_RATE_WPM, MAX_RATE_WPM)
        self.rate.setSingleStep(25)
        self.rate.setSuffix(" words/min")
        self.rate.setAccessibleName("Rate")
        self.rate.setAccessibleDescription("Speaking rate in words per minute")
        for inner in self.rate.findChildren(QLineEdit):
            inner.setAccessibleName("Rate")
        rate_label = QLabel("Ra&te:")
        rate_label.setBuddy(self.rate)
        layout.addWidget(rate_label)
        layout.addWidget(self.rate)

        self.volume = QSlider(Qt.Orientation.Horizontal)
        self.volume.setRange(0, 100)
        self.volume.setSingleStep(5)
        self.volume.setPageStep(10)
        self.volume.setMaximumWidth(140)
        self.volume.setAccessibleName("Volume")
        self.volume.setAccessibleDescription("Volume in percent")
        volume_label = QLabel("Vol&ume:")
        volume_label.setBuddy(self.volume)
        layout.addWidget(volume_label)
        layout.addWidget(self.volume)

        self.voice = QComboBox()
        self.voice.setMinimumContentsLength(14)
        self.voice.setAccessibleName("Voice")
        voice_label = QLabel("Voi&ce:")
        voice_label.setBuddy(self.voice)
        layout.addWidget(voice_label)
        layout.addWidget(self.voice)

        self.second_voice = QComboBox()
        self.second_voice.setMinimumContentsLength(14)
        self.second_voice.setAccessibleName("Voice for quotations and posts")
        self.second_voice.setAccessibleDescription(
            "Another voice makes quotations and posts easy to tell from the story"
        )
        second_label = QLabel("&Quotes and posts:")
        second_label.setBuddy(self.second_voice)
        layout.addWidget(second_label)
        layout.addWidget(self.second_voice)
        self.set_second_voices([], "")
        layout.addStretch(1)

        self.rate.valueChanged.connect(self.rate_changed)
        self.volume.valueChanged.connect(lambda v: self.volume_changed.emit(v / 100))
        self.voice.activated.connect(
            lambda i: self.voice_changed.emit(str(self.voice.itemData(i) or ""))
        )
        self.second_voice.activated.connect(
            lambda i: self.second_voice_changed.emit(str(self.second_voice.itemData(i) or ""))
        )

    def show_rate(self, wpm: int) -> None:
        self.rate.blockSignals(True)
        self.rate.setValue(wpm)
        self.rate.blockSignals(False)

    def limit_volume(self, cap: float) -> None:
        """The administrator's cap (0.0..1.0) is the slider's end, and it says so."""
        top = round(cap * 100)
        self.volume.setMaximum(top)
        if top < 100:
            self.volume.setAccessibleDescription(
                f"Volume in percent, at most {top} (set by the administrator)"
            )

    def show_volume(self, volume: float) -> None:
        self.volume.blockSignals(True)
        self.volume.setValue(round(volume * 100))
        self.volume.blockSignals(False)

    def set_voices(self, voices: list[tuple[str, str]], current: str) -> None:
        """Fill the voice list with (id, name) pairs and select ``current``."""
        self.voice.blockSignals(True)
        self.voice.clear()
        self.voice.addItem("Default voice", "")
        for voice_id, name in voices:
            self.voice.addItem(name, voice_id)
        index = self.voice.findData(current)
        if index < 0 and current:
            self.voice.addItem(current, current)
            index = self.voice.count() - 1
        self.voice.setCurrentIndex(max(0, index))
        self.voice.blockSignals(False)

    def show_voice(self, current: str) -> None:
        """Select ``current`` in the filled voice list (a story in another language opened)."""
        index = self.voice.findData(current)
        if index >= 0:
            self.voice.blockSignals(True)
            self.voice.setCurrentIndex(index)
            self.voice.blockSignals(False)

    def set_second_voices(self, voices: list[tuple[str, str]], current: str) -> None:
        """Fill the list for quotations and posts: automatic, off, then (id, name) pairs."""
        combo = self.second_voice
        combo.blockSignals(True)
        combo.clear()
        combo.addItem("Automatic", "")
        combo.addItem("Off (the main voice)", "off")
        for voice_id, name in voices:
            combo.addItem(name, voice_id)
        index = combo.findData(current)
        if index < 0 and current:
            combo.addItem(current, current)
            index = combo.count() - 1
        combo.setCurrentIndex(max(0, index))
        combo.blockSignals(False)
