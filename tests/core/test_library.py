"""The story library: scanning a folder, describing stories, and the inside-library check."""

from __future__ import annotations

from pathlib import Path

from player.core.library import (
    describe_contents,
    entry_for,
    is_inside,
    scan_library,
    story_files,
)
from player.core.storyfile import load_story
from player.paths import bundled_story_path

STORY = """\
title: {title}
language: en

== personal-story: One

A first person speaks. Then more.

== personal-story: Two

Another person.

== public-reaction: Reactions

::: post
author: A
---
Hi.
:::

== end
"""


def make(folder: Path, name: str, title: str, single: bool = False) -> Path:
    if single:
        path = folder / f"{name}.story.txt"
    else:
        (folder / name).mkdir(parents=True)
        path = folder / name / "story.txt"
    path.write_text(STORY.format(title=title), encoding="utf-8")
    return path


def test_bundled_story_is_always_first(tmp_path: Path) -> None:
    entries = scan_library([tmp_path / "missing"])
    assert len(entries) == 1 and entries[0].bundled and entries[0].ok
    assert entries[0].title == "Children born and raised in Mexican prisons"
    assert entries[0].contents == (
        "Introduction, 2 personal stories, life inside, the debate, public reaction"
    )
    assert entries[0].sentences == load_story(bundled_story_path()).sentence_count
    assert entries[0].minutes >= 2


def test_scan_folder(tmp_path: Path) -> None:
    make(tmp_path, "b-story", "Beta")
    make(tmp_path, "alpha", "Alpha", single=True)
    (tmp_path / "notes.txt").write_text("not a story")
    (tmp_path / "empty-folder").mkdir()
    entries = scan_library([tmp_path])
    assert [e.title for e in entries[1:]] == ["Alpha", "Beta"]
    assert entries[1].describe() == (
        "Alpha. 2 personal stories, public reaction. 5 sentences, about 1 min"
    )


def test_broken_story_is_listed_with_its_problem(tmp_path: Path) -> None:
    path = make(tmp_path, "broken", "Broken")
    path.write_text("title: X\n", encoding="utf-8")
    entry = entry_for(path)
    assert not entry.ok and entry.title == "broken"
    assert "cannot be opened" in entry.describe() and "no language" in entry.describe()


def test_each_file_once_and_bundled_not_twice(tmp_path: Path) -> None:
    make(tmp_path, "s", "S")
    entries = scan_library([tmp_path, tmp_path, bundled_story_path().parent.parent])
    paths = [e.path.resolve() for e in entries]
    assert len(paths) == len(set(paths))


def test_story_files_ignores_unreadable(tmp_path: Path) -> None:
    assert story_files(tmp_path / "nope") == []


def test_is_inside(tmp_path: Path) -> None:
    inside = make(tmp_path, "s", "S")
    assert is_inside(inside, [tmp_path])
    assert is_inside(bundled_story_path(), [tmp_path])
    assert not is_inside(tmp_path.parent / "elsewhere.story.txt", [tmp_path])
    assert not is_inside(tmp_path / ".." / "x.story.txt", [tmp_path])


def test_describe_contents_single_kinds() -> None:
    story = load_story(bundled_story_path())
    assert describe_contents(story).startswith("Introduction, 2 personal stories")


def test_story_names_are_titles_with_the_folder_only_when_titles_match(tmp_path: Path) -> None:
    from player.core.library import story_names

    a = tmp_path / "mexico" / "story.txt"
    b = tmp_path / "mexico-2019" / "story.txt"
    c = tmp_path / "rivers.story.txt"
    d = tmp_path / "untitled" / "story.txt"
    names = story_names([(a, "Children"), (b, "Children"), (c, "Rivers"), (d, "")])
    assert names == ["Children (mexico)", "Children (mexico-2019)", "Rivers", "untitled"]
