"""Small stories and a fake voice for the export tests: fast, and the same on every machine."""

from __future__ import annotations

from pathlib import Path

import pytest

from player.core.model import Story
from player.core.speech import FakeSynthesizer, Voice
from player.core.storyfile import parse_story

#: every block type, two speakers in one segment, a photo with its image and one without
SMALL = """format: story-player 1
title: A small story
language: en-GB
source: The Test Gazette
date: 2024-05-01
credit: Words by the test suite

== introduction: Opening words

One short line. And another one.

::: quote
speaker: Ann Lee
---
"We were there first."
:::

::: quote
speaker: Bob Ray
---
"No, we were."
:::

== public-reaction: What people said

::: post
author: Cat Dee
handle: @catdee
date: 2024-05-02
---
This is a post & it has a link. https://example.org/x
:::

::: photo
image: images/dot.png
alt: A red dot on white.
credit: Test Photo Agency
---
A dot, seen close up.
:::

::: photo
---
A caption whose photo is missing.
:::

== end
"""

#: a 1x1 PNG
DOT_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753"
    "de0000000c4944415408d763f8cfc000000301010018dd8db00000000049454e44ae426082"
)


@pytest.fixture
def small_path(tmp_path: Path) -> Path:
    folder = tmp_path / "small"
    (folder / "images").mkdir(parents=True)
    (folder / "images" / "dot.png").write_bytes(DOT_PNG)
    path = folder / "story.txt"
    path.write_text(SMALL, encoding="utf-8")
    return path


@pytest.fixture
def small(small_path: Path) -> Story:
    return parse_story(small_path.read_text(encoding="utf-8"), small_path)


@pytest.fixture
def synth() -> FakeSynthesizer:
    return FakeSynthesizer(
        voices=[
            Voice("fake/en", "Fake English", ("en", "en-gb")),
            Voice("fake/en-us", "Fake American", ("en-us",)),
            Voice("fake/en-au", "Fake Australian", ("en-au",)),
            Voice("fake/fr", "Fake French", ("fr",)),
        ]
    )
