"""File > Import… and dropped files: import a saved page, review its segments, open it."""

from __future__ import annotations

import os
import shutil
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest
import shiboken6
from PySide6.QtCore import QMimeData, QPoint, QPointF, QStandardPaths, Qt, QUrl
from PySide6.QtGui import QAccessible, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from player.core.settings import Settings
from player.gui.review import ReviewDialog
from player.gui.window import MainWindow

CORPUS = Path(__file__).resolve().parents[1] / "data" / "import"
T = TypeVar("T")
WAIT_MS = 20_000  # the first import loads the page extractor


@pytest.fixture
def library(tmp_path: Path, settings: Settings) -> Path:
    folder = tmp_path / "library"
    settings.set("library_folder", str(folder))
    return folder


def choose_in_file_dialog(monkeypatch: pytest.MonkeyPatch, path: Path) -> list[tuple[str, str]]:
    """File > Import…'s file dialog answers ``path``; returns the (folder, filter) it was
    shown each time."""
    shown: list[tuple[str, str]] = []

    def answer(*args: object, **_kwargs: object) -> tuple[str, str]:
        shown.append((str(args[2]), str(args[3])))
        return str(path), ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", answer)
    return shown


def press(qtbot: QtBot, top: QWidget, keys: str) -> None:
    """Type ``keys`` into the focus widget of the active window ``top``."""
    top.activateWindow()
    qtbot.waitUntil(top.isActiveWindow)
    QTest.keySequence(top.focusWidget() or top, QKeySequence(keys))


def review_of(qtbot: QtBot, window: MainWindow) -> ReviewDialog:
    qtbot.waitUntil(
        lambda: window.review_dialog is not None and window.review_dialog.isVisible(),
        timeout=WAIT_MS,
    )
    dialog = window.review_dialog
    assert dialog is not None
    return dialog


