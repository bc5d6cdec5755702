"""What the caller's thread asks the playback's control thread to do.

The public methods of :class:`~player.core.playback.player.SpeechPlayback` only
record the new state under the lock and queue one of these; the control thread
applies them in order (:meth:`~player.core.playback.control.ControlThread._apply`).
Typed commands rather than tuples keyed by strings, so that a misspelt command or
a missing argument is a type error instead of a command silently ignored.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from player.core.model import BlockType
from player.core.playback.api import PlaybackState

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ShowState:
    """The caller changed the state: tell the listeners (from the control thread)."""

    state: PlaybackState


@dataclass(frozen=True)
class Jump:
    """Go to ``sentence`` at ``offset_ms``; ``number`` tells the newest jump from stale ones."""

    sentence: int
    offset_ms: int
    number: int


@dataclass(frozen=True)
class Pause:
    """Pause the output (or say a pending interface text on its own first)."""


@dataclass(frozen=True)
class Resume:
    """Resume the paused output, or start a run where the cursor is."""


@dataclass(frozen=True)
class Stop:
    """End the run and any interface text."""


@dataclass(frozen=True)
class Finish:
    """Nothing to read (an empty story): the listeners hear that it finished."""


@dataclass(frozen=True)
class NoSpeech:
    """Play was asked for without a speech engine: say so again."""


@dataclass(frozen=True)
class Prime:
    """Load the reading voice and open the output now, so the first play pays for neither."""


@dataclass(frozen=True)
class ApplyVolume:
    """Give the output the volume the caller set."""


@dataclass(frozen=True)
class SetVoice:
    """Read in ``voice_id`` from the word being heard (refused when unknown)."""

    voice_id: str


@dataclass(frozen=True)
class Retune:
    """The rate changed: forget old audio and carry on from the word being heard."""


@dataclass(frozen=True)
class SetBlockVoice:
    """Read blocks of ``block_type`` in ``voice_id`` (None: the main voice)."""

    block_type: BlockType
    voice_id: str | None


@dataclass(frozen=True)
class Say:
    """Speak an interface text (see :meth:`~player.core.playback.api.Playback.say`)."""

    text: str
    interrupt: bool


Command = (
    ShowState
    | Jump
    | Pause
    | Resume
    | Stop
    | Finish
    | NoSpeech
    | Prime
    | ApplyVolume
    | SetVoice
    | Retune
    | SetBlockVoice
    | Say
)
