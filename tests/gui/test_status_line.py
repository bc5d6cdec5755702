"""The status line's labels work out their height for a width once per text (a jump
changes their text, and the status bar's and the window's layouts ask the same height
several times over), and answer exactly as a plain label does."""

from __future__ import annotations

from collections import Counter

import pytest
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from player.gui.window import MainWindow
from player.gui.zoom import StatusLabel

TEXTS = (
    "",
    "Segment 3 of 6 · The debate · sentence 1 of 2 · about 1 minute left",
    "Story: a title long enough to wrap onto a second line at a narrow width, and a third",
    "Unbreakablewordwithoutanyspaceinitatallthatisquitelong and then words",
)


@pytest.mark.parametrize("text", TEXTS)
def test_a_status_label_s_height_is_a_plain_label_s(qtbot: QtBot, text: str) -> None:
    status, plain = StatusLabel(), QLabel()
    for label in (status, plain):
        qtbot.addWidget(label)
        label.setWordWrap(True)
        label.setText(text)
    for width in (1, 40, 120, 300, 655, 2000, 120):
        assert status.heightForWidth(width) == plain.heightForWidth(width), (text, width)
    # a bigger font (zoom), other margins, other text: the new answer, not the one kept
    font = QFont(status.font())
    font.setPointSizeF(font.pointSizeF() * 2.5)
    for label in (status, plain):
        label.setFont(font)
    assert status.heightForWidth(120) == plain.heightForWidth(120)
    for label in (status, plain):
        label.setContentsMargins(10, 3, 10, 3)
    assert status.heightForWidth(120) == plain.heightForWidth(120)
    for label in (status, plain):
        label.setText(text + " and more words at the end")
    assert status.heightForWidth(120) == plain.heightForWidth(120)


def test_a_jump_lays_the_status_line_s_text_out_once_per_width(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    laid_out: Counter[tuple[str, int]] = Counter()
    measure = StatusLabel._measure

    def counted(label: StatusLabel, width: int) -> int:
        laid_out[(label.accessibleName(), width)] += 1
        return measure(label, width)

    monkeypatch.setattr(StatusLabel, "_measure", counted)
    assert isinstance(window.status_label, StatusLabel)
    assert isinstance(window.message_label, StatusLabel)
    for segment in (3, 1, 4):
        laid_out.clear()
        before = window.status_label.text()
        window.jump_to_segment(segment)
        qtbot.wait(30)  # the layouts the new texts asked for
        assert window.status_label.text() != before
        assert laid_out, "the status line's layouts asked no height"
        assert max(laid_out.values()) == 1, laid_out
