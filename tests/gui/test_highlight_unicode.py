"""Highlights cover exactly the sentence and word being read, in every script.

The core counts code points and Qt UTF-16 units: an emoji, a CJK extension character or
a mathematical letter takes two units, and every highlight after it used to be off.
"""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from player.core.storyfile import parse_story
from player.gui.reading import ReadingPane

STORY = """\
title: Noche de libros 🌙📚
language: es

== introduction: Emoji y más 🎉

La biblioteca abrió 🌙 a las nueve. Llegaron 😀😀 muchos lectores 👩‍👩‍👧 con sus hijos.
Los niños leyeron 𝐦𝐮𝐜𝐡𝐨 y 𠀀𠀁 también. Café, piñata, jalapeño, and cafe\u0301 with accents.

::: quote
speaker: Ana Núñez 🌟
---
"Leer es volar 🦋," dijo. 中文的句子在这里。 Otra frase 😀 al final.
:::

== public-reaction: Reacciones

::: post
author: Lectora 📖
handle: @ana.bsky.social
date: 2024-05-01
---
¡Qué noche! 🎉🎉 שלום עולם, مرحبا بالعالم. Última frase 🙌.
:::

== end
"""


def _selected(pane: ReadingPane) -> list[str]:
    return [s.cursor.selectedText().replace("\u2029", "\n") for s in pane.extraSelections()]


def test_every_sentence_and_word_highlight_is_its_own_text(qtbot: QtBot, tmp_path: Path) -> None:
    story = parse_story(STORY, tmp_path / "story.txt")
    pane = ReadingPane()
    qtbot.addWidget(pane)
    pane.set_story(story)
    checked = 0
    for index in range(story.sentence_count):
        sentence = story.sentence(index)
        pane.highlight(index)
        assert _selected(pane) == [sentence.display], index
        for number, word in enumerate(sentence.words):
            pane.highlight(index, number)
            block_text = story.block_of(index).text
            assert _selected(pane) == [sentence.display, block_text[word.start : word.end]]
            checked += 1
    assert checked > 40


def test_clicking_after_an_emoji_finds_its_sentence(qtbot: QtBot, tmp_path: Path) -> None:
    story = parse_story(STORY, tmp_path / "story.txt")
    pane = ReadingPane()
    qtbot.addWidget(pane)
    pane.set_story(story)
    for index in range(story.sentence_count):
        start, end = pane.sentence_span(index)
        assert pane.sentence_at(start) == index
        assert pane.sentence_at(end - 1) == index
