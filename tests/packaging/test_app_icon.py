"""The application icon: one SVG and its PNG renders in every size desktops ask for."""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ICONS = Path(__file__).resolve().parents[2] / "assets" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_svg_is_square_and_well_formed() -> None:
    root = ET.parse(ICONS / "story-player.svg").getroot()
    assert root.tag.endswith("svg")
    assert root.get("viewBox") == "0 0 64 64"
    assert root.get("width") == root.get("height")


@pytest.mark.parametrize("size", SIZES)
def test_png_render_has_its_size(size: int) -> None:
    path = ICONS / f"story-player-{size}.png"
    assert path.is_file(), f"{path.name} is missing: render it from story-player.svg"
    assert _png_size(path) == (size, size)
