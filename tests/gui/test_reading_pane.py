"""The reading pane keeps one document: stories opened one after another free the last."""

from __future__ import annotations

from fakes import make_story
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtGui import QTextDocument
from pytestqt.qtbot import QtBot

from player.gui.reading import ReadingPane
from tests.support import count_reads, generated_story


def _documents(pane: ReadingPane) -> list[QTextDocument]:
    return pane.findChildren(QTextDocument)


def test_opening_stories_again_and_again_keeps_one_document(qtbot: QtBot) -> None:
    pane = ReadingPane()
    qtbot.addWidget(pane)
    story = make_story()
    for _ in range(20):
        pane.set_story(story)
        # deleteLater runs when control returns to the event loop
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert len(_documents(pane)) == 1
    assert pane.document().toPlainText().strip()


def test_marking_a_word_does_not_count_the_blocks_before_it(qtbot: QtBot) -> None:
    pane = ReadingPane()
    qtbot.addWidget(pane)
    story = generated_story(2_000)
    pane.set_story(story)
    pane.finish_building()
    last = story.sentence_count - 1
    refs, segments = count_reads(story, budget=20)
    try:
        pane.highlight(last, 0)
    finally:
        refs.budget = segments.budget = -1
    # A long story's marks far ahead wait for its layout to get there (test_layout_pace).
    qtbot.waitUntil(lambda: len(pane.extraSelections()) == 2, timeout=30_000)
    word = story.sentence(last).words[0]
    base = pane.sentence_span(last)[0] - story.sentence(last).start
    marks = [(s.cursor.selectionStart(), s.cursor.selectionEnd()) for s in pane.extraSelections()]
    assert marks[1] == (base + word.start, base + word.end)
