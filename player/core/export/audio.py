"""A story synthesized segment by segment: each segment's PCM and each sentence's clip in it.

Every export (WAV, MP3, EPUB) reads through here, so they all sound like the window:
the same pauses (:func:`~player.core.playback.timeline.pause_after`), the second voice
for quotations and posts, and a voice per speaker of a segment (:class:`VoiceTable`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from player.core.model import BlockType, Story
from player.core.playback.timeline import pause_after
from player.core.playback.voices import VoiceTable, speaker_ranks, speaker_voices
from player.core.speech.base import SAMPLE_WIDTH, SpeechError, Synthesizer, Voice


class ExportCancelled(Exception):
    """The reader cancelled an export before it finished."""


@dataclass(frozen=True)
class Clip:
    """One sentence's place in its segment's audio (ms); ``error`` when it was left out."""

    index: int
    voice: str
    start_ms: int | None = None
    end_ms: int | None = None
    error: str = ""


@dataclass
class SegmentAudio:
    """A segment's audio: 16-bit mono PCM and the clip of each of its sentences."""

    index: int
    pcm: bytes
    sample_rate: int
    clips: list[Clip] = field(default_factory=list)

    @property
    def frames(self) -> int:
        return len(self.pcm) // SAMPLE_WIDTH

    @property
    def duration_ms(self) -> int:
        return self.frames * 1000 // self.sample_rate


def voice_table(
    story: Story,
    voices: Sequence[Voice],
    main: str,
    block_voices: Mapping[BlockType, str] | None = None,
) -> VoiceTable:
    """The voice of each sentence as the window reads it: ``block_voices`` for quotations
    and posts, and for quotations more voices of the language for later speakers."""
    types = [story.block_of(ref).type for ref in story.refs]
    table = VoiceTable(main, types, speaker_ranks(story))
    for block_type, voice in (block_voices or {}).items():
        others = speaker_voices(voices, main, voice) if block_type is BlockType.QUOTATION else []
        table.set_block_voice(block_type, voice, others)
    return table


def synthesize_segments(
    story: Story,
    synthesizer: Synthesizer,
    table: VoiceTable,
    rate: int,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Iterator[SegmentAudio]:
    """Each segment that has something to say, in story order, as it is synthesized.

    A sentence that fails to synthesize is left out of the audio and kept as a clip
    with ``error``; a segment with no audio at all is skipped. ``progress(done, total)``
    counts sentences; ``cancelled()`` is asked between sentences and raises
    :class:`ExportCancelled` when true.
    """
    sample_rate = 0
    done = 0
    for s_index in range(len(story.segments)):
        refs = [r for r in story.refs if r.segment == s_index]
        parts: list[bytes] = []
        clips: list[Clip] = []
        frames = 0
        for ref in refs:
            if cancelled is not None and cancelled():
                raise ExportCancelled
            voice = table.voice_for(ref.index)
            try:
                audio = synthesizer.synthesize(story.sentence(ref).spoken, voice, rate)
            except SpeechError as exc:
                clips.append(Clip(ref.index, voice, error=str(exc)))
                continue
            if sample_rate == 0:
                sample_rate = audio.sample_rate
            elif audio.sample_rate != sample_rate:
                raise SpeechError("the synthesizer changed its sample rate mid-export")
            start = frames * 1000 // sample_rate
            parts.append(audio.pcm)
            frames += audio.frames
            clips.append(Clip(ref.index, voice, start, frames * 1000 // sample_rate))
            if ref is not refs[-1]:
                gap = sample_rate * pause_after(story, ref.index, rate) // 1000
                parts.append(bytes(gap * SAMPLE_WIDTH))
                frames += gap
            done += 1
            if progress is not None:
                progress(done, story.sentence_count)
        if frames:
            yield SegmentAudio(s_index, b"".join(parts), sample_rate, clips)
