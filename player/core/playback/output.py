"""Where PCM goes: the audio output interface, and a silent real-time clock.

An output pulls from a :class:`~player.core.playback.stream.PcmStream` at the
speed of real time and counts the frames actually played; that count is the
playback clock. :class:`SilentClockOutput` does that with a thread and no
device, so playback on a machine without sound produces the same events. The
Qt implementation lives in :mod:`player.qtaudio`.
"""

from __future__ import annotations

import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable

from player.core.playback.stream import PcmStream
from player.core.speech.base import SAMPLE_WIDTH


class AudioOutputError(Exception):
    """The output cannot play (no device, device lost)."""


class AudioOutput(ABC):
    """Plays one stream at a time. Methods are called from the playback core's
    thread; implementations must not block it for long."""

    #: shown in messages ("Qt audio", "silent clock")
    name: str = "output"
    #: True when nothing is audible (the core then tells the listener once)
    silent: bool = False

    @abstractmethod
    def start(self, stream: PcmStream) -> None:
        """Play ``stream`` from its first frame, replacing any previous one; the
        played-frame count restarts at 0. Raises :class:`AudioOutputError`."""

    @abstractmethod
    def pause(self) -> None: ...

    @abstractmethod
    def resume(self) -> None: ...

    @abstractmethod
    def stop(self) -> None:
        """Stop at once and drop what is buffered."""

    @abstractmethod
    def set_volume(self, volume: float) -> None: ...

    @abstractmethod
    def frames_played(self) -> int:
        """Frames of the current stream that have been heard."""

    def failure(self) -> str | None:
        """Why the output stopped working since ``start``, if it did."""
        return None

    def prime(self) -> None:  # noqa: B027 - outputs without a device have nothing to open
        """Do now what the first ``start`` would otherwise pay for (connecting to the
        sound server). Raises :class:`AudioOutputError`."""

    def close(self) -> None:  # noqa: B027 - outputs without resources need nothing
        """Release the device and any thread; idempotent."""


#: Makes an output; raising AudioOutputError means "no device, use the silent clock".
OutputFactory = Callable[[int], AudioOutput]


class SilentClockOutput(AudioOutput):
    """Consumes the stream in real time on its own thread, without a device."""

    name = "silent clock"
    silent = True

    def __init__(self, sample_rate: int, tick_s: float = 0.005, speed: float = 1.0) -> None:
        self.sample_rate = sample_rate
        self.tick_s = tick_s
        #: >1 runs the clock faster than real time, for tests
        self.speed = speed
        self.volume = 1.0
        self._cond = threading.Condition()
        self._stream: PcmStream | None = None
        self._paused = False
        self._played = 0
        self._last = 0.0
        self._carry = 0.0
        self._closed = False
        self._thread: threading.Thread | None = None

    def _ensure_thread(self) -> None:
        if self._thread is None:
            # a daemon: a clock nobody closed must not keep the process alive at exit
            self._thread = threading.Thread(target=self._run, name="silent-clock", daemon=True)
            self._thread.start()

    def start(self, stream: PcmStream) -> None:
        with self._cond:
            if self._closed:
                raise AudioOutputError("the output is closed")
            self._stream = stream
            self._paused = False
            self._played = 0
            self._carry = 0.0
            self._last = time.perf_counter()
            self._ensure_thread()
            self._cond.notify_all()
        # take the first period now, as a device would on start
        self._tick()

    def _tick(self) -> None:
        with self._cond:
            stream = self._stream
            if stream is None or self._paused:
                return
            now = time.perf_counter()
            due = (now - self._last) * self.sample_rate * self.speed + self._carry
            self._last = now
            frames = int(due)
            self._carry = due - frames
            if frames <= 0:
                return
            got = len(stream.read(frames * SAMPLE_WIDTH)) // SAMPLE_WIDTH
            if got < frames:
                # an underrun is silence nobody hears: don't catch up afterwards
                self._carry = 0.0
            self._played += got

    def _run(self) -> None:
        while True:
            with self._cond:
                if self._closed:
                    return
                if self._stream is None or self._paused:
                    self._cond.wait()
                    continue
            self._tick()
            time.sleep(self.tick_s)

    def pause(self) -> None:
        self._tick()
        with self._cond:
            self._paused = True

    def resume(self) -> None:
        with self._cond:
            if self._paused:
                self._paused = False
                self._last = time.perf_counter()
                self._cond.notify_all()

    def stop(self) -> None:
        with self._cond:
            self._stream = None
            self._paused = False

    def set_volume(self, volume: float) -> None:
        self.volume = volume

    def frames_played(self) -> int:
        with self._cond:
            return self._played

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._stream = None
            self._cond.notify_all()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(2.0)


_default_factory: OutputFactory | None = None


def set_default_output_factory(factory: OutputFactory | None) -> None:
    """Install the output used when ``create_playback`` gets none. The core cannot
    import Qt, so the Qt layer installs its own output here at start-up."""
    global _default_factory
    _default_factory = factory


def default_output_factory() -> OutputFactory | None:
    return _default_factory


class OutputSlot:
    """A playback's one output: made on first need, and replaced by the silent clock
    when there is no device or the device fails, so the text still follows the reading.

    Used by the playback's control thread only. ``on_silent(reason)`` is told each time
    the silent clock stands in for a device; it does so once at most, since the factory
    is dropped with it.
    """

    def __init__(
        self,
        factory: OutputFactory | None,
        silent_reason: str | None,
        on_silent: Callable[[str], None],
    ) -> None:
        self._factory = factory
        #: why there is no factory, to say once the output is first needed
        self._silent_reason = silent_reason
        self._on_silent = on_silent
        self.current: AudioOutput | None = None

    def ensure(self, sample_rate: int, volume: float) -> AudioOutput:
        """The output, made at ``sample_rate`` if there is none yet."""
        output = self.current
        if output is not None:
            return output
        if self._factory is None:
            if self._silent_reason:
                return self.use_silent_clock(self._silent_reason, sample_rate, volume)
            output = SilentClockOutput(sample_rate)
        else:
            try:
                output = self._factory(sample_rate)
            except AudioOutputError as exc:
                return self.use_silent_clock(str(exc), sample_rate, volume)
        output.set_volume(volume)
        self.current = output
        return output

    def use_silent_clock(self, reason: str, sample_rate: int, volume: float) -> AudioOutput:
        """Close the output and go on with the silent clock from now on."""
        if self.current is not None:
            self.current.close()
        self._factory = None  # from now on the silent clock, said only once
        self._silent_reason = None
        output = SilentClockOutput(sample_rate)
        output.set_volume(volume)
        self.current = output
        self._on_silent(reason)
        return output

    def stop(self) -> None:
        if self.current is not None:
            self.current.stop()

    def close(self, *, stop: bool = True) -> None:
        """Close the output (stopping it first unless told it is stopped); a later
        :meth:`ensure` makes a new one."""
        output, self.current = self.current, None
        if output is None:
            return
        try:
            if stop:
                output.stop()
        finally:
            output.close()
