"""Reading WAV/AIFF files and the pyttsx3 file backend (SAPI5/NSSS path, run here with espeak)."""

from __future__ import annotations

import array
import io
import math
import shutil
import struct
import sys
import wave
from pathlib import Path

import pytest

from player.core.speech import SpeechError
from player.core.speech.audiofile import read_aiff, read_audio_file, read_wav, write_wav
from player.core.speech.pyttsx3_files import Pyttsx3FileSynthesizer, estimate_words
from tests.support import Closer

SAMPLES = [0, 1000, -1000, 32767, -32768, 12345]


def le16(values: list[int]) -> bytes:
    data = array.array("h", values)
    if sys.byteorder == "big":
        data.byteswap()
    return data.tobytes()


def extended(value: float) -> bytes:
    """An 80-bit IEEE extended float, as AIFF stores its sample rate."""
    mantissa, exponent = math.frexp(value)
    return struct.pack(">HQ", exponent + 16382, int(mantissa * (1 << 64)))


def aiff(body: bytes, *, channels: int = 1, bits: int = 16, kind: bytes | None = None) -> bytes:
    frames = len(body) // (channels * bits // 8)
    comm = struct.pack(">hIh", channels, frames, bits) + extended(22050.0)
    if kind is not None:
        comm += kind + b"\x00\x00"  # compression type and an empty name
    chunks = b"COMM" + struct.pack(">I", len(comm)) + comm
    ssnd = struct.pack(">II", 0, 0) + body
    chunks += b"SSND" + struct.pack(">I", len(ssnd)) + ssnd
    form = b"AIFC" if kind is not None else b"AIFF"
    return b"FORM" + struct.pack(">I", len(chunks) + 4) + form + chunks


def test_aiff_big_endian() -> None:
    body = struct.pack(f">{len(SAMPLES)}h", *SAMPLES)
    pcm, rate = read_aiff(aiff(body))
    assert rate == 22050 and pcm == le16(SAMPLES)


def test_aifc_sowt_and_stereo() -> None:
    stereo = struct.pack("<4h", 100, 300, -100, -300)
    pcm, _ = read_aiff(aiff(stereo, channels=2, kind=b"sowt"))
    assert pcm == le16([200, -200])


def test_aifc_float() -> None:
    body = struct.pack(">2f", 0.5, -0.5)
    pcm, _ = read_aiff(aiff(body, bits=32, kind=b"fl32"))
    assert pcm == le16([16383, -16383])


def test_aiff_rejects_nonsense() -> None:
    with pytest.raises(SpeechError):
        read_aiff(b"FORM\0\0\0\4AIFF")
    with pytest.raises(SpeechError):
        read_aiff(aiff(b"\0\0", kind=b"ulaw"))


def test_wav_round_trip_and_conversion(tmp_path: Path) -> None:
    path = tmp_path / "a.wav"
    write_wav(path, le16(SAMPLES), 16000)
    assert read_audio_file(path) == (le16(SAMPLES), 16000)
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(2)
        wav.setsampwidth(1)
        wav.setframerate(8000)
        wav.writeframes(bytes([128, 128, 255, 255]))
    pcm, rate = read_wav(buffer.getvalue())
    assert rate == 8000 and pcm == le16([0, 127 << 8])


def test_estimated_words_spread_over_the_voiced_part() -> None:
    silence, tone = [0] * 2205, [8000, -8000] * 11025
    pcm = le16(silence + tone + silence)
    marks = estimate_words("one two three", pcm, 22050)
    assert [m.offset for m in marks] == [0, 4, 8]
    assert 90 <= marks[0].start_ms <= 110 and marks[1].start_ms < marks[2].start_ms < 1100


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="needs the system espeak-ng")
def test_pyttsx3_file_backend_with_the_espeak_driver(closing: Closer) -> None:
    synth = closing(Pyttsx3FileSynthesizer("espeak"))
    voices = {v.id: v for v in synth.voices()}
    assert "gmw/en" in voices
    slow = synth.synthesize("This is a file backend test.", "gmw/en", 120)
    fast = synth.synthesize("This is a file backend test.", "gmw/en", 350)
    assert slow.sample_rate == 22050 and len(slow.words) == 6
    assert fast.duration_ms < slow.duration_ms * 0.6  # the rate was not lost
    synth.close()  # what is tested here: the helper process ends
    assert synth._proc is None
