"""The Qt audio output: a QAudioSink pulling PCM from the playback core's stream.

A layer of its own between the platform services and the window: the window plays
through it, and so does ``story-player say``, which needs QtCore and QtMultimedia
but no widgets.

QAudioSink must live on a thread running a Qt event loop, and the core calls
its output from a plain Python thread, so each :class:`QtAudioOutput` owns a
QThread; calls are carried to it by queued signals and, where the core needs
the outcome (open, start, close), confirmed through a ``threading.Event``.

Pull mode: the sink reads from :class:`_StreamDevice`, a sequential QIODevice
over the core's thread-safe :class:`~player.core.playback.stream.PcmStream`.
Qt only reads what ``bytesAvailable`` says is there, so an empty stream is an
underrun, not invented silence, and played frames keep mapping to sentences.

``processedUSecs`` is the clock. It stops advancing short of the end once the
sink goes idle, so "idle with the stream drained" counts as everything played.
Call :func:`install` once a Q(Core)Application exists to make this the default
output of :func:`player.core.playback.create_playback`.

Every output follows :data:`ROUTE`: the device the reader chose (resolved on the
audio thread when the sink opens, the system default when it is not connected)
and the administrator's volume cap. Changing the route moves live sinks to the
new device in place: the stream goes on from where it was, so the reading
position is kept (at most one buffer, :data:`DEFAULT_BUFFER_MS`, is not heard).
"""

from __future__ import annotations

import logging
import threading
import weakref
from typing import Any

from PySide6.QtCore import QCoreApplication, QIODevice, QObject, Qt, QThread, QTimer, Signal, Slot
from PySide6.QtMultimedia import QAudioDevice, QAudioFormat, QAudioSink, QMediaDevices, QtAudio

from player.core.audiodevice import DeviceChoice, DeviceInfo, capped, find_device, id_text
from player.core.playback.output import AudioOutput, AudioOutputError, set_default_output_factory
from player.core.playback.stream import PcmStream, Piece
from player.platform.audiobackend import choose_audio_backend

log = logging.getLogger(__name__)

# Qt picks its audio backend at the first device list or sink, which only this module's
# users make; importing QtMultimedia does not pick it yet.
choose_audio_backend()

DEFAULT_BUFFER_MS = 100
_CALL_TIMEOUT_S = 3.0
_POLL_MS = 5
#: the silence played once by ``prime``: long enough for the server to take a period
_PRIME_SILENCE_MS = 10


class _StreamDevice(QIODevice):
    """A read-only, sequential QIODevice over a PcmStream."""

    def __init__(self, stream: PcmStream) -> None:
        super().__init__()
        self.stream = stream

    def readData(self, maxlen: int) -> bytes:
        return self.stream.read(maxlen)

    def writeData(self, data: Any, len: int) -> int:
        return -1

    def bytesAvailable(self) -> int:
        return self.stream.available_bytes + super().bytesAvailable()

    def isSequential(self) -> bool:
        return True


def device_infos(devices: list[QAudioDevice]) -> list[DeviceInfo]:
    """Qt's devices as the core's plain records."""
    return [DeviceInfo(id_text(bytes(d.id().data())), d.description()) for d in devices]


def resolve(choice: DeviceChoice) -> QAudioDevice | None:
    """The connected device ``choice`` means, or None for the system's default."""
    devices = QMediaDevices.audioOutputs()
    index = find_device(choice, device_infos(devices))
    return None if index is None else devices[index]


