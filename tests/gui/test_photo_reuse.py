"""A segment jump gives the photo panel's cards the new photos instead of making new cards."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fakes import INTRO, PERSONAL, paragraph, post
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from player.core.model import Block, Photo, Segment, Story, StoryMeta
from player.gui import captions
from player.gui.captions import PhotoCard, WrapLabel
from player.gui.window import MainWindow


def _photo(n: int, caption: str, alt: str = "", credit: str = "") -> Photo:
    return Photo(caption=caption, alt=alt, credit=credit, number=n, total=3)


def _photos_post(body: str, *photos: Photo) -> list[Block]:
    return [post(f"{body} {n}.", "Ann", photo) for n, photo in enumerate(photos)]


@pytest.fixture
def story() -> Story:
    """Two photos, one other photo, none, then the first two again (equal, other objects)."""
    first = (_photo(1, "A yard.", "Children playing", "Ann"), _photo(2, "A cell.", "Two beds"))
    again = (_photo(1, "A yard.", "Children playing", "Ann"), _photo(2, "A cell.", "Two beds"))
    segments = (
        Segment(INTRO, "Two photos", tuple(_photos_post("Here", *first))),
        Segment(PERSONAL, "One photo", tuple(_photos_post("There", _photo(3, "A gate.")))),
        Segment(PERSONAL, "No photo", (paragraph("Nothing to see."),)),
        Segment(PERSONAL, "The same two", tuple(_photos_post("Again", *again))),
    )
    return Story(StoryMeta("Photos", "en"), segments)


def _texts(card: PhotoCard) -> list[str]:
    return [label.text() for label in card.findChildren(QLabel) if label.isVisibleTo(card)]


def test_a_jump_to_other_photos_reuses_the_card(window: MainWindow, story: Story) -> None:
    window.jump_to_segment(0)
    first = window.captions.cards[0]
    window.jump_to_segment(1)
    card = window.captions.cards[0]
    assert card is first
    assert len(window.captions.findChildren(PhotoCard)) == 2
    photo = story.segments[1].photos[0]
    assert card.photo is photo
    assert _texts(card) == ["Being read", "Photo 3 of 3", "Photograph not available", "A gate."]
    assert card.accessibleName() == "Being read. " + captions.describe(photo)
    assert window.captions.marked is photo


def test_fewer_photos_hide_the_other_cards_and_tab_skips_them(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.jump_to_segment(0)
    second = window.captions.cards[1]
    window.jump_to_segment(1)
    assert second.isHidden()
    assert window.captions.focusables() == window.captions.cards == [window.captions.cards[0]]
    window.captions.cards[0].setFocus()
    qtbot.waitUntil(window.captions.cards[0].hasFocus)
    window.captions.cards[0].focusNextChild()
    focused = QApplication.focusWidget()
    assert focused is not second
    assert focused is window.transport.buttons[0]


def test_no_photos_then_photos_again(window: MainWindow, story: Story) -> None:
    window.jump_to_segment(0)
    window.jump_to_segment(2)
    assert window.captions.cards == []
    empty = window.captions.focusables()[0]
    assert isinstance(empty, WrapLabel) and empty.isVisibleTo(window.captions)
    assert empty.text() == "No photo available"
    assert all(card.isHidden() for card in window.captions.findChildren(PhotoCard))
    window.jump_to_segment(1)
    assert empty.isHidden()
    assert [card.photo for card in window.captions.cards] == list(story.segments[1].photos)
    assert window.captions.cards[0].isVisibleTo(window.captions)


def test_the_same_photos_in_another_segment_leave_the_cards_alone(
    window: MainWindow, story: Story
) -> None:
    window.jump_to_segment(0)
    cards = list(window.captions.cards)
    assert not window.captions.set_segment(story.segments[3])
    assert window.captions.cards == cards
    # The window marks a card by the very photo object of the block being read.
    window.jump_to_segment(3)
    assert window.captions.marked is story.segments[3].photos[0]


@pytest.fixture
def _empty_cache() -> Iterator[None]:
    captions._cache.clear()
    yield
    captions._cache.clear()


def _image(path: Path) -> Path:
    image = QImage(400, 300, QImage.Format.Format_RGB32)
    image.fill(QColor("teal"))
    assert image.save(str(path))
    return path


@pytest.mark.usefixtures("_empty_cache")
def test_a_picture_decoded_for_the_photo_before_is_not_shown(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    decode = captions.decode_picture
    done = threading.Event()

    def slow(path: Path) -> QImage:
        release.wait(20)
        try:
            return decode(path)
        finally:
            done.set()

    monkeypatch.setattr(captions, "decode_picture", slow)
    card = PhotoCard(Photo("With a picture", image=_image(tmp_path / "a.png")))
    qtbot.addWidget(card)
    assert card.picture.text() == "Loading photograph…"
    card.set_photo(Photo("Without one"))
    release.set()
    assert done.wait(20)
    qtbot.wait(50)  # the result reaches the GUI thread
    assert card.picture.pixmap() is None or card.picture.pixmap().isNull()
    assert card.picture.text() == "Photograph not available"


@pytest.mark.usefixtures("_empty_cache")
def test_a_reused_card_gives_up_its_picture_for_the_caption(qtbot: QtBot, tmp_path: Path) -> None:
    card = PhotoCard(Photo("With a picture", image=_image(tmp_path / "a.png"), alt="Teal"))
    qtbot.addWidget(card)
    qtbot.waitUntil(lambda: card.picture.text() != "Loading photograph…", timeout=20_000)
    assert not card.picture.pixmap().isNull()
    card.set_photo(Photo("Without one", alt="Nothing"))
    assert card.picture.pixmap() is None or card.picture.pixmap().isNull()
    assert card.picture.text() == "Photograph not available"
    assert card.picture.accessibleName() == "Photograph not available"
    assert card.picture.maximumWidth() > 10_000
    assert "Alt text: Nothing" in _texts(card)


def test_a_label_measures_its_words_once_per_width(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real = captions.break_long_words

    def counting(text: str, fits: Callable[[str], bool]) -> str:
        calls.append(text)
        return real(text, fits)

    monkeypatch.setattr(captions, "break_long_words", counting)
    host = QWidget()
    qtbot.addWidget(host)
    label = WrapLabel("A caption long enough to wrap on a narrow card", host)
    calls.clear()
    for _ in range(3):
        label.heightForWidth(120)
    assert len(calls) == 1
    label.set_plain_text("A caption long enough to wrap on a narrow card")  # the same
    label.heightForWidth(120)
    assert len(calls) == 1
    label.set_plain_text("Another caption")
    before = len(calls)  # it is wrapped to its own width at once
    label.heightForWidth(120)
    label.heightForWidth(120)
    assert calls[before:] == ["Another caption"]
