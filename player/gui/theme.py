"""Colour themes: light, dark and three high-contrast ones, each reaching 7:1 everywhere.

A theme is a palette (for every widget) plus a small style sheet that draws a
thick focus ring on each focusable control, colours the status line and the
photo caption cards, and the colours of the reading pane's sentence and word
marks (:func:`highlight_formats`). Every pair of colours a reader meets (text,
disabled text, selected text, text on either mark, the focus ring against what
surrounds it, cards, the status line) reaches 7:1, WCAG's level AAA; the tests
in ``tests/a11y`` measure this on live widgets.

The Fusion style is used with every theme because native styles (Windows 11,
macOS) ignore parts of the palette: the colours measured would not be the
colours shown. The focus ring keeps the control's outer size by trading a 2 px
margin for 2 px more border, so focusing a control never shifts the layout.
The word mark is also underlined, so it does not depend on colour alone.
"""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette, QTextCharFormat
from PySide6.QtWidgets import QApplication, QStyleFactory, QToolTip, QWidget

from player.gui.menubar import NO_LONE_ALT_RULE

#: The dynamic property holding the id of the theme applied to an app or widget.
THEME_PROPERTY = "storyPlayerTheme"
#: The style every theme is drawn over, on every platform.
BASE_STYLE = "Fusion"
#: The dynamic property naming the app's base style once it is set (at the app's start, see
#: player.gui.startup, or by the first theme applied).
STYLE_PROPERTY = "storyPlayerStyle"
DEFAULT_THEME = "light"
FOCUS_WIDTH_PX = 3


class Theme(NamedTuple):
    """The colours of one theme, as ``#rrggbb``.

    A named tuple rather than a frozen dataclass: as immutable, and made at every start
    in a third of the time (29 fields: 1.8 ms as a dataclass, before the first paint)."""

    id: str
    name: str
    dark: bool
    high_contrast: bool
    window: str
    window_text: str
    base: str
    alternate_base: str
    text: str
    button: str
    button_text: str
    disabled_text: str
    selection: str
    selection_text: str
    link: str
    link_visited: str
    #: Focus ring; also the border of the photo card being read.
    focus: str
    #: Borders of controls that have no focus (3:1 is enough for these, they are not text).
    border: str
    tooltip_base: str
    tooltip_text: str
    sentence_background: str
    sentence_text: str
    word_background: str
    word_text: str
    card_background: str
    card_text: str
    card_border: str
    status_background: str
    status_text: str


_LIGHT = Theme(
    id="light", name="Light", dark=False, high_contrast=False,
    window="#f3f3f3", window_text="#000000", base="#ffffff", alternate_base="#f3f3f3",
    text="#000000", button="#e6e6e6", button_text="#000000", disabled_text="#4a4a4a",
    selection="#0b3d91", selection_text="#ffffff", link="#0b3d91", link_visited="#5b2a86",
    focus="#0b3d91", border="#767676", tooltip_base="#ffffff", tooltip_text="#000000",
    sentence_background="#fff0a0", sentence_text="#000000",
    word_background="#ffc233", word_text="#000000",
    card_background="#ffffff", card_text="#000000", card_border="#767676",
    status_background="#e6e6e6", status_text="#000000",
)  # fmt: skip

_DARK = Theme(
    id="dark", name="Dark", dark=True, high_contrast=False,
    window="#1e1e1e", window_text="#f2f2f2", base="#121212", alternate_base="#1e1e1e",
    text="#f2f2f2", button="#2b2b2b", button_text="#f2f2f2", disabled_text="#b8b8b8",
    selection="#9ecbff", selection_text="#000000", link="#9ecbff", link_visited="#d7b8ff",
    focus="#ffd23f", border="#8c8c8c", tooltip_base="#2b2b2b", tooltip_text="#f2f2f2",
    sentence_background="#4d3d00", sentence_text="#ffffff",
    word_background="#ffd23f", word_text="#000000",
    card_background="#121212", card_text="#f2f2f2", card_border="#8c8c8c",
    status_background="#2b2b2b", status_text="#f2f2f2",
)  # fmt: skip

