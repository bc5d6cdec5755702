"""A story as an EPUB 3 talking book: the text (see :mod:`.xhtml`), an MP3 per segment, and
Media Overlays (a SMIL per segment, a ``par`` per sentence) so reading systems play the
audio with each sentence highlighted; accessibility metadata (EPUB Accessibility 1.1)
derived from what the story holds.
"""

from __future__ import annotations

import datetime as dt
import os
import time
import uuid
import zipfile
from collections.abc import Callable
from html import escape
from pathlib import Path

from player.core.export.audio import SegmentAudio, synthesize_segments
from player.core.export.files import temp_beside
from player.core.export.mp3 import encode_mp3
from player.core.export.xhtml import (
    ACTIVE_CLASS,
    CSS,
    document_name,
    nav_document,
    segment_document,
    sentence_id,
)
from player.core.model import Photo, Story
from player.core.navigation import group_segments
from player.core.playback.voices import VoiceTable
from player.core.speech.base import Synthesizer
from player.core.speech.export import ExportResult

#: image types every EPUB reading system shows (core media types)
IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
}
CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"
CONTAINER = """<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
<rootfiles><rootfile full-path="EPUB/package.opf" media-type="application/oebps-package+xml"/>
</rootfiles>
</container>
"""


def clock(ms: int) -> str:
    """A SMIL clock value, H:MM:SS.mmm."""
    seconds, millis = divmod(ms, 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def smil_name(number: int) -> str:
    return f"seg{number:02d}.smil"


def audio_name(number: int) -> str:
    return f"audio/seg{number:02d}.mp3"


def smil_document(story: Story, audio: SegmentAudio) -> str:
    """The Media Overlay of one segment: a ``par`` per sentence that has audio."""
    number = audio.index + 1
    pars = "\n".join(
        f'<par id="p{clip.index + 1}"><text src="{document_name(number)}#'
        f'{sentence_id(clip.index)}"/><audio src="{audio_name(number)}" '
        f'clipBegin="{clock(clip.start_ms)}" clipEnd="{clock(clip.end_ms)}"/></par>'
        for clip in audio.clips
        if clip.start_ms is not None and clip.end_ms is not None
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<smil xmlns="http://www.w3.org/ns/SMIL" xmlns:epub="http://www.idpf.org/2007/ops"'
        ' version="3.0">\n<body>\n'
        f'<seq id="seq{number}" epub:textref="{document_name(number)}" epub:type="chapter">\n'
        f"{pars}\n</seq>\n</body>\n</smil>\n"
    )


def _images(story: Story) -> dict[int, tuple[Photo, str]]:
    """The photos whose image goes into the book, by ``id(photo)``, with their file name."""
    found: dict[int, tuple[Photo, str]] = {}
    for segment in story.segments:
        for photo in segment.photos:
            image = photo.image
            if image is None or image.suffix.lower() not in IMAGE_TYPES or not image.is_file():
                continue
            found[id(photo)] = (photo, f"images/photo{len(found) + 1}{image.suffix.lower()}")
    return found


def accessibility_summary(story: Story, photos: int, captions_only: int, voices: int) -> str:
    """The accessibility summary, written from what the story holds."""
    groups = len(group_segments(story))
    parts = [
        f'A talking book of "{story.meta.title}": {len(story.segments)} sections in '
        f"{groups} groups, listed in the table of contents. The whole text is read aloud "
        "by a synthetic voice, each sentence highlighted as it is read."
    ]
    if voices > 1:
        parts.append("Quotations and posts are read in other voices than the narration.")
    if photos:
        parts.append(
            f"{photos} photograph{'s have' if photos != 1 else ' has'} a text description."
        )
    if captions_only:
        parts.append(
            f"{captions_only} photo caption{'s are' if captions_only != 1 else ' is'} "
            "given without the photograph, which is not included."
        )
    parts.append("No flashing content, sound hazards or motion simulation.")
    return " ".join(parts)


def package_document(
    story: Story,
    segments: list[SegmentAudio],
    images: dict[int, tuple[Photo, str]],
    voices: int,
    narrator: str,
    modified: dt.datetime,
) -> str:
    """The package document: metadata, manifest and spine."""
    meta = story.meta
    key = f"{meta.title}\n{meta.source}\n{meta.date}\n{meta.language}"
    identifier = uuid.uuid5(uuid.NAMESPACE_URL, "story-player:" + key)
    total_ms = sum(a.duration_ms for a in segments)
    captions_only = sum(
        1 for s in story.segments for p in s.photos if id(p) not in images and p.caption
    )
    m: list[str] = [
        f'<dc:identifier id="uid">urn:uuid:{identifier}</dc:identifier>',
        f"<dc:title>{escape(meta.title)}</dc:title>",
        f"<dc:language>{escape(meta.language)}</dc:language>",
        f'<meta property="dcterms:modified">{modified:%Y-%m-%dT%H:%M:%SZ}</meta>',
    ]
    if meta.source:
        m.append(f"<dc:source>{escape(meta.source_url or meta.source)}</dc:source>")
        m.append(f"<dc:publisher>{escape(meta.source)}</dc:publisher>")
    if meta.date is not None:
        m.append(f"<dc:date>{meta.date.isoformat()}</dc:date>")
    if meta.credit:
        m.append(f"<dc:rights>{escape(meta.credit)}</dc:rights>")
    modes = ["textual", "auditory", *(["visual"] if images else [])]
    m += [f'<meta property="schema:accessMode">{mode}</meta>' for mode in modes]
    m.append('<meta property="schema:accessModeSufficient">textual</meta>')
    features = ["synchronizedAudioText", "structuralNavigation", "tableOfContents"]
    features += ["readingOrder", *(["alternativeText"] if images else [])]
    m += [f'<meta property="schema:accessibilityFeature">{f}</meta>' for f in features]
    m.append('<meta property="schema:accessibilityHazard">none</meta>')
    summary = accessibility_summary(story, len(images), captions_only, voices)
    m.append(f'<meta property="schema:accessibilitySummary">{escape(summary)}</meta>')
    m.append(f'<meta property="dcterms:conformsTo">{CONFORMS_TO}</meta>')
    m.append(
        '<meta property="a11y:certifiedBy">Story Player export '
        "(self-declared by the software that made the book)</meta>"
    )
    m.append(f'<meta property="media:duration">{clock(total_ms)}</meta>')
    m.append(f'<meta property="media:active-class">{ACTIVE_CLASS}</meta>')
    m.append(f'<meta property="media:narrator">{escape(narrator)}</meta>')
    with_audio = {a.index: a for a in segments}
    items = [
        '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>',
        '<item id="css" href="style.css" media-type="text/css"/>',
    ]
    # in the spine (out of the reading order) so the landmarks may point at the contents
    spine: list[str] = ['<itemref idref="nav" linear="no"/>']
    for i in range(len(story.segments)):
        n = i + 1
        overlay = f' media-overlay="mo{n}"' if i in with_audio else ""
        items.append(
            f'<item id="seg{n}" href="{document_name(n)}" '
            f'media-type="application/xhtml+xml"{overlay}/>'
        )
        spine.append(f'<itemref idref="seg{n}"/>')
        if i in with_audio:
            duration = clock(with_audio[i].duration_ms)
            m.append(f'<meta property="media:duration" refines="#mo{n}">{duration}</meta>')
            items.append(
                f'<item id="mo{n}" href="{smil_name(n)}" media-type="application/smil+xml"/>'
            )
            items.append(f'<item id="au{n}" href="{audio_name(n)}" media-type="audio/mpeg"/>')
    for number, (photo, name) in enumerate(images.values(), start=1):
        assert photo.image is not None
        media = IMAGE_TYPES[photo.image.suffix.lower()]
        items.append(f'<item id="img{number}" href="{name}" media-type="{media}"/>')
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<package xmlns="http://www.idpf.org/2007/opf" version="3.0" '
        f'unique-identifier="uid" xml:lang="{escape(meta.language)}">\n'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
        + "\n".join(m)
        + "\n</metadata>\n<manifest>\n"
        + "\n".join(items)
        + "\n</manifest>\n<spine>\n"
        + "\n".join(spine)
        + "\n</spine>\n</package>\n"
    )


