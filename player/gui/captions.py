"""The photo panel beside the text: each photo of the segment, or its caption card.

A photo whose image file exists is shown scaled to the panel, with its caption
below. Without an image (the bundled story's photos are not available) a card
shows the photo's label, caption, alt text and credit. A segment without photos
says "No photo available". The card of the photo being read is marked with a
thick border and the words "Being read", and its accessible name says so.

Colours and borders come from the theme's style sheet (:mod:`player.gui.theme`),
which styles ``QFrame#card``, ``QFrame#card[marked="true"]`` and
``QLabel#card-badge``; nothing here names a colour, so every theme keeps its 7:1.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QImageReader, QPixmap
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from player.core.images import MAX_PIXELS, image_problem
from player.core.model import Photo, Segment

log = logging.getLogger(__name__)


def _styled(label: QLabel, *, bold: bool = False, italic: bool = False) -> QLabel:
    """Bold or italic through the font, which keeps following the zoomed application font."""
    font = QFont()
    if bold:
        font.setBold(True)
    if italic:
        font.setItalic(True)
    label.setFont(font)
    return label


def describe(photo: Photo) -> str:
    """The words a screen reader gets for a photo card."""
    parts = [f"{photo.label}: {photo.caption}"]
    if photo.alt:
        parts.append(f"Alt text: {photo.alt}")
    if photo.credit:
        parts.append(f"Credit: {photo.credit}")
    if photo.image is None or not photo.image.is_file():
        parts.append("The photograph itself is not available.")
    return " ".join(parts)


def _load_picture(path: Path) -> QPixmap:
    """The picture for a card, or a null pixmap when it must not or cannot be shown: an SVG
    that refers to other files, or a picture too large to decode for a small card (its
    size is read from the header before anything is decoded)."""
    if image_problem(path) is not None:
        return QPixmap()
    reader = QImageReader(str(path))
    size = reader.size()
    if size.isValid() and size.width() * size.height() > MAX_PIXELS:
        log.warning("image %s not shown: %d x %d pixels", path, size.width(), size.height())
        return QPixmap()
    return QPixmap.fromImageReader(reader)


class PhotoCard(QFrame):
    """One photo, or the caption card standing in for it. Focusable so keyboard users reach it."""

    def __init__(self, photo: Photo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.photo = photo
        self.setObjectName("card")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        layout = QVBoxLayout(self)
        self.badge = _styled(QLabel("Being read"), bold=True)
        self.badge.setObjectName("card-badge")
        self.badge.hide()
        layout.addWidget(self.badge)
        heading = _styled(QLabel(photo.label), bold=True)
        heading.setWordWrap(True)
        layout.addWidget(heading)
        pixmap = _load_picture(photo.image) if photo.image is not None else QPixmap()
        if not pixmap.isNull():
            image = QLabel()
            image.setPixmap(pixmap.scaledToWidth(280, Qt.TransformationMode.SmoothTransformation))
            image.setAccessibleName(photo.alt or photo.caption)
            layout.addWidget(image)
        else:
            placeholder = _styled(QLabel("Photograph not available"), italic=True)
            placeholder.setWordWrap(True)
            layout.addWidget(placeholder)
        for text in (
            photo.caption,
            f"Alt text: {photo.alt}" if photo.alt else "",
            f"Credit: {photo.credit}" if photo.credit else "",
        ):
            if text:
                label = QLabel(text)
                label.setWordWrap(True)
                label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                layout.addWidget(label)
        self.set_marked(False)

    def set_marked(self, marked: bool) -> None:
        self.badge.setVisible(marked)
        if self.property("marked") != marked:
            self.setProperty("marked", marked)
            # A dynamic property is matched by the style sheet only when the widget is re-polished.
            self.style().unpolish(self)
            self.style().polish(self)
        prefix = "Being read. " if marked else ""
        self.setAccessibleName(prefix + describe(self.photo))


class CaptionPanel(QScrollArea):
    """The photos of the current segment."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setAccessibleName("Photos")
        self.setAccessibleDescription("Photos and captions of the segment being read")
        self.setMinimumWidth(220)
        # The cards (or the "No photo available" label) take focus; the scroll area itself is
        # only a container that screen readers would announce as an empty filler.
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.cards: list[PhotoCard] = []
        self._segment: Segment | None = None
        self._empty = QLabel("No photo available")
        self.set_segment(None)

    def _show(self, widgets: list[QWidget]) -> None:
        body = QWidget()
        layout = QVBoxLayout(body)
        title = _styled(QLabel("Photos"), bold=True)
        layout.addWidget(title)
        for widget in widgets:
            layout.addWidget(widget)
        layout.addStretch(1)
        self.setWidget(body)

    def focusables(self) -> list[QWidget]:
        """The widgets of the panel that take focus, in reading order."""
        return list(self.cards) if self.cards else [self._empty]

    def set_segment(self, segment: Segment | None) -> bool:
        """Show the photos of ``segment``; False when they were already shown."""
        if segment is self._segment and self.widget() is not None:
            return False
        self._segment = segment
        photos = segment.photos if segment is not None else ()
        self.cards = [PhotoCard(photo) for photo in photos]
        if self.cards:
            self._show(list(self.cards))
        else:
            self._empty = QLabel("No photo available")
            self._empty.setAccessibleName("No photo available")
            self._empty.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            self._show([self._empty])
        return True

    def mark(self, photo: Photo | None) -> None:
        """Mark the card of the photo being read, unmark the others."""
        for card in self.cards:
            card.set_marked(photo is not None and card.photo is photo)

    @property
    def marked(self) -> Photo | None:
        for card in self.cards:
            if card.badge.isVisibleTo(card):
                return card.photo
        return None
