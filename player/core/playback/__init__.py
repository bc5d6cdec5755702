"""Playback: the interface views drive, and its implementation over a synthesizer.

The GUI builds one with :func:`create_playback` (``create_playback(story)`` uses
the default audio output, which the Qt layer installs with
:func:`set_default_output_factory`; without it, the silent clock).
"""

from player.core.playback.output import (
    AudioOutput,
    AudioOutputError,
    OutputFactory,
    SilentClockOutput,
    set_default_output_factory,
)
from player.core.playback.player import PlaybackSettings, SpeechPlayback, create_playback
from player.core.playback.stream import PcmStream

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
