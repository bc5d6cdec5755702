"""The main window: contents, reading pane, photos, transport bar, status line and menus.

The window is thin: where a move lands comes from :mod:`player.core.navigation`,
what is remembered from :mod:`player.core.settings`, and the voice from a
:class:`~player.core.playback.api.Playback` made by a factory the app passes in.
The playback is created only after the text has been painted, so loading a
speech engine never delays the first sight of the story.

Playback events arrive through a :class:`~player.gui.bridge.PlaybackBridge` as
queued signals. While the voice speaks only highlighting changes; the caret
moves on pause, stop, jumps and the reader's own choices, so a screen reader
never reads along over the app's voice.

Interface messages (play, pause, jumps, bookmarks, errors) go through one
:class:`~player.gui.announce.Announcer`: to the screen reader, or, with
self-voicing on and no screen reader running, to the app's own voice.
Theme, zoom, reading font and line spacing are remembered settings; the theme
is applied to the application before the window is built (see ``app.py``).
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import logging
import sys
import threading
import weakref
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import QByteArray, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QKeySequence,
)
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
from player.core.navigation import History, Navigator, estimate_ms, whereabouts
from player.core.playback.api import (
    DEFAULT_RATE_WPM,
    MAX_RATE_WPM,
    MIN_RATE_WPM,
    Playback,
    PlaybackState,
    Position,
)
from player.core.playback.voices import UnknownVoiceError, second_voice_for
from player.core.settings import Settings
from player.gui import fonts
from player.gui import theme as themes
from player.gui.announce import Announcer, ScreenReaderWatch
from player.gui.bridge import PlaybackBridge
from player.gui.captions import CaptionPanel
from player.gui.contents import ContentsTree
from player.gui.keymap import COMMANDS, MENUS
from player.gui.reading import LINE_SPACINGS, ReadingPane
from player.gui.transport import TransportBar
from player.gui.zoom import SideScroller, Zoom

if TYPE_CHECKING:
    from PySide6.QtWidgets import QDialog, QMessageBox

PlaybackFactory = Callable[[Story], Playback]
VoiceLister = Callable[[Playback], list[tuple[str, str]]]
StoryLoader = Callable[[Path], Story]

log = logging.getLogger(__name__)

RATE_STEP = 25
VOLUME_STEP = 0.1
SAVE_DELAY_MS = 800
#: how long closing the window waits for the settings writer (a very slow disk)
SETTINGS_WRITE_TIMEOUT_S = 30.0
TRANSPORT_COMMANDS = (
    "previous_segment",
    "previous_sentence",
    "play_pause",
    "next_sentence",
    "next_segment",
)


def story_key(story: Story) -> str:
    """The key a story's position and bookmarks are remembered under."""
    if story.path is not None:
        return str(Path(story.path).resolve())
    return f"title:{story.meta.title}"


