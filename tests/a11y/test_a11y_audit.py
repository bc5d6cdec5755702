"""The audit helper finds what it should, and the real window passes it."""

from __future__ import annotations

import a11y_env  # noqa: F401  (offscreen Qt, throwaway settings: before any window)
import pytest
from a11y_audit import accessible_summary, audit_widget_tree
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTextBrowser,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot


def _form(qtbot: QtBot) -> tuple[QWidget, QVBoxLayout]:
    root = QWidget()
    qtbot.addWidget(root)
    return root, QVBoxLayout(root)


def test_a_well_labelled_form_passes(qtbot: QtBot) -> None:
    root, layout = _form(qtbot)
    field = QLineEdit()
    label = QLabel("&Name:")
    label.setBuddy(field)
    button = QPushButton("Save")
    rate = QSpinBox()
    rate.setAccessibleName("Rate")
    pane = QTextEdit()
    pane.setReadOnly(True)
    pane.setAccessibleName("Story text")
    from PySide6.QtCore import Qt

    pane.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
    for w in (label, field, button, rate, pane):
        layout.addWidget(w)
    assert audit_widget_tree(root) == []


def test_the_audit_finds_each_kind_of_problem(qtbot: QtBot) -> None:
    root, layout = _form(qtbot)
    unnamed = QPushButton("")
    orphan = QLabel("&Volume:")
    browser = QTextBrowser()
    browser.setAccessibleName("Help")
    mute = QTextEdit()
    mute.setReadOnly(True)
    mute.setAccessibleName("Log")
    for w in (unnamed, orphan, browser, mute):
        layout.addWidget(w)
    problems = "\n".join(audit_widget_tree(root))
    assert "no accessible name" in problems
    assert "no buddy" in problems
    assert "text browser" in problems
    assert "cannot read it" in problems


def test_hidden_widgets_are_not_audited(qtbot: QtBot) -> None:
    root, layout = _form(qtbot)
    hidden = QPushButton("")
    layout.addWidget(hidden)
    hidden.hide()
    assert audit_widget_tree(root) == []


def test_the_real_window_passes_the_audit(qtbot: QtBot) -> None:
    """The window as the app builds it (speech left out: it is not needed to audit)."""
    app_module = pytest.importorskip("player.gui.app")
    from player.platform.folders import settings_locations

    window = app_module.MainWindow(
        app_module.Settings.load(settings_locations(), memory_only=True),
        playback_factory=None,
        voice_lister=None,
    )
    qtbot.addWidget(window)
    for path in app_module.first_story(None, window.settings):
        if window.open_story(path):
            break
    window.show()
    qtbot.waitExposed(window)
    rows = accessible_summary(window)
    assert any(name == "Story text" for _, _, name in rows), rows
    assert audit_widget_tree(window) == []
