"""The window's accessibility wiring: announcements, theme, zoom, fonts, line spacing, self-voicing.

Each test builds the real window with the bundled story and no voice; what the
voice would do is driven by calling the window's playback handlers directly.
Colours are read back from the live widgets after each theme is applied.
"""

from __future__ import annotations

from collections.abc import Iterator

import a11y_env  # noqa: F401  (offscreen Qt, throwaway settings: before any window)
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette, QTextBlockFormat, QTextCharFormat
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from player.core.contrast import AAA_TEXT, contrast_ratio
from player.core.navigation import Navigator
from player.core.playback.api import PlaybackState, Position
from player.core.settings import MemoryStore, Settings
from player.gui import app as app_module
from player.gui.reading import LINE_SPACINGS
from player.gui.theme import THEMES, current_theme_id
from player.gui.window import MainWindow
from player.paths import bundled_story_path

Role = QPalette.ColorRole


class Recorder:
    """Stands in for the announcement poster: every message the screen reader would get."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def __call__(self, event: object) -> None:
        message = getattr(event, "message", None)
        if callable(message):
            self.messages.append(str(message()))


class Voice:
    """Stands in for a playback with ``say``: what the app's own voice was given."""

    def __init__(self) -> None:
        self.said: list[str] = []

    def say(self, text: str, *, interrupt: bool = False) -> None:
        self.said.append(text)

    def close(self) -> None:
        pass


@pytest.fixture
def app() -> Iterator[QApplication]:
    instance = QApplication.instance()
    assert isinstance(instance, QApplication)
    font = instance.font()
    yield instance
    # Leave the app as other tests expect it: no theme sheet, the font it had.
    instance.setStyleSheet("")
    instance.setPalette(instance.style().standardPalette())
    instance.setProperty("storyPlayerTheme", None)
    QApplication.setFont(font)


def make_window(qtbot: QtBot, settings: Settings | None = None) -> MainWindow:
    window = MainWindow(settings or Settings(MemoryStore()), playback_factory=None)
    qtbot.addWidget(window)
    assert window.open_story(bundled_story_path())
    window.announcer._post = Recorder()
    # As with NVDA or a newer Orca: announcement events are heard, so they carry every
    # message (the focus cue for Orca 43 is tested in test_a11y_route.py).
    window.announcer._announcements_heard = lambda: True
    window.resize(1100, 720)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitActive(window)
    return window


def posted(window: MainWindow) -> list[str]:
    recorder = window.announcer._post
    assert isinstance(recorder, Recorder)
    return recorder.messages


def test_play_pause_stop_and_end_are_announced(app: QApplication, qtbot: QtBot) -> None:
    window = make_window(qtbot)
    window.contents.setFocus()
    window._on_state(PlaybackState.PLAYING)
    window._on_state(PlaybackState.PAUSED)
    window._stop_requested = True
    window._on_state(PlaybackState.STOPPED)
    window._on_finished()
    assert posted(window) == ["Playing", "Paused", "Stopped", "End of the story"]


def test_a_jump_names_the_segment_and_puts_the_caret_on_its_heading(
    app: QApplication, qtbot: QtBot
) -> None:
    window = make_window(qtbot)
    story = window.story
    assert story is not None
    window.contents.setFocus()
    window.cmd_public_reaction()
    segment = story.refs[window.sentence].segment
    title = story.segments[segment].title
    assert posted(window)[-1].endswith(title)
    assert posted(window)[-1].startswith(story.segments[segment].kind.label)
    assert window.pane.textCursor().position() == window.pane.heading_position(segment)
    window.cmd_back()
    assert posted(window)[-1].startswith("Back to ")
    window.cmd_forward()
    assert posted(window)[-1] == "Forward to " + window.segment_words(segment)


def test_bookmarks_and_rate_keys_are_announced(app: QApplication, qtbot: QtBot) -> None:
    window = make_window(qtbot)
    window.contents.setFocus()
    window.add_bookmark("Start")
    window.cmd_next_bookmark()
    window.cmd_rate_up()
    window.cmd_volume_down()
    window.set_rate(200)  # from the rate control itself: the control speaks its value
    assert posted(window) == [
        "Bookmark added: Start",
        "No more bookmarks",
        "Rate 200 words per minute",
        "Volume 90 percent",
    ]


