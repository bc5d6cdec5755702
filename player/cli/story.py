"""``story-player outline`` and ``story-player check``: a story's shape, and its problems."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from player.core.model import Block, Story
from player.core.storyfile import StoryFileError, load_story
from player.paths import bundled_story_path


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    outline = sub.add_parser(
        "outline",
        help="list a story's segments",
        description="Print the segments of a story: number, kind, title, sentences and captions.",
    )
    outline.add_argument("story", nargs="?", type=Path, help="story file (default: bundled story)")
    outline.add_argument(
        "--json", action="store_true", help="machine-readable, with every block's texts"
    )
    outline.set_defaults(handler=run_outline)

    check = sub.add_parser(
        "check",
        help="validate a story file",
        description="Exit 0 for a valid story; otherwise list every problem and exit 1.",
    )
    check.add_argument("story", nargs="?", type=Path, help="story file (default: bundled story)")
    check.set_defaults(handler=run_check)


def load_or_report(path: Path | None) -> Story | None:
    """Load a story, or print its problems to stderr and return None."""
    try:
        return load_story(path or bundled_story_path())
    except StoryFileError as exc:
        count = len(exc.problems)
        print(
            f"{path or bundled_story_path()}: {count} problem{'s' if count != 1 else ''}:",
            file=sys.stderr,
        )
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return None


def run_check(ns: argparse.Namespace) -> int:
    story = load_or_report(ns.story)
    if story is None:
        return 1
    print(
        f"{story.path}: valid story, {len(story.segments)} segments, "
        f"{story.sentence_count} sentences"
        + (
            f", {len(story.warnings)} warning{'s' if len(story.warnings) != 1 else ''}"
            if story.warnings
            else ""
        )
    )
    for line, message in story.warnings:
        print(f"  {story.path}:{line}: warning: {message}")
    return 0


def run_outline(ns: argparse.Namespace) -> int:
    story = load_or_report(ns.story)
    if story is None:
        return 1
    if ns.json:
        json.dump(outline_data(story), sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    print(story.meta.title)
    rows = [("#", "Kind", "Title", "Sentences", "Captions")]
    for i, seg in enumerate(story.segments, start=1):
        rows.append(
            (str(i), seg.kind.label, seg.title, str(seg.sentence_count), str(len(seg.photos)))
        )
    widths = [max(len(r[c]) for r in rows) for c in range(5)]
    for row in rows:
        cells = [
            row[c].rjust(widths[c]) if c in (0, 3, 4) else row[c].ljust(widths[c]) for c in range(5)
        ]
        print("  ".join(cells).rstrip())
    return 0


def _block_data(block: Block) -> dict[str, Any]:
    data: dict[str, Any] = {
        "type": block.type.value,
        "line": block.line,
        "text": block.text,
        "sentences": [{"text": s.display, "spoken": s.spoken} for s in block.sentences],
    }
    if block.speaker:
        data["speaker"] = block.speaker
    if block.post is not None:
        data["post"] = {
            "author": block.post.author,
            "handle": block.post.handle,
            "date": block.post.date.isoformat() if block.post.date else None,
            "link": block.post.link,
        }
    if block.photo is not None:
        photo = block.photo
        data["photo"] = {
            "label": photo.label,
            "caption": photo.caption,
            "image": str(photo.image) if photo.image else None,
            "alt": photo.alt,
            "credit": photo.credit,
        }
    return data


def outline_data(story: Story) -> dict[str, Any]:
    """The outline as plain data, for ``--json``."""
    meta = story.meta
    return {
        "title": meta.title,
        "language": meta.language,
        "source": meta.source,
        "date": meta.date.isoformat() if meta.date else None,
        "path": str(story.path) if story.path else None,
        "segments": [
            {
                "number": i,
                "kind": seg.kind.id,
                "kind_label": seg.kind.label,
                "title": seg.title,
                "sentences": seg.sentence_count,
                "captions": len(seg.photos),
                "blocks": [_block_data(b) for b in seg.blocks],
            }
            for i, seg in enumerate(story.segments, start=1)
        ],
    }
