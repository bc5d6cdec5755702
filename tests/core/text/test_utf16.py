"""Offsets in code points become the UTF-16 units Qt counts, for text from all of Unicode."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from player.core.text.utf16 import Utf16Offsets


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=60))
def test_every_offset_matches_the_utf16_length_of_what_precedes_it(text: str) -> None:
    offsets = Utf16Offsets(text)
    assert offsets.length == _units(text)
    for i in range(len(text) + 1):
        assert offsets(i) == _units(text[:i])
        assert offsets.back(offsets(i)) == i


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF), min_size=1))
def test_a_unit_inside_a_pair_belongs_to_its_character(text: str) -> None:
    offsets = Utf16Offsets(text)
    for i in range(len(text)):
        assert offsets.back(offsets(i) + 1) == i


def test_plain_text_is_the_identity() -> None:
    offsets = Utf16Offsets("Niños en la cárcel — 2018")
    assert [offsets(i) for i in range(5)] == [0, 1, 2, 3, 4]
    assert offsets.length == len("Niños en la cárcel — 2018")
