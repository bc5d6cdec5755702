"""Starts the window: ``story-player [STORY] [--memory-only]``.

The speech side is reached through two swappable functions, :data:`playback_factory`
and :data:`voice_lister`; tests and tools replace them. Both are called only after
the window has painted the story's text.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from player import EXIT_INTERRUPTED, __version__
from player.core.model import Story
from player.core.playback.api import Playback
from player.core.settings import Settings
from player.gui import theme
from player.gui.launch import Launch, first_story, parse_args, prepare
from player.gui.preload import StoryPreload
from player.gui.startup import ensure_application, quit_on_interrupt
from player.gui.window import MainWindow, PlaybackFactory, VoiceLister
from player.platform.folders import settings_locations
from player.platform.logfile import keep_log_off_disk

log = logging.getLogger(__name__)

# Part of this module's interface (tests and tools start the app through it).
__all__ = [
    "EXIT_INTERRUPTED",
    "create_window",
    "ensure_application",
    "first_story",
    "install_audio_output",
    "main",
    "parse_args",
    "playback_factory",
    "quit_on_interrupt",
    "real_playback",
    "real_voices",
    "voice_lister",
]


def install_audio_output() -> None:
    """Give the playback core the Qt audio output, when this build has one.

    Without it the core plays on a silent clock: highlighting still follows the text.
    """
    try:
        from player import qtaudio
    except ImportError:  # a Qt without QtMultimedia
        return
    qtaudio.install()


def real_playback(story: Story) -> Playback:
    """The playback over the platform's speech engine and audio output.

    Imported at call time, after the first paint, so no speech or audio code
    delays the window. The engine itself loads on the playback's own thread.
    """
    install_audio_output()
    from player.core.playback import create_playback

    return create_playback(story)


def real_voices(playback: Playback) -> list[tuple[str, str]]:
    """(id, name) of the voices the playback's engine offers (empty while it loads; the
    window asks again when the playback's voices event says they are known)."""
    return [(v.id, v.name) for v in playback.voices]


# Swappable: tests, the screenshot tool and the benchmark put their own here.
playback_factory: PlaybackFactory | None = real_playback
voice_lister: VoiceLister | None = real_voices


def create_window(
    args: Sequence[str],
    settings: Settings | None = None,
    *,
    in_background: bool = False,
    preload: StoryPreload | None = None,
) -> MainWindow:
    """The window with its story loaded, not yet shown. A QApplication must exist.

    ``in_background``: the story loads after this returns, the window saying "Loading…"
    meanwhile (how ``story-player`` starts), and is taken in after the window's first paint:
    parsed by ``preload``'s process when there is one and it is done by then (see
    :mod:`player.gui.preload`), else on a worker thread started then. Otherwise it is
    loaded here.
    """
    ns = parse_args(args)
    settings = settings or Settings.load(settings_locations(), memory_only=ns.memory_only)
    app = QApplication.instance()
    if isinstance(app, QApplication):
        # Before the widgets exist: styling them once is cheaper than re-styling them all.
        theme.apply_theme(app, theme.start_theme_id(settings.get("theme")))
    window = MainWindow(settings, playback_factory=playback_factory, voice_lister=voice_lister)
    if ns.library is not None and not settings.is_locked("library_folder"):
        window.library_folder_override = ns.library.absolute()
    candidates = first_story(ns.story, settings)
    if in_background:
        window.open_first_preloaded(preload, candidates)
        return window
    for path in candidates:
        if window.open_story(path):
            break
    return window


def main(args: list[str], launch: Launch | None = None) -> int:
    """Run the window until it closes; the exit status for the shell.

    ``launch``: what :func:`~player.gui.launch.prepare` did before Qt was imported (the
    command line, the settings, the first story's parsing); done here without it.
    """
    if launch is None:
        try:
            launch = prepare(args)
        except SystemExit as exc:  # --help or a usage error: argparse has printed why
            return int(exc.code or 0)
    ns, settings = launch.ns, launch.settings
    if settings.memory_only:
        # The system settings may ask for a session that leaves nothing on disk.
        keep_log_off_disk()
    log.info(
        "Story Player %s, Python %s, %s%s",
        __version__,
        sys.version.split()[0],
        sys.platform,
        ", memory only" if settings.memory_only else "",
    )
    if ns.workstation or settings.workstation_forced:
        from player.gui.workstation import run_workstation

        return run_workstation(
            ns, settings, playback_factory=playback_factory, voice_lister=voice_lister
        )
    app = ensure_application()
    window = create_window(args, settings, in_background=True, preload=launch.preload)
    window.show()
    if window.settings.messages:
        text = "\n\n".join(window.settings.messages)
        from PySide6.QtWidgets import QMessageBox  # only for this: not at every start

        QTimer.singleShot(0, lambda: QMessageBox.warning(window, "Settings", text))
    app.aboutToQuit.connect(window.shutdown)
    interrupted = quit_on_interrupt(app, window.close)
    status = int(app.exec())
    window.shutdown()
    return EXIT_INTERRUPTED if interrupted() else status
