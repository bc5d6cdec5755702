"""Saves screenshots of the window with the bundled story.

Run: ``python -m player.gui.screenshot --out DIR``.

Runs without a display (Qt's offscreen platform) unless ``QT_QPA_PLATFORM`` or
``DISPLAY`` says otherwise. No voice is loaded: reading positions are set the way
playback events would set them, so the pictures show the highlighting, the
marked photo card and the status line as a reader sees them.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m player.gui.screenshot")
    parser.add_argument("--out", type=Path, required=True, help="folder for the PNG files")
    parser.add_argument("--story", type=Path, help="story file (default: the bundled story)")
    parser.add_argument("--size", default="1200x780", help="window size, WIDTHxHEIGHT")
    ns = parser.parse_args(argv)
    if "QT_QPA_PLATFORM" not in os.environ and not os.environ.get("DISPLAY"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"

    from player.core.navigation import Navigator
    from player.core.playback.api import PlaybackState, Position
    from player.core.settings import MemoryStore, Settings
    from player.gui import app as app_module
    from player.gui.dialogs import KeyboardDialog

    app_module.playback_factory = None
    app_module.voice_lister = None
    qapp = app_module.ensure_application()
    args = [str(ns.story)] if ns.story else []
    window = app_module.create_window(args, Settings(MemoryStore()))
    if window.story is None:
        print("no story could be opened", file=sys.stderr)
        return 1
    width, height = (int(v) for v in ns.size.lower().split("x"))
    window.resize(width, height)
    window.show()
    ns.out.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []

    def shot(name: str) -> None:
        for _ in range(5):
            qapp.processEvents()
        path = ns.out / f"{name}.png"
        window.grab().save(str(path))
        saved.append(path)

    def hear(sentence: int, word: int | None) -> None:
        window._on_state(PlaybackState.PLAYING)
        window._on_position(Position(sentence, word, 0))

    shot("01-opened")
    nav = Navigator(window.story)
    story_start = nav.personal_story(0, 1)
    if story_start is not None:
        window.jump_to_segment(window.story.refs[story_start].segment)
        hear(story_start, 3)
        shot("02-personal-story-reading")
    reaction = nav.public_reaction(0)
    if reaction is not None:
        window.jump_to_segment(window.story.refs[reaction].segment)
        hear(reaction + 1, 2)
        window.cmd_where_am_i()
        shot("03-public-reaction-where-am-i")
    window._on_state(PlaybackState.PAUSED)
    window.cmd_zoom_in()
    window.cmd_zoom_in()
    shot("04-paused-zoomed")
    dialog = KeyboardDialog(window)
    dialog.show()
    for _ in range(5):
        qapp.processEvents()
    path = ns.out / "05-keyboard-help.png"
    dialog.grab().save(str(path))
    saved.append(path)
    dialog.close()
    window.close()
    for path in saved:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
