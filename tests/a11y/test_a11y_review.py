"""The review of an imported story passes the accessibility audit, as the reader meets it."""

from __future__ import annotations

from pathlib import Path

import a11y_env  # noqa: F401  (offscreen Qt, throwaway settings: before any window)
from a11y_audit import audit_widget_tree
from pytestqt.qtbot import QtBot

from player.core.review import read_review
from player.gui.review import ReviewDialog

CORPUS = Path(__file__).resolve().parents[1] / "data" / "import"


def test_the_review_dialog_passes_the_audit(qtbot: QtBot) -> None:
    review = read_review(CORPUS / "fr-debat.story.txt")
    dialog = ReviewDialog(review, "No voice on this computer speaks this story's language (fr).")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert audit_widget_tree(dialog) == []
    assert dialog.titles[0].accessibleName() == "Segment 1 title"
    assert dialog.kinds[1].accessibleName() == "Segment 2 kind"
    assert dialog.kinds[1].currentData() == "public-reaction"
    assert dialog.note.isVisible() and dialog.note.accessibleName() == "Note"
