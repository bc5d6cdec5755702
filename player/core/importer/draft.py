"""What an import produces before it is written: a story's metadata, segments and blocks."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path


class ImportFailure(Exception):
    """A file that cannot be imported; the message names the file and what is wrong."""


@dataclass
class Piece:
    """One block of the story: a paragraph, quote, photo or post (see docs/story-format.md).

    ``fields`` are the block's fields in the order they are written; ``image`` is where the
    photo's image comes from (a local file or bytes from a single-file save) and
    ``image_name`` its file name in the story's ``images/`` folder."""

    type: str
    text: str
    fields: dict[str, str] = field(default_factory=dict)
    image: Path | bytes | None = None
    image_name: str = ""


@dataclass
class Section:
    """A segment: its heading's title ('' when the page gave none) and its blocks."""

    title: str
    pieces: list[Piece] = field(default_factory=list)
    kind: str = ""


@dataclass
class Draft:
    """A story to be written: header fields and sections."""

    title: str
    language: str
    sections: list[Section]
    source: str = ""
    source_url: str = ""
    date: str = ""
    credit: str = ""
    notes: list[str] = field(default_factory=list)


def squash(text: str) -> str:
    """Whitespace as the story file keeps it: single spaces, no line breaks."""
    return " ".join(text.split())


_FIRST = {"en": "Introduction", "es": "Introducción", "fr": "Introduction", "de": "Einleitung"}
_REACTION = {
    "en": "Public reaction",
    "es": "Reacciones",
    "fr": "Réactions",
    "de": "Reaktionen",
}


def propose_kinds(draft: Draft) -> None:
    """Give each section a kind: one made mostly of posts (embedded posts, letters,
    comments) is a public reaction, the opening one an introduction, others a section."""
    lang = draft.language.split("-")[0].lower()
    draft.sections = [s for s in draft.sections if s.pieces]
    for i, section in enumerate(draft.sections):
        posts = sum(p.type == "post" for p in section.pieces)
        if posts and posts * 2 > len(section.pieces):
            section.kind = "public-reaction"
            section.title = section.title or _REACTION.get(lang, _REACTION["en"])
        elif i == 0:
            section.kind = "introduction"
        else:
            section.kind = "section"
        section.title = section.title or _FIRST.get(lang, _FIRST["en"])


_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            "january enero janvier januar jan ene janv",
            "february febrero février fevrier februar feb fév févr",
            "march marzo mars märz maerz mar mär",
            "april abril avril apr abr avr",
            "may mayo mai",
            "june junio juin juni jun",
            "july julio juillet juli jul juil",
            "august agosto août aout aug ago",
            "september septiembre setiembre septembre sep sept",
            "october octubre octobre oktober oct okt",
            "november noviembre novembre nov",
            "december diciembre décembre decembre dezember dec dic déc dez",
        ),
        start=1,
    )
    for name in names.split()
}


def parse_date(text: str) -> str:
    """``YYYY-MM-DD`` from an ISO date or a written date in English, Spanish, French or
    German ("January 2, 2024", "22 de abril de 2024", "18 mars 2024"); '' when unknown."""
    text = text.strip()
    if m := re.match(r"^(\d{4})-(\d{2})-(\d{2})", text):
        return f"{m[1]}-{m[2]}-{m[3]}"
    words = re.findall(r"[^\W\d_]+|\d+", text.lower())
    month = next((_MONTHS[w.rstrip(".")] for w in words if w.rstrip(".") in _MONTHS), None)
    numbers = [int(w) for w in words if w.isdigit()]
    year = next((n for n in numbers if 1900 <= n <= 2100), None)
    day = next((n for n in numbers if 1 <= n <= 31), None)
    if month is None and (m := re.search(r"\b(\d{1,2})[./](\d{1,2})[./](\d{4})\b", text)):
        day, month, year = int(m[1]), int(m[2]), int(m[3])
    if month is None or year is None or day is None or not 1 <= month <= 12:
        return ""
    return f"{year:04d}-{month:02d}-{day:02d}"
