"""Interface announcements: what a screen reader (or, without one, the app's voice) says.

Short messages such as "Public reaction", "Paused", "Bookmark added" or an
error are not on screen where focus is, so they are announced:

- always as a ``QAccessibleAnnouncementEvent`` (Qt 6.8+) on a given widget,
  which NVDA, JAWS, VoiceOver and newer Orca speak. Orca 43 (Debian 12) has
  no listener for it and says nothing;
- or, where a ``cue`` callback takes the text, through it instead: the window
  passes one on Linux that changes the focused reading pane's accessible
  description, which Orca 43 does speak. One channel, not both: a screen reader
  that understands both would say the message twice;
- and, only when no screen reader runs and the reader turned self-voicing on,
  through a callback (the app's own voice). With a screen reader running the
  callback is never called: two voices at once are worse than one.

Whether a screen reader runs comes from :mod:`player.platform.screenreader`,
checked off the GUI thread by :class:`ScreenReaderWatch`; the answer comes back
through :func:`~player.gui.background.deliver_to`, which drops it once the watch
is deleted.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent, QGuiApplication
from PySide6.QtWidgets import QWidget

from player.gui.background import deliver_to
from player.platform.screenreader import ScreenReaderDetector, default_detector

log = logging.getLogger(__name__)

SelfVoice = Callable[[str], None]
#: Delivers a message another way; True when it did (then no announcement event is posted).
Cue = Callable[[str], bool]
Poster = Callable[[QAccessibleAnnouncementEvent], None]
#: At most one re-check of the screen reader per this many seconds of window activations.
RECHECK_SECONDS = 10.0
HISTORY_LENGTH = 50


def post_event(event: QAccessibleAnnouncementEvent) -> None:
    QAccessible.updateAccessibility(event)


class ScreenReaderWatch(QObject):
    """Keeps the screen-reader answer fresh without blocking the GUI thread.

    Checks once at start and again when the app becomes active (a screen reader
    may have been started or stopped meanwhile), in a worker thread; ``changed``
    is emitted on the GUI thread when the answer changes.
    """

    changed = Signal(object)  # bool | None

    def __init__(
        self, detector: ScreenReaderDetector | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.detector = detector or default_detector()
        self._last: bool | None = None
        self._last_check = 0.0
        # The answer arrives on the worker thread; this hands it to the GUI thread, and the
        # worker never touches the watch, which the window may be deleting meanwhile.
        self._deliver = deliver_to(self._on_answer, receiver=self)
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.applicationStateChanged.connect(self._on_state)

    @property
    def running(self) -> bool | None:
        return self.detector.cached

    def refresh(self) -> None:
        """Check again in a worker thread."""
        self._last_check = time.monotonic()
        self.detector.check_async(self._deliver)

    def _on_state(self, state: Qt.ApplicationState) -> None:
        if state == Qt.ApplicationState.ApplicationActive and (
            time.monotonic() - self._last_check >= RECHECK_SECONDS
        ):
            self.refresh()

    def _on_answer(self, answer: object) -> None:
        value = answer if isinstance(answer, bool) else None
        if value != self._last:
            self._last = value
            self.changed.emit(value)


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
    ) -> None:
        self.widget = widget
        self.self_voice = self_voice
        self.self_voicing = self_voicing
        self.cue = cue
        self._screen_reader = screen_reader or default_detector().running
        self._post = post
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
        self, text: str, *, assertive: bool = False, cue: bool = True, voice: bool = True
    ) -> bool:
        """Announce ``text``; ``assertive`` interrupts what the screen reader is saying
        (for errors); ``cue=False`` skips the cue (when a focus change says it already);
        ``voice=False`` keeps it from the app's own voice (when the caller speaks it itself,
        or when the voice starting to read already says it).
        Returns whether the app's own voice was given the text."""
        text = text.strip()
        if not text:
            return False
        self.history.append(text)
        if not (cue and self._cued(text)):
            event = QAccessibleAnnouncementEvent(self.widget, text)
            event.setPoliteness(
                QAccessible.AnnouncementPoliteness.Assertive
                if assertive
                else QAccessible.AnnouncementPoliteness.Polite
            )
            self._post(event)
        if voice and self.will_self_voice():
            assert self.self_voice is not None
            self.self_voice(text)
            return True
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
