"""What the window leaves until after its first paint (issue 14): the menus' entries and
the sound output. Every shortcut works from the moment the window shows, before then."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from fakes import FakePlayback
from PySide6.QtCore import QEvent, QEventLoop, QObject, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from player.core.model import Story
from player.core.settings import Settings
from player.gui.keymap import COMMANDS, MENUS
from player.gui.window import MainWindow
from tests.support import run_window_script


class _Paints(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def _menu_entries(window: MainWindow) -> dict[str, list[str]]:
    return {name: [a.text() for a in window.commands.menus[name].actions()] for name in MENUS}


def test_menus_are_filled_after_the_first_paint_not_before(
    qtbot: QtBot, settings: Settings, story: Story
) -> None:
    window = MainWindow(settings)
    qtbot.addWidget(window)
    window.set_story(story)
    bar_titles = [a.text() for a in window.menuBar().actions()]
    assert bar_titles == [f"&{name}" for name in MENUS]  # access keys from the start
    assert not window.commands.menus_filled
    assert all(entries == [] for entries in _menu_entries(window).values())
    paints = _Paints()
    window.pane.viewport().installEventFilter(paints)
    window.show()
    qtbot.waitUntil(lambda: window.commands.menus_filled)
    assert paints.count >= 1  # filled in the turn after the paint
    entries = _menu_entries(window)
    in_menus = {a for name in MENUS for a in window.commands.menus[name].actions()}
    assert all(window.actions_by_id[c.id] in in_menus for c in COMMANDS)
    assert "&Recent Stories" in entries["File"]
    assert {"&Theme", "Reading &Font", "&Line Spacing"} <= set(entries["View"])
    assert "Aud&io Output" in entries["Play"]


def test_a_story_in_the_first_paint_has_the_menus_filled_in_that_same_turn(
    qtbot: QtBot, settings: Settings, story: Story
) -> None:
    """Only a story taken in after the first paint has the rest wait for its text's paint;
    a story already painted (or none) does not wait a turn more: the speech is made in the
    turn after the first paint, and a menu looked at then was found empty on a busy machine."""
    window = MainWindow(settings, playback_factory=FakePlayback)
    qtbot.addWidget(window)
    window.set_story(story)
    window._painted = True  # as the window's watch of the pane's first paint sets it
    window._after_first_paint()
    assert window.playback is not None and window.commands.menus_filled


def test_a_menu_opened_before_the_idle_turn_is_filled_as_it_opens(
    qtbot: QtBot, settings: Settings
) -> None:
    window = MainWindow(settings)
    qtbot.addWidget(window)
    view = window.commands.menus["View"]
    assert view.actions() == []
    view.aboutToShow.emit()  # what QMenu.popup() sends before it lays the menu out
    assert [a for a in view.actions() if a.menu() is not None]  # the submenus are in
    assert window.commands.menus["File"].actions() == []  # the others wait
    # The View choices show what is in force, though they were built after it was applied.
    theme = window.theme_actions
    assert sum(a.isChecked() for a in theme.values()) == 1
    assert window.spacing_actions[window.pane.line_spacing].isChecked()
    assert window.font_actions[""].isChecked()


def _focus() -> QWidget:
    """The focus widget, once the window system has delivered activation (it is queued)."""
    deadline = time.monotonic() + 2
    while QApplication.focusWidget() is None and time.monotonic() < deadline:
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has keyboard focus"
    return widget


def _shortcut_keys() -> list[tuple[str, QKeySequence]]:
    return [(c.id, QKeySequence(s)) for c in COMMANDS for s in c.shortcuts]


@pytest.mark.parametrize("filled", [False, True], ids=["before-idle-turn", "menus-filled"])
def test_every_shortcut_works_as_soon_as_the_window_shows(
    qtbot: QtBot, settings: Settings, story: Story, filled: bool
) -> None:
    window = MainWindow(settings, playback_factory=FakePlayback)
    qtbot.addWidget(window)
    # Hold back the turn after the first paint: the keys come before it.
    window._after_first_paint = lambda: None  # type: ignore[method-assign]
    window.set_story(story)
    if filled:
        window.commands.fill_menus()
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitActive(window)
    assert window.commands.menus_filled is filled
    pressed: list[str] = []
    for command in COMMANDS:
        action = window.actions_by_id[command.id]
        action.triggered.disconnect()  # the key is what is tested, not what the command does
        action.triggered.connect(lambda _checked=False, c=command.id: pressed.append(c))
    missed = []
    for command_id, sequence in _shortcut_keys():
        if not window.actions_by_id[command_id].isEnabled():
            continue
        before = len(pressed)
        combination = sequence[0]
        focus = _focus()
        QTest.keyClick(focus, combination.key(), combination.keyboardModifiers())
        if pressed[before:] != [command_id]:
            missed.append(f"{command_id} ({sequence.toString()}): {pressed[before:]}")
        if QApplication.activePopupWidget() is not None or QApplication.activeModalWidget():
            pytest.fail(f"{sequence.toString()} opened a menu or dialog")
    assert missed == []


def test_the_sound_output_starts_with_the_first_playback_not_the_first_paint(
    qtbot: QtBot, settings: Settings, story: Story
) -> None:
    window = MainWindow(settings, playback_factory=FakePlayback)
    qtbot.addWidget(window)
    window.audio_output.list_devices = lambda: []
    window.show()
    qtbot.waitUntil(lambda: window.commands.menus_filled)  # the turn after the paint is over
    # No story yet, so no playback: QtMultimedia and the device list would only have
    # delayed the story's text.
    assert not window.audio_output.started
    window.set_story(story)
    qtbot.waitUntil(lambda: window.playback is not None)
    assert window.audio_output.started


def test_the_photo_panel_is_filled_after_the_first_paint(qtbot: QtBot, settings: Settings) -> None:
    window = MainWindow(settings)
    qtbot.addWidget(window)
    panel = window.captions
    assert panel.accessibleName() == "Photos"  # there for a screen reader from the start
    assert not panel.has_contents
    paints = _Paints()
    window.pane.viewport().installEventFilter(paints)
    window.show()
    qtbot.waitUntil(lambda: panel.has_contents)
    assert paints.count >= 1
    (empty,) = panel.focusables()
    assert isinstance(empty, QLabel)
    assert empty.text() == "No photo available"
    assert window.isAncestorOf(empty)
    assert empty.focusPolicy() == Qt.FocusPolicy.StrongFocus
    # In reading order: Tab from the text reaches it before the transport buttons.
    chain = []
    widget = window.pane.nextInFocusChain()
    while widget is not window.pane and len(chain) < 200:
        chain.append(widget)
        widget = widget.nextInFocusChain()
    assert chain.index(empty) < chain.index(window.transport.buttons[0])


def test_the_window_is_made_without_qt_warnings(
    qtbot: QtBot, settings: Settings, qtlog: Any
) -> None:
    """Setting the tab order over a photo card not yet in the window fails in Qt with a warning
    (and sets nothing): the order covers only what is in the window, and again once it is."""
    window = MainWindow(settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.captions.has_contents)
    assert [r.message for r in qtlog.records if "setTabOrder" in r.message] == []


def test_a_story_shown_before_the_first_paint_fills_the_panel_at_once(
    qtbot: QtBot, settings: Settings, story: Story
) -> None:
    window = MainWindow(settings)
    qtbot.addWidget(window)
    window.set_story(story)
    assert window.captions.has_contents


def test_submenus_put_in_after_start_are_watched_as_they_close(
    qtbot: QtBot, settings: Settings
) -> None:
    """A submenu closed with Escape hands the keyboard back as a top menu does (see
    player.gui.menubar), though it was made after the menu bar was set up."""
    from player.gui import menubar

    window = MainWindow(settings)
    qtbot.addWidget(window)
    window.commands.menus["File"].aboutToShow.emit()  # as the File menu opens
    assert not menubar.focus_returning()
    window.recent_menu.aboutToHide.emit()
    assert menubar.focus_returning()
    qtbot.waitUntil(lambda: not menubar.focus_returning())


class _StyleChanges(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.StyleChange:
            self.count += 1
        return False


@pytest.mark.parametrize("theme_id", ["light", "hc-yellow"])
def test_under_a_theme_alt_alone_is_kept_out_of_the_menu_bar_by_the_apps_style_sheet(
    qtbot: QtBot, settings: Settings, theme_id: str
) -> None:
    """The rule in every theme's sheet: the bar needs no style (nor style sheet) of its own,
    whose making held the first paint up; Alt alone still leaves the keyboard where it was."""
    from player.gui import theme

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    sheet = app.styleSheet()
    theme.apply_theme(app, theme_id)
    try:
        window = MainWindow(settings)
        qtbot.addWidget(window)
        bar = window.menuBar()
        assert bar.styleSheet() == ""
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        qtbot.waitActive(window)
        window.contents.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.waitUntil(window.contents.hasFocus)
        QTest.keyPress(window.contents, Qt.Key.Key_Alt, Qt.KeyboardModifier.AltModifier)
        QTest.keyRelease(window.contents, Qt.Key.Key_Alt)
        qtbot.wait(50)
        assert QApplication.focusWidget() is window.contents
    finally:
        app.setStyleSheet(sheet)


def test_the_zoom_at_start_restyles_nothing_a_change_of_zoom_restyles(
    qtbot: QtBot, settings: Settings
) -> None:
    """Setting the application's style sheet again re-styles every widget: needed when the
    zoom changes the font, wasted at start (100 %, the font as it was)."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    sheet = app.styleSheet()
    app.setStyleSheet("QLabel { padding: 1px; }")  # every theme has a sheet
    try:
        window = MainWindow(settings)
        qtbot.addWidget(window)
        zoom = window.appearance.zoom
        assert zoom.percent == 100
        changes = _StyleChanges()
        window.status_label.installEventFilter(changes)
        zoom.set_percent(100)
        assert changes.count == 0
        zoom.set_percent(150)
        assert changes.count > 0
        zoom.set_percent(100)
    finally:
        app.setStyleSheet(sheet)


