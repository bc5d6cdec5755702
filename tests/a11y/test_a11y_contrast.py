"""Every colour pair a reader meets reaches 7:1 in every theme, measured on live widgets.

Colours are read back from widgets after the theme is applied (their palette,
the pixels they paint, the formats the reading pane holds), never from the
theme's own table, so a style sheet or style that overrides a colour is caught.
"""

from __future__ import annotations

from collections.abc import Iterator

import a11y_env  # noqa: F401  (offscreen Qt, throwaway settings: before any window)
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QLabel,
    QLineEdit,
    QPushButton,
    QStatusBar,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from player.core.contrast import AAA_TEXT, contrast_ratio
from player.gui.theme import (
    CARD_EDGE_PX,
    FOCUS_WIDTH_PX,
    THEMES,
    apply_theme,
    current_theme_id,
    highlight_formats,
)

THEME_IDS = list(THEMES)
#: a pixel column inside the border of the card being read (after the margin that keeps
#: every state of a card the same outer size)
MARKED_BORDER_X = CARD_EDGE_PX - (FOCUS_WIDTH_PX + 1) + 1
Group = QPalette.ColorGroup
Role = QPalette.ColorRole


def ratio(a: QColor, b: QColor) -> float:
    return contrast_ratio(a.name(), b.name())


def pixel(widget: QWidget, x: int, y: int) -> QColor:
    return widget.grab().toImage().pixelColor(x, y)


@pytest.fixture
def app() -> Iterator[QApplication]:
    instance = QApplication.instance()
    assert isinstance(instance, QApplication)
    yield instance
    # Leave the app as other tests expect it: no theme sheet.
    instance.setStyleSheet("")
    instance.setPalette(instance.style().standardPalette())


class Sample(QWidget):
    """One of each widget kind the window uses."""

    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        self.label = QLabel("Rate:")
        self.field = QLineEdit("text")
        self.disabled_field = QLineEdit("disabled")
        self.disabled_field.setEnabled(False)
        self.button = QPushButton("Play")
        self.disabled_button = QPushButton("Stop")
        self.disabled_button.setEnabled(False)
        self.pane = QTextEdit()
        self.pane.setPlainText("In prisons across Mexico, children are born.")
        self.card = QFrame()
        self.card.setObjectName("card")
        self.card.setMinimumSize(120, 60)
        card_layout = QVBoxLayout(self.card)
        self.card_label = QLabel("Photo 1 of 6")
        card_layout.addWidget(self.card_label)
        self.status = QStatusBar()
        self.status.setSizeGripEnabled(False)
        self.status_label = QLabel("Segment 1 of 6")
        self.status.addWidget(self.status_label, 1)
        for w in (
            self.label, self.field, self.disabled_field, self.button, self.disabled_button,
            self.pane, self.card, self.status,
        ):  # fmt: skip
            layout.addWidget(w)


@pytest.fixture
def sample(qtbot: QtBot) -> Sample:
    widget = Sample()
    qtbot.addWidget(widget)
    widget.resize(400, 500)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.mark.parametrize("theme_id", THEME_IDS)
def test_palette_text_pairs(app: QApplication, sample: Sample, theme_id: str) -> None:
    assert apply_theme(app, theme_id).id == theme_id
    assert current_theme_id(app) == theme_id
    pal = sample.palette()
    window = pal.color(Group.Active, Role.Window)
    pairs = {
        "label": (sample.label.palette().color(Role.WindowText), window),
        "field text": (
            sample.field.palette().color(Role.Text),
            sample.field.palette().color(Role.Base),
        ),
        "disabled field": (
            sample.disabled_field.palette().color(Group.Disabled, Role.Text),
            sample.disabled_field.palette().color(Group.Disabled, Role.Base),
        ),
        "disabled label": (pal.color(Group.Disabled, Role.WindowText), window),
        "selection": (pal.color(Role.HighlightedText), pal.color(Role.Highlight)),
        "placeholder": (pal.color(Role.PlaceholderText), pal.color(Role.Base)),
        "tooltip": (pal.color(Role.ToolTipText), pal.color(Role.ToolTipBase)),
        "link": (pal.color(Role.Link), pal.color(Role.Base)),
    }
    low = {k: round(ratio(a, b), 2) for k, (a, b) in pairs.items() if ratio(a, b) < AAA_TEXT}
    assert low == {}


