"""The bundled reading fonts load, and each family ships with its licence."""

from __future__ import annotations

import a11y_env  # noqa: F401  (offscreen Qt, throwaway settings: before any window)
from PySide6.QtGui import QFontDatabase, QFontInfo
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from player.gui.fonts import (
    BUNDLED_FONTS,
    font_files,
    licence_files,
    load_bundled_fonts,
    reading_font,
)


def test_every_family_has_four_styles_and_a_licence() -> None:
    files = font_files()
    for font in BUNDLED_FONTS:
        assert len([f for f in files if f.parent.name == font.folder]) == 4
    for licence in licence_files():
        text = licence.read_text(encoding="utf-8")
        assert "Open Font License" in text or "Creative Commons" in text, licence


def test_fonts_load_and_render(qtbot: QtBot) -> None:
    families = load_bundled_fonts()
    assert families == ["Atkinson Hyperlegible", "OpenDyslexic"]
    assert load_bundled_fonts() == families  # once per process
    for family in families:
        assert {"Regular", "Bold", "Italic", "Bold Italic"} <= set(QFontDatabase.styles(family))
        label = QLabel("Hello")
        qtbot.addWidget(label)
        label.setFont(reading_font(family, 14.0))
        assert QFontInfo(label.font()).family() == family


def test_an_unknown_family_falls_back() -> None:
    font = reading_font("No Such Family", 12.0)
    assert font.pointSizeF() == 12.0 and font.family() != "No Such Family"
