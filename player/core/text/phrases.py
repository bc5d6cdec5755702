"""The words the player adds to a story, in the story's own language.

A quotation's speaker ("José Ñúñez said:"), a post's attribution ("Posted by Ana on
May 4, 2024"), a photo caption's lead-in and a photo's number are read in the story's
voice, so a Spanish story must say them in Spanish: "José Ñúñez dijo:", "Publicado por
Ana el 4 de mayo de 2024". English and Spanish are written out; any other language
gets English (its voice will still read it, as before). Interface messages are not
here: they are the interface's, in its language.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

__all__ = ["Phrases", "phrases_for"]


@dataclass(frozen=True)
class Phrases:
    """One language's added words. Templates use ``str.format`` fields."""

    said: str  # {speaker}
    posted: str  # {author}
    posted_on: str  # {author} {date}; the date comes last
    caption: str
    photo_number: str  # {number} {total}
    long_date: str  # {month} {day} {year}
    months: tuple[str, ...]
    and_word: str  # what "&" is said as

    def speaker(self, name: str) -> str:
        """The lead-in of a quotation: "José Ñúñez said: "."""
        return self.said.format(speaker=name.strip())

    def attribution(self, author: str, date_text: str) -> str:
        """What is said for a post's attribution line: who posted it, and when."""
        author, date_text = author.strip(), date_text.strip()
        if date_text:
            return self.posted_on.format(author=author, date=date_text)
        return self.posted.format(author=author)

    def date(self, day: _dt.date) -> str:
        """A date written out, as shown and said: "May 4, 2024", "4 de mayo de 2024"."""
        return self.long_date.format(month=self.months[day.month - 1], day=day.day, year=day.year)

    def photo(self, number: int, total: int) -> str:
        return self.photo_number.format(number=number, total=total)


_ENGLISH = Phrases(
    said="{speaker} said: ",
    posted="Posted by {author}",
    posted_on="Posted by {author} on {date}",
    caption="Photo caption: ",
    photo_number="photo {number} of {total}",
    long_date="{month} {day}, {year}",
    months=(
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
    and_word="and",
)  # fmt: skip

_SPANISH = Phrases(
    said="{speaker} dijo: ",
    posted="Publicado por {author}",
    posted_on="Publicado por {author} el {date}",
    caption="Pie de foto: ",
    photo_number="foto {number} de {total}",
    long_date="{day} de {month} de {year}",
    months=(
        "enero", "febrero", "marzo", "abril", "mayo", "junio",
        "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
    ),
    and_word="y",
)  # fmt: skip

_BY_LANGUAGE = {"en": _ENGLISH, "es": _SPANISH}


def phrases_for(language: str) -> Phrases:
    """The added words for a story in ``language`` (a tag such as "es-MX"); English for
    languages not written out here."""
    primary = language.strip().replace("_", "-").split("-", 1)[0].lower()
    return _BY_LANGUAGE.get(primary, _ENGLISH)
