"""View preferences: theme, reading font, line spacing and zoom, with their View menus.

Each is a remembered setting applied to the reading pane (the theme to the whole
application), and each change is said ("Zoom 150 %") and saved through the
callbacks the window passes in. Each change also keeps the reader's place in view:
text laid out larger or with more space would otherwise keep its scroll offset in
pixels and show some earlier part of the story. The theme itself is applied before the window is
built (see ``app.py``); here it is only checked in its menu at start.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QApplication, QMenu

from player.core.settings import Settings
from player.gui import fonts
from player.gui import theme as themes
from player.gui.reading import LINE_SPACINGS, ReadingPane
from player.gui.zoom import Zoom

log = logging.getLogger(__name__)


class Appearance:
    """The look of the reading pane and the app, as the View menu changes it."""

    def __init__(
        self,
        settings: Settings,
        pane: ReadingPane,
        *,
        notify: Callable[[str], None],
        changed: Callable[[], None],
        keep_place: Callable[[], None] = lambda: None,
    ) -> None:
        self.settings = settings
        self.pane = pane
        self._notify = notify
        self._keep_place = keep_place
        self._changed = changed
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        self.zoom = Zoom(app, [pane])
        self.theme_actions: dict[object, QAction] = {}
        self.font_actions: dict[object, QAction] = {}
        self.spacing_actions: dict[object, QAction] = {}
        #: the reading font in use ("": the system font)
        self.font_family = ""

    def build_menus(self, view: QMenu) -> None:
        """View > Theme, Reading Font and Line Spacing: one checked choice each."""

        def choices(
            title: str, items: Sequence[tuple[object, str]], handler: Callable[[object], None]
        ) -> dict[object, QAction]:
            menu = view.addMenu(title)
            group = QActionGroup(menu)
            group.setExclusive(True)
            actions: dict[object, QAction] = {}
            for value, text in items:
                action = menu.addAction(text)
                action.setCheckable(True)
                group.addAction(action)
                action.triggered.connect(lambda _checked=False, v=value: handler(v))
                actions[value] = action
            return actions

        self.theme_actions = choices(
            "&Theme",
            [(tid, f"&{n} {name}") for n, (tid, name) in enumerate(themes.theme_names(), 1)],
            lambda v: self.set_theme(str(v)),
        )
        self.font_actions = choices(
            "Reading &Font",
            [("", "&System Font")]
            + [(f.family, f"&{n} {f.family}") for n, f in enumerate(fonts.BUNDLED_FONTS, 1)],
            lambda v: self.set_reading_font(str(v)),
        )
        self.spacing_actions = choices(
            "&Line Spacing",
            [(p, f"&{n} {p} %") for n, p in enumerate(LINE_SPACINGS, 1)],
            lambda v: self.set_line_spacing(int(str(v))),
        )
        # Built after the settings were applied (the menus are filled after the first
        # paint): check what is in force now.
        _check(self.theme_actions, self._theme_id())
        _check(self.font_actions, self.font_family)
        _check(self.spacing_actions, self.pane.line_spacing)

    @staticmethod
    def _theme_id() -> str:
        app = QApplication.instance()
        theme_id = themes.current_theme_id(app) if isinstance(app, QApplication) else None
        return theme_id or themes.DEFAULT_THEME

    def apply_settings(self) -> None:
        """Show the remembered look, without saying or saving anything."""
        _check(self.theme_actions, self._theme_id())
        family = str(self.settings.get("reading_font"))
        if family:
            self.set_reading_font(family, remember=False)  # checks its menu entry
        else:
            _check(self.font_actions, "")
        self.set_line_spacing(int(self.settings.get("line_spacing")), remember=False)
        self.zoom.set_percent(int(self.settings.get("zoom_percent")))

    def set_theme(self, theme_id: str) -> None:
        """Apply a theme to the whole app and remember it."""
        app = QApplication.instance()
        if not isinstance(app, QApplication):
            return
        applied = themes.apply_theme(app, theme_id)
        self.pane.theme_changed()
        _check(self.theme_actions, applied.id)
        self.settings.set("theme", applied.id)
        self._keep_place()
        self._notify(f"Theme: {applied.name}")
        self._changed()

    def set_reading_font(self, family: str, remember: bool = True) -> None:
        """Set the story text's font ("" is the system font); sizes follow the zoom."""
        if family:
            fonts.load_bundled_fonts()  # on first use only: start-up does not pay for it
        font = fonts.reading_font(family or None, self.pane.font().pointSizeF())
        if family and font.family() != family:
            log.info("reading font %r is not available; the system font stays", family)
            family = ""
        self.pane.setFont(font)
        self.pane.document().setDefaultFont(font)
        self.zoom.refresh()
        self.font_family = family
        _check(self.font_actions, family)
        if remember:
            self.settings.set("reading_font", family)
            self._keep_place()
            self._notify(f"Reading font: {family or 'system font'}")
            self._changed()

    def set_line_spacing(self, percent: int, remember: bool = True) -> None:
        applied = self.pane.set_line_spacing(percent)
        _check(self.spacing_actions, applied)
        if remember:
            self.settings.set("line_spacing", applied)
            self._keep_place()
            self._notify(f"Line spacing {applied} %")
            self._changed()

    def step_line_spacing(self, delta: int) -> None:
        """One step more (``delta`` 1) or less (-1) line spacing; a beep at either end."""
        steps = list(LINE_SPACINGS)
        current = self.pane.line_spacing
        index = steps.index(current) if current in steps else 0
        target = index + delta
        if not 0 <= target < len(steps):
            self._notify(f"Line spacing {current} %")
            QApplication.beep()
            return
        self.set_line_spacing(steps[target])

    def zoom_in(self) -> None:
        self._zoomed(self.zoom.zoom_in())

    def zoom_out(self) -> None:
        self._zoomed(self.zoom.zoom_out())

    def zoom_reset(self) -> None:
        self._zoomed(self.zoom.reset())

    def _zoomed(self, percent: int) -> None:
        self.settings.set("zoom_percent", percent)
        self._keep_place()
        self._notify(f"Zoom {percent} %")
        self._changed()


def _check(actions: dict[object, QAction], value: object) -> None:
    action = actions.get(value)
    if action is not None:
        action.setChecked(True)
