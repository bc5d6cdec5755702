"""A whole session by keyboard alone: every key goes to whatever widget has focus right then.

After the window is shown the test holds no widget references: it reads the
window's state, and sends keys to ``QApplication.focusWidget()``.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator

from fakes import FakePlayback, open_window
from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from player.core.playback.api import PlaybackState
from player.core.settings import Settings
from player.gui.window import MainWindow

Key = Qt.Key
Mod = Qt.KeyboardModifier


def focus() -> QWidget:
    """The focus widget, once the window system has delivered activation (it is queued)."""
    deadline = time.monotonic() + 2
    while QApplication.focusWidget() is None and time.monotonic() < deadline:
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has keyboard focus"
    return widget


def press(key: Qt.Key, modifier: Qt.KeyboardModifier = Mod.NoModifier) -> None:
    QTest.keyClick(focus(), key, modifier)


def type_text(text: str) -> None:
    QTest.keyClicks(focus(), text)


#: how long a modal dialog may take to open and take focus before the test fails
DIALOG_TIMEOUT_S = 10.0


@contextlib.contextmanager
def in_dialog(action: Callable[[], None]) -> Iterator[None]:
    """Run ``action`` in the modal dialog the ``with`` block opens, once it has focus.

    The dialog's exec() blocks the test until it closes, so a timer polls from the
    dialog's own event loop until the dialog is shown with the focus inside it, then
    acts. It waits as long as a busy machine takes to open the dialog: a fixed delay
    could fire first and press the keys in the window, leaving exec() waiting for ever.
    After DIALOG_TIMEOUT_S it gives up and closes the open dialog, so the test fails
    instead of hanging.
    """
    outcome: list[str] = []
    deadline = time.monotonic() + DIALOG_TIMEOUT_S

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        focused = QApplication.focusWidget()
        if (
            dialog is not None
            and dialog.isVisible()
            and focused is not None
            and (focused is dialog or dialog.isAncestorOf(focused))
        ):
            timer.stop()
            outcome.append("done")
            action()
        elif time.monotonic() > deadline:
            timer.stop()
            outcome.append("no dialog with focus")
            if dialog is not None:
                dialog.close()

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(poll)
    timer.start()
    try:
        yield
    finally:
        timer.stop()
    assert outcome == ["done"], outcome or "no dialog opened"


def keys_in_dialog(
    *keys: tuple[Qt.Key, Qt.KeyboardModifier],
) -> contextlib.AbstractContextManager[None]:
    """Press ``keys`` in the modal dialog the ``with`` block opens."""

    def send() -> None:
        for key, modifier in keys:
            QTest.keyClick(focus(), key, modifier)

    return in_dialog(send)


def test_keyboard_only_session(
    qtbot: QtBot, settings: Settings, playbacks: list[FakePlayback]
) -> None:
    from fakes import make_story

    story = make_story()
    window: MainWindow = open_window(qtbot, settings, story, playbacks)
    state = window  # read-only view of the window's state from here on
    first = story.first_sentence_of_segment

    # F6 moves between panes until the story text has focus.
    for _ in range(4):
        if focus().accessibleName() == "Story text":
            break
        press(Key.Key_F6)
    assert focus().accessibleName() == "Story text"

    press(Key.Key_Space)
    qtbot.waitUntil(lambda: state.state is PlaybackState.PLAYING)

    press(Key.Key_S)  # next personal story
    assert state.sentence == first(1)
    press(Key.Key_S)
    assert state.sentence == first(2)
    press(Key.Key_S, Mod.ShiftModifier)  # previous personal story
    assert state.sentence == first(1)
    press(Key.Key_R)  # public reaction
    assert state.sentence == first(5)
    press(Key.Key_Backspace)  # Back
    assert state.sentence == first(1)
    press(Key.Key_Right, Mod.AltModifier)  # Forward
    assert state.sentence == first(5)
    press(Key.Key_Left, Mod.AltModifier)  # Back again
    assert state.sentence == first(1)

    # The same jumps work with modifier shortcuts, from any widget.
    press(Key.Key_PageDown, Mod.ControlModifier | Mod.ShiftModifier)
    assert state.sentence == first(2)
    press(Key.Key_R, Mod.ControlModifier | Mod.ShiftModifier)
    assert state.sentence == first(5)
    press(Key.Key_PageUp, Mod.AltModifier)  # previous segment
    assert state.sentence == first(4)

    press(Key.Key_K, Mod.ControlModifier | Mod.ShiftModifier)  # where am I
    assert state.status_label.text().startswith("Segment 5 of 6 · The debate · sentence 1 of 2")

    rate = state.settings.rate
    press(Key.Key_BracketRight)
    assert state.settings.rate == rate + 25
    press(Key.Key_BracketLeft)
    assert state.settings.rate == rate

    press(Key.Key_4, Mod.ControlModifier)  # stop
    qtbot.waitUntil(lambda: state.state is PlaybackState.STOPPED)
    assert focus().accessibleName() == "Story text"

    # Caret keys stay the text's own: Down moves the caret, nothing else happens.
    before = state.sentence
    position = focus().textCursor().position()  # type: ignore[attr-defined]
    press(Key.Key_Down)
    assert focus().textCursor().position() != position  # type: ignore[attr-defined]
    assert state.sentence == before
    press(Key.Key_Return)  # read from the caret
    assert playbacks[-1].calls[-1][0] == "play"
    press(Key.Key_Space)  # pause
    qtbot.waitUntil(lambda: state.state is PlaybackState.PAUSED)

    # Bookmark here, go elsewhere, come back with F2.
    marked = state.sentence
    with keys_in_dialog(
        (Key.Key_A, Mod.ControlModifier),
        (Key.Key_H, Mod.NoModifier),
        (Key.Key_Return, Mod.NoModifier),
    ):
        press(Key.Key_B, Mod.ControlModifier)
    story_key = next(iter(state.settings.get("bookmarks")))
    assert [b.name for b in state.settings.bookmarks(story_key)] == ["h"]
    press(Key.Key_Home, Mod.ControlModifier)
    press(Key.Key_Return)
    assert state.sentence == 0
    press(Key.Key_F2)
    assert state.sentence == marked
    press(Key.Key_Space)
    qtbot.waitUntil(lambda: state.state is PlaybackState.PAUSED)
    press(Key.Key_PageUp, Mod.AltModifier)
    press(Key.Key_PageUp, Mod.AltModifier)
    with keys_in_dialog((Key.Key_Return, Mod.NoModifier)):  # Go to the first bookmark listed
        press(Key.Key_B, Mod.ControlModifier | Mod.ShiftModifier)
    assert state.sentence == marked

    # The contents: Shift+F6 back to it, arrow to a segment, Enter goes there.
    for _ in range(4):
        if focus().accessibleName() == "Contents":
            break
        press(Key.Key_F6, Mod.ShiftModifier)
    assert focus().accessibleName() == "Contents"
    press(Key.Key_Home)
    press(Key.Key_Down)
    press(Key.Key_Return)
    assert state.sentence == first(0)
    assert focus().accessibleName() == "Story text"

    # Help > Keyboard opens a text view of the keys; Escape closes it.
    seen: list[str] = []

    def read_help() -> None:
        seen.append(focus().accessibleName())
        QTest.keyClick(focus(), Key.Key_Escape)

    with in_dialog(read_help):
        press(Key.Key_F1)
    assert seen == ["Keyboard map"]
    assert focus().accessibleName() == "Story text"

    press(Key.Key_Q, Mod.ControlModifier)
    qtbot.waitUntil(lambda: not state.isVisible())
