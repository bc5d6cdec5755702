"""The parser's output is frozen: every sentence's displayed text, spoken text and word
offsets, for the bundled story, the reading-quality stories and two generated stories, must
equal what the parser gave before it was rewritten for speed (``tests/data/parse-golden.json``,
written by ``tests/core/parse_golden.py`` from commit 8db49db)."""

from __future__ import annotations

import json

import pytest

from tests.core.parse_golden import FIXTURE, results, story_texts

GOLDEN = json.loads(FIXTURE.read_text(encoding="utf-8"))
TEXTS = story_texts()


def test_the_fixture_covers_every_story() -> None:
    assert sorted(GOLDEN) == sorted(TEXTS)
    # The generated stories are big enough to hold every hard case several times.
    assert len(GOLDEN["generated-en"]) > 500


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_every_sentence_is_as_before(name: str) -> None:
    now = [json.loads(json.dumps(row)) for row in results(TEXTS[name], name)]
    before = GOLDEN[name]
    for index, (new, old) in enumerate(zip(now, before, strict=False)):
        assert new == old, f"{name}, sentence {index}: {new[2]!r}"
    assert len(now) == len(before)
