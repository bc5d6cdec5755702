"""Scroll bars drawn by Fusion, their long groove in bands of lines.

A jump far along the story scrolls the reading pane and the contents list, and each
repaints its vertical scroll bar. Fusion fills the groove, the bar's whole length,
with a gradient. Qt's raster painter hands a fill of more than about a hundred
lines to its worker threads in pieces and waits for them (``QT_THREAD_PARALLEL_FILLS``
in Qt's draw helpers): for a bar 14 pixels wide that costs far more than it saves,
and made the two scroll bars the largest part of a jump's repaint (0.5 to 1.3 ms
each offscreen on a shared 2-core machine, against 0.05 ms without the groove).
Drawn here in bands of fewer lines, clipped, each band is filled on the GUI thread.
A clip at whole pixels changes no pixel: the bars look exactly as Fusion draws them
(``tests/gui/test_scroll_bars.py`` compares them in every theme).

A jump repaints the bars with the same groove as before, only the slider moved: the
groove is drawn once and copied at the repaints after. Its edge is half transparent,
so what it looks like depends on what lies beneath it: the style keeps, for each look
of a groove (its size and colours), the pixels it was drawn over and the pixels that
came out, and copies the second only onto the same first ones. Drawn over the same
pixels by the same painter, a groove comes out the same, so the copy is exact.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QRect, Qt, QTimer
from PySide6.QtGui import QImage, QPainter, QPalette
from PySide6.QtWidgets import QAbstractScrollArea, QProxyStyle, QStyle, QStyleOptionSlider

if TYPE_CHECKING:
    from PySide6.QtWidgets import QStyleOptionComplex, QWidget

#: lines per band: Qt shares a fill of a scroll bar's groove among threads from about 48 lines on
BAND_LINES = 40
#: grooves kept (each about 35 kB): a window's scroll bars, each of them in two states
KEPT_GROOVES = 8

_SCROLL_BAR = QStyle.ComplexControl.CC_ScrollBar
_GROOVE = QStyle.SubControl.SC_ScrollBarGroove
_INTERSECT = Qt.ClipOperation.IntersectClip
_SOURCE_OVER = QPainter.CompositionMode.CompositionMode_SourceOver

_GrooveKey = tuple[int, ...]


class _Groove:
    """A groove as drawn once: the pixels beneath it then, and the pixels it left."""

    def __init__(self, beneath: QImage, drawn: QImage) -> None:
        self.beneath = beneath
        self.drawn = drawn


class BandedGrooveStyle(QProxyStyle):
    """Fusion, with each scroll bar's groove drawn in bands of :data:`BAND_LINES` lines."""

    def __init__(self) -> None:
        super().__init__("Fusion")
        self._grooves: dict[_GrooveKey, _Groove] = {}

    def drawComplexControl(
        self,
        control: QStyle.ComplexControl,
        option: QStyleOptionComplex,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        if (
            control != _SCROLL_BAR
            or not isinstance(option, QStyleOptionSlider)
            or option.rect.height() <= BAND_LINES
            or not option.subControls & _GROOVE
            # bands of whole logical lines could meet at fractions of a device pixel
            or painter.deviceTransform().isScaling()
        ):
            super().drawComplexControl(control, option, painter, widget)
            return
        alone = QStyleOptionSlider(option)
        alone.subControls = _GROOVE
        if not self._copy_groove(alone, painter, widget):
            self._draw_groove(alone, painter, widget)
        rest = QStyleOptionSlider(option)
        rest.subControls = option.subControls & ~_GROOVE
        super().drawComplexControl(control, rest, painter, widget)

    def _draw_groove(
        self, alone: QStyleOptionSlider, painter: QPainter, widget: QWidget | None
    ) -> None:
        """Fusion's groove, in clipped bands of :data:`BAND_LINES` lines."""
        # Each band is a call into Fusion: what Python works out is done once per groove.
        draw = super().drawComplexControl
        rect = alone.rect
        left, width, end = rect.left(), rect.width(), rect.bottom() + 1
        for top in range(rect.top(), end, BAND_LINES):
            painter.save()
            try:
                painter.setClipRect(left, top, width, min(BAND_LINES, end - top), _INTERSECT)
                draw(_SCROLL_BAR, alone, painter, widget)
            finally:
                painter.restore()

    def _copy_groove(
        self, alone: QStyleOptionSlider, painter: QPainter, widget: QWidget | None
    ) -> bool:
        """Put the groove ``alone`` asks for where it goes, as a copy of one drawn over the
        same pixels before (drawing it once, beside the device, when there is none yet).
        False where the device's pixels cannot be read: nothing was drawn then."""
        engine = painter.paintEngine()
        device = engine.paintDevice() if engine is not None else None
        if (
            not isinstance(device, QImage)
            or painter.opacity() != 1.0
            or painter.compositionMode() != _SOURCE_OVER
        ):
            return False
        at = painter.deviceTransform().mapRect(alone.rect)
        if not device.rect().contains(at):
            return False
        beneath = device.copy(at)
        key = self._key(alone, widget, device)
        kept = self._grooves.get(key)
        if kept is None or kept.beneath != beneath:
            drawn = beneath.copy()
            at_origin = QStyleOptionSlider(alone)
            at_origin.rect = QRect(QPoint(0, 0), alone.rect.size())
            drawing = QPainter(drawn)
            try:
                self._draw_groove(at_origin, drawing, widget)
            finally:
                drawing.end()
            kept = _Groove(beneath, drawn)
            self._grooves.pop(key, None)
            self._grooves[key] = kept
            while len(self._grooves) > KEPT_GROOVES:
                del self._grooves[next(iter(self._grooves))]
        painter.drawImage(alone.rect.topLeft(), kept.drawn)
        return True

    @staticmethod
    def _key(alone: QStyleOptionSlider, widget: QWidget | None, device: QImage) -> _GrooveKey:
        """What Fusion's groove depends on besides what lies beneath: its size, its
        direction, and its colours (the button's and the window's in the bar's state,
        and the base colour of the scroll area it belongs to)."""
        palette = alone.palette
        group = palette.currentColorGroup()
        area = palette
        parent = widget.parentWidget() if widget is not None else None
        grandparent = parent.parentWidget() if parent is not None else None
        if isinstance(grandparent, QAbstractScrollArea):
            area = grandparent.palette()
        return (
            alone.rect.width(),
            alone.rect.height(),
            alone.orientation.value,
            alone.direction.value,
            device.format().value,
            palette.color(group, QPalette.ColorRole.Button).rgba(),
            palette.color(group, QPalette.ColorRole.Window).rgba(),
            palette.color(group, QPalette.ColorRole.Base).rgba(),
            area.color(QPalette.ColorRole.Base).rgba(),
        )


def band_grooves(*areas: QAbstractScrollArea) -> None:
    """Give the scroll bars of ``areas`` one banded-groove style, owned by the first area's
    window. The theme's style sheet still applies over it."""
    if not areas:
        return
    style = BandedGrooveStyle()
    style.setParent(areas[0].window())
    for area in areas:
        for bar in (area.verticalScrollBar(), area.horizontalScrollBar()):
            bar.setStyle(style)


def band_grooves_soon(*areas: QAbstractScrollArea) -> None:
    """:func:`band_grooves` in a turn of the event loop of its own (not on top of the
    window's work after its first paint)."""
    if areas:
        QTimer.singleShot(0, areas[0], lambda: band_grooves(*areas))


__all__ = ["BAND_LINES", "KEPT_GROOVES", "BandedGrooveStyle", "band_grooves", "band_grooves_soon"]
