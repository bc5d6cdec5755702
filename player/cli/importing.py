"""``story-player import``: a saved web page, Markdown or text file as a new story folder.

With ``--json`` it prints one line of JSON instead of the folder: the written story and
its review (``{"folder", "review": {"story", "title", "language", "segments", "kinds"}}``)
or what went wrong (``{"error"}``, with ``"folder"`` when the story was written but does not
load). The window runs the import so, in a child process.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

from player.core.importer import ImportFailure, import_file, write_story
from player.core.storyfile import problems_of

log = logging.getLogger(__name__)


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
    command.add_argument(
        "--json",
        action="store_true",
        help="print the new story and its segments, or the error, as one line of JSON",
    )
    command.set_defaults(handler=run_import)


def run_import(ns: argparse.Namespace) -> int:
    out: Path | None = ns.out
    if out is None:
        from player.platform.folders import default_library_folder

        out = default_library_folder()
    if ns.json:
        return _run_json(ns.file, out.expanduser())
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


def _run_json(source: Path, out: Path) -> int:
    """The import and its review as JSON: the same steps, and words, as File > Import…"""
    from player.core.review import ReviewFailure, read_review, review_to_json

    folder: Path | None = None
    try:
        folder = write_story(import_file(source), out)
        review = read_review(folder / "story.txt")
    except (ImportFailure, ReviewFailure) as exc:
        return _answer_error(str(exc), folder)
    except Exception as exc:  # the window shows the words; the traceback goes to stderr
        log.exception("importing %s failed", source)
        return _answer_error(str(exc) or type(exc).__name__, folder)
    _answer({"folder": str(folder), "review": review_to_json(review)})
    return 0


def _answer_error(message: str, folder: Path | None) -> int:
    print(f"story-player import: {message}", file=sys.stderr)
    answer: dict[str, Any] = {"error": message}
    if folder is not None:
        answer["folder"] = str(folder)
    _answer(answer)
    return 1


def _answer(answer: dict[str, Any]) -> None:
    # ASCII: the reader decodes the line the same way whatever this system's encoding is.
    print(json.dumps(answer, ensure_ascii=True))