# The high-contrast themes follow Windows' own high-contrast schemes, which their users know.
_HC_BLACK = Theme(
    id="hc-black", name="High contrast: white on black", dark=True, high_contrast=True,
    window="#000000", window_text="#ffffff", base="#000000", alternate_base="#000000",
    text="#ffffff", button="#000000", button_text="#ffffff", disabled_text="#3ff23f",
    selection="#1aebff", selection_text="#000000", link="#ffff00", link_visited="#ffff00",
    focus="#ffff00", border="#ffffff", tooltip_base="#000000", tooltip_text="#ffffff",
    sentence_background="#ffff00", sentence_text="#000000",
    word_background="#1aebff", word_text="#000000",
    card_background="#000000", card_text="#ffffff", card_border="#ffffff",
    status_background="#000000", status_text="#ffffff",
)  # fmt: skip

_HC_WHITE = Theme(
    id="hc-white", name="High contrast: black on white", dark=False, high_contrast=True,
    window="#ffffff", window_text="#000000", base="#ffffff", alternate_base="#ffffff",
    text="#000000", button="#ffffff", button_text="#000000", disabled_text="#600000",
    selection="#37006e", selection_text="#ffffff", link="#00009f", link_visited="#37006e",
    focus="#37006e", border="#000000", tooltip_base="#ffffff", tooltip_text="#000000",
    sentence_background="#ffff00", sentence_text="#000000",
    word_background="#37006e", word_text="#ffffff",
    card_background="#ffffff", card_text="#000000", card_border="#000000",
    status_background="#ffffff", status_text="#000000",
)  # fmt: skip

_HC_YELLOW = Theme(
    id="hc-yellow", name="High contrast: yellow on black", dark=True, high_contrast=True,
    window="#000000", window_text="#ffff00", base="#000000", alternate_base="#000000",
    text="#ffff00", button="#000000", button_text="#ffff00", disabled_text="#c0c0c0",
    selection="#00ffff", selection_text="#000000", link="#00ffff", link_visited="#00ffff",
    focus="#ffffff", border="#ffff00", tooltip_base="#000000", tooltip_text="#ffff00",
    sentence_background="#ffff00", sentence_text="#000000",
    word_background="#ffffff", word_text="#000000",
    card_background="#000000", card_text="#ffff00", card_border="#ffff00",
    status_background="#000000", status_text="#ffff00",
)  # fmt: skip

#: Every theme by id, in the order a settings list shows them.
THEMES: dict[str, Theme] = {t.id: t for t in (_LIGHT, _DARK, _HC_BLACK, _HC_WHITE, _HC_YELLOW)}


class HighlightFormats(NamedTuple):
    """Character formats of the reading pane's marks."""

    sentence: QTextCharFormat
    word: QTextCharFormat


def theme(theme_id: str) -> Theme:
    """The theme with ``theme_id``; the default theme for an unknown id (a stale setting)."""
    return THEMES.get(theme_id, THEMES[DEFAULT_THEME])


def colour_pairs(t: Theme) -> dict[str, tuple[str, str]]:
    """Every (foreground, background) pair of a theme that must reach 7:1, by name."""
    return {
        "text on base": (t.text, t.base),
        "window text on window": (t.window_text, t.window),
        "button text on button": (t.button_text, t.button),
        "disabled text on window": (t.disabled_text, t.window),
        "disabled text on base": (t.disabled_text, t.base),
        "disabled text on button": (t.disabled_text, t.button),
        "selected text on selection": (t.selection_text, t.selection),
        "link on base": (t.link, t.base),
        "tooltip": (t.tooltip_text, t.tooltip_base),
        "focus ring on window": (t.focus, t.window),
        "focus ring on base": (t.focus, t.base),
        "focus ring on button": (t.focus, t.button),
        "text on sentence mark": (t.sentence_text, t.sentence_background),
        "text on word mark": (t.word_text, t.word_background),
        "card text": (t.card_text, t.card_background),
        "card being read: border on card": (t.focus, t.card_background),
        "card being read: border on window": (t.focus, t.window),
        "status line": (t.status_text, t.status_background),
    }


