"""What a low-vision or sighted reader sees: menus with access keys, a status line that is
whole and current, Show Where Am I that shows, the place kept in view, photo cards that fit."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fakes import INTRO, make_story, open_window
from PySide6.QtCore import QMargins, QRect, Qt
from PySide6.QtGui import QAction, QBitmap, QColor, QImage, QPainter, QRegion, QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QMenu, QWidget
from pytestqt.exceptions import TimeoutError as WaitTimeout
from pytestqt.qtbot import QtBot

from player.core.contrast import NON_TEXT, contrast_ratio
from player.core.model import Block, BlockType, Photo, Segment
from player.core.playback.api import PlaybackState, Position
from player.core.settings import Settings
from player.gui.captions import CaptionPanel
from player.gui.theme import THEMES
from player.gui.window import MainWindow
from player.gui.zoom import Zoom

Mod = Qt.KeyboardModifier


def _menu_actions(menu: QMenu, path: str) -> Iterator[tuple[str, QAction]]:
    menu.aboutToShow.emit()  # Recent Stories fills itself when opened
    for action in menu.actions():
        if action.isSeparator():
            continue
        yield f"{path} > {action.text()}", action
        sub = action.menu()
        if isinstance(sub, QMenu):
            yield from _menu_actions(sub, f"{path} > {action.text()}")


def _mnemonic(text: str) -> str | None:
    """The access key of a menu text ("&&" is a literal ampersand)."""
    i = 0
    while i < len(text) - 1:
        if text[i] == "&":
            if text[i + 1] != "&":
                return text[i + 1].lower()
            i += 1
        i += 1
    return None


def test_every_menu_item_has_an_access_key_unique_in_its_menu(window: MainWindow) -> None:
    window.settings.add_recent("/nowhere/one/story.txt")
    missing: list[str] = []
    clashes: list[str] = []
    menus: list[tuple[str, QMenu]] = []
    for top in window.menuBar().actions():
        assert _mnemonic(top.text()), top.text()
        sub = top.menu()
        assert isinstance(sub, QMenu)
        menus.append((top.text(), sub))
        for name, action in _menu_actions(sub, top.text()):
            if isinstance(action.menu(), QMenu):
                menus.append((name, action.menu()))  # type: ignore[arg-type]
            if action.isEnabled() and _mnemonic(action.text()) is None:
                missing.append(name)
    for name, menu in menus:
        keys = [_mnemonic(a.text()) for a in menu.actions() if not a.isSeparator()]
        keys = [k for k in keys if k]
        if len(keys) != len(set(keys)):
            clashes.append(f"{name}: {sorted(keys)}")
    assert missing == []
    assert clashes == []


def _ink(label: QLabel) -> tuple[QRect, QRect]:
    """Where the label's text puts ink, and the part of the label a reader sees of it.

    The text is drawn as QLabel draws it, in the same rect with the same alignment and
    wrapping, but without any clip, on a picture with room all around. What is seen is the
    label, or only that rect when Qt clips to it (it does when the font metrics say the text
    is larger than the rect). Font metrics alone are not a measure of what is seen: for a
    slanted face that fontconfig synthesizes from an upright one (DejaVu Sans without its
    Oblique file, as on a minimal Debian) they claim overhangs wider than the ink.
    """
    margin = label.margin()
    room = label.contentsRect().adjusted(margin, margin, -margin, -margin)
    flags = int(label.alignment())
    flags |= int(Qt.TextFlag.TextWordWrap if label.wordWrap() else Qt.TextFlag.TextSingleLine)
    claimed = label.fontMetrics().boundingRect(room, flags, label.text())
    seen = label.rect() if room.contains(claimed) else room
    # Text that does not fit runs on right next to the label: a few lines of room show it.
    pad = 4 * label.fontMetrics().lineSpacing()
    picture = QImage(
        label.size().grownBy(QMargins(pad, pad, pad, pad)), QImage.Format.Format_ARGB32
    )
    picture.fill(Qt.GlobalColor.transparent)
    painter = QPainter(picture)
    painter.setFont(label.font())
    painter.setPen(QColor("black"))
    painter.drawText(room.translated(pad, pad), flags | int(Qt.TextFlag.TextDontClip), label.text())
    painter.end()
    # The region of the pixels the text drew on: all but the still transparent ones.
    marked = picture.createMaskFromColor(
        QColor(Qt.GlobalColor.transparent).rgba(), Qt.MaskMode.MaskInColor
    )
    ink = QRegion(QBitmap.fromImage(marked)).boundingRect().translated(-pad, -pad)
    return ink, seen


def _text_fits(label: QLabel) -> bool:
    """Whether the label's whole text is drawn inside it, at its width (see :func:`_ink`)."""
    ink, seen = _ink(label)
    # No ink at all would mean the drawing went wrong, not that the text fits.
    return not ink.isEmpty() and seen.contains(ink)


