"""Reading fonts shipped with the app: Atkinson Hyperlegible and OpenDyslexic.

The font files live in ``assets/fonts/<family>/`` beside their licence. They
are registered with Qt for this process only (nothing is installed on the
system), once, when the window first needs them. A file Qt refuses is skipped:
the reader then keeps the system font, which is readable too.

Atkinson Hyperlegible (Braille Institute, SIL Open Font License 1.1) was drawn
for low-vision readers: letters that are easily confused differ clearly.
OpenDyslexic (Abelardo Gonzalez, CC BY 3.0 plus the Bitstream Vera licence it
is derived from) is preferred by some dyslexic readers.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from PySide6.QtGui import QFont, QFontDatabase

from player.paths import assets_dir

FONT_SUFFIXES = (".ttf", ".otf")


class BundledFont(NamedTuple):
    """A family shipped with the app: its folder under assets/fonts and its licence file."""

    family: str
    folder: str
    licence_file: str
    licence: str


BUNDLED_FONTS: tuple[BundledFont, ...] = (
    BundledFont("Atkinson Hyperlegible", "atkinson-hyperlegible", "OFL.txt", "OFL-1.1"),
    BundledFont("OpenDyslexic", "opendyslexic", "LICENSE.txt", "CC-BY-3.0 AND Bitstream-Vera"),
)

_loaded: list[str] | None = None


def fonts_dir() -> Path:
    return assets_dir() / "fonts"


def font_files(folder: Path | None = None) -> list[Path]:
    """Every font file of the bundled families, in a stable order."""
    root = folder or fonts_dir()
    files: list[Path] = []
    for font in BUNDLED_FONTS:
        family_dir = root / font.folder
        if family_dir.is_dir():
            files += sorted(p for p in family_dir.iterdir() if p.suffix.lower() in FONT_SUFFIXES)
    return files


def load_bundled_fonts(folder: Path | None = None) -> list[str]:
    """Register the bundled fonts with Qt (once per process); the family names Qt now knows.

    Needs a QGuiApplication. Later calls return the first answer without
    touching the files again.
    """
    global _loaded
    if _loaded is not None:
        return list(_loaded)
    families: list[str] = []
    for path in font_files(folder):
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id < 0:
            continue
        for family in QFontDatabase.applicationFontFamilies(font_id):
            if family not in families:
                families.append(family)
    _loaded = families
    return list(families)


def licence_files(folder: Path | None = None) -> list[Path]:
    """The licence file of every bundled family (for the About box and packagers)."""
    root = folder or fonts_dir()
    return [root / f.folder / f.licence_file for f in BUNDLED_FONTS]


def reading_font(family: str | None, point_size: float) -> QFont:
    """A font for the reading pane: ``family`` if Qt has it, else the system's default."""
    font = QFont()
    if family and family in QFontDatabase.families():
        font.setFamily(family)
    font.setPointSizeF(point_size)
    return font
