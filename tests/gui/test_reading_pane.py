"""The reading pane keeps one document: stories opened one after another free the last."""

from __future__ import annotations

from fakes import make_story
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtGui import QTextDocument
from pytestqt.qtbot import QtBot

from player.gui.reading import ReadingPane


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
