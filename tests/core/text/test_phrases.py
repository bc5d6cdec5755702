"""The words the player adds to a story are in the story's language."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from player.core.storyfile import parse_story
from player.core.text.phrases import phrases_for
from player.core.text.spoken import to_spoken

STORY = """\
title: T
language: {language}

== introduction: A

::: quote
speaker: Ana Ruiz
---
Hola & adiós 🎉.
:::

::: post
author: Luis
date: 2024-05-04
photo: 1 of 2
---
Una foto (1/2).
:::

::: photo
number: 2 of 2
---
La sala.
:::

== end
"""


@pytest.mark.parametrize(
    ("language", "said", "posted", "shown_date", "caption", "photo", "party"),
    [
        ("en", "Ana Ruiz said: ", "Posted by Luis on May 4, 2024", "May 4, 2024",
         "Photo caption: La sala.", "photo 1 of 2", "party popper"),
        ("es-MX", "Ana Ruiz dijo: ", "Publicado por Luis el 4 de mayo de 2024",
         "4 de mayo de 2024", "Pie de foto: La sala.", "foto 1 de 2", "cañón de confeti"),
    ],
)  # fmt: skip
def test_added_words_follow_the_story_language(
    language: str, said: str, posted: str, shown_date: str, caption: str, photo: str, party: str
) -> None:
    story = parse_story(STORY.format(language=language), Path("t.txt"))
    quote, post, picture = story.segments[0].blocks
    assert quote.sentences[0].spoken.startswith(said)
    assert party in quote.sentences[0].spoken
    assert post.sentences[-1].spoken == posted
    assert post.text.endswith(shown_date)
    assert photo in post.sentences[0].spoken
    assert picture.sentences[0].spoken == caption


def test_and_is_said_in_the_language() -> None:
    assert to_spoken("Pan & vino", language="es").text == "Pan y vino"
    assert to_spoken("Bread & wine").text == "Bread and wine"


def test_other_languages_get_english_words() -> None:
    assert phrases_for("de").attribution("Ana", "") == "Posted by Ana"
    assert phrases_for("es").date(dt.date(2018, 4, 26)) == "26 de abril de 2018"
