"""Dialogs: the keyboard map, the bookmark list, story file errors and a one-field question.

The keyboard map sits in a read-only text edit with keyboard text interaction so
screen readers read it as text, line by line.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from player.core.settings import Bookmark
from player.gui.keymap import keyboard_map_text


class AskDialog(QDialog):
    """A title, a labelled field (its label is its buddy and its accessible name) and
    OK/Cancel; ``text()`` is what the reader typed."""

    def __init__(
        self,
        parent: QWidget | None,
        title: str,
        label: str,
        *,
        text: str = "",
        hint: str = "",
        ok: str = "OK",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        prompt = QLabel(label)
        self.field = QLineEdit(text)
        self.field.setAccessibleName(label.replace("&", "").rstrip(":"))
        if hint:
            self.field.setAccessibleDescription(hint)
            self.field.setPlaceholderText(hint)
        prompt.setBuddy(self.field)
        self.field.selectAll()
        layout.addWidget(prompt)
        layout.addWidget(self.field)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok_button.setText(ok)
        ok_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.field.setFocus(Qt.FocusReason.OtherFocusReason)

    def text(self) -> str:
        return self.field.text()


class KeyboardDialog(QDialog):
    """Help > Keyboard: every key, as text the reader can move through."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard")
        layout = QVBoxLayout(self)
        label = QLabel("&Keys:")
        self.text = QPlainTextEdit(keyboard_map_text())
        self.text.setReadOnly(True)
        self.text.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByKeyboard
            | Qt.TextInteractionFlag.TextSelectableByMouse
        )
        self.text.setAccessibleName("Keyboard map")
        label.setBuddy(self.text)
        layout.addWidget(label)
        layout.addWidget(self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(640, 520)
        self.text.setFocus()


class BookmarkDialog(QDialog):
    """The story's bookmarks: Go (Enter) or Delete."""

    def __init__(self, marks: Sequence[Bookmark], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Bookmarks")
        self.chosen: Bookmark | None = None
        self.deleted: list[Bookmark] = []
        layout = QVBoxLayout(self)
        label = QLabel("&Bookmarks:")
        self.list = QListWidget()
        self.list.setAccessibleName("Bookmarks")
        label.setBuddy(self.list)
        for mark in marks:
            item = QListWidgetItem(mark.name)
            item.setData(Qt.ItemDataRole.UserRole, mark)
            self.list.addItem(item)
        if marks:
            self.list.setCurrentRow(0)
        layout.addWidget(label)
        layout.addWidget(self.list)
        self.empty = QLabel("No bookmarks yet. Press Ctrl+B in the text to add one.")
        self.empty.setVisible(not marks)
        layout.addWidget(self.empty)
        buttons = QDialogButtonBox()
        self.go = QPushButton("&Go")
        self.go.setDefault(True)
        self.delete = QPushButton("&Delete")
        buttons.addButton(self.go, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.delete, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.go.clicked.connect(self._go)
        self.delete.clicked.connect(self._delete)
        self.list.itemActivated.connect(lambda _item: self._go())
        layout.addWidget(buttons)
        self._update_buttons()
        self.list.setFocus()

    def _current(self) -> Bookmark | None:
        item = self.list.currentItem()
        mark = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return mark if isinstance(mark, Bookmark) else None

    def _update_buttons(self) -> None:
        has = self.list.count() > 0
        self.go.setEnabled(has)
        self.delete.setEnabled(has)
        self.empty.setVisible(not has)

    def _go(self) -> None:
        self.chosen = self._current()
        if self.chosen is not None:
            self.accept()

    def _delete(self) -> None:
        mark = self._current()
        if mark is None:
            return
        self.deleted.append(mark)
        self.list.takeItem(self.list.currentRow())
        self._update_buttons()
        self.list.setFocus()


def story_error_text(path: Path | str, problems: Sequence[object]) -> tuple[str, str]:
    """Headline and details for a story that could not be opened."""
    name = Path(path).name
    lines = []
    for problem in problems:
        line = getattr(problem, "line", 0)
        message = getattr(problem, "message", str(problem))
        lines.append(f"Line {line}: {message}" if line else str(message))
    return f"{name} could not be opened.", f"File: {path}\n" + "\n".join(lines)


def show_story_error(
    parent: QWidget | None, path: Path | str, problems: Sequence[object]
) -> QMessageBox:
    """A modal error naming the file and each problem's line; the current story stays open."""
    headline, details = story_error_text(path, problems)
    box = QMessageBox(parent)
    # One box per refused story: gone once read, not kept for the window's lifetime.
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle("Story could not be opened")
    box.setText(headline)
    # Details in the informative text (not the collapsed "details" area) so they are read at once.
    box.setInformativeText(details)
    box.setTextInteractionFlags(
        Qt.TextInteractionFlag.TextSelectableByKeyboard
        | Qt.TextInteractionFlag.TextSelectableByMouse
    )
    box.open()
    return box
