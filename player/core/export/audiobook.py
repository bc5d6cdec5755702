"""A story as an audiobook: an MP3 per segment with ID3 tags and an M3U playlist, or one
MP3 with a chapter per segment, for podcast and audiobook apps."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable
from pathlib import Path

from player.core.export.audio import SegmentAudio, synthesize_segments
from player.core.export.files import temp_beside, write_atomic
from player.core.export.mp3 import encode_mp3
from player.core.export.tags import Chapter, tag_book, tag_segment
from player.core.model import Story
from player.core.playback.timeline import SEGMENT_PAUSE_MS, scaled_pause
from player.core.playback.voices import VoiceTable
from player.core.speech.base import SAMPLE_WIDTH, Synthesizer
from player.core.speech.export import PLAYLIST_NAME, ExportResult, slug


def segment_file_name(number: int, title: str, extension: str) -> str:
    """The file name of the ``number``-th (1-based) segment's audio."""
    return f"{number:02d}-{slug(title)}.{extension}"


def export_mp3(
    story: Story,
    synthesizer: Synthesizer,
    out_dir: Path,
    table: VoiceTable,
    rate: int,
    *,
    single_file: bool = False,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ExportResult:
    """Write the story as MP3 into ``out_dir`` (created if needed)."""
    started = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    result = ExportResult(out_dir)
    segments = list(synthesize_segments(story, synthesizer, table, rate, progress, cancelled))
    for audio in segments:
        result.failures += [(c.index, c.error) for c in audio.clips if c.error]
    if single_file:
        _write_book(story, segments, out_dir, rate, result)
    else:
        _write_segments(story, segments, out_dir, result)
    result.elapsed_s = time.perf_counter() - started
    return result


def _write_segments(
    story: Story, segments: list[SegmentAudio], out_dir: Path, result: ExportResult
) -> None:
    playlist = ["#EXTM3U"]
    for number, audio in enumerate(segments, start=1):
        title = story.segments[audio.index].title
        path = out_dir / segment_file_name(number, title, "mp3")
        temp = temp_beside(path)
        try:
            temp.write_bytes(encode_mp3(audio.pcm, audio.sample_rate))
            tag_segment(temp, story.meta, title, number, len(segments))
            os.replace(temp, path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                temp.unlink()
        result.files.append(path)
        result.duration_ms += audio.duration_ms
        playlist.append(f"#EXTINF:{round(audio.duration_ms / 1000)},{title}")
        playlist.append(path.name)
    write_atomic(out_dir / PLAYLIST_NAME, ("\n".join(playlist) + "\n").encode("utf-8"))
    result.files.append(out_dir / PLAYLIST_NAME)


def book_chapters(
    story: Story, segments: list[SegmentAudio], rate: int
) -> tuple[bytes, list[Chapter]]:
    """The segments joined with the window's pause between segments, and a chapter per
    segment from its first sample to the next chapter's (the last: to the end)."""
    if not segments:
        return b"", []
    sample_rate = segments[0].sample_rate
    gap = bytes(sample_rate * scaled_pause(SEGMENT_PAUSE_MS, rate) // 1000 * SAMPLE_WIDTH)
    parts: list[bytes] = []
    starts: list[int] = []
    frames = 0
    for n, audio in enumerate(segments):
        if n:
            parts.append(gap)
            frames += len(gap) // SAMPLE_WIDTH
        starts.append(frames)
        parts.append(audio.pcm)
        frames += audio.frames
    ms = [f * 1000 // sample_rate for f in [*starts, frames]]
    chapters = [
        Chapter(story.segments[a.index].title, ms[n], ms[n + 1]) for n, a in enumerate(segments)
    ]
    return b"".join(parts), chapters


def _write_book(
    story: Story, segments: list[SegmentAudio], out_dir: Path, rate: int, result: ExportResult
) -> None:
    pcm, chapters = book_chapters(story, segments, rate)
    path = out_dir / f"{slug(story.meta.title, 60)}.mp3"
    temp = temp_beside(path)
    try:
        if segments:
            temp.write_bytes(encode_mp3(pcm, segments[0].sample_rate))
        tag_book(temp, story.meta, chapters)
        os.replace(temp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
    result.files.append(path)
    result.duration_ms = chapters[-1].end_ms if chapters else 0
