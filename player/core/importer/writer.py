"""Write a draft as a story folder: ``DIR/<slug>/story.txt`` and its ``images/``."""

from __future__ import annotations

import re
import shutil
import unicodedata
from pathlib import Path

from player.core.importer.draft import Draft, ImportFailure, Piece, squash

_MARKUP_STARTS = ("==", ":::", "---", "%", "\\", "[")
_BLOCK_TYPE = {"quote": "quote", "photo": "photo", "post": "post"}


def escape(line: str) -> str:
    """A text line the story file reads as text, never as markup (see the format's escape)."""
    return f"\\{line}" if line.startswith(_MARKUP_STARTS) else line


def _field(value: str) -> str:
    return squash(value)


def story_text(draft: Draft) -> str:
    """The story file's text for ``draft``."""
    lines = ["format: story-player 1", f"title: {_field(draft.title)}"]
    lines.append(f"language: {draft.language}")
    for key, value in (
        ("source", draft.source),
        ("source-url", draft.source_url),
        ("date", draft.date),
        ("credit", draft.credit),
    ):
        if squash(value):
            lines.append(f"{key}: {_field(value)}")
    for section in draft.sections:
        lines += ["", f"== {section.kind}: {_field(section.title)}"]
        for piece in section.pieces:
            lines += ["", *_piece(piece)]
    lines += ["", "== end", ""]
    return "\n".join(lines)


def _piece(piece: Piece) -> list[str]:
    text = squash(piece.text)
    if piece.type not in _BLOCK_TYPE:
        return [escape(text)]
    out = [f"::: {_BLOCK_TYPE[piece.type]}"]
    out += [f"{k}: {_field(v)}" for k, v in piece.fields.items() if squash(v)]
    out += ["---"] + ([escape(text)] if text else []) + [":::"]
    return out


def slug(title: str) -> str:
    """A folder name from a title: lowercase ASCII words joined by hyphens."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    name = ""
    for word in words:
        if len(name) + len(word) + 1 > 60:
            break
        name = f"{name}-{word}" if name else word
    return name or "story"


def write_story(draft: Draft, out_dir: Path) -> Path:
    """Write the story into a new folder under ``out_dir`` (``slug``, else ``slug-2``, …:
    an existing story is never overwritten) and return the folder."""
    base = slug(draft.title)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        n = 1
        while True:
            folder = out_dir / (base if n == 1 else f"{base}-{n}")
            try:
                folder.mkdir()
                break
            except FileExistsError:
                n += 1
        for section in draft.sections:
            for piece in section.pieces:
                if piece.image is None:
                    continue
                target = folder / "images" / piece.image_name
                target.parent.mkdir(exist_ok=True)
                if isinstance(piece.image, bytes):
                    target.write_bytes(piece.image)
                else:
                    shutil.copyfile(piece.image, target)
        (folder / "story.txt").write_text(story_text(draft), encoding="utf-8")
    except OSError as exc:
        where = exc.filename or out_dir
        raise ImportFailure(f"{where}: cannot write the story: {exc.strerror}") from None
    return folder