def test_errors_are_announced_assertively(app: QApplication, qtbot: QtBot) -> None:
    window = make_window(qtbot)
    window.contents.setFocus()
    window._on_message("The voice stopped", "error")
    window.cmd_play_pause()  # no playback factory: speech is not available
    assert posted(window)[-2:] == ["The voice stopped", "Speech is not available"]


def test_self_voicing_is_remembered_and_silent_with_a_screen_reader(
    app: QApplication, qtbot: QtBot
) -> None:
    settings = Settings(MemoryStore())
    window = make_window(qtbot, settings)
    voice = Voice()
    window.playback = voice  # type: ignore[assignment]
    running: list[bool | None] = [False]
    window.announcer._screen_reader = lambda: running[0]
    try:
        window.actions_by_id["self_voicing"].trigger()
        assert settings.get("self_voicing") is True
        assert voice.said == ["Self-voicing on"]
        window._on_state(PlaybackState.PAUSED)
        assert voice.said[-1] == "Paused"
        running[0] = True
        window._on_state(PlaybackState.PLAYING)
        assert voice.said[-1] == "Paused"  # the screen reader says it; the app stays quiet
    finally:
        window.playback = None
    again = make_window(qtbot, settings)
    assert again.announcer.self_voicing
    assert again.actions_by_id["self_voicing"].isChecked()


def test_zoom_is_in_percent_and_remembered(app: QApplication, qtbot: QtBot) -> None:
    settings = Settings(MemoryStore())
    window = make_window(qtbot, settings)
    size = window.pane.font().pointSizeF()
    window.cmd_zoom_in()
    window.cmd_zoom_in()
    assert settings.get("zoom_percent") == 125
    assert window.pane.font().pointSizeF() == pytest.approx(size * 1.25)
    assert posted(window)[-1] == "Zoom 125 %"
    window.cmd_zoom_reset()
    assert window.pane.font().pointSizeF() == pytest.approx(size)
    settings.set("zoom_percent", 200)
    again = make_window(qtbot, settings)
    assert again.zoom.percent == 200


def test_theme_menu_applies_and_remembers(app: QApplication, qtbot: QtBot) -> None:
    settings = Settings(MemoryStore())
    window = make_window(qtbot, settings)
    assert set(window.theme_actions) == set(THEMES)
    window.theme_actions["hc-yellow"].trigger()
    assert current_theme_id(app) == "hc-yellow"
    assert settings.get("theme") == "hc-yellow"
    assert window.theme_actions["hc-yellow"].isChecked()
    window._on_position(Position(3, 1, 0))
    marks = window.pane.extraSelections()
    sentence = QTextCharFormat(marks[0].format)
    assert sentence.background().color() == QColor(THEMES["hc-yellow"].sentence_background)


def test_the_start_theme_follows_the_setting_or_the_desktop(
    app: QApplication, qtbot: QtBot
) -> None:
    settings = Settings(MemoryStore())
    settings.set("theme", "dark")
    window = app_module.create_window([str(bundled_story_path())], settings)
    qtbot.addWidget(window)
    assert current_theme_id(app) == "dark"
    assert window.theme_actions["dark"].isChecked()
    settings.set("theme", "")
    other = app_module.create_window([str(bundled_story_path())], settings)
    qtbot.addWidget(other)
    # Offscreen Qt reports no colour scheme: the desktop preference is then "light".
    assert current_theme_id(app) == "light"


