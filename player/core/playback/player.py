"""The playback core: reads a story aloud through a synthesizer and an audio output.

Threads: the caller's (GUI) thread only records what it wants and wakes the
*control* thread, so every public method returns at once. The control thread
owns the run: it asks the synthesis worker for sentences (the one needed now
first, the next few ahead), writes their PCM and the pauses after them into
one continuous :class:`PcmStream`, starts and stops the output, and turns the
output's played-frame count into sentence and word positions. The synthesis
worker is the only thread that touches the synthesizer. ``close`` joins both
and closes the output.

Every jump (seek, skip, rate or voice change) starts a new run: a fresh stream
and a restarted output, so nothing stale is heard after it.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import CancelledError, Future
from dataclasses import dataclass
from typing import Any

from player.core.model import Story
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
from player.core.playback.timeline import SentenceTiming, pause_after, spoken_word_count
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


class _Run:
    """One continuous stream from a start point until the next jump."""

    def __init__(self, stream: PcmStream, first: int, offset_ms: int, word: int | None) -> None:
        self.stream = stream
        self.next = first  # next sentence to queue
        self.first = first
        self.offset_ms = offset_ms
        self.word = word  # start at this word of the first sentence (rate/voice change)
        self.output_started = False
        self.timings: dict[int, SentenceTiming] = {}
        self.prefetched = -1  # run.next when prefetch was last requested
        self.waiting: tuple[int, Future[SynthResult]] | None = None


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
        self._thread = threading.Thread(target=self._main, name="playback-control")
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

    def wait_ready(self, timeout: float = 10.0) -> bool:
        """Wait until the backend has loaded (for tools and tests, not the GUI thread)."""
        return self._ready.wait(timeout)

    def add_listener(self, listener: PlaybackListener) -> None:
        with self._lock:
            self._listeners.append(listener)
            notices = list(self._notices)
        for text, level in notices:
            _safe(listener.on_message, text, level)

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

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._closing = True
            self._cond.notify_all()
        if self._thread is not threading.current_thread():
            self._thread.join(10.0)
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
        if known is not None and known[:2] == (self._voice, self._rate):
            return known[2]
        return int(self._words[sentence] * self._ms_per_word)

    # ------------------------------------------------------ control thread

    def _emit(self, name: str, *args: Any) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            _safe(getattr(listener, name), *args)

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
                        busy = self._run is not None and self._state is PlaybackState.PLAYING
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
            self._voices = voices
            self._voice = chosen.id if chosen is not None else self._voice
        cache = SynthCache(self._settings.cache_entries, self._settings.cache_bytes)
        self._worker = SynthesisWorker(synth, cache)

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
            if self._output is not None and self._run is not None and self._run.output_started:
                self._output.pause()
        elif name == "resume":
            if self._run is None:
                self._start_run(self._cursor_now(), 0)
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

    def _cursor_now(self) -> int:
        with self._lock:
            return self._cursor

    def _settings_changed(self) -> None:
        """Rate or voice changed: forget old audio, and carry on from the word being heard."""
        with self._lock:
            voice, rate = self._voice, self._rate
            position = self._position
        if self._worker is not None:
            self._worker.cancel_prefetch()
            self._worker.cache.drop_other_settings(voice, rate)
        if self._run is not None:
            self._start_run(position.sentence, 0, word=position.word)

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

    def _start_run(self, sentence: int, offset_ms: int, word: int | None = None) -> None:
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
        self._run = _Run(PcmStream(self._sample_rate), sentence, offset_ms, word)
        self._emit_position(Position(sentence, None, offset_ms))
        self._pump()

    def _end_run(self) -> None:
        if self._run is not None:
            self._run = None
            if self._output is not None:
                self._output.stop()

    def _request(self, sentence: int, *, urgent: bool) -> Future[SynthResult]:
        assert self._worker is not None
        with self._lock:
            voice, rate = self._voice, self._rate
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
            if state is PlaybackState.PLAYING and (
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
            self._start_run(here.sentence, here.sentence_ms)
            return
        self._update_position(run, output)

    def _feed(self, run: _Run) -> None:
        """Queue sentences until the lookahead is covered; never wait for synthesis."""
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
        self._run = _Run(PcmStream(rate), run.first, run.offset_ms, run.word)

    def _queue_sentence(self, run: _Run, index: int, result: SynthResult) -> None:
        sentence = self._story.sentence(index)
        timing = SentenceTiming.of(sentence, result)
        run.timings[index] = timing
        with self._lock:
            voice, rate = self._voice, self._rate
            self._durations[index] = (voice, rate, result.duration_ms)
            words = max(self._words[index], 1)
            if result.duration_ms and words >= 3:
                # calibrate estimates of unsynthesized sentences on real audio
                self._ms_per_word = 0.8 * self._ms_per_word + 0.2 * result.duration_ms / words
        first_frame = 0
        if index == run.first:
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
            self._finish()
            return
        found = stream.locate(frames)
        if found is None:
            return
        piece, frame = found
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


def _safe(func: Callable[..., Any], *args: Any) -> None:
    """A listener's bug must not stop playback."""
    try:
        func(*args)
    except Exception:
        log.exception("playback listener failed")


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
    :func:`player.gui.audio.install`); None asks for the silent clock. A factory
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
