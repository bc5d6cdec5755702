"""Import a saved web page, a Markdown file or a text file as a story folder.

:func:`import_file` turns a file into a :class:`~player.core.importer.draft.Draft` (nothing
is written, nothing is downloaded) and :func:`write_story` writes it as
``DIR/<slug>/story.txt`` with its images. The command is ``story-player import``.
"""

from __future__ import annotations

from pathlib import Path

from player.core.importer.draft import Draft, ImportFailure
from player.core.importer.writer import write_story

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
MHTML_SUFFIXES = (".mhtml", ".mht")
TEXT_SUFFIXES = (".txt", ".text")
MARKDOWN_SUFFIXES = (".md", ".markdown")
MAX_INPUT_BYTES = 50 * 1024 * 1024
"""A saved page with its inline images stays far below this; anything bigger is not one."""

__all__ = ["Draft", "ImportFailure", "import_file", "write_story"]


def read_input(path: Path) -> bytes:
    """The bytes of the file to import, or ImportFailure saying why it cannot be read."""
    try:
        if not path.is_file():
            what = "is a folder, not a file" if path.is_dir() else "does not exist"
            raise ImportFailure(f"{path}: the file {what}")
        size = path.stat().st_size
        if size > MAX_INPUT_BYTES:
            raise ImportFailure(
                f"{path}: the file is {size / 1_048_576:.0f} MB; a saved page to import may be "
                f"at most {MAX_INPUT_BYTES // 1_048_576} MB"
            )
        return path.read_bytes()
    except OSError as exc:
        raise ImportFailure(f"{path}: cannot read the file: {exc.strerror}") from None


def import_file(path: Path) -> Draft:
    """Read ``path`` (HTML, MHTML, Markdown or text, by its suffix) into a draft story."""
    suffix = path.suffix.lower()
    known = HTML_SUFFIXES + MHTML_SUFFIXES + TEXT_SUFFIXES + MARKDOWN_SUFFIXES
    if suffix not in known:
        raise ImportFailure(
            f"{path}: cannot import a '{suffix or 'nameless'}' file; import a saved web page "
            f"({', '.join(HTML_SUFFIXES + MHTML_SUFFIXES)}), Markdown (.md) or text (.txt)"
        )
    data = read_input(path)
    if suffix in TEXT_SUFFIXES + MARKDOWN_SUFFIXES:
        from player.core.importer.textfile import draft_from_text

        return draft_from_text(path, _decode(path, data), markdown=suffix in MARKDOWN_SUFFIXES)
    from player.core.importer.page import draft_from_mhtml, draft_from_page

    if suffix in MHTML_SUFFIXES:
        return draft_from_mhtml(path, data)
    return draft_from_page(path, data)


def _decode(path: Path, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportFailure(
            f"{path}:{line}: the file is not UTF-8 text; save it as UTF-8"
        ) from None
