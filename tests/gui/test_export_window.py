"""File > Export… in the window: the dialog, the export off the GUI thread, Cancel, failures,
and workstation mode (off without an export folder, only into it with one).

The speech engine is the fake one (tones for words): the export creates its synthesizer
through ``player.core.speech.create_synthesizer``, which the tests replace.
"""

from __future__ import annotations

import contextlib
import zipfile
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from fakes import FakePlayback, make_story, open_window
from PySide6.QtWidgets import QApplication, QFormLayout, QLabel, QPushButton, QWidget
from pytestqt.qtbot import QtBot
from test_keyboard_session import in_dialog

from player.core import speech
from player.core.settings import MemoryStore, Settings
from player.core.speech import FakeSynthesizer
from player.core.workstation import WorkstationConfig
from player.gui.export_dialog import ExportDialog, ExportFormat
from player.gui.exporting import ExportRun
from player.gui.window import MainWindow
from player.gui.workstation import WorkstationSession
from player.paths import bundled_story_path

#: how long a (fake) export may take before the test fails
EXPORT_TIMEOUT_MS = 60_000


class Synths:
    """The fake synthesizers the exports made, each slowed by ``delay_s`` per sentence."""

    def __init__(self, delay_s: float = 0.0) -> None:
        self.delay_s = delay_s
        self.made: list[FakeSynthesizer] = []
        self.closed: list[FakeSynthesizer] = []

    def __call__(self, prefer: str | None = None) -> FakeSynthesizer:
        synth = FakeSynthesizer(delay_s=self.delay_s)
        original_close = synth.close

        def close() -> None:
            self.closed.append(synth)
            original_close()

        synth.close = close  # type: ignore[method-assign]
        self.made.append(synth)
        return synth


@pytest.fixture
def synths(monkeypatch: pytest.MonkeyPatch) -> Synths:
    made = Synths()
    monkeypatch.setattr(speech, "create_synthesizer", made)
    return made


def form_rows(dialog: QWidget) -> list[tuple[QLabel, QWidget]]:
    form = dialog.findChild(QFormLayout)
    assert form is not None
    rows = []
    for row in range(form.rowCount()):
        label = form.itemAt(row, QFormLayout.ItemRole.LabelRole).widget()
        assert isinstance(label, QLabel)
        rows.append((label, label.buddy()))
    return rows


def fill_and_export(export_format: ExportFormat, destination: Path | None) -> None:
    """In the open export dialog: choose the format (and the destination), then Export."""
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, ExportDialog)
    dialog.format.setCurrentIndex(dialog.format.findData(export_format))
    if destination is not None:
        dialog.destination.setText(str(destination))
    dialog.export_button.click()


def start(window: MainWindow, export_format: ExportFormat, destination: Path | None) -> ExportRun:
    with in_dialog(lambda: fill_and_export(export_format, destination)):
        window.actions_by_id["export"].trigger()
    run = window.export_run
    assert run is not None
    return run


def wait_done(qtbot: QtBot, run: ExportRun) -> None:
    qtbot.waitUntil(lambda: run.done, timeout=EXPORT_TIMEOUT_MS)
    run.thread.join(timeout=10)


def test_every_row_of_the_dialog_is_labelled(qtbot: QtBot, tmp_path: Path) -> None:
    for fixed in (None, tmp_path):
        dialog = ExportDialog("A story", tmp_path, fixed_folder=fixed)
        qtbot.addWidget(dialog)
        rows = form_rows(dialog)
        assert len(rows) == 4
        for label, field in rows:
            assert field is not None, f"{label.text()} has no buddy"
            assert "&" in label.text(), f"{label.text()} has no access key"
            assert field.accessibleName(), f"the field of {label.text()} has no name"
        assert [f.accessibleName() for _, f in rows] == ["Format", "Save as", "Voice", "Rate"]
        assert (dialog.browse is None) == (fixed is not None)
        assert dialog.destination.isReadOnly() == (fixed is not None)


