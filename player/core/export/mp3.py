"""MP3 encoding with LAME (through lameenc), with a LAME "Info" tag so players trim the
encoder's delay and padding: gapless decoders then give back exactly the PCM's length,
and chapter times stay on the sentence.

lameenc writes no Info frame of its own (it streams; LAME's tag needs the whole file),
so :func:`encode_mp3` prepends one, built as LAME builds it for constant bit rate.
"""

from __future__ import annotations

import struct

import lameenc

#: speech in mono: 64 kbit/s keeps voices clear at a fraction of a WAV's size
BITRATE_KBPS = 64
#: LAME's own delay before the first sample (its ENCDELAY); decoders add 529 of their own
ENCODER_DELAY = 576
_LAME_VERSION = b"LAME3.100"


def _crc16(data: bytes, crc: int = 0) -> int:
    """The CRC-16 (polynomial 0x8005, reflected) that LAME puts in its tag."""
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


_BITRATES = {  # kbit/s by index, MPEG-1 and MPEG-2/2.5 Layer III
    1: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    2: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


def _frame_info(header: bytes) -> tuple[int, int, int]:
    """(frame length in bytes without padding, samples per frame, side info size) of a
    Layer III frame header."""
    version = (header[1] >> 3) & 3  # 3 MPEG-1, 2 MPEG-2, 0 MPEG-2.5
    bitrate = _BITRATES[1 if version == 3 else 2][header[2] >> 4] * 1000
    rate = _RATES[version][(header[2] >> 2) & 3]
    mono = (header[3] >> 6) == 3
    if version == 3:
        return 144 * bitrate // rate, 1152, 17 if mono else 32
    return 72 * bitrate // rate, 576, 9 if mono else 17


def _info_frame(first: bytes, frames: int, audio_bytes: int, samples: int) -> bytes:
    """A LAME Info frame for a constant-bit-rate stream whose first frame header is
    ``first``: ``frames`` audio frames, ``audio_bytes`` long, of ``samples`` real samples."""
    header = bytes([first[0], first[1] | 1, first[2] & ~2 & 0xFF, first[3]])  # no CRC, no pad
    length, per_frame, side = _frame_info(header)
    padding = frames * per_frame - ENCODER_DELAY - samples
    toc = bytes(min(255, i * 256 // 100) for i in range(100))
    xing = b"Info" + struct.pack(">III", 0x0F, frames, audio_bytes + length) + toc
    xing += struct.pack(">I", 0)  # quality: unknown
    lame = _LAME_VERSION + bytes([0x00, 0x00])  # revision 0, CBR; lowpass unknown
    lame += bytes(8)  # peak and gains: not measured
    lame += bytes([0x00, BITRATE_KBPS])  # flags, ATH; bitrate
    lame += struct.pack(">I", (ENCODER_DELAY << 12 | max(padding, 0)) << 8)[:3]
    lame += bytes(4)  # misc, gain, preset
    lame += struct.pack(">I", audio_bytes + length) + struct.pack(">H", 0)  # length, music CRC
    body = header + bytes(side) + xing + lame
    # the tag's own CRC covers the frame up to it, as LAME computes it
    return body + struct.pack(">H", _crc16(body)) + bytes(length - len(body) - 2)


def encode_mp3(pcm: bytes, sample_rate: int, bitrate_kbps: int = BITRATE_KBPS) -> bytes:
    """16-bit mono PCM as a constant-bit-rate MP3 with a LAME Info tag."""
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(bitrate_kbps)
    encoder.set_in_sample_rate(sample_rate)
    encoder.set_channels(1)
    encoder.set_quality(2)
    data = bytes(encoder.encode(pcm)) + bytes(encoder.flush())
    if len(data) < 4 or data[0] != 0xFF:
        return data
    frames = _count_frames(data)
    return _info_frame(data[:4], frames, len(data), len(pcm) // 2) + data


def _count_frames(data: bytes) -> int:
    """How many frames an MP3 stream has, walking frame headers (padding included)."""
    count = offset = 0
    while offset + 4 <= len(data) and data[offset] == 0xFF:
        length, _, _ = _frame_info(data[offset : offset + 4])
        offset += length + ((data[offset + 2] >> 1) & 1)
        count += 1
    return count
