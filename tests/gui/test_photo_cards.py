"""Photo cards show a picture only when it is safe and cheap to decode."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from player.core.model import Photo
from player.gui.captions import PhotoCard


def _png_header(path: Path, width: int, height: int) -> Path:
    """A PNG that says how big it is and holds no pixels: a decoder would have to allocate
    width x height to find out the rest is missing."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = struct.pack(">I", len(ihdr)) + b"IHDR" + ihdr
    chunk += struct.pack(">I", zlib.crc32(b"IHDR" + ihdr) & 0xFFFFFFFF)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk)
    return path


def _shown(card: PhotoCard) -> bool:
    return any(
        label.pixmap() is not None and not label.pixmap().isNull()
        for label in card.findChildren(QLabel)
    )


def _card(qtbot: QtBot, image: Path) -> PhotoCard:
    card = PhotoCard(Photo("A caption", image=image, alt="What it shows"))
    qtbot.addWidget(card)
    return card


def test_an_svg_naming_a_file_elsewhere_gets_the_caption_card(qtbot: QtBot, tmp_path: Path) -> None:
    secret = tmp_path / "private.png"
    _png_header(secret, 4, 4)
    svg = tmp_path / "story" / "photo.svg"
    svg.parent.mkdir()
    svg.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'width="40" height="40"><image xlink:href="{secret}" width="40" height="40"/></svg>'
    )
    assert not _shown(_card(qtbot, svg))


def test_a_self_contained_svg_is_drawn(qtbot: QtBot, tmp_path: Path) -> None:
    svg = tmp_path / "photo.svg"
    svg.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40">'
        '<rect width="40" height="40" fill="red"/></svg>'
    )
    assert _shown(_card(qtbot, svg))


def test_a_giant_picture_is_not_decoded(qtbot: QtBot, tmp_path: Path) -> None:
    assert not _shown(_card(qtbot, _png_header(tmp_path / "big.png", 20_000, 20_000)))
