"""Laying a long document out in short steps, and holding view changes until it is there.

Qt's QTextDocumentLayout lays a document out lazily: a 10 ms timer of its own lays out
one step per tick, each step twice the one before, up to 200,000 characters (35 to 50 ms
on this machine for the 4.9 MB story). And anything that needs the place of a character
beyond the laid-out part (a cursor's rectangle, a caret or a mark put there, even a
cursor moved there) lays out the whole text up to it in one go: a jump far into a story
just opened blocked the window for as long.

:class:`LayoutPacer` takes over from Qt's timer while the document is not laid out to its
end: it lets Qt's first small steps through (their size is about the text laid out so
far), then swallows its ticks and lays the text out itself in steps of about
:data:`STEP_SECONDS`, through the layout's public ``blockBoundingRect``, which lays out up
to a block without making the steps any bigger. A view change that needs a place not laid
out yet (:meth:`LayoutPacer.when_laid_out`) waits for the steps to reach it, the newest of
each kind replacing the one before. The reader's sound, status line and screen reader
messages do not come through here and change at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QAbstractEventDispatcher, QEvent, QObject, QTimer, QTimerEvent
from PySide6.QtGui import QTextBlock, QTextDocument

#: how long one step of laying out may take; the window stays responsive between steps
STEP_SECONDS = 0.006
#: a step lays out pieces of this many characters until STEP_SECONDS have passed
PIECE_CHARS = 4_000
#: the next step is this many ms later while a view change waits for it, else IDLE_GAP_MS
HURRY_GAP_MS = 1
IDLE_GAP_MS = 4
#: Qt's own steps are let through while the text laid out is shorter than this: each is
#: about as long as the text before it (so a few ms here), and a step once grown lays out
#: in fewer passes: swallowing them all from the start cost about a fifth more time.
QT_STEPS_BELOW_CHARS = 16_000
#: the interval of Qt's lazy layout timer (QTextDocumentLayout's layoutTimer)
QT_STEP_INTERVAL_MS = 10


def laid_out(block: QTextBlock) -> bool:
    """Whether ``block`` has been laid out (since the document last changed there).

    Qt clears the layout of every block a change touches and lays out in order, so a
    block with lines means the text before it has them too.
    """
    layout = block.layout()
    return layout is not None and layout.lineCount() > 0


class LayoutPacer(QObject):
    """Lays a document out in bounded steps and runs view changes once their place is laid out."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._doc: QTextDocument | None = None
        #: view changes waiting, by kind, in the order asked: (document position, change)
        self._waiting: dict[str, tuple[int, Callable[[], None]]] = {}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._step)

    # The document

    def attach(self, doc: QTextDocument) -> None:
        """Pace ``doc``'s layout (the document the view shows now); forget what waited."""
        self.detach()
        self._doc = doc
        layout = doc.documentLayout()
        # Kept for as long as the document is shown: a later change (a new width, zoom, line
        # spacing) lays the text out again from where it changed, and Qt's steps of that are
        # taken over here too.
        layout.installEventFilter(self)
        self._resume()

    def detach(self) -> None:
        """Stop pacing (another document is about to be shown)."""
        doc, self._doc = self._doc, None
        self._waiting.clear()  # changes for the text shown until now
        self._timer.stop()
        if doc is not None:
            doc.documentLayout().removeEventFilter(self)

    @property
    def active(self) -> bool:
        """Whether the document is being laid out in steps (not yet to its end)."""
        return self._timer.isActive()

    def is_laid_out(self, position: int) -> bool:
        """Whether the text at document ``position`` is laid out (True with no document)."""
        doc = self._doc
        return doc is None or laid_out(doc.findBlock(position))

    # View changes

    def when_laid_out(self, kind: str, position: int, change: Callable[[], None]) -> bool:
        """Make ``change`` now if ``position`` is laid out, else once it is; True if now.

        It replaces any change of the same ``kind`` still waiting, even when made now.
        """
        self._waiting.pop(kind, None)
        if self.is_laid_out(position):
            change()
            return True
        self._waiting[kind] = (position, change)
        self._resume()
        return False

    def waiting(self, kind: str) -> int | None:
        """Where a change of ``kind`` waits to be made, or None."""
        entry = self._waiting.get(kind)
        return None if entry is None else entry[0]

    def drop(self, *kinds: str) -> None:
        """Forget the changes of ``kinds`` still waiting."""
        for kind in kinds:
            self._waiting.pop(kind, None)

    # The steps

    def _resume(self) -> None:
        doc = self._doc
        if doc is None or laid_out(doc.lastBlock()):
            return
        gap = HURRY_GAP_MS if self._waiting else IDLE_GAP_MS
        if not self._timer.isActive() or gap < self._timer.remainingTime():
            self._timer.start(gap)

    def _step(self) -> None:
        doc = self._doc
        if doc is None:
            return
        # First what the steps before reached: the view's size has been told of them by now
        # (a change right after a step could find the scroll bar's range not grown yet).
        self._run_reached()
        last = doc.lastBlock()
        if laid_out(last):
            return
        layout = doc.documentLayout()
        # Not longer while a change waits: a step runs in the turn after a jump, and 15 ms
        # steps made a jump's turn 8 ms longer (median, the 4.9 MB story just opened).
        deadline = time.perf_counter() + STEP_SECONDS
        frontier = self._frontier(doc)
        # Small pieces until the deadline: one piece lays out at most Qt's step size past
        # it (small, as Qt's own steps are let through only at the start), so a slow font or
        # a busy machine overruns the deadline by little.
        while True:  # at least one piece, however short the time
            frontier = min(frontier + PIECE_CHARS, last.position())
            layout.blockBoundingRect(doc.findBlock(frontier))
            if laid_out(last) or time.perf_counter() >= deadline:
                break
        if laid_out(last):
            self._timer.start(0)  # the waiting changes, once the size is told
        else:
            self._timer.start(HURRY_GAP_MS if self._waiting else IDLE_GAP_MS)

    def _run_reached(self) -> None:
        for kind, entry in list(self._waiting.items()):
            # Looked up again: a change made here may have replaced or dropped another.
            if self._waiting.get(kind) is entry and self.is_laid_out(entry[0]):
                del self._waiting[kind]
                entry[1]()

    @staticmethod
    def _frontier(doc: QTextDocument) -> int:
        """The position of the first block not laid out (the document's length if none)."""
        low, high = 0, doc.blockCount()
        while low < high:  # the laid-out blocks are a prefix
            middle = (low + high) // 2
            if laid_out(doc.findBlockByNumber(middle)):
                low = middle + 1
            else:
                high = middle
        if low >= doc.blockCount():
            return doc.characterCount()
        return doc.findBlockByNumber(low).position()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.Timer
            and self._doc is not None
            and isinstance(event, QTimerEvent)
            and self._is_qt_step(watched, event.timerId())
            and self._frontier(self._doc) >= QT_STEPS_BELOW_CHARS
        ):
            self._resume()
            return True  # the steps here lay it out
        return False

    @staticmethod
    def _is_qt_step(watched: QObject, timer_id: int) -> bool:
        dispatcher = QAbstractEventDispatcher.instance()
        try:
            timers = dispatcher.registeredTimers(watched)
        except (AttributeError, RuntimeError):  # a Qt without it: Qt's steps, as before
            return False
        return any(
            info.timerId == timer_id and info.interval == QT_STEP_INTERVAL_MS for info in timers
        )
