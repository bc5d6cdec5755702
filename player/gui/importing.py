"""File > Import… and files dropped on the window: a saved page becomes a story in the library.

:class:`ImportCommands` is the part of :class:`~player.gui.window.MainWindow` that
imports. The import is ``story-player import --json`` in a child process
(:class:`~player.core.importer.child.ImportRun`), which writes a new folder in the
library folder (never over a story already there) and reads it back for review; a
worker thread only waits on it. On a thread of this process, the importer's long calls
into lxml and trafilatura held the interpreter lock and stalled the GUI thread for up
to 0.2 s. The GUI thread only starts the import and takes its outcome; closing the
window ends an import still running. Then :class:`~player.gui.review.ReviewDialog`
shows the proposed segment kinds and titles; Save rewrites the headings (on a worker
thread) and opens the story, Cancel opens it as imported. What goes wrong is said in
words in a message box.

On a library workstation there is no importing: the command is hidden and disabled
and drops are refused (patrons must not add files to the shared library).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QMimeData, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QWidget

from player.core.library import library_folder
from player.gui.background import Generation, run_in_background

if TYPE_CHECKING:
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QMessageBox

    from player.core.importer.child import ImportRun
    from player.core.playback.api import Playback
    from player.core.review import Heading, Review
    from player.core.settings import Settings
    from player.gui.reading import ReadingPane
    from player.gui.review import ReviewDialog

log = logging.getLogger(__name__)

# The importer, the review and its dialog load on first use: nothing the window's first
# paint needs (17 ms of imports at start-up otherwise).
FILE_FILTER = (
    "Saved pages, Markdown and text (*.html *.htm *.xhtml *.mhtml *.mht *.md *.markdown "
    "*.txt *.text);;All files (*)"
)
REFUSED = "Importing stories is turned off on this computer by the library"


def importable_paths(mime: QMimeData) -> Iterator[Path]:
    """The local files among dropped data that the importer reads (by their suffix)."""
    from player.core.importer import (
        HTML_SUFFIXES,
        MARKDOWN_SUFFIXES,
        MHTML_SUFFIXES,
        TEXT_SUFFIXES,
    )

    importable = HTML_SUFFIXES + MHTML_SUFFIXES + TEXT_SUFFIXES + MARKDOWN_SUFFIXES
    for url in mime.urls() if mime.hasUrls() else []:
        if url.isLocalFile():
            path = Path(url.toLocalFile())
            if path.suffix.lower() in importable:
                yield path


def hide_import(window: ImportCommands) -> None:
    """A workstation's window: no Import… command and no drops."""
    action = window.actions_by_id["import"]
    action.setEnabled(False)
    action.setVisible(False)
    window.setAcceptDrops(False)


