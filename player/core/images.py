"""Whether a story's image may be shown, decided before any image library reads it.

An SVG is a document, not a picture: it can name other files (``<image href=...>``,
``<use href=...>``, CSS ``url(...)``, XML entities) that a renderer would read and draw,
so a story folder could show any picture on the machine, a workstation's included. An
SVG is shown only when it refers to nothing outside itself (``#fragment`` and ``data:``
references are fine); otherwise the photo's caption card stands in for it. Checking the
document is simpler and stricter than trying to confine a renderer.

Raster images are bounded by pixel count before they are decoded (see the caption cards).
Nothing here imports Qt.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Final

log = logging.getLogger(__name__)

#: an SVG larger than this is not a photograph's stand-in
MAX_SVG_BYTES: Final = 2 * 1024 * 1024
#: a picture with more pixels than this (7,000 x 7,000) would take seconds and hundreds
#: of megabytes to decode for a card 280 pixels wide
MAX_PIXELS: Final = 50_000_000

_CSS_URL = re.compile(r"url\(\s*['\"]?\s*(?!#|data:)", re.IGNORECASE)
_CSS_IMPORT = re.compile(r"@import", re.IGNORECASE)


def _local(value: str) -> bool:
    value = value.strip()
    return value.startswith("#") or value.lower().startswith("data:") or value == ""


def svg_problem(path: Path) -> str | None:
    """Why the SVG at ``path`` must not be rendered, or None when it is self-contained."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_SVG_BYTES + 1)
    except OSError as exc:
        return f"cannot be read ({exc.strerror})"
    if len(raw) > MAX_SVG_BYTES:
        return f"is larger than {MAX_SVG_BYTES // 1_048_576} MB"
    upper = raw.upper()
    if b"<!ENTITY" in upper or (b"<!DOCTYPE" in upper and b"SYSTEM" in upper):
        return "declares XML entities or an external document type, which can read other files"
    import xml.etree.ElementTree as ET  # only for an SVG photo: 2.5 ms at every start

    try:
        root = ET.fromstring(raw)
    except ET.ParseError as exc:
        return f"is not a valid SVG document ({exc})"
    for element in root.iter():
        for name, value in element.attrib.items():
            bare = name.rsplit("}", 1)[-1]
            if bare == "href" and not _local(value):
                return f"refers to another file ({value[:80]})"
            if bare == "style" and (_CSS_URL.search(value) or _CSS_IMPORT.search(value)):
                return "refers to another file in its style"
        tag = element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""
        text = element.text or ""
        if tag == "style" and (_CSS_URL.search(text) or _CSS_IMPORT.search(text)):
            return "refers to another file in its style sheet"
    return None


def image_problem(path: Path) -> str | None:
    """Why the image at ``path`` is not shown, or None when it may be given to a decoder."""
    if path.suffix.lower() == ".svg":
        problem = svg_problem(path)
        if problem is not None:
            log.warning("image %s not shown: it %s", path, problem)
        return problem
    return None


def find_ignoring_case(root: Path, rel: Path) -> Path | None:
    """``root / rel`` spelled as on disk, where each name may differ in case from what is
    written, or None when there is no such file inside ``root``. Lists only the folders
    on the way."""
    here = root
    for part in rel.parts:
        if part in ("", "."):
            continue
        try:
            names = {p.name.casefold(): p for p in here.iterdir()}
        except OSError:
            return None
        match = names.get(part.casefold())
        if match is None:
            return None
        here = match
    resolved = here.resolve()
    return here if resolved.is_file() and resolved.is_relative_to(root.resolve()) else None
