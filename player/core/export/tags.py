"""ID3 tags for exported MP3s (through mutagen): title, album, artist, track, language,
and the CHAP/CTOC chapter frames podcast and audiobook apps list as chapters."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from mutagen.id3 import CHAP, CTOC, ID3, TALB, TDRC, TIT2, TLAN, TPE1, TRCK, CTOCFlags

from player.core.model import StoryMeta

#: ISO 639-2 codes for TLAN, which wants three letters; other languages keep their tag
_ISO639_2 = {
    "en": "eng", "es": "spa", "fr": "fra", "de": "deu", "it": "ita", "pt": "por",
    "nl": "nld", "ca": "cat", "pl": "pol", "ru": "rus", "uk": "ukr", "ar": "ara",
    "zh": "zho", "ja": "jpn", "ko": "kor", "sv": "swe", "da": "dan", "fi": "fin",
    "nb": "nob", "no": "nor", "cs": "ces", "el": "ell", "tr": "tur", "hi": "hin",
}  # fmt: skip


@dataclass(frozen=True)
class Chapter:
    """A chapter of a single-file audiobook: its title and its span in ms."""

    title: str
    start_ms: int
    end_ms: int


def language_code(tag: str) -> str:
    """The three-letter code ID3's TLAN wants for a BCP 47 ``tag`` ("en-GB" -> "eng")."""
    primary = tag.split("-", 1)[0].lower()
    return _ISO639_2.get(primary, primary)


def _base_tags(meta: StoryMeta, title: str) -> ID3:
    tags = ID3()
    tags.add(TIT2(encoding=3, text=title))
    tags.add(TALB(encoding=3, text=meta.title))
    if meta.source:
        tags.add(TPE1(encoding=3, text=meta.source))
    if meta.date is not None:
        tags.add(TDRC(encoding=3, text=meta.date.isoformat()))
    tags.add(TLAN(encoding=3, text=language_code(meta.language)))
    return tags


def tag_segment(path: Path, meta: StoryMeta, title: str, track: int, total: int) -> None:
    """Tag one segment's MP3: ``title``, the story as album, its source as artist."""
    tags = _base_tags(meta, title)
    tags.add(TRCK(encoding=3, text=f"{track}/{total}"))
    tags.save(path, v2_version=4)


def tag_book(path: Path, meta: StoryMeta, chapters: Sequence[Chapter]) -> None:
    """Tag a whole-story MP3 with a chapter (CHAP, with a title) per segment and a
    table of contents (CTOC) listing them in order."""
    tags = _base_tags(meta, meta.title)
    ids = [f"chp{n}" for n in range(1, len(chapters) + 1)]
    tags.add(
        CTOC(
            element_id="toc",
            flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
            child_element_ids=ids,
            sub_frames=[TIT2(encoding=3, text=meta.title)],
        )
    )
    for element_id, chapter in zip(ids, chapters, strict=True):
        tags.add(
            CHAP(
                element_id=element_id,
                start_time=chapter.start_ms,
                end_time=chapter.end_ms,
                start_offset=0xFFFFFFFF,
                end_offset=0xFFFFFFFF,
                sub_frames=[TIT2(encoding=3, text=chapter.title)],
            )
        )
    tags.save(path, v2_version=4)
