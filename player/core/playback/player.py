"""The playback core: reads a story aloud through a synthesizer and an audio output.

This module is the caller's side: :class:`SpeechPlayback`'s public methods, which
only record what the caller wants under the lock and queue a typed command, so
each returns at once; and :func:`create_playback`, which builds one. The rest
lives beside it, one responsibility a module:

- :mod:`~player.core.playback.commands`: the commands the caller queues;
- :mod:`~player.core.playback.control`: the control thread (backend loading,
  applying commands, shutdown, and the exit hook that closes live playbacks);
- :mod:`~player.core.playback.run`: the run and the splicing of interface speech;
- :mod:`~player.core.playback.estimates`: durations and the time left;
- :mod:`~player.core.playback.voices`: the main and second voices;
- :mod:`~player.core.playback.events`: delivering events to listeners;
- :mod:`~player.core.playback.output`: the output, and the silent clock standing in.

Every thread is a daemon, an exit hook closes the playbacks still open, and every
wait on the threads has a time limit (see :mod:`~player.core.playback.control`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from player.core.model import BlockType, Story
from player.core.navigation import Navigator
from player.core.playback.api import (
    Playback,
    PlaybackListener,
    PlaybackState,
    Position,
)
from player.core.playback.commands import (
    ApplyVolume,
    Finish,
    Jump,
    NoSpeech,
    Pause,
    Prime,
    Resume,
    Retune,
    Say,
    SetBlockVoice,
    SetVoice,
    ShowState,
    Stop,
)
from player.core.playback.config import AUTO, PlaybackSettings
from player.core.playback.control import (
    CLOSE_TIMEOUT_S,
    EXIT_CLOSE_TIMEOUT_S,
    ControlThread,
    _close_live_playbacks,
)
from player.core.playback.output import OutputFactory, default_output_factory
from player.core.playback.run import ANNOUNCEMENT_PAUSE_MS, NO_SPEECH_MESSAGE, clamp_rate
from player.core.playback.timeline import pause_after
from player.core.speech import Synthesizer, Voice

log = logging.getLogger(__name__)

# Importable from here as before the split.
__all__ = [
    "ANNOUNCEMENT_PAUSE_MS",
    "CLOSE_TIMEOUT_S",
    "EXIT_CLOSE_TIMEOUT_S",
    "NO_SPEECH_MESSAGE",
    "PlaybackSettings",
    "SpeechPlayback",
    "_close_live_playbacks",
    "create_playback",
]


class SpeechPlayback(ControlThread, Playback):
    """:class:`Playback` over a :class:`Synthesizer` and an :class:`AudioOutput`.

    Build it with :func:`create_playback`.
    """

    def __init__(
        self,
        story: Story,
        output_factory: OutputFactory | None = None,
        *,
        synthesizer: Synthesizer | None = AUTO,
        settings: PlaybackSettings | None = None,
        listeners: tuple[PlaybackListener, ...] = (),
        silent_reason: str | None = None,
    ) -> None:
        super().__init__(
            story,
            settings or PlaybackSettings(),
            output_factory,
            silent_reason,
            listeners,
            synthesizer,
        )
        self._navigator = Navigator(story)
        self._start_thread()  # last: the thread must see a playback fully built

    # ------------------------------------------------------------ state

    @property
    def story(self) -> Story:
        return self._story

    @property
    def state(self) -> PlaybackState:
        with self._lock:
            return self._state

    @property
    def position(self) -> Position:
        with self._lock:
            return self._position

    @property
    def text_only(self) -> bool:
        """True when no speech engine could be loaded."""
        with self._lock:
            return self._text_only

    @property
    def voices(self) -> list[Voice]:
        """The voices of the backend (empty until it has loaded, or without speech)."""
        with self._lock:
            return list(self._voices)

    @property
    def speaking(self) -> bool:
        with self._lock:
            return self._speaking

    def add_listener(self, listener: PlaybackListener) -> None:
        self._events.add(listener)

    # ------------------------------------------------------------ transport

    def play(self, from_sentence: int | None = None) -> None:
        with self._lock:
            if not self._story.refs:
                self._command(Finish())  # nothing to read: done at once
                return
            if from_sentence is None:
                if self._state is PlaybackState.PAUSED:
                    self._set_state_locked(PlaybackState.PLAYING)
                    self._command(Resume())
                    return
                if self._state is PlaybackState.PLAYING:
                    return
                from_sentence = 0 if self._finished else self._cursor
            self._finished = False
            if self._text_only:
                self._command(NoSpeech())
                self._jump_locked(from_sentence)
                return
            self._set_state_locked(PlaybackState.PLAYING)
            self._jump_locked(from_sentence)

    def pause(self) -> None:
        with self._lock:
            if self._state is PlaybackState.PLAYING:
                self._set_state_locked(PlaybackState.PAUSED)
                self._command(Pause())

    def resume(self) -> None:
        with self._lock:
            if self._state is PlaybackState.PAUSED:
                self._set_state_locked(PlaybackState.PLAYING)
                self._command(Resume())

    def stop(self) -> None:
        with self._lock:
            if self._state is not PlaybackState.STOPPED:
                self._set_state_locked(PlaybackState.STOPPED)
                self._command(Stop())
            elif self._speaking:
                self._command(Stop())  # silences a text spoken while stopped

    def prime(self) -> None:
        with self._lock:
            if not self._closed:
                self._command(Prime())

    # ------------------------------------------------------------ moving

    def seek(self, sentence: int) -> None:
        with self._lock:
            self._finished = False
            self._jump_locked(sentence)

    def skip_sentence(self, delta: int) -> None:
        self._skip(self._navigator.sentence, delta)

    def skip_block(self, delta: int) -> None:
        self._skip(self._navigator.block, delta)

    def skip_segment(self, delta: int) -> None:
        self._skip(self._navigator.segment, delta)

    def _skip(self, where: Callable[[int, int], int | None], delta: int) -> None:
        """Jump as the window's navigation does; nowhere to go means stay put."""
        with self._lock:
            if not self._story.refs:
                return
            target = where(self._cursor, delta)
            if target is not None:
                self._jump_locked(target)

    def skip_time(self, ms: int) -> None:
        with self._lock:
            if not self._story.refs:
                return
            sentence = self._cursor
            offset = self._position.sentence_ms if self._position.sentence == sentence else 0
            offset += ms
            last = len(self._story.refs) - 1
            duration = self._estimates.duration_ms
            while offset < 0 and sentence > 0:
                sentence -= 1
                offset += duration(sentence) + pause_after(self._story, sentence, self._rate)
            while sentence < last:
                length = duration(sentence) + pause_after(self._story, sentence, self._rate)
                if offset < length:
                    break
                offset -= length
                sentence += 1
            offset = max(0, min(offset, duration(sentence)))
            if offset >= duration(sentence) - 50:
                offset = 0  # landing in a pause: start the sentence
            self._jump_locked(sentence, offset)

    # ------------------------------------------------------------ rate, volume, voices

    @property
    def rate(self) -> int:
        with self._lock:
            return self._rate

    def set_rate(self, wpm: int) -> None:
        wpm = clamp_rate(wpm)
        with self._lock:
            if wpm == self._rate:
                return
            self._estimates.set_rate(wpm)
            self._rate = wpm
            self._command(Retune())

    @property
    def volume(self) -> float:
        with self._lock:
            return self._volume

    def set_volume(self, volume: float) -> None:
        with self._lock:
            self._volume = min(max(float(volume), 0.0), 1.0)
            self._command(ApplyVolume())

    @property
    def voice(self) -> str:
        with self._lock:
            return self._voice_table.main

    def set_voice(self, voice_id: str) -> None:
        with self._lock:
            if voice_id != self._voice_table.main:
                self._command(SetVoice(voice_id))

    def block_voice(self, block_type: BlockType) -> str | None:
        """The voice blocks of ``block_type`` are read in, None for the main voice."""
        with self._lock:
            return self._voice_table.block_voice(block_type)

    def set_block_voice(self, block_type: BlockType, voice_id: str | None) -> None:
        with self._lock:
            self._command(SetBlockVoice(block_type, voice_id or None))

    # ------------------------------------------------------------ speech and estimates

    def say(self, text: str, *, interrupt: bool = False) -> None:
        text = " ".join(text.split())
        if not text:
            return
        with self._lock:
            if self._text_only or self._closed:
                return
            self._speaking = True
            self._command(Say(text, interrupt))

    def time_left_ms(self) -> int:
        with self._lock:
            refs = self._story.refs
            if not refs:
                return 0
            start = min(self._cursor, len(refs) - 1)
            into = self._position.sentence_ms if self._position.sentence == start else 0
            return self._estimates.time_left_ms(start, into)

    def is_current(self, position: Position) -> bool:
        with self._lock:
            return position.jump == self._jumps_asked

    # ------------------------------------------------------------ caller-side helpers

    def _set_state_locked(self, state: PlaybackState) -> None:
        if state is not self._state:
            self._state = state
            self._command(ShowState(state))

    def _jump_locked(self, sentence: int, offset_ms: int = 0) -> None:
        """Move to ``sentence`` (clamped); restart the run if one is going."""
        count = len(self._story.refs)
        if count == 0:
            return
        sentence = min(max(sentence, 0), count - 1)
        self._cursor = sentence
        self._position = Position(sentence, None, offset_ms)
        self._jumps_asked += 1
        self._command(Jump(sentence, offset_ms, self._jumps_asked))


def create_playback(
    story: Story,
    output_factory: OutputFactory | None = AUTO,
    *,
    synthesizer: Synthesizer | None = AUTO,
    settings: PlaybackSettings | None = None,
    listeners: tuple[PlaybackListener, ...] = (),
) -> SpeechPlayback:
    """A playback of ``story``, ready to ``play()``.

    ``output_factory(sample_rate)`` makes the audio output. By default it is the
    one installed with :func:`set_default_output_factory` (the Qt layer's
    :func:`player.qtaudio.install`); None asks for the silent clock. A factory
    raising :class:`AudioOutputError` (no device) also gives the silent clock,
    and the listeners are told once. ``synthesizer`` defaults
    to the best backend here (created on the control thread, closed by
    ``close``); pass None for text-only, or your own (it is then yours to close).
    """
    reason = None
    if output_factory is AUTO:
        output_factory = default_output_factory()
        if output_factory is None:
            reason = "no audio output is installed"
    return SpeechPlayback(
        story,
        output_factory,
        synthesizer=synthesizer,
        settings=settings,
        listeners=listeners,
        silent_reason=reason,
    )