def palette_for(theme_id: str) -> QPalette:
    """The theme's palette, the same in active and inactive windows."""
    t = theme(theme_id)
    palette = QPalette()
    role = QPalette.ColorRole
    normal = {
        role.Window: t.window,
        role.WindowText: t.window_text,
        role.Base: t.base,
        role.AlternateBase: t.alternate_base,
        role.Text: t.text,
        role.Button: t.button,
        role.ButtonText: t.button_text,
        role.BrightText: t.text,
        role.Highlight: t.selection,
        role.HighlightedText: t.selection_text,
        role.Link: t.link,
        role.LinkVisited: t.link_visited,
        role.ToolTipBase: t.tooltip_base,
        role.ToolTipText: t.tooltip_text,
        role.PlaceholderText: t.disabled_text,
        role.Accent: t.focus,
        # Fusion draws frames and bevels with these; high-contrast themes want plain lines.
        role.Light: t.base if t.high_contrast else t.button,
        role.Midlight: t.button,
        role.Mid: t.border,
        role.Dark: t.border,
        role.Shadow: t.border,
    }
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        for r, colour in normal.items():
            palette.setColor(group, r, QColor(colour))
    disabled = dict(normal)
    for r in (role.WindowText, role.Text, role.ButtonText, role.BrightText, role.PlaceholderText):
        disabled[r] = t.disabled_text
    for r, colour in disabled.items():
        palette.setColor(QPalette.ColorGroup.Disabled, r, QColor(colour))
    return palette


_FOCUSABLE = (
    "QAbstractButton",
    "QLineEdit",
    "QAbstractSpinBox",
    "QComboBox",
    "QAbstractScrollArea",
    "QSlider",
)


def style_sheet_for(theme_id: str) -> str:
    """The theme's style sheet: focus rings, status line and caption cards."""
    t = theme(theme_id)
    wide = FOCUS_WIDTH_PX
    rest = ", ".join(_FOCUSABLE)
    focused = ", ".join(f"{w}:focus" for w in _FOCUSABLE)
    return f"""
{rest} {{ border: 1px solid {t.border}; margin: {wide - 1}px; }}
{focused} {{ border: {wide}px solid {t.focus}; margin: 0px; }}
QAbstractButton {{
    background-color: {t.button}; color: {t.button_text};
    padding: 4px 10px; border-radius: 3px;
}}
QAbstractButton:disabled {{ color: {t.disabled_text}; }}
QAbstractButton:checked {{ background-color: {t.selection}; color: {t.selection_text}; }}
QCheckBox, QRadioButton {{ background-color: transparent; color: {t.window_text}; }}
QSlider:horizontal {{ min-width: 6em; min-height: 1.5em; }}
QSlider::groove:horizontal {{
    border: 1px solid {t.border}; background: {t.base}; height: 0.4em;
    margin: 0px {wide + 2}px;
}}
QSlider::sub-page:horizontal {{ background: {t.selection}; margin: 0px 0px 0px {wide + 2}px; }}
QSlider::handle:horizontal {{
    background: {t.button}; border: 1px solid {t.window_text}; border-radius: 3px;
    width: 0.8em; margin: -0.35em 0px;
}}
QAbstractItemView:focus, QAbstractScrollArea:focus {{ border: {wide}px solid {t.focus}; }}
{NO_LONE_ALT_RULE}
{_card_rules(t)}
QLabel#card-badge {{ color: {t.card_text}; font-weight: bold; }}
QStatusBar {{
    background-color: {t.status_background}; color: {t.status_text};
    border-top: 1px solid {t.border};
}}
QStatusBar QLabel {{ background-color: transparent; color: {t.status_text}; }}
QToolTip {{ background-color: {t.tooltip_base}; color: {t.tooltip_text};
    border: 1px solid {t.tooltip_text}; }}
"""


#: Border plus margin of a photo card in each state: focusing or marking a card never
#: moves its contents.
CARD_EDGE_PX = 2 * FOCUS_WIDTH_PX


