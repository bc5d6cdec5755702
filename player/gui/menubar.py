"""The menu bar opens by its mnemonics (Alt+F, Alt+G…), never by Alt pressed alone.

Qt's Fusion style lets a lone Alt press and release put the keyboard in the menu
bar (a Windows habit; GTK and GNOME do not). With Orca 43 running, the Alt of
Alt+Page Down sometimes reaches the app released before the Page Down does
(Orca sees every key first), which Qt takes for a lone Alt: the menu bar takes
the keyboard and Page Down goes to it. Seen under Xvfb: Alt alone, then Page
Down, lands on "File". Turning that one style hint off keeps every mnemonic
and shortcut working.

Without it, though, a menu opened by its mnemonic and closed with Escape gives
the keyboard straight back to where it was, and Qt says nothing about it: Orca
43 keeps the menu as its focus and ignores what the window tells it. So when
the last menu closes the focused widget is announced as focused again, and a
message sent meanwhile (by the command the menu ran) waits for that
(:func:`focus_returning`).
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAccessible, QAccessibleEvent
from PySide6.QtWidgets import QApplication, QMenu, QMenuBar

#: Qt's style sheets set that one style hint (SH_MenuBar_AltKeyNavigation) too. Every
#: theme's application style sheet carries this rule (player.gui.theme): the bar then needs
#: no style of its own, neither a proxy style whose Python code Qt would ask at every paint
#: (and whose QStyle classes, made ready for Python, held the first paint up by 5 ms) nor a
#: style sheet of its own (which had Qt style the bar and its menus apart, 4 ms).
NO_LONE_ALT_RULE = "QMenuBar { menubar-altkey-navigation: 0; }"


def keep_lone_alt_out(bar: QMenuBar) -> None:
    """Let ``bar`` ignore Alt pressed and released alone: by the app's style sheet when it
    has the rule (every theme's has), else by a style sheet of the bar's own."""
    app = QApplication.instance()
    if not isinstance(app, QApplication) or NO_LONE_ALT_RULE not in app.styleSheet():
        bar.setStyleSheet(NO_LONE_ALT_RULE)
    _watch_closing(bar)
    for top in bar.findChildren(QMenu):
        # A menu's entries and submenus may be put in as it opens (player.gui.commands):
        # connected after that, this finds its submenus before any of them can close.
        top.aboutToShow.connect(lambda b=bar: _watch_closing(b))


def _watch_closing(bar: QMenuBar) -> None:
    for menu in bar.findChildren(QMenu):
        # Submenus too: closing one with Escape returns to its parent, which is still open.
        if not menu.property(_WATCHED):
            menu.setProperty(_WATCHED, True)
            menu.aboutToHide.connect(_menu_hiding)


#: the dynamic property marking a menu whose closing is watched
_WATCHED = "storyPlayerClosingWatched"


_returning = False


def focus_returning() -> bool:
    """Whether a menu has just closed and the screen reader is not yet told where the
    keyboard went (a message given now would go to an object it does not have as focus)."""
    return _returning


def _menu_hiding() -> None:
    global _returning
    _returning = True
    QTimer.singleShot(0, _focus_back)


def _focus_back() -> None:
    """After the last menu closed: tell the screen reader where the keyboard is."""
    global _returning
    _returning = False
    if QApplication.activePopupWidget() is not None:
        return
    widget = QApplication.focusWidget()
    if widget is None or isinstance(widget, QMenuBar):
        return
    QAccessible.updateAccessibility(QAccessibleEvent(widget, QAccessible.Event.Focus))