class AudioRoute:
    """The chosen device and the volume cap that every Qt output follows.

    Set from the GUI thread; read by the audio threads under a lock. Live outputs
    register here (weakly) and are told of each change.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._choice = DeviceChoice()
        self._cap = 1.0
        self._outputs: weakref.WeakSet[QtAudioOutput] = weakref.WeakSet()

    @property
    def choice(self) -> DeviceChoice:
        with self._lock:
            return self._choice

    @property
    def cap(self) -> float:
        with self._lock:
            return self._cap

    def register(self, output: QtAudioOutput) -> None:
        with self._lock:
            self._outputs.add(output)

    def _live(self) -> list[QtAudioOutput]:
        with self._lock:
            return list(self._outputs)

    def set_choice(self, choice: DeviceChoice) -> None:
        """Play through ``choice`` from now on, moving live sinks to it."""
        with self._lock:
            self._choice = choice
        self.refresh()

    def refresh(self, *, reopen: bool = False) -> None:
        """Devices came or went: each live sink moves to the device the choice now means.

        ``reopen`` opens the sink again even on the device it names already: PulseAudio
        moves a stream whose sink went away to the default one, and Qt 6.12 neither says
        the sink went nor that the stream moved, so when the device is back only a new
        sink is sure to be on it.
        """
        for output in self._live():
            output.follow_route(reopen=reopen)

    def set_cap(self, cap: float) -> None:
        """The loudest volume any output may play at (0.0..1.0), applied to live sinks."""
        with self._lock:
            self._cap = capped(cap, 1.0)
        for output in self._live():
            output.apply_cap()


#: The route of this process's outputs (one app, one reader's choice).
ROUTE = AudioRoute()


class _SinkHost(QObject):
    """Lives on the audio thread and owns the sink; slots run there."""

    open_requested = Signal(object)
    start_requested = Signal(object, object)
    pause_requested = Signal()
    resume_requested = Signal()
    stop_requested = Signal(object)
    volume_requested = Signal(float)
    route_changed = Signal(object, bool)
    cap_changed = Signal()
    close_requested = Signal(object)

    def __init__(self, sample_rate: int, buffer_bytes: int, route: AudioRoute) -> None:
        super().__init__()
        self.sample_rate = sample_rate
        self.buffer_bytes = buffer_bytes
        self.route = route
        self.sink: QAudioSink | None = None
        self.device: _StreamDevice | None = None
        self.stream: PcmStream | None = None
        self.timer: QTimer | None = None
        self.volume = 1.0
        #: the device the sink plays through, as Qt names it
        self.device_id = b""
        #: time heard on sinks this stream played through before a device switch
        self.base_us = 0
        #: audio the last device switch left unheard (the old sink's buffer), for measuring
        self.skipped_us = 0
        # read by the core's thread: plain attributes, replaced whole under the GIL
        self.processed_us = 0
        self.device_name = ""
        self.idle = False
        self.error: str | None = None
        queued = Qt.ConnectionType.QueuedConnection
        self.open_requested.connect(self._open, queued)
        self.start_requested.connect(self._start, queued)
        self.pause_requested.connect(self._pause, queued)
        self.resume_requested.connect(self._resume, queued)
        self.stop_requested.connect(self._stop, queued)
        self.volume_requested.connect(self._set_volume, queued)
        self.route_changed.connect(self._follow_route, queued)
        self.cap_changed.connect(self._apply_volume, queued)
        self.close_requested.connect(self._close, queued)

    def _format(self) -> QAudioFormat:
        fmt = QAudioFormat()
        fmt.setSampleRate(self.sample_rate)
        fmt.setChannelCount(1)
        fmt.setSampleFormat(QAudioFormat.SampleFormat.Int16)
        return fmt

    def _target(self) -> QAudioDevice:
        return resolve(self.route.choice) or QMediaDevices.defaultAudioOutput()

    def _new_sink(self, device: QAudioDevice) -> QAudioSink:
        sink = QAudioSink(device, self._format())
        sink.setBufferSize(self.buffer_bytes)
        self.sink = sink
        self.device_id = bytes(device.id().data())
        self.device_name = device.description()
        self._apply_volume()
        return sink

    @Slot(object)
    def _open(self, reply: _Reply) -> None:
        try:
            if not QMediaDevices.audioOutputs():
                reply.fail("no audio device was found")
                return
            device = self._target()
            if not device.isFormatSupported(self._format()):
                reply.fail(f"{device.description()} cannot play {self.sample_rate} Hz mono")
                return
            self._new_sink(device)
            self.timer = QTimer()
            self.timer.setInterval(_POLL_MS)
            self.timer.timeout.connect(self._poll)
            log.info("audio output: %s", device.description())
            reply.ok(device.description())
        except Exception as exc:  # any failure of the device is reported to the caller
            log.exception("the audio device could not be opened")
            reply.fail(f"the audio device could not be opened: {exc}")

    @Slot(object, object)
    def _start(self, stream: PcmStream, reply: _Reply) -> None:
        sink = self.sink
        if sink is None:
            reply.fail("the audio output is closed")
            return
        sink.stop()
        self.stream = stream
        self.base_us = 0
        self.processed_us = 0
        self.idle = False
        self.error = None
        self._play(sink, stream)
        if sink.error() not in (QtAudio.Error.NoError, QtAudio.Error.UnderrunError):
            reply.fail(f"the audio device failed to start ({sink.error().name})")
            return
        assert self.timer is not None
        self.timer.start()
        reply.ok(None)

    def _play(self, sink: QAudioSink, stream: PcmStream) -> None:
        if self.device is not None:
            self.device.close()
        self.device = _StreamDevice(stream)
        # unbuffered: a read-ahead buffer in QIODevice would blur which frames were handed over
        self.device.open(QIODevice.OpenModeFlag.ReadOnly | QIODevice.OpenModeFlag.Unbuffered)
        sink.start(self.device)

    @Slot(object, bool)
    def _follow_route(self, reply: _Reply | None, reopen: bool) -> None:
        """Move to the device the route now means, if that is another one (or ``reopen``);
        the stream carries on from the frame it had reached."""
        old = self.sink
        if old is None:
            if reply is not None:
                reply.ok(None)
            return
        target = self._target()
        if bytes(target.id().data()) == self.device_id and not reopen:
            if reply is not None:
                reply.ok(self.device_name)
            return
        if not target.isFormatSupported(self._format()):
            log.warning("%s cannot play %d Hz mono", target.description(), self.sample_rate)
            if reply is not None:
                reply.fail(f"{target.description()} cannot play {self.sample_rate} Hz mono")
            return
        stream = self.stream if self.device is not None else None
        suspended = old.state() == QtAudio.State.SuspendedState
        heard_us = self.base_us + old.processedUSecs()
        old.stop()
        if self.device is not None:
            self.device.close()
            self.device = None
        if stream is not None:
            # Frames the old sink took but never played are skipped, not replayed: the
            # clock counts them as heard so it keeps matching the stream.
            self.base_us = stream.frames_read * 1_000_000 // self.sample_rate
            self.processed_us = self.base_us
            self.skipped_us = max(0, self.base_us - heard_us)
        sink = self._new_sink(target)
        log.info("audio output: %s", target.description())
        if stream is not None:
            self._play(sink, stream)
            if suspended:
                sink.suspend()
        if reply is not None:
            reply.ok(self.device_name)

    @Slot()
    def _poll(self) -> None:
        sink = self.sink
        if sink is None:
            return
        self.processed_us = self.base_us + sink.processedUSecs()
        state = sink.state()
        self.idle = state == QtAudio.State.IdleState
        error = sink.error()
        if error in (QtAudio.Error.OpenError, QtAudio.Error.IOError, QtAudio.Error.FatalError):
            self.error = f"the audio device stopped working ({error.name})"

    @Slot()
    def _pause(self) -> None:
        if self.sink is not None:
            self.sink.suspend()

    @Slot()
    def _resume(self) -> None:
        if self.sink is not None:
            self.sink.resume()

    @Slot(object)
    def _stop(self, reply: _Reply | None) -> None:
        if self.timer is not None:
            self.timer.stop()
        if self.sink is not None:
            self.sink.stop()
        if self.device is not None:
            self.device.close()
            self.device = None
        if reply is not None:
            reply.ok(None)

    @Slot(float)
    def _set_volume(self, volume: float) -> None:
        self.volume = volume
        self._apply_volume()

    @Slot()
    def _apply_volume(self) -> None:
        if self.sink is not None:
            # a slider feels even on a logarithmic scale; the sink wants linear gain
            self.sink.setVolume(
                QtAudio.convertVolume(
                    capped(self.volume, self.route.cap),
                    QtAudio.VolumeScale.LogarithmicVolumeScale,
                    QtAudio.VolumeScale.LinearVolumeScale,
                )
            )

    @Slot(object)
    def _close(self, reply: _Reply) -> None:
        self._stop(None)
        # drop the Qt objects here, on their own thread, before it ends
        self.timer = None
        self.sink = None
        reply.ok(None)
        thread = QThread.currentThread()
        thread.quit()


class _Reply:
    """A one-shot answer from the audio thread."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self.error: str | None = None
        self.value: object = None

    def ok(self, value: object) -> None:
        self.value = value
        self.event.set()

    def fail(self, error: str) -> None:
        self.error = error
        self.event.set()

    def wait(self, what: str) -> object:
        if not self.event.wait(_CALL_TIMEOUT_S):
            raise AudioOutputError(f"the audio thread did not answer ({what})")
        if self.error is not None:
            raise AudioOutputError(self.error)
        return self.value


