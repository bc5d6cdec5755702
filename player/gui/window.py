"""The main window: contents, reading pane, photos, transport bar, status line and menus.

The window lays these out and wires them; what they show and do comes from
elsewhere. The reading session (:class:`~player.core.session.ReadingSession`)
holds the story, the position, Back and Forward, the jumps and bookmarks and
the playback's life; the commands and menus come from
:class:`~player.gui.commands.CommandRegistry` (after :mod:`player.gui.keymap`);
theme, font, spacing and zoom from :class:`~player.gui.appearance.Appearance`;
settings reach the disk through :class:`~player.gui.settings_writer.SettingsWriter`
and stories load through :func:`~player.gui.background.run_in_background`.
The playback is created only after the text has been painted, so loading a
speech engine never delays the first sight of the story.

Playback events arrive through a :class:`~player.gui.bridge.PlaybackBridge` as
queued signals. While the voice speaks only highlighting changes; the caret
moves on pause, stop, jumps and the reader's own choices, so a screen reader
never reads along over the app's voice.

Interface messages (play, pause, jumps, bookmarks, errors) go through one
:class:`~player.gui.announce.Announcer`: to the screen reader, or, with
self-voicing on and no screen reader running, to the app's own voice.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QMenu,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from player import APP_NAME, __version__
from player.core.model import BlockType, Story
from player.core.navigation import History, Navigator
from player.core.playback.api import DEFAULT_RATE_WPM, Playback, PlaybackState, Position
from player.core.session import Move, PlaybackFactory, ReadingSession, SpeechUnavailable
from player.core.session import story_key as story_key  # re-exported: gui.workstation uses it
from player.core.settings import Settings
from player.core.speech.base import second_voice
from player.gui.announce import Announcer, ScreenReaderWatch
from player.gui.appearance import Appearance
from player.gui.background import Generation, run_in_background
from player.gui.bridge import PlaybackBridge
from player.gui.captions import CaptionPanel
from player.gui.commands import CommandRegistry
from player.gui.contents import ContentsTree
from player.gui.reading import ReadingPane
from player.gui.settings_writer import SettingsWriter
from player.gui.transport import TransportBar
from player.gui.zoom import SideScroller

if TYPE_CHECKING:
    from PySide6.QtWidgets import QDialog, QMessageBox

__all__ = ["MainWindow", "PlaybackFactory", "StoryLoader", "VoiceLister", "story_key"]

VoiceLister = Callable[[Playback], list[tuple[str, str]]]
StoryLoader = Callable[[Path], Story]

log = logging.getLogger(__name__)

RATE_STEP = 25
VOLUME_STEP = 0.1


def load_story_or_problems(loader: StoryLoader | None, path: Path | str) -> Story | list[Any]:
    """The story, or the problems to show instead; safe on any thread."""
    from player.core.storyfile import StoryFileError, load_story

    try:
        return (loader or load_story)(Path(path))
    except StoryFileError as exc:
        return list(exc.problems)
    except OSError as exc:
        return [exc.strerror or str(exc)]


class MainWindow(QMainWindow):
    """The player window."""

    def __init__(
        self,
        settings: Settings,
        playback_factory: PlaybackFactory | None = None,
        voice_lister: VoiceLister | None = None,
        story_loader: StoryLoader | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.session = ReadingSession(settings, playback_factory)
        self.voice_lister = voice_lister
        self.story_loader = story_loader
        self._bridge: PlaybackBridge | None = None
        self._painted = False
        self._status_sentence = -1
        self._loads = Generation()  # the newest story asked for is the one shown
        self.error_box: QMessageBox | None = None
        # The story library (File > Library) and the workstation's limits on what opens.
        self.library_folder_override: Path | None = None
        self.library_dialog: QDialog | None = None
        #: Workstation mode: File > Open shows the library list instead of a file dialog.
        self.library_only = False
        #: Returns why a story may not be opened here (None: it may); see player.gui.workstation.
        self.story_gate: Callable[[Path], str | None] | None = None
        self._stop_requested = False
        self.setWindowTitle(APP_NAME)

        self.commands = CommandRegistry(self, lambda cid: getattr(self, f"cmd_{cid}"))
        self.actions_by_id = self.commands.actions
        self._build_widgets()
        self._build_look()
        self.commands.build_menus(
            self.menuBar(),
            {"open": self._build_recent_menu, "line_spacing_less": self.appearance.build_menus},
        )
        self._fill_recent_menu()
        self.settings_writer = SettingsWriter(
            settings,
            self,
            failed=self._on_settings_write_failed,
            before_exit=self.session.remember_position,
        )

        self.pane.viewport().installEventFilter(self)
        self._apply_settings()
        self.resize(1100, 720)
        self._restore_layout()

    # The session's state, as views and tests have always read it from the window

    @property
    def story(self) -> Story | None:
        return self.session.story

    @property
    def navigator(self) -> Navigator | None:
        return self.session.navigator

    @property
    def speech_problem(self) -> str:
        return self.session.speech_problem

    @property
    def _shut_down(self) -> bool:
        return self.session.closed

    @property
    def history(self) -> History:
        return self.session.history

    @property
    def sentence(self) -> int:
        return self.session.sentence

    @property
    def word(self) -> int | None:
        return self.session.word

    @property
    def state(self) -> PlaybackState:
        return self.session.state

    @state.setter
    def state(self, state: PlaybackState) -> None:
        self.session.state = state

    @property
    def playback(self) -> Playback | None:
        return self.session.playback

    @playback.setter
    def playback(self, playback: Playback | None) -> None:
        self.session.playback = playback

    @property
    def playback_factory(self) -> PlaybackFactory | None:
        return self.session.playback_factory

    @playback_factory.setter
    def playback_factory(self, factory: PlaybackFactory | None) -> None:
        self.session.playback_factory = factory

    # Construction

    def _build_widgets(self) -> None:
        self.contents = ContentsTree()
        self.pane = ReadingPane()
        self.captions = CaptionPanel()
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("main-splitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.contents)
        self.splitter.addWidget(self.pane)
        self.splitter.addWidget(self.captions)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 0)
        self.splitter.setSizes([230, 600, 270])

        self.transport = TransportBar(self.commands.transport_actions())
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter, 1)
        # At high zoom the controls are wider than the screen: they scroll, not cut off.
        self.transport_area = SideScroller(self.transport)
        layout.addWidget(self.transport_area)
        self.setCentralWidget(central)

        self.status_label = QLabel("No story open")
        self.status_label.setAccessibleName("Status")
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.statusBar().addWidget(self.status_label, 1)
        self.message_label = QLabel("")
        self.message_label.setAccessibleName("Message")
        self.statusBar().addPermanentWidget(self.message_label)

        self._fix_tab_order()

        self.contents.segment_activated.connect(self.jump_to_segment)
        self.pane.command.connect(self._pane_command)
        self.pane.sentence_chosen.connect(self.read_from)
        self.transport.rate_changed.connect(self.set_rate)
        self.transport.volume_changed.connect(self.set_volume)
        self.transport.voice_changed.connect(self.set_voice)
        self.transport.second_voice_changed.connect(self.set_second_voice)

    def _fix_tab_order(self) -> None:
        """Contents, text, photos, then the transport controls: reading order, left to right.

        Photo cards are made anew for each segment and would otherwise join the end of the chain.
        """
        chain: list[QWidget] = [
            self.contents,
            self.pane,
            *self.captions.focusables(),
            *self.transport.buttons,
            self.transport.rate,
            self.transport.volume,
            self.transport.voice,
            self.transport.second_voice,
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _build_look(self) -> None:
        """Announcements, screen-reader watch and the view preferences the a11y settings act on."""
        self.screen_reader = ScreenReaderWatch(parent=self)
        self.screen_reader.refresh()
        self.announcer = Announcer(
            self,
            screen_reader=lambda: self.screen_reader.running,
            self_voice=self._speak_interface_text,
            self_voicing=bool(self.settings.get("self_voicing")),
            # Orca 43 ignores announcement events but speaks the focused pane's new description.
            cue=self.pane.cue if sys.platform.startswith("linux") else None,
        )
        self.appearance = Appearance(
            self.settings, self.pane, notify=self.notify, changed=self.schedule_save
        )
        self.zoom = self.appearance.zoom

    def _build_recent_menu(self, file_menu: QMenu) -> None:
        self.recent_menu = file_menu.addMenu("&Recent Stories")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)

    # View preferences (theme, font, spacing, zoom): see player.gui.appearance

    @property
    def theme_actions(self) -> dict[object, QAction]:
        return self.appearance.theme_actions

    @property
    def font_actions(self) -> dict[object, QAction]:
        return self.appearance.font_actions

    @property
    def spacing_actions(self) -> dict[object, QAction]:
        return self.appearance.spacing_actions

    def set_theme(self, theme_id: str) -> None:
        self.appearance.set_theme(theme_id)

    # Settings

    def _apply_settings(self) -> None:
        self.transport.show_rate(self.settings.rate)
        self.transport.show_volume(self.settings.volume)
        self.transport.set_voices([], self.settings.voice)
        self.transport.set_second_voices([], str(self.settings.get("second_voice")))
        enabled = bool(self.settings.get("single_key_commands"))
        self.pane.single_keys_enabled = enabled
        self.actions_by_id["single_keys"].setChecked(enabled)
        self.actions_by_id["self_voicing"].setChecked(self.announcer.self_voicing)
        self.appearance.apply_settings()
        for key, widget in (("rate", self.transport.rate), ("volume", self.transport.volume)):
            if self.settings.is_locked(key):
                widget.setEnabled(False)
                widget.setAccessibleDescription("Set by the administrator")
        if self.settings.is_locked("voice"):
            self.transport.voice.setEnabled(False)
        if self.settings.is_locked("second_voice"):
            self.transport.second_voice.setEnabled(False)

    def _restore_layout(self) -> None:
        geometry = self.settings.get("window_geometry")
        if geometry:
            self.restoreGeometry(QByteArray.fromBase64(geometry.encode("ascii")))
        splitter = self.settings.get("window_splitter")
        if splitter:
            self.splitter.restoreState(QByteArray.fromBase64(splitter.encode("ascii")))

    def _remember_layout(self) -> None:
        self.settings.set("window_geometry", bytes(self.saveGeometry().toBase64().data()).decode())
        self.settings.set(
            "window_splitter", bytes(self.splitter.saveState().toBase64().data()).decode()
        )

    def schedule_save(self) -> None:
        """Write settings soon; many changes in a row make one small write."""
        self.settings_writer.schedule()

    def save_settings_now(self) -> None:
        """Write the changed settings now (on the writer thread)."""
        self.settings_writer.save_now()

    def _on_settings_write_failed(self, reason: str) -> None:
        self.settings.dirty = True  # try again with the next change or at exit
        text = f"Settings could not be saved: {reason}"
        self.show_message(text)
        self.announcer.error(text)

    # Stories

    def open_story(self, path: Path | str) -> bool:
        """Load and show a story now; on failure show the problems and keep the current one.

        For start-up and scripted sessions; what the reader opens goes through
        :meth:`open_story_in_background`, so a large file never freezes the window.
        """
        if not self._story_allowed(path):
            return False
        return self._show_loaded(path, load_story_or_problems(self.story_loader, path))

    def open_story_in_background(self, path: Path | str) -> None:
        """Load a story on a worker thread and show it (or its problems) when it is ready.

        Only the story asked for last is shown: one chosen before it that loads later is dropped.
        """
        if not self._story_allowed(path):
            return
        self.show_message(f"Opening {Path(path).name}…")
        loader = self.story_loader  # the worker gets what it needs, never the window

        def loaded(future: Future[Story | list[Any]]) -> None:
            if not self._shut_down:
                self.show_message("")
                self._show_loaded(path, future.result())

        run_in_background(
            lambda: load_story_or_problems(loader, path),
            loaded,
            receiver=self,
            generation=self._loads,
            name="story-loader",
        )

    def _story_allowed(self, path: Path | str) -> bool:
        from player.gui.dialogs import show_story_error

        refusal = self.story_gate(Path(path)) if self.story_gate is not None else None
        if refusal is not None:
            self.error_box = show_story_error(self, path, [refusal])
            return False
        return True

    def _show_loaded(self, path: Path | str, result: Story | list[Any]) -> bool:
        from player.gui.dialogs import show_story_error

        if isinstance(result, Story):
            self.set_story(result)
            return True
        self.error_box = show_story_error(self, path, result)
        return False

    def set_story(self, story: Story) -> None:
        self._close_playback()
        self._status_sentence = -1
        resume = self.session.set_story(story)
        self.setWindowTitle(f"{story.meta.title} — {APP_NAME}")
        self.pane.set_story(story)
        self.contents.set_story(story)
        self._show_position()
        self.pane.caret_to_sentence(self.sentence)
        if resume:
            self.show_message("Resuming where you stopped")
        self.schedule_save()
        if self._painted:
            QTimer.singleShot(0, self.ensure_playback)

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self.settings.recent_stories()
        for n, path in enumerate(recent, start=1):
            action = self.recent_menu.addAction(f"&{n % 10} {Path(path).name}")
            action.setToolTip(path)
            action.triggered.connect(
                lambda _checked=False, p=path: self.open_story_in_background(p)
            )
        if not recent:
            empty = self.recent_menu.addAction("No recent stories")
            empty.setEnabled(False)

    # Playback

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            not self._painted
            and watched is self.pane.viewport()
            and event.type() == QEvent.Type.Paint
        ):
            self._painted = True
            # After this paint returns: the text is on screen before any speech engine loads.
            QTimer.singleShot(0, self._after_first_paint)
        return super().eventFilter(watched, event)

    def _after_first_paint(self) -> None:
        # The view had no real size when the story was set; scroll again now that it has.
        if self.story is not None and self.story.refs:
            start, end = self.pane.sentence_span(self.sentence)
            self.pane.scroll_into_view(start, end)
        self.ensure_playback()

    def ensure_playback(self) -> Playback | None:
        """Create the playback for the current story if there is none yet."""
        existing = self.session.playback
        try:
            playback = self.session.ensure_playback(self._new_bridge)
        except SpeechUnavailable as exc:  # the window stays usable as text
            self.show_message(f"Speech is not available: {exc}")
            self.announcer.error(f"Speech is not available: {exc}")
            return None
        if playback is not None and playback is not existing:
            # The engine loads in the background; the voices event (_on_voices) finishes this.
            self.refresh_voices()
        return playback

    def _new_bridge(self) -> PlaybackBridge:
        """The listener of a new playback: its events become queued signals here."""
        bridge = PlaybackBridge()
        bridge.connect_queued("position_changed", self._on_position)
        bridge.connect_queued("state_changed", self._on_state)
        bridge.connect_queued("message", self._on_message)
        bridge.connect_queued("finished", self._on_finished)
        bridge.connect_queued("voices_changed", self._on_voices)
        self._bridge = bridge
        return bridge

    def refresh_voices(self) -> None:
        """Fill the voice lists once the engine knows its voices."""
        if self.playback is None or self.voice_lister is None or self.transport.voice.count() > 1:
            return
        try:
            voices = self.voice_lister(self.playback)
        except Exception:  # a voice list is a nicety; the current voice still works
            voices = []
        if voices:
            self.transport.set_voices(voices, self.settings.voice or self.playback.voice)
            self.transport.set_second_voices(voices, str(self.settings.get("second_voice")))

    def _on_voices(self, _voices: object) -> None:
        """The engine has loaded (``Playback.voices`` is filled): fill the lists and give
        quotations and posts their voice."""
        self.refresh_voices()
        self._apply_second_voice()

    def _apply_second_voice(self) -> None:
        """The ``second_voice`` setting to the playback: "" picks another voice of the main
        voice's language (none if there is none), "off" keeps the main voice."""
        playback = self.playback
        if playback is None:
            return
        voices = playback.voices
        if not voices:
            return  # still loading: applied again by _on_voices
        known = {v.id for v in voices}
        choice = str(self.settings.get("second_voice"))
        voice_id: str | None
        if choice == "off":
            voice_id = None
        elif choice:
            voice_id = choice if choice in known else None
        else:
            main = self.settings.voice if self.settings.voice in known else playback.voice
            automatic = second_voice(voices, main)
            voice_id = automatic.id if automatic is not None else None
        with contextlib.suppress(Exception):  # the story still reads in the main voice
            for block_type in (BlockType.QUOTATION, BlockType.POST):
                playback.set_block_voice(block_type, voice_id)

    def _close_playback(self) -> None:
        if self._bridge is not None:
            # Late events from the old playback's threads must not reach the new story.
            self._bridge.detach()
            self._bridge = None
        self.session.close_playback()
        self._update_play_action()

    def _on_position(self, position: Position) -> None:
        if self.session.on_position(position):
            self._show_position()
            self.schedule_save()

    def _on_state(self, state: PlaybackState) -> None:
        previous, self.state = self.state, state
        self._update_play_action()
        if state is not previous:
            if state is PlaybackState.PLAYING:
                # Not self-voiced: it would wait for a sentence boundary, and the story's
                # voice starting is itself the sign that playing began.
                self.announcer.announce("Playing", voice=False)
            elif state is PlaybackState.PAUSED:
                self.announcer.announce("Paused")
            elif self._stop_requested:
                # Only a stop the reader asked for; the end of the story says so itself.
                self.announcer.announce("Stopped")
        self._stop_requested = False
        if state is not PlaybackState.PLAYING:
            # Reading has stopped: the caret can follow without talking over the voice.
            self.pane.caret_to_sentence(self.sentence)

    def _on_message(self, text: str, level: str) -> None:
        self.show_message(text)
        if level == "error":
            self.announcer.error(text)

    def _on_finished(self) -> None:
        self.show_message("End of the story")
        self.announcer.announce("End of the story")

    def _update_play_action(self) -> None:
        action = self.actions_by_id["play_pause"]
        action.setText("&Pause" if self.state is PlaybackState.PLAYING else "&Play")
        for button in self.transport.buttons:
            if button.defaultAction() is action:
                button.setAccessibleName(action.text().replace("&", ""))

    # Showing where we are

    def _show_position(self) -> None:
        if self.story is None or not self.story.refs:
            return
        self.pane.highlight(self.sentence, self.word)
        ref = self.story.refs[self.sentence]
        segment = self.story.segments[ref.segment]
        if self.captions.set_segment(segment):
            self._fix_tab_order()
        self.captions.mark(self.story.block_of(ref).photo)
        self.contents.mark_current(ref.segment)
        if self._status_sentence != self.sentence:
            # Once per sentence, not per word: each change is an accessibility event.
            self._status_sentence = self.sentence
            self.status_label.setText(self.where_text())

    def time_left_ms(self) -> int:
        return self.session.time_left_ms()

    def where_text(self, spoken: bool = False) -> str:
        return self.session.where_text(spoken)

    def segment_words(self, segment: int) -> str:
        """A segment as announced after a jump: its kind, then its title."""
        return self.session.segment_words(segment)

    def show_message(self, text: str) -> None:
        self.message_label.setText(text)

    def notify(self, text: str, *, announce: bool = True) -> None:
        """Show ``text`` on the status line and, unless told not to, announce it."""
        self.show_message(text)
        if announce:
            self.announcer.announce(text)

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
        if self.playback is not None:
            with contextlib.suppress(Exception):  # a message must never break the window
                self.playback.say(text, interrupt=interrupt)

    # Moving (where to comes from the session; here what the reader sees and hears)

    def go_to(self, sentence: int | None, *, jump: bool = False, heading: bool = False) -> bool:
        """Move reading to ``sentence``; ``jump`` records it for Back, ``heading`` puts the
        caret on the segment's heading. Returns False when there is nowhere to go."""
        if not self.session.go_to(sentence, jump=jump):
            QApplication.beep()
            return False
        self._moved(heading)
        return True

    def _moved(self, heading: bool) -> None:
        """Show where the session went: highlight, photos, contents, caret; then save."""
        self._show_position()
        if heading and self.story is not None:
            self.pane.caret_to_heading(self.story.refs[self.sentence].segment)
        elif self.state is not PlaybackState.PLAYING:
            self.pane.caret_to_sentence(self.sentence)
        self.schedule_save()

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
            self.announcer.announce(move.message, cue=cue)
        return True

    def jump_to_segment(self, segment: int) -> None:
        if self.story is None or self.story.first_sentence_of_segment(segment) is None:
            if self.story is not None:
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
            playback.play(self.sentence)
        self.schedule_save()

    def _pane_command(self, command_id: str) -> None:
        if command_id == "stop" and self.state is not PlaybackState.PLAYING:
            return  # Esc stops only while speaking
        self.actions_by_id[command_id].trigger()

    # Commands (one per keymap entry: cmd_<id>)

    def cmd_open(self) -> None:
        if self.library_only:
            # No native file dialog on a workstation: it would browse outside the library and
            # record recent folders in the patron's home.
            self.cmd_library()
            return
        from PySide6.QtWidgets import QFileDialog

        start = str(Path(self.story.path).parent) if self.story and self.story.path else ""
        path, _ = QFileDialog.getOpenFileName(
            self, "Open Story", start, "Stories (*.txt *.story);;All files (*)"
        )
        if path:
            self.open_story_in_background(path)

    def cmd_library(self) -> None:
        from player.gui.library import show_library

        self.library_dialog = show_library(self, workstation=self.library_only)

    def cmd_quit(self) -> None:
        self.close()

    def cmd_play_pause(self) -> None:
        playback = self.ensure_playback()
        if playback is None:
            text = "Speech is not available" + (
                f": {self.speech_problem}" if self.speech_problem else ""
            )
            self.show_message(text)
            self.announcer.error(text)
            return
        if playback.state is PlaybackState.STOPPED:
            playback.play(self.sentence)
        else:
            playback.toggle_pause()

    def cmd_stop(self) -> None:
        if self.playback is not None:
            self._stop_requested = True
            self.playback.stop()

    def cmd_next_sentence(self) -> None:
        self._follow(self.session.step("sentence", 1))

    def cmd_previous_sentence(self) -> None:
        self._follow(self.session.step("sentence", -1))

    def cmd_next_paragraph(self) -> None:
        self._follow(self.session.step("paragraph", 1))

    def cmd_previous_paragraph(self) -> None:
        self._follow(self.session.step("paragraph", -1))

    def cmd_back_10s(self) -> None:
        if self.playback is not None:
            self.playback.skip_time(-10_000)

    def cmd_forward_10s(self) -> None:
        if self.playback is not None:
            self.playback.skip_time(10_000)

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
        self.set_rate(self.settings.rate + RATE_STEP, announce=True)

    def cmd_rate_down(self) -> None:
        self.set_rate(self.settings.rate - RATE_STEP, announce=True)

    def cmd_rate_reset(self) -> None:
        self.set_rate(DEFAULT_RATE_WPM, announce=True)

    def set_volume(self, volume: float, announce: bool = False) -> None:
        """Set the volume; ``announce`` as for :meth:`set_rate`."""
        applied = self.session.set_volume(volume)
        if applied is None:
            self.notify("The volume is set by the administrator", announce=announce)
            return
        self.transport.show_volume(applied)
        self.notify(f"Volume {round(applied * 100)} percent", announce=announce)
        self.schedule_save()

    def cmd_volume_up(self) -> None:
        self.set_volume(self.settings.volume + VOLUME_STEP, announce=True)

    def cmd_volume_down(self) -> None:
        self.set_volume(self.settings.volume - VOLUME_STEP, announce=True)

    def set_voice(self, voice_id: str) -> None:
        if not self.session.set_voice(voice_id):
            return
        if self.playback is not None:
            self._apply_second_voice()  # "automatic" follows the main voice's language
        self.schedule_save()

    def cmd_choose_voice(self) -> None:
        self.transport.voice.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def set_second_voice(self, choice: str) -> None:
        """The voice for quotations and posts: "" automatic, "off", or a voice id."""
        if not self.settings.set("second_voice", choice):
            self.notify("The voice for quotations and posts is set by the administrator")
            return
        self._apply_second_voice()
        combo = self.transport.second_voice
        self.notify(f"Quotations and posts: {combo.currentText()}", announce=False)
        self.schedule_save()

    def cmd_choose_second_voice(self) -> None:
        self.transport.second_voice.setFocus(Qt.FocusReason.ShortcutFocusReason)

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
        self.status_label.setText(self.where_text())
        self.show_message("")

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
        if self.story is None:
            return
        from player.gui.dialogs import BookmarkDialog

        dialog = BookmarkDialog(self.session.bookmarks(), self)
        with self._restoring_focus():
            result = dialog.exec()
        chosen = dialog.chosen if result else None
        if dialog.deleted:
            self.schedule_save()
            # Said in the dialog as each went; once more only if the list is not followed
            # by a jump, which has its own message.
            message = self.session.delete_bookmarks(dialog.deleted)
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
        self.pane.caret_to_sentence(self.sentence)
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

    def cmd_single_keys(self) -> None:
        enabled = self.actions_by_id["single_keys"].isChecked()
        self.pane.single_keys_enabled = enabled
        self.settings.set("single_key_commands", enabled)
        self.notify("Single-key commands " + ("on" if enabled else "off"))
        self.schedule_save()

    def cmd_keyboard_help(self) -> None:
        # Dialog modules load on first use: nothing the first paint does not need.
        from player.gui.dialogs import KeyboardDialog

        with self._restoring_focus():
            KeyboardDialog(self).exec()

    def cmd_about(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        with self._restoring_focus():
            QMessageBox.about(
                self,
                f"About {APP_NAME}",
                f"{APP_NAME} {__version__}\nReads news features aloud, with their text and "
                "photo captions.",
            )

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
            if before is not None and before.isVisible():
                before.setFocus(Qt.FocusReason.OtherFocusReason)
            else:
                self.pane.setFocus(Qt.FocusReason.OtherFocusReason)

    # Closing

    def shutdown(self) -> None:
        """Stop the voice and write settings; safe to call more than once."""
        if self._bridge is not None:
            self._bridge.detach()
            self._bridge = None
        self.session.close()  # remembers the position, closes the playback
        self._update_play_action()
        self.settings_writer.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._remember_layout()
        self.shutdown()
        super().closeEvent(event)
