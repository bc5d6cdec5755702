"""Dialogs are deleted once closed: a window that lives all day does not collect them."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from player.gui.window import MainWindow

pytestmark = pytest.mark.timeout(30)


def _dialogs(window: MainWindow) -> list[QDialog]:
    return window.findChildren(QDialog)


def _close_the_next_dialog(outcome: list[str]) -> QTimer:
    """A timer that closes the modal dialog the next command opens (its exec() blocks)."""

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QDialog) and dialog.isVisible():
            outcome.append(type(dialog).__name__)
            timer.stop()
            dialog.reject()

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(poll)
    timer.start()
    return timer


@pytest.mark.parametrize("command", ["list_bookmarks", "keyboard_help"])
def test_a_closed_dialog_is_deleted(qtbot: QtBot, window: MainWindow, command: str) -> None:
    assert _dialogs(window) == []
    for _ in range(3):
        outcome: list[str] = []
        timer = _close_the_next_dialog(outcome)
        window.actions_by_id[command].trigger()
        timer.stop()
        assert len(outcome) == 1
    qtbot.waitUntil(lambda: _dialogs(window) == [], timeout=5_000)


def test_a_story_error_is_deleted_once_read(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    bad = tmp_path / "broken.txt"
    bad.write_text("no story here\n", encoding="utf-8")
    for _ in range(3):
        assert window.open_story(bad) is False
        box = window.error_box
        assert box is not None
        qtbot.waitUntil(box.isVisible)
        box.close()
    qtbot.waitUntil(lambda: _dialogs(window) == [], timeout=5_000)
