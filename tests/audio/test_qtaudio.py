"""The Qt audio output: the stream device, the sink thread, and playback through it.

Runs with or without a sound server: without one the output must refuse to open
and the playback must fall back to the silent clock, saying so.
"""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import QIODevice
from PySide6.QtWidgets import QApplication

from player.core.playback import AudioOutputError, PcmStream, PlaybackSettings, create_playback
from player.core.playback.stream import Piece
from player.core.speech import FakeSynthesizer
from player.qtaudio import QtAudioOutput, _StreamDevice, qt_output_factory
from tests.core.speech.speechkit import Recorder, make_story
from tests.support import Closer


def has_device() -> bool:
    try:
        QtAudioOutput(16000).close()
    except AudioOutputError:
        return False
    return True


def test_stream_device_reads_what_the_core_wrote(qapp: QApplication, closing: Closer) -> None:
    stream = PcmStream(16000)
    device = closing(_StreamDevice(stream))
    device.open(QIODevice.OpenModeFlag.ReadOnly | QIODevice.OpenModeFlag.Unbuffered)
    assert device.isSequential() and device.bytesAvailable() == 0
    stream.write(b"\1\0" * 100, Piece(0))
    assert device.bytesAvailable() == 200
    assert bytes(device.read(64).data()) == b"\1\0" * 32
    assert stream.frames_read == 32


def test_output_opens_or_refuses_cleanly(qapp: QApplication, closing: Closer) -> None:
    before = threading.active_count()
    try:
        output = closing(QtAudioOutput(16000))
    except AudioOutputError as exc:
        assert "device" in str(exc)
    else:
        stream = PcmStream(16000)
        stream.write(b"\0\0" * 8000, Piece(0))
        stream.finish()
        output.start(stream)
        deadline = time.monotonic() + 5
        while output.frames_played() < 8000 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert output.frames_played() == 8000
        output.stop()
        output.close()  # what is tested here: the sink thread ends
        assert not output._thread.isRunning()
    assert threading.active_count() <= before


def test_playback_through_qt_or_the_silent_clock(qapp: QApplication, closing: Closer) -> None:
    device = has_device()
    recorder = Recorder()
    playback = closing(
        create_playback(
            make_story([["One two three.", "Four five."]]),
            qt_output_factory,
            synthesizer=FakeSynthesizer(),
            settings=PlaybackSettings(rate=450),
            listeners=(recorder,),
        )
    )
    playback.play()
    assert recorder.wait_for(recorder.finished, 15)
    words = [(p.sentence, p.word) for p in recorder.positions() if p.word is not None]
    assert words[0] == (0, 0) and words[-1] == (1, 1)
    silent = [m for m in recorder.messages() if "No sound output" in m[0]]
    assert len(silent) == (0 if device else 1)


@pytest.mark.parametrize("rate", [22050])
def test_output_refuses_a_stream_of_another_rate(
    qapp: QApplication, rate: int, closing: Closer
) -> None:
    try:
        output = closing(QtAudioOutput(rate))
    except AudioOutputError:
        pytest.skip("no audio device")
    with pytest.raises(AudioOutputError):
        output.start(PcmStream(16000))


def test_a_primed_output_plays_its_first_stream_from_the_start(
    qapp: QApplication, closing: Closer
) -> None:
    """Priming opens the server's stream on silence and closes it: what follows is a
    stream like any other, counted from its own first frame."""
    try:
        output = closing(QtAudioOutput(16000))
    except AudioOutputError:
        pytest.skip("no audio device")
    output.prime()
    assert output.primed
    assert output._host.sink is not None and output.frames_played() == 0
    stream = PcmStream(16000)
    stream.write(b"\1\0" * 4000, Piece(0))
    stream.finish()
    output.start(stream)
    deadline = time.monotonic() + 5
    while output.frames_played() < 4000 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert output.frames_played() == 4000
