"""Reading the WAV and AIFF files that SAPI5 and NSSS write, into 16-bit mono PCM.

macOS's NSSS writes AIFF and Python 3.13 dropped the ``aifc`` module, so AIFF
(and AIFF-C with ``NONE``/``twos``/``sowt``/``fl32``) is parsed here. WAV goes
through :mod:`wave`. Everything is converted to signed 16-bit little-endian mono.
"""

from __future__ import annotations

import array
import io
import math
import struct
import sys
import wave
from pathlib import Path
from typing import Literal

from player.core.speech.base import SpeechError


def _extended_to_float(data: bytes) -> float:
    """An IEEE 754 80-bit extended float (AIFF's sample rate) to a Python float."""
    exponent, mantissa = struct.unpack(">HQ", data[:10])
    sign = -1.0 if exponent & 0x8000 else 1.0
    exponent &= 0x7FFF
    if exponent == 0 and mantissa == 0:
        return 0.0
    return sign * math.ldexp(float(mantissa), exponent - 16383 - 63)


def to_mono16(
    raw: bytes, width: int, channels: int, *, big_endian: bool, is_float: bool = False
) -> bytes:
    """Signed PCM (8-bit unsigned in WAV is handled by the caller) or float to 16-bit mono."""
    if is_float:
        if width != 4:
            raise SpeechError(f"unsupported float width {width}")
        floats = array.array("f", raw[: len(raw) // 4 * 4])
        if big_endian != (sys.byteorder == "big"):
            floats.byteswap()
        values: list[int] = [max(-32768, min(32767, int(f * 32767))) for f in floats]
    elif width == 2:
        ints = array.array("h", raw[: len(raw) // 2 * 2])
        if big_endian != (sys.byteorder == "big"):
            ints.byteswap()
        values = ints.tolist()
    elif width in (1, 3, 4):
        order: Literal["big", "little"] = "big" if big_endian else "little"
        values = [
            int.from_bytes(raw[i : i + width], order, signed=True) >> (8 * (width - 2))
            if width > 2
            else int.from_bytes(raw[i : i + 1], order, signed=True) << 8
            for i in range(0, len(raw) - width + 1, width)
        ]
    else:
        raise SpeechError(f"unsupported sample width {width}")
    if channels > 1:
        values = [
            sum(values[i : i + channels]) // channels
            for i in range(0, len(values) - channels + 1, channels)
        ]
    out = array.array("h", values)
    if sys.byteorder == "big":
        out.byteswap()
    return out.tobytes()


def read_aiff(data: bytes) -> tuple[bytes, int]:
    """(16-bit mono PCM, sample rate) from AIFF or AIFF-C bytes."""
    if len(data) < 12 or data[:4] != b"FORM" or data[8:12] not in (b"AIFF", b"AIFC"):
        raise SpeechError("not an AIFF file")
    compressed = data[8:12] == b"AIFC"
    pos = 12
    channels = width = 0
    rate = 0.0
    kind = b"NONE"
    sound: bytes | None = None
    while pos + 8 <= len(data):
        chunk_id = data[pos : pos + 4]
        (size,) = struct.unpack(">I", data[pos + 4 : pos + 8])
        body = data[pos + 8 : pos + 8 + size]
        if chunk_id == b"COMM":
            channels, _frames, bits = struct.unpack(">hIh", body[:8])
            rate = _extended_to_float(body[8:18])
            width = (bits + 7) // 8
            if compressed and len(body) >= 22:
                kind = body[18:22]
        elif chunk_id == b"SSND":
            (offset,) = struct.unpack(">I", body[:4])
            sound = body[8 + offset :]
        pos += 8 + size + (size & 1)  # chunks are padded to even sizes
    if sound is None or not channels or not width or rate <= 0:
        raise SpeechError("AIFF file without sound or format")
    if kind in (b"NONE", b"twos"):
        pcm = to_mono16(sound, width, channels, big_endian=True)
    elif kind == b"sowt":
        pcm = to_mono16(sound, width, channels, big_endian=False)
    elif kind in (b"fl32", b"FL32"):
        pcm = to_mono16(sound, 4, channels, big_endian=True, is_float=True)
    else:
        raise SpeechError(f"unsupported AIFF-C compression {kind!r}")
    return pcm, round(rate)


def read_wav(data: bytes) -> tuple[bytes, int]:
    """(16-bit mono PCM, sample rate) from WAV bytes (integer PCM)."""
    try:
        with wave.open(io.BytesIO(data), "rb") as wav:
            width, channels, rate = wav.getsampwidth(), wav.getnchannels(), wav.getframerate()
            raw = wav.readframes(wav.getnframes())
    except (wave.Error, EOFError, struct.error) as exc:
        raise SpeechError(f"unreadable WAV file: {exc}") from exc
    if width == 1:  # 8-bit WAV is unsigned
        raw = bytes((b - 128) & 0xFF for b in raw)
    return to_mono16(raw, width, channels, big_endian=False), rate


def read_audio_file(path: Path) -> tuple[bytes, int]:
    """Read a WAV or AIFF file by its content, whatever its name says."""
    data = path.read_bytes()
    if data[:4] == b"FORM":
        return read_aiff(data)
    if data[:4] == b"RIFF":
        return read_wav(data)
    raise SpeechError(f"{path.name}: neither WAV nor AIFF")


def write_wav(path: Path, pcm: bytes, sample_rate: int) -> None:
    """Write 16-bit mono PCM as a WAV file."""
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(sample_rate)
        wav.writeframes(pcm)
