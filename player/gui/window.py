"""The main window: contents, reading pane, photos, transport bar, status line and menus.

The window lays these out and wires them; what they show and do comes from
elsewhere. The reading session (:class:`~player.core.session.ReadingSession`)
holds the story, the position, Back and Forward, the jumps and bookmarks and
the playback's life; the commands and menus come from
:class:`~player.gui.commands.CommandRegistry` (after :mod:`player.gui.keymap`);
theme, font, spacing and zoom from :class:`~player.gui.appearance.Appearance`;
settings reach the disk through :class:`~player.gui.settings_writer.SettingsWriter`
and stories load through :class:`~player.gui.opening.StoryOpening`, off the GUI thread.
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
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import (
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from player import APP_NAME
from player.core.model import BlockType, Story
from player.core.playback.api import Playback, PlaybackState, Position
from player.core.playback.voices import UnknownVoiceError, second_voice_for
from player.core.session import PlaybackFactory, ReadingSession, SpeechUnavailable
from player.core.settings import Settings
from player.gui.announce import Announcer, FocusCue, ScreenReaderWatch
from player.gui.appearance import Appearance
from player.gui.audio_output import AudioOutputMenu
from player.gui.background import Generation
from player.gui.bridge import PlaybackBridge
from player.gui.captions import CaptionPanel
from player.gui.caretfollow import CaretFollower
from player.gui.commands import CommandRegistry
from player.gui.contents import ContentsTree
from player.gui.find import FindCommands
from player.gui.importing import ImportCommands
from player.gui.menubar import keep_lone_alt_out
from player.gui.opening import StoryOpening
from player.gui.preload import StoryLoader
from player.gui.reading import ReadingPane
from player.gui.settings_writer import SettingsWriter
from player.gui.transport import TransportBar
from player.gui.zoom import SideScroller, StatusLabel, StatusLine

if TYPE_CHECKING:
    from PySide6.QtWidgets import QDialog, QMessageBox

    from player.gui.exporting import ExportRun

__all__ = ["MainWindow", "PlaybackFactory", "StoryLoader", "VoiceLister"]

VoiceLister = Callable[[Playback], list[tuple[str, str]]]

log = logging.getLogger(__name__)


class MainWindow(FindCommands, ImportCommands, StoryOpening):
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
        #: a story was shown after the first paint: speech waits for the paint showing it
        self._speech_after_paint = False
        #: _after_story_paint waits for the paint of a story's text being built
        self._rest_after_paint = False
        self._status_sentence = -1
        self._loads = Generation()  # the newest story asked for is the one shown
        self.error_box: QMessageBox | None = None
        #: Show Where Am I's answer while it is open
        self.where_box: QMessageBox | None = None
        # The story library (File > Library) and the workstation's limits on what opens.
        self.library_folder_override: Path | None = None
        self.library_dialog: QDialog | None = None
        #: Workstation mode: File > Open shows the library list instead of a file dialog.
        self.library_only = False
        #: Returns why a story may not be opened here (None: it may); see player.gui.workstation.
        self.story_gate: Callable[[Path], str | None] | None = None
        self._stop_requested = False
        #: the last export started with File > Export… (see player.gui.exporting)
        self.export_run: ExportRun | None = None
        self.setWindowTitle(APP_NAME)
        self.setAcceptDrops(True)  # a saved page dropped here is imported (player.gui.importing)

        self.commands = CommandRegistry(self, lambda cid: getattr(self, f"cmd_{cid}"))
        self.actions_by_id = self.commands.actions
        self._build_widgets()
        self._build_look()
        self.audio_output = AudioOutputMenu(
            settings, notify=self.notify, changed=self.schedule_save, parent=self
        )
        self.commands.build_menus(
            self.menuBar(),
            {
                "open": self._build_recent_menu,
                "line_spacing_less": self.appearance.build_menus,
                "choose_second_voice": self.audio_output.build,
            },
        )
        keep_lone_alt_out(self.menuBar())
        self.settings_writer = SettingsWriter(
            settings,
            self,
            failed=self._on_settings_write_failed,
            before_exit=self.session.remember_position,
        )

        # The pane, not its viewport: the first viewport() made PySide ready every widget
        # class for Python (some 7 ms) before anything was on screen. Both paint in one pass.
        self.pane.installEventFilter(self)
        self._apply_settings()
        self.resize(1100, 720)
        self._restore_layout()

    # The session's state, as views and tests have always read it from the window

    @property
    def story(self) -> Story | None:
        return self.session.story

    @property
    def sentence(self) -> int:
        return self.session.sentence

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

        self.status_label = StatusLabel("No story open")
        self.status_label.setAccessibleName("Status")
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # Wrapped, not cut off, when zoomed text is wider than the window.
        status_line = StatusLine()
        self.setStatusBar(status_line)
        status_line.add_label(self.status_label, 3)
        self.message_label = StatusLabel("")
        self.message_label.setAccessibleName("Message")
        status_line.add_label(self.message_label, 2, permanent=True)

        self._fix_tab_order()

        self.contents.segment_activated.connect(self.jump_to_segment)
        self.pane.command.connect(self._pane_command)
        self.pane.sentence_chosen.connect(self.read_from)
        self.pane.built.connect(self._story_built)
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
        # Photo cards join the window after its first paint (the order is set again then).
        placed = [widget for widget in chain if widget.window() is self]
        for first, second in itertools.pairwise(placed):
            QWidget.setTabOrder(first, second)

    def _build_look(self) -> None:
        """Announcements, screen-reader watch and the view preferences the a11y settings act on."""
        self.screen_reader = ScreenReaderWatch.for_platform(parent=self)  # started after the paint
        self.announcer = Announcer(
            self,
            screen_reader=lambda: self.screen_reader.running,
            self_voice=self._speak_interface_text,
            self_voicing=bool(self.settings.get("self_voicing")),
            # Orca 43 ignores announcement events but speaks the focused object's new description.
            cue=FocusCue() if sys.platform.startswith("linux") else None,
            announcements_heard=lambda: self.screen_reader.announcements_heard,
        )
        self.appearance = Appearance(
            self.settings,
            self.pane,
            notify=self.notify,
            changed=self.schedule_save,
            keep_place=self.keep_place_in_view,
        )
        self.zoom = self.appearance.zoom
        self.caret_follower = CaretFollower(
            self.actions_by_id["caret_follows_voice"],
            self.pane,
            self.settings,
            lambda: self.screen_reader.running,
        )
        self.screen_reader.changed.connect(self.caret_follower.screen_reader_changed)

    # View preferences (theme, font, spacing, zoom): see player.gui.appearance

    @property
    def theme_actions(self) -> dict[object, QAction]:
        self.commands.fill_menu("View")
        return self.appearance.theme_actions

    @property
    def font_actions(self) -> dict[object, QAction]:
        self.commands.fill_menu("View")
        return self.appearance.font_actions

    @property
    def spacing_actions(self) -> dict[object, QAction]:
        self.commands.fill_menu("View")
        return self.appearance.spacing_actions

    def set_theme(self, theme_id: str) -> None:
        self.appearance.set_theme(theme_id)

    # Settings

    def _apply_settings(self) -> None:
        self.transport.show_rate(self.settings.rate)
        self.transport.limit_volume(self.settings.max_volume)
        self.transport.show_volume(self.settings.volume)
        self.transport.set_voices([], self.session.voice_choice())
        self.transport.set_second_voices([], str(self.settings.get("second_voice")))
        enabled = bool(self.settings.get("single_key_commands"))
        self.pane.single_keys_enabled = enabled
        self.actions_by_id["single_keys"].setChecked(enabled)
        self.actions_by_id["self_voicing"].setChecked(self.announcer.self_voicing)
        self.caret_follower.apply_settings()
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

    # Playback

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self._painted and watched is self.pane:
            self._painted = True
            # After this paint returns: the text is on screen before any speech engine loads.
            QTimer.singleShot(0, self._after_first_paint)
        return super().eventFilter(watched, event)

    def _text_painted(self) -> None:
        if self._speech_after_paint:
            self._speech_after_paint = False
            QTimer.singleShot(0, self.prepare_speech)
            if self._rest_after_paint:
                self._rest_after_paint = False
                QTimer.singleShot(0, self._after_story_paint)

    def prepare_speech_after_paint(self) -> None:
        """:meth:`prepare_speech` once the pane has painted what it now holds: loading the
        speech code takes the GUI thread for a moment, which must not come before the text."""
        if not self._speech_after_paint:
            self._speech_after_paint = True
            self.pane.painted.connect(self._text_painted, Qt.ConnectionType.SingleShotConnection)
        self.pane.repaint_text()

    def _after_first_paint(self) -> None:
        # The story first: the reader waits for the sentence; the rest waits for its paint.
        # The view had no real size when the story was set; scroll again now that it has.
        if self.story is not None and self.story.refs and self.pane.ready:
            start, end = self.pane.sentence_span(self.sentence)
            self.pane.scroll_into_view(start, end)
        if not self.take_preloaded():  # a story shown now has speech wait for its paint
            self.prepare_speech()
        if self._speech_after_paint or (self.session.story is not None and not self.pane.ready):
            self._rest_after_paint = True  # with the speech, once the story's text is painted
        else:
            self._after_story_paint()  # no story, or its text was in the first paint

    def _after_story_paint(self) -> None:
        """What the first sight does not need (menus' entries, the scroll bars' grooves for
        jumps, the photo panel's contents when no story filled it, the screen-reader watch),
        in the turn after a story just shown is painted: 10 ms sooner to the sentence."""
        self.commands.fill_menus()
        from player.gui.scrollbars import band_grooves_soon

        band_grooves_soon(self.pane, self.contents)
        if self.captions.show_contents():
            self._fix_tab_order()
        QTimer.singleShot(0, self.screen_reader.start)  # after a story just shown is painted

    def prepare_speech(self) -> None:
        """Make the playback and have it load its voice and open the sound output in the
        background, while the reader looks at the text: the first Play then starts as fast
        as later ones. Called only once the story's text has been painted."""
        playback = self.ensure_playback()
        if playback is not None:
            playback.prime()

    def ensure_playback(self) -> Playback | None:
        """Create the playback for the current story if there is none yet."""
        existing = self.session.playback
        if self.story is not None:
            # Only a playback needs the output (QtMultimedia, the device list): started at the
            # first paint instead, it held up the story's text by some 40 ms.
            self.audio_output.ensure_started()
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
        if self.playback is None or self.voice_lister is None:
            return
        if self.transport.voice.count() > 1:
            self.transport.show_voice(self.session.voice_choice() or self.playback.voice)
            return
        try:
            voices = self.voice_lister(self.playback)
        except Exception:  # a voice list is a nicety; the current voice still works
            log.exception("the voice list could not be read")
            voices = []
        if voices:
            self.transport.set_voices(voices, self.session.voice_choice() or self.playback.voice)
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
        choice = self.session.voice_choice()
        main = choice if choice in known else playback.voice
        voice_id: str | None
        try:
            voice_id = second_voice_for(voices, main, str(self.settings.get("second_voice")))
        except UnknownVoiceError:
            voice_id = None  # a stored voice this engine lacks: the main voice
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
        self.pane.highlight(self.sentence, self.session.word)
        self.caret_follower.follow(self.sentence, self.state is PlaybackState.PLAYING)
        ref = self.story.refs[self.sentence]
        segment = self.story.segments[ref.segment]
        in_photos = any(w.hasFocus() for w in self.captions.focusables())
        if self.captions.set_segment(segment):
            self._fix_tab_order()
            if in_photos:
                # The focused card is gone with its segment; focus would go nowhere, and a
                # screen reader would hear neither where it is nor the jump's message.
                self.captions.focusables()[0].setFocus(Qt.FocusReason.OtherFocusReason)
        self.captions.mark(self.story.block_of(ref).photo)
        self.contents.mark_current(ref.segment)
        if self._status_sentence != self.sentence:
            # Once per sentence, not per word: each change is an accessibility event.
            self._status_sentence = self.sentence
            self.status_label.setText(self.where_text())

    def set_voice(self, voice_id: str) -> None:
        """The reader chose a voice in the list. Orca 43 says nothing when a closed list
        changes, so the choice is confirmed in words (by the cue only, while the list has
        focus: Orca 48 and the others say the list's new value themselves)."""
        if not self.session.set_voice(voice_id):
            return
        voice = self.transport.voice
        self.notify(f"Voice: {voice.currentText()}", event=not voice.hasFocus())
        if self.playback is not None:
            self._apply_second_voice()  # "automatic" follows the main voice's language
        self.schedule_save()

    def set_second_voice(self, choice: str) -> None:
        """The voice for quotations and posts: "" automatic, "off", or a voice id."""
        if not self.settings.set("second_voice", choice):
            self.notify("The voice for quotations and posts is set by the administrator")
            return
        self._apply_second_voice()
        combo = self.transport.second_voice
        self.notify(f"Quotations and posts: {combo.currentText()}", event=not combo.hasFocus())
        self.schedule_save()

    def cmd_library(self) -> None:
        from player.gui.library import show_library

        self.library_dialog = show_library(self, workstation=self.library_only)

    def cmd_export(self) -> None:
        from player.gui.exporting import start_export

        self.export_run = start_export(self) or self.export_run

    def cmd_choose_second_voice(self) -> None:
        self.transport.second_voice.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def shutdown(self) -> None:
        """Stop the voice and write settings; safe to call more than once."""
        if self._bridge is not None:
            self._bridge.detach()
            self._bridge = None
        self.screen_reader.stop()
        if self.export_run is not None:
            self.export_run.cancel()  # no half-built book left when the app ends mid-export
        self.stop_import()  # no importing process left running after the window
        self.session.close()  # remembers the position, closes the playback
        self._update_play_action()
        self.settings_writer.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._remember_layout()
        self.shutdown()
        super().closeEvent(event)
