"""What starting the window does before Qt loads: its command line, its settings, its
first story.

:func:`prepare` runs before anything imports Qt (:mod:`player.cli` calls it before it
imports :mod:`player.gui.app`): a workstation redirects where Qt and its libraries write,
so the settings come first, and the first story's parsing starts here, in a child
process (:mod:`player.gui.preload`), to go on while this process loads Qt.

No Qt here.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from player.core import gcpause
from player.core.settings import Settings
from player.gui.preload import StoryPreload
from player.platform.folders import settings_locations

#: The window's modules that do not use Qt, imported before Qt is: PySide6 reads the source
#: of each module an import statement names after Qt is loaded (to see whether it uses
#: PySide6's optional features), about 0.1 ms a module; what was imported before and is not
#: named again is not read, some 30 modules fewer with these (the standard modules they bring
#: included). tests/gui/test_startup_deferred.py checks that none is missing.
BEFORE_QT = (
    "player.core.gcpause",
    "player.core.images",
    "player.core.library",
    "player.core.playback.voices",
    "player.core.session",
    "player.core.text.utf16",
    "player.gui.keymap",
    "player.paths",
    "player.platform.allocator",
    "player.platform.logfile",
    "player.platform.screenreader",
    "concurrent.futures.thread",
    "socket",
)


class Launch(NamedTuple):
    """The window's start, as far as it goes before Qt."""

    ns: argparse.Namespace
    settings: Settings
    #: the first story parsing in a child process, or None (then the window loads it)
    preload: StoryPreload | None = None


def parse_args(args: Sequence[str]) -> argparse.Namespace:
    if not args:
        # As the desktop starts it: the defaults, without building the parser (whose help
        # texts have gettext look for translations, importing locale: 2 ms at every start).
        return argparse.Namespace(**NO_ARGUMENTS)
    return _parser().parse_args(list(args))


#: what :func:`parse_args` gives for no arguments (tests/gui check it against the parser)
NO_ARGUMENTS: dict[str, object] = {
    "story": None,
    "memory_only": False,
    "workstation": False,
    "library": None,
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="story-player", description="Read news features aloud, with their text and photos."
    )
    parser.add_argument("story", nargs="?", type=Path, help="a story file to open")
    parser.add_argument(
        "--memory-only",
        action="store_true",
        help="remember nothing after the window closes",
    )
    parser.add_argument(
        "--workstation",
        action="store_true",
        help="library workstation: full screen, stories from the library only, nothing "
        "remembered, reset after a time without use",
    )
    parser.add_argument(
        "--library", type=Path, metavar="DIR", help="the story library folder for this session"
    )
    return parser


def first_story(requested: Path | None, settings: Settings) -> list[Path]:
    """Stories to try in order: the one asked for, the last one read, the bundled one."""
    from player.paths import bundled_story_path

    candidates: list[Path] = []
    if requested is not None:
        candidates.append(requested)
    else:
        last = settings.get("last_story")
        if last and Path(last).is_file():
            candidates.append(Path(last))
    candidates.append(bundled_story_path())
    return candidates


def prepare(args: Sequence[str]) -> Launch:
    """Parse ``args`` (SystemExit for --help or a usage error, argparse having said why),
    load the settings and, for the ordinary window, start parsing its first story."""
    # The GUI thread collects for the process once the app runs (player.gui.startup);
    # until then the collector would only walk the modules and widgets being made.
    gcpause.hold_until_driven()
    ns = parse_args(args)
    settings = Settings.load(settings_locations(), memory_only=ns.memory_only or ns.workstation)
    preload = None
    if not (ns.workstation or settings.workstation_forced):
        preload = StoryPreload.start(first_story(ns.story, settings))
    launch = Launch(ns, settings, preload)
    for name in BEFORE_QT:  # while the child parses
        importlib.import_module(name)
    return launch
