"""The playback interface that views drive and listen to.

A :class:`Playback` reads a :class:`~player.core.model.Story` aloud sentence
by sentence. Views call its methods from the GUI thread; every method returns
at once (synthesis and audio run elsewhere). Events reach a
:class:`PlaybackListener` from worker threads: the Qt layer turns them into
queued signals before touching widgets.

Besides the story, a playback speaks short interface texts in the same voice
and on the same audio path (:meth:`Playback.say`: "Where am I", and the app's
self-voicing when no screen reader runs), and may read quotations and posts
in a second voice (:meth:`Playback.set_block_voice`).

Nothing here imports Qt, nor (until a playback is made) any speech code.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Protocol

from player.core import options
from player.core.model import BlockType, Story

if TYPE_CHECKING:
    from player.core.speech.base import Voice

# Declared with the settings, the one place for every default and range; named here too
# because the playback API is where callers look for them.
MIN_RATE_WPM = options.MIN_RATE_WPM
MAX_RATE_WPM = options.MAX_RATE_WPM
DEFAULT_RATE_WPM = options.DEFAULT_RATE_WPM


class PlaybackState(Enum):
    STOPPED = "stopped"
    PLAYING = "playing"
    PAUSED = "paused"


@dataclass(frozen=True)
class Position:
    """What is being heard: a flat sentence index into ``Story.refs``, the
    index of the word in ``Sentence.words`` (None between words or when the
    backend gives no word times) and the time into that sentence.

    ``jump`` is the playback's own count of the jumps it had been asked for when it
    sent the position (see :meth:`Playback.is_current`); it takes no part in comparisons.
    """

    sentence: int
    word: int | None = None
    sentence_ms: int = 0
    jump: int = field(default=0, compare=False)


class PlaybackListener(Protocol):
    """Receives playback events, possibly from a worker thread."""

    def on_position(self, position: Position) -> None: ...

    def on_state(self, state: PlaybackState) -> None: ...

    def on_message(self, text: str, level: str) -> None:
        """``level`` is "info", "warning" or "error"."""
        ...

    def on_finished(self) -> None: ...

    def on_voices(self, voices: list[Voice]) -> None:
        """The engine has loaded and offers ``voices`` (sent once; empty without
        speech). A listener added later gets it at once if it was already sent.
        Playbacks skip listeners written before this event existed."""
        ...


class Playback(ABC):
    """Reads a story aloud. All methods are non-blocking."""

    @property
    @abstractmethod
    def story(self) -> Story: ...

    @property
    @abstractmethod
    def state(self) -> PlaybackState: ...

    @property
    @abstractmethod
    def position(self) -> Position: ...

    @abstractmethod
    def add_listener(self, listener: PlaybackListener) -> None: ...

    @abstractmethod
    def play(self, from_sentence: int | None = None) -> None:
        """Start (or restart) at ``from_sentence``, or resume/continue at the
        current position when None."""

    @abstractmethod
    def pause(self) -> None: ...

    @abstractmethod
    def resume(self) -> None: ...

    def toggle_pause(self) -> None:
        if self.state is PlaybackState.PLAYING:
            self.pause()
        elif self.state is PlaybackState.PAUSED:
            self.resume()
        else:
            self.play()

    @abstractmethod
    def stop(self) -> None: ...

    @abstractmethod
    def seek(self, sentence: int) -> None:
        """Move to the start of ``sentence``; keeps playing if playing."""

    @abstractmethod
    def skip_sentence(self, delta: int) -> None: ...

    @abstractmethod
    def skip_block(self, delta: int) -> None: ...

    @abstractmethod
    def skip_segment(self, delta: int) -> None: ...

    @abstractmethod
    def skip_time(self, ms: int) -> None:
        """10 s back is ``skip_time(-10_000)``."""

    @property
    @abstractmethod
    def rate(self) -> int:
        """Words per minute, MIN_RATE_WPM..MAX_RATE_WPM."""

    @abstractmethod
    def set_rate(self, wpm: int) -> None:
        """Applies from the current sentence on."""

    @property
    @abstractmethod
    def volume(self) -> float:
        """0.0..1.0."""

    @abstractmethod
    def set_volume(self, volume: float) -> None: ...

    @property
    @abstractmethod
    def voice(self) -> str:
        """The id of the voice in use."""

    @abstractmethod
    def set_voice(self, voice_id: str) -> None: ...

    @property
    @abstractmethod
    def voices(self) -> list[Voice]:
        """The voices the engine offers; empty while it loads (see
        :meth:`PlaybackListener.on_voices`) and without speech."""

    @abstractmethod
    def set_block_voice(self, block_type: BlockType, voice_id: str | None) -> None:
        """Read blocks of ``block_type`` (quotations, posts) in another voice; None
        reads them in the main voice again. Applies from the next sentence not yet
        heard (at once when the sentence being heard is such a block)."""

    @abstractmethod
    def say(self, text: str, *, interrupt: bool = False) -> None:
        """Speak a short interface text in the main voice, on the story's audio path.

        Stopped or paused: spoken at once, then the playback is as it was (a
        paused one resumes at the very sample it was paused on). Playing: spoken
        at the next sentence boundary, or with ``interrupt`` at once, after which
        the interrupted sentence is read again from its start. A new text replaces
        one not yet spoken, and cuts one being spoken on its own, so texts never
        queue up. No position is reported while a text is spoken. Stop, and any
        jump, silence it.
        """

    @property
    def speaking(self) -> bool:
        """Whether a text given to :meth:`say` is waiting or being spoken."""
        return False

    def prime(self) -> None:  # noqa: B027 - a playback with nothing to load needs nothing
        """Get ready in the background so the first :meth:`play` starts as fast as later
        ones: load the reading voice and open the audio output. Returns at once."""

    @abstractmethod
    def time_left_ms(self) -> int:
        """Estimated time from the current position to the end of the story."""

    def is_current(self, position: Position) -> bool:
        """False for a position sent before a jump made since (a seek, a skip).

        Listeners hear positions later, on their own thread: one sent just before the
        reader jumped again arrives after that jump, and shown then it would put the
        view back where the earlier jump went. Call it on the thread that makes the jumps.
        """
        return True

    @abstractmethod
    def close(self) -> None:
        """Stop and release every thread and device; idempotent."""
