"""Two stories written from docs/story-format.md alone, in English and in Spanish, with
quotations from two speakers, emoji-laden posts, currency, dates, times and abbreviations:
shown verbatim, highlighted exactly, and read as the docs' table says."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from player.core.model import Story
from player.core.storyfile import load_story
from player.gui.reading import ReadingPane

DATA = Path(__file__).resolve().parents[1] / "data" / "reading-quality"

#: what a listener must hear, in order of appearance, for each story
HEARD = {
    "en": [
        "opens Friday to Sunday until 3 a.m, approximately 40 hours",
        "cost twelve thousand five hundred dollars.",
        "in nineteen ninety nine after a fire;",
        "volume 2 of its history covers nineteen ninety to 95",
        "José Ñúñez said: I come at 10:30 p.m with my kids.",
        "We read number 7 of the series.",
        "Ana Ruiz said: Half the room is teenagers.",
        "About 45% of them study here.",
        "Thank you all, party popper, books, for 25 years!",
        "hashtag Biblioteca Nocturna",
        "Posted by Biblioteca N7 on May 4, 2024",
        "Brought three quarters of my class.",
        "No regrets, grinning face",
    ],
    "es": [
        "abre viernes a domingo hasta las 3 de la madrugada, aproximadamente 40 horas",
        "costó doce mil quinientos dólares.",
        "el volumen 2 de su historia, página 3.",
        "José Ñúñez dijo: Vengo a las 10:30 con mis hijos.",
        "Leemos el número 7 de la serie.",
        "Ana Ruiz dijo: La mitad de la sala son jóvenes.",
        "Gracias a todos, cañón de confeti, libros, por 25 años!",
        "Publicado por Biblioteca N7 el 4 de mayo de 2024",
        "Traje tres cuartos de mi clase.",
        "cara sonriendo",
        "Publicado por Ana",
    ],
}


def _story(language: str) -> Story:
    return load_story(DATA / language / "story.txt")


def _spoken(story: Story) -> list[str]:
    return [story.sentence(i).spoken for i in range(story.sentence_count)]


@pytest.mark.parametrize("language", sorted(HEARD))
def test_the_story_passes_check_without_warnings(language: str) -> None:
    story = _story(language)
    assert story.warnings == ()
    assert story.meta.language == language


@pytest.mark.parametrize("language", sorted(HEARD))
def test_what_is_shown_is_the_file_verbatim(language: str) -> None:
    story = _story(language)
    source = (DATA / language / "story.txt").read_text(encoding="utf-8")
    for segment in story.segments:
        for block in segment.blocks:
            # quotations and posts add their attribution line after the text
            written = block.text.split("\n")[0]
            assert written in source, written


@pytest.mark.parametrize("language", sorted(HEARD))
def test_what_is_heard_is_what_the_table_says(language: str) -> None:
    spoken = _spoken(_story(language))
    position = 0
    for expected in HEARD[language]:
        found = next((i for i in range(position, len(spoken)) if expected in spoken[i]), None)
        assert found is not None, f"{expected!r} not heard after sentence {position}: {spoken}"
        position = found


@pytest.mark.parametrize("language", sorted(HEARD))
def test_every_highlight_is_exact(qtbot: QtBot, language: str) -> None:
    story = _story(language)
    pane = ReadingPane()
    qtbot.addWidget(pane)
    pane.set_story(story)
    for index in range(story.sentence_count):
        sentence = story.sentence(index)
        block_text = story.block_of(index).text
        for number, word in enumerate(sentence.words):
            pane.highlight(index, number)
            marked = [s.cursor.selectedText() for s in pane.extraSelections()]
            assert marked == [sentence.display, block_text[word.start : word.end]]