#: Made ready for Python (with their enums) only when PySide has to find out which widget
#: class a pointer it got from Qt belongs to; nothing in the first frame uses them.
_UNUSED_WIDGET_CLASSES = ("QWizard", "QMdiArea", "QCalendarWidget", "QGraphicsView")
#: Used by commands' dialogs only: imported where they are used, not with the window.
_DIALOG_CLASSES = ("QDialog", "QDialogButtonBox", "QFileDialog", "QMessageBox", "QStandardPaths")

_AT_FIRST_PAINT = """
import json, sys
from player.gui.launch import prepare
launch = prepare([])
from PySide6 import QtCore, QtGui, QtWidgets
from player.gui import app as app_module

class First(QtCore.QObject):
    def eventFilter(self, watched, event):
        if event.type() == QtCore.QEvent.Type.Paint:
            watched.removeEventFilter(self)
            ready = sorted(n for m in (QtCore, QtGui, QtWidgets) for n in vars(m))
            modules = sorted(sys.modules)
            dataclasses = sorted(
                f"{name}.{cls.__qualname__}"
                for name, module in list(sys.modules.items()) if name.startswith("player")
                for cls in vars(module).values()
                if isinstance(cls, type) and cls.__module__ == name
                and "__dataclass_fields__" in vars(cls)
            )
            found = {"ready": ready, "modules": modules, "dataclasses": dataclasses}
            print(json.dumps(found), flush=True)
            QtCore.QTimer.singleShot(0, app.quit)
        return False

app = app_module.ensure_application()
window = app_module.create_window([], launch.settings, in_background=True, preload=launch.preload)
first = First()
window.pane.installEventFilter(first)
window.show()
app.exec()
window.shutdown()
"""


