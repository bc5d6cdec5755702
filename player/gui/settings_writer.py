"""Settings reach the disk on one writer thread, in order, and nothing is lost at quit or exit.

The GUI never waits for the disk (an fsync can take long): a change starts a
short timer (many changes in a row make one small write), and the write runs on
a single-worker :class:`~concurrent.futures.ThreadPoolExecutor`, so writes land
in the order they were made. A failed write leaves the settings dirty at once,
on the writer thread, so that a flush right behind it writes them again; the
reason reaches the GUI thread through :func:`~player.gui.background.deliver_to`.

:meth:`SettingsWriter.flush` (at quit) queues the last state behind the writes
in flight and waits for them; an exit hook does the same for writers whose
window was never closed. The background helper runs nothing here: its tasks
are unordered and cannot be waited for at exit, and both matter for settings.
"""

from __future__ import annotations

import atexit
import logging
import weakref
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from PySide6.QtCore import QObject, QTimer

from player.core.settings import Settings
from player.gui.background import deliver_to

log = logging.getLogger(__name__)

SAVE_DELAY_MS = 800
#: how long closing the window waits for the settings writer (a very slow disk)
SETTINGS_WRITE_TIMEOUT_S = 30.0


class SettingsWriter:
    """Writes ``settings`` soon after a change, on the writer thread.

    ``failed`` gets the reason of a failed write on the GUI thread (dropped once
    ``owner`` is deleted). ``before_exit`` runs at interpreter exit when the owner
    was never closed, to put its last state into the settings first; it must use
    plain Python state only, as Qt may be torn down by then.
    """

    def __init__(
        self,
        settings: Settings,
        owner: QObject,
        *,
        failed: Callable[[str], None],
        before_exit: Callable[[], None] | None = None,
        delay_ms: int = SAVE_DELAY_MS,
    ) -> None:
        self.settings = settings
        self.before_exit = before_exit
        self.closed = False
        self._timer = QTimer(owner)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self.save_now)
        self._report_failure = deliver_to(failed, receiver=owner)
        self._writer: ThreadPoolExecutor | None = ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="settings-writer"
        )
        _open_writers.add(self)  # so that an exit without closing still saves (see below)

    def schedule(self) -> None:
        """Write settings soon; many changes in a row make one small write."""
        self._timer.start()

    def save_now(self) -> None:
        """Write the changed settings: on the writer thread, or here once it has stopped."""
        self._timer.stop()
        write = self.settings.pending_write()
        if write is None:
            return
        if self._writer is not None:
            self._writer.submit(self._write, write)
        else:
            self._write(write)

    def _write(self, write: Callable[[], None]) -> None:
        try:
            write()
        except OSError as exc:
            # Dirty again at once, not only when the failure reaches the GUI thread: a
            # flush draining the writer must see that this write is to be done again.
            self.settings.dirty = True
            self._report_failure(str(exc.strerror or exc))

    def close(self, timeout: float = SETTINGS_WRITE_TIMEOUT_S) -> None:
        """Stop the timer and write what is unsaved; safe to call more than once."""
        self.closed = True
        self._timer.stop()
        self.flush(timeout)

    def flush(self, timeout: float = SETTINGS_WRITE_TIMEOUT_S) -> None:
        """Write what is unsaved after every write already queued; nothing is dropped.

        The last state is queued behind the writes in flight (they stay in order) and
        the writer is waited for, at most ``timeout`` s. From then on writes are made
        here, on the calling thread.
        """
        writer, self._writer = self._writer, None
        write = self.settings.pending_write()
        if writer is not None:
            drained: Future[None] | None = None
            try:
                if write is not None:
                    writer.submit(self._write, write)
                    write = None
                drained = writer.submit(_nothing)
            except RuntimeError:
                pass  # interpreter exit: threading's exit hook has run the queued writes
            writer.shutdown(wait=False)
            if drained is not None:
                try:
                    drained.result(timeout)
                except TimeoutError:
                    # The disk hangs. The last state is queued, and the interpreter waits
                    # for the writer at exit; writing here too could land before it.
                    log.error("settings are still being written after %.0f s", timeout)
                    return
            if write is None:
                write = self.settings.pending_write()  # a queued write failed: again
        if write is not None:
            self._write(write)

    def flush_at_exit(self) -> None:
        """The interpreter exits with the owner never closed: save what closing would."""
        if not self.closed and self.before_exit is not None:
            self.before_exit()
        self.flush()


def _nothing() -> None:
    """Queued behind the settings writes: done once they all are."""


#: writers the exit hook flushes; weak, so that it keeps none of them alive
_open_writers: weakref.WeakSet[SettingsWriter] = weakref.WeakSet()


def flush_open_writers() -> None:
    """At interpreter exit: save the settings of windows that were never closed.

    Threading's own exit hook has already let each writer thread finish the writes
    queued to it (those threads are not daemons); left is the state not handed to a
    writer yet, such as a change still waiting for the save timer. Only plain Python
    state is used: Qt may have torn the window down already.
    """
    for writer in list(_open_writers):
        try:
            writer.flush_at_exit()
        except Exception:  # one window's failure must not cost the others their settings
            log.exception("could not save settings at exit")


atexit.register(flush_open_writers)
