"""The reading pane's and the contents' scroll bars look exactly as Fusion draws them,
their grooves drawn in bands (player.gui.scrollbars)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QApplication, QProxyStyle, QScrollBar, QStyle, QStyleOptionSlider
from pytestqt.qtbot import QtBot

from player.gui.scrollbars import BAND_LINES, BandedGrooveStyle
from player.gui.theme import DEFAULT_THEME, THEMES, apply_theme, current_theme_id
from player.gui.window import MainWindow


@pytest.fixture
def themed() -> object:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = current_theme_id(app) or DEFAULT_THEME
    yield app
    apply_theme(app, before)


def _bars(qtbot: QtBot, orientation: Qt.Orientation) -> tuple[QScrollBar, QScrollBar]:
    plain, banded = QScrollBar(orientation), QScrollBar(orientation)
    banded.setStyle(BandedGrooveStyle())
    for bar in (plain, banded):
        qtbot.addWidget(bar)
        bar.setRange(0, 1000)
        bar.setPageStep(40)
        bar.resize(
            *((14, 10 * BAND_LINES + 7) if orientation == Qt.Orientation.Vertical else (300, 14))
        )
        bar.show()
    return plain, banded


@pytest.mark.parametrize("theme_id", list(THEMES))
def test_every_theme_s_scroll_bars_keep_their_pixels(
    qtbot: QtBot, themed: QApplication, theme_id: str
) -> None:
    apply_theme(themed, theme_id)
    for orientation in (Qt.Orientation.Vertical, Qt.Orientation.Horizontal):
        plain, banded = _bars(qtbot, orientation)
        for enabled in (True, False):
            for bar in (plain, banded):
                bar.setEnabled(enabled)
            for value in (0, 1, 333, 500, 999, 1000):
                plain.setValue(value)
                banded.setValue(value)
                assert plain.grab().toImage() == banded.grab().toImage(), (
                    theme_id,
                    orientation,
                    enabled,
                    value,
                )


class _Recording(QProxyStyle):
    """Fusion, noting the height of the clip of each groove it is asked to draw."""

    def __init__(self) -> None:
        super().__init__("Fusion")
        self.clips: list[int] = []

    def drawComplexControl(self, control, option, painter, widget=None):  # type: ignore[no-untyped-def]
        if (
            isinstance(option, QStyleOptionSlider)
            and option.subControls == QStyle.SubControl.SC_ScrollBarGroove
        ):
            self.clips.append(painter.clipBoundingRect().toRect().height())
        super().drawComplexControl(control, option, painter, widget)


def _recording(style: BandedGrooveStyle) -> _Recording:
    recording = _Recording()
    style.setBaseStyle(recording)  # the style owns it from now on
    return recording


def test_the_groove_is_filled_in_bands(qtbot: QtBot) -> None:
    """Fusion is asked for the groove once per band, each clipped to at most BAND_LINES
    lines: Qt shares a longer fill among its worker threads and waits for them."""
    style = BandedGrooveStyle()
    recording = _recording(style)
    bar = QScrollBar(Qt.Orientation.Vertical)
    qtbot.addWidget(bar)
    bar.setRange(0, 1000)
    bar.resize(14, 10 * BAND_LINES + 7)
    _paint_bar(style, bar, QImage(bar.size(), QImage.Format.Format_ARGB32_Premultiplied))
    assert len(recording.clips) == 11
    assert max(recording.clips) <= BAND_LINES
    assert sum(recording.clips) == bar.height()


def test_the_window_s_text_and_contents_scroll_bars_are_banded(
    qtbot: QtBot, window: MainWindow
) -> None:
    qtbot.waitUntil(lambda: bool(window.findChildren(BandedGrooveStyle)))
    styles = window.findChildren(BandedGrooveStyle)
    assert len(styles) == 1
    recording = _recording(styles[0])
    for area in (window.pane, window.contents):
        area.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)  # a short story
        bar = area.verticalScrollBar()
        qtbot.waitUntil(bar.isVisible)
        recording.clips.clear()
        styles[0]._grooves.clear()  # drawn by Fusion again, not copied
        bar.repaint()
        assert recording.clips, area.accessibleName()
        assert max(recording.clips) <= BAND_LINES
        # the slider moves (a jump): the groove is copied, Fusion is not asked again
        recording.clips.clear()
        bar.setValue((bar.maximum() + bar.minimum()) // 2 + 1)
        bar.repaint()
        assert recording.clips == [], area.accessibleName()


def _paint_bar(style: QStyle, bar: QScrollBar, image: QImage) -> None:
    option = QStyleOptionSlider()
    bar.initStyleOption(option)
    option.subControls = QStyle.SubControl.SC_All  # as the bar's own paint asks
    painter = QPainter(image)
    try:
        style.drawComplexControl(QStyle.ComplexControl.CC_ScrollBar, option, painter, bar)
    finally:
        painter.end()


def _over(bar: QScrollBar, backdrop: Qt.GlobalColor) -> QImage:
    image = QImage(bar.size(), QImage.Format.Format_RGB32)
    image.fill(backdrop)
    return image


@pytest.mark.parametrize("theme_id", list(THEMES))
def test_a_repaint_copies_the_groove_drawn_before(
    qtbot: QtBot, themed: QApplication, theme_id: str
) -> None:
    """A jump moves the slider, not the groove: Fusion draws the groove once, the
    repaints after copy it, and the pixels are Fusion's own, over any backdrop (the
    groove's edge is half transparent)."""
    apply_theme(themed, theme_id)
    style = BandedGrooveStyle()
    recording = _recording(style)
    fusion = QProxyStyle("Fusion")
    bar = QScrollBar(Qt.Orientation.Vertical)
    qtbot.addWidget(bar)
    bar.setRange(0, 1000)
    bar.resize(14, 10 * BAND_LINES + 7)
    for backdrop in (Qt.GlobalColor.white, Qt.GlobalColor.darkBlue):
        for value in (0, 500, 999):
            bar.setValue(value)
            plain, banded = _over(bar, backdrop), _over(bar, backdrop)
            _paint_bar(fusion, bar, plain)
            recording.clips.clear()
            _paint_bar(style, bar, banded)
            assert banded == plain, (theme_id, value, backdrop)
            # drawn in bands over each backdrop once, copied at the repaints after
            assert bool(recording.clips) == (value == 0), (value, backdrop, recording.clips)


def test_the_groove_is_drawn_again_for_a_bar_of_another_size(qtbot: QtBot) -> None:
    style = BandedGrooveStyle()
    recording = _recording(style)
    fusion = QProxyStyle("Fusion")
    bar = QScrollBar(Qt.Orientation.Vertical)
    qtbot.addWidget(bar)
    bar.setRange(0, 1000)
    for height, new in ((10 * BAND_LINES, True), (12 * BAND_LINES, True), (10 * BAND_LINES, False)):
        bar.resize(14, height)
        plain, banded = _over(bar, Qt.GlobalColor.white), _over(bar, Qt.GlobalColor.white)
        _paint_bar(fusion, bar, plain)
        recording.clips.clear()
        _paint_bar(style, bar, banded)
        assert banded == plain
        # a size not drawn before: the whole groove, in bands; one drawn before: a copy
        assert sum(recording.clips) == (height if new else 0)
