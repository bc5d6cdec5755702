"""The playback's control thread: loads the backend, applies the caller's commands,
drives the run, and shuts everything down.

Threads: the caller's (GUI) thread only records what it wants and queues a
command (:mod:`player.core.playback.commands`), so every public method returns at
once. The control thread owns the run (:mod:`player.core.playback.run`). The
synthesis worker is the only thread that touches the synthesizer. ``close``
joins both and closes the output.

Every thread here is a daemon, and an exit hook closes the playbacks still open
when the interpreter exits: a playback its owner never closed (a test that failed
half-way, a script that just returns) must neither keep the process alive nor be
cut off mid-call. Every wait on these threads has a time limit.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
import weakref
from collections import deque

from player.core.model import Story
from player.core.playback.api import PlaybackListener, PlaybackState, Position
from player.core.playback.commands import (
    ApplyVolume,
    Command,
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
from player.core.playback.output import AudioOutputError, OutputFactory
from player.core.playback.run import NO_SPEECH_MESSAGE, RunEngine
from player.core.playback.voices import choose_main_voice
from player.core.speech import (
    NoSpeechEngine,
    SpeechError,
    SynthCache,
    SynthesisWorker,
    Synthesizer,
    Voice,
    create_synthesizer,
)

log = logging.getLogger(__name__)

#: how long ``close`` waits for the control thread (it joins the others itself)
CLOSE_TIMEOUT_S = 10.0
#: how long, in all, the exit hook waits for the playbacks still open to stop
EXIT_CLOSE_TIMEOUT_S = 5.0
#: how long the shutdown waits for the synthesis worker, before and after closing the backend
WORKER_CLOSE_TIMEOUT_S = 1.0
WORKER_JOIN_TIMEOUT_S = 5.0


class ControlThread(RunEngine):
    """The control thread of a playback and its command queue.

    The subclass calls :meth:`_start_thread` once it is fully built.
    """

    def __init__(
        self,
        story: Story,
        settings: PlaybackSettings,
        output_factory: OutputFactory | None,
        silent_reason: str | None,
        listeners: tuple[PlaybackListener, ...],
        synthesizer: Synthesizer | None,
    ) -> None:
        super().__init__(story, settings, output_factory, silent_reason, listeners)
        self._synth_arg = synthesizer
        self._owns_synth = synthesizer is AUTO
        self._synth: Synthesizer | None = None
        self._commands: deque[Command] = deque()  # lock
        self._closing = False  # lock
        self._closed = False  # lock
        self._ready = threading.Event()
        self._primed = threading.Event()
        #: primed and not played yet: keep the sentence Play starts at synthesized ahead
        self._warm_start = False
        # A daemon, so that a playback nobody closed cannot hold the interpreter in its
        # shutdown forever; _close_live_playbacks still closes it properly at exit.
        self._thread = threading.Thread(target=self._main, name="playback-control", daemon=True)

    def _start_thread(self) -> None:
        with _live_lock:
            _live.add(self)
        self._thread.start()

    # ------------------------------------------------- the caller's side

    def wait_ready(self, timeout: float = 10.0) -> bool:
        """Wait until the backend has loaded (for tools and tests, not the GUI thread)."""
        return self._ready.wait(timeout)

    def wait_primed(self, timeout: float = 10.0) -> bool:
        """Wait until :meth:`prime` has loaded the voice and opened the output (for tools
        and tests, not the GUI thread)."""
        return self._primed.wait(timeout)

    def close(self, timeout: float = CLOSE_TIMEOUT_S) -> None:
        """Stop and release everything, waiting at most ``timeout`` s for the threads."""
        if self._ask_to_close():
            self._join(timeout)

    def _command(self, command: Command) -> None:
        """Queue ``command`` for the control thread; the caller holds the lock."""
        self._commands.append(command)
        self._cond.notify_all()

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

    # ------------------------------------------------- the control thread

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
                        # idle, it sleeps until told; any command or close notifies it
                        self._cond.wait(self._settings.tick_s if busy else None)
                    commands = list(self._commands)
                    self._commands.clear()
                    closing = self._closing
                if closing:
                    break
                for command in commands:
                    self._apply(command)
                self._pump()
                if self._warm_start:
                    self._keep_start_ready()
        except Exception:
            log.exception("playback control thread failed")
            self._message("Playback stopped after an internal error.", "error")
        finally:
            self._shutdown()

    def _load_backend(self) -> None:
        synth = self._synth_arg
        if synth is AUTO:
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
        with self._lock:
            wanted = self._voice_table.main
        chosen, warning = choose_main_voice(voices, wanted, self._story.meta.language)
        if warning:
            self._message(warning, "warning", sticky=True)
        if chosen is not None:
            with self._lock:
                self._voice_table.main = chosen.id
                self._estimates.voices_changed()
        log.info(
            "speech: %s, %d voices, reading voice %s",
            getattr(synth, "name", type(synth).__name__),
            len(voices),
            chosen.id if chosen is not None else "none",
        )
        cache = SynthCache(self._settings.cache_entries, self._settings.cache_bytes)
        self._worker = SynthesisWorker(synth, cache)
        self._send_voices(voices)

    def _send_voices(self, voices: list[Voice]) -> None:
        """Publish the voices and tell the listeners once; later ones hear it on adding."""
        with self._lock:
            self._voices = list(voices)
        self._events.send_voices(voices)

    def _apply(self, command: Command) -> None:
        match command:
            case ShowState(state):
                self._emit("on_state", state)
            case Jump(sentence, offset, number):
                with self._lock:
                    self._jumps_done = number
                    state = self._state
                self._last_emitted = None
                if state is PlaybackState.STOPPED:
                    self._end_run()
                    self._emit_position(Position(sentence, None, offset))
                else:
                    self._start_run(sentence, offset)
            case Pause():
                self._pause()
            case Resume():
                self._resume_output()
            case Stop():
                self._end_run()
            case Finish():
                self._emit("on_finished")
            case NoSpeech():
                self._message(NO_SPEECH_MESSAGE, "error")
            case Prime():
                self._prime()
            case ApplyVolume():
                if self._output.current is not None:
                    self._output.current.set_volume(self._volume_now())
            case SetVoice(voice_id):
                if voice_id not in {v.id for v in self._voices}:
                    self._message(f"There is no voice {voice_id!r}.", "error")
                    return
                with self._lock:
                    self._voice_table.main = voice_id
                    self._estimates.voices_changed()
                self._settings_changed()
            case Retune():
                self._settings_changed()
            case SetBlockVoice(block_type, voice_id):
                self._set_block_voice(block_type, voice_id)
            case Say(text, interrupt):
                self._say(text, interrupt)

    def _prime(self) -> None:
        """Load the voice of the sentence Play would start at, synthesize that sentence
        into the cache, and open the output: each is otherwise paid for by the first play.

        The voice loads on the synthesis worker while the output opens here, so the two
        overlap. Nothing is done once a run has started: it has loaded both itself.
        """
        worker = self._worker
        if worker is None or self._run is not None:
            self._primed.set()
            return
        with self._lock:
            sentence = self._cursor
            voice = self._voice_table.voice_for(sentence)
        voice_loaded = worker.prime(voice)
        self._warm_start = bool(self._story.refs)
        self._keep_start_ready()
        try:
            self._ensure_output().prime()
        except AudioOutputError as exc:
            self._use_silent_clock(str(exc))
        voice_loaded.add_done_callback(lambda _future: self._primed.set())

    def _keep_start_ready(self) -> None:
        """Until the first run, keep the sentence it would start at in the synthesis cache,
        in the voice and at the rate it would be read: a voice or rate set after priming
        (the window applies the second voice once the voices are known) drops what was
        read ahead. A request already cached or queued costs a look-up."""
        if self._run is not None or self._worker is None:
            self._warm_start = False
            return
        self._request(self._cursor_now(), urgent=False)

    def _shutdown(self) -> None:
        self._run = None
        self._output.close()
        if self._worker is not None:
            self._worker.close(timeout=WORKER_CLOSE_TIMEOUT_S)
        if self._synth is not None and self._owns_synth:
            self._synth.close()  # also ends a synthesis stuck in a slow backend
        if self._worker is not None and self._worker.thread.is_alive():
            self._worker.thread.join(WORKER_JOIN_TIMEOUT_S)
        with self._lock:
            changed = self._state is not PlaybackState.STOPPED
            self._state = PlaybackState.STOPPED
        if changed:
            self._emit("on_state", PlaybackState.STOPPED)


#: playbacks not closed yet. Weak: an unreachable playback whose control thread has
#: ended needs no closing; while the thread runs, it keeps its playback alive.
_live: weakref.WeakSet[ControlThread] = weakref.WeakSet()
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
