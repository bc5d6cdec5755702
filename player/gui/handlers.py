"""What the window's commands do: one ``cmd_<id>`` per keymap entry, and the moves they make.

:class:`CommandHandlers` is the part of :class:`~player.gui.window.MainWindow`
that carries out commands: playing, moving (where to is the reading session's
answer; here what the reader then sees and hears), bookmarks, rate and volume,
the View toggles, help. The window lays out the widgets these act on and wires
them; :class:`~player.gui.commands.CommandRegistry` binds each keymap entry to
the ``cmd_`` method of the same id. The second-voice commands stay with the
window's second-voice code.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

from player import APP_NAME, __version__
from player.core.options import RATE_STEP_WPM
from player.core.playback.api import DEFAULT_RATE_WPM, PlaybackState
from player.core.session import Move

if TYPE_CHECKING:
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QDialog, QLabel, QMessageBox

    from player.core.playback.api import Playback
    from player.core.session import ReadingSession
    from player.core.settings import Settings
    from player.gui.announce import Announcer
    from player.gui.appearance import Appearance
    from player.gui.captions import CaptionPanel
    from player.gui.caretfollow import CaretFollower
    from player.gui.contents import ContentsTree
    from player.gui.reading import ReadingPane
    from player.gui.transport import TransportBar

log = logging.getLogger(__name__)

VOLUME_STEP = 0.1


class CommandHandlers(QMainWindow):
    """The commands of the main window (a base of :class:`~player.gui.window.MainWindow`)."""

    if TYPE_CHECKING:  # made by the window
        session: ReadingSession
        settings: Settings
        pane: ReadingPane
        contents: ContentsTree
        captions: CaptionPanel
        transport: TransportBar
        announcer: Announcer
        appearance: Appearance
        caret_follower: CaretFollower
        actions_by_id: dict[str, QAction]
        status_label: QLabel
        message_label: QLabel
        library_only: bool
        library_dialog: QDialog | None
        where_box: QMessageBox | None
        _stop_requested: bool

        def ensure_playback(self) -> Playback | None: ...
        def open_story_in_background(self, path: Path | str) -> None: ...
        def schedule_save(self) -> None: ...
        def _show_position(self) -> None: ...
        def cmd_library(self) -> None: ...

    def time_left_ms(self) -> int:
        return self.session.time_left_ms()

    def where_text(self, spoken: bool = False) -> str:
        return self.session.where_text(spoken)

    def segment_words(self, segment: int) -> str:
        """A segment as announced after a jump: its kind, then its title."""
        return self.session.segment_words(segment)

    def show_message(self, text: str) -> None:
        self.message_label.setText(text)

    def notify(self, text: str, *, announce: bool = True, event: bool = True) -> None:
        """Show ``text`` on the status line and, unless told not to, announce it (``event``:
        see :meth:`Announcer.announce`)."""
        self.show_message(text)
        if announce:
            self.announcer.announce(text, event=event)

    def announce(self, text: str) -> None:
        """Have the screen reader (or, with self-voicing, the app's voice) say ``text``."""
        self.announcer.announce(text)

    def _speak_interface_text(self, text: str, *, interrupt: bool = False) -> None:
        """Self-voicing: say an interface message in the app's own voice.

        ``Playback.say`` speaks it at once when stopped or paused, at the next sentence
        boundary while reading (``interrupt``: at once, then the sentence again), and a
        newer message replaces one not yet said. Without a playback the message stays
        on the status line only.
        """
        if self.session.playback is not None:
            with contextlib.suppress(Exception):  # a message must never break the window
                self.session.playback.say(text, interrupt=interrupt)

    def go_to(self, sentence: int | None, *, jump: bool = False, heading: bool = False) -> bool:
        """Move reading to ``sentence``; ``jump`` records it for Back, ``heading`` puts the
        caret on the segment's heading. Returns False when there is nowhere to go."""
        if not self.session.go_to(sentence, jump=jump):
            QApplication.beep()
            return False
        self._moved(heading)
        return True

    def _moved(self, heading: bool) -> None:
        """Show where the session went: highlight, photos, contents, caret; then save.

        A message about the place left behind ("No more personal stories") is stale now.
        """
        self.show_message("")
        self._show_position()
        if heading and self.session.story is not None:
            self.pane.caret_to_heading(self.session.story.refs[self.session.sentence].segment)
        elif self.session.state is not PlaybackState.PLAYING:
            self.pane.caret_to_sentence(self.session.sentence)
        self.schedule_save()

    def keep_place_in_view(self) -> None:
        """Scroll the sentence being read (or, while stopped or paused with the caret moved
        elsewhere, the caret) back into view after the text was laid out anew.

        Now, and again once the window has settled: a zoom resizes the panes through
        queued layout events, after which the view would otherwise drift again.
        """
        self._scroll_to_place()
        QTimer.singleShot(0, self._scroll_to_place)
        QTimer.singleShot(150, self._scroll_to_place)

    def _scroll_to_place(self) -> None:
        if self.session.closed or self.session.story is None or not self.session.story.refs:
            return
        start, end = self.pane.sentence_span(self.session.sentence)
        caret = self.pane.caret_position()
        if self.session.state is not PlaybackState.PLAYING and not start <= caret <= end:
            start = end = caret
        self.pane.scroll_into_view(start, end)

    def _follow(self, move: Move | None, *, cue: bool = True) -> bool:
        """Show a session move and say it; a beep (and why) when it went nowhere."""
        if move is None:
            return False
        if not move.moved:
            if move.message:
                self.notify(move.message)
            QApplication.beep()
            return False
        self._moved(move.heading)
        if move.message:
            self.show_message(move.message)
            self.announcer.announce(move.message, cue=cue)
        return True

    def jump_to_segment(self, segment: int) -> None:
        if (
            self.session.story is None
            or self.session.story.first_sentence_of_segment(segment) is None
        ):
            if self.session.story is not None:
                QApplication.beep()
            return
        # Focus first, so the contents' selection may follow the jump without being spoken.
        self.pane.setFocus(Qt.FocusReason.OtherFocusReason)
        # The focus change already reads the heading line: no description cue on top.
        self._follow(self.session.jump_to_segment(segment), cue=False)

    def read_from(self, sentence: int) -> None:
        """The reader chose a sentence: read aloud from there."""
        if not self.session.move_to(sentence):
            return
        self._show_position()
        playback = self.ensure_playback()
        if playback is not None:
            playback.play(self.session.sentence)
        self.schedule_save()

    def _pane_command(self, command_id: str) -> None:
        if command_id == "stop" and self.session.state is not PlaybackState.PLAYING:
            return  # Esc stops only while speaking
        self.actions_by_id[command_id].trigger()

    def cmd_open(self) -> None:
        if self.library_only:
            # No native file dialog on a workstation: it would browse outside the library and
            # record recent folders in the patron's home.
            self.cmd_library()
            return
        from PySide6.QtWidgets import QFileDialog

        start = (
            str(Path(self.session.story.path).parent)
            if self.session.story and self.session.story.path
            else ""
        )
        path, _ = QFileDialog.getOpenFileName(
            self, "Open Story", start, "Stories (*.txt *.story);;All files (*)"
        )
        if path:
            self.open_story_in_background(path)

    def cmd_quit(self) -> None:
        self.close()

    def cmd_play_pause(self) -> None:
        playback = self.ensure_playback()
        if playback is None:
            text = "Speech is not available" + (
                f": {self.session.speech_problem}" if self.session.speech_problem else ""
            )
            self.show_message(text)
            self.announcer.error(text)
            return
        if playback.state is PlaybackState.STOPPED:
            playback.play(self.session.sentence)
        else:
            playback.toggle_pause()

    def cmd_stop(self) -> None:
        if self.session.playback is not None:
            self._stop_requested = True
            self.session.playback.stop()

    def cmd_next_sentence(self) -> None:
        self._follow(self.session.step("sentence", 1))

    def cmd_previous_sentence(self) -> None:
        self._follow(self.session.step("sentence", -1))

    def cmd_next_paragraph(self) -> None:
        self._follow(self.session.step("paragraph", 1))

    def cmd_previous_paragraph(self) -> None:
        self._follow(self.session.step("paragraph", -1))

    def cmd_back_10s(self) -> None:
        if self.session.playback is not None:
            self.session.playback.skip_time(-10_000)

    def cmd_forward_10s(self) -> None:
        if self.session.playback is not None:
            self.session.playback.skip_time(10_000)

    def set_rate(self, wpm: int, announce: bool = False) -> None:
        """Set the rate; ``announce`` for keys and menus (the rate control speaks for itself)."""
        applied = self.session.set_rate(wpm)
        if applied is None:
            self.notify("The rate is set by the administrator", announce=announce)
            return
        self.transport.show_rate(applied)
        self.notify(f"Rate {applied} words per minute", announce=announce)
        self.schedule_save()

    def cmd_rate_up(self) -> None:
        self.set_rate(self.settings.rate + RATE_STEP_WPM, announce=True)

    def cmd_rate_down(self) -> None:
        self.set_rate(self.settings.rate - RATE_STEP_WPM, announce=True)

    def cmd_rate_reset(self) -> None:
        self.set_rate(DEFAULT_RATE_WPM, announce=True)

    def set_volume(self, volume: float, announce: bool = False) -> None:
        """Set the volume; ``announce`` as for :meth:`set_rate`."""
        applied = self.session.set_volume(volume)
        if applied is None:
            self.notify("The volume is set by the administrator", announce=announce)
            return
        self.transport.show_volume(applied)
        # Said, so a reader pressing Louder knows why it stopped getting louder.
        at_cap = volume > applied and applied >= self.settings.max_volume
        limit = ", the loudest allowed here" if at_cap else ""
        self.notify(f"Volume {round(applied * 100)} percent{limit}", announce=announce)
        self.schedule_save()

    def cmd_volume_up(self) -> None:
        self.set_volume(self.settings.volume + VOLUME_STEP, announce=True)

    def cmd_volume_down(self) -> None:
        self.set_volume(self.settings.volume - VOLUME_STEP, announce=True)

    def cmd_choose_voice(self) -> None:
        self.transport.voice.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _jump(self, move: Move | None) -> None:
        self._follow(move, cue=not self.pane.caret_move_speaks_itself())

    def cmd_next_segment(self) -> None:
        self._jump(self.session.jump("segment", 1))

    def cmd_previous_segment(self) -> None:
        self._jump(self.session.jump("segment", -1))

    def cmd_next_personal_story(self) -> None:
        self._jump(self.session.jump("personal_story", 1))

    def cmd_previous_personal_story(self) -> None:
        self._jump(self.session.jump("personal_story", -1))

    def cmd_public_reaction(self) -> None:
        self._jump(self.session.jump("public_reaction"))

    def cmd_back(self) -> None:
        self._follow(self.session.back())

    def cmd_forward(self) -> None:
        self._follow(self.session.forward())

    def cmd_where_am_i(self) -> None:
        self.status_label.setText(self.where_text())
        text = self.where_text(spoken=True)
        self.announcer.announce(text, voice=False)
        if self.announcer.screen_reader_running() is not True:
            # Asked for by name, so said in the app's voice even with self-voicing off, and
            # at once; a screen reader already speaks the announcement, so then not twice.
            self._speak_interface_text(text, interrupt=True)

    def cmd_show_where_am_i(self) -> None:
        """Where Am I in a box of its own: the status line already shows the same words, so
        refreshing it changed nothing a reader could see (and at high zoom it may be far
        from where the reader looks)."""
        from PySide6.QtWidgets import QMessageBox

        self.status_label.setText(self.where_text())
        if self.where_box is not None and shiboken6.isValid(self.where_box):
            self.where_box.close()
        before = QApplication.focusWidget()
        box = QMessageBox(QMessageBox.Icon.Information, "Where Am I", self.where_text(True))
        box.setParent(self, box.windowFlags())
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setWindowModality(Qt.WindowModality.WindowModal)

        def closed() -> None:
            self.where_box = None
            target = before if before is not None and shiboken6.isValid(before) else self.pane
            if target.isVisible():
                target.setFocus(Qt.FocusReason.OtherFocusReason)

        box.finished.connect(closed)
        self.where_box = box
        box.show()
        box.activateWindow()

    def _cycle_pane(self, delta: int) -> None:
        panes = [self.contents, self.pane, self.captions.focusables()[0], self.transport.buttons[2]]
        focus = QApplication.focusWidget()
        index = next(
            (
                i
                for i, w in enumerate(panes)
                if focus is not None and (w is focus or w.isAncestorOf(focus))
            ),
            -1,
        )
        target = panes[(index + delta) % len(panes)]
        target.setFocus(
            Qt.FocusReason.TabFocusReason if delta > 0 else Qt.FocusReason.BacktabFocusReason
        )

    def cmd_next_pane(self) -> None:
        self._cycle_pane(1)

    def cmd_previous_pane(self) -> None:
        self._cycle_pane(-1)

    def cmd_add_bookmark(self) -> None:
        default = self.session.default_bookmark_name()
        if default is None:
            return
        from PySide6.QtWidgets import QInputDialog

        with self._restoring_focus():
            name, ok = QInputDialog.getText(self, "Add Bookmark", "Bookmark &name:", text=default)
        if ok:
            self.add_bookmark(name.strip() or default)

    def add_bookmark(self, name: str) -> None:
        message = self.session.add_bookmark(name)
        if message is not None:
            self.notify(message)
            self.schedule_save()

    def cmd_list_bookmarks(self) -> None:
        if self.session.story is None:
            return
        from player.gui.dialogs import BookmarkDialog

        dialog = BookmarkDialog(self.session.bookmarks(), self)
        result = self._run_modal(dialog)
        chosen = dialog.chosen if result else None
        deleted = dialog.deleted
        if deleted:
            self.schedule_save()
            # Said in the dialog as each went; once more only if the list is not followed
            # by a jump, which has its own message.
            message = self.session.delete_bookmarks(deleted)
            self.notify(message, announce=chosen is None)
        if chosen is not None:
            self._to_bookmark(self.session.go_to_bookmark(chosen))

    def _to_bookmark(self, move: Move | None) -> None:
        if move is None:
            return
        if not move.moved:
            self.notify(move.message)
            QApplication.beep()
            return
        self._moved(heading=False)
        self.pane.caret_to_sentence(self.session.sentence)
        self.notify(move.message)

    def cmd_next_bookmark(self) -> None:
        self._to_bookmark(self.session.step_bookmark(1))

    def cmd_previous_bookmark(self) -> None:
        self._to_bookmark(self.session.step_bookmark(-1))

    def cmd_zoom_in(self) -> None:
        self.appearance.zoom_in()

    def cmd_zoom_out(self) -> None:
        self.appearance.zoom_out()

    def cmd_zoom_reset(self) -> None:
        self.appearance.zoom_reset()

    def cmd_line_spacing_more(self) -> None:
        self.appearance.step_line_spacing(1)

    def cmd_line_spacing_less(self) -> None:
        self.appearance.step_line_spacing(-1)

    def cmd_self_voicing(self) -> None:
        enabled = self.actions_by_id["self_voicing"].isChecked()
        self.announcer.self_voicing = enabled
        self.settings.set("self_voicing", enabled)
        if not enabled:
            self.notify("Self-voicing off")
        elif self.announcer.screen_reader_running():
            self.notify("Self-voicing on; silent while a screen reader runs")
        else:
            self.notify("Self-voicing on")
        self.schedule_save()

    def cmd_caret_follows_voice(self) -> None:
        self.notify(self.caret_follower.toggled())
        self.schedule_save()

    def cmd_single_keys(self) -> None:
        enabled = self.actions_by_id["single_keys"].isChecked()
        self.pane.single_keys_enabled = enabled
        self.settings.set("single_key_commands", enabled)
        self.notify("Single-key commands " + ("on" if enabled else "off"))
        self.schedule_save()

    def cmd_keyboard_help(self) -> None:
        # Dialog modules load on first use: nothing the first paint does not need.
        from player.gui.dialogs import KeyboardDialog

        self._run_modal(KeyboardDialog(self))

    def cmd_about(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        with self._restoring_focus():
            QMessageBox.about(
                self,
                f"About {APP_NAME}",
                f"{APP_NAME} {__version__}\nReads news features aloud, with their text and "
                "photo captions.",
            )

    def _run_modal(self, dialog: QDialog) -> int:
        """Run ``dialog`` until it closes and return its result, with focus given back and
        the dialog deleted afterwards: a dialog parented to the window would otherwise
        live as long as the window, one more each time it is opened (a workstation's
        window lives all day)."""
        with self._restoring_focus():
            try:
                return dialog.exec()
            finally:
                dialog.deleteLater()

    @contextlib.contextmanager
    def _restoring_focus(self) -> Iterator[None]:
        """Give focus back to where it was once a dialog closes.

        Window managers usually do this; without one (kiosks, Xvfb) focus would be lost and
        a keyboard user stranded.
        """
        before = QApplication.focusWidget()
        try:
            yield
        finally:
            self.activateWindow()
            # The widget that had focus may be gone by now (a story reopened while the
            # dialog was up rebuilds the panes); touching it would raise here and skip
            # what the caller does with the dialog's results.
            if before is not None and shiboken6.isValid(before) and before.isVisible():
                before.setFocus(Qt.FocusReason.OtherFocusReason)
            else:
                self.pane.setFocus(Qt.FocusReason.OtherFocusReason)