def test_import_review_with_keys_save_and_the_story_opens(
    qtbot: QtBot, window: MainWindow, library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown = choose_in_file_dialog(monkeypatch, CORPUS / "en-feature.html")
    press(qtbot, window, "Ctrl+I")
    file_filter = shown[0][1]
    assert "*.html" in file_filter and "*.mhtml" in file_filter and "*.md" in file_filter
    dialog = review_of(qtbot, window)
    story_file = library / "river-town-counts-the-cost-of-the-winter-floods" / "story.txt"
    imported = story_file.read_bytes()
    assert [t.text() for t in dialog.titles] == [
        "Introduction",
        "A promise on paper",
        "What people said",
    ]
    assert [k.currentData() for k in dialog.kinds] == ["introduction", "section", "public-reaction"]
    assert "section" in [dialog.kinds[0].itemData(i) for i in range(dialog.kinds[0].count())]

    assert QApplication.focusWidget() is dialog.titles[0]
    press(qtbot, dialog, "Tab")
    assert QApplication.focusWidget() is dialog.kinds[0]
    press(qtbot, dialog, "B")  # typing a letter picks the kind: Background
    assert dialog.kinds[0].currentData() == "background"
    press(qtbot, dialog, "Tab")
    assert QApplication.focusWidget() is dialog.titles[1]
    press(qtbot, dialog, "Ctrl+A")
    QTest.keyClicks(dialog.titles[1], "The promise of 2015")
    press(qtbot, dialog, "Return")  # Save is the default button

    qtbot.waitUntil(
        lambda: (
            window.story is not None
            and window.story.path == story_file
            and window.story.segments[0].kind.id == "background"
        ),
        timeout=WAIT_MS,
    )
    assert window.story is not None
    assert window.story.segments[1].title == "The promise of 2015"
    old_lines, new_lines = imported.split(b"\n"), story_file.read_bytes().split(b"\n")
    changed = [
        (i + 1, b.decode())
        for i, (a, b) in enumerate(zip(old_lines, new_lines, strict=True))
        if a != b
    ]
    assert changed == [(9, "== background: Introduction"), (31, "== section: The promise of 2015")]
    assert not shiboken6.isValid(dialog) or not dialog.isVisible()


def test_the_import_runs_in_a_child_process_and_the_save_off_the_gui_thread(
    qtbot: QtBot, window: MainWindow, library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from player.core import importer, review
    from player.core.importer.child import ImportRun

    def not_here(*_args: object) -> None:
        raise AssertionError("imported in the window's own process")

    # The importer's C calls would hold this process's interpreter lock (GUI stalls).
    monkeypatch.setattr(importer, "import_file", not_here)
    monkeypatch.setattr(review, "import_for_review", not_here)
    threads: dict[str, threading.Thread] = {}

    def watched(name: str, real: Callable[..., T]) -> Callable[..., T]:
        def run(*args: object) -> T:
            threads[name] = threading.current_thread()
            return real(*args)

        return run

    monkeypatch.setattr(ImportRun, "run", watched("run", ImportRun.run))
    monkeypatch.setattr(review, "rewrite_headings", watched("save", review.rewrite_headings))
    window.import_in_background(CORPUS / "en-plain.txt")
    dialog = review_of(qtbot, window)
    (run,) = window.import_runs
    assert run.pid is not None and run.pid != os.getpid()
    dialog.titles[0].setText("Changed")
    dialog.accept()
    path = dialog.review.path
    qtbot.waitUntil(lambda: window.story is not None and window.story.path == path, timeout=WAIT_MS)
    assert set(threads) == {"run", "save"}
    assert all(t is not threading.main_thread() for t in threads.values())
    assert window.story is not None and window.story.segments[0].title == "Changed"


@pytest.mark.skipif(sys.platform == "win32", reason="signals are POSIX")
def test_an_importer_killed_meanwhile_is_explained_in_words(
    qtbot: QtBot, window: MainWindow, library: Path
) -> None:
    window.import_in_background(CORPUS / "en-feature.html")
    (run,) = window.import_runs
    assert run.started.wait(10) and run.pid is not None
    os.kill(run.pid, signal.SIGKILL)
    qtbot.waitUntil(
        lambda: window.import_box is not None and window.import_box.isVisible(), timeout=WAIT_MS
    )
    box = window.import_box
    assert box is not None
    assert box.text() == "en-feature.html could not be imported."
    assert box.informativeText().endswith("the importing process was stopped by SIGKILL (signal 9)")
    assert window.review_dialog is None
    box.close()


@pytest.mark.skipif(sys.platform == "win32", reason="os.kill(pid, 0) ends a process there")
def test_closing_the_window_ends_a_running_import(
    qtbot: QtBot, window: MainWindow, library: Path
) -> None:
    window.import_in_background(CORPUS / "en-feature.html")
    (run,) = window.import_runs
    assert run.started.wait(10) and run.pid is not None
    window.close()
    assert run.finished.wait(10)
    with pytest.raises(ProcessLookupError):
        os.kill(run.pid, 0)  # ended and waited for, not left running nor a zombie
    assert window.import_runs == ()
    qtbot.wait(200)  # the outcome is delivered: a closed window shows no message for it
    assert window.import_box is None and window.review_dialog is None


def test_the_file_dialog_opens_in_downloads_then_where_the_last_page_was(
    qtbot: QtBot,
    window: MainWindow,
    library: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    downloads = tmp_path / "Downloads"
    downloads.mkdir()
    monkeypatch.setattr(QStandardPaths, "writableLocation", lambda _where: str(downloads))
    shown = choose_in_file_dialog(monkeypatch, CORPUS / "en-plain.txt")
    window.cmd_import()
    review_of(qtbot, window).reject()
    window.cmd_import()
    review_of(qtbot, window).reject()
    assert [folder for folder, _ in shown] == [str(downloads), str(CORPUS)]


def test_review_fields_are_labelled_for_screen_readers(
    qtbot: QtBot, window: MainWindow, library: Path
) -> None:
    window.import_in_background(CORPUS / "en-feature.html")
    dialog = review_of(qtbot, window)
    title = QAccessible.queryAccessibleInterface(dialog.titles[1])
    kind = QAccessible.queryAccessibleInterface(dialog.kinds[1])
    assert title is not None and kind is not None
    assert title.text(QAccessible.Text.Name) == "Segment 2 title"
    assert "Begins: " in title.text(QAccessible.Text.Description)
    # Qt names a combo box by its current item; its label reaches the reader as a relation.
    assert dialog.kinds[1].accessibleName() == "Segment 2 kind"
    assert kind.text(QAccessible.Text.Description) == "Proposed: Section"
    labels = [
        other.text(QAccessible.Text.Name)
        for other, _relation in kind.relations(QAccessible.RelationFlag.Label)
    ]
    assert labels == ["Segment 2 kind:"]
    assert not dialog.note.isVisible()  # the fake voices speak English
    dialog.reject()


def test_cancel_keeps_the_file_as_imported_and_opens_it(
    qtbot: QtBot, window: MainWindow, library: Path
) -> None:
    window.import_in_background(CORPUS / "en-notes.md")
    dialog = review_of(qtbot, window)
    story_file = dialog.review.path
    before = story_file.read_bytes()
    dialog.titles[0].setText("Something else")
    press(qtbot, dialog, "Escape")
    qtbot.waitUntil(
        lambda: window.story is not None and window.story.path == story_file, timeout=WAIT_MS
    )
    assert story_file.read_bytes() == before


def test_changes_that_cannot_be_saved_are_explained_in_words(
    qtbot: QtBot, window: MainWindow, library: Path
) -> None:
    window.import_in_background(CORPUS / "en-plain.txt")
    dialog = review_of(qtbot, window)
    story_file = dialog.review.path
    story_file.unlink()  # gone meanwhile (another program, a full disk's cleanup…)
    dialog.titles[0].setText("Another title")
    press(qtbot, dialog, "Return")
    qtbot.waitUntil(
        lambda: window.import_box is not None and window.import_box.isVisible(), timeout=WAIT_MS
    )
    box = window.import_box
    assert box is not None
    assert box.text() == f"The changes to {story_file.parent.name} could not be saved."
    assert f"{story_file}: cannot read the story" in box.informativeText()
    assert window.review_dialog is None
    box.close()


def test_an_empty_title_is_not_saved(qtbot: QtBot, window: MainWindow, library: Path) -> None:
    window.import_in_background(CORPUS / "en-notes.md")
    dialog = review_of(qtbot, window)
    before = dialog.review.path.read_bytes()
    press(qtbot, dialog, "Tab")
    press(qtbot, dialog, "Tab")
    press(qtbot, dialog, "Ctrl+A")
    press(qtbot, dialog, "Delete")
    press(qtbot, dialog, "Return")
    assert dialog.isVisible()
    assert dialog.problem.text() == "Segment 2 has no title; give it one before saving."
    assert QApplication.focusWidget() is dialog.titles[1]
    assert dialog.review.path.read_bytes() == before
    dialog.reject()


def test_a_long_story_gets_its_rows_in_slices_in_tab_order(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    from player.core.review import read_review
    from player.gui.review import ROWS_AT_ONCE

    count = ROWS_AT_ONCE * 2 + 5
    path = tmp_path / "story.txt"
    segments = "".join(f"== section: Hour {n}\n\nNews of hour {n}.\n\n" for n in range(count))
    path.write_text(f"title: Live\nlanguage: en\n\n{segments}== end\n", encoding="utf-8")
    dialog = ReviewDialog(read_review(path), None, window)
    qtbot.addWidget(dialog)
    assert len(dialog.titles) == ROWS_AT_ONCE and not dialog.complete
    assert [h.title for h in dialog.headings()] == [f"Hour {n}" for n in range(count)]
    dialog.show()
    qtbot.waitUntil(lambda: dialog.complete and dialog.kinds[-1].isVisible())
    assert len(dialog.titles) == count
    dialog.kinds[ROWS_AT_ONCE - 1].setFocus()
    press(qtbot, dialog, "Tab")
    assert QApplication.focusWidget() is dialog.titles[ROWS_AT_ONCE]
    dialog.kinds[-1].setFocus()
    press(qtbot, dialog, "Tab")  # from the last segment on to the buttons
    focused = QApplication.focusWidget()
    assert isinstance(focused, QPushButton) and focused.text() in ("&Save", "Save", "&Cancel")
    dialog.reject()


def test_a_second_import_gets_a_numbered_folder(
    qtbot: QtBot, window: MainWindow, library: Path
) -> None:
    names = []
    for _ in range(2):
        window.import_in_background(CORPUS / "en-plain.txt")
        dialog = review_of(qtbot, window)
        assert dialog.review.path.parent.parent == library
        names.append(dialog.review.path.parent.name)
        dialog.reject()
        qtbot.waitUntil(lambda: window.review_dialog is None)
    assert names[1] == f"{names[0]}-2"
    assert sorted(p.name for p in library.iterdir()) == sorted(names)


def test_a_page_no_voice_speaks_gets_a_note(
    qtbot: QtBot, window: MainWindow, library: Path
) -> None:
    window.import_in_background(CORPUS / "de-liveblog.html")
    dialog = review_of(qtbot, window)
    assert dialog.note.isVisible()
    assert "No voice on this computer speaks this story's language (de" in dialog.note.text()
    dialog.reject()


def drop(target: QWidget, path: Path) -> tuple[bool, bool]:
    """Drag ``path`` over ``target`` and drop it: whether each event was accepted."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    buttons, keys = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    held = (Qt.DropAction.CopyAction, mime, buttons, keys)
    try:
        enter = QDragEnterEvent(QPointF(50, 50), *held)  # PySide6 6.12 deprecates the QPoint form
    except TypeError:  # before 6.12, the only one
        enter = QDragEnterEvent(QPoint(50, 50), *held)
    QApplication.sendEvent(target, enter)
    dropped = QDropEvent(
        QPointF(50, 50),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(target, dropped)
    return enter.isAccepted(), dropped.isAccepted()


@pytest.mark.parametrize("on_text", [False, True], ids=["on-window", "on-story-text"])
def test_dropping_a_saved_page_imports_it(
    qtbot: QtBot, window: MainWindow, library: Path, tmp_path: Path, on_text: bool
) -> None:
    assert window.acceptDrops()
    page = tmp_path / "Saved Page.HTM"
    shutil.copyfile(CORPUS / "en-markup.html", page)
    # The story text is a text view, which takes drops of its own; a page dropped there is
    # refused by it (read-only) and goes on to the window.
    target = window.pane.viewport() if on_text else window
    assert drop(target, page) == (True, True)
    dialog = review_of(qtbot, window)
    assert dialog.review.path.is_relative_to(library)
    dialog.reject()


def test_dropping_another_kind_of_file_is_refused(
    qtbot: QtBot, window: MainWindow, library: Path, tmp_path: Path
) -> None:
    picture = tmp_path / "photo.png"
    picture.write_bytes(b"\x89PNG")
    assert drop(window, picture) == (False, False)
    assert drop(window.pane.viewport(), picture) == (False, False)
    assert window.review_dialog is None and not library.exists()


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.html", b"<html><body><nav>Menu</nav></body></html>", "no article text was found"),
        ("latin1.txt", "Caf\xe9 au lait.\n".encode("latin-1"), "the file is not UTF-8 text"),
    ],
)
def test_a_file_that_cannot_be_imported_is_explained_in_words(
    qtbot: QtBot,
    window: MainWindow,
    library: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    data: bytes,
    reason: str,
) -> None:
    bad = tmp_path / name
    bad.write_bytes(data)
    choose_in_file_dialog(monkeypatch, bad)
    window.actions_by_id["import"].trigger()
    qtbot.waitUntil(
        lambda: window.import_box is not None and window.import_box.isVisible(), timeout=WAIT_MS
    )
    box = window.import_box
    assert box is not None
    assert box.text() == f"{name} could not be imported."
    assert reason in box.informativeText() and "Traceback" not in box.informativeText()
    assert window.review_dialog is None
    box.close()
