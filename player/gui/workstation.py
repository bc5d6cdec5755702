"""Library workstation mode in the window: full screen, library only, idle reset, staff-only quit.

:class:`WorkstationSession` owns the player window for the whole run. It

- shows the window full screen, with File > Open turned into the library list and
  every story outside the library refused (``MainWindow.story_gate``);
- watches input through an application event filter: after ``idle_seconds`` with no
  input and nothing playing it shows :class:`IdleWarningDialog` (spoken and announced,
  default button "Keep reading", a countdown); when the countdown runs out, or the
  patron chooses "Finish now", the window is replaced by a new one built from the
  built-in and system settings, with the bundled story and the library list showing;
- ignores every request to close the window (Alt+F4, the window manager's close
  button) and Ctrl+Q, except the administrator's key combination.

A new window rather than a cleaned one: whatever the patron changed (voice, rate,
zoom, theme, font, position, bookmarks, recent stories, splitter) goes with the old
window, including state added to the window later.

Tests that drive the real app in a subprocess (tests/workstation/script_runner.py) give
:func:`run_workstation` a session class of their own; the app itself has no test mode.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QKeyCombination, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from player import EXIT_INTERRUPTED
from player.core.library import library_folder
from player.core.playback.api import PlaybackState
from player.core.settings import Settings
from player.core.workstation import (
    IdleEvent,
    IdlePhase,
    IdlePolicy,
    WorkstationConfig,
    refusal_for,
)
from player.gui.exporting import update_export_action
from player.gui.importing import hide_import
from player.gui.keymap import COMMANDS
from player.gui.startup import ensure_application, quit_on_interrupt
from player.gui.window import MainWindow, PlaybackFactory, VoiceLister
from player.paths import bundled_story_path
from player.platform.folders import default_library_folder
from player.platform.scratch import SessionScratch

WindowFactory = Callable[[Settings], MainWindow]
Clock = Callable[[], float]
TICK_MS = 1000
ADMIN_KEYS = ("idle_minutes", "idle_warning_seconds", "admin_quit_keys")

_DELIBERATE = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TabletPress,
    }
)
# Presence without a deliberate act: a low-vision reader pans a screen magnifier with the
# pointer, so moving it keeps a session going (but does not start one).
_PRESENCE = frozenset({QEvent.Type.MouseMove, QEvent.Type.TouchUpdate, QEvent.Type.TabletMove})


def taken_shortcuts() -> list[str]:
    """Every shortcut of the keymap: the administrator's keys must be none of them."""
    return [s for c in COMMANDS for s in c.shortcuts]


def warning_text(seconds: int) -> str:
    return (
        "Are you still reading? Press Enter to keep reading. Otherwise, in "
        f"{seconds} seconds, the player returns to the library and forgets this session: "
        "your place, bookmarks and settings."
    )


def countdown_text(seconds: int) -> str:
    unit = "second" if seconds == 1 else "seconds"
    return f"Returning to the library in {seconds} {unit}."


