"""Zoom steps, limits and what zooming does to live fonts and documents."""

from __future__ import annotations

from collections.abc import Iterator

import a11y_env  # noqa: F401  (offscreen Qt, throwaway settings: before any window)
import pytest
from PySide6.QtGui import QFont, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QApplication, QLabel, QTextEdit
from pytestqt.qtbot import QtBot

from player.gui.zoom import (
    MAX_ZOOM,
    MIN_POINT_SIZE,
    MIN_ZOOM,
    ZOOM_STEPS,
    Zoom,
    clamp_zoom,
    next_zoom,
    previous_zoom,
)


def test_steps_are_the_familiar_ones() -> None:
    assert ZOOM_STEPS == (50, 67, 80, 90, 100, 110, 125, 150, 175, 200, 250, 300, 400)
    assert next_zoom(100) == 110 and previous_zoom(100) == 90
    assert next_zoom(400) == MAX_ZOOM and previous_zoom(50) == MIN_ZOOM
    assert next_zoom(105) == 110 and previous_zoom(105) == 100  # between steps
    assert clamp_zoom(10) == 50 and clamp_zoom(1000) == 400


def test_walking_up_and_down_visits_every_step() -> None:
    seen = [50]
    while seen[-1] < 400:
        seen.append(next_zoom(seen[-1]))
    assert tuple(seen) == ZOOM_STEPS
    down = [400]
    while down[-1] > 50:
        down.append(previous_zoom(down[-1]))
    assert tuple(reversed(down)) == ZOOM_STEPS


@pytest.fixture
def app() -> Iterator[QApplication]:
    instance = QApplication.instance()
    assert isinstance(instance, QApplication)
    font = QFont(instance.font())
    font.setPointSizeF(10.0)
    QApplication.setFont(font)
    instance.setProperty("storyPlayerZoomBasePt", None)
    yield instance
    QApplication.setFont(font)
    instance.setProperty("storyPlayerZoomBasePt", None)


def _pane(qtbot: QtBot) -> QTextEdit:
    pane = QTextEdit()
    qtbot.addWidget(pane)
    font = pane.font()
    font.setPointSizeF(12.0)
    pane.setFont(font)
    cursor = QTextCursor(pane.document())
    heading = QTextCharFormat()
    heading.setFontPointSize(18.0)
    cursor.insertText("Introduction", heading)
    cursor.insertBlock()
    cursor.insertText("Body text", QTextCharFormat())
    return pane


def _heading_size(pane: QTextEdit) -> float:
    return pane.document().begin().begin().fragment().charFormat().fontPointSize()


def test_zoom_scales_interface_pane_and_headings(app: QApplication, qtbot: QtBot) -> None:
    pane = _pane(qtbot)
    label = QLabel("Rate:")
    qtbot.addWidget(label)
    zoom = Zoom(app, [pane])
    assert zoom.set_percent(200) == 200
    assert QApplication.font().pointSizeF() == pytest.approx(20.0)
    app.processEvents()
    assert label.font().pointSizeF() == pytest.approx(20.0)  # widgets follow the app font
    assert pane.font().pointSizeF() == pytest.approx(24.0)
    assert pane.document().defaultFont().pointSizeF() == pytest.approx(24.0)
    assert _heading_size(pane) == pytest.approx(36.0)
    assert zoom.set_percent(400) == 400
    assert _heading_size(pane) == pytest.approx(72.0)
    assert zoom.reset() == 100
    # Back exactly where it began: no drift from rounding.
    assert QApplication.font().pointSizeF() == pytest.approx(10.0)
    assert pane.font().pointSizeF() == pytest.approx(12.0)
    assert _heading_size(pane) == pytest.approx(18.0)
    assert pane.toPlainText() == "Introduction\nBody text"


def test_zoom_in_and_out_by_steps_and_limits(app: QApplication, qtbot: QtBot) -> None:
    zoom = Zoom(app, [_pane(qtbot)])
    assert [zoom.zoom_in() for _ in range(3)] == [110, 125, 150]
    assert zoom.zoom_out() == 125
    for _ in range(20):
        zoom.zoom_in()
    assert zoom.percent == 400
    for _ in range(20):
        zoom.zoom_out()
    assert zoom.percent == 50
    assert QApplication.font().pointSizeF() >= MIN_POINT_SIZE


def test_a_new_document_is_zoomed_on_refresh(app: QApplication, qtbot: QtBot) -> None:
    pane = _pane(qtbot)
    zoom = Zoom(app, [pane])
    zoom.set_percent(150)
    pane.setPlainText("A new story")  # the window loads another story
    zoom.refresh()
    assert pane.document().defaultFont().pointSizeF() == pytest.approx(18.0)


def test_a_pane_added_while_zoomed_keeps_its_real_base(app: QApplication, qtbot: QtBot) -> None:
    zoom = Zoom(app)
    zoom.set_percent(200)
    pane = _pane(qtbot)  # 12 pt as built, which is its size at 100 %
    zoom.add_pane(pane)
    assert pane.font().pointSizeF() == pytest.approx(24.0)
    zoom.reset()
    assert pane.font().pointSizeF() == pytest.approx(12.0)
