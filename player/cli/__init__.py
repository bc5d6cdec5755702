"""The ``story-player`` command: the window by default, and subcommands that reuse the core.

``story-player [STORY]`` opens the window. Subcommands (``outline``, ``check``,
``voices``, ``export``, ``say``) run without a window. Every failure the user can
cause ends in a message and an exit status, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from player import __version__

SUBCOMMANDS = ("outline", "check", "voices", "export", "say")


def _subcommand_parser() -> argparse.ArgumentParser:
    from player.cli import speech, story

    parser = argparse.ArgumentParser(
        prog="story-player",
        description="Read news features aloud, with their text and photo captions.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    story.add_parsers(sub)
    speech.add_parsers(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["--speech-worker"]:
        # A frozen app has no `python -m`: the SAPI5/NSSS speech child re-runs the app itself.
        from player.core.speech.pyttsx3_files import worker_main

        return worker_main(args[1:])
    if args and args[0] in SUBCOMMANDS:
        parser = _subcommand_parser()
        ns = parser.parse_args(args)
        try:
            return int(ns.handler(ns))
        except KeyboardInterrupt:
            return 130
        except BrokenPipeError:
            return 0
    if args and args[0] in ("--version", "-V"):
        print(f"story-player {__version__}")
        return 0
    from player.gui import app

    return app.main(args)
