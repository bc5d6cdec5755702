"""File > Library: the list a reader picks a story from, as a screen reader sees it."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from pathlib import Path

import shiboken6
from fakes import make_story
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QAccessible, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from player.core.library import LibraryEntry, scan_library
from player.core.settings import Settings
from player.gui.library import LibraryDialog
from player.gui.window import MainWindow

STORY = """\
title: {title}
language: en

== personal-story: One

A first person speaks. Then more.

== end
"""


def library(tmp_path: Path) -> Path:
    folder = tmp_path / "library"
    (folder / "good").mkdir(parents=True)
    (folder / "good" / "story.txt").write_text(STORY.format(title="A good story"), "utf-8")
    (folder / "broken.story.txt").write_text("title: Broken\n", "utf-8")
    return folder


def text_window(qtbot: QtBot, settings: Settings) -> MainWindow:
    """A window without a voice: the library needs none."""
    window = MainWindow(settings)
    qtbot.addWidget(window)
    window.set_story(make_story())
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    return window


def wait_scanned(qtbot: QtBot, dialog: LibraryDialog) -> None:
    qtbot.waitUntil(lambda: not dialog.scanning and dialog.list.count() > 0, timeout=5000)


def test_rows_read_as_describe_and_the_bundled_story_is_first(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = LibraryDialog(library(tmp_path))
    qtbot.addWidget(dialog)
    dialog.show()
    wait_scanned(qtbot, dialog)
    texts = [e.describe() for e in dialog.entries]
    assert dialog.entries[0].bundled
    assert [dialog.list.item(i).text() for i in range(dialog.list.count())] == texts
    list_iface = QAccessible.queryAccessibleInterface(dialog.list)
    assert list_iface is not None and list_iface.text(QAccessible.Text.Name) == "Stories"
    names = [
        list_iface.child(i).text(QAccessible.Text.Name) for i in range(list_iface.childCount())
    ]
    assert names == texts
    assert any(t.startswith("A good story. Personal story. 2 sentences") for t in names)
    assert any("cannot be opened (line" in t for t in names)
    assert "3 stories" not in dialog.status.text() and "2 stories, 1 cannot be opened" in (
        dialog.status.text()
    )


def test_enter_opens_and_broken_stories_do_not(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = LibraryDialog(library(tmp_path))
    qtbot.addWidget(dialog)
    chosen: list[Path] = []
    dialog.story_chosen.connect(chosen.append)
    dialog.show()
    wait_scanned(qtbot, dialog)
    broken = next(i for i, e in enumerate(dialog.entries) if not e.ok)
    dialog.list.setCurrentRow(broken)
    assert not dialog.open_button.isEnabled()
    QTest.keyClick(dialog.list, Qt.Key.Key_Return)
    assert chosen == [] and dialog.isVisible()
    assert "cannot be opened" in dialog.status.text()
    good = next(i for i, e in enumerate(dialog.entries) if e.title == "A good story")
    dialog.list.setCurrentRow(good)
    assert dialog.open_button.isEnabled()
    QTest.keyClick(dialog.list, Qt.Key.Key_Return)
    assert chosen == [dialog.entries[good].path]  # once, though Enter also reaches the default
    assert not dialog.isVisible()


def test_scanning_runs_off_the_gui_thread(qtbot: QtBot, tmp_path: Path) -> None:
    threads: list[threading.Thread] = []
    release = threading.Event()

    def slow_scan(folders: Iterable[Path]) -> list[LibraryEntry]:
        threads.append(threading.current_thread())
        release.wait(5)
        return scan_library(folders)

    dialog = LibraryDialog(library(tmp_path), scanner=slow_scan)
    qtbot.addWidget(dialog)
    dialog.show()
    # The GUI answers while the scan is blocked.
    qtbot.waitUntil(lambda: bool(threads))
    assert dialog.scanning and "Looking for stories" in dialog.status.text()
    assert threads[0] is not threading.main_thread()
    release.set()
    wait_scanned(qtbot, dialog)
    assert len(dialog.entries) == 3


def test_missing_folder_still_lists_the_bundled_story(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = LibraryDialog(tmp_path / "nowhere")
    qtbot.addWidget(dialog)
    dialog.show()
    wait_scanned(qtbot, dialog)
    assert len(dialog.entries) == 1 and dialog.entries[0].bundled
    assert "does not exist" in dialog.status.text()
    assert not (tmp_path / "nowhere").exists()  # nothing is created


def test_ctrl_l_opens_the_library_and_a_story_from_it(
    qtbot: QtBot, settings: Settings, tmp_path: Path
) -> None:
    window = text_window(qtbot, settings)
    window.library_folder_override = library(tmp_path)
    qtbot.waitUntil(window.isActiveWindow)  # a bool: see press_key in test_workstation_window.py
    QTest.keySequence(QApplication.focusWidget(), QKeySequence("Ctrl+L"))
    dialog = window.library_dialog
    assert isinstance(dialog, LibraryDialog) and dialog.isVisible()
    wait_scanned(qtbot, dialog)
    good = next(i for i, e in enumerate(dialog.entries) if e.title == "A good story")
    dialog.list.setCurrentRow(good)
    QTest.keyClick(dialog.list, Qt.Key.Key_Return)
    # Loaded on a worker thread, so the window stays responsive with a large story.
    qtbot.waitUntil(lambda: window.story is not None and window.story.meta.title == "A good story")


def test_the_library_opens_again_after_it_was_closed(
    qtbot: QtBot, settings: Settings, tmp_path: Path
) -> None:
    """The list deletes itself on close; the next Ctrl+L must make a new one."""
    window = text_window(qtbot, settings)
    window.library_folder_override = library(tmp_path)
    for _ in range(3):
        window.cmd_library()
        dialog = window.library_dialog
        assert isinstance(dialog, LibraryDialog)
        qtbot.waitUntil(dialog.isVisible)
        wait_scanned(qtbot, dialog)
        dialog.reject()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        assert not shiboken6.isValid(dialog)


def test_library_only_turns_open_into_the_library(
    qtbot: QtBot, settings: Settings, tmp_path: Path
) -> None:
    window = text_window(qtbot, settings)
    window.library_folder_override = library(tmp_path)
    window.library_only = True
    window.cmd_open()  # would block in a native file dialog otherwise
    assert isinstance(window.library_dialog, LibraryDialog)
    assert window.library_dialog.isVisible()
    window.library_dialog.reject()
