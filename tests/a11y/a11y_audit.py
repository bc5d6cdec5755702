"""In-process accessibility audit of a widget tree, as a screen reader would meet it.

``audit_widget_tree(root)`` lists problems a screen-reader user would hit:
focusable controls without an accessible name or with no useful role, labels
that look like field labels but name no buddy, value controls without a value
interface, text panes a screen reader cannot read with the caret, and text
browsers (which AT-SPI exposes as a mere label). Window tests call it on their
window; an empty list means the tree passed.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractSlider,
    QAbstractSpinBox,
    QLabel,
    QPlainTextEdit,
    QTextBrowser,
    QTextEdit,
    QWidget,
)

# Roles that tell a screen-reader user nothing about what a focusable widget does.
_VAGUE_ROLES = {QAccessible.Role.NoRole, QAccessible.Role.Client}


def describe_widget(widget: QWidget) -> str:
    """``Class "objectName"`` or ``Class in Parent`` for messages."""
    name = widget.objectName()
    if name:
        return f'{type(widget).__name__} "{name}"'
    parent = widget.parentWidget()
    where = f" in {type(parent).__name__}" if parent is not None else ""
    text = getattr(widget, "text", None)
    label = ""
    if callable(text):
        value = text()
        if isinstance(value, str) and value:
            label = f' "{value[:30]}"'
    return f"{type(widget).__name__}{label}{where}"


def _is_focusable(widget: QWidget) -> bool:
    # A widget with a focus proxy (a spin box's inner line edit) hands focus on: the proxy
    # is what a screen reader meets, and it is audited itself.
    return (
        bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus)
        and widget.isEnabled()
        and widget.focusProxy() is None
    )


def _shown(widget: QWidget, root: QWidget) -> bool:
    return widget is root or (not widget.isHidden() and widget.isVisibleTo(root))


def audit_widget(widget: QWidget) -> list[str]:
    """Problems of one widget."""
    problems: list[str] = []
    iface = QAccessible.queryAccessibleInterface(widget)
    who = describe_widget(widget)
    if iface is None or not iface.isValid():
        if _is_focusable(widget):
            problems.append(f"{who}: focusable but has no accessible interface")
        return problems
    name = iface.text(QAccessible.Text.Name).strip()
    if _is_focusable(widget):
        if not name:
            problems.append(f"{who}: focusable but has no accessible name")
        if iface.role() in _VAGUE_ROLES:
            problems.append(f"{who}: focusable but its role ({iface.role().name}) says nothing")
    if isinstance(widget, QLabel) and widget.buddy() is None:
        text = widget.text()
        if "&" in text.replace("&&", "") or text.rstrip().endswith(":"):
            problems.append(f'{who}: reads like a field label ("{text}") but has no buddy')
    if isinstance(widget, QAbstractSlider | QAbstractSpinBox) and iface.valueInterface() is None:
        problems.append(f"{who}: a value control without a value interface")
    if isinstance(widget, QTextBrowser):
        problems.append(f"{who}: a text browser is exposed as a label; its text is not read")
    elif isinstance(widget, QTextEdit | QPlainTextEdit):
        if widget.isReadOnly() and not (
            widget.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByKeyboard
        ):
            problems.append(
                f"{who}: read-only text without a keyboard caret: a screen reader cannot read it"
            )
        if iface.textInterface() is None:
            problems.append(f"{who}: text widget without a text interface")
    return problems


def audit_widget_tree(root: QWidget) -> list[str]:
    """Problems of ``root`` and every shown widget under it, in tree order."""
    problems: list[str] = []
    for widget in [root, *root.findChildren(QWidget)]:
        if _shown(widget, root):
            problems += audit_widget(widget)
    return problems


def accessible_summary(root: QWidget) -> list[tuple[str, str, str]]:
    """(class, role, name) of every shown focusable widget: what Tab walks through."""
    rows: list[tuple[str, str, str]] = []
    for widget in [root, *root.findChildren(QWidget)]:
        if _shown(widget, root) and _is_focusable(widget):
            iface = QAccessible.queryAccessibleInterface(widget)
            if iface is not None:
                rows.append(
                    (type(widget).__name__, iface.role().name, iface.text(QAccessible.Text.Name))
                )
    return rows