class ImportCommands:
    """Importing in the window (a base of :class:`~player.gui.window.MainWindow`)."""

    if TYPE_CHECKING:  # made by the window
        settings: Settings
        library_only: bool
        library_folder_override: Path | None
        actions_by_id: dict[str, QAction]
        pane: ReadingPane

        @property
        def playback(self) -> Playback | None: ...
        def notify(self, text: str, *, announce: bool = True, event: bool = True) -> None: ...
        def show_message(self, text: str) -> None: ...
        def open_story_in_background(self, path: Path | str) -> None: ...
        def activateWindow(self) -> None: ...
        def setAcceptDrops(self, on: bool) -> None: ...

    #: the review of the last import, while it is open
    review_dialog: ReviewDialog | None = None
    #: the last import's or save's error, while it is shown
    import_box: QMessageBox | None = None
    _imports: Generation | None = None
    #: the imports whose child process may still run (the newest last)
    import_runs: tuple[ImportRun, ...] = ()
    #: where the file dialog opens next: the folder of the last file imported (this session)
    _import_start: str = ""

    def _widget(self) -> QWidget | None:
        """The window this is a base of, as the parent of its dialogs and worker results."""
        return self if isinstance(self, QWidget) else None

    def cmd_import(self) -> None:
        if self.library_only:
            self.notify(REFUSED)
            return
        # Dialogs' classes are imported where used: the window's start does not need them.
        from PySide6.QtWidgets import QFileDialog

        path, _ = QFileDialog.getOpenFileName(
            self._widget(), "Import a Story", self._start_folder(), FILE_FILTER
        )
        if path:
            self._import_start = str(Path(path).parent)
            self.import_in_background(Path(path))

    def _start_folder(self) -> str:
        """The last import's folder, else Downloads, where browsers save pages."""
        if self._import_start:
            return self._import_start
        from PySide6.QtCore import QStandardPaths

        downloads = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DownloadLocation
        )
        return downloads if downloads and Path(downloads).is_dir() else ""

    def import_folder(self) -> Path:
        """Where imports go: the library folder, as ``story-player import`` writes by default."""
        from player.platform.folders import default_library_folder

        return library_folder(
            str(self.settings.get("library_folder")),
            self.library_folder_override,
            default=default_library_folder(),
        )

    def import_in_background(self, source: Path) -> None:
        """Import ``source`` in a child process (a worker thread waits on it), then show
        its review."""
        if self.library_only:
            self.notify(REFUSED)
            return
        from player.core.importer.child import ImportRun

        if self._imports is None:
            self._imports = Generation()
        run = ImportRun(source, self.import_folder())
        self.import_runs = (*(r for r in self.import_runs if not r.finished.is_set()), run)
        self.notify(f"Importing {source.name}…")

        def done(future: Future[Review]) -> None:
            self._imported(source, future)

        run_in_background(
            run.run,
            done,
            receiver=self._widget(),
            generation=self._imports,
            name="story-import",
        )

    def stop_import(self) -> None:
        """End every import still running (the window is closing): no child outlives it."""
        runs, self.import_runs = self.import_runs, ()
        for run in runs:
            run.stop()

    def _imported(self, source: Path, future: Future[Review]) -> None:
        from player.core.importer import ImportFailure
        from player.core.importer.child import ImportStopped
        from player.core.review import ReviewFailure, voice_note
        from player.gui.review import ReviewDialog

        try:
            review = future.result()
        except ImportStopped:
            log.info("the import of %s was stopped", source)  # the window closed: no message
            return
        except (ImportFailure, ReviewFailure) as exc:
            self.show_import_error(f"{source.name} could not be imported.", str(exc))
            return
        except Exception as exc:  # any failure is told in words, never as a traceback
            log.exception("importing %s failed", source)
            self.show_import_error(f"{source.name} could not be imported.", str(exc))
            return
        self.show_message(f"Imported as {review.path.parent}")
        playback = self.playback
        note = voice_note(playback.voices if playback is not None else [], review.language)
        dialog = ReviewDialog(review, note, self._widget())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._save_review(review, dialog.headings()))
        dialog.rejected.connect(lambda: self._open_imported(review.path))
        dialog.finished.connect(lambda _result: self._review_closed())
        self.review_dialog = dialog
        dialog.open()

    def _save_review(self, review: Review, headings: list[Heading]) -> None:
        from player.core.review import ReviewFailure, rewrite_headings

        path = review.path

        def saved(future: Future[bool]) -> None:
            try:
                future.result()
            except ReviewFailure as exc:
                self.show_import_error(
                    f"The changes to {path.parent.name} could not be saved.", str(exc)
                )
                return
            self._open_imported(path)

        run_in_background(
            lambda: rewrite_headings(path, headings),
            saved,
            receiver=self._widget(),
            name="story-review",
        )

    def _review_closed(self) -> None:
        self.review_dialog = None  # it deletes itself on close
        # Without a window manager (kiosks, Xvfb) focus would otherwise be lost.
        self.activateWindow()
        self.pane.setFocus(Qt.FocusReason.OtherFocusReason)

    def _open_imported(self, path: Path) -> None:
        self.open_story_in_background(path)

    def show_import_error(self, headline: str, details: str) -> None:
        """A message box the screen reader reads: what failed, then why in words."""
        old = self.import_box
        if old is not None and shiboken6.isValid(old):
            old.close()
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(self._widget())
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Import")
        box.setText(headline)
        box.setInformativeText(details)
        box.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByKeyboard
            | Qt.TextInteractionFlag.TextSelectableByMouse
        )
        self.show_message(headline)
        self.import_box = box
        box.open()

    # Drops

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if not self.library_only and any(importable_paths(event.mimeData())):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if not self.library_only and any(importable_paths(event.mimeData())):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = list(importable_paths(event.mimeData()))
        if self.library_only or not paths:
            event.ignore()
            if self.library_only:
                self.notify(REFUSED)
            return
        event.acceptProposedAction()
        if len(paths) > 1:
            self.notify(f"Importing only the first of {len(paths)} files")
        self.import_in_background(paths[0])
