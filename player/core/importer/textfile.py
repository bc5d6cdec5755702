"""A plain text or Markdown file as a draft: paragraphs, headings, block quotes, images."""

from __future__ import annotations

import re
from pathlib import Path

from player.core.importer.draft import Draft, ImportFailure, Piece, Section, propose_kinds, squash
from player.core.importer.language import guess_language
from player.core.storyfile import IMAGE_SUFFIXES

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_IMAGE = re.compile(r'^!\[(?P<alt>[^\]]*)\]\((?P<src>[^)\s]+)(?:\s+"(?P<title>[^"]*)")?\)$')
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1")


def _inline(text: str) -> str:
    """Markdown's inline marks dropped, keeping their words."""
    text = _LINK.sub(r"\1", text)
    return _EMPHASIS.sub(r"\2", text)


def draft_from_text(path: Path, text: str, *, markdown: bool) -> Draft:
    blocks: list[list[str]] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            blocks.append([])
        elif markdown and _HEADING.match(stripped):
            blocks.append([stripped])
            blocks.append([])
        else:
            if not blocks:
                blocks.append([])
            blocks[-1].append(stripped)
    blocks = [b for b in blocks if b]
    if not blocks:
        raise ImportFailure(f"{path}: the file has no text to import")
    title = ""
    sections = [Section("")]
    first = blocks[0]
    if markdown and (m := _HEADING.match(first[0])) and len(m[1]) == 1:
        title = _inline(m[2])
        blocks = blocks[1:]
    elif not markdown and len(first) == 1 and len(first[0]) <= 120 and len(blocks) > 1:
        title = first[0].rstrip(".")
        blocks = blocks[1:]
    for block in blocks:
        if markdown and (m := _HEADING.match(block[0])):
            sections.append(Section(_inline(m[2])))
            continue
        sections[-1].pieces.extend(_pieces(path, block, markdown))
    words = " ".join(p.text for s in sections for p in s.pieces)
    draft = Draft(title or path.stem, guess_language(words), sections)
    propose_kinds(draft)
    if not draft.sections:
        raise ImportFailure(f"{path}: the file has no text to import")
    return draft


def _pieces(path: Path, block: list[str], markdown: bool) -> list[Piece]:
    if not markdown:
        return [Piece("paragraph", squash(" ".join(block)))]
    if all(line.startswith(">") for line in block):
        lines = [line[1:].strip() for line in block]
        speaker = ""
        if len(lines) > 1 and lines[-1][:1] in "—–":
            speaker = lines.pop().lstrip("—–- ").strip()
        said = _inline(squash(" ".join(lines)))
        if speaker:
            return [Piece("quote", said, {"speaker": _inline(speaker)})]
        return [Piece("paragraph", said)]
    if len(block) == 1 and (m := _IMAGE.match(block[0])):
        piece = Piece("photo", m["title"] or m["alt"], {})
        src = m["src"]
        local = (path.parent / src).resolve()
        if "://" not in src and local.is_file() and local.suffix.lower() in IMAGE_SUFFIXES:
            piece.fields["image"] = f"images/{local.name}"
            piece.image, piece.image_name = local, local.name
        if m["alt"]:
            piece.fields["alt"] = m["alt"]
        return [piece]
    return [Piece("paragraph", _inline(squash(" ".join(block))))]
