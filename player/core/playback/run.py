"""The run: one continuous stream from a start point to the next jump, and the
splicing of interface speech into it.

Everything here runs on the playback's control thread (see
:mod:`player.core.playback.control`), except what is marked as guarded by the
lock, which the caller's thread also reads and writes.

The control thread asks the synthesis worker for sentences (the one needed now
first, the next few ahead), writes their PCM and the pauses after them into one
continuous :class:`PcmStream`, starts and stops the output, and turns the
output's played-frame count into sentence and word positions. Every jump (seek,
skip, rate or voice change) starts a new run: a fresh stream and a restarted
output, so nothing stale is heard after it.

Interface texts (:meth:`~player.core.playback.api.Playback.say`) travel the same
way. While the story plays, one is spliced into the running stream at the next
sentence boundary the output has not read yet, so the output never restarts for
it. Otherwise (stopped, paused, or told to interrupt) it gets a run of its own,
and the run it replaced is rebuilt afterwards from where it stood: a paused one
from the very sample it was paused on. A second voice for some block types
(quotations, posts) changes only the voice each sentence is asked for; changing
it drops the unread look-ahead from the next boundary on.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import CancelledError, Future
from dataclasses import dataclass
from functools import partial
from typing import NamedTuple

from player.core.model import BlockType, Story
from player.core.playback.api import (
    MAX_RATE_WPM,
    MIN_RATE_WPM,
    PlaybackListener,
    PlaybackState,
    Position,
)
from player.core.playback.config import PlaybackSettings
from player.core.playback.estimates import TimeEstimates
from player.core.playback.events import Listeners
from player.core.playback.output import AudioOutput, AudioOutputError, OutputFactory, OutputSlot
from player.core.playback.stream import PcmStream, Piece
from player.core.playback.timeline import (
    SENTENCE_PAUSE_MS,
    SentenceTiming,
    pause_after,
    scaled_pause,
)
from player.core.playback.voices import (
    VoiceTable,
    interface_voice,
    speaker_ranks,
    speaker_voices,
)
from player.core.speech import SpeechError, SynthesisWorker, SynthResult, Voice

log = logging.getLogger(__name__)

NO_SPEECH_MESSAGE = (
    "No speech engine is available, so the story can be read as text only. "
    "Install espeak-ng (Linux) to hear it."
)

#: silence after an interface text spliced into the story, before the story goes on
ANNOUNCEMENT_PAUSE_MS = SENTENCE_PAUSE_MS


def clamp_rate(wpm: int) -> int:
    """``wpm`` within the rates a playback accepts."""
    return min(max(int(wpm), MIN_RATE_WPM), MAX_RATE_WPM)


@dataclass
class SayRequest:
    """An interface text on its way to being heard."""

    text: str
    interrupt: bool
    future: Future[SynthResult]


class Start(NamedTuple):
    """Where a run starts: a sentence, and in it a time, a word or an exact frame."""

    sentence: int
    offset_ms: int = 0
    word: int | None = None
    frame: int | None = None


class Run:
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
        self.say: SayRequest | None = None
        #: the last text spliced in: the stream frame it starts at, and it
        self.placed: tuple[int, SayRequest] | None = None
        self.say_end = 0  # stream frame where the spliced text's audio ends
        #: a run that only speaks ``say``, then rebuilds the story's run at ``resume``
        self.say_only = False
        self.resume: Start | None = None
        #: start the output whatever the state (a text spoken while stopped or paused)
        self.autostart = False

    @property
    def start(self) -> Start:
        return Start(self.first, self.offset_ms, self.word, self.frame)

    def rebuilt(self, stream: PcmStream) -> Run:
        """The same run from its start, on another stream."""
        run = Run(stream, self.first, self.offset_ms, self.word, self.frame)
        run.say = self.say
        run.say_only, run.resume, run.autostart = self.say_only, self.resume, self.autostart
        return run


class RunEngine:
    """The state a playback shares between its threads, and the control thread's runs.

    Attributes marked *lock* are guarded by ``_lock`` (the caller's thread uses them
    too); the others belong to the control thread.
    """

    def __init__(
        self,
        story: Story,
        settings: PlaybackSettings,
        output_factory: OutputFactory | None,
        silent_reason: str | None,
        listeners: tuple[PlaybackListener, ...],
    ) -> None:
        self._story = story
        self._settings = settings
        self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)
        # A future's done-callback wakes the control thread. It holds the condition, not a
        # method of this engine: a future kept past close (a calibration sample still
        # queued) must not keep the playback, its story and its audio cache alive.
        self._wake = partial(_notify_all, self._cond)
        self._events = Listeners(listeners)
        # lock: what the caller sees and asks for
        self._state = PlaybackState.STOPPED
        self._position = Position(0)
        self._cursor = 0  # the sentence the next jump counts from
        self._jumps_asked = 0  # jumps requested by the caller ...
        self._jumps_done = 0  # ... and applied by the control thread
        self._rate = clamp_rate(settings.rate)
        self._volume = min(max(settings.volume, 0.0), 1.0)
        self._voice_table = VoiceTable(
            settings.voice or "",
            [story.block_of(r).type for r in story.refs],
            speaker_ranks(story),
        )
        self._estimates = TimeEstimates(story, self._rate, self._voice_table.voice_for)
        self._speaking = False
        self._finished = False
        self._text_only = False
        # control thread
        self._worker: SynthesisWorker | None = None
        self._voices: list[Voice] = []  # lock: the caller reads them too
        # Told through the listeners, not a method of this engine: the slot must not point
        # back at the playback. The window freezes the objects alive when a story loads
        # (gc.freeze), the playback shown then among them, and a frozen playback that dies
        # in a cycle is never collected, with its story and audio cache.
        self._output = OutputSlot(output_factory, silent_reason, partial(_no_sound, self._events))
        self._sample_rate = 22_050
        self._run: Run | None = None
        self._last_emitted: tuple[int, int | None] | None = None
        #: sample sentence -> ((voice, rate), its audio) asked for to calibrate the estimates
        self._sample_jobs: dict[int, tuple[tuple[str, int], Future[SynthResult]]] = {}

    # ------------------------------------------------------------ helpers

    def _emit(self, name: str, *args: object) -> None:
        self._events.emit(name, *args)

    def _message(self, text: str, level: str, *, sticky: bool = False) -> None:
        self._events.message(text, level, sticky=sticky)

    def _volume_now(self) -> float:
        with self._lock:
            return self._volume

    def _cursor_now(self) -> int:
        with self._lock:
            return self._cursor

    def _set_speaking(self, speaking: bool) -> None:
        with self._lock:
            self._speaking = speaking

    def _ensure_output(self) -> AudioOutput:
        return self._output.ensure(self._sample_rate, self._volume_now())

    def _use_silent_clock(self, reason: str) -> AudioOutput:
        return self._output.use_silent_clock(reason, self._sample_rate, self._volume_now())

    # ------------------------------------------------------------ the run

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
        self._run = Run(PcmStream(self._sample_rate), sentence, offset_ms, word, frame)
        if not quiet:
            self._emit_position(Position(sentence, None, offset_ms))
        self._pump()

    def _end_run(self) -> None:
        """Stop the run and whatever text it had to say."""
        self._set_speaking(False)
        if self._run is not None:
            self._run = None
            self._output.stop()

    def _request(self, sentence: int, *, urgent: bool) -> Future[SynthResult]:
        assert self._worker is not None
        with self._lock:
            voice, rate = self._voice_table.voice_for(sentence), self._rate
        text = self._story.sentence(sentence).spoken
        future = self._worker.request(text, voice, rate, urgent=urgent)
        if urgent and not future.done():
            future.add_done_callback(self._wake)
        return future

    def _pump(self) -> None:
        run = self._run
        if run is None:
            return
        self._feed(run)
        if self._run is not run:
            return
        with self._lock:
            state = self._state
        output = self._output.current
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
            with self._lock:
                here = self._position
            self._use_silent_clock(failure)
            if run.say_only:
                self._say_done(run)  # the text is lost with the device; the story goes on
            else:
                self._start_run(here.sentence, here.sentence_ms)
            return
        self._update_position(run, output)

    def _feed(self, run: Run) -> None:
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
        self._calibrate()

    def _calibrate(self) -> None:
        """Ask for the estimates' sample sentences behind the look-ahead, and record them.

        A jump cancels the queued ones; they are asked for again here, until every
        one is known in the voice and at the rate they would be read in now.
        """
        with self._lock:
            missing = self._estimates.missing_sample()
        for index in missing:
            wanted = self._settings_now(index)
            job = self._sample_jobs.get(index)
            if job is None or job[0] != wanted or job[1].cancelled():
                future = self._request(index, urgent=False)
                if not future.done():
                    # recorded when it comes, even while paused (the thread sleeps then)
                    future.add_done_callback(self._wake)
                self._sample_jobs[index] = (wanted, future)
                continue
            future = job[1]
            if not future.done() or future.exception() is not None:
                continue  # a failure is reported when the sentence is read; the prior stands in
            with self._lock:
                if self._settings_now(index) == wanted:
                    self._estimates.record(index, future.result().duration_ms)
            del self._sample_jobs[index]

    def _settings_now(self, sentence: int) -> tuple[str, int]:
        """The voice and rate ``sentence`` would be synthesized in now."""
        with self._lock:
            return self._voice_table.voice_for(sentence), self._rate

    def _adopt_sample_rate(self, rate: int) -> None:
        """The backend's rate differs from the stream's: rebuild stream and output for it."""
        run = self._run
        assert run is not None
        self._sample_rate = rate
        self._end_run()
        self._output.close(stop=False)  # _end_run has stopped it
        self._run = run.rebuilt(PcmStream(rate))
        if run.say is not None or run.say_only:
            self._set_speaking(True)

    def _queue_sentence(self, run: Run, index: int, result: SynthResult) -> None:
        sentence = self._story.sentence(index)
        timing = SentenceTiming.of(sentence, result)
        run.timings[index] = timing
        with self._lock:
            rate = self._rate
            self._estimates.record(index, result.duration_ms)
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

    def _update_position(self, run: Run, output: AudioOutput) -> None:
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
            # the caller may jump again before its listeners hear this: see is_current
            position = Position(
                position.sentence, position.word, position.sentence_ms, self._jumps_done
            )
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

    # ------------------------------------------------- rate and voice changes

    def _settings_changed(self) -> None:
        """Rate or voice changed: forget old audio, and carry on from the word being heard."""
        with self._lock:
            voices, rate = self._voice_table.in_use(), self._rate
            position = self._position
        if self._worker is not None:
            self._worker.cancel_prefetch()
            self._worker.cache.drop_other_settings(voices, rate)
        if self._run is not None and self._run.say_only:
            self._resume_by_word(self._run, position)
        elif self._run is not None:
            self._start_run(position.sentence, 0, word=position.word)

    @staticmethod
    def _resume_by_word(run: Run, position: Position) -> None:
        """A frame to resume at means nothing in audio made anew: resume at the word instead."""
        resume = run.resume
        if resume is None or resume.frame is None:
            return
        if position.sentence == resume.sentence:
            run.resume = Start(resume.sentence, word=position.word)
        else:
            run.resume = Start(resume.sentence)

    def _set_block_voice(self, block_type: BlockType, voice_id: str | None) -> None:
        if voice_id is not None and voice_id not in {v.id for v in self._voices}:
            self._message(f"There is no voice {voice_id!r}.", "error")
            return
        table = self._voice_table
        with self._lock:
            others = (
                speaker_voices(self._voices, table.main, voice_id)
                if voice_id is not None and block_type is BlockType.QUOTATION
                else []
            )
            old = table.set_block_voice(block_type, voice_id, others)
            self._estimates.voices_changed()
            voices, rate = table.in_use(), self._rate
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
            if run.resume is not None and table.block_type_of(run.resume.sentence) is block_type:
                self._resume_by_word(run, position)
            return
        if not run.output_started or table.block_type_of(position.sentence) is block_type:
            # the sentence being heard changes voice: again from the word being heard
            self._start_run(position.sentence, 0, word=position.word)
            return
        # the sentence being heard keeps its voice: re-queue only the unread look-ahead
        self._cut(run)
        self._pump()

    def _cut(self, run: Run) -> None:
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

    def _say(self, text: str, interrupt: bool) -> None:
        if self._worker is None:
            self._set_speaking(False)
            return
        with self._lock:
            voice = interface_voice(self._voices, self._voice_table.main)
            rate, state = self._rate, self._state
        future = self._worker.request(text, voice, rate, urgent=True)
        if not future.done():
            future.add_done_callback(self._wake)
        say = SayRequest(text, interrupt, future)
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

    def _resume_point(self, run: Run | None, state: PlaybackState) -> Start | None:
        """Where the story goes on after a text spoken on its own: None to stay stopped.

        Paused: the exact frame that was heard last. Playing (interrupted): the start
        of the sentence being heard. In a pause or a spliced text: the next sentence.
        """
        if state is PlaybackState.STOPPED:
            return None
        if run is None:
            return Start(self._cursor_now())
        if run.say_only:
            return run.resume
        found = None
        output = self._output.current
        if run.output_started and output is not None:
            found = run.stream.locate(output.frames_played())
        if found is None:
            return run.start
        piece, frame = found
        if piece.announcement or piece.pause:
            following = piece.sentence if piece.announcement else piece.sentence + 1
            return Start(following) if following < len(self._story.refs) else None
        if state is PlaybackState.PLAYING:
            return Start(piece.sentence)
        return Start(piece.sentence, frame=frame)

    def _start_say_run(self, say: SayRequest, resume: Start | None, *, autostart: bool) -> None:
        assert self._worker is not None
        self._end_run()
        self._worker.cancel_prefetch()
        run = Run(PcmStream(self._sample_rate), len(self._story.refs), 0, None)
        run.say, run.say_only, run.resume, run.autostart = say, True, resume, autostart
        self._run = run
        self._set_speaking(True)
        self._pump()

    def _say_done(self, run: Run) -> None:
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
        run, output = self._run, self._output.current
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

    def _resume_output(self) -> None:
        if self._run is None:
            self._start_run(self._cursor_now(), 0)
        elif self._run.say_only:
            pass  # a text on its own is never paused; the story follows it
        elif self._output.current is not None and self._run.output_started:
            self._output.current.resume()

    def _splice_say(self, run: Run) -> bool:
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


def _notify_all(cond: threading.Condition, _future: object) -> None:
    with cond:
        cond.notify_all()


def _no_sound(events: Listeners, reason: str) -> None:
    events.message(
        f"No sound output ({reason}). The text will follow the reading without sound.",
        "warning",
        sticky=True,
    )
