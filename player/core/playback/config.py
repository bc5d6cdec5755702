"""Start-up settings and tuning of a playback.

Kept apart from the playback itself so that the modules that make up the
playback (the run, the control thread, the caller API) share one definition
without importing each other in a circle.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from player.core.playback.api import DEFAULT_RATE_WPM

log = logging.getLogger(__name__)

#: "not given": the default synthesizer or output, told apart from None ("none at all")
AUTO: Any = object()


@dataclass(frozen=True)
class PlaybackSettings:
    """Start-up settings and tuning of a :class:`SpeechPlayback`."""

    rate: int = DEFAULT_RATE_WPM
    volume: float = 1.0
    #: a voice id; None (or an unknown id) picks the best voice for the story's language
    voice: str | None = None
    #: PCM kept queued in the stream ahead of what is heard
    lookahead_ms: int = 1500
    #: sentences synthesized ahead of the one being queued
    prefetch: int = 3
    cache_entries: int = 256
    cache_bytes: int = 64 * 1024 * 1024
    #: how often the control thread updates the position while playing
    tick_s: float = 0.01
