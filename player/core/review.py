"""Reviewing an imported story: its segment headings, and rewriting only those lines.

After ``story-player import`` (or File > Import… in the window) a reader or librarian
checks each segment's proposed kind and title. :func:`read_review` lists the
headings with the kinds the story may use; :func:`rewrite_headings` puts the chosen
ones back. Only the ``== kind: Title`` lines change: every other byte of the file,
line endings included, stays as it was, and the new text is checked as a story
before it replaces the old file (through a temporary file and a rename, so a crash
never leaves half a story).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from player.core.model import Block, BlockType, SegmentKind
from player.core.speech.base import Voice, normalize_language
from player.core.storyfile import (
    StoryFileError,
    builtin_kinds,
    format_problems,
    load_story,
    parse_story,
)

log = logging.getLogger(__name__)

_HEADING_RE = re.compile(r"^(?P<indent>\s*)==\s*(?P<kind>[^:]*?)\s*:\s*(?P<title>.*?)\s*$")
_KIND_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
#: the line endings str.splitlines keeps, longest first (the story parser counts lines so)
_ENDINGS = ("\r\n", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")


_BLOCK_WORDS = {
    BlockType.PARAGRAPH: "paragraph",
    BlockType.QUOTATION: "quotation",
    BlockType.POST: "post",
    BlockType.PHOTO: "photo",
}


_OPENING_CHARS = 100


class ReviewFailure(Exception):
    """The story cannot be reviewed or saved; the message names the file and what is wrong."""


@dataclass(frozen=True)
class Heading:
    """One segment heading: its line in the file (from 1), its kind id and its title."""

    line: int
    kind: str
    title: str


@dataclass(frozen=True)
class Review:
    """What the review shows: the story's title and language, its headings, and the
    kinds to choose from (the built-in ones, then any other the story uses)."""

    path: Path
    title: str
    language: str
    headings: tuple[Heading, ...]
    kinds: tuple[SegmentKind, ...]
    #: what each segment holds and how it begins ("3 paragraphs, 1 photo. Begins: …")
    summaries: tuple[str, ...] = ()


def read_review(path: Path) -> Review:
    """The headings of the story at ``path``; ReviewFailure when it does not load."""
    try:
        story = load_story(path)
    except StoryFileError as exc:
        raise ReviewFailure(format_problems(exc.problems)) from None
    kinds = dict(builtin_kinds())
    for segment in story.segments:
        kinds.setdefault(segment.kind.id, segment.kind)
    headings = tuple(Heading(s.line, s.kind.id, s.title) for s in story.segments)
    summaries = tuple(_summary(s.blocks) for s in story.segments)
    return Review(
        path, story.meta.title, story.meta.language, headings, tuple(kinds.values()), summaries
    )


def _summary(blocks: Sequence[Block]) -> str:
    counts: dict[BlockType, int] = {}
    for block in blocks:
        counts[block.type] = counts.get(block.type, 0) + 1
    held = ", ".join(
        f"{count} {_BLOCK_WORDS[kind]}{'' if count == 1 else 's'}" for kind, count in counts.items()
    )
    # The opening words tell a reviewer more about a segment's kind than its title does.
    first = next((" ".join(b.text.split()) for b in blocks if b.text.strip()), "")
    if len(first) > _OPENING_CHARS:
        first = first[:_OPENING_CHARS].rsplit(" ", 1)[0] + "…"
    return f"{held}. Begins: {first}" if first else held


def heading_line(kind: str, title: str) -> str:
    """The story file's line for a segment heading."""
    return f"== {kind}: {' '.join(title.split())}"


def rewrite_headings(path: Path, headings: Sequence[Heading]) -> bool:
    """Give each heading's line in ``path`` the kind and title in ``headings``; True when
    the file changed. Raises ReviewFailure, leaving the file as it was, when a heading
    is not where it was read (the file changed meanwhile), a kind or title is not one a
    story may have, or the file cannot be read or written."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReviewFailure(f"{path}: cannot read the story: {exc.strerror}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ReviewFailure(f"{path}: the story is not UTF-8 text") from None
    lines = text.splitlines(keepends=True)
    for heading in headings:
        _check(path, heading)
        if not 1 <= heading.line <= len(lines):
            raise ReviewFailure(
                f"{path}:{heading.line}: the file has only {len(lines)} lines; it changed "
                "since the review began"
            )
        old = lines[heading.line - 1]
        body = old.rstrip("".join(_ENDINGS))
        ending = old[len(body) :]
        m = _HEADING_RE.match(body)
        if m is None:
            raise ReviewFailure(
                f"{path}:{heading.line}: this line is no longer a segment heading; the file "
                "changed since the review began"
            )
        if m["kind"].strip().lower() == heading.kind and m["title"] == " ".join(
            heading.title.split()
        ):
            continue  # unchanged headings keep their exact spelling
        lines[heading.line - 1] = m["indent"] + heading_line(heading.kind, heading.title) + ending
    new_text = "".join(lines)
    if new_text == text:
        return False
    try:
        parse_story(new_text.removeprefix("\ufeff"), path)
    except StoryFileError as exc:
        raise ReviewFailure(format_problems(exc.problems)) from None
    write_atomically(path, new_text.encode("utf-8"))
    log.info("rewrote %d segment headings of %s", len(headings), path)
    return True


def _check(path: Path, heading: Heading) -> None:
    if not _KIND_ID_RE.match(heading.kind):
        raise ReviewFailure(
            f"{path}:{heading.line}: '{heading.kind}' is not a kind id (lowercase letters, "
            "digits and hyphens)"
        )
    if not heading.title.strip():
        raise ReviewFailure(f"{path}:{heading.line}: the segment's title is empty; give it one")


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` through a temporary file in the same folder and a
    rename: readers see the old file or the new one, never half of one."""
    try:
        mode = path.stat().st_mode & 0o7777
    except OSError:
        mode = 0o644
    try:
        handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as exc:
        raise ReviewFailure(f"{path.parent}: cannot write the story: {exc.strerror}") from None
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, mode)
        os.replace(temp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise ReviewFailure(f"{path}: cannot write the story: {exc.strerror}") from None


def voice_note(voices: Sequence[Voice], language: str) -> str | None:
    """A note for the reader when none of ``voices`` speaks ``language`` (None when one
    does, or when the voices are not known yet)."""
    if not voices:
        return None
    primary = normalize_language(language).split("-", 1)[0]
    for voice in voices:
        if any(normalize_language(tag).split("-", 1)[0] == primary for tag in voice.languages):
            return None
    return (
        f"No voice on this computer speaks this story's language ({language}); it will be "
        "read with another language's voice. The text is shown as usual."
    )


def import_for_review(source: Path, library: Path) -> Review:
    """Import ``source`` into a new folder of ``library`` (never overwriting a story) and
    read it back for review; ImportFailure or ReviewFailure say what went wrong."""
    from player.core.importer import import_file, write_story

    folder = write_story(import_file(source), library)
    log.info("imported %s as %s", source, folder)
    return read_review(folder / "story.txt")
