"""The ``story-player`` command: the window by default, and subcommands that reuse the core.

``story-player [STORY]`` opens the window. Subcommands (``outline``, ``check``,
``voices``, ``export``, ``say``, ``import``) run without a window. Every failure the user can
cause ends in a message and an exit status, never a traceback. Ctrl+C ends any command
with status 130 and output into a closed pipe (``story-player voices | head``) with 141,
the statuses a shell gives a program killed by SIGINT or SIGPIPE.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Sequence

from player import EXIT_BROKEN_PIPE, EXIT_INTERRUPTED, __version__

SUBCOMMAND_MODULES = {
    "outline": "story",
    "check": "story",
    "voices": "speech",
    "export": "speech",
    "say": "speech",
    "import": "importing",
}
"""The module of ``player.cli`` that defines each subcommand's arguments and runs it."""
SUBCOMMANDS = tuple(SUBCOMMAND_MODULES)


def _add_parsers(module: str, sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    # Imported here, each only when asked for, and spelled out rather than by name so that
    # the bundle's analysis of imports still finds them.
    if module == "story":
        from player.cli import story

        story.add_parsers(sub)
    elif module == "speech":
        from player.cli import speech

        speech.add_parsers(sub)
    else:
        from player.cli import importing

        importing.add_parsers(sub)


def _subcommand_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every subcommand, or with ``command`` only of the subcommands its
    module defines: a module's imports (the speech engine's for ``say``, the importer's
    for ``import``) are much of a short command's start-up, and each command needs its own."""
    modules = dict.fromkeys(
        SUBCOMMAND_MODULES.values() if command is None else [SUBCOMMAND_MODULES[command]]
    )
    parser = argparse.ArgumentParser(
        prog="story-player",
        description="Read news features aloud, with their text and photo captions.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--debug", action="store_true", help="log everything, on stderr too")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in modules:
        _add_parsers(module, sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; Ctrl+C and a reader that closed the pipe end it quietly.

    Without ``argv`` it runs this process's own command line (``story-player``, ``python -m
    player``), and the process ends after it: a subcommand then leaves its objects to the
    exit (:func:`_skip_last_collection`). Called with ``argv`` (tests, and the bundle's
    launcher, which tests call in their own process) it changes nothing for what runs
    after it."""
    try:
        return _dispatch(argv)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _detach_stdout()
        return EXIT_BROKEN_PIPE


def _skip_last_collection() -> None:
    """Put every object out of the cyclic collector's reach, the process being about to end.

    The interpreter's last collection at exit walks every object still alive, to find
    cycles that the end of the process frees anyway: 30 ms after importing a 1 MB page, a
    tenth of the command. Reference counting and exit handlers work as before."""
    gc.freeze()


def _detach_stdout() -> None:
    """Point stdout at the null device: the interpreter flushes it once more on exit, and a
    second broken pipe there would print a traceback and turn the status into 120."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def _dispatch(argv: Sequence[str] | None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["--speech-worker"]:
        # A frozen app has no `python -m`: the SAPI5/NSSS speech child re-runs the app itself.
        from player.core.speech.pyttsx3_files import worker_main

        return worker_main(args[1:])
    # --debug may come anywhere and applies to every command.
    debug = "--debug" in args
    args = [a for a in args if a != "--debug"]
    from player.platform.logfile import configure_logging

    if args and args[0] in SUBCOMMANDS:
        configure_logging(debug=debug, to_disk=False)  # a command's messages are its output
        parser = _subcommand_parser(args[0])
        ns = parser.parse_args(args)
        status = int(ns.handler(ns))
        # Inside main()'s guard: a reader that has gone shows up here, not at exit.
        sys.stdout.flush()
        if argv is None:
            _skip_last_collection()
        return status
    if args and args[0] in ("--version", "-V"):
        print(f"story-player {__version__}")
        return 0
    # The window's start makes objects that live on, and its GUI thread collects for the
    # process once the app runs: until then the collector would walk them for nothing.
    from player.core import gcpause

    gcpause.hold_until_driven()
    # The window keeps a log file, unless it is to leave nothing on disk (the window turns
    # the file off again when the system settings ask for that).
    private = "--memory-only" in args or "--workstation" in args
    configure_logging(debug=debug, to_disk=not private)
    if sys.platform.startswith("linux"):
        # Before Qt loads: a missing system library would end in a raw ImportError, or an
        # abort in C++ for the xcb plugin's. A bundle's own copies are not checked.
        from player.platform import qtlibs

        message = qtlibs.check() or qtlibs.display_problem()
        if message:
            print(message, file=sys.stderr)
            return 1
    # Before Qt loads too: the settings (a workstation redirects where Qt writes), and the
    # first story's parsing, in a process of its own meanwhile (player.gui.preload).
    from player.gui.launch import prepare

    try:
        launch = prepare(args)
    except SystemExit as exc:  # --help or a usage error: argparse has printed why
        return int(exc.code or 0)
    try:
        from player.gui import app
    except ImportError as error:
        message = _qt_import_failure(error)
        if message is None:
            raise
        print(message, file=sys.stderr)
        return 1

    return app.main(args, launch)


def _qt_import_failure(error: ImportError) -> str | None:
    """The one-line message for Qt failing to load (a shared library it links to, or
    PySide6 itself missing), or None for an ImportError that is not about Qt."""
    text = str(error)
    name = error.name or ""
    if "shared object file" not in text and not name.startswith(("PySide6", "shiboken6")):
        return None
    from player.platform import qtlibs

    soname = text.split(":", 1)[0].strip()
    lib = qtlibs.library_for(soname)
    if lib is not None:
        return qtlibs.missing_message([lib], qtlibs.distribution_family())
    return f"story-player: the window cannot start, Qt failed to load: {text}"
