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
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from player.core.settings import Settings
from player.gui.preload import StoryPreload
from player.platform.folders import settings_locations


@dataclass
class Launch:
    """The window's start, as far as it goes before Qt."""

    ns: argparse.Namespace
    settings: Settings
    #: the first story parsing in a child process, or None (then the window loads it)
    preload: StoryPreload | None = None


def parse_args(args: Sequence[str]) -> argparse.Namespace:
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
    return parser.parse_args(list(args))


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
    ns = parse_args(args)
    settings = Settings.load(settings_locations(), memory_only=ns.memory_only or ns.workstation)
    launch = Launch(ns, settings)
    if not (ns.workstation or settings.workstation_forced):
        launch.preload = StoryPreload.start(first_story(ns.story, settings))
    return launch