def test_reading_font_and_line_spacing(app: QApplication, qtbot: QtBot) -> None:
    settings = Settings(MemoryStore())
    window = make_window(qtbot, settings)
    window.font_actions["Atkinson Hyperlegible"].trigger()
    assert window.pane.font().family() == "Atkinson Hyperlegible"
    assert window.pane.document().defaultFont().family() == "Atkinson Hyperlegible"
    assert settings.get("reading_font") == "Atkinson Hyperlegible"
    caret = window.pane.textCursor().position()
    window.cmd_line_spacing_more()
    window.cmd_line_spacing_more()
    assert settings.get("line_spacing") == LINE_SPACINGS[2]
    assert window.spacing_actions[LINE_SPACINGS[2]].isChecked()
    block = window.pane.document().begin()
    while block.isValid():
        fmt = block.blockFormat()
        assert fmt.lineHeightType() == QTextBlockFormat.LineHeightTypes.ProportionalHeight.value
        assert fmt.lineHeight() == LINE_SPACINGS[2]
        block = block.next()
    assert window.pane.textCursor().position() == caret  # the caret stayed
    again = make_window(qtbot, settings)
    assert again.pane.line_spacing == LINE_SPACINGS[2]
    assert again.pane.font().family() == "Atkinson Hyperlegible"
    # A new story keeps the spacing.
    again.open_story(bundled_story_path())
    assert again.pane.document().begin().blockFormat().lineHeight() == LINE_SPACINGS[2]


def test_headings_follow_zoom_without_drift(app: QApplication, qtbot: QtBot) -> None:
    window = make_window(qtbot)
    pane = window.pane

    def heading_size() -> float:
        block = pane.document().findBlock(pane.heading_position(1))
        return block.charFormat().font().pointSizeF() or pane.font().pointSizeF()

    def layout_height() -> float:
        return (
            pane.document()
            .documentLayout()
            .blockBoundingRect(pane.document().findBlock(pane.heading_position(1)))
            .height()
        )

    normal = layout_height()
    for _ in range(4):
        window.cmd_zoom_in()
    assert layout_height() > normal * 1.4
    window.cmd_zoom_reset()
    assert layout_height() == pytest.approx(normal, rel=0.02)
    assert heading_size() > 0


@pytest.mark.parametrize("theme_id", list(THEMES))
def test_the_live_window_reaches_7_to_1(app: QApplication, qtbot: QtBot, theme_id: str) -> None:
    """Colour pairs read back from the window's own widgets after the theme is applied."""
    window = make_window(qtbot)
    window.set_theme(theme_id)
    story = window.story
    assert story is not None
    reaction = Navigator(story).public_reaction(0)
    assert reaction is not None
    window._on_position(Position(reaction, 1, 0))
    app.processEvents()
    pairs: dict[str, tuple[QColor, QColor]] = {}
    marks = [QTextCharFormat(s.format) for s in window.pane.extraSelections()]
    for name, fmt in zip(("sentence mark", "word mark"), marks, strict=True):
        pairs[name] = (fmt.foreground().color(), fmt.background().color())
    pane_palette = window.pane.palette()
    pairs["story text"] = (pane_palette.color(Role.Text), pane_palette.color(Role.Base))
    status = window.status_label
    image = window.statusBar().grab().toImage()
    pairs["status line"] = (
        status.palette().color(Role.WindowText),
        image.pixelColor(image.width() - 4, image.height() // 2),
    )
    button = window.transport.buttons[0]
    face = button.grab().toImage().pixelColor(button.width() // 2, 5)
    pairs["button"] = (button.palette().color(Role.ButtonText), face)
    rate = window.transport.rate
    pairs["disabled text"] = (
        rate.palette().color(QPalette.ColorGroup.Disabled, Role.Text),
        rate.palette().color(QPalette.ColorGroup.Disabled, Role.Base),
    )
    window.pane.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(window.pane.hasFocus)
    app.processEvents()
    ring = window.pane.grab().toImage().pixelColor(1, window.pane.height() // 2)
    pairs["focus ring on window"] = (ring, window.palette().color(Role.Window))
    pairs["focus ring on text"] = (ring, pane_palette.color(Role.Base))
    low = {
        k: round(contrast_ratio(a.name(), b.name()), 2)
        for k, (a, b) in pairs.items()
        if contrast_ratio(a.name(), b.name()) < AAA_TEXT
    }
    assert low == {}