def test_the_destination_follows_the_format(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = ExportDialog("Born Behind Bars", tmp_path)
    qtbot.addWidget(dialog)
    assert dialog.destination.text() == str(tmp_path / "born-behind-bars.epub")
    dialog.format.setCurrentIndex(dialog.format.findData(ExportFormat.MP3_SEGMENTS))
    assert dialog.destination.text() == str(tmp_path / "born-behind-bars")
    assert dialog.destination.accessibleName() == "Folder"
    dialog.destination.setText(str(tmp_path / "mine"))
    dialog.format.setCurrentIndex(dialog.format.findData(ExportFormat.EPUB))
    assert dialog.destination.text() == str(tmp_path / "mine")  # the reader's own name stays
    request = dialog.request()
    assert request is not None and request.destination == tmp_path / "mine.epub"


def test_epub_export_runs_off_the_gui_thread_and_writes_a_book(
    qtbot: QtBot, window: MainWindow, synths: Synths, tmp_path: Path
) -> None:
    synths.delay_s = 0.02
    out = tmp_path / "out" / "book.epub"
    seen: list[int] = []
    run = start(window, ExportFormat.EPUB, out)
    # The command returned while the export still runs: the GUI thread is free meanwhile.
    assert not run.done and run.thread.is_alive()
    assert run.progress.isVisible() and run.progress.accessibleName() == "Exporting"
    qtbot.waitUntil(
        lambda: run.done or bool(seen.append(run.progress.value())), timeout=EXPORT_TIMEOUT_MS
    )
    run.thread.join(timeout=10)
    assert any(0 < v < 100 for v in seen), seen  # progress was shown while it ran

    synth = synths.made[0]
    assert synth.threads == {"export"} and synths.closed == [synth]
    assert {voice for _, voice, _ in synth.requests} >= {"fake/en"}
    assert {rate for _, _, rate in synth.requests} == {window.settings.rate}
    with zipfile.ZipFile(out) as book:
        names = book.namelist()
        assert names[0] == "mimetype" and book.read("mimetype") == b"application/epub+zip"
        opf = ET.fromstring(book.read("EPUB/package.opf"))
        dc = "{http://purl.org/dc/elements/1.1/}"
        assert opf.findtext(f".//{dc}title") == window.story.meta.title  # type: ignore[union-attr]
        assert any(n.endswith(".smil") for n in names) and any(n.endswith(".mp3") for n in names)
    assert list(out.parent.iterdir()) == [out]
    message = window.message_label.text()
    assert message.startswith("Exported") and str(out) in message
    assert message in window.announcer.history
    assert any("percent" in said for said in window.announcer.history)


def test_voice_and_rate_start_as_read_and_can_be_changed(
    qtbot: QtBot, window: MainWindow, synths: Synths, tmp_path: Path
) -> None:
    def choose() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, ExportDialog)
        assert dialog.rate.value() == window.settings.rate
        dialog.rate.setValue(300)
        dialog.voice.setCurrentIndex(dialog.voice.findData("fake/en-us"))
        fill_and_export(ExportFormat.MP3_BOOK, tmp_path / "book")

    window.session.set_voice("fake/en")
    window.ensure_playback()
    window.playback.voices  # noqa: B018 - the fake's voices are known at once
    with in_dialog(choose):
        window.actions_by_id["export"].trigger()
    run = window.export_run
    assert run is not None
    wait_done(qtbot, run)
    requests = synths.made[0].requests
    assert {rate for _, _, rate in requests} == {300}
    assert "fake/en-us" in {voice for _, voice, _ in requests}
    assert window.settings.rate != 300  # the export's choice is not the reading rate


def test_quotations_and_posts_use_the_second_voice(
    qtbot: QtBot, window: MainWindow, synths: Synths, tmp_path: Path
) -> None:
    window.settings.set("second_voice", "fake/en-us")
    run = start(window, ExportFormat.MP3_BOOK, tmp_path / "book")
    wait_done(qtbot, run)
    by_voice = {voice for text, voice, _ in synths.made[0].requests if "not a place" in text}
    assert by_voice == {"fake/en-us"}
    assert [p.suffix for p in (tmp_path / "book").iterdir()] == [".mp3"]


def test_cancel_stops_the_export_and_leaves_nothing(
    qtbot: QtBot, settings: Settings, synths: Synths, tmp_path: Path
) -> None:
    playbacks: list[FakePlayback] = []
    window = open_window(qtbot, settings, make_story(long=True), playbacks)
    synths.delay_s = 0.05
    out = tmp_path / "out"
    out.mkdir()
    run = start(window, ExportFormat.EPUB, out / "book.epub")
    qtbot.waitUntil(lambda: synths.made and synths.made[0].calls >= 2, timeout=30_000)
    cancel = [b for b in run.progress.findChildren(QPushButton) if "Cancel" in b.text()]
    assert len(cancel) == 1
    cancel[0].click()
    wait_done(qtbot, run)
    total = len(window.story.refs)  # type: ignore[union-attr]
    assert synths.made[0].calls < total / 2  # it stopped, not ran to the end
    assert synths.closed == synths.made
    assert list(out.iterdir()) == []
    assert window.message_label.text() == "Export cancelled"
    window.close()


