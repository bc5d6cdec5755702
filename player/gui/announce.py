"""Interface announcements: what a screen reader (or, without one, the app's voice) says.

Short messages such as "Public reaction", "Paused", "Bookmark added" or an
error are not on screen where focus is, so they are announced, through exactly
one channel chosen by what the screen reader listens to:

- a ``QAccessibleAnnouncementEvent`` (Qt 6.8+), which NVDA, JAWS, VoiceOver and
  newer Orca speak, whenever an AT-SPI client listens for announcements (or the
  platform is not Linux);
- otherwise, on Linux, the :class:`FocusCue`: the message becomes the accessible
  description of whatever has focus (a widget, or the current row of a list or
  tree), which Orca 43 speaks, and is cleared at once after, so Orca's own Where
  Am I never repeats a stale message. One channel, never both: a screen reader
  that understands both would say the message twice;
- and, only when no screen reader runs and the reader turned self-voicing on,
  through a callback (the app's own voice). With a screen reader running the
  callback is never called: two voices at once are worse than one.

Whether a screen reader runs, and whether anything listens for announcements,
comes from :mod:`player.platform.screenreader`, checked off the GUI thread by
:class:`ScreenReaderWatch` at start and again whenever the accessibility bus
says a client started or stopped listening (a screen reader starting after the
app); the answer comes back through :func:`~player.gui.background.deliver_to`,
which drops it once the watch is deleted.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections import deque
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAccessible,
    QAccessibleAnnouncementEvent,
    QGuiApplication,
)
from PySide6.QtWidgets import QAbstractItemView, QApplication, QWidget

from player.gui.background import deliver_to
from player.gui.menubar import focus_returning
from player.platform.screenreader import (
    OVERRIDE_VARIABLE,
    LinuxBusWatch,
    ScreenReaderDetector,
    default_detector,
)

log = logging.getLogger(__name__)

SelfVoice = Callable[[str], None]
#: Delivers a message another way; True when it did (then no announcement event is posted).
Cue = Callable[[str], bool]
Poster = Callable[[QAccessibleAnnouncementEvent], None]
#: At most one re-check of the screen reader per this many seconds of window activations.
RECHECK_SECONDS = 10.0
#: A screen reader starting registers dozens of listeners in a burst: one check after it.
SETTLE_MS = 400
HISTORY_LENGTH = 50


def post_event(event: QAccessibleAnnouncementEvent) -> None:
    QAccessible.updateAccessibility(event)


class ScreenReaderWatch(QObject):
    """Keeps the screen-reader answer fresh without blocking the GUI thread.

    Checks once at start, again whenever the accessibility bus says a client started
    or stopped listening or the desktop turned its screen reader on or off (Linux:
    :class:`~player.platform.screenreader.LinuxBusWatch`), and, as a fallback where the
    bus cannot be watched, when the app becomes active. Checks run in a worker thread;
    ``changed`` is emitted on the GUI thread when the answer changes.
    """

    changed = Signal(object)  # bool | None

    def __init__(
        self,
        detector: ScreenReaderDetector | None = None,
        parent: QObject | None = None,
        *,
        bus_watch: LinuxBusWatch | None = None,
    ) -> None:
        super().__init__(parent)
        self.detector = detector or default_detector()
        self._last: bool | None = None
        #: when the last check was asked for; None before the first (see :meth:`start`)
        self._last_check: float | None = None
        self._stale = False  # the bus spoke while a check was running
        # The answer arrives on the worker thread; this hands it to the GUI thread, and the
        # worker never touches the watch, which the window may be deleting meanwhile.
        self._deliver = deliver_to(self._on_answer, receiver=self)
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self.refresh)
        self.bus_watch = bus_watch
        if self.bus_watch is not None:
            post = deliver_to(self._on_bus, receiver=self)
            self.bus_watch.on_change = lambda: post(None)
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.applicationStateChanged.connect(self._on_state)

    @classmethod
    def for_platform(cls, parent: QObject | None = None) -> ScreenReaderWatch:
        """The app's watch, not started (see :meth:`start`): on Linux it follows the
        accessibility bus, unless detection is overridden by the environment."""
        watch_bus = sys.platform.startswith("linux") and not os.environ.get(OVERRIDE_VARIABLE)
        bus_watch = LinuxBusWatch(lambda: None) if watch_bus else None
        return cls(parent=parent, bus_watch=bus_watch)

    def start(self) -> None:
        """Start watching the bus and check now, both in threads of their own.

        The window calls this after its first paint: before it, those threads (and the
        processes they start) would only take turns with the GUI thread, which holds the
        interpreter lock nearly all the time until then, and the answer would not come
        before the paint anyway."""
        if self.bus_watch is not None:
            self.bus_watch.start(wait=False)
        self.refresh()

    @property
    def running(self) -> bool | None:
        return self.detector.cached

    @property
    def announcements_heard(self) -> bool | None:
        """Whether an AT-SPI client listens for announcement events (None: unknown)."""
        return self.detector.announcements

    def refresh(self) -> None:
        """Check again in a worker thread."""
        self._last_check = time.monotonic()
        self._stale = False
        self.detector.check_async(self._deliver)

    def stop(self) -> None:
        """Stop watching the bus (at shutdown)."""
        self._settle.stop()
        if self.bus_watch is not None:
            self.bus_watch.stop()

    def _on_bus(self, _value: object = None) -> None:
        self._stale = True
        self._settle.start()

    def _on_state(self, state: Qt.ApplicationState) -> None:
        # Not before the first check: the window's activation as it first shows would start
        # one before its first paint.
        last = self._last_check
        if state == Qt.ApplicationState.ApplicationActive and (
            last is not None and time.monotonic() - last >= RECHECK_SECONDS
        ):
            self.refresh()

    def _on_answer(self, answer: object) -> None:
        value = answer if isinstance(answer, bool) else None
        if self._stale and not self._settle.isActive():
            # The bus changed while that check ran; its answer may be from before.
            self._settle.start()
        if value != self._last:
            self._last = value
            log.info("screen reader running: %s", value)
            self.changed.emit(value)


class FocusCue:
    """Gives a message to Orca 43 as a change of the focused object's accessible
    description, then clears it; the focused widget's own description comes back once
    focus leaves it.

    Orca 43 speaks a new, non-empty description of the object it has as focus, and
    nothing for an empty one, nor for any other object. In a list or tree that object is
    the current row once the reader has moved in it, the view itself before, so there
    both change (only one is spoken). Clearing right after the change keeps
    Orca's own Where Am I (and a return of focus) from reading the message again; the
    widget's usual description would be spoken if put back while it has focus, so it
    waits for focus to leave. A widget's tooltip stands in for an empty description in
    Qt, so it is held back too until then.
    """

    def __init__(self, focus: Callable[[], QWidget | None] | None = None) -> None:
        self._focus = focus or QApplication.focusWidget
        #: Widgets whose description is ours, with their own description and tooltip.
        self._held: dict[int, tuple[QWidget, str, str]] = {}
        self._rows: list[tuple[QAbstractItemView, QPersistentModelIndex]] = []
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_changed)

    def __call__(self, text: str) -> bool:
        text = text.strip()
        widget = self._focus()
        if not text or widget is None:
            return False
        if focus_returning():
            # A menu command: the screen reader still has the menu as focus; after it hears
            # the keyboard is back, the message goes where it listens.
            QTimer.singleShot(0, lambda: self(text))
            return True
        if isinstance(widget, QAbstractItemView) and widget.currentIndex().isValid():
            self._describe_row(widget, widget.currentIndex(), text)
        # A view too: until the reader moves in it, Orca 43 has the view itself as focus,
        # not its current row, and ignores a change on the one it does not have.
        self._describe_widget(widget, text)
        # After the change has gone out: the event carries the text.
        QTimer.singleShot(0, self.clear)
        return True

    def _describe_widget(self, widget: QWidget, text: str) -> None:
        if id(widget) not in self._held:
            self._held[id(widget)] = (widget, widget.accessibleDescription(), widget.toolTip())
        if text == widget.accessibleDescription():
            # The same words twice in a row: Qt sends no event for an unchanged value.
            text += "\u00a0"
        widget.setAccessibleDescription(text)

    def _describe_row(self, view: QAbstractItemView, index: QModelIndex, text: str) -> None:
        model = view.model()
        role = Qt.ItemDataRole.AccessibleDescriptionRole
        if text == model.data(index, role):
            text += "\u00a0"
        # Qt reports the row's new description itself (no event of our own: it would be
        # spoken twice).
        model.setData(index, text, role)
        self._rows.append((view, QPersistentModelIndex(index)))

    def clear(self) -> None:
        """Take the messages back (an empty description, which Orca does not speak)."""
        rows, self._rows = self._rows, []
        for view, index in rows:
            if not shiboken6.isValid(view) or not index.isValid():
                continue
            view.model().setData(index, None, Qt.ItemDataRole.AccessibleDescriptionRole)
        for key, (widget, _description, _tooltip) in list(self._held.items()):
            if not shiboken6.isValid(widget):
                del self._held[key]
            elif widget.accessibleDescription():
                widget.setToolTip("")
                widget.setAccessibleDescription("")

    def _focus_changed(self, old: QWidget | None, _new: QWidget | None) -> None:
        if old is not None and id(old) in self._held:
            # After the focus change has reached the screen reader, so it is not spoken.
            QTimer.singleShot(0, self._restore)

    def _restore(self) -> None:
        for key, (widget, description, tooltip) in list(self._held.items()):
            if not shiboken6.isValid(widget):
                del self._held[key]
            elif not widget.hasFocus():
                del self._held[key]
                widget.setAccessibleDescription(description)
                widget.setToolTip(tooltip)


class Announcer:
    """Announces interface messages on ``widget`` (usually the main window)."""

    def __init__(
        self,
        widget: QWidget,
        *,
        screen_reader: Callable[[], bool | None] | None = None,
        self_voice: SelfVoice | None = None,
        self_voicing: bool = False,
        post: Poster = post_event,
        cue: Cue | None = None,
        announcements_heard: Callable[[], bool | None] | None = None,
    ) -> None:
        self.widget = widget
        self.self_voice = self_voice
        self.self_voicing = self_voicing
        self.cue = cue
        self._screen_reader = screen_reader or default_detector().running
        self._post = post
        #: Whether a screen reader listens for announcement events; then they replace the cue.
        self._announcements_heard = announcements_heard or (lambda: False)
        #: The latest announcements, newest last (a "repeat last message" command reads it).
        self.history: deque[str] = deque(maxlen=HISTORY_LENGTH)

    def screen_reader_running(self) -> bool | None:
        try:
            return self._screen_reader()
        except Exception:  # detection is advisory; a failure must not lose the message
            log.exception("screen-reader detection failed")
            return None

    def will_self_voice(self) -> bool:
        """Whether a message now would go to the app's own voice."""
        return (
            self.self_voicing
            and self.self_voice is not None
            and self.screen_reader_running() is not True
        )

    def announce(
        self,
        text: str,
        *,
        assertive: bool = False,
        cue: bool = True,
        voice: bool = True,
        event: bool = True,
    ) -> bool:
        """Announce ``text``; ``assertive`` interrupts what the screen reader is saying
        (for errors); ``cue=False`` when the screen reader says it already, by a focus or
        caret change the command made: then nothing goes to the screen reader, neither the
        cue nor the announcement event (Orca 48 speaks the event on top of the line it
        reads at the new caret, seen on Debian 13);
        ``voice=False`` keeps it from the app's own voice (when the caller speaks it itself,
        or when the voice starting to read already says it); ``event=False`` sends no
        announcement event, only the cue (for a new value of the focused control, which the
        screen readers that take the event speak themselves and Orca 43 does not).
        Returns whether the app's own voice was given the text."""
        text = text.strip()
        if not text:
            return False
        self.history.append(text)
        log.debug("message: %s", text)
        carried = cue and not self._heard() and self._cued(text)
        if cue and event and not carried:
            posted = QAccessibleAnnouncementEvent(self.widget, text)
            posted.setPoliteness(
                QAccessible.AnnouncementPoliteness.Assertive
                if assertive
                else QAccessible.AnnouncementPoliteness.Polite
            )
            self._post(posted)
        if voice and self.will_self_voice():
            assert self.self_voice is not None
            log.debug("self-voiced: %s", text)
            self.self_voice(text)
            return True
        return False

    def _heard(self) -> bool:
        try:
            return self._announcements_heard() is True
        except Exception:  # advisory, as the screen-reader check
            log.exception("announcement-listener check failed")
            return False

    def _cued(self, text: str) -> bool:
        if self.cue is None:
            return False
        try:
            return bool(self.cue(text))
        except Exception:  # the announcement event is the fallback; never lose the message
            log.exception("the message cue failed; announcing instead")
            return False

    def error(self, text: str) -> bool:
        return self.announce(text, assertive=True)