def _at_first_paint(tmp_path: Path) -> dict[str, Any]:
    """The Qt classes made ready for Python and the modules imported when the window
    started as ``story-player`` starts it (its story parsed meanwhile in a process of its
    own) first paints."""
    return run_window_script(_AT_FIRST_PAINT, tmp_path)


def test_no_widget_class_is_made_ready_for_python_before_the_first_paint_unless_used(
    tmp_path: Path,
) -> None:
    """The first ``viewport()`` of a scroll area made PySide ready every widget class (its
    Python type and enums, 7 ms) to find the viewport's own: the window watches the pane
    for its first paint, and asks for the viewport after it."""
    ready = set(_at_first_paint(tmp_path)["ready"])
    assert "QTextEdit" in ready  # what the window does use is there
    assert ready.isdisjoint(_UNUSED_WIDGET_CLASSES)


_AT_STORY_PAINT = """
import json, sys
from player.gui.launch import prepare
launch = prepare([])
from PySide6 import QtCore, QtWidgets
from player.gui import app as app_module

def painted():
    if window.story is None or not window.pane.ready:
        return
    window.pane.painted.disconnect(painted)
    ready = sorted(vars(QtWidgets))
    found = {"ready": ready, "modules": sorted(sys.modules), "paints": paints}
    print(json.dumps(found), flush=True)
    QtCore.QTimer.singleShot(0, app.quit)

app = app_module.ensure_application()
window = app_module.create_window([], launch.settings, in_background=True, preload=launch.preload)
paints = 0
def count():
    global paints
    paints += 1
window.pane.painted.connect(count)
window.pane.painted.connect(painted)
window.show()
app.exec()
window.shutdown()
"""


