"""Fuzzing the inputs a user or a file can give: mutated story files, any settings values,
any text. Each either works or is refused with a message; nothing raises anything else.

CI runs a fixed-seed share of it; for a longer run set ``STORY_PLAYER_FUZZ_CASES`` (say
20000) and ``STORY_PLAYER_FUZZ_SEED``::

    STORY_PLAYER_FUZZ_CASES=20000 .venv/bin/python -m pytest tests/core/test_fuzz.py
"""

from __future__ import annotations

import os
import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from player.core import options
from player.core.settings import MemoryStore, Settings
from player.core.storyfile import StoryFileError, parse_story
from player.core.text.spoken import to_spoken
from player.paths import bundled_story_path

CASES = int(os.environ.get("STORY_PLAYER_FUZZ_CASES", "600"))
SEED = int(os.environ.get("STORY_PLAYER_FUZZ_SEED", "20261128"))

# Lines that look like the format's own markup, and text that is hard in other ways.
NASTY = [
    "== ",
    "== personal-story",
    "== end",
    "::: quote",
    "::: post",
    "::: photo",
    ":::",
    "---",
    "speaker:",
    "handle: @",
    "image: ../../etc/passwd",
    "image: /dev/zero",
    "[lexicon]",
    "= =",
    "[kinds]",
    "title:",
    "date: 2018-02-30",
    "language: xx-ÿ",
    "\u200b\u200d\ufeff",
    "🧒🏽👶🏻 " * 5,
    "a" * 5000,
    "\t\t  \t",
    "$12,500 Fri.–Sun. Nº 7 vol. 2 @a.b.c #tag https://x.y/z",
    "\x00",
    "\r",
]


def _mutate(lines: list[str], rng: random.Random) -> str:
    lines = list(lines)
    for _ in range(rng.randint(1, 6)):
        op = rng.randrange(6)
        at = rng.randrange(len(lines) + 1)
        if op == 0 and lines:
            del lines[min(at, len(lines) - 1)]
        elif op == 1:
            lines.insert(at, rng.choice(NASTY))
        elif op == 2 and lines:
            lines.insert(at, rng.choice(lines))
        elif op == 3 and lines:
            line = lines[min(at, len(lines) - 1)]
            cut = rng.randrange(len(line) + 1)
            lines[min(at, len(lines) - 1)] = line[:cut] + rng.choice(NASTY) + line[cut:]
        elif op == 4:
            lines = lines[: rng.randrange(len(lines) + 1)]
        else:
            a, b = rng.randrange(len(lines) + 1), rng.randrange(len(lines) + 1)
            lines[a:b] = reversed(lines[a:b])
    return "\n".join(lines)


def test_mutated_stories_parse_or_are_refused_with_their_problems() -> None:
    source = bundled_story_path()
    lines = source.read_text(encoding="utf-8").splitlines()
    rng = random.Random(SEED)
    refused = 0
    for case in range(CASES):
        text = _mutate(lines, rng)
        try:
            story = parse_story(text, source)
        except StoryFileError as exc:
            refused += 1
            assert exc.problems, case
            assert all(str(p) for p in exc.problems), case
            continue
        except Exception as exc:  # the failure this test exists to find
            pytest.fail(f"case {case} (seed {SEED}) raised {exc!r}")
        assert story.sentence_count >= 1, case
    assert 0 < refused < CASES  # the mutations reach both outcomes


values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.dictionaries(st.sampled_from([o.name for o in options.OPTIONS] + ["zoom"]), values))
def test_any_settings_file_content_gives_valid_settings(data: dict[str, Any]) -> None:
    s = Settings(MemoryStore(data))
    for option in options.OPTIONS:
        value = s.get(option.name)
        assert option.accepts(value) and option.in_range(value), option.name
    assert options.MIN_RATE_WPM <= s.rate <= options.MAX_RATE_WPM
    assert 0.0 <= s.volume <= 1.0
    for key in ("positions", "bookmarks"):
        assert isinstance(s.get(key), dict)
    s.recent_stories()
    s.bookmarks("any")
    s.position_for("any")


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    st.text(max_size=200),
    st.lists(st.tuples(st.text(min_size=1, max_size=6), st.text(max_size=6)), max_size=4),
)
def test_any_text_has_a_spoken_form(text: str, lexicon: list[tuple[str, str]]) -> None:
    spoken = to_spoken(text, 0, None, lexicon)
    assert isinstance(spoken.text, str)
