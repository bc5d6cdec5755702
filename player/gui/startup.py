"""Starting and stopping the Qt application, shared by the window and the workstation.

:mod:`player.gui.app` (the ordinary window) and :mod:`player.gui.workstation` (the
library workstation) both start the app with :func:`ensure_application` and end it on
Ctrl+C with :func:`quit_on_interrupt`. They live here so that neither of those two
modules has to import the other for them.
"""

from __future__ import annotations

import contextlib
import signal
import socket
import sys
from collections.abc import Callable

from PySide6.QtCore import QSocketNotifier
from PySide6.QtWidgets import QApplication

from player import APP_ID, APP_NAME, __version__
from player.platform.allocator import hold_mmap_threshold


def ensure_application() -> QApplication:
    """The running QApplication, or a new one named for the desktop (its icon and entry).

    Also holds the C allocator's mmap threshold (:mod:`player.platform.allocator`): a
    long session would otherwise keep growing with the holes freed speech audio leaves.
    """
    hold_mmap_threshold()
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    app = QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)
    return app


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
