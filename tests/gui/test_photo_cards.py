"""Photo cards show a picture only when it is safe and cheap to decode."""

from __future__ import annotations

import struct
import threading
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from player.core.model import Photo
from player.gui import captions
from player.gui.captions import CARD_WIDTH, PhotoCard


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


def _settled(card: PhotoCard) -> bool:
    return card.picture.text() != "Loading photograph…"


def _card(qtbot: QtBot, image: Path) -> PhotoCard:
    card = PhotoCard(Photo("A caption", image=image, alt="What it shows"))
    qtbot.addWidget(card)
    qtbot.waitUntil(lambda: _settled(card), timeout=20_000)
    return card


def _photo(path: Path, width: int = 1200, height: int = 800) -> Path:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("teal"))
    assert image.save(str(path))
    return path


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    captions._cache.clear()
    yield
    captions._cache.clear()


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


def test_a_photo_is_decoded_off_the_gui_thread(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[threading.Thread] = []
    decode = captions.decode_picture

    def watched(path: Path) -> QImage:
        threads.append(threading.current_thread())
        return decode(path)

    monkeypatch.setattr(captions, "decode_picture", watched)
    card = PhotoCard(Photo("A caption", image=_photo(tmp_path / "photo.png"), alt="Teal"))
    qtbot.addWidget(card)
    # The card is there at once, saying so, while the picture is decoded elsewhere.
    assert card.picture.text() == "Loading photograph…"
    qtbot.waitUntil(lambda: _shown(card), timeout=20_000)
    assert threads and threading.main_thread() not in threads
    assert card.picture.pixmap().width() == CARD_WIDTH
    assert card.picture.accessibleName() == "Teal"


def test_a_photo_seen_before_is_shown_at_once(qtbot: QtBot, tmp_path: Path) -> None:
    photo = _photo(tmp_path / "photo.jpg")
    assert _shown(_card(qtbot, photo))
    again = PhotoCard(Photo("A caption", image=photo))
    qtbot.addWidget(again)
    assert _shown(again)


def test_a_changed_photo_is_decoded_again(qtbot: QtBot, tmp_path: Path) -> None:
    photo = _photo(tmp_path / "photo.png")
    assert _card(qtbot, photo).picture.pixmap().height() == 800 * CARD_WIDTH // 1200
    _photo(photo, 400, 400)
    assert _card(qtbot, photo).picture.pixmap().height() == CARD_WIDTH


def test_a_damaged_photo_leaves_the_caption_card(qtbot: QtBot, tmp_path: Path) -> None:
    broken = tmp_path / "photo.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0 not really a JPEG")
    card = _card(qtbot, broken)
    assert not _shown(card)
    assert card.picture.text() == "Photograph not available"


def test_a_card_deleted_while_decoding_takes_no_result(qtbot: QtBot, tmp_path: Path) -> None:
    card = PhotoCard(Photo("A caption", image=_photo(tmp_path / "photo.png", 3000, 3000)))
    card.deleteLater()
    qtbot.waitUntil(lambda: len(captions._cache) == 1, timeout=20_000)
    qtbot.wait(50)  # the result is delivered, and dropped, without an error