@pytest.mark.parametrize("theme_id", THEME_IDS)
def test_painted_buttons_status_line_and_cards(
    app: QApplication, sample: Sample, theme_id: str
) -> None:
    apply_theme(app, theme_id)
    app.processEvents()
    button_bg = pixel(sample.button, sample.button.width() // 2, 4)
    checks = {
        "button text": (sample.button.palette().color(Role.ButtonText), button_bg),
        "disabled button text": (
            sample.disabled_button.palette().color(Group.Disabled, Role.ButtonText),
            pixel(sample.disabled_button, sample.disabled_button.width() // 2, 4),
        ),
        "status line": (
            sample.status_label.palette().color(Role.WindowText),
            pixel(sample.status, sample.status.width() - 3, sample.status.height() // 2),
        ),
        "card text": (sample.card_label.palette().color(Role.WindowText), pixel(sample.card, 6, 6)),
    }
    low = {k: round(ratio(a, b), 2) for k, (a, b) in checks.items() if ratio(a, b) < AAA_TEXT}
    assert low == {}


@pytest.mark.parametrize("theme_id", THEME_IDS)
def test_focus_ring_is_thick_and_stands_out(
    app: QApplication, qtbot: QtBot, sample: Sample, theme_id: str
) -> None:
    apply_theme(app, theme_id)
    sample.activateWindow()
    qtbot.waitActive(sample)
    outside = pixel(sample, 1, 1)  # the window around the controls
    for widget in (sample.field, sample.button, sample.pane):
        widget.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.waitUntil(widget.hasFocus)
        app.processEvents()
        image = widget.grab().toImage()
        middle = image.height() // 2
        ring = [image.pixelColor(x, middle) for x in range(3)]
        # All three outer pixel columns are the ring: at least 3 px thick.
        assert len({c.name() for c in ring}) == 1, (type(widget).__name__, [c.name() for c in ring])
        inside = image.pixelColor(4, middle)
        assert ratio(ring[0], outside) >= AAA_TEXT, (type(widget).__name__, "ring on window")
        assert ratio(ring[0], inside) >= AAA_TEXT, (type(widget).__name__, "ring on its own fill")


@pytest.mark.parametrize("theme_id", THEME_IDS)
def test_reading_marks(app: QApplication, sample: Sample, theme_id: str) -> None:
    apply_theme(app, theme_id)
    formats = highlight_formats(theme_id)
    selections = []
    for start, end, fmt in ((0, 20, formats.sentence), (3, 10, formats.word)):
        sel = QTextEdit.ExtraSelection()
        cursor = QTextCursor(sample.pane.document())
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        sel.cursor = cursor
        sel.format = fmt
        selections.append(sel)
    sample.pane.setExtraSelections(selections)
    read_back = sample.pane.extraSelections()  # kept: the formats live as long as the list
    sentence, word = (QTextCharFormat(s.format) for s in read_back)
    for name, fmt in (("sentence", sentence), ("word", word)):
        fg, bg = fmt.foreground().color(), fmt.background().color()
        assert ratio(fg, bg) >= AAA_TEXT, (name, fg.name(), bg.name())
    assert word.fontUnderline(), "the word mark must not rely on colour alone"
    assert word.background().color() != sentence.background().color()


@pytest.mark.parametrize("theme_id", THEME_IDS)
def test_marked_card_border(app: QApplication, sample: Sample, theme_id: str) -> None:
    apply_theme(app, theme_id)
    sample.card.setProperty("marked", True)
    sample.card.style().unpolish(sample.card)
    sample.card.style().polish(sample.card)
    app.processEvents()
    border = pixel(sample.card, MARKED_BORDER_X, sample.card.height() // 2)
    window = sample.palette().color(Role.Window)
    assert ratio(border, window) >= AAA_TEXT
    assert ratio(border, pixel(sample.card, 8, 8)) >= AAA_TEXT


def test_the_real_photo_card(app: QApplication, qtbot: QtBot) -> None:
    """The window's photo card, marked as being read, in every theme."""
    from player.core.model import Photo
    from player.gui.captions import PhotoCard

    card = PhotoCard(Photo(caption="A mother and her son in the prison yard", number=1, total=6))
    # Inside a panel, as in the window: a top-level widget is drawn without its margin.
    panel = QWidget()
    layout = QVBoxLayout(panel)
    layout.addWidget(card)
    # Focus elsewhere: focused, the card being read shows its focus ring instead.
    elsewhere = QPushButton("Elsewhere")
    layout.addWidget(elsewhere)
    qtbot.addWidget(panel)
    panel.resize(320, 260)
    panel.show()
    qtbot.waitExposed(panel)
    elsewhere.setFocus()
    failures: list[str] = []
    for theme_id in THEME_IDS:
        apply_theme(app, theme_id)
        card.set_marked(True)
        app.processEvents()
        background = pixel(card, card.width() // 2, card.height() - CARD_EDGE_PX - 4)
        for label in card.findChildren(QLabel):
            if label.isVisibleTo(card) and label.text():
                value = ratio(label.palette().color(Role.WindowText), background)
                if value < AAA_TEXT:
                    failures.append(f"{theme_id}: {label.text()[:20]!r} {value:.2f}")
        # The "being read" border, 4 px, against the card inside and the window outside.
        border = pixel(card, MARKED_BORDER_X, card.height() // 2)
        window = app.palette().color(Role.Window)
        for name, other in (("card", background), ("window", window)):
            if ratio(border, other) < AAA_TEXT:
                failures.append(f"{theme_id}: border on {name} {ratio(border, other):.2f}")
    assert card.badge.isVisibleTo(card)
    assert failures == []
