"""An AT-SPI client that meets the app as a screen reader does; run by /usr/bin/python3.

Usage: ``atspi_client.py PID [--press NAME] [--text NAME]``. Finds the
application of process PID on the AT-SPI desktop, walks its accessible tree,
presses the button called NAME through the Action interface, reads the text
object called NAME through the Text interface, and prints one JSON object:
``app``, ``nodes`` (role, name, depth, states, actions), ``unnamed_focusable``,
``pressed``, ``after_press`` (the button's name afterwards) and ``text``.
Debian's pyatspi lives with the system Python, not in the project's venv.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

import pyatspi  # type: ignore[import-not-found]
from gi.repository import GLib  # type: ignore[import-not-found]

MAX_NODES = 3000
MAX_DEPTH = 30
STATES = ("focusable", "focused", "enabled", "visible", "showing", "editable", "read only")


def find_app(pid: int, timeout: float) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        desktop = pyatspi.Registry.getDesktop(0)
        for i in range(desktop.childCount):
            app = desktop.getChildAtIndex(i)
            try:
                if app is not None and app.get_process_id() == pid:
                    return app
            except Exception:  # an app that went away while we looked
                continue
        time.sleep(0.5)
    return None


def states_of(node: Any) -> list[str]:
    state = node.getState()
    return [
        name
        for name in STATES
        if state.contains(getattr(pyatspi, "STATE_" + name.upper().replace(" ", "_")))
    ]


def actions_of(node: Any) -> list[str]:
    try:
        action = node.queryAction()
    except NotImplementedError:
        return []
    return [action.getName(i) for i in range(action.nActions)]


def walk(root: Any) -> list[tuple[int, Any]]:
    out: list[tuple[int, Any]] = []
    stack = [(0, root)]
    while stack and len(out) < MAX_NODES:
        depth, node = stack.pop()
        out.append((depth, node))
        if depth >= MAX_DEPTH:
            continue
        kids = [node.getChildAtIndex(i) for i in range(node.childCount)]
        stack.extend((depth + 1, k) for k in reversed(kids) if k is not None)
    return out


# Role words by the enum's number ("push button"), not ``getRoleName()``: at-spi2-core
# renamed some roles' display names between releases ("push button" became "button" in
# Debian 13), while the number a screen reader switches on stayed the same.
ROLE_WORDS = {
    int(getattr(pyatspi, name)): name.removeprefix("ROLE_").replace("_", " ").lower()
    for name in dir(pyatspi)
    if name.startswith("ROLE_") and isinstance(getattr(pyatspi, name), int)
}


def role_name(node: Any) -> str:
    role = node.getRole()
    return ROLE_WORDS.get(int(role)) or str(node.getRoleName())


def survey(app: Any, ns: argparse.Namespace) -> tuple[dict[str, Any], Any, Any]:
    """Every node with its role, name, states and actions; the button to press and the
    text to read, if found."""
    report: dict[str, Any] = {"app": app.name, "nodes": [], "unnamed_focusable": []}
    button = None
    text_node = None
    for depth, node in walk(app):
        role = role_name(node)
        states = states_of(node)
        entry = {"depth": depth, "role": role, "name": node.name, "states": states}
        actions = actions_of(node)
        if actions:
            entry["actions"] = actions
        report["nodes"].append(entry)
        showing = "showing" in states
        if "focusable" in states and showing and not node.name.strip():
            report["unnamed_focusable"].append(role)
        if (
            button is None
            and showing
            and role in ("push button", "toggle button")
            and node.name == ns.press
        ):
            button = node
        if text_node is None and role == "text" and node.name == ns.text:
            text_node = node
    return report, button, text_node


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("pid", type=int)
    parser.add_argument("--press", default="Play")
    parser.add_argument("--text", default="Story text")
    parser.add_argument("--timeout", type=float, default=30.0)
    ns = parser.parse_args()
    app = find_app(ns.pid, ns.timeout)
    if app is None:
        print(json.dumps({"error": f"no accessible application for process {ns.pid}"}))
        return 2
    deadline = time.monotonic() + ns.timeout
    while True:
        try:
            report, button, text_node = survey(app, ns)
            break
        except GLib.GError as exc:
            # A node gone between being listed and being asked (the app still taking its
            # story in: rows and photo cards replaced). A screen reader asks again; so
            # does this, with a fresh walk.
            if "No such object" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.5)
    report["pressed"] = False
    if button is not None:
        action = button.queryAction()
        names = [action.getName(i) for i in range(action.nActions)]
        index = names.index("Press") if "Press" in names else 0
        report["press_actions"] = names
        report["pressed"] = bool(action.doAction(index))
        time.sleep(2.0)
        report["after_press"] = button.name
    if text_node is not None:
        text = text_node.queryText()
        report["text"] = {
            "length": text.characterCount,
            "start": text.getText(0, min(text.characterCount, 400)),
            "caret": text.caretOffset,
        }
    json.dump(report, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
