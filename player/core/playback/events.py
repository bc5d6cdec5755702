"""Delivering playback events to listeners, and replaying the lasting ones to late listeners.

Events are sent from the playback's control thread. A listener's bug must not stop
the playback, so every call is guarded; a listener written before an event existed
simply lacks its method and is skipped. Messages marked sticky (no speech engine,
no sound output) and the voices event are replayed to listeners added later, so a
window attached after the engine loaded still hears them.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from player.core.playback.api import PlaybackListener

if TYPE_CHECKING:
    from player.core.speech.base import Voice

log = logging.getLogger(__name__)


def _safe(func: Callable[..., Any], *args: Any) -> None:
    """A listener's bug must not stop playback."""
    try:
        func(*args)
    except Exception:
        log.exception("playback listener failed")


def _call(listener: PlaybackListener, name: str, *args: Any) -> None:
    """Deliver an event; listeners written before it existed simply lack the method."""
    method = getattr(listener, name, None)
    if method is not None:
        _safe(method, *args)


class Listeners:
    """The listeners of one playback; thread-safe."""

    def __init__(self, listeners: Iterable[PlaybackListener] = ()) -> None:
        self._lock = threading.Lock()
        self._listeners: list[PlaybackListener] = list(listeners)
        self._notices: list[tuple[str, str]] = []  # replayed to listeners added later
        self._voices: list[Voice] | None = None  # None until the voices event was sent

    def add(self, listener: PlaybackListener) -> None:
        """Add ``listener`` and tell it at once the sticky messages and voices it missed."""
        with self._lock:
            self._listeners.append(listener)
            notices = list(self._notices)
            voices = list(self._voices) if self._voices is not None else None
        for text, level in notices:
            _safe(listener.on_message, text, level)
        if voices is not None:
            _call(listener, "on_voices", voices)

    def emit(self, name: str, *args: Any) -> None:
        """Call ``name(*args)`` on every listener that has it."""
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            _call(listener, name, *args)

    def message(self, text: str, level: str, *, sticky: bool = False) -> None:
        """Send a message; a sticky one also reaches listeners added later."""
        if sticky:
            with self._lock:
                self._notices.append((text, level))
        self.emit("on_message", text, level)

    def send_voices(self, voices: list[Voice]) -> None:
        """Send the voices event, once; later listeners hear it on adding."""
        with self._lock:
            self._voices = list(voices)
            listeners = list(self._listeners)
        for listener in listeners:
            _call(listener, "on_voices", list(voices))
