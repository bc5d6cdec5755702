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
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRect, Qt, QTimer
from PySide6.QtWidgets import QAbstractScrollArea, QProxyStyle, QStyle, QStyleOptionSlider

if TYPE_CHECKING:
    from PySide6.QtGui import QPainter
    from PySide6.QtWidgets import QStyleOptionComplex, QWidget

#: lines per band: Qt shares a fill of a scroll bar's groove among threads from about 48 lines on
BAND_LINES = 40


class BandedGrooveStyle(QProxyStyle):
    """Fusion, with each scroll bar's groove drawn in bands of :data:`BAND_LINES` lines."""

    def __init__(self) -> None:
        super().__init__("Fusion")

    def drawComplexControl(
        self,
        control: QStyle.ComplexControl,
        option: QStyleOptionComplex,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        groove = QStyle.SubControl.SC_ScrollBarGroove
        if (
            control != QStyle.ComplexControl.CC_ScrollBar
            or not isinstance(option, QStyleOptionSlider)
            or not option.subControls & groove
            or option.rect.height() <= BAND_LINES
            # bands of whole logical lines could meet at fractions of a device pixel
            or painter.deviceTransform().isScaling()
        ):
            super().drawComplexControl(control, option, painter, widget)
            return
        alone = QStyleOptionSlider(option)
        alone.subControls = groove
        rect = option.rect
        for top in range(rect.top(), rect.bottom() + 1, BAND_LINES):
            painter.save()
            try:
                band = QRect(
                    rect.left(), top, rect.width(), min(BAND_LINES, rect.bottom() + 1 - top)
                )
                painter.setClipRect(band, Qt.ClipOperation.IntersectClip)
                super().drawComplexControl(control, alone, painter, widget)
            finally:
                painter.restore()
        rest = QStyleOptionSlider(option)
        rest.subControls = option.subControls & ~groove
        super().drawComplexControl(control, rest, painter, widget)


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


__all__ = ["BAND_LINES", "BandedGrooveStyle", "band_grooves", "band_grooves_soon"]
