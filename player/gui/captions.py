"""The photo panel beside the text: each photo of the segment, or its caption card.

A photo whose image file exists is shown scaled to the panel, with its caption
below. Without an image (the bundled story's photos are not available) a card
shows the photo's label, caption, alt text and credit. A segment without photos
says "No photo available". The card of the photo being read is marked with a
thick border and the words "Being read", and its accessible name says so.

The panel (with its accessible name and description) exists from the start, but what
it holds is made when a segment is first shown or when the window calls
:meth:`CaptionPanel.show_contents` after its first paint: its wrapping labels are measured
again and again while a window is laid out, which the first sight of the story need not
wait for.

Colours and borders come from the theme's style sheet (:mod:`player.gui.theme`),
which styles ``QFrame#card``, ``QFrame#card[marked="true"]`` and
``QLabel#card-badge``; nothing here names a colour, so every theme keeps its 7:1.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future
from functools import partial
from pathlib import Path
from typing import Final, TypeVar

from PySide6.QtCore import QEvent, QRect, QSize, Qt
from PySide6.QtGui import QFont, QImage, QImageReader, QPixmap, QResizeEvent
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from player.core.images import MAX_PIXELS, image_problem
from player.core.model import Photo, Segment
from player.gui.background import run_in_background

log = logging.getLogger(__name__)


#: Breaks a word wider than the panel may take (a zero-width space: invisible, and left out
#: of what screen readers get, which is the label's accessible name).
_BREAK = "\u200b"


def break_long_words(text: str, fits: Callable[[str], bool]) -> str:
    """``text`` with a break opportunity between the characters of each word that does not
    ``fits`` on a line by itself; other words still wrap only at spaces."""
    words = text.split(" ")
    return " ".join(word if fits(word) else _BREAK.join(word) for word in words)


class WrapLabel(QLabel):
    """A word-wrapped label that never needs more width than the panel gives it.

    QLabel wraps only at spaces, so one long word (a link, a long name, or any word at
    400 %) made the card wider than the photos pane and the pane cut the card off.
    This label breaks such a word wherever it must, as text views do
    (QTextOption.WrapAtWordBoundaryOrAnywhere, which QLabel does not offer).
    """

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self._plain = ""
        # Layouts ask the same widths again and again; words are measured once per width.
        self._shown_cache: dict[int, str] = {}
        self.set_plain_text(text, force=True)

    def set_plain_text(self, text: str, *, force: bool = False) -> None:
        """Show ``text``; the same text again costs nothing (a reused card keeps its labels)."""
        if text == self._plain and not force:
            return
        self._plain = text
        self._shown_cache.clear()
        self.setAccessibleName(text)
        self._leave_room_for_overhang()
        self._rewrap(self.contentsRect().width())

    def _leave_room_for_overhang(self) -> None:
        """Margins as wide as the text's glyphs reach past their advance.

        A slanted glyph (italic, and above all an oblique that fontconfig synthesizes when
        no italic face is installed, as with DejaVu Sans on a minimal Debian) reaches past
        its advance, and a line that Qt ends at a zero-width space is filled by advances
        alone: without this room the last letters of such a line were cut off.
        """
        metrics = self.fontMetrics()
        glyphs = set(self._plain) - {" ", _BREAK}
        reach = max(
            [
                0,
                *(-metrics.leftBearing(c) for c in glyphs),
                *(-metrics.rightBearing(c) for c in glyphs),
            ]
        )
        if self.contentsMargins().left() != reach or self.contentsMargins().right() != reach:
            self.setContentsMargins(reach, 0, reach, 0)

    def plain_text(self) -> str:
        return self._plain

    def _shown_for(self, width: int) -> str:
        if width <= 0 or not self._plain:
            return self._plain
        shown = self._shown_cache.get(width)
        if shown is None:
            metrics = self.fontMetrics()
            shown = break_long_words(
                self._plain, lambda word: metrics.horizontalAdvance(word) <= width
            )
            self._shown_cache[width] = shown
        return shown

    def _rewrap(self, width: int) -> None:
        shown = self._shown_for(width)
        if shown != self.text():
            self.setText(shown)

    def heightForWidth(self, width: int) -> int:
        if self.pixmap() is not None and not self.pixmap().isNull():
            return super().heightForWidth(width)
        margins = self.contentsMargins()
        room = width - margins.left() - margins.right()
        rect = self.fontMetrics().boundingRect(
            QRect(0, 0, max(1, room), 1_000_000),
            int(Qt.TextFlag.TextWordWrap),
            self._shown_for(room),
        )
        return rect.height() + margins.top() + margins.bottom()

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        # Any width will do: a word too long for it is broken.
        return QSize(min(hint.width(), 2 * self.fontMetrics().averageCharWidth()), hint.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._rewrap(self.contentsRect().width())

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # zoom
            self._shown_cache.clear()
            self._leave_room_for_overhang()
            self._rewrap(self.contentsRect().width())
            self.updateGeometry()


class PictureLabel(WrapLabel):
    """A card's picture, scaled down to the card's width (never up), or a line of text."""

    def show_picture(self, pixmap: QPixmap) -> None:
        self.set_plain_text("")
        self.setPixmap(pixmap)
        # Filling exactly the rect heightForWidth gave keeps the picture's proportions.
        self.setScaledContents(True)
        self.setMaximumWidth(pixmap.width())
        self.updateGeometry()

    def show_text(self, text: str) -> None:
        """A line of text in place of the picture (a reused card's picture goes)."""
        pixmap = self.pixmap()
        if pixmap is not None and not pixmap.isNull():
            self.setPixmap(QPixmap())
            self.setScaledContents(False)
            self.setMaximumWidth(_NO_LIMIT)
            self._plain = ""  # setPixmap cleared the text shown
        self.set_plain_text(text)
        self.updateGeometry()

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        pixmap = self.pixmap()
        if pixmap is None or pixmap.isNull() or pixmap.width() <= 0:
            return super().heightForWidth(width)
        return round(pixmap.height() * min(width, pixmap.width()) / pixmap.width())

    def sizeHint(self) -> QSize:
        pixmap = self.pixmap()
        if pixmap is None or pixmap.isNull():
            return super().sizeHint()
        return pixmap.size()

    def minimumSizeHint(self) -> QSize:
        pixmap = self.pixmap()
        if pixmap is None or pixmap.isNull():
            return super().minimumSizeHint()
        return QSize(16, 16)


_Label = TypeVar("_Label", bound=QLabel)


def _styled(label: _Label, *, bold: bool = False, italic: bool = False) -> _Label:
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


#: QWIDGETSIZE_MAX: no maximum width
_NO_LIMIT: Final = 16_777_215
#: the width cards show pictures at; decoding scales to it
CARD_WIDTH: Final = 280
#: scaled pictures kept, so going back to a segment shows its photos at once
_CACHE_SIZE: Final = 32
_cache: OrderedDict[tuple[str, int, int], QImage] = OrderedDict()
_cache_lock = threading.Lock()


def _cache_key(path: Path) -> tuple[str, int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return (str(path), stat.st_mtime_ns, stat.st_size)


def _cached(path: Path) -> QImage | None:
    key = _cache_key(path)
    with _cache_lock:
        if key is None or key not in _cache:
            return None
        _cache.move_to_end(key)
        return _cache[key]


def decode_picture(path: Path) -> QImage:
    """The picture for a card, scaled to the card, or a null image when it must not or
    cannot be shown: an SVG that refers to other files, or a picture too large to decode
    for a small card (its size is read from the header before anything is decoded).

    Runs on a worker thread: QImage and QImageReader, unlike QPixmap, may be used off the
    GUI thread, and a large photograph takes seconds to decode.
    """
    cached = _cached(path)
    if cached is not None:
        return cached
    key = _cache_key(path)
    if key is None or image_problem(path) is not None:
        return QImage()
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)
    size = reader.size()
    if size.isValid() and size.width() * size.height() > MAX_PIXELS:
        log.warning("image %s not shown: %d x %d pixels", path, size.width(), size.height())
        return QImage()
    if size.isValid() and size.width() > CARD_WIDTH:
        # JPEG and SVG decode straight at the smaller size; others are scaled after.
        reader.setScaledSize(size.scaled(CARD_WIDTH, 1_000_000, Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    if image.isNull():
        log.warning("image %s not shown: %s", path, reader.errorString())
        return image
    if image.width() != CARD_WIDTH:
        image = image.scaledToWidth(CARD_WIDTH, Qt.TransformationMode.SmoothTransformation)
    with _cache_lock:
        _cache[key] = image
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return image


class PhotoCard(QFrame):
    """One photo, or the caption card standing in for it. Focusable so keyboard users reach it.

    A card is reused for the next segment's photo (:meth:`set_photo`): making a card's
    widgets and laying them out anew took a quarter of a segment jump's GUI-thread time.
    """

    def __init__(self, photo: Photo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.photo = photo
        self.setObjectName("card")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        layout = QVBoxLayout(self)
        self.badge = _styled(WrapLabel("Being read"), bold=True)
        self.badge.setObjectName("card-badge")
        self.badge.hide()
        layout.addWidget(self.badge)
        self.heading = _styled(WrapLabel(), bold=True)
        layout.addWidget(self.heading)
        self.picture = PictureLabel()
        _styled(self.picture, italic=True)
        layout.addWidget(self.picture)
        # caption, alt text, credit: a label each, hidden when the photo has none
        self.details: list[WrapLabel] = []
        for _ in range(3):
            label = WrapLabel()
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(label)
            self.details.append(label)
        self._marked = False
        self._show_photo(photo)
        self.set_marked(False)

    def set_photo(self, photo: Photo) -> None:
        """Show ``photo`` in this card; labels whose text stays the same are left alone."""
        same = photo == self.photo
        self.photo = photo  # the window marks the card by the photo object itself
        if not same:
            self._show_photo(photo)
            self.setAccessibleName(self._name())

    def _show_photo(self, photo: Photo) -> None:
        self.heading.set_plain_text(photo.label)
        image = photo.image
        cached = _cached(image) if image is not None else None
        if cached is not None:
            self._show_picture(cached)
        elif image is not None and image.is_file():
            self.picture.show_text("Loading photograph…")
            run_in_background(
                lambda: decode_picture(image),
                partial(self._picture_decoded, image),
                receiver=self,
                name="picture",
            )
        else:
            self.picture.show_text("Photograph not available")
        texts = (
            photo.caption,
            f"Alt text: {photo.alt}" if photo.alt else "",
            f"Credit: {photo.credit}" if photo.credit else "",
        )
        for label, text in zip(self.details, texts, strict=True):
            label.set_plain_text(text)
            if label.isHidden() == bool(text):
                label.setVisible(bool(text))

    def _picture_decoded(self, image: Path, future: Future[QImage]) -> None:
        if self.photo.image != image:  # the card shows another photo now
            return
        try:
            decoded = future.result()
        except Exception:  # a picture that fails leaves the caption card
            log.exception("image %s could not be decoded", image)
            decoded = QImage()
        self._show_picture(decoded)

    def _show_picture(self, image: QImage) -> None:
        if image.isNull():
            self.picture.show_text("Photograph not available")
            return
        self.picture.show_picture(QPixmap.fromImage(image))
        self.picture.setAccessibleName(self.photo.alt or self.photo.caption)

    def _name(self) -> str:
        return ("Being read. " if self._marked else "") + describe(self.photo)

    def set_marked(self, marked: bool) -> None:
        self.badge.setVisible(marked)
        if self.property("marked") != marked:
            self.setProperty("marked", marked)
            # A dynamic property is matched by the style sheet only when the widget is re-polished.
            self.style().unpolish(self)
            self.style().polish(self)
        self._marked = marked
        name = self._name()
        # Set at every word while reading: only a change is worth an accessibility event.
        if self.accessibleName() != name:
            self.setAccessibleName(name)


class CaptionPanel(QScrollArea):
    """The photos of the current segment."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setAccessibleName("Photos")
        self.setAccessibleDescription("Photos and captions of the segment being read")
        self.setMinimumWidth(220)
        # Cards wrap to the pane's width (see WrapLabel): nothing to scroll sideways to.
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # The cards (or the "No photo available" label) take focus; the scroll area itself is
        # only a container that screen readers would announce as an empty filler.
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.cards: list[PhotoCard] = []
        # every card made so far; those beyond the segment's photos are hidden
        self._pool: list[PhotoCard] = []
        self._layout: QVBoxLayout | None = None
        self._segment: Segment | None = None
        self._empty: WrapLabel = self._empty_card()

    @staticmethod
    def _empty_card() -> WrapLabel:
        label = WrapLabel("No photo available")
        # Styled as a card: it takes focus, so it needs the cards' focus ring.
        label.setObjectName("card")
        label.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        return label

    @property
    def has_contents(self) -> bool:
        """Whether the panel shows its photos (or "No photo available") yet."""
        return self.widget() is not None

    def show_contents(self) -> bool:
        """Show what the panel holds now, if nothing is shown yet; False when it was."""
        return not self.has_contents and self.set_segment(self._segment)

    def _make_body(self) -> QVBoxLayout:
        """The panel's body, made once: later segments reuse its cards."""
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(_styled(WrapLabel("Photos"), bold=True))
        layout.addWidget(self._empty)
        layout.addStretch(1)
        self._layout = layout
        self.setWidget(body)
        return layout

    def focusables(self) -> list[QWidget]:
        """The widgets of the panel that take focus, in reading order."""
        return list(self.cards) if self.cards else [self._empty]

    def set_segment(self, segment: Segment | None) -> bool:
        """Show the photos of ``segment``; False when they were already shown.

        The cards of the segment before are given the new photos, and more are made only
        when this segment has more photos than any before it: a jump makes no widgets.
        """
        if segment is self._segment and self.has_contents:
            return False
        self._segment = segment
        photos = list(segment.photos) if segment is not None else []
        if self.has_contents and [card.photo for card in self.cards] == photos:
            # The same photos (a repeated segment): only the objects the window marks by.
            for card, photo in zip(self.cards, photos, strict=True):
                card.photo = photo
            return False
        layout = self._layout if self._layout is not None else self._make_body()
        for index, photo in enumerate(photos):
            if index < len(self._pool):
                self._pool[index].set_photo(photo)
            else:
                card = PhotoCard(photo)
                self._pool.append(card)
                # after the cards before it, above the stretch
                layout.insertWidget(layout.count() - 1, card)
        for index, card in enumerate(self._pool):
            if card.isHidden() == (index < len(photos)):
                card.setVisible(index < len(photos))
        if self._empty.isHidden() == (not photos):
            self._empty.setVisible(not photos)
        self.cards = self._pool[: len(photos)]
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