def export_epub(
    story: Story,
    synthesizer: Synthesizer,
    out_file: Path,
    table: VoiceTable,
    rate: int,
    *,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    modified: dt.datetime | None = None,
) -> ExportResult:
    """Write the story as an EPUB 3 talking book to ``out_file``: built under a temporary
    name beside it and renamed at the end, so a failure leaves no half-written book."""
    started = time.perf_counter()
    out_file.parent.mkdir(parents=True, exist_ok=True)
    result = ExportResult(out_file.parent)
    segments = list(synthesize_segments(story, synthesizer, table, rate, progress, cancelled))
    for audio in segments:
        result.failures += [(c.index, c.error) for c in audio.clips if c.error]
    images = _images(story)
    names = {key: name for key, (_, name) in images.items()}
    voices = len({c.voice for a in segments for c in a.clips if not c.error})
    narrator = f"{synthesizer.name} voice {table.main}"
    when = modified or dt.datetime.now(dt.UTC).replace(microsecond=0)
    temp = temp_beside(out_file)
    try:
        with zipfile.ZipFile(temp, "w") as book:
            # the mimetype first and uncompressed, so the file says what it is
            book.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip")
            deflate = zipfile.ZIP_DEFLATED
            book.writestr("META-INF/container.xml", CONTAINER, compress_type=deflate)
            opf = package_document(story, segments, images, voices, narrator, when)
            book.writestr("EPUB/package.opf", opf, compress_type=deflate)
            book.writestr("EPUB/nav.xhtml", nav_document(story), compress_type=deflate)
            book.writestr("EPUB/style.css", CSS, compress_type=deflate)
            for i in range(len(story.segments)):
                text = segment_document(story, i, names)
                book.writestr(f"EPUB/{document_name(i + 1)}", text, compress_type=deflate)
            for audio in segments:
                n = audio.index + 1
                smil = smil_document(story, audio)
                book.writestr(f"EPUB/{smil_name(n)}", smil, compress_type=deflate)
                book.writestr(f"EPUB/{audio_name(n)}", encode_mp3(audio.pcm, audio.sample_rate))
                result.duration_ms += audio.duration_ms
            for photo, name in images.values():
                assert photo.image is not None
                book.write(photo.image, f"EPUB/{name}")
        os.replace(temp, out_file)
    finally:
        if temp.exists():
            temp.unlink()
    result.files.append(out_file)
    result.elapsed_s = time.perf_counter() - started
    return result
