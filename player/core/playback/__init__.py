"""Playback: the interface views drive, and its implementation over a synthesizer.

The GUI builds one with :func:`create_playback` (``create_playback(story)`` uses
the default audio output, which the Qt layer installs with
:func:`set_default_output_factory`; without it, the silent clock).

The implementation is imported on first use, so that importing
:mod:`player.core.playback.api` (as the window does before its first paint)
loads no speech, thread or audio code.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from player.core.playback.output import (
        AudioOutput,
        AudioOutputError,
        OutputFactory,
        SilentClockOutput,
        set_default_output_factory,
    )
    from player.core.playback.player import PlaybackSettings, SpeechPlayback, create_playback
    from player.core.playback.stream import PcmStream

_LAZY = {
    "AudioOutput": "player.core.playback.output",
    "AudioOutputError": "player.core.playback.output",
    "OutputFactory": "player.core.playback.output",
    "SilentClockOutput": "player.core.playback.output",
    "set_default_output_factory": "player.core.playback.output",
    "PlaybackSettings": "player.core.playback.player",
    "SpeechPlayback": "player.core.playback.player",
    "create_playback": "player.core.playback.player",
    "PcmStream": "player.core.playback.stream",
}

__all__ = [
    "AudioOutput",
    "AudioOutputError",
    "OutputFactory",
    "PcmStream",
    "PlaybackSettings",
    "SilentClockOutput",
    "SpeechPlayback",
    "create_playback",
    "set_default_output_factory",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
