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


def test_the_text_is_scrolled_by_the_viewports_height_read_from_the_scroll_bar(
    qtbot: QtBot,
) -> None:
    """The pane reads its viewport's height from the scroll bar's page step (asking for
    viewport() the first time is slow, see ReadingPane.painted): the two agree, at any
    size and with the scroll bar shown or not."""
    pane = ReadingPane()
    qtbot.addWidget(pane)
    pane.set_story(generated_story(40))
    pane.finish_building()
    pane.show()
    for width, height in ((600, 400), (300, 900), (800, 120)):
        pane.resize(width, height)
        qtbot.waitUntil(lambda h=height: pane.height() == h)
        QCoreApplication.processEvents()
        assert pane.verticalScrollBar().pageStep() == pane.viewport().height()


def test_the_text_is_painted_again_when_asked_and_says_so(qtbot: QtBot) -> None:
    """The window waits for the text's paint (``painted``) after asking the pane to
    repaint it, without asking for its viewport."""
    pane = ReadingPane()
    qtbot.addWidget(pane)
    pane.set_story(make_story())
    pane.show()
    qtbot.waitExposed(pane)
    qtbot.waitSignal(pane.painted, timeout=10_000, raising=False).wait()
    with qtbot.assertNotEmitted(pane.painted, wait=200):
        QCoreApplication.processEvents()  # nothing left to paint
    with qtbot.waitSignal(pane.painted, timeout=10_000):
        pane.repaint_text()
