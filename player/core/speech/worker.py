"""The single thread that owns a synthesizer.

espeak-ng is one non-thread-safe instance per process, and the GUI thread must
never wait on synthesis, so every synthesis runs here. Requests return a
:class:`concurrent.futures.Future` at once: a cache hit is already done,
otherwise the job is queued. Urgent requests (the sentence about to be heard)
jump ahead of prefetching; prefetch jobs are dropped when the listener jumps
elsewhere.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from player.core.speech.base import SpeechError, Synthesizer, SynthResult
from player.core.speech.cache import CacheKey, SynthCache

log = logging.getLogger(__name__)


@dataclass
class _Job:
    key: CacheKey
    future: Future[Any]
    urgent: bool
    #: load the key's voice instead of synthesizing (see SynthesisWorker.prime)
    prime: bool = False


class SynthesisWorker:
    """Runs ``synthesizer.synthesize`` on one thread, in request order, urgent
    requests first.

    The thread is a daemon: a worker its owner forgot to close must not keep the
    process alive at exit (the owning playback closes it from an exit hook).
    """

    def __init__(
        self,
        synthesizer: Synthesizer,
        cache: SynthCache | None = None,
        name: str = "speech-synthesis",
    ) -> None:
        self.synthesizer = synthesizer
        self.cache = cache if cache is not None else SynthCache()
        self._jobs: deque[_Job] = deque()
        self._pending: dict[CacheKey, _Job] = {}
        self._cond = threading.Condition()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def request(self, text: str, voice: str, rate: int, *, urgent: bool) -> Future[SynthResult]:
        """The future audio of ``text``; never blocks on synthesis."""
        key = CacheKey(text, voice, rate)
        cached = self.cache.get(key)
        if cached is not None:
            done: Future[SynthResult] = Future()
            done.set_result(cached)
            return done
        with self._cond:
            if self._closed:
                failed: Future[SynthResult] = Future()
                failed.set_exception(SpeechError("the speech worker is closed"))
                return failed
            job = self._pending.get(key)
            if job is None:
                job = _Job(key, Future(), urgent)
                self._pending[key] = job
                if urgent:
                    self._jobs.appendleft(job)
                else:
                    self._jobs.append(job)
            elif urgent and not job.urgent:
                job.urgent = True
                try:
                    self._jobs.remove(job)
                    self._jobs.appendleft(job)
                except ValueError:  # already being synthesized
                    pass
            self._cond.notify()
            return job.future

    def prime(self, voice: str) -> Future[None]:
        """Have the synthesizer load ``voice`` on this thread before any sentence needs it.

        Queued behind urgent sentences, and kept when prefetching is cancelled: a voice
        change drops the sentences read ahead, not the loading of the voice.
        """
        future: Future[None] = Future()
        with self._cond:
            if self._closed:
                future.set_exception(SpeechError("the speech worker is closed"))
                return future
            self._jobs.append(_Job(CacheKey("", voice, 0), future, urgent=False, prime=True))
            self._cond.notify()
        return future

    def cancel_prefetch(self) -> None:
        """Drop queued sentences nobody is waiting for yet (after a jump)."""
        with self._cond:
            keep: deque[_Job] = deque()
            for job in self._jobs:
                if job.urgent or job.prime:
                    keep.append(job)
                else:
                    self._pending.pop(job.key, None)
                    job.future.cancel()
            self._jobs = keep

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._jobs and not self._closed:
                    self._cond.wait()
                if self._closed:
                    return
                job = self._jobs.popleft()
                if not job.future.set_running_or_notify_cancel():
                    self._pending.pop(job.key, None)
                    continue
            if job.prime:
                self._prime(job)
                continue
            try:
                result = self.synthesizer.synthesize(*job.key)
            except SpeechError as exc:
                error: BaseException | None = exc
            except Exception as exc:  # a backend bug must not kill the thread
                log.exception("the speech engine failed on a sentence")
                error = SpeechError(f"{type(exc).__name__}: {exc}")
            else:
                error = None
                self.cache.put(job.key, result)
            with self._cond:
                self._pending.pop(job.key, None)
            if error is None:
                job.future.set_result(result)
            else:
                job.future.set_exception(error)

    def _prime(self, job: _Job) -> None:
        try:
            self.synthesizer.prime(job.key.voice)
        except SpeechError as exc:  # the first sentence will say what is wrong with the voice
            log.info("the voice %s could not be loaded ahead: %s", job.key.voice, exc)
            job.future.set_exception(exc)
        except Exception as exc:  # a backend bug must not kill the thread
            log.exception("the speech engine failed to load a voice")
            job.future.set_exception(exc)
        else:
            job.future.set_result(None)

    def close(self, timeout: float = 5.0) -> None:
        """Cancel what is queued and join the thread; idempotent."""
        with self._cond:
            self._closed = True
            for job in self._jobs:
                job.future.cancel()
            self._jobs.clear()
            self._pending.clear()
            self._cond.notify_all()
        if self._thread is not threading.current_thread():
            self._thread.join(timeout)

    @property
    def thread(self) -> threading.Thread:
        return self._thread
