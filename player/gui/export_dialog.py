"""File > Export…: the dialog that asks what to export (format) and where (file or folder).

The formats are the talking books of :mod:`player.core.export`: an EPUB 3 with the audio
synchronized to the text, an MP3 per segment with a playlist, or one MP3 with a chapter
per segment. An EPUB is a file (its name taken from the story's title); the MP3s go into
a folder named after the story inside the folder chosen.

On a library workstation there is no file dialog (it would browse the whole computer and
record recent folders): the export goes into the folder the administrator set
(``export_folder``), shown but not editable.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from player.core.options import MAX_RATE_WPM, MIN_RATE_WPM, RATE_STEP_WPM
from player.core.playback.api import DEFAULT_RATE_WPM
from player.core.speech.export import slug


class ExportFormat(enum.Enum):
    """What File > Export writes; the value is the text the reader chooses from."""

    EPUB = "EPUB 3 talking book (text with synchronized audio)"
    MP3_SEGMENTS = "MP3, one file per segment, with a playlist"
    MP3_BOOK = "One MP3 with a chapter per segment"

    @property
    def is_file(self) -> bool:
        """Whether the destination is the file itself (else a folder the files go into)."""
        return self is ExportFormat.EPUB

    @property
    def short(self) -> str:
        """The format as said in messages ("Exported … as …")."""
        return {
            ExportFormat.EPUB: "an EPUB 3 talking book",
            ExportFormat.MP3_SEGMENTS: "MP3 files",
            ExportFormat.MP3_BOOK: "an MP3 with chapters",
        }[self]


@dataclass(frozen=True)
class ExportRequest:
    """The reader's answer: the format and where it goes (the .epub file, or the folder
    the MP3s are written into)."""

    format: ExportFormat
    destination: Path
    voice: str = ""  # "" : the engine's best voice for the story's language
    rate: int = DEFAULT_RATE_WPM


def destination_for(folder: Path, title: str, export_format: ExportFormat) -> Path:
    """Where ``export_format`` of the story titled ``title`` goes inside ``folder``."""
    name = slug(title, 60) if title.strip() else "story"
    return folder / (f"{name}.epub" if export_format.is_file else name)


def default_folder(export_folder: str) -> Path:
    """The folder the dialog starts in: the ``export_folder`` setting, else Documents."""
    if export_folder:
        return Path(export_folder).expanduser()
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(documents) if documents else Path.home()


class ExportDialog(QDialog):
    """Format and destination; Export (Enter) or Cancel (Esc).

    ``fixed_folder`` (a workstation's export folder) takes the place of the file dialog:
    the destination is shown inside it and cannot be changed.
    """

    def __init__(
        self,
        title: str,
        start_folder: Path,
        *,
        fixed_folder: Path | None = None,
        voices: list[tuple[str, str]] | None = None,
        voice: str = "",
        rate: int = DEFAULT_RATE_WPM,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export")
        self.story_title = title
        self.fixed_folder = fixed_folder
        self._folder = fixed_folder if fixed_folder is not None else start_folder
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"Export “{title}”. The voice and rate start as you read it; quotations and "
            "posts keep the voice you chose for them."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        layout.addLayout(form)

        self.format = QComboBox()
        for export_format in ExportFormat:
            self.format.addItem(export_format.value, export_format)
        self.format.setAccessibleName("Format")
        self.format_label = QLabel("&Format:")
        self.format_label.setBuddy(self.format)
        form.addRow(self.format_label, self.format)

        self.destination = QLineEdit()
        self.destination.setAccessibleName("Save as")
        self.destination_label = QLabel("&Save as:")
        self.destination_label.setBuddy(self.destination)
        row = QHBoxLayout()
        row.addWidget(self.destination, 1)
        self.browse: QPushButton | None = None
        if fixed_folder is None:
            self.browse = QPushButton("&Browse…")
            self.browse.setAccessibleDescription("Choose the file or folder in a file dialog")
            self.browse.clicked.connect(self._browse)
            row.addWidget(self.browse)
        else:
            self.destination.setReadOnly(True)
            self.destination.setAccessibleDescription(
                "Exports on this computer go to the folder the library staff set"
            )
        form.addRow(self.destination_label, row)

        self.voice = QComboBox()
        self.voice.addItem("The engine's best voice for the story's language", "")
        for voice_id, name in voices or []:
            self.voice.addItem(name, voice_id)
        index = self.voice.findData(voice)
        if index < 0 and voice:
            self.voice.addItem(voice, voice)
            index = self.voice.count() - 1
        self.voice.setCurrentIndex(max(0, index))
        self.voice.setAccessibleName("Voice")
        voice_label = QLabel("&Voice:")
        voice_label.setBuddy(self.voice)
        form.addRow(voice_label, self.voice)

        self.rate = QSpinBox()
        self.rate.setRange(MIN_RATE_WPM, MAX_RATE_WPM)
        self.rate.setSingleStep(RATE_STEP_WPM)
        self.rate.setSuffix(" words/min")
        self.rate.setValue(max(MIN_RATE_WPM, min(MAX_RATE_WPM, rate)))
        self.rate.setAccessibleName("Rate")
        rate_label = QLabel("&Rate:")
        rate_label.setBuddy(self.rate)
        form.addRow(rate_label, self.rate)

        self.problem = QLabel("")
        self.problem.setAccessibleName("Problem")
        self.problem.setWordWrap(True)
        self.problem.setVisible(False)
        layout.addWidget(self.problem)

        buttons = QDialogButtonBox()
        self.export_button = QPushButton("&Export")
        self.export_button.setDefault(True)
        buttons.addButton(self.export_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

        self._shown_default = ""
        self.format.currentIndexChanged.connect(self._format_changed)
        self._format_changed()
        self.resize(560, 260)
        self.format.setFocus()

    def chosen_format(self) -> ExportFormat:
        data = self.format.currentData()
        return data if isinstance(data, ExportFormat) else ExportFormat.EPUB

    def _format_changed(self) -> None:
        """Propose the new format's name, unless the reader typed one of their own."""
        text = self.destination.text()
        if self.fixed_folder is None and text and text != self._shown_default:
            return
        default = str(destination_for(self._folder, self.story_title, self.chosen_format()))
        self._shown_default = default
        self.destination.setText(default)
        self.destination_label.setText("&Save as:" if self.chosen_format().is_file else "&Folder:")
        self.destination.setAccessibleName("Save as" if self.chosen_format().is_file else "Folder")

    def _browse(self) -> None:
        current = self.destination.text().strip() or str(self._folder)
        if self.chosen_format().is_file:
            path, _ = QFileDialog.getSaveFileName(
                self, "Export as", current, "EPUB talking books (*.epub)"
            )
            if path and not path.lower().endswith(".epub"):
                path += ".epub"
        else:
            folder = QFileDialog.getExistingDirectory(self, "Export into", str(self._folder))
            path = str(destination_for(Path(folder), self.story_title, self.chosen_format()))
            if not folder:
                path = ""
        if path:
            self.destination.setText(path)
        self.destination.setFocus()

    def request(self) -> ExportRequest | None:
        """What the reader asked for; None (and the problem shown) when it cannot be done."""
        export_format = self.chosen_format()
        if self.fixed_folder is not None:
            # Whatever the field holds, a workstation writes into its export folder only.
            return ExportRequest(
                export_format,
                destination_for(self.fixed_folder, self.story_title, export_format),
                self.chosen_voice(),
                self.rate.value(),
            )
        text = self.destination.text().strip()
        if not text:
            self._show_problem("Give a file name or a folder to export to.")
            return None
        path = Path(text).expanduser()
        if export_format.is_file:
            if path.is_dir():
                path = destination_for(path, self.story_title, export_format)
            elif path.suffix.lower() != ".epub":
                path = path.with_name(path.name + ".epub")
        elif path.exists() and not path.is_dir():
            self._show_problem(f"{path} is a file; MP3s go into a folder.")
            return None
        return ExportRequest(export_format, path, self.chosen_voice(), self.rate.value())

    def chosen_voice(self) -> str:
        data = self.voice.currentData()
        return data if isinstance(data, str) else ""

    def _show_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.setVisible(True)
        # Read with the field as focus returns to it.
        self.destination.setAccessibleDescription(text)
        self.destination.setFocus()

    def _accept(self) -> None:
        if self.request() is not None:
            self.accept()
