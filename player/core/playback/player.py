"""The playback core: reads a story aloud through a synthesizer and an audio output.

Threads: the caller's (GUI) thread only records what it wants and wakes the
*control* thread, so every public method returns at once. The control thread
owns the run: it asks the synthesis worker for sentences (the one needed now
first, the next few ahead), writes their PCM and the pauses after them into
one continuous :class:`PcmStream`, starts and stops the output, and turns the
output's played-frame count into sentence and word positions. The synthesis
worker is the only thread that touches the synthesizer. ``close`` joins both
and closes the output.

Every thread here is a daemon, and an exit hook closes the playbacks still open
when the interpreter exits: a playback its owner never closed (a test that failed
half-way, a script that just returns) must neither keep the process alive nor be
cut off mid-call. Every wait on these threads has a time limit.

Every jump (seek, skip, rate or voice change) starts a new run: a fresh stream
and a restarted output, so nothing stale is heard after it.

Interface texts (:meth:`SpeechPlayback.say`) travel the same way. While the
story plays, one is spliced into the running stream at the next sentence
boundary the output has not read yet, so the output never restarts for it.
Otherwise (stopped, paused, or told to interrupt) it gets a run of its own,
and the run it replaced is rebuilt afterwards from where it stood: a paused
one from the very sample it was paused on. A second voice for some block
types (quotations, posts) changes only the voice each sentence is asked for;
changing it drops the unread look-ahead from the next boundary on.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable
from concurrent.futures import CancelledError, Future
from dataclasses import dataclass
from typing import Any, NamedTuple

from player.core.model import BlockType, Story
from player.core.navigation import Navigator
from player.core.playback.api import (
    DEFAULT_RATE_WPM,
    MAX_RATE_WPM,
    MIN_RATE_WPM,
    Playback,
    PlaybackListener,
    PlaybackState,
    Position,
)
from player.core.playback.output import (
    AudioOutput,
    AudioOutputError,
    OutputFactory,
    SilentClockOutput,
    default_output_factory,
)
from player.core.playback.stream import PcmStream, Piece
from player.core.playback.timeline import (
    SENTENCE_PAUSE_MS,
    SentenceTiming,
    pause_after,
    scaled_pause,
    spoken_word_count,
)
from player.core.speech import (
    NoSpeechEngine,
    SpeechError,
    SynthCache,
    SynthesisWorker,
    Synthesizer,
    SynthResult,
    Voice,
    best_voice,
    create_synthesizer,
)

log = logging.getLogger(__name__)

NO_SPEECH_MESSAGE = (
    "No speech engine is available, so the story can be read as text only. "
    "Install espeak-ng (Linux) to hear it."
)


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


_AUTO: Any = object()

#: silence after an interface text spliced into the story, before the story goes on
ANNOUNCEMENT_PAUSE_MS = SENTENCE_PAUSE_MS

#: how long ``close`` waits for the control thread (it joins the others itself)
CLOSE_TIMEOUT_S = 10.0
#: how long, in all, the exit hook waits for the playbacks still open to stop
EXIT_CLOSE_TIMEOUT_S = 5.0


@dataclass
class _Say:
    """An interface text on its way to being heard."""

    text: str
    interrupt: bool
    future: Future[SynthResult]


class _Start(NamedTuple):
    """Where a run starts: a sentence, and in it a time, a word or an exact frame."""

    sentence: int
    offset_ms: int = 0
    word: int | None = None
    frame: int | None = None


class _Run:
    """One continuous stream from a start point until the next jump."""

    def __init__(
        self,
        stream: PcmStream,
        first: int,
        offset_ms: int,
        word: int | None,
        frame: int | None = None,
    ) -> None:
        self.stream = stream
        self.next = first  # next sentence to queue
        self.first = first
        self.offset_ms = offset_ms
        self.word = word  # start at this word of the first sentence (rate/voice change)
        self.frame = frame  # start at this frame of the first sentence (back from a say)
        self.output_started = False
        self.timings: dict[int, SentenceTiming] = {}
        self.prefetched = -1  # run.next when prefetch was last requested
        self.waiting: tuple[int, Future[SynthResult]] | None = None
        #: an interface text waiting for its audio, to be spliced in at the next boundary
        self.say: _Say | None = None
        #: the last text spliced in: the stream frame it starts at, and it
        self.placed: tuple[int, _Say] | None = None
        self.say_end = 0  # stream frame where the spliced text's audio ends
        #: a run that only speaks ``say``, then rebuilds the story's run at ``resume``
        self.say_only = False
        self.resume: _Start | None = None
        #: start the output whatever the state (a text spoken while stopped or paused)
        self.autostart = False

    @property
    def start(self) -> _Start:
        return _Start(self.first, self.offset_ms, self.word, self.frame)

    def rebuilt(self, stream: PcmStream) -> _Run:
        """The same run from its start, on another stream."""
        run = _Run(stream, self.first, self.offset_ms, self.word, self.frame)
        run.say = self.say
        run.say_only, run.resume, run.autostart = self.say_only, self.resume, self.autostart
        return run


class SpeechPlayback(Playback):
    """:class:`Playback` over a :class:`Synthesizer` and an :class:`AudioOutput`.

    Build it with :func:`create_playback`.
    """

    def __init__(
        self,
        story: Story,
        output_factory: OutputFactory | None = None,
        *,
        synthesizer: Synthesizer | None = _AUTO,
        settings: PlaybackSettings | None = None,
        listeners: tuple[PlaybackListener, ...] = (),
        silent_reason: str | None = None,
    ) -> None:
        settings = settings or PlaybackSettings()
        self._story = story
        self._navigator = Navigator(story)
        self._settings = settings
        self._output_factory = output_factory
        self._synth_arg = synthesizer
        self._owns_synth = synthesizer is _AUTO
        self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)
        self._commands: deque[tuple[Any, ...]] = deque()
        self._listeners: list[PlaybackListener] = list(listeners)
        self._notices: list[tuple[str, str]] = []  # replayed to listeners added later
        self._state = PlaybackState.STOPPED
        self._position = Position(0)
        self._cursor = 0  # the sentence the next jump counts from
        self._jumps_asked = 0  # jumps requested by the caller ...
        self._jumps_done = 0  # ... and applied by the control thread
        self._rate = _clamp_rate(settings.rate)
        self._volume = min(max(settings.volume, 0.0), 1.0)
        self._voice = settings.voice or ""
        self._block_voices: dict[BlockType, str] = {}
        self._block_types = [story.block_of(r).type for r in story.refs]
        self._speaking = False
        self._voices_sent = False
        self._finished = False
        self._closing = False
        self._closed = False
        self._ready = threading.Event()
        self._text_only = False
        self._words = [spoken_word_count(story.sentence(r)) for r in story.refs]
        self._durations: dict[int, tuple[str, int, int]] = {}  # sentence -> (voice, rate, ms)
        self._ms_per_word = 60_000 / self._rate  # recalibrated from real audio
        # control-thread state
        self._synth: Synthesizer | None = None
        self._worker: SynthesisWorker | None = None
        self._voices: list[Voice] = []
        self._output: AudioOutput | None = None
        self._sample_rate = 22_050
        self._run: _Run | None = None
        self._last_emitted: tuple[int, int | None] | None = None
        #: set when the silent clock stands in for a missing output, to say so once
        self._silent_reason = silent_reason
        # A daemon, so that a playback nobody closed cannot hold the interpreter in its
        # shutdown forever; _close_live_playbacks still closes it properly at exit.
        self._thread = threading.Thread(target=self._main, name="playback-control", daemon=True)
        with _live_lock:
            _live.add(self)
        self._thread.start()

    # ------------------------------------------------------------ public API

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

    def wait_ready(self, timeout: float = 10.0) -> bool:
        """Wait until the backend has loaded (for tools and tests, not the GUI thread)."""
        return self._ready.wait(timeout)

    def add_listener(self, listener: PlaybackListener) -> None:
        with self._lock:
            self._listeners.append(listener)
            notices = list(self._notices)
            voices = list(self._voices) if self._voices_sent else None
        for text, level in notices:
            _safe(listener.on_message, text, level)
        if voices is not None:
            _call(listener, "on_voices", voices)

    def play(self, from_sentence: int | None = None) -> None:
        with self._lock:
            if not self._story.refs:
                self._command("finish")  # nothing to read: done at once
                return
            if from_sentence is None:
                if self._state is PlaybackState.PAUSED:
                    self._set_state_locked(PlaybackState.PLAYING)
                    self._command("resume")
                    return
                if self._state is PlaybackState.PLAYING:
                    return
                from_sentence = 0 if self._finished else self._cursor
            self._finished = False
            if self._text_only:
                self._command("no_speech")
                self._jump_locked(from_sentence)
                return
            self._set_state_locked(PlaybackState.PLAYING)
            self._jump_locked(from_sentence)

    def pause(self) -> None:
        with self._lock:
            if self._state is PlaybackState.PLAYING:
                self._set_state_locked(PlaybackState.PAUSED)
                self._command("pause")

    def resume(self) -> None:
        with self._lock:
            if self._state is PlaybackState.PAUSED:
                self._set_state_locked(PlaybackState.PLAYING)
                self._command("resume")

    def stop(self) -> None:
        with self._lock:
            if self._state is not PlaybackState.STOPPED:
                self._set_state_locked(PlaybackState.STOPPED)
                self._command("stop")
            elif self._speaking:
                self._command("stop")  # silences a text spoken while stopped

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
            while offset < 0 and sentence > 0:
                sentence -= 1
                offset += self._duration_ms(sentence) + pause_after(
                    self._story, sentence, self._rate
                )
            while sentence < last:
                length = self._duration_ms(sentence) + pause_after(
                    self._story, sentence, self._rate
                )
                if offset < length:
                    break
                offset -= length
                sentence += 1
            offset = max(0, min(offset, self._duration_ms(sentence)))
            if offset >= self._duration_ms(sentence) - 50:
                offset = 0  # landing in a pause: start the sentence
            self._jump_locked(sentence, offset)

    @property
    def rate(self) -> int:
        with self._lock:
            return self._rate

    def set_rate(self, wpm: int) -> None:
        wpm = _clamp_rate(wpm)
        with self._lock:
            if wpm == self._rate:
                return
            self._ms_per_word *= self._rate / wpm
            self._rate = wpm
            self._command("settings")

    @property
    def volume(self) -> float:
        with self._lock:
            return self._volume

    def set_volume(self, volume: float) -> None:
        with self._lock:
            self._volume = min(max(float(volume), 0.0), 1.0)
            self._command("volume")

    @property
    def voice(self) -> str:
        with self._lock:
            return self._voice

    def set_voice(self, voice_id: str) -> None:
        with self._lock:
            if voice_id != self._voice:
                self._command("voice", voice_id)

    def block_voice(self, block_type: BlockType) -> str | None:
        """The voice blocks of ``block_type`` are read in, None for the main voice."""
        with self._lock:
            return self._block_voices.get(block_type)

    def set_block_voice(self, block_type: BlockType, voice_id: str | None) -> None:
        with self._lock:
            self._command("block_voice", block_type, voice_id or None)

    def say(self, text: str, *, interrupt: bool = False) -> None:
        text = " ".join(text.split())
        if not text:
            return
        with self._lock:
            if self._text_only or self._closed:
                return
            self._speaking = True
            self._command("say", text, interrupt)

    def time_left_ms(self) -> int:
        with self._lock:
            refs = self._story.refs
            if not refs:
                return 0
            start = min(self._cursor, len(refs) - 1)
            total = 0
            for i in range(start, len(refs)):
                total += self._duration_ms(i) + pause_after(self._story, i, self._rate)
            if self._position.sentence == start:
                total -= self._position.sentence_ms
            return max(total, 0)

    def close(self, timeout: float = CLOSE_TIMEOUT_S) -> None:
        """Stop and release everything, waiting at most ``timeout`` s for the threads."""
        if self._ask_to_close():
            self._join(timeout)

    def _ask_to_close(self) -> bool:
        """Tell the control thread to shut down; False when that was asked before."""
        with self._lock:
            if self._closed:
                return False
            self._closed = True
            self._closing = True
            self._cond.notify_all()
        with _live_lock:
            _live.discard(self)
        return True

    def _join(self, timeout: float) -> None:
        if self._thread is not threading.current_thread():
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.error("playback control thread did not stop")

    # ------------------------------------------------- caller-side helpers

    def _command(self, *command: Any) -> None:
        self._commands.append(command)
        self._cond.notify_all()

    def _set_state_locked(self, state: PlaybackState) -> None:
        if state is not self._state:
            self._state = state
            self._command("state", state)

    def _jump_locked(self, sentence: int, offset_ms: int = 0) -> None:
        """Move to ``sentence`` (clamped); restart the run if one is going."""
        count = len(self._story.refs)
        if count == 0:
            return
        sentence = min(max(sentence, 0), count - 1)
        self._cursor = sentence
        self._position = Position(sentence, None, offset_ms)
        self._jumps_asked += 1
        self._command("jump", sentence, offset_ms, self._jumps_asked)

    def _duration_ms(self, sentence: int) -> int:
        known = self._durations.get(sentence)
        if known is not None and known[:2] == (self._voice_for_locked(sentence), self._rate):
            return known[2]
        return int(self._words[sentence] * self._ms_per_word)

    def _voice_for_locked(self, sentence: int) -> str:
        """The voice ``sentence`` is read in: its block type's, else the main one."""
        return self._block_voices.get(self._block_types[sentence], self._voice)

    def _voices_in_use_locked(self) -> set[str]:
        return {self._voice, *self._block_voices.values()}

    # ------------------------------------------------------ control thread

    def _emit(self, name: str, *args: Any) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            _call(listener, name, *args)

    def _message(self, text: str, level: str, *, sticky: bool = False) -> None:
        if sticky:
            with self._lock:
                self._notices.append((text, level))
        self._emit("on_message", text, level)

    def _main(self) -> None:
        try:
            self._load_backend()
        finally:
            self._ready.set()
        try:
            while True:
                with self._cond:
                    if not self._commands and not self._closing:
                        run = self._run
                        busy = run is not None and (
                            self._state is PlaybackState.PLAYING or run.autostart
                        )
                        self._cond.wait(self._settings.tick_s if busy else None)
                    commands = list(self._commands)
                    self._commands.clear()
                    closing = self._closing
                if closing:
                    break
                for command in commands:
                    self._apply(*command)
                self._pump()
        except Exception:
            log.exception("playback control thread failed")
            self._message("Playback stopped after an internal error.", "error")
        finally:
            self._shutdown()

    def _load_backend(self) -> None:
        synth = self._synth_arg
        if synth is _AUTO:
            try:
                synth = create_synthesizer()
            except NoSpeechEngine as exc:
                log.warning("%s", exc)
                synth = None
        if synth is None:
            with self._lock:
                self._text_only = True
            self._message(NO_SPEECH_MESSAGE, "error", sticky=True)
            self._send_voices([])
            return
        self._synth = synth
        self._sample_rate = int(getattr(synth, "sample_rate", self._sample_rate))
        try:
            voices = synth.voices()
        except SpeechError as exc:
            voices = []
            self._message(f"Could not list voices: {exc}", "warning")
        chosen = next((v for v in voices if v.id == self._voice), None)
        if chosen is None:
            if self._voice:
                self._message(
                    f"The voice {self._voice!r} is not available; using the best voice "
                    "for the story's language.",
                    "warning",
                    sticky=True,
                )
            chosen = best_voice(voices, self._story.meta.language)
        with self._lock:
            self._voice = chosen.id if chosen is not None else self._voice
        cache = SynthCache(self._settings.cache_entries, self._settings.cache_bytes)
        self._worker = SynthesisWorker(synth, cache)
        self._send_voices(voices)

    def _send_voices(self, voices: list[Voice]) -> None:
        """Publish the voices and tell the listeners once; later ones hear it on adding."""
        with self._lock:
            self._voices = list(voices)
            self._voices_sent = True
            listeners = list(self._listeners)
        for listener in listeners:
            _call(listener, "on_voices", list(voices))

    def _apply(self, name: str, *args: Any) -> None:
        if name == "state":
            self._emit("on_state", args[0])
        elif name == "jump":
            sentence, offset, number = args
            with self._lock:
                self._jumps_done = number
                state = self._state
            self._last_emitted = None
            if state is PlaybackState.STOPPED:
                self._end_run()
                self._emit_position(Position(sentence, None, offset))
            else:
                self._start_run(sentence, offset)
        elif name == "pause":
            self._pause()
        elif name == "resume":
            if self._run is None:
                self._start_run(self._cursor_now(), 0)
            elif self._run.say_only:
                pass  # a text on its own is never paused; the story follows it
            elif self._output is not None and self._run.output_started:
                self._output.resume()
        elif name == "stop":
            self._end_run()
        elif name == "finish":
            self._emit("on_finished")
        elif name == "no_speech":
            self._message(NO_SPEECH_MESSAGE, "error")
        elif name == "volume":
            if self._output is not None:
                self._output.set_volume(self.volume)
        elif name == "voice":
            known = {v.id for v in self._voices}
            if args[0] not in known:
                self._message(f"There is no voice {args[0]!r}.", "error")
                return
            with self._lock:
                self._voice = args[0]
            self._settings_changed()
        elif name == "settings":
            self._settings_changed()
        elif name == "block_voice":
            self._set_block_voice(args[0], args[1])
        elif name == "say":
            self._say(args[0], args[1])

    def _cursor_now(self) -> int:
        with self._lock:
            return self._cursor

    def _settings_changed(self) -> None:
        """Rate or voice changed: forget old audio, and carry on from the word being heard."""
        with self._lock:
            voices, rate = self._voices_in_use_locked(), self._rate
            position = self._position
        if self._worker is not None:
            self._worker.cancel_prefetch()
            self._worker.cache.drop_other_settings(voices, rate)
        if self._run is not None and self._run.say_only:
            self._resume_by_word(self._run, position)
        elif self._run is not None:
            self._start_run(position.sentence, 0, word=position.word)

    @staticmethod
    def _resume_by_word(run: _Run, position: Position) -> None:
        """A frame to resume at means nothing in audio made anew: resume at the word instead."""
        resume = run.resume
        if resume is None or resume.frame is None:
            return
        if position.sentence == resume.sentence:
            run.resume = _Start(resume.sentence, word=position.word)
        else:
            run.resume = _Start(resume.sentence)

    def _set_block_voice(self, block_type: BlockType, voice_id: str | None) -> None:
        if voice_id is not None and voice_id not in {v.id for v in self._voices}:
            self._message(f"There is no voice {voice_id!r}.", "error")
            return
        with self._lock:
            old = self._block_voices.get(block_type)
            if voice_id is None:
                self._block_voices.pop(block_type, None)
            else:
                self._block_voices[block_type] = voice_id
            voices, rate = self._voices_in_use_locked(), self._rate
            position = self._position
        if old == voice_id:
            return
        if self._worker is not None:
            self._worker.cancel_prefetch()
            self._worker.cache.drop_other_settings(voices, rate)
        run = self._run
        if run is None:
            return
        if run.say_only:
            # the run rebuilt after the text asks for the new voice
            if run.resume is not None and self._block_types[run.resume.sentence] is block_type:
                self._resume_by_word(run, position)
            return
        if not run.output_started or self._block_types[position.sentence] is block_type:
            # the sentence being heard changes voice: again from the word being heard
            self._start_run(position.sentence, 0, word=position.word)
            return
        # the sentence being heard keeps its voice: re-queue only the unread look-ahead
        self._cut(run)
        self._pump()

    def _cut(self, run: _Run) -> None:
        """Drop the run's unread audio from the next boundary; it is queued again."""
        cut = run.stream.cut_at_next_boundary()
        run.waiting = None
        run.prefetched = -1
        if cut is None:
            return
        frame, piece = cut
        run.next = piece.sentence
        if run.placed is not None and run.placed[0] >= frame:
            # a text spliced in but not heard yet was dropped with the rest: splice it again
            if run.say is None:
                run.say = run.placed[1]
            run.placed = None

    # -------------------------------------------------- interface texts

    def _set_speaking(self, speaking: bool) -> None:
        with self._lock:
            self._speaking = speaking

    def _say(self, text: str, interrupt: bool) -> None:
        if self._worker is None:
            self._set_speaking(False)
            return
        with self._lock:
            voice, rate, state = self._voice, self._rate, self._state
        future = self._worker.request(text, voice, rate, urgent=True)
        if not future.done():
            future.add_done_callback(self._wake)
        say = _Say(text, interrupt, future)
        run = self._run
        if run is not None and run.say_only:
            # the text being spoken is cut for the new one; the story resumes as it would have
            self._start_say_run(say, run.resume, autostart=run.autostart)
        elif run is not None and state is PlaybackState.PLAYING and not interrupt:
            run.say = say  # replaces one not yet spliced in
            self._set_speaking(True)
            self._pump()
        else:
            resume = self._resume_point(run, state)
            self._start_say_run(say, resume, autostart=state is not PlaybackState.PLAYING)

    def _resume_point(self, run: _Run | None, state: PlaybackState) -> _Start | None:
        """Where the story goes on after a text spoken on its own: None to stay stopped.

        Paused: the exact frame that was heard last. Playing (interrupted): the start
        of the sentence being heard. In a pause or a spliced text: the next sentence.
        """
        if state is PlaybackState.STOPPED:
            return None
        if run is None:
            return _Start(self._cursor_now())
        if run.say_only:
            return run.resume
        found = None
        if run.output_started and self._output is not None:
            found = run.stream.locate(self._output.frames_played())
        if found is None:
            return run.start
        piece, frame = found
        if piece.announcement or piece.pause:
            following = piece.sentence if piece.announcement else piece.sentence + 1
            return _Start(following) if following < len(self._story.refs) else None
        if state is PlaybackState.PLAYING:
            return _Start(piece.sentence)
        return _Start(piece.sentence, frame=frame)

    def _start_say_run(self, say: _Say, resume: _Start | None, *, autostart: bool) -> None:
        assert self._worker is not None
        self._end_run()
        self._worker.cancel_prefetch()
        run = _Run(PcmStream(self._sample_rate), len(self._story.refs), 0, None)
        run.say, run.say_only, run.resume, run.autostart = say, True, resume, autostart
        self._run = run
        self._set_speaking(True)
        self._pump()

    def _say_done(self, run: _Run) -> None:
        """A text spoken on its own has been heard: put the story back as it was."""
        resume = run.resume
        self._end_run()
        with self._lock:
            state = self._state
        if resume is None and state is PlaybackState.PLAYING:
            self._finish()  # interrupted right at the end: nothing is left to read
        elif resume is not None and state is not PlaybackState.STOPPED:
            # back at the exact sample heard before: the position shown is still right
            self._start_run(
                resume.sentence,
                resume.offset_ms,
                resume.word,
                frame=resume.frame,
                quiet=resume.frame is not None,
            )

    def _pause(self) -> None:
        run, output = self._run, self._output
        if run is None:
            return
        if run.say_only:
            run.autostart = True  # the text is still said; the story then stays paused
            return
        unheard = run.placed is not None and (
            output is None or output.frames_played() < run.say_end
        )
        if run.say is not None or unheard:
            # a paused stream would hold the text back: say it on its own now
            say = run.say or (run.placed[1] if run.placed is not None else None)
            assert say is not None
            resume = self._resume_point(run, PlaybackState.PAUSED)
            self._start_say_run(say, resume, autostart=True)
            return
        if output is not None and run.output_started:
            output.pause()

    def _splice_say(self, run: _Run) -> bool:
        """Put the run's text into its stream; False when the run was rebuilt instead."""
        say = run.say
        assert say is not None
        run.say = None
        try:
            result = say.future.result()
        except (SpeechError, CancelledError) as exc:
            self._message(f"Could not say {say.text[:60]!r}: {exc}", "warning")
            if run.say_only:
                run.stream.finish()
            elif run.placed is None:
                self._set_speaking(False)
            return True
        if result.sample_rate != self._sample_rate:
            run.say = say
            self._adopt_sample_rate(result.sample_rate)
            return False
        stream = run.stream
        if run.say_only:
            stream.write(result.pcm, Piece(run.first, 0, announcement=True))
            stream.finish()
            return True
        self._cut(run)
        run.say = None  # _cut re-queues a dropped earlier text, but this one replaces it
        frame = stream.frames_written
        with self._lock:
            rate = self._rate
        stream.write(result.pcm, Piece(run.next, 0, announcement=True))
        stream.write_silence(
            scaled_pause(ANNOUNCEMENT_PAUSE_MS, rate),
            Piece(run.next, 0, pause=True, announcement=True),
        )
        run.placed = (frame, say)
        run.say_end = frame + result.frames
        return True

    def _ensure_output(self) -> AudioOutput:
        output = self._output
        if output is not None:
            return output
        if self._output_factory is None:
            if self._silent_reason:
                return self._use_silent_clock(self._silent_reason)
            output = SilentClockOutput(self._sample_rate)
        else:
            try:
                output = self._output_factory(self._sample_rate)
            except AudioOutputError as exc:
                return self._use_silent_clock(str(exc))
        output.set_volume(self.volume)
        self._output = output
        return output

    def _use_silent_clock(self, reason: str) -> AudioOutput:
        if self._output is not None:
            self._output.close()
        self._output_factory = None  # from now on the silent clock, said only once
        self._silent_reason = None
        output = SilentClockOutput(self._sample_rate)
        output.set_volume(self.volume)
        self._output = output
        self._message(
            f"No sound output ({reason}). The text will follow the reading without sound.",
            "warning",
            sticky=True,
        )
        return output

    def _start_run(
        self,
        sentence: int,
        offset_ms: int,
        word: int | None = None,
        *,
        frame: int | None = None,
        quiet: bool = False,
    ) -> None:
        if self._text_only or self._worker is None:
            self._end_run()
            with self._lock:
                self._state = PlaybackState.STOPPED
            self._emit("on_state", PlaybackState.STOPPED)
            self._message(NO_SPEECH_MESSAGE, "error")
            self._emit_position(Position(sentence, None, 0))
            return
        self._end_run()
        self._worker.cancel_prefetch()
        self._run = _Run(PcmStream(self._sample_rate), sentence, offset_ms, word, frame)
        if not quiet:
            self._emit_position(Position(sentence, None, offset_ms))
        self._pump()

    def _end_run(self) -> None:
        """Stop the run and whatever text it had to say."""
        self._set_speaking(False)
        if self._run is not None:
            self._run = None
            if self._output is not None:
                self._output.stop()

    def _request(self, sentence: int, *, urgent: bool) -> Future[SynthResult]:
        assert self._worker is not None
        with self._lock:
            voice, rate = self._voice_for_locked(sentence), self._rate
        text = self._story.sentence(sentence).spoken
        future = self._worker.request(text, voice, rate, urgent=urgent)
        if urgent and not future.done():
            future.add_done_callback(self._wake)
        return future

    def _wake(self, _future: object) -> None:
        with self._cond:
            self._cond.notify_all()

    def _pump(self) -> None:
        run = self._run
        if run is None:
            return
        self._feed(run)
        if self._run is not run:
            return
        with self._lock:
            state = self._state
        output = self._output
        if not run.output_started:
            if (state is PlaybackState.PLAYING or run.autostart) and (
                run.stream.available_bytes or run.stream.finished
            ):
                output = self._ensure_output()
                try:
                    output.start(run.stream)
                except AudioOutputError as exc:
                    output = self._use_silent_clock(str(exc))
                    output.start(run.stream)
                run.output_started = True
            else:
                return
        assert output is not None
        failure = output.failure()
        if failure:
            here = self.position
            self._use_silent_clock(failure)
            if run.say_only:
                self._say_done(run)  # the text is lost with the device; the story goes on
            else:
                self._start_run(here.sentence, here.sentence_ms)
            return
        self._update_position(run, output)

    def _feed(self, run: _Run) -> None:
        """Queue sentences until the lookahead is covered; never wait for synthesis."""
        if run.say is not None and run.say.future.done() and not self._splice_say(run):
            return
        if run.say_only:
            return
        count = len(self._story.refs)
        stream = run.stream
        while run.next < count and stream.buffered_ms < self._settings.lookahead_ms:
            index = run.next
            # keep the future: a failed one must be seen, not silently requested again
            if run.waiting is None or run.waiting[0] != index:
                run.waiting = (index, self._request(index, urgent=True))
            future = run.waiting[1]
            if not future.done():
                break
            try:
                result = future.result()
            except (SpeechError, CancelledError) as exc:
                self._message(
                    f"Sentence {index + 1} could not be spoken and was skipped: {exc}", "warning"
                )
                run.next += 1
                continue
            if result.sample_rate != self._sample_rate:
                self._adopt_sample_rate(result.sample_rate)
                return
            self._queue_sentence(run, index, result)
            run.next += 1
        if run.next >= count:
            stream.finish()
        if run.prefetched != run.next:
            run.prefetched = run.next
            for ahead in range(run.next + 1, min(run.next + 1 + self._settings.prefetch, count)):
                self._request(ahead, urgent=False)

    def _adopt_sample_rate(self, rate: int) -> None:
        """The backend's rate differs from the stream's: rebuild stream and output for it."""
        run = self._run
        assert run is not None
        self._sample_rate = rate
        self._end_run()
        if self._output is not None:
            self._output.close()
            self._output = None
        self._run = run.rebuilt(PcmStream(rate))
        if run.say is not None or run.say_only:
            self._set_speaking(True)

    def _queue_sentence(self, run: _Run, index: int, result: SynthResult) -> None:
        sentence = self._story.sentence(index)
        timing = SentenceTiming.of(sentence, result)
        run.timings[index] = timing
        with self._lock:
            voice, rate = self._voice_for_locked(index), self._rate
            self._durations[index] = (voice, rate, result.duration_ms)
            words = max(self._words[index], 1)
            if result.duration_ms and words >= 3:
                # calibrate estimates of unsynthesized sentences on real audio
                self._ms_per_word = 0.8 * self._ms_per_word + 0.2 * result.duration_ms / words
        first_frame = 0
        if index == run.first and run.frame is not None:
            first_frame = min(run.frame, result.frames)
        elif index == run.first:
            start_ms = run.offset_ms
            if run.word is not None:
                start_ms = timing.start_of(run.word)
            first_frame = min(start_ms * result.sample_rate // 1000, result.frames)
        pcm = result.pcm[first_frame * 2 :]
        run.stream.write(pcm, Piece(index, first_frame))
        pause = pause_after(self._story, index, rate)
        if pause:
            run.stream.write_silence(pause, Piece(index, result.frames, pause=True))

    def _update_position(self, run: _Run, output: AudioOutput) -> None:
        frames = output.frames_played()
        stream = run.stream
        if stream.drained and frames >= stream.frames_written:
            if run.say_only:
                self._say_done(run)
            else:
                self._finish()
            return
        if run.placed is not None and frames >= run.say_end:
            run.placed = None
            if run.say is None:
                self._set_speaking(False)
        found = stream.locate(frames)
        if found is None:
            return
        piece, frame = found
        if piece.announcement:
            return  # interface speech: the story's position stands still meanwhile
        ms = frame * 1000 // stream.sample_rate
        timing = run.timings.get(piece.sentence)
        word = None if piece.pause or timing is None else timing.word_at(ms)
        self._emit_position(Position(piece.sentence, word, ms))

    def _emit_position(self, position: Position) -> None:
        with self._lock:
            if self._jumps_done != self._jumps_asked:
                return  # stale: the caller has already moved elsewhere
            self._position = position
            self._cursor = position.sentence
        key = (position.sentence, position.word)
        if key != self._last_emitted:
            self._last_emitted = key
            self._emit("on_position", position)

    def _finish(self) -> None:
        self._end_run()
        with self._lock:
            self._finished = True
            changed = self._state is not PlaybackState.STOPPED
            self._state = PlaybackState.STOPPED
        if changed:
            self._emit("on_state", PlaybackState.STOPPED)
        self._emit("on_finished")

    def _shutdown(self) -> None:
        self._run = None
        if self._output is not None:
            try:
                self._output.stop()
            finally:
                self._output.close()
                self._output = None
        if self._worker is not None:
            self._worker.close(timeout=1.0)
        if self._synth is not None and self._owns_synth:
            self._synth.close()  # also ends a synthesis stuck in a slow backend
        if self._worker is not None and self._worker.thread.is_alive():
            self._worker.thread.join(5.0)
        with self._lock:
            changed = self._state is not PlaybackState.STOPPED
            self._state = PlaybackState.STOPPED
        if changed:
            self._emit("on_state", PlaybackState.STOPPED)


#: playbacks not closed yet. Weak: an unreachable playback whose control thread has
#: ended needs no closing; while the thread runs, it keeps its playback alive.
_live: weakref.WeakSet[SpeechPlayback] = weakref.WeakSet()
_live_lock = threading.Lock()


def _close_live_playbacks() -> None:
    """At interpreter exit: close every playback still open, within one time limit.

    All are told at once and then joined, so the limit is shared rather than paid
    per playback. The threads are daemons, so one that does not stop in time is
    left behind instead of hanging the exit.
    """
    with _live_lock:
        playbacks = list(_live)
    asked = [playback for playback in playbacks if playback._ask_to_close()]
    deadline = time.monotonic() + EXIT_CLOSE_TIMEOUT_S
    for playback in asked:
        playback._join(max(deadline - time.monotonic(), 0.0))


# atexit hooks run after threading's own shutdown, which waits only for non-daemon
# threads: hence daemon threads above, closed here before the interpreter freezes them.
atexit.register(_close_live_playbacks)


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


def _clamp_rate(wpm: int) -> int:
    return min(max(int(wpm), MIN_RATE_WPM), MAX_RATE_WPM)


def create_playback(
    story: Story,
    output_factory: OutputFactory | None = _AUTO,
    *,
    synthesizer: Synthesizer | None = _AUTO,
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
    if output_factory is _AUTO:
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
