"""File > Library: the stories of the library folder in a list a reader picks from.

Each row reads, to the eye and to a screen reader alike, as
:meth:`~player.core.library.LibraryEntry.describe` gives it: title, kind of content
and length, or the problem that keeps a broken story from opening. The bundled
story is always first. Scanning reads and parses every story file, so it runs on a
worker thread (:func:`~player.gui.background.run_in_background`, which also keeps a
dialog closed meanwhile from being touched); the list says "Looking for stories…"
meanwhile.

Enter (or the default button, Open) opens the current story. A broken story stays
in the list so the reader learns why it is not there to read; choosing it says so.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from pathlib import Path
from typing import Protocol

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from player.core.library import LibraryEntry, library_folder, scan_library, story_names
from player.core.model import Story
from player.core.settings import Settings
from player.gui.background import Generation, run_in_background
from player.platform.folders import default_library_folder

log = logging.getLogger(__name__)

Scanner = Callable[[Iterable[Path]], list[LibraryEntry]]
ENTRY_ROLE = Qt.ItemDataRole.UserRole


class LibraryHost(Protocol):
    """What the library list needs of the window it opens over (the main window).

    A protocol rather than the window's class: the window imports this module, and
    this module must not import the window back.
    """

    @property
    def settings(self) -> Settings: ...

    @property
    def story(self) -> Story | None: ...

    @property
    def pane(self) -> QWidget: ...

    def open_story_in_background(self, path: Path | str) -> None: ...

    def activateWindow(self) -> None: ...


class LibraryDialog(QDialog):
    """The library list: Open (Enter) or Close."""

    story_chosen = Signal(object)  # Path

    def __init__(
        self,
        folder: Path,
        parent: QWidget | None = None,
        *,
        current: Path | None = None,
        scanner: Scanner = scan_library,
        workstation: bool = False,
    ) -> None:
        super().__init__(parent)
        self.folder = folder
        self.current = current.resolve() if current is not None else None
        self.scanner = scanner
        self.entries: list[LibraryEntry] = []
        self.scanning = False
        self._chosen = False
        self.setWindowTitle("Library")
        self.setObjectName("library-dialog")

        layout = QVBoxLayout(self)
        label = QLabel("&Stories:")
        self.list = QListWidget()
        self.list.setObjectName("library-list")
        self.list.setAccessibleName("Stories")
        self.list.setAccessibleDescription("Press Enter to open the story")
        # Whole rows, wrapped: a row cut off with "…" hides the length from a magnifier user.
        self.list.setWordWrap(True)
        label.setBuddy(self.list)
        self.status = QLabel("")
        self.status.setObjectName("library-status")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(label)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.status)
        if workstation:
            note = QLabel(
                "On this workstation stories open from this list only. Your place, bookmarks "
                "and settings are forgotten when you finish or leave the player alone."
            )
            note.setWordWrap(True)
            layout.addWidget(note)

        buttons = QDialogButtonBox()
        self.open_button = QPushButton("&Open")
        self.open_button.setDefault(True)
        self.open_button.setAutoDefault(True)
        buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.AcceptRole)
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setAutoDefault(False)
        buttons.rejected.connect(self.reject)
        self.open_button.clicked.connect(self.open_current)
        # Enter on a row activates it; the dialog's default button would open it again, so
        # both go through open_current, which acts once.
        self.list.itemActivated.connect(lambda _item: self.open_current())
        self.list.currentItemChanged.connect(lambda *_: self._update_buttons())
        layout.addWidget(buttons)

        # A rescan while one runs: only the newer list is shown.
        self._scans = Generation()
        self.resize(720, 460)
        self.list.setFocus(Qt.FocusReason.OtherFocusReason)
        self._update_buttons()
        self.rescan()

    # Scanning

    def rescan(self) -> None:
        """Scan the folder again on a worker thread; the list fills when it is done."""
        self.scanning = True
        self.status.setText(f"Looking for stories in {self.folder}…")
        folders = [self.folder]
        scanner = self.scanner  # the worker gets what it needs, never the dialog
        run_in_background(
            lambda: scanner(folders),
            self._collect,
            receiver=self,
            generation=self._scans,
            name="library-scan",
        )

    def _collect(self, future: Future[list[LibraryEntry]]) -> None:
        self.scanning = False
        error = future.exception()
        if error is not None:
            log.warning("the library could not be read: %s", error)
            self.status.setText(f"The library could not be read: {error or type(error).__name__}")
            self._announce(self.status.text())
            return
        self.set_entries(future.result())

    def set_entries(self, entries: list[LibraryEntry]) -> None:
        """Fill the list; the current story (or the first) becomes the current row."""
        self.entries = list(entries)
        self.list.clear()
        warning = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        select = 0
        names = story_names([(e.path, e.title) for e in self.entries])
        for row, entry in enumerate(self.entries):
            text = entry.describe(names[row])
            item = QListWidgetItem(text)
            # Set explicitly: screen readers read this, and it must stay describe() even if the
            # display text ever gains decoration.
            item.setData(Qt.ItemDataRole.AccessibleTextRole, text)
            item.setData(ENTRY_ROLE, row)
            item.setToolTip(str(entry.path))
            if not entry.ok:
                item.setIcon(warning)
            self.list.addItem(item)
            if self.current is not None and entry.path.resolve() == self.current:
                select = row
        if self.entries:
            self.list.setCurrentRow(select)
        usable = sum(1 for e in self.entries if e.ok)
        broken = len(self.entries) - usable
        parts = [f"{usable} {'story' if usable == 1 else 'stories'}"]
        if broken:
            parts.append(f"{broken} cannot be opened")
        where = (
            f"Library folder: {self.folder}"
            if self.folder.is_dir()
            else f"The library folder {self.folder} does not exist; only the bundled story is here"
        )
        self.status.setText(f"{', '.join(parts)}. {where}.")
        self._update_buttons()

    # Choosing

    def current_entry(self) -> LibraryEntry | None:
        # Rows and entries share their order; a row number avoids currentItem(), whose None
        # (an empty list) costs a reference to None with PySide6 6.12 on Python 3.11.
        row = self.list.currentRow()
        return self.entries[row] if 0 <= row < len(self.entries) else None

    def _update_buttons(self) -> None:
        entry = self.current_entry()
        self.open_button.setEnabled(entry is not None and entry.ok)

    def open_current(self) -> None:
        """Open the current story; a broken one is explained instead."""
        if self._chosen:
            return
        entry = self.current_entry()
        if entry is None:
            return
        if not entry.ok:
            text = entry.describe()
            self.status.setText(text)
            self._announce(text)
            return
        self._chosen = True
        self.accept()
        self.story_chosen.emit(entry.path)

    def _announce(self, text: str) -> None:
        QAccessible.updateAccessibility(QAccessibleAnnouncementEvent(self, text))


def show_library(window: LibraryHost, *, workstation: bool = False) -> LibraryDialog:
    """Open the library list over ``window`` (window-modal, without a nested event loop)."""
    existing = getattr(window, "library_dialog", None)
    # The list deletes itself on close; the window's reference then names a dead object.
    if isinstance(existing, LibraryDialog) and shiboken6.isValid(existing) and existing.isVisible():
        existing.raise_()
        existing.activateWindow()
        existing.list.setFocus(Qt.FocusReason.OtherFocusReason)
        return existing
    folder = library_folder(
        str(window.settings.get("library_folder")),
        getattr(window, "library_folder_override", None),
        default=default_library_folder(),
    )
    current = Path(window.story.path) if window.story and window.story.path else None
    parent = window if isinstance(window, QWidget) else None
    dialog = LibraryDialog(folder, parent, current=current, workstation=workstation)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.story_chosen.connect(window.open_story_in_background)

    def back_to_text() -> None:
        # Without a window manager (kiosk sessions) focus would otherwise be lost.
        window.activateWindow()
        window.pane.setFocus(Qt.FocusReason.OtherFocusReason)

    dialog.finished.connect(lambda _result: back_to_text())
    dialog.open()
    return dialog