def _inside_window(widget: QWidget, window: QWidget) -> bool:
    top_left = widget.mapTo(window, widget.rect().topLeft())
    bottom_right = widget.mapTo(window, widget.rect().bottomRight())
    return (
        top_left.x() >= 0
        and top_left.y() >= 0
        and bottom_right.x() < window.width()
        and bottom_right.y() < window.height()
    )


@pytest.mark.parametrize("zoom", [100, 250, 400])
def test_the_status_line_is_never_cut_off(qtbot: QtBot, window: MainWindow, zoom: int) -> None:
    window.resize(1100, 720)
    window.go_to(len(window.story.refs) - 2 if window.story else 0)
    window.appearance.zoom.set_percent(zoom)
    window.appearance._zoomed(zoom)  # as Ctrl++ does: "Zoom 250 %" on the status line
    labels = (window.status_label, window.message_label)
    # Layout settles over a few event-loop turns; what counts is where it settles.
    with contextlib.suppress(WaitTimeout):
        qtbot.waitUntil(
            lambda: all(_inside_window(w, window) and _text_fits(w) for w in labels), timeout=2000
        )
    for label in labels:
        assert label.text()
        assert _inside_window(label, window), (label.accessibleName(), label.geometry())
        assert _text_fits(label), (label.accessibleName(), label.text(), label.size())


def test_a_successful_jump_clears_the_message_of_a_failed_one(window: MainWindow) -> None:
    window.cmd_next_personal_story()
    window.cmd_next_personal_story()
    window.cmd_next_personal_story()  # past the last one: fails and says so
    assert window.message_label.text() == "No more personal stories"
    window.cmd_previous_personal_story()
    assert "No more" not in window.message_label.text()


def test_show_where_am_i_shows_the_answer(qtbot: QtBot, window: MainWindow) -> None:
    window.cmd_public_reaction()
    window.pane.setFocus()
    qtbot.waitUntil(window.pane.hasFocus)
    QTest.keyClick(window.pane, Qt.Key.Key_I, Mod.ControlModifier | Mod.ShiftModifier)
    box = window.where_box
    assert box is not None
    qtbot.waitUntil(box.isVisible)
    assert box.text() == window.where_text(spoken=True)
    assert "Public reaction" in box.text()
    QTest.keyClick(box, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not box.isVisible())
    qtbot.waitUntil(window.pane.hasFocus)


def _sentence_visible(window: MainWindow, sentence: int) -> bool:
    pane = window.pane
    start, end = pane.sentence_span(sentence)
    cursor = QTextCursor(pane.document())
    cursor.setPosition(start)
    top = pane.cursorRect(cursor).top()
    first_line = pane.cursorRect(cursor).bottom()
    cursor.setPosition(end)
    bottom = pane.cursorRect(cursor).bottom()
    height = pane.viewport().height()
    # A sentence taller than the view (at 400 %) counts when its first line is in view.
    return top >= 0 and (bottom <= height or (bottom - top > height and first_line <= height))