class MainWindow(QMainWindow):
    """The player window."""

    #: A settings write on the writer thread failed; carries the reason.
    settings_write_failed = Signal(str)
    #: A story loaded on a worker thread: its path, and the Story or the problems.
    story_loaded = Signal(str, object)

    def __init__(
        self,
        settings: Settings,
        playback_factory: PlaybackFactory | None = None,
        voice_lister: VoiceLister | None = None,
        story_loader: StoryLoader | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.playback_factory = playback_factory
        self.voice_lister = voice_lister
        self.story_loader = story_loader
        self.story: Story | None = None
        self.playback: Playback | None = None
        self.state = PlaybackState.STOPPED
        self.sentence = 0
        self.word: int | None = None
        self.history = History()
        self.navigator: Navigator | None = None
        self.speech_problem = ""
        self._bridge: PlaybackBridge | None = None
        self._painted = False
        self._shut_down = False
        self._status_sentence = -1
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

        self.actions_by_id: dict[str, QAction] = {}
        self._build_actions()
        self._build_widgets()
        self._build_look()
        self._build_menus()

        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.save_settings_now)
        # One writer thread: the GUI never waits for the disk (an fsync can take long),
        # and writes stay in order.
        self._writer: ThreadPoolExecutor | None = ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="settings-writer"
        )
        _open_windows.add(self)  # so that an exit without closing still saves (see below)
        self.settings_write_failed.connect(self._on_settings_write_failed)
        self.story_loaded.connect(self._on_story_loaded)

        self.pane.viewport().installEventFilter(self)
        self._apply_settings()
        self.resize(1100, 720)
        self._restore_layout()

    # Construction

    def _build_actions(self) -> None:
        for command in COMMANDS:
            action = QAction(command.text, self)
            action.setShortcuts([QKeySequence(s) for s in command.shortcuts])
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.setToolTip(command.description)
            action.setStatusTip(command.description)
            handler = getattr(self, f"cmd_{command.id}")
            action.triggered.connect(lambda _checked=False, h=handler: h())
            self.addAction(action)
            self.actions_by_id[command.id] = action
        single = self.actions_by_id["single_keys"]
        single.setCheckable(True)
        self.actions_by_id["self_voicing"].setCheckable(True)

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

        self.transport = TransportBar([self.actions_by_id[c] for c in TRANSPORT_COMMANDS])
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
        """Announcements, screen-reader watch and zoom: what the a11y settings act on."""
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
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        self.zoom = Zoom(app, [self.pane])

    def _build_menus(self) -> None:
        menus: dict[str, QMenu] = {}
        labels = {m: f"&{m}" for m in MENUS}
        for name in MENUS:
            menus[name] = self.menuBar().addMenu(labels[name])
        for command in COMMANDS:
            menus[command.menu].addAction(self.actions_by_id[command.id])
            if command.id == "open":
                self.recent_menu = menus["File"].addMenu("&Recent Stories")
                self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
            if command.id == "line_spacing_less":
                self._build_look_menus(menus[command.menu])
            if command.id in (
                "open", "stop", "previous_paragraph", "forward_10s", "rate_reset",
                "line_spacing_less",
            ):  # fmt: skip
                menus[command.menu].addSeparator()
        self._fill_recent_menu()

    def _build_look_menus(self, view: QMenu) -> None:
        """View > Theme, Reading Font and Line Spacing: one checked choice each."""

        def choices(
            title: str, items: Sequence[tuple[object, str]], handler: Callable[[object], None]
        ) -> dict[object, QAction]:
            menu = view.addMenu(title)
            group = QActionGroup(menu)
            group.setExclusive(True)
            actions: dict[object, QAction] = {}
            for value, text in items:
                action = menu.addAction(text)
                action.setCheckable(True)
                group.addAction(action)
                action.triggered.connect(lambda _checked=False, v=value: handler(v))
                actions[value] = action
            return actions

        self.theme_actions = choices(
            "&Theme",
            [(tid, name) for tid, name in themes.theme_names()],
            lambda v: self.set_theme(str(v)),
        )
        self.font_actions = choices(
            "Reading &Font",
            [("", "&System Font")]
            + [(f.family, f"&{n} {f.family}") for n, f in enumerate(fonts.BUNDLED_FONTS, 1)],
            lambda v: self.set_reading_font(str(v)),
        )
        self.spacing_actions = choices(
            "&Line Spacing",
            [(p, f"&{n} {p} %") for n, p in enumerate(LINE_SPACINGS, 1)],
            lambda v: self.set_line_spacing(int(str(v))),
        )

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
        app = QApplication.instance()
        theme_id = themes.current_theme_id(app) if isinstance(app, QApplication) else None
        self._check(self.theme_actions, theme_id or themes.DEFAULT_THEME)
        family = str(self.settings.get("reading_font"))
        if family:
            self.set_reading_font(family, remember=False)  # checks its menu entry
        else:
            self._check(self.font_actions, "")
        self.set_line_spacing(int(self.settings.get("line_spacing")), remember=False)
        self.zoom.set_percent(int(self.settings.get("zoom_percent")))
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
        self._save_timer.start()

    def save_settings_now(self) -> None:
        """Write the changed settings: on the writer thread, or here once it has stopped."""
        self._save_timer.stop()
        write = self.settings.pending_write()
        if write is None:
            return
        if self._writer is not None:
            self._writer.submit(self._write_settings, write)
        else:
            self._write_settings(write)

    def _write_settings(self, write: Callable[[], None]) -> None:
        try:
            write()
        except OSError as exc:
            # Dirty again at once, not only when the queued signal arrives: a shutdown
            # draining the writer must see that this write is to be done again.
            self.settings.dirty = True
            self.settings_write_failed.emit(str(exc.strerror or exc))

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
        return self._show_loaded(path, self._load(path))

    def open_story_in_background(self, path: Path | str) -> None:
        """Load a story on a worker thread and show it (or its problems) when it is ready."""
        if not self._story_allowed(path):
            return
        self.show_message(f"Opening {Path(path).name}…")

        def work() -> None:
            result = self._load(path)
            with contextlib.suppress(RuntimeError):  # the window closed meanwhile
                self.story_loaded.emit(str(path), result)

        threading.Thread(target=work, name="story-loader", daemon=True).start()

    def _story_allowed(self, path: Path | str) -> bool:
        from player.gui.dialogs import show_story_error

        refusal = self.story_gate(Path(path)) if self.story_gate is not None else None
        if refusal is not None:
            self.error_box = show_story_error(self, path, [refusal])
            return False
        return True

    def _load(self, path: Path | str) -> Story | list[Any]:
        """The story, or the problems to show instead; safe on any thread."""
        from player.core.storyfile import StoryFileError, load_story

        loader = self.story_loader or load_story
        try:
            return loader(Path(path))
        except StoryFileError as exc:
            return list(exc.problems)
        except OSError as exc:
            return [exc.strerror or str(exc)]

    def _on_story_loaded(self, path: str, result: object) -> None:
        if not self._shut_down:
            self.show_message("")
            self._show_loaded(path, cast("Story | list[Any]", result))

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
        self.story = story
        self.navigator = Navigator(story)
        self.history.clear()
        self.setWindowTitle(f"{story.meta.title} — {APP_NAME}")
        self.pane.set_story(story)
        self.contents.set_story(story)
        key = story_key(story)
        if story.path is not None:
            self.settings.add_recent(str(Path(story.path).resolve()))
        resume = self.settings.position_for(key)
        self.sentence = self.navigator.clamp(resume) if resume is not None else 0
        self.word = None
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
        if (
            self.playback is not None
            or self.story is None
            or self.playback_factory is None
            or self._shut_down
        ):
            return self.playback
        try:
            playback = self.playback_factory(self.story)
        except Exception as exc:  # any engine failure leaves a usable text-only window
            self.speech_problem = str(exc) or type(exc).__name__
            self.show_message(f"Speech is not available: {self.speech_problem}")
            self.announcer.error(f"Speech is not available: {self.speech_problem}")
            self.playback_factory = None
            return None
        bridge = PlaybackBridge()
        bridge.connect_queued("position_changed", self._on_position)
        bridge.connect_queued("state_changed", self._on_state)
        bridge.connect_queued("message", self._on_message)
        bridge.connect_queued("finished", self._on_finished)
        bridge.connect_queued("voices_changed", self._on_voices)
        playback.add_listener(bridge)
        self._bridge = bridge
        self.playback = playback
        with contextlib.suppress(Exception):
            playback.set_rate(self.settings.rate)
            playback.set_volume(self.settings.volume)
            if self.settings.voice:
                playback.set_voice(self.settings.voice)
        playback.seek(self.sentence)
        # The engine loads in the background; the voices event (_on_voices) finishes this.
        self.refresh_voices()
        return playback

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
        main = self.settings.voice if self.settings.voice in known else playback.voice
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
        if self.playback is not None:
            self.playback.close()
            self.playback = None
        self.state = PlaybackState.STOPPED
        self._update_play_action()

    def _on_position(self, position: Position) -> None:
        if self.story is None or not 0 <= position.sentence < self.story.sentence_count:
            return
        self.sentence = position.sentence
        self.word = position.word
        self._show_position()
        if self.story is not None:
            self.settings.remember_position(story_key(self.story), self.sentence)
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
        if self.playback is not None:
            with contextlib.suppress(Exception):
                return self.playback.time_left_ms()
        if self.story is None:
            return 0
        return estimate_ms(self.story, self.sentence, self.settings.rate)

    def where_text(self, spoken: bool = False) -> str:
        if self.story is None:
            return "No story open"
        where = whereabouts(self.story, self.sentence, self.time_left_ms())
        if where is None:
            return "The story is empty"
        return where.spoken_text() if spoken else where.status_text()

    def show_message(self, text: str) -> None:
        self.message_label.setText(text)

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

    def segment_words(self, segment: int) -> str:
        """A segment as announced after a jump: its kind, then its title."""
        if self.story is None or not 0 <= segment < len(self.story.segments):
            return ""
        seg = self.story.segments[segment]
        kind = seg.kind.label
        if not kind or kind.casefold() == seg.title.casefold():
            return seg.title
        return f"{kind}: {seg.title}"

    # Moving

    def go_to(self, sentence: int | None, *, jump: bool = False, heading: bool = False) -> bool:
        """Move reading to ``sentence``; ``jump`` records it for Back, ``heading`` puts the
        caret on the segment's heading. Returns False when there is nowhere to go."""
        if sentence is None or self.story is None or self.navigator is None:
            QApplication.beep()
            return False
        if jump:
            self.history.jumped(self.sentence)
        self.sentence = self.navigator.clamp(sentence)
        self.word = None
        if self.playback is not None:
            self.playback.seek(self.sentence)
        self._show_position()
        if heading:
            self.pane.caret_to_heading(self.story.refs[self.sentence].segment)
        elif self.state is not PlaybackState.PLAYING:
            self.pane.caret_to_sentence(self.sentence)
        self.settings.remember_position(story_key(self.story), self.sentence)
        self.schedule_save()
        return True

    def jump_to_segment(self, segment: int) -> None:
        if self.story is None:
            return
        first = self.story.first_sentence_of_segment(segment)
        if first is None:
            QApplication.beep()
            return
        # Focus first, so the contents' selection may follow the jump without being spoken.
        self.pane.setFocus(Qt.FocusReason.OtherFocusReason)
        if self.go_to(first, jump=True, heading=True):
            # The focus change already reads the heading line: no description cue on top.
            self.announcer.announce(self.segment_words(segment), cue=False)

    def read_from(self, sentence: int) -> None:
        """The reader chose a sentence: read aloud from there."""
        if self.story is None or not self.story.refs:
            return
        self.sentence = max(0, min(sentence, self.story.sentence_count - 1))
        self.word = None
        self._show_position()
        playback = self.ensure_playback()
        if playback is not None:
            playback.play(self.sentence)
        self.settings.remember_position(story_key(self.story), self.sentence)
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
        if self.navigator:
            self.go_to(self.navigator.sentence(self.sentence, 1))

    def cmd_previous_sentence(self) -> None:
        if self.navigator:
            self.go_to(self.navigator.sentence(self.sentence, -1))

    def cmd_next_paragraph(self) -> None:
        if self.navigator:
            self.go_to(self.navigator.block(self.sentence, 1))

    def cmd_previous_paragraph(self) -> None:
        if self.navigator:
            self.go_to(self.navigator.block(self.sentence, -1))

    def cmd_back_10s(self) -> None:
        if self.playback is not None:
            self.playback.skip_time(-10_000)

    def cmd_forward_10s(self) -> None:
        if self.playback is not None:
            self.playback.skip_time(10_000)

    def notify(self, text: str, *, announce: bool = True) -> None:
        """Show ``text`` on the status line and, unless told not to, announce it."""
        self.show_message(text)
        if announce:
            self.announcer.announce(text)

    def set_rate(self, wpm: int, announce: bool = False) -> None:
        """Set the rate; ``announce`` for keys and menus (the rate control speaks for itself)."""
        wpm = max(MIN_RATE_WPM, min(MAX_RATE_WPM, wpm))
        if not self.settings.set("rate", wpm):
            self.notify("The rate is set by the administrator", announce=announce)
            return
        self.transport.show_rate(wpm)
        if self.playback is not None:
            self.playback.set_rate(wpm)
        self.notify(f"Rate {wpm} words per minute", announce=announce)
        self.schedule_save()

    def cmd_rate_up(self) -> None:
        self.set_rate(self.settings.rate + RATE_STEP, announce=True)

    def cmd_rate_down(self) -> None:
        self.set_rate(self.settings.rate - RATE_STEP, announce=True)

    def cmd_rate_reset(self) -> None:
        self.set_rate(DEFAULT_RATE_WPM, announce=True)

    def set_volume(self, volume: float, announce: bool = False) -> None:
        """Set the volume; ``announce`` as for :meth:`set_rate`."""
        volume = round(max(0.0, min(1.0, volume)), 2)
        if not self.settings.set("volume", volume):
            self.notify("The volume is set by the administrator", announce=announce)
            return
        self.transport.show_volume(volume)
        if self.playback is not None:
            self.playback.set_volume(volume)
        self.notify(f"Volume {round(volume * 100)} percent", announce=announce)
        self.schedule_save()

    def cmd_volume_up(self) -> None:
        self.set_volume(self.settings.volume + VOLUME_STEP, announce=True)

    def cmd_volume_down(self) -> None:
        self.set_volume(self.settings.volume - VOLUME_STEP, announce=True)

    def set_voice(self, voice_id: str) -> None:
        if not voice_id or not self.settings.set("voice", voice_id):
            return
        if self.playback is not None:
            self.playback.set_voice(voice_id)
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

    def _jump(self, target: int | None, nowhere: str) -> None:
        if target is None:
            self.notify(nowhere)
            QApplication.beep()
            return
        if self.go_to(target, jump=True, heading=True) and self.story is not None:
            self.announcer.announce(
                self.segment_words(self.story.refs[self.sentence].segment),
                cue=not self.pane.caret_move_speaks_itself(),
            )

    def cmd_next_segment(self) -> None:
        if self.navigator:
            self._jump(self.navigator.segment(self.sentence, 1), "This is the last segment")

    def cmd_previous_segment(self) -> None:
        if self.navigator:
            self._jump(self.navigator.segment(self.sentence, -1), "This is the first segment")

    def cmd_next_personal_story(self) -> None:
        if self.navigator:
            self._jump(self.navigator.personal_story(self.sentence, 1), "No more personal stories")

    def cmd_previous_personal_story(self) -> None:
        if self.navigator:
            self._jump(
                self.navigator.personal_story(self.sentence, -1), "No earlier personal story"
            )

    def cmd_public_reaction(self) -> None:
        if self.navigator:
            self._jump(
                self.navigator.public_reaction(self.sentence), "This story has no public reaction"
            )

    def cmd_back(self) -> None:
        target = self.history.back(self.sentence)
        if target is None:
            self.notify("Nothing to go back to")
            QApplication.beep()
            return
        if self.go_to(target, heading=self._is_segment_start(target)):
            self.announcer.announce(f"Back to {self._place_words()}")

    def cmd_forward(self) -> None:
        target = self.history.forward(self.sentence)
        if target is None:
            self.notify("Nothing to go forward to")
            QApplication.beep()
            return
        if self.go_to(target, heading=self._is_segment_start(target)):
            self.announcer.announce(f"Forward to {self._place_words()}")

    def _place_words(self) -> str:
        """The current segment and, inside it, the sentence: for Back and Forward."""
        if self.story is None or not self.story.refs:
            return ""
        segment = self.story.refs[self.sentence].segment
        first = self.story.first_sentence_of_segment(segment) or 0
        words = self.segment_words(segment)
        if self.sentence == first:
            return words
        return f"{words}, sentence {self.sentence - first + 1}"

    def _is_segment_start(self, sentence: int) -> bool:
        if self.story is None or not 0 <= sentence < self.story.sentence_count:
            return False
        ref = self.story.refs[sentence]
        return self.story.first_sentence_of_segment(ref.segment) == sentence

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

    def _panes(self) -> list[QWidget]:
        return [
            self.contents,
            self.pane,
            self.captions.focusables()[0],
            self.transport.buttons[2],
        ]

    def _cycle_pane(self, delta: int) -> None:
        panes = self._panes()
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
        if self.story is None or not self.story.refs:
            return
        ref = self.story.refs[self.sentence]
        segment = self.story.segments[ref.segment]
        first = self.story.first_sentence_of_segment(ref.segment) or 0
        default = f"{segment.title}, sentence {self.sentence - first + 1}"
        from PySide6.QtWidgets import QInputDialog

        with self._restoring_focus():
            name, ok = QInputDialog.getText(self, "Add Bookmark", "Bookmark &name:", text=default)
        if ok:
            self.add_bookmark(name.strip() or default)

    def add_bookmark(self, name: str) -> None:
        if self.story is None:
            return
        self.settings.add_bookmark(story_key(self.story), name, self.sentence)
        self.notify(f"Bookmark added: {name}")
        self.schedule_save()

    def cmd_list_bookmarks(self) -> None:
        if self.story is None:
            return
        from player.gui.dialogs import BookmarkDialog

        key = story_key(self.story)
        dialog = BookmarkDialog(self.settings.bookmarks(key), self)
        with self._restoring_focus():
            result = dialog.exec()
        for mark in dialog.deleted:
            self.settings.delete_bookmark(key, mark)
        if dialog.deleted:
            self.schedule_save()
            deleted = dialog.deleted
            self.notify(
                f"Bookmark deleted: {deleted[0].name}"
                if len(deleted) == 1
                else f"{len(deleted)} bookmarks deleted",
                # Said in the dialog as each went; once more only if the list is not followed
                # by a jump, which has its own message.
                announce=not (result and dialog.chosen is not None),
            )
        if result and dialog.chosen is not None:
            self.go_to(dialog.chosen.sentence, jump=True)
            self.pane.caret_to_sentence(self.sentence)
            self.notify(f"Bookmark: {dialog.chosen.name}")

    def _bookmark_step(self, delta: int) -> None:
        if self.story is None:
            return
        marks = self.settings.bookmarks(story_key(self.story))
        if delta > 0:
            ahead = [m for m in marks if m.sentence > self.sentence]
            mark = ahead[0] if ahead else None
        else:
            behind = [m for m in marks if m.sentence < self.sentence]
            mark = behind[-1] if behind else None
        if mark is None:
            self.notify("No more bookmarks" if marks else "No bookmarks yet")
            QApplication.beep()
            return
        self.go_to(mark.sentence, jump=True)
        self.pane.caret_to_sentence(self.sentence)
        self.notify(f"Bookmark: {mark.name}")

    def cmd_next_bookmark(self) -> None:
        self._bookmark_step(1)

    def cmd_previous_bookmark(self) -> None:
        self._bookmark_step(-1)

    def _zoomed(self, percent: int) -> None:
        self.settings.set("zoom_percent", percent)
        self.notify(f"Zoom {percent} %")
        self.schedule_save()

    def cmd_zoom_in(self) -> None:
        self._zoomed(self.zoom.zoom_in())

    def cmd_zoom_out(self) -> None:
        self._zoomed(self.zoom.zoom_out())

    def cmd_zoom_reset(self) -> None:
        self._zoomed(self.zoom.reset())

    def set_theme(self, theme_id: str) -> None:
        """Apply a theme to the whole app and remember it."""
        app = QApplication.instance()
        if not isinstance(app, QApplication):
            return
        applied = themes.apply_theme(app, theme_id)
        self.pane.theme_changed()
        self._check(self.theme_actions, applied.id)
        self.settings.set("theme", applied.id)
        self.notify(f"Theme: {applied.name}")
        self.schedule_save()

    def set_reading_font(self, family: str, remember: bool = True) -> None:
        """Set the story text's font ("" is the system font); sizes follow the zoom."""
        if family:
            fonts.load_bundled_fonts()  # on first use only: start-up does not pay for it
        font = fonts.reading_font(family or None, self.pane.font().pointSizeF())
        if family and font.family() != family:
            family = ""  # not available here: the system font stays
        self.pane.setFont(font)
        self.pane.document().setDefaultFont(font)
        self.zoom.refresh()
        self._check(self.font_actions, family)
        if remember:
            self.settings.set("reading_font", family)
            self.notify(f"Reading font: {family or 'system font'}")
            self.schedule_save()

    def set_line_spacing(self, percent: int, remember: bool = True) -> None:
        applied = self.pane.set_line_spacing(percent)
        self._check(self.spacing_actions, applied)
        if remember:
            self.settings.set("line_spacing", applied)
            self.notify(f"Line spacing {applied} %")
            self.schedule_save()

    def _step_line_spacing(self, delta: int) -> None:
        steps = list(LINE_SPACINGS)
        current = self.pane.line_spacing
        index = steps.index(current) if current in steps else 0
        target = index + delta
        if not 0 <= target < len(steps):
            self.notify(f"Line spacing {current} %")
            QApplication.beep()
            return
        self.set_line_spacing(steps[target])

    def cmd_line_spacing_more(self) -> None:
        self._step_line_spacing(1)

    def cmd_line_spacing_less(self) -> None:
        self._step_line_spacing(-1)

    @staticmethod
    def _check(actions: dict[object, QAction], value: object) -> None:
        action = actions.get(value)
        if action is not None:
            action.setChecked(True)

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
        self._shut_down = True
        if self.story is not None:
            self.settings.remember_position(story_key(self.story), self.sentence)
        self._close_playback()
        self._save_timer.stop()
        self._flush_settings()

    def _flush_settings(self, timeout: float = SETTINGS_WRITE_TIMEOUT_S) -> None:
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
                    writer.submit(self._write_settings, write)
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
            self._write_settings(write)

    def _flush_at_exit(self) -> None:
        """The interpreter exits with this window never closed: save what it would have."""
        if not self._shut_down and self.story is not None:
            self.settings.remember_position(story_key(self.story), self.sentence)
        self._flush_settings()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._remember_layout()
        self.shutdown()
        super().closeEvent(event)


def _nothing() -> None:
    """Queued behind the settings writes: done once they all are."""


#: windows whose settings the exit hook saves; weak, so that it keeps none of them alive
_open_windows: weakref.WeakSet[MainWindow] = weakref.WeakSet()


def _flush_open_windows() -> None:
    """At interpreter exit: save the settings of windows that were never closed.

    Threading's own exit hook has already let each writer thread finish the writes
    queued to it (those threads are not daemons); left is the state not handed to a
    writer yet, such as a change still waiting for the save timer. Only plain Python
    state is used: Qt may have torn the window down already.
    """
    for window in list(_open_windows):
        try:
            window._flush_at_exit()
        except Exception:  # one window's failure must not cost the others their settings
            log.exception("could not save settings at exit")


atexit.register(_flush_open_windows)
