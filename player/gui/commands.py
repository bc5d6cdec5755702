"""The command registry: one QAction per keymap entry, and the menus built from them.

:mod:`player.gui.keymap` says what the commands are (text, shortcuts, menu);
here they become actions on a window, each calling the handler the window names
for it, and the menu bar is laid out in keymap order. Window-wide shortcuts, so
that a key works wherever focus is in the window (the reading pane's single keys
are its own, see :mod:`player.gui.reading`).

Every action, with its shortcuts, is made and added to the window at once, so every
key works from the moment the window shows. The menu bar's menus (with their access
keys) exist from the start too, but their entries and submenus are put in when a menu
first opens or when the window calls :meth:`CommandRegistry.fill_menus` after its first
paint: laying out some 70 entries, four submenus and their choices is work the first
sight of the story need not wait for.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMenuBar, QWidget

from player.gui.keymap import COMMANDS, MENUS

log = logging.getLogger(__name__)

#: the playback buttons under the text, left to right
TRANSPORT_COMMANDS = (
    "previous_segment",
    "previous_sentence",
    "play_pause",
    "next_sentence",
    "next_segment",
)
#: commands that end a group in their menu (a separator follows)
GROUP_ENDS = frozenset(
    ("open", "stop", "previous_paragraph", "forward_10s", "rate_reset", "line_spacing_less")
)
#: commands that are on or off, shown checked in their menu
CHECKABLE = ("single_keys", "self_voicing", "caret_follows_voice")


class CommandRegistry:
    """The window's actions by command id."""

    def __init__(self, window: QWidget, handler: Callable[[str], Callable[[], None]]) -> None:
        self.actions: dict[str, QAction] = {}
        #: the menu bar's menus by name (see build_menus)
        self.menus: dict[str, QMenu] = {}
        self._unfilled: dict[str, QMenu] = {}
        self._after: Mapping[str, Callable[[QMenu], None]] = {}
        for command in COMMANDS:
            # Not QAction(text, parent): telling that text from an icon had PySide make
            # QIcon's classes ready for Python (1 ms before the first paint, for no icon).
            action = QAction(window)
            action.setText(command.text)
            action.setShortcuts([QKeySequence(s) for s in command.shortcuts])
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.setToolTip(command.description)
            action.setStatusTip(command.description)
            run = handler(command.id)
            action.triggered.connect(lambda _checked=False, h=run: h())
            window.addAction(action)
            self.actions[command.id] = action
        for command_id in CHECKABLE:
            self.actions[command_id].setCheckable(True)

    def __getitem__(self, command_id: str) -> QAction:
        return self.actions[command_id]

    def build_menus(
        self, bar: QMenuBar, after: Mapping[str, Callable[[QMenu], None]]
    ) -> dict[str, QMenu]:
        """Every menu in keymap order, empty until it is filled (see the module's notes);
        ``after[id]`` adds to the menu right after a command (File > Recent Stories after
        Open, the View choices after the spacing commands)."""
        self.menus = {name: bar.addMenu(f"&{name}") for name in MENUS}
        self._unfilled = dict(self.menus)
        self._after = after
        for name, menu in self.menus.items():
            menu.aboutToShow.connect(lambda n=name: self.fill_menu(n))
        return self.menus

    @property
    def menus_filled(self) -> bool:
        """Whether every menu holds its entries."""
        return not self._unfilled

    def fill_menu(self, name: str) -> None:
        """Put the entries of menu ``name`` in, unless they are in already."""
        menu = self._unfilled.pop(name, None)
        if menu is None:
            return
        for command in COMMANDS:
            if command.menu != name:
                continue
            menu.addAction(self.actions[command.id])
            extra = self._after.get(command.id)
            if extra is not None:
                extra(menu)
            if command.id in GROUP_ENDS:
                menu.addSeparator()

    def fill_menus(self) -> None:
        """Put every menu's entries in (those not filled yet)."""
        for name in list(self._unfilled):
            self.fill_menu(name)

    def transport_actions(self) -> list[QAction]:
        return [self.actions[c] for c in TRANSPORT_COMMANDS]
