"""Starting and stopping the Qt application, shared by the window and the workstation.

:mod:`player.gui.app` (the ordinary window) and :mod:`player.gui.workstation` (the
library workstation) both start the app with :func:`ensure_application` and end it on
Ctrl+C with :func:`quit_on_interrupt`. They live here so that neither of those two
modules has to import the other for them.

:func:`ensure_application` also makes the GUI thread the only one that collects
reference cycles (:func:`install_collector`).
"""

from __future__ import annotations

import contextlib
import signal
import socket
import sys
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QSocketNotifier, Qt, QTimer
from PySide6.QtWidgets import QApplication

from player import APP_ID, APP_NAME, __version__
from player.core import gcpause
from player.gui.theme import BASE_STYLE, STYLE_PROPERTY
from player.platform.allocator import hold_mmap_threshold


def ensure_application() -> QApplication:
    """The running QApplication, or a new one named for the desktop (its icon and entry).

    Also holds the C allocator's mmap threshold (:mod:`player.platform.allocator`): a
    long session would otherwise keep growing with the holes freed speech audio leaves.
    """
    hold_mmap_threshold()
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        # The themes' base style, chosen on the command line: set later with setStyle(),
        # Python gets the style back and PySide makes its QStyle classes ready (5 ms,
        # before the first paint).
        app = QApplication([*sys.argv[:1], "-style", BASE_STYLE])
        app.setProperty(STYLE_PROPERTY, BASE_STYLE)
        app.setApplicationName(APP_NAME)
        app.setApplicationVersion(__version__)
        app.setDesktopFileName(APP_ID)
    install_collector(app)
    return app


#: how often the GUI thread looks whether a collection is due; the interpreter would look
#: at every allocation, but garbage cycles are few here and wait this long at most
COLLECT_EVERY_MS = 200
_COLLECTOR = "storyPlayerCollector"


def install_collector(app: QCoreApplication) -> QTimer:
    """Collect reference cycles on the GUI thread only, from a timer (once per app).

    A collection on a worker thread (a speech, settings or check thread that happened to
    allocate) destroyed Qt objects caught in cycles there, taking Qt's locks off the GUI
    thread; that deadlocked the window (:mod:`player.core.gcpause`).
    """
    gcpause.drive_from_here()
    existing = app.findChild(QTimer, _COLLECTOR)
    if isinstance(existing, QTimer):
        return existing
    timer = QTimer(app)
    timer.setObjectName(_COLLECTOR)
    timer.setTimerType(Qt.TimerType.CoarseTimer)
    timer.setInterval(COLLECT_EVERY_MS)
    timer.timeout.connect(gcpause.collect_if_due)
    timer.start()
    # The app's end: nothing drives collection any more, so it goes back to automatic.
    app.destroyed.connect(gcpause.stop_driving)
    return timer


def quit_on_interrupt(app: QApplication, close: Callable[[], object]) -> Callable[[], bool]:
    """Make Ctrl+C in the terminal end the app as the Quit command does: ``close`` (the
    window's, which saves settings and stops speech), then quit the event loop. Returns a
    function telling whether that happened.

    While Qt's event loop runs, Python runs signal handlers only when some event wakes
    it, which may be never; the signal's wakeup byte on a socket is that event.
    """
    reader, writer = socket.socketpair()
    reader.setblocking(False)
    writer.setblocking(False)
    try:
        signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
    except ValueError:  # not the main thread: leave Ctrl+C as it was
        reader.close()
        writer.close()
        return lambda: False
    hit: list[bool] = []
    signal.signal(signal.SIGINT, lambda _signum, _frame: hit.append(True))
    notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read, app)

    def woken() -> None:
        with contextlib.suppress(OSError):
            reader.recv(64)
        if hit:
            notifier.setEnabled(False)
            close()
            app.quit()

    notifier.activated.connect(woken)

    def restore() -> None:
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        notifier.setEnabled(False)
        reader.close()
        writer.close()

    app.aboutToQuit.connect(restore)
    return lambda: bool(hit)
