"""Colour contrast as WCAG 2 defines it: relative luminance and contrast ratio.

Themes are checked with these functions, and the tests measure the colours
that live widgets actually use. Colours are ``#rrggbb`` / ``#rgb`` strings or
``(r, g, b)`` tuples of 0-255 integers. A colour with transparency must be
composited over its background first (:func:`blend`), since a ratio only
means something between two opaque colours.

Nothing here imports Qt.
"""

from __future__ import annotations

from typing import Final

RGB = tuple[int, int, int]
Colour = str | RGB

#: WCAG 2 level AAA for body text (1.4.6); the app aims for it everywhere.
AAA_TEXT: Final = 7.0
#: WCAG 2 level AA for body text (1.4.3).
AA_TEXT: Final = 4.5
#: WCAG 2 non-text contrast (1.4.11): focus rings, borders of controls.
NON_TEXT: Final = 3.0


def parse_colour(colour: Colour) -> RGB:
    """``#rgb``, ``#rrggbb`` or an (r, g, b) tuple, as an (r, g, b) tuple."""
    if isinstance(colour, tuple):
        if len(colour) != 3 or not all(0 <= c <= 255 for c in colour):
            raise ValueError(f"not an RGB triple of 0-255 values: {colour!r}")
        return colour
    text = colour.strip().lstrip("#")
    if len(text) == 3:
        text = "".join(c * 2 for c in text)
    if len(text) != 6:
        raise ValueError(f"not a #rgb or #rrggbb colour: {colour!r}")
    try:
        value = int(text, 16)
    except ValueError:
        raise ValueError(f"not a #rgb or #rrggbb colour: {colour!r}") from None
    return (value >> 16) & 0xFF, (value >> 8) & 0xFF, value & 0xFF


def _linear(channel: int) -> float:
    """One sRGB channel (0-255) as linear light, with the constants of WCAG 2."""
    c = channel / 255.0
    # WCAG 2.x uses 0.03928; IEC sRGB says 0.04045. No 8-bit value lies between the two.
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: Colour) -> float:
    """Relative luminance, 0.0 for black to 1.0 for white."""
    r, g, b = parse_colour(colour)
    return 0.2126 * _linear(r) + 0.7152 * _linear(g) + 0.0722 * _linear(b)


def contrast_ratio(first: Colour, second: Colour) -> float:
    """The contrast ratio of two opaque colours, from 1.0 to 21.0 (order does not matter)."""
    a = relative_luminance(first)
    b = relative_luminance(second)
    lighter, darker = max(a, b), min(a, b)
    return (lighter + 0.05) / (darker + 0.05)


def blend(foreground: Colour, background: Colour, alpha: float) -> RGB:
    """``foreground`` at opacity ``alpha`` (0-1) painted over an opaque ``background``."""
    if not 0.0 <= alpha <= 1.0:
        raise ValueError(f"alpha must be between 0 and 1, not {alpha}")
    fg = parse_colour(foreground)
    bg = parse_colour(background)
    r, g, b = (round(f * alpha + k * (1.0 - alpha)) for f, k in zip(fg, bg, strict=True))
    return r, g, b


def meets(first: Colour, second: Colour, minimum: float = AAA_TEXT) -> bool:
    """Whether two colours reach ``minimum`` (7:1 unless told)."""
    # No rounding: a pair at 6.96:1 that a tool would print as "7.0" does not pass.
    return contrast_ratio(first, second) >= minimum


def to_hex(colour: Colour) -> str:
    """``#rrggbb`` in lower case."""
    r, g, b = parse_colour(colour)
    return f"#{r:02x}{g:02x}{b:02x}"
