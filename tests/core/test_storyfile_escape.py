"""The format's escape for text lines that would read as markup, and the generic kind."""

from __future__ import annotations

from pathlib import Path

from player.core.model import BlockType
from player.core.storyfile import builtin_kinds, load_story, problems_of

ESCAPED = """\
title: Escapes
language: en

== section: Lines that look like markup

\\== not a heading
\\::: not a block
\\--- not a rule
\\% not a comment
\\[kinds] not a section
\\\\ one backslash stays

::: quote
speaker: Ana
---
\\:::
\\== end
:::

== end
"""


def test_a_leading_backslash_is_removed_and_the_line_is_text(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text(ESCAPED, encoding="utf-8")
    assert problems_of(path) == []
    story = load_story(path)
    (segment,) = story.segments
    paragraph, quote = segment.blocks
    assert paragraph.text == (
        "== not a heading ::: not a block --- not a rule % not a comment "
        "[kinds] not a section \\ one backslash stays"
    )
    assert quote.type is BlockType.QUOTATION
    assert quote.text.split("\n")[0] == "::: == end"


def test_without_the_backslash_the_same_lines_are_markup(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text(ESCAPED.replace("\\==", "==").replace("\\:::", ":::"), encoding="utf-8")
    assert problems_of(path)


def test_section_is_a_builtin_kind() -> None:
    kind = builtin_kinds()["section"]
    assert (kind.label, kind.plural) == ("Section", "Sections")