CHANGES: dict[str, Callable[[MainWindow], None]] = {
    "theme": lambda w: w.set_theme("hc-yellow"),
    "zoom in": lambda w: w.cmd_zoom_in(),
    "zoom in again": lambda w: w.cmd_zoom_in(),
    "zoom out": lambda w: w.cmd_zoom_out(),
    "another theme": lambda w: w.set_theme("light"),
    "font": lambda w: w.appearance.set_reading_font("Atkinson Hyperlegible"),
    "more spacing": lambda w: w.cmd_line_spacing_more(),
    "zoom 400": lambda w: (w.appearance.zoom.set_percent(400), w.appearance._zoomed(400)),
    "normal size": lambda w: w.cmd_zoom_reset(),
}


@pytest.mark.parametrize("state", [PlaybackState.PAUSED, PlaybackState.STOPPED])
def test_look_changes_keep_the_current_sentence_in_view(
    qtbot: QtBot, settings: Settings, state: PlaybackState
) -> None:
    story = make_story(long=True)
    window = open_window(qtbot, settings, story, [])
    try:
        window.resize(1100, 720)
        target = story.sentence_count // 2  # far down a text that needs scrolling
        window._on_state(PlaybackState.PLAYING)
        window._on_position(Position(target, None, 0))
        window._on_state(state)
        qtbot.waitUntil(lambda: _sentence_visible(window, target))
        for name, change in CHANGES.items():
            change(window)
            with contextlib.suppress(WaitTimeout):
                qtbot.waitUntil(lambda: _sentence_visible(window, target), timeout=1000)
            assert _sentence_visible(window, target), f"after {name}"
    finally:
        window.close()
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        app.setStyleSheet("")
        app.setPalette(app.style().standardPalette())