def test_no_widget_class_is_made_ready_before_the_storys_text_is_painted(
    tmp_path: Path,
) -> None:
    """Nor between the first paint and the paint of the story's text, which the reader
    waits for: the window watches the text's paints through the pane (``painted``), and
    neither it nor the contents list asks for a viewport (10 ms, on the way to the
    sentence). A dialog's module waits for a story that failed to open (5 ms)."""
    found = run_window_script(_AT_STORY_PAINT, tmp_path)
    assert found["paints"] >= 1  # the text's paint was seen
    assert set(found["ready"]).isdisjoint(_UNUSED_WIDGET_CLASSES)
    assert "player.gui.dialogs" not in found["modules"]


#: The dataclasses the first paint needs: the story model's words, sentences and story (see
#: player.core.model), and a playback position (its ``jump`` takes no part in comparisons).
_DATACLASSES_BEFORE_THE_PAINT = {
    *(f"player.core.model.{name}" for name in ("Word", "Sentence", "SentenceRef", "Story")),
    "player.core.playback.api.Position",
}


def test_few_dataclasses_are_made_before_the_first_paint(tmp_path: Path) -> None:
    """A dataclass compiles each of its methods at its creation, about 0.5 ms a frozen one
    before the first paint; the window's other records are named tuples (about 0.07 ms)."""
    found = set(_at_first_paint(tmp_path)["dataclasses"])
    assert "player.core.model.Story" in found  # what the test looks at is there
    assert found <= _DATACLASSES_BEFORE_THE_PAINT, sorted(found - _DATACLASSES_BEFORE_THE_PAINT)


