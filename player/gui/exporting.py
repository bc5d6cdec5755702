"""File > Export… carried out: the dialog, then the export on a worker thread with a progress
dialog, and the outcome told to the reader.

The export uses the choices the window reads with: the reader's voice for the story's
language (or the playback's voice), the ``second_voice`` setting for quotations and
posts, and the reader's rate. It runs off the GUI thread with its own synthesizer (made
and closed in the worker: the playback's engine keeps reading meanwhile), so the window
stays responsive; progress comes back through :func:`~player.gui.background.deliver_to`
and the result through :func:`~player.gui.background.run_in_background`. Cancel is
asked between sentences (:class:`~player.core.export.audio.ExportCancelled`).

On a library workstation export is off unless the administrator set ``export_folder``;
then it writes into that folder only (see :mod:`player.gui.export_dialog`).
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, cast

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressBar, QProgressDialog, QWidget

from player.core.export.audio import ExportCancelled
from player.core.model import Story
from player.gui.background import deliver_to, run_in_background
from player.gui.export_dialog import ExportDialog, ExportFormat, ExportRequest, default_folder

if TYPE_CHECKING:
    from PySide6.QtGui import QAction

    from player.core.playback.api import Playback
    from player.core.session import ReadingSession
    from player.core.settings import Settings
    from player.core.speech.export import ExportResult
    from player.gui.announce import Announcer

log = logging.getLogger(__name__)

#: progress is announced to the screen reader at these percentages
ANNOUNCED_STEPS = (25, 50, 75)


class ExportHost(Protocol):
    """What an export needs of the window it runs from (the main window, a QWidget).

    A protocol rather than the window's class: the window imports this module, and
    this module must not import the window back.
    """

    settings: Settings
    session: ReadingSession
    library_only: bool
    actions_by_id: dict[str, QAction]
    announcer: Announcer

    @property
    def story(self) -> Story | None: ...

    @property
    def playback(self) -> Playback | None: ...

    def notify(self, text: str, *, announce: bool = True, event: bool = True) -> None: ...

    def show_message(self, text: str) -> None: ...

    def announce(self, text: str) -> None: ...


@dataclass(frozen=True)
class ExportJob:
    """Everything the worker needs, taken from the window on the GUI thread."""

    story: Story
    request: ExportRequest
    voice: str  # the reader's voice; "" or unknown to the engine: its best for the language
    second_voice: str  # the ``second_voice`` setting: "", "off" or a voice id
    rate: int
    #: a folder that must already be there (a workstation's USB stick): never created
    must_exist: Path | None = None


def export_folder(window: ExportHost) -> Path | None:
    """A workstation's export folder; None when export is off there (or not a workstation)."""
    if not window.library_only:
        return None
    folder = str(window.settings.get("export_folder")).strip()
    return Path(folder).expanduser() if folder else None


def export_allowed(window: ExportHost) -> bool:
    """Export is always there on a desktop; on a workstation only with an export folder."""
    return not window.library_only or export_folder(window) is not None


def update_export_action(window: ExportHost) -> None:
    """Enable File > Export… where it is allowed (called when a workstation sets up a window)."""
    action = window.actions_by_id["export"]
    allowed = export_allowed(window)
    action.setEnabled(allowed)
    action.setStatusTip(
        action.toolTip() if allowed else "Export is turned off on this computer by the library"
    )


def run_job(
    job: ExportJob, progress: Callable[[int, int], None], cancelled: Callable[[], bool]
) -> ExportResult:
    """The export itself, on the worker thread; raises OSError, ExportCancelled,
    NoSpeechEngine or SpeechError for the GUI thread to report."""
    from player.core import speech
    from player.core.export.audio import voice_table
    from player.core.playback.voices import (
        SECOND_VOICE_BLOCKS,
        UnknownVoiceError,
        second_voice_for,
    )

    if job.must_exist is not None and not job.must_exist.is_dir():
        raise FileNotFoundError(2, "the folder is not there (is the USB stick plugged in?)")
    synth = speech.create_synthesizer()
    try:
        voices = synth.voices()
        main = job.voice
        if not any(v.id == main for v in voices):
            best = speech.best_voice(voices, job.story.meta.language)
            if best is None:
                raise speech.SpeechError("the speech engine has no voices")
            main = best.id
        try:
            second = second_voice_for(voices, main, job.second_voice)
        except UnknownVoiceError:
            second = None  # as in the window: a stored voice this engine lacks reads as main
        block_voices = dict.fromkeys(SECOND_VOICE_BLOCKS, second) if second else None
        table = voice_table(job.story, voices, main, block_voices)
        request = job.request
        if request.format is ExportFormat.EPUB:
            from player.core.export.epub import export_epub

            return export_epub(
                job.story,
                synth,
                request.destination,
                table,
                job.rate,
                progress=progress,
                cancelled=cancelled,
            )
        from player.core.export.audiobook import export_mp3

        return export_mp3(
            job.story,
            synth,
            request.destination,
            table,
            job.rate,
            single_file=request.format is ExportFormat.MP3_BOOK,
            progress=progress,
            cancelled=cancelled,
        )
    finally:
        synth.close()