def test_closing_the_window_cancels_the_export(
    qtbot: QtBot, settings: Settings, synths: Synths, tmp_path: Path
) -> None:
    playbacks: list[FakePlayback] = []
    window = open_window(qtbot, settings, make_story(long=True), playbacks)
    synths.delay_s = 0.05
    run = start(window, ExportFormat.EPUB, tmp_path / "book.epub")
    qtbot.waitUntil(lambda: synths.made and synths.made[0].calls >= 1, timeout=30_000)
    window.close()
    run.thread.join(timeout=30)
    assert not run.thread.is_alive()
    assert synths.made[0].calls < len(make_story(long=True).refs) / 2
    assert list(tmp_path.iterdir()) == []


def test_cancelled_mp3_export_removes_the_folder_it_made(
    qtbot: QtBot, settings: Settings, synths: Synths, tmp_path: Path
) -> None:
    playbacks: list[FakePlayback] = []
    window = open_window(qtbot, settings, make_story(long=True), playbacks)
    synths.delay_s = 0.05
    run = start(window, ExportFormat.MP3_SEGMENTS, tmp_path / "story")
    qtbot.waitUntil(lambda: synths.made and synths.made[0].calls >= 1, timeout=30_000)
    run.progress.canceled.emit()  # what the Cancel button and Esc do
    wait_done(qtbot, run)
    assert list(tmp_path.iterdir()) == []
    window.close()


def test_a_failure_names_the_file_and_the_reason(
    qtbot: QtBot, window: MainWindow, synths: Synths, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    out = blocker / "book.epub"
    run = start(window, ExportFormat.EPUB, out)
    wait_done(qtbot, run)
    assert run.error_box is not None
    text = run.error_box.text()
    assert str(out) in text and "could not be written" in text
    assert "Traceback" not in text and "Errno" not in text
    assert text in window.announcer.history
    run.error_box.close()


# Workstation mode


@contextlib.contextmanager
def workstation(qtbot: QtBot, tmp_path: Path, system: dict[str, object]) -> Iterator[MainWindow]:
    library = tmp_path / "library"
    library.mkdir()
    windows: list[MainWindow] = []

    def factory(settings: Settings) -> MainWindow:
        windows.append(MainWindow(settings))
        return windows[-1]

    settings = Settings(MemoryStore(), {"workstation": True, **system})
    config = WorkstationConfig.from_values({"idle_minutes": 5, "idle_warning_seconds": 60})
    session = WorkstationSession(settings, config, factory, library_override=library)
    session.end_app = lambda _status: None
    window = session.start(bundled_story_path())
    session._timer.stop()
    qtbot.waitExposed(window)
    if window.library_dialog is not None:
        window.library_dialog.reject()
    try:
        yield window
    finally:
        session.shutdown()
        session.quitting = True
        for made in windows:
            with contextlib.suppress(RuntimeError):
                made.close()
        QApplication.instance().setQuitOnLastWindowClosed(True)  # type: ignore[union-attr]


def test_workstation_without_an_export_folder_has_no_export(
    qtbot: QtBot, tmp_path: Path, synths: Synths
) -> None:
    with workstation(qtbot, tmp_path, {}) as window:
        assert window.story is not None
        assert not window.actions_by_id["export"].isEnabled()
        window.cmd_export()  # even if it were reached some other way
        assert window.export_run is None and synths.made == []
        assert "turned off" in window.message_label.text()


def test_workstation_writes_only_into_its_export_folder(
    qtbot: QtBot, tmp_path: Path, synths: Synths
) -> None:
    stick = tmp_path / "usb-stick"
    stick.mkdir()
    elsewhere = tmp_path / "elsewhere.epub"
    with workstation(qtbot, tmp_path, {"export_folder": str(stick)}) as window:
        assert window.actions_by_id["export"].isEnabled()
        # Typing another place into the (read-only) field changes nothing.
        run = start(window, ExportFormat.EPUB, elsewhere)
        wait_done(qtbot, run)
        written = list(stick.iterdir())
        assert [p.suffix for p in written] == [".epub"] and not elsewhere.exists()
        assert zipfile.ZipFile(written[0]).read("mimetype") == b"application/epub+zip"
        assert str(written[0]) in window.message_label.text()


def test_workstation_export_folder_that_is_missing_is_not_made(
    qtbot: QtBot, tmp_path: Path, synths: Synths
) -> None:
    stick = tmp_path / "unplugged"
    with workstation(qtbot, tmp_path, {"export_folder": str(stick)}) as window:
        run = start(window, ExportFormat.EPUB, None)
        wait_done(qtbot, run)
        assert not stick.exists() and synths.made == []
        assert run.error_box is not None and str(stick) in run.error_box.text()
        run.error_box.close()


def test_no_export_without_a_story(qtbot: QtBot, synths: Synths) -> None:
    window = MainWindow(Settings(MemoryStore()))
    qtbot.addWidget(window)
    window.cmd_export()
    assert window.export_run is None and synths.made == []
    assert window.message_label.text() == "There is no story to export"