def test_the_screen_reader_watch_starts_after_the_first_paint(
    qtbot: QtBot, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its check and its bus watch run in threads (starting processes): before the first
    paint they only took turns with the GUI thread, about 9 ms later to the window."""
    from player.gui.announce import ScreenReaderWatch

    paints = _Paints()
    started_at: list[int] = []
    monkeypatch.setattr(ScreenReaderWatch, "start", lambda self: started_at.append(paints.count))
    window = MainWindow(settings)
    qtbot.addWidget(window)
    window.pane.installEventFilter(paints)
    assert started_at == []
    window.show()
    qtbot.waitUntil(lambda: started_at != [])
    assert started_at[0] >= 1


_IMPORT_ORDER = """
import inspect, json, sys
from player.gui.launch import prepare
prepare([])
before_qt = set(sys.modules)
import PySide6.QtCore
from player.gui import app
after = [m for m in sys.modules if m not in before_qt and m.startswith("player")]
read = [m for m in after if "PySide6" not in inspect.getsource(sys.modules[m])]
print(json.dumps({"read": read}))
"""


def test_the_windows_modules_without_qt_are_imported_before_qt(tmp_path: Path) -> None:
    """PySide6 reads the source of modules imported after it (see player.gui.launch)."""
    assert run_window_script(_IMPORT_ORDER, tmp_path)["read"] == []


def test_no_style_class_is_made_ready_before_the_first_paint(tmp_path: Path) -> None:
    """The app starts with its base style on the command line, and the menu bar needs no
    style of its own: a QStyle seen by Python had PySide make the class ready (its 17
    enums, 5 ms) before the window showed."""
    ready = set(_at_first_paint(tmp_path)["ready"])
    assert "QApplication" in ready
    assert ready.isdisjoint({"QStyle", "QProxyStyle", "QCommonStyle"})


_BASE_STYLE = """
import json
from player.gui.startup import ensure_application
app = ensure_application()
print(json.dumps({"style": app.style().name()}))
"""


def test_the_app_starts_with_the_themes_base_style(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chosen on its command line, over the desktop's choice, as setStyle() did."""
    monkeypatch.setenv("QT_STYLE_OVERRIDE", "Windows")
    assert run_window_script(_BASE_STYLE, tmp_path)["style"].lower() == "fusion"


def test_no_icon_class_is_made_ready_before_the_first_paint(tmp_path: Path) -> None:
    """The commands' actions are made without icons: QAction(text, parent) had PySide
    make QIcon ready (its enums, 1 ms) to tell the text from an icon."""
    ready = set(_at_first_paint(tmp_path)["ready"])
    assert "QAction" in ready
    assert "QIcon" not in ready


def test_the_dialogs_classes_are_not_made_ready_before_the_first_paint(tmp_path: Path) -> None:
    """Each made ready for Python (its type and enums) as its module was imported: some
    2 ms before the window showed, for dialogs that a command opens later."""
    ready = set(_at_first_paint(tmp_path)["ready"])
    assert ready.isdisjoint(_DIALOG_CLASSES)


#: Modules the window's process needs only after its first paint, or never at start: the
#: story parser (its child process parses the first story), the SVG check of photos, the
#: search of Find, what the screen-reader check runs its probes with, what argparse's
#: gettext lookup imports (no arguments given), and the dates of a story's metadata.
_NOT_BEFORE_THE_PAINT = (
    "player.core.storyfile",
    "xml.etree.ElementTree",
    "player.core.search",
    "subprocess",
    "locale",
    "datetime",
)


_BARE_WINDOW = """
import json, sys
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
label = QLabel("Story Player")
label.show()
app.processEvents()
print(json.dumps({"modules": sorted(sys.modules)}))
"""


def _bare_window_modules(tmp_path: Path) -> set[str]:
    """What a bare PySide6 window showing a label imports (PySide6 6.12's signature
    support imports ``datetime`` itself): not the window's to avoid."""
    return set(run_window_script(_BARE_WINDOW, tmp_path / "bare")["modules"])


def test_modules_the_first_paint_does_not_need_are_not_imported_before_it(
    tmp_path: Path,
) -> None:
    found = _at_first_paint(tmp_path)
    modules = set(found["modules"]) - _bare_window_modules(tmp_path)
    assert "player.gui.window" in modules
    # The parser neither: a child with no spare CPU by then (a loaded machine) leaves the
    # story to the loading thread, which starts after the paint.
    assert modules.isdisjoint(_NOT_BEFORE_THE_PAINT), sorted(modules & set(_NOT_BEFORE_THE_PAINT))


@pytest.mark.parametrize(
    "args", [[], ["story.txt"], ["--memory-only"], ["--workstation", "--library", "lib"]]
)
def test_the_command_line_reads_as_argparse_reads_it(args: list[str]) -> None:
    """No arguments (as the desktop starts the window) skip building the parser."""
    from player.gui.launch import _parser, parse_args

    assert vars(parse_args(args)) == vars(_parser().parse_args(args))
