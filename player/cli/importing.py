"""``story-player import``: a saved web page, Markdown or text file as a new story folder."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from player.core.importer import ImportFailure, import_file, write_story
from player.core.storyfile import problems_of


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    command = sub.add_parser(
        "import",
        help="make a story from a saved web page, Markdown or text file",
        description=(
            "Write DIR/<title>/story.txt (and the images found on this machine) from a saved "
            "web page (.html with its _files folder, or .mhtml), a Markdown (.md) or a text "
            "(.txt) file, and print the new folder. Nothing is downloaded and no existing "
            "story is overwritten."
        ),
    )
    command.add_argument("file", type=Path, help="the saved page, .md or .txt file")
    command.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="where to put the story's folder (default: the library folder)",
    )
    command.set_defaults(handler=run_import)


def run_import(ns: argparse.Namespace) -> int:
    out: Path | None = ns.out
    if out is None:
        from player.platform.folders import default_library_folder

        out = default_library_folder()
    try:
        draft = import_file(ns.file)
        folder = write_story(draft, out.expanduser())
    except ImportFailure as exc:
        print(f"story-player import: {exc}", file=sys.stderr)
        return 1
    # Without the spoken words: no problem comes from them, and they are most of the time.
    problems = problems_of(folder / "story.txt", words=False)
    for problem in problems:
        print(f"story-player import: {problem}", file=sys.stderr)
    print(folder)
    return 1 if problems else 0