class ExportRun:
    """One export under way: its progress dialog, its cancel flag, its outcome."""

    def __init__(self, window: ExportHost, job: ExportJob) -> None:
        self.window = window
        self.job = job
        self.cancel_event = threading.Event()
        self.done = False
        self.error_box: QMessageBox | None = None
        self._announced: set[int] = set()
        destination = job.request.destination
        # An MP3 folder that is not there yet is made by the export: gone again if it fails.
        self._made_folder = not job.request.format.is_file and not destination.exists()
        self.progress = QProgressDialog(
            f"Exporting “{job.story.meta.title}” as {job.request.format.short}…",
            "&Cancel",
            0,
            100,
            cast(QWidget, window),
        )
        bar = QProgressBar()
        bar.setAccessibleName("Export progress")
        self.progress.setBar(bar)
        self.progress.setWindowTitle("Exporting")
        self.progress.setAccessibleName("Exporting")
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setAutoClose(False)
        self.progress.setAutoReset(False)
        self.progress.setMinimumDuration(0)
        self.progress.setValue(0)
        self.progress.canceled.connect(self.cancel)
        post = deliver_to(self._show_progress, receiver=self.progress)
        last = [-1]

        def progress(done: int, total: int) -> None:
            # Once per percent, not per sentence: each post is an event on the GUI thread.
            percent = done * 100 // total if total else 100
            if percent != last[0]:
                last[0] = percent
                post(percent)

        cancelled = self.cancel_event.is_set  # the worker holds the flag, not this object

        self.thread = run_in_background(
            lambda: run_job(job, progress, cancelled),
            self._finished,
            receiver=cast(QWidget, window),
            name="export",
        )
        self.progress.show()

    def cancel(self) -> None:
        """Cancel (the progress dialog's button, or Esc): the worker stops at the next sentence."""
        self.cancel_event.set()

    def _show_progress(self, percent: int) -> None:
        if self.done or self.cancel_event.is_set():
            return
        self.progress.setValue(percent)
        step = max((s for s in ANNOUNCED_STEPS if s <= percent), default=0)
        if step and step not in self._announced:
            self._announced.add(step)
            self.window.announce(f"Export {step} percent")

    def _finished(self, future: Future[ExportResult]) -> None:
        self.done = True
        self.progress.canceled.disconnect(self.cancel)
        self.progress.close()
        self.progress.deleteLater()
        window = self.window
        request = self.job.request
        try:
            result = future.result()
        except ExportCancelled:
            self._remove_made_folder()
            window.notify("Export cancelled")
            return
        except Exception as exc:  # every failure is told, none as a traceback
            self._remove_made_folder()
            if not isinstance(exc, OSError):
                log.warning("export to %s failed", request.destination, exc_info=True)
            self._fail(exc)
            return
        where = result.files[0] if len(result.files) == 1 else request.destination
        text = f"Exported “{self.job.story.meta.title}” as {request.format.short} to {where}"
        if result.failures:
            count = len(result.failures)
            text += f"; {count} sentence{'s were' if count != 1 else ' was'} left out"
        window.notify(text)

    def _fail(self, exc: BaseException) -> None:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        if exc.__class__.__name__ == "NoSpeechEngine":
            reason = f"speech is not available: {reason}"
        destination = self.job.request.destination
        text = f"{destination} could not be written: {reason}"
        box = QMessageBox(cast(QWidget, self.window))
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle("Export failed")
        box.setText(text)
        box.open()
        self.error_box = box
        self.window.show_message(text)
        self.window.announcer.error(text)

    def _remove_made_folder(self) -> None:
        folder = self.job.request.destination
        if self._made_folder and folder.is_dir():
            with contextlib.suppress(OSError):  # not empty: something else wrote there
                folder.rmdir()


def start_export(window: ExportHost) -> ExportRun | None:
    """File > Export…: ask, then start the export; None when nothing was started."""
    story = window.story
    if story is None or not story.refs:
        window.notify("There is no story to export")
        QApplication.beep()
        return None
    if not export_allowed(window):
        window.notify("Export is turned off on this computer by the library")
        QApplication.beep()
        return None
    fixed = export_folder(window)
    start = default_folder(str(window.settings.get("export_folder")))
    playback = window.playback
    reading_voice = window.session.voice_choice() or (
        playback.voice if playback is not None else ""
    )
    voices = [(v.id, v.name) for v in playback.voices] if playback is not None else []
    dialog = ExportDialog(
        story.meta.title,
        start,
        fixed_folder=fixed,
        voices=voices,
        voice=reading_voice,
        rate=window.settings.rate,
        parent=cast(QWidget, window),
    )
    try:
        if dialog.exec() != ExportDialog.DialogCode.Accepted:
            return None
        request = dialog.request()
    finally:
        dialog.deleteLater()
    if request is None:
        return None
    job = ExportJob(
        story=story,
        request=request,
        voice=request.voice,
        second_voice=str(window.settings.get("second_voice")),
        rate=request.rate,
        must_exist=fixed,
    )
    return ExportRun(window, job)