def _ring_sides(focused: QImage, unfocused: QImage) -> dict[str, int]:
    """Per side, the longest run of pixels (from the edge inwards, along the middle of the
    side, the outer 8 px) that change by 3:1 or more between unfocused and focused."""
    w, h = focused.width(), focused.height()
    lines = {
        "left": [(x, h // 2) for x in range(min(8, w))],
        "right": [(w - 1 - x, h // 2) for x in range(min(8, w))],
        "top": [(w // 2, y) for y in range(min(8, h))],
        "bottom": [(w // 2, h - 1 - y) for y in range(min(8, h))],
    }
    runs: dict[str, int] = {}
    for side, points in lines.items():
        best = run = 0
        for x, y in points:
            a, b = focused.pixelColor(x, y).name(), unfocused.pixelColor(x, y).name()
            run = run + 1 if contrast_ratio(a, b) >= NON_TEXT else 0
            best = max(best, run)
        runs[side] = best
    return runs


def _tab_stops(window: MainWindow) -> list[QWidget]:
    return [
        w
        for w in window.findChildren(QWidget)
        if w.focusPolicy() & Qt.FocusPolicy.TabFocus
        and w.isVisible()
        and w.isEnabled()
        and w.focusProxy() is None
        and w.window() is window
    ]


@pytest.mark.parametrize("theme_id", list(THEMES))
def test_every_tab_stop_shows_a_focus_ring(qtbot: QtBot, window: MainWindow, theme_id: str) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    try:
        window.set_theme(theme_id)
        failures: dict[str, dict[str, int]] = {}
        for segment in (0, 1):  # without photos ("No photo available"), then with a card
            window.jump_to_segment(segment)
            stops = _tab_stops(window)
            assert len(stops) >= 8
            for widget in stops:
                other = window.pane if widget is not window.pane else window.contents
                other.setFocus(Qt.FocusReason.TabFocusReason)
                qtbot.waitUntil(other.hasFocus)
                app.processEvents()
                unfocused = widget.grab().toImage()
                widget.setFocus(Qt.FocusReason.TabFocusReason)
                qtbot.waitUntil(widget.hasFocus)
                app.processEvents()
                focused = widget.grab().toImage()
                runs = _ring_sides(focused, unfocused)
                if min(runs.values()) < 2:
                    name = widget.accessibleName() or widget.objectName()
                    failures[f"{type(widget).__name__} {name!r}"] = runs
        assert failures == {}, "\n".join(f"{k[:60]}: {v}" for k, v in failures.items())
    finally:
        app.setStyleSheet("")
        app.setPalette(app.style().standardPalette())


LONG_PHOTO = Photo(
    caption=(
        "Brenda Armenta studies for her nursing certificate between visits; see "
        "https://example.org/reports/2018/children-born-in-prison/chihuahua-cereso-number-one"
    ),
    alt="A mother reading Pneumonoultramicroscopicsilicovolcanoconiosis to her son",
    credit="HuffPost Mexico / Photographer",
    number=2,
    total=6,
)


@pytest.mark.parametrize("zoom", [100, 250, 400])
@pytest.mark.parametrize("width", [220, 300])
def test_photo_cards_wrap_inside_the_pane(
    qtbot: QtBot, tmp_path: Path, zoom: int, width: int
) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    picture = QImage(600, 300, QImage.Format.Format_RGB32)
    picture.fill(QColor("teal"))
    assert picture.save(str(tmp_path / "wide.png"))
    photos = (LONG_PHOTO, LONG_PHOTO._replace(image=tmp_path / "wide.png", number=3))
    segment = Segment(
        INTRO, "With photos", tuple(Block(BlockType.PHOTO, "", (), photo=p) for p in photos)
    )
    zoomer = Zoom(app)
    panel = CaptionPanel()
    qtbot.addWidget(panel)
    try:
        zoomer.set_percent(zoom)
        panel.set_segment(segment)
        panel.resize(width, 700)
        panel.show()
        qtbot.waitExposed(panel)
        qtbot.waitUntil(
            lambda: (
                panel.cards[1].picture.pixmap() is not None
                and not panel.cards[1].picture.pixmap().isNull()
            ),
            timeout=20_000,
        )
        viewport = panel.viewport()
        labels = [w for w in panel.widget().findChildren(QLabel) if w.isVisible()]
        assert len(labels) >= 10

        def fitted() -> list[str]:
            bad = []
            for label in labels:
                right = label.mapTo(viewport, label.rect().topRight()).x()
                if right >= viewport.width() or (label.text() and not _text_fits(label)):
                    bad.append(f"{label.text()[:30]!r} right={right} size={label.size()}")
            return bad

        with contextlib.suppress(WaitTimeout):
            qtbot.waitUntil(lambda: not fitted(), timeout=2000)
        assert fitted() == [], f"viewport {viewport.width()} px"
        assert panel.horizontalScrollBar().maximum() == 0
    finally:
        zoomer.set_percent(100)


def _story_file(folder: Path, title: str) -> Path:
    folder.mkdir(parents=True)
    path = folder / "story.txt"
    path.write_text(
        f"format: story-player 1\ntitle: {title}\nlanguage: en\n\n"
        "== introduction: Introduction\n\nA first sentence. A second one.\n\n== end\n",
        encoding="utf-8",
    )
    return path


def test_recent_stories_are_named_by_title(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    paths = [
        _story_file(tmp_path / "mexico", "Children born in prison"),
        _story_file(tmp_path / "mexico-2019", "Children born in prison"),
        _story_file(tmp_path / "rivers", "Rivers & roads"),
    ]
    for path in paths:
        assert window.open_story(path), path
    window.recent_menu.aboutToShow.emit()
    texts = [a.text() for a in window.recent_menu.actions()]
    assert texts == [
        "&1 Rivers && roads",
        "&2 Children born in prison (mexico-2019)",
        "&3 Children born in prison (mexico)",
    ]
