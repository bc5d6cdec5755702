"""Export a story as audio: a WAV per segment, an M3U playlist and a JSON timing index.

The pauses are the playback's own (:func:`~player.core.playback.timeline.pause_after`),
so an exported file sounds like the app. The JSON gives every sentence's start and
end in its segment's file, with its displayed and spoken text, so other tools can
follow along. Nothing here imports Qt.
"""

from __future__ import annotations

import json
import re
import time
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from player.core.export.audio import synthesize_segments, voice_table
from player.core.model import BlockType, Story
from player.core.speech.audiofile import write_wav
from player.core.speech.base import Synthesizer

INDEX_NAME = "timings.json"
PLAYLIST_NAME = "playlist.m3u"


@dataclass
class ExportResult:
    """What an export wrote, and how long it took."""

    directory: Path
    files: list[Path] = field(default_factory=list)
    duration_ms: int = 0
    failures: list[tuple[int, str]] = field(default_factory=list)
    elapsed_s: float = 0.0


def slug(text: str, limit: int = 40) -> str:
    """A file-name-safe, lower-case ASCII version of ``text``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return cleaned[:limit].rstrip("-") or "segment"


def export_story(
    story: Story,
    synthesizer: Synthesizer,
    out_dir: Path,
    voice: str,
    rate: int,
    progress: Callable[[int, int], None] | None = None,
    block_voices: Mapping[BlockType, str] | None = None,
) -> ExportResult:
    """Write the story's audio into ``out_dir`` (created if needed).

    ``block_voices`` reads blocks of those types (quotations, posts) in another voice,
    as the window does.

    A sentence that fails to synthesize is left out and listed in
    ``ExportResult.failures`` and in the JSON; the rest is still written.
    """
    started = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    result = ExportResult(out_dir)
    segments: list[dict[str, Any]] = []
    sentences: list[dict[str, Any]] = []
    playlist = ["#EXTM3U"]
    sample_rate = 0
    table = voice_table(story, synthesizer.voices(), voice, block_voices)
    for audio in synthesize_segments(story, synthesizer, table, rate, progress):
        segment = story.segments[audio.index]
        sample_rate = audio.sample_rate
        name = f"{len(segments) + 1:02d}-{slug(segment.title)}.wav"
        write_wav(out_dir / name, audio.pcm, sample_rate)
        for clip in audio.clips:
            ref = story.refs[clip.index]
            sentence = story.sentence(ref)
            entry: dict[str, Any] = {
                "index": ref.index,
                "segment": ref.segment,
                "block": ref.block,
                "sentence": ref.sentence,
                "display": sentence.display,
                "spoken": sentence.spoken,
                "voice": clip.voice,
                "start_ms": clip.start_ms,
                "end_ms": clip.end_ms,
            }
            if clip.error:
                result.failures.append((ref.index, clip.error))
                entry["error"] = clip.error
            else:
                entry["file"] = name
            sentences.append(entry)
        duration = audio.duration_ms
        result.files.append(out_dir / name)
        result.duration_ms += duration
        refs = [c.index for c in audio.clips]
        segments.append(
            {
                "index": audio.index,
                "title": segment.title,
                "kind": segment.kind.id,
                "file": name,
                "duration_ms": duration,
                "first_sentence": refs[0],
                "sentence_count": len(refs),
            }
        )
        playlist.append(f"#EXTINF:{round(duration / 1000)},{segment.title}")
        playlist.append(name)
    (out_dir / PLAYLIST_NAME).write_text("\n".join(playlist) + "\n", encoding="utf-8")
    index = {
        "title": story.meta.title,
        "language": story.meta.language,
        "engine": synthesizer.name,
        "voice": voice,
        "block_voices": {kind.value: v for kind, v in (block_voices or {}).items()},
        "rate_wpm": rate,
        "sample_rate": sample_rate,
        "duration_ms": result.duration_ms,
        "segments": segments,
        "sentences": sentences,
    }
    (out_dir / INDEX_NAME).write_text(
        json.dumps(index, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    result.files += [out_dir / PLAYLIST_NAME, out_dir / INDEX_NAME]
    result.elapsed_s = time.perf_counter() - started
    return result
