"""Reviewing an imported story: reading its headings and rewriting only those lines."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from player.core.review import (
    Heading,
    ReviewFailure,
    read_review,
    rewrite_headings,
    voice_note,
)
from player.core.speech.base import Voice
from player.core.storyfile import load_story

CORPUS = Path(__file__).resolve().parents[1] / "data" / "import"


@pytest.fixture
def feature(tmp_path: Path) -> Path:
    target = tmp_path / "story.txt"
    shutil.copyfile(CORPUS / "en-feature.story.txt", target)
    return target


def test_the_review_lists_each_heading_with_its_line_and_the_kinds_to_choose(
    feature: Path,
) -> None:
    review = read_review(feature)
    assert review.title == "River town counts the cost of the winter floods"
    assert review.headings == (
        Heading(9, "introduction", "Introduction"),
        Heading(31, "section", "A promise on paper"),
        Heading(37, "public-reaction", "What people said"),
    )
    kinds = [k.id for k in review.kinds]
    assert "section" in kinds and "personal-story" in kinds and "introduction" in kinds
    assert len(review.summaries) == 3
    assert "photo" in review.summaries[0] and "paragraph" in review.summaries[0]


def test_a_story_that_uses_a_declared_kind_offers_it(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text(
        "title: T\nlanguage: en\n\n[kinds]\ndebate = The debate\n\n== debate: Two sides\n\n"
        "Words here.\n\n== end\n",
        encoding="utf-8",
    )
    assert "debate" in [k.id for k in read_review(path).kinds]


def test_rewriting_changes_only_the_heading_lines(feature: Path) -> None:
    before = feature.read_bytes()
    changed = rewrite_headings(
        feature,
        [
            Heading(9, "introduction", "Introduction"),
            Heading(31, "background", "The promise  of 2015"),
            Heading(37, "public-reaction", "What people said"),
        ],
    )
    assert changed
    after = feature.read_bytes()
    old_lines, new_lines = before.split(b"\n"), after.split(b"\n")
    assert len(old_lines) == len(new_lines)
    differing = [i + 1 for i, (a, b) in enumerate(zip(old_lines, new_lines, strict=True)) if a != b]
    assert differing == [31]
    assert new_lines[30] == b"== background: The promise of 2015"
    story = load_story(feature)
    assert story.segments[1].kind.id == "background"
    assert story.segments[1].title == "The promise of 2015"


def test_line_endings_and_a_byte_order_mark_survive(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    original = (
        "\ufefftitle: Pueblo\r\nlanguage: es\r\n\r\n== introduction: Introducción\r\n\r\n"
        "Texto  con   espacios.\r\n\r\n== section: Después\r\n\r\nMás texto.\r\n\r\n== end\r\n"
    ).encode()
    path.write_bytes(original)
    rewrite_headings(path, [Heading(8, "conclusion", "Al final")])
    expected = original.replace("== section: Después\r\n".encode(), b"== conclusion: Al final\r\n")
    assert path.read_bytes() == expected


def test_nothing_changed_leaves_the_file_untouched(feature: Path) -> None:
    before = os.stat(feature).st_mtime_ns
    review = read_review(feature)
    assert rewrite_headings(feature, review.headings) is False
    assert os.stat(feature).st_mtime_ns == before


def test_an_unknown_kind_is_refused_with_the_line_and_the_file_is_kept(feature: Path) -> None:
    before = feature.read_bytes()
    with pytest.raises(ReviewFailure, match=r"story.txt:31: unknown segment kind 'gossip'"):
        rewrite_headings(feature, [Heading(31, "gossip", "Rumours")])
    assert feature.read_bytes() == before
    assert [p.name for p in feature.parent.iterdir()] == ["story.txt"]  # no temporary left


@pytest.mark.parametrize(
    ("heading", "message"),
    [
        (Heading(31, "section", "   "), r"story.txt:31: the segment's title is empty"),
        (Heading(31, "Big Kind", "T"), r"story.txt:31: 'Big Kind' is not a kind id"),
        (Heading(30, "section", "T"), r"story.txt:30: this line is no longer a segment heading"),
        (Heading(900, "section", "T"), r"story.txt:900: the file has only 59 lines"),
    ],
)
def test_bad_headings_are_refused_in_words(feature: Path, heading: Heading, message: str) -> None:
    before = feature.read_bytes()
    with pytest.raises(ReviewFailure, match=message):
        rewrite_headings(feature, [heading])
    assert feature.read_bytes() == before


def test_a_story_that_does_not_load_cannot_be_reviewed(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text("title: T\nlanguage: en\n\n== nokind\n\nText.\n\n== end\n", encoding="utf-8")
    with pytest.raises(ReviewFailure, match=r"story.txt:4: a segment heading is written"):
        read_review(path)


def test_the_file_keeps_its_permissions(feature: Path) -> None:
    feature.chmod(0o640)
    rewrite_headings(feature, [Heading(9, "context", "Before")])
    assert feature.stat().st_mode & 0o777 == 0o640


def test_a_voice_note_only_when_no_voice_speaks_the_language() -> None:
    voices = [Voice("a/en", "English", ("en-gb",)), Voice("a/fr", "French", ("fr-fr",))]
    assert voice_note(voices, "en-US") is None
    assert voice_note(voices, "fr") is None
    note = voice_note(voices, "de")
    assert note is not None and "(de)" in note and "No voice" in note
    assert voice_note([], "de") is None  # voices not known yet: nothing to say
