"""Carries playback events from worker threads to the GUI thread as queued Qt signals.

A :class:`~player.core.playback.api.Playback` calls its listeners from whatever
thread produced the event. Widgets may only be touched from the GUI thread, so
the window listens through a :class:`PlaybackBridge`: the bridge lives in the GUI
thread, its listener methods only emit signals, and every connection to it is
queued, so the slots run later in the GUI thread's event loop.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal

from player.core.playback.api import PlaybackState, Position
from player.core.speech.base import Voice


class PlaybackBridge(QObject):
    """A :class:`~player.core.playback.api.PlaybackListener` that re-emits events as signals."""

    position_changed = Signal(object)
    state_changed = Signal(object)
    message = Signal(str, str)
    finished = Signal()
    voices_changed = Signal(object)  # list[Voice]

    def __init__(self) -> None:
        # No parent: the playback's listener list keeps the bridge alive, so a late event
        # from a worker thread never reaches a deleted C++ object.
        super().__init__()
        self._detached = False

    def detach(self) -> None:
        """Drop every later event (the window has moved on to another playback)."""
        self._detached = True
        self.blockSignals(True)

    # The listener protocol; safe to call from any thread.

    def on_position(self, position: Position) -> None:
        if not self._detached:
            self.position_changed.emit(position)

    def on_state(self, state: PlaybackState) -> None:
        if not self._detached:
            self.state_changed.emit(state)

    def on_message(self, text: str, level: str) -> None:
        if not self._detached:
            self.message.emit(text, level)

    def on_finished(self) -> None:
        if not self._detached:
            self.finished.emit()

    def on_voices(self, voices: list[Voice]) -> None:
        if not self._detached:
            self.voices_changed.emit(list(voices))

    def connect_queued(self, signal_name: str, slot: Callable[..., Any]) -> None:
        """Connect ``slot`` so it always runs from the event loop, even for same-thread emits.

        Queuing same-thread emits too keeps the order of events identical whichever
        thread the playback uses, and tests see what users see.
        """
        getattr(self, signal_name).connect(slot, Qt.ConnectionType.QueuedConnection)
