"""Code-point offsets (what the core computes) to UTF-16 units (what Qt counts).

Python strings index code points; QString, QTextDocument and QTextCursor count UTF-16
code units, in which a character outside the Basic Multilingual Plane (emoji, some CJK,
mathematical letters) takes two. Every offset the core hands to Qt goes through
:class:`Utf16Offsets` of the text it was taken from, so a highlight after an emoji
still covers the right words. Nothing here imports Qt.
"""

from __future__ import annotations

import bisect
from typing import Final

#: the first code point that UTF-16 writes as a surrogate pair
_ASTRAL: Final = 0x10000


class Utf16Offsets:
    """Converts offsets into one text; costs nothing for text without astral characters."""

    __slots__ = ("_astral", "length")

    def __init__(self, text: str) -> None:
        # Positions of the characters that take two units, in order. A text of the Basic
        # Multilingual Plane alone (most stories) keeps an empty list: conversion is then
        # the identity, and building this is one fast scan.
        self._astral: list[int] = (
            [i for i, char in enumerate(text) if ord(char) >= _ASTRAL] if not text.isascii() else []
        )
        self.length = len(text) + len(self._astral)

    def __call__(self, offset: int) -> int:
        """The UTF-16 offset of code-point ``offset`` (``len(text)`` is allowed)."""
        if not self._astral:
            return offset
        return offset + bisect.bisect_left(self._astral, offset)

    def back(self, unit: int) -> int:
        """The code-point offset of UTF-16 ``unit``; a unit inside a pair gives its character."""
        if not self._astral:
            return unit
        # The k-th astral character (0-based) sits at unit position astral[k] + k.
        low, high = 0, len(self._astral)
        while low < high:
            middle = (low + high) // 2
            if self._astral[middle] + middle < unit:
                low = middle + 1
            else:
                high = middle
        # ``low`` pairs start before ``unit``, each one unit longer than its character;
        # the second unit of a pair counts its pair and so lands on the pair's character.
        return unit - low
