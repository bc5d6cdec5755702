"""Finding your way: Find in the story (Ctrl+F, F3, Shift+F3) and Go to Segment (Ctrl+G).

:class:`FindCommands` is the part of :class:`~player.gui.window.MainWindow` that
carries out these commands; the searching itself is :mod:`player.core.search`.
Each asks in a small dialog with one labelled field
(:class:`~player.gui.dialogs.AskDialog`). A match found becomes the reading position,
like a jump (Back returns from it): the caret goes to its sentence with the matched
words selected, so they are seen and a screen reader says them, and the match's
sentence is announced with its number among all matches ("Match 2 of 5: …"), after
"Search wrapped to the start" when the search went past the end of the story.

Find starts from where the reader is: the sentence being read while the voice reads,
else the sentence at the caret; a match in that sentence counts.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from player.core.playback.api import PlaybackState

if TYPE_CHECKING:
    from PySide6.QtWidgets import QDialog

    from player.core.search import Found, Match, StorySearch
    from player.core.session import Move, ReadingSession
    from player.gui.reading import ReadingPane

log = logging.getLogger(__name__)


class FindCommands:
    """Find and Go to Segment (a base of :class:`~player.gui.window.MainWindow`)."""

    if TYPE_CHECKING:  # made by the window
        session: ReadingSession
        pane: ReadingPane

        def notify(self, text: str, *, announce: bool = True, event: bool = True) -> None: ...
        def _moved(self, heading: bool) -> None: ...
        def _jump(self, move: Move | None) -> None: ...
        def _run_modal(self, dialog: QDialog) -> int: ...

    #: what the reader last looked for, offered again by the next Find
    find_query: str = ""
    _search: StorySearch | None = None
    _matches: tuple[str, list[Match]] | None = None
    #: the match the reader was last taken to
    _last_match: Match | None = None

    def cmd_find(self) -> None:
        if self.session.story is None:
            return
        from player.gui.dialogs import AskDialog  # a dialog's classes: not needed at start

        dialog = AskDialog(
            self._parent_widget(),
            "Find",
            "Find &what:",
            text=self.find_query,
            hint="Words to find in the story; case and accents do not matter",
            ok="Find",
        )
        accepted = self._run_modal(dialog)
        query = " ".join(dialog.text().split())
        if not accepted or not query:
            return
        self.find_query = query
        self._last_match = None  # a new search starts from where the reader is
        self._find_step(1)

    def cmd_find_next(self) -> None:
        if not self.find_query:
            self.cmd_find()
        else:
            self._find_step(1)

    def cmd_find_previous(self) -> None:
        if not self.find_query:
            self.cmd_find()
        else:
            self._find_step(-1)

    def cmd_go_to_segment(self) -> None:
        story = self.session.story
        if story is None:
            return
        count = len(story.segments)
        from player.gui.dialogs import AskDialog

        dialog = AskDialog(
            self._parent_widget(),
            "Go to Segment",
            "Segment &number or title:",
            hint=f"A number from 1 to {count}, or words of a segment's title",
            ok="Go",
        )
        accepted = self._run_modal(dialog)
        wanted = " ".join(dialog.text().split())
        if not accepted or not wanted:
            return
        from player.core.search import find_segment

        segment = find_segment(story, wanted)
        if segment is None or story.first_sentence_of_segment(segment) is None:
            QApplication.beep()
            self.notify(f"No segment {wanted!r}; segments are numbered 1 to {count}")
            return
        self.pane.setFocus(Qt.FocusReason.OtherFocusReason)
        self._jump(self.session.jump_to_segment(segment))

    def matches_for(self, query: str) -> list[Match]:
        """Every match of ``query`` in the story open now (found once per story and query)."""
        story = self.session.story
        if story is None:
            return []
        if self._search is None or self._search.story is not story:
            # The search's module loads with the first search, not with the window.
            from player.core.search import StorySearch

            self._search = StorySearch(story)
            self._matches = None
            self._last_match = None
        if self._matches is None or self._matches[0] != query:
            self._matches = (query, self._search.find_all(query))
        return self._matches[1]

    def _find_step(self, delta: int) -> None:
        query = self.find_query
        matches = self.matches_for(query)
        if not matches:
            QApplication.beep()
            self.notify(f"No match for {query!r}")
            return
        from player.core.search import step

        last = self._last_match
        if last is not None and last.sentence == self.session.sentence:
            found = step(matches, last, delta)
        else:
            found = step(matches, self._here(), delta)
        assert found is not None  # there are matches
        self._go_to_match(found, delta)

    def _here(self) -> int:
        """The sentence a search starts from: the one being read while the voice reads,
        else the one at the caret (the reader may have arrowed elsewhere)."""
        if self.session.state is PlaybackState.PLAYING or not self.pane.ready:
            return self.session.sentence
        return self.pane.sentence_at_caret()

    def _go_to_match(self, found: Found, delta: int) -> None:
        match = found.match
        story = self.session.story
        if story is None or not self.session.go_to(match.sentence, jump=True):
            return
        self._last_match = match
        self._moved(False)
        self.pane.setFocus(Qt.FocusReason.OtherFocusReason)
        self.pane.select_in_sentence(match.sentence, match.start, match.end)
        words = f"Match {found.number} of {found.count}: {story.sentence(match.sentence).display}"
        if found.wrapped:
            words = f"Search wrapped to the {'start' if delta > 0 else 'end'}. {words}"
        self.notify(words)

    def _parent_widget(self) -> QWidget | None:
        return self if isinstance(self, QWidget) else None
