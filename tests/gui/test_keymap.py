"""The keyboard map leaves screen readers' and caret keys alone, and is documented."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from player.gui.keymap import COMMANDS, keyboard_map_markdown, keyboard_map_text, pane_key_table
from player.gui.window import MainWindow

Mod = Qt.KeyboardModifier
CARET_KEYS = {
    Qt.Key.Key_Left,
    Qt.Key.Key_Right,
    Qt.Key.Key_Up,
    Qt.Key.Key_Down,
    Qt.Key.Key_Home,
    Qt.Key.Key_End,
    Qt.Key.Key_PageUp,
    Qt.Key.Key_PageDown,
}
ALL_SHORTCUTS = [(c.id, s) for c in COMMANDS for s in c.shortcuts]


@pytest.mark.parametrize(("command", "text"), ALL_SHORTCUTS)
def test_shortcut_is_allowed(command: str, text: str) -> None:
    sequence = QKeySequence(text)
    assert sequence.count() == 1, f"{command}: {text} did not parse"
    combo = sequence[0]  # type: ignore[index]
    key, mods = combo.key(), combo.keyboardModifiers()
    assert key != Qt.Key.Key_unknown, text
    assert not (mods & Mod.ControlModifier and mods & Mod.AltModifier), (
        "Ctrl+Alt is the screen reader's"
    )
    assert not mods & Mod.KeypadModifier, "the numpad is the screen reader's"
    assert key not in (Qt.Key.Key_Insert, Qt.Key.Key_CapsLock, Qt.Key.Key_F10, Qt.Key.Key_F11)
    if mods == Mod.AltModifier:
        assert not Qt.Key.Key_A <= key <= Qt.Key.Key_Z, "Alt+letter opens menus"
        assert key not in (Qt.Key.Key_Up, Qt.Key.Key_Down), "Alt+Up/Down are screen reader keys"
    if key in CARET_KEYS and not mods & Mod.AltModifier:
        assert key in (Qt.Key.Key_PageUp, Qt.Key.Key_PageDown) and mods == (
            Mod.ControlModifier | Mod.ShiftModifier
        ), f"{text} belongs to caret navigation"


def test_no_shortcut_is_used_twice() -> None:
    seen: dict[str, str] = {}
    for command, text in ALL_SHORTCUTS:
        normal = QKeySequence(text).toString()
        assert normal not in seen, f"{text} used by {seen.get(normal)} and {command}"
        seen[normal] = command


def test_single_keys_are_unique_and_unmodified() -> None:
    keys = [k for c in COMMANDS for k in c.pane_keys]
    assert len(keys) == len(set(keys)) == len(pane_key_table())
    for key in keys:
        assert not key.startswith(("Ctrl", "Alt", "Meta"))


def test_every_command_has_a_handler_and_a_shortcut() -> None:
    for command in COMMANDS:
        assert callable(getattr(MainWindow, f"cmd_{command.id}", None)), command.id
        if command.id != "about":
            assert command.shortcuts, f"{command.id} has no shortcut"


def test_help_text_lists_every_command() -> None:
    text = keyboard_map_text()
    for command in COMMANDS:
        assert command.text.replace("&", "").replace("…", "") in text


def test_docs_keyboard_md_is_current() -> None:
    doc = Path(__file__).resolve().parents[2] / "docs" / "keyboard.md"
    assert keyboard_map_markdown() in doc.read_text(encoding="utf-8"), (
        "regenerate the table: python -c 'from player.gui.keymap import keyboard_map_markdown as "
        "k; print(k())'"
    )


def test_readme_keyboard_table_is_current() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert keyboard_map_markdown().strip() in readme