class IdleWarningDialog(QDialog):
    """ "Are you still reading?" with a countdown; Enter, Space or Esc keep the session."""

    keep = Signal()
    finish = Signal()

    def __init__(self, seconds: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("idle-warning")
        self.setWindowTitle("Are you still reading?")
        self.setModal(True)
        # The seconds are in the countdown line, which changes; this text does not.
        self.message = QLabel(
            "Are you still reading? Press Enter to keep reading. Otherwise the player returns "
            "to the library and forgets this session: your place, bookmarks and settings."
        )
        self.message.setWordWrap(True)
        self.countdown = QLabel(countdown_text(seconds))
        self.countdown.setObjectName("idle-countdown")
        self.countdown.setAccessibleName("Time left")
        # Read by screen readers when the dialog gains focus, before the default button.
        self.setAccessibleDescription(self.message.text())
        layout = QVBoxLayout(self)
        font = self.message.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        self.message.setFont(font)
        self.countdown.setFont(font)
        layout.addWidget(self.message)
        layout.addWidget(self.countdown)
        buttons = QDialogButtonBox()
        self.keep_button = QPushButton("&Keep reading")
        self.keep_button.setDefault(True)
        self.keep_button.setAutoDefault(True)
        self.keep_button.setAccessibleDescription(self.message.text())
        self.finish_button = QPushButton("&Finish now")
        self.finish_button.setAutoDefault(False)
        buttons.addButton(self.keep_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.finish_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        layout.addWidget(buttons)
        self.keep_button.clicked.connect(self.accept)
        self.finish_button.clicked.connect(self._finish)
        # Esc (reject) also keeps going: whoever presses a key is still there.
        self.accepted.connect(self.keep.emit)
        self.rejected.connect(self.keep.emit)
        self.resize(560, 220)
        self.keep_button.setFocus(Qt.FocusReason.OtherFocusReason)
        self._finishing = False

    def show_seconds(self, seconds: int) -> None:
        self.countdown.setText(countdown_text(seconds))

    def _finish(self) -> None:
        self._finishing = True
        self.accepted.disconnect()
        self.rejected.disconnect()
        self.accept()
        self.finish.emit()

    def close_silently(self) -> None:
        """Close without a verdict (the countdown ran out)."""
        with contextlib.suppress(RuntimeError, TypeError):
            self.accepted.disconnect()
            self.rejected.disconnect()
        self.reject()


class WorkstationSession(QObject):
    """The workstation's window, idle clock, limits and staff-only quit."""

    warned = Signal()
    reset_done = Signal()

    def __init__(
        self,
        settings: Settings,
        config: WorkstationConfig,
        window_factory: WindowFactory,
        *,
        library_override: Path | None = None,
        clock: Clock = time.monotonic,
        tick_ms: int = TICK_MS,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.config = config
        self.window_factory = window_factory
        self.library_override = library_override
        self.clock = clock
        self.policy: IdlePolicy = config.policy()
        self.window: MainWindow | None = None
        self.warning: IdleWarningDialog | None = None
        self.resets = 0
        self.refused_closes = 0
        self.quitting = False
        self.exit_status = 0
        self._admin = QKeySequence(config.admin_quit_keys)
        self._timer = QTimer(self)
        self._timer.setInterval(tick_ms)
        self._timer.timeout.connect(self.tick)
        app = QApplication.instance()
        assert isinstance(app, QApplication), "a QApplication must exist"
        self.app = app
        #: How the administrator's keys end the app (tests put a recorder here).
        self.end_app: Callable[[int], None] = app.exit
        # Quitting is the administrator's keys' business only, never a side effect of a
        # window closing while the next one is being made.
        app.setQuitOnLastWindowClosed(False)
        app.installEventFilter(self)

    # The folder and the gate

    def library_folder(self) -> Path:
        return library_folder(
            str(self.settings.get("library_folder")),
            self.library_override,
            default=default_library_folder(),
        )

    def gate(self, path: Path) -> str | None:
        return refusal_for(path, [self.library_folder()])

    # Windows

    def start(self, requested: Path | None = None) -> MainWindow:
        """Show the first window: the requested story if the library has it, else the
        bundled story with the library list open."""
        window = self._new_window(self.settings)
        opened = requested is not None and window.open_story(requested)
        if not opened:
            if window.story is None:
                window.open_story(bundled_story_path())
            if requested is None:
                window.cmd_library()
        self._timer.start()
        return window

    def _new_window(self, settings: Settings) -> MainWindow:
        window = self.window_factory(settings)
        window.library_only = True
        window.library_folder_override = self.library_override
        window.story_gate = self.gate
        quit_action = window.actions_by_id.get("quit")
        if quit_action is not None:
            quit_action.setShortcuts([])
            quit_action.setEnabled(False)
            quit_action.setText("&Quit (library staff only)")
        update_export_action(window)  # off unless the administrator set an export folder
        hide_import(window)  # patrons add nothing to the shared library
        window.showFullScreen()
        self.window = window
        return window

    def reset(self) -> None:
        """Forget the patron: a new window from the built-in and system settings."""
        old = self.window
        self._close_warning()
        self._close_modals()
        self.settings = self.settings.fresh_session()
        self.apply_default_theme(self.settings)
        if old is not None:
            old.shutdown()
        window = self._new_window(self.settings)
        window.open_story(bundled_story_path())
        if old is not None:
            old.hide()
            # Deferred: a nested event loop of the old window may still be unwinding.
            old.deleteLater()
        window.cmd_library()
        window.activateWindow()
        self.policy.reset_done()
        self.resets += 1
        self.reset_done.emit()

    def apply_default_theme(self, settings: Settings) -> None:
        # The theme is app-wide; a patron's choice would outlive the window otherwise.
        with contextlib.suppress(Exception):
            from player.gui import theme

            theme.apply_theme(self.app, theme.start_theme_id(settings.get("theme")))

    def _close_modals(self) -> None:
        # Found through the top-level list: PySide6 6.12 on Python 3.11 loses a reference to
        # None each time a method such as activeModalWidget() returns nothing.
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QDialog) and widget.isVisible():
                widget.reject()
            elif widget.isModal() and widget.isVisible() and widget is not self.window:
                widget.close()

    # The idle clock

    def playing(self) -> bool:
        return self.window is not None and self.window.state is PlaybackState.PLAYING

    def tick(self) -> None:
        now = self.clock()
        event = self.policy.tick(now, self.playing())
        if event is IdleEvent.WARN:
            self.warn()
        elif event is IdleEvent.EXPIRE:
            self.reset()
        elif self.warning is not None and self.policy.phase is IdlePhase.WARNING:
            self.warning.show_seconds(self.policy.warning_left(now))

    def warn(self) -> None:
        window = self.window
        if window is None:
            return
        seconds = self.policy.warning_left(self.clock())
        dialog = IdleWarningDialog(seconds, window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.keep.connect(self.keep_going)
        dialog.finish.connect(self.finish_now)
        self.warning = dialog
        dialog.open()
        dialog.activateWindow()
        dialog.keep_button.setFocus(Qt.FocusReason.OtherFocusReason)
        self.tell(warning_text(seconds))
        self.warned.emit()

    def tell(self, text: str) -> None:
        """Announce ``text`` to screen readers and, without one, say it in the app's voice."""
        window = self.window
        if window is None:
            return
        announcer = getattr(window, "announcer", None)
        voiced = False
        screen_reader: bool | None = None
        if announcer is not None:
            with contextlib.suppress(Exception):
                voiced = bool(announcer.announce(text, assertive=True))
                screen_reader = announcer.screen_reader_running()
        else:
            window.announce(text)
        if voiced or screen_reader is True:
            return  # one voice at a time: the screen reader (or self-voicing) has it
        speak = getattr(window, "_speak_interface_text", None)
        if not callable(speak):
            speak = getattr(window.playback, "say", None)
        if callable(speak):
            with contextlib.suppress(Exception):
                speak(text)

    def keep_going(self) -> None:
        self.warning = None
        self.policy.keep_going(self.clock())
        if self.window is not None:
            self.window.show_message("Welcome back")

    def finish_now(self) -> None:
        self.warning = None
        self.policy.expire()
        # After the dialog's own signal handling has returned.
        QTimer.singleShot(0, self.reset)

    def _close_warning(self) -> None:
        if self.warning is not None:
            with contextlib.suppress(RuntimeError):
                self.warning.close_silently()
            self.warning = None

    # Input, closing and the administrator's keys

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in _DELIBERATE and event.spontaneous():
            if (
                kind == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent)
                and self._is_admin_keys(event)
            ):
                self.admin_quit()
                return True
            self.policy.input(self.clock())
        elif kind in _PRESENCE and event.spontaneous() and self.policy.phase is IdlePhase.ACTIVE:
            self.policy.input(self.clock())
        elif kind == QEvent.Type.Close and watched is self.window and not self.quitting:
            event.ignore()
            self.refused_closes += 1
            text = "This player stays open for the next reader. Library staff can close it."
            self.window.show_message(text)
            self.tell(text)
            return True
        return super().eventFilter(watched, event)

    def _is_admin_keys(self, event: QKeyEvent) -> bool:
        if self._admin.isEmpty():
            return False
        wanted: QKeyCombination = self._admin[0]  # type: ignore[index]  # stubs lack __getitem__
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        return bool(event.key() == wanted.key() and mods == wanted.keyboardModifiers())

    def admin_quit(self, status: int = 0) -> None:
        """The administrator's keys: close the window for real and end the app."""
        self.quitting = True
        self.exit_status = status
        self._timer.stop()
        self._close_warning()
        self._close_modals()
        if self.window is not None:
            self.window.close()
        self.end_app(status)

    def shutdown(self) -> None:
        self._timer.stop()
        self.app.removeEventFilter(self)
        if self.window is not None:
            self.window.shutdown()


def run_workstation(
    ns: argparse.Namespace,
    settings: Settings,
    *,
    playback_factory: PlaybackFactory | None,
    voice_lister: VoiceLister | None,
    session_type: type[WorkstationSession] = WorkstationSession,
) -> int:
    """Run the app as a library workstation until the administrator's keys end it.

    ``ns`` is the parsed command line (``story``, ``library``); ``settings`` were loaded
    (in memory) before anything else, so the library folder and the system file are read
    from the real locations before this process's write locations are redirected.
    ``playback_factory`` and ``voice_lister`` are given to every window, as
    :mod:`player.gui.app` gives them to its own. ``session_type`` is for tests that run
    the real app in a subprocess: tests/workstation/script_runner.py passes a subclass
    that shortens the idle clock and plays a patron's steps. The app never changes it.
    """
    locked = settings.is_locked("library_folder")
    requested_folder: Path | None = getattr(ns, "library", None)
    if requested_folder is not None and locked:
        print("--library ignored: the administrator set library_folder.", file=sys.stderr)
    folder = library_folder(
        str(settings.get("library_folder")),
        None if locked else requested_folder,
        default=default_library_folder(),
    ).absolute()
    scratch = SessionScratch()
    scratch.activate()
    try:
        qapp = ensure_application()
        values = {k: settings.get(k) for k in ADMIN_KEYS}
        config = WorkstationConfig.from_values(values, taken_shortcuts())
        for message in [*settings.messages, *config.messages]:
            # For the administrator's log; a patron cannot act on them.
            print(f"story-player: {message}", file=sys.stderr)

        def make_window(session_settings: Settings) -> MainWindow:
            return MainWindow(
                session_settings, playback_factory=playback_factory, voice_lister=voice_lister
            )

        session = session_type(settings, config, make_window, library_override=folder)
        session.apply_default_theme(settings)
        session.start(getattr(ns, "story", None))
        qapp.aboutToQuit.connect(session.shutdown)
        interrupted = quit_on_interrupt(qapp, session.shutdown)
        status = int(qapp.exec())
        session.shutdown()
        if interrupted():
            return EXIT_INTERRUPTED
        return session.exit_status or status
    finally:
        scratch.remove()
