"""View > Caret Follows the Voice: the caret moves with the sentence being read, for
screen magnifiers, and only while no screen reader runs.

A magnifier's focus tracking (the desktop's, or Orca's) follows the text caret,
not the highlighting, so a reader who magnifies the screen loses the sentence
being read as soon as it scrolls out of the magnified part. Moving the caret
fixes that, but a screen reader speaks every caret move in the focused text,
over the app's own voice (see the README's screen-reader section). So the
option is opt-in, its menu item is disabled while a screen reader runs, and it
has no effect then even if it was turned on before: the screen-reader watch's
answer is asked at every sentence, not only when it changes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtGui import QAction

from player.core.settings import Settings
from player.gui.reading import ReadingPane

log = logging.getLogger(__name__)

SETTING = "caret_follows_voice"
COMMAND = "caret_follows_voice"
#: the menu item's tip while a screen reader runs, and why
UNAVAILABLE = "Unavailable while a screen reader runs: it would read along over the voice"


class CaretFollower:
    """Moves the pane's caret to each new sentence being read, when asked to and allowed."""

    def __init__(
        self,
        action: QAction,
        pane: ReadingPane,
        settings: Settings,
        screen_reader: Callable[[], bool | None],
    ) -> None:
        self.action = action
        self.pane = pane
        self.settings = settings
        #: True while a screen reader runs (None: unknown, taken as none, as self-voicing does)
        self.screen_reader = screen_reader
        self._description = action.statusTip()
        self._followed: int | None = None

    @property
    def wanted(self) -> bool:
        """The reader's choice, whatever the screen reader."""
        return self.action.isChecked()

    @property
    def active(self) -> bool:
        """Whether the caret follows the voice now."""
        return self.wanted and self.screen_reader() is not True

    def apply_settings(self) -> None:
        self.action.setChecked(bool(self.settings.get(SETTING)))
        self.screen_reader_changed(self.screen_reader())

    def toggled(self) -> str:
        """The reader turned it on or off: remember it; the words to tell them."""
        on = self.wanted
        self.settings.set(SETTING, on)
        self._followed = None
        return "Caret follows the voice " + ("on" if on else "off")

    def screen_reader_changed(self, running: object) -> None:
        """Offer the option only while no screen reader runs."""
        offered = running is not True and not self.settings.is_locked(SETTING)
        self.action.setEnabled(offered)
        tip = self._description if running is not True else UNAVAILABLE
        self.action.setToolTip(tip)
        self.action.setStatusTip(tip)
        if running is True:
            log.info("caret following is off while a screen reader runs")

    def follow(self, sentence: int, playing: bool) -> None:
        """The voice is at ``sentence``: the caret goes to its start, once per sentence."""
        if not playing or not self.active:
            self._followed = None
            return
        if sentence != self._followed:
            self._followed = sentence
            self.pane.caret_to_sentence(sentence)