class QtAudioOutput(AudioOutput):
    """A QAudioSink on its own QThread. Raises AudioOutputError when there is no device."""

    name = "Qt audio"

    def __init__(
        self, sample_rate: int, buffer_ms: int = DEFAULT_BUFFER_MS, route: AudioRoute | None = None
    ) -> None:
        if QCoreApplication.instance() is None:
            raise AudioOutputError("Qt audio needs a QCoreApplication")
        self.sample_rate = sample_rate
        self.buffer_bytes = max(sample_rate * buffer_ms // 1000 * 2, 512)
        self._stream: PcmStream | None = None
        self._closed = False
        #: whether ``prime`` has run (the window's tests look)
        self.primed = False
        self._thread = QThread()
        self._thread.setObjectName("audio-output")
        self._route = route or ROUTE
        self._host = _SinkHost(sample_rate, self.buffer_bytes, self._route)
        self._host.moveToThread(self._thread)
        self._thread.start()
        reply = _Reply()
        self._host.open_requested.emit(reply)
        try:
            self.device_name = str(reply.wait("open"))
        except AudioOutputError:
            self.close()
            raise
        self._route.register(self)

    def follow_route(self, *, reopen: bool = False) -> None:
        """Move to the device the route now means (queued to the audio thread)."""
        if not self._closed:
            self._host.route_changed.emit(None, reopen)

    def apply_cap(self) -> None:
        """Apply the route's volume cap to the sink now."""
        if not self._closed:
            self._host.cap_changed.emit()

    @property
    def current_device(self) -> str:
        """The name of the device the sink plays through now."""
        return self._host.device_name

    def start(self, stream: PcmStream) -> None:
        if stream.sample_rate != self.sample_rate:
            raise AudioOutputError(f"the output was opened for {self.sample_rate} Hz")
        self._stream = stream
        reply = _Reply()
        self._host.start_requested.emit(stream, reply)
        reply.wait("start")

    def prime(self) -> None:
        """Open the server's stream once, on a moment of silence, then close it: the
        first stream of a session otherwise pays for the connection when Play is pressed."""
        stream = PcmStream(self.sample_rate)
        stream.write_silence(_PRIME_SILENCE_MS, Piece(0, 0, pause=True))
        stream.finish()
        self.start(stream)
        self.stop()
        self.primed = True

    def pause(self) -> None:
        self._host.pause_requested.emit()

    def resume(self) -> None:
        self._host.resume_requested.emit()

    def stop(self) -> None:
        if self._closed:
            return
        self._stream = None
        reply = _Reply()
        self._host.stop_requested.emit(reply)
        reply.wait("stop")

    def set_volume(self, volume: float) -> None:
        self._host.volume_requested.emit(float(volume))

    def frames_played(self) -> int:
        stream = self._stream
        if stream is None:
            return 0
        handed = stream.frames_read
        if self._host.idle and stream.drained:
            return handed
        return min(self._host.processed_us * self.sample_rate // 1_000_000, handed)

    def failure(self) -> str | None:
        return self._host.error

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._stream = None
        if self._thread.isRunning():
            reply = _Reply()
            self._host.close_requested.emit(reply)
            reply.event.wait(_CALL_TIMEOUT_S)
            if not self._thread.wait(int(_CALL_TIMEOUT_S * 1000)):
                self._thread.quit()
                self._thread.wait(int(_CALL_TIMEOUT_S * 1000))


def qt_output_factory(sample_rate: int) -> AudioOutput:
    """An :data:`~player.core.playback.output.OutputFactory` making Qt outputs."""
    return QtAudioOutput(sample_rate)


def install() -> None:
    """Make Qt audio the default output of ``create_playback``."""
    set_default_output_factory(qt_output_factory)