def _card_rules(t: Theme) -> str:
    """Photo cards (and the "No photo available" card): a thin border; the focus ring; the
    thicker border of the card being read; and, focused while being read, a double ring,
    whose inner gap differs from the plain border by the card-on-ring contrast, so focus
    shows on the marked card too (a dashed ring of the same colour barely changed)."""
    edge = CARD_EDGE_PX
    ring = FOCUS_WIDTH_PX
    marked = ring + 1
    return f"""QFrame#card {{
    background-color: {t.card_background}; color: {t.card_text};
    border: 1px solid {t.card_border}; margin: {edge - 1}px;
}}
QFrame#card QLabel {{ background-color: transparent; color: {t.card_text}; }}
QFrame#card:focus {{ border: {ring}px solid {t.focus}; margin: {edge - ring}px; }}
QFrame#card[marked="true"] {{ border: {marked}px solid {t.focus}; margin: {edge - marked}px; }}
QFrame#card[marked="true"]:focus {{ border: {edge}px double {t.focus}; margin: 0px; }}"""


def card_style(theme_id: str) -> str:
    """A style sheet for one photo card, for a card that sets its own style sheet
    (a widget's own sheet overrides the application's); its ``marked`` property picks
    the border of the card being read."""
    return _card_rules(theme(theme_id))


def highlight_formats(theme_id: str) -> HighlightFormats:
    """Formats for the sentence being read and the word being said in the reading pane."""
    t = theme(theme_id)
    sentence = QTextCharFormat()
    sentence.setBackground(QColor(t.sentence_background))
    sentence.setForeground(QColor(t.sentence_text))
    word = QTextCharFormat()
    word.setBackground(QColor(t.word_background))
    word.setForeground(QColor(t.word_text))
    word.setFontUnderline(True)
    return HighlightFormats(sentence, word)


def apply_theme(target: QApplication | QWidget, theme_id: str) -> Theme:
    """Apply a theme to the whole app, or to one widget and its children.

    An unknown id falls back to the default theme, which is returned. Widgets
    that set their own style sheet keep whatever it says; see :func:`card_style`.
    """
    t = theme(theme_id)
    palette = palette_for(t.id)
    sheet = style_sheet_for(t.id)
    if isinstance(target, QApplication):
        if target.property(STYLE_PROPERTY) != BASE_STYLE:
            QApplication.setStyle(BASE_STYLE)
            target.setProperty(STYLE_PROPERTY, BASE_STYLE)
        # The palette first: setting the style sheet re-polishes every widget, and the style
        # sheet style copies the palette in force into widgets it styles at that moment.
        QApplication.setPalette(palette)
        QToolTip.setPalette(palette)
        target.setStyleSheet(sheet)
    else:
        style = QStyleFactory.create(BASE_STYLE)
        if style is not None:
            style.setParent(target)
            target.setStyle(style)
        target.setPalette(palette)
        target.setStyleSheet(sheet)
    target.setProperty(THEME_PROPERTY, t.id)
    return t


def current_theme_id(target: QApplication | QWidget) -> str | None:
    """The id of the theme last applied to ``target`` by :func:`apply_theme`."""
    value = target.property(THEME_PROPERTY)
    return value if isinstance(value, str) else None


def system_theme_id() -> str:
    """The theme matching the desktop's preference when the app starts: dark or light,
    high-contrast when the desktop asks for more contrast (Qt 6.10+ reports it)."""
    hints = QGuiApplication.styleHints()
    dark = hints.colorScheme() == Qt.ColorScheme.Dark
    high = False
    accessibility = getattr(hints, "accessibility", None)
    if accessibility is not None:
        contrast = getattr(accessibility(), "contrastPreference", None)
        preference = getattr(Qt, "ContrastPreference", None)
        if contrast is not None and preference is not None:
            high = contrast() == preference.HighContrast
    if high:
        return "hc-black" if dark else "hc-white"
    return "dark" if dark else "light"


def start_theme_id(saved: object) -> str:
    """The theme to start with: the one the reader chose, else the desktop's preference."""
    if isinstance(saved, str) and saved in THEMES:
        return saved
    return system_theme_id()


def theme_names() -> list[tuple[str, str]]:
    """(id, name) of every theme, for a settings list."""
    return [(t.id, t.name) for t in THEMES.values()]
