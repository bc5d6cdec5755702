"""Reads the app's contents list over AT-SPI as a screen reader does; run by /usr/bin/python3.

Usage: ``atspi_list.py PID [--name Contents]``. Prints one JSON object: ``selected``
(names the Selection interface reports, which Orca names on entering the list) and
``rows`` (name and states of each row).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

import pyatspi  # type: ignore[import-not-found]
from atspi_client import find_app, role_name, walk

STATES = ("focused", "selected", "selectable", "expandable", "expanded", "collapsed")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("pid", type=int)
    parser.add_argument("--name", default="Contents")
    ns = parser.parse_args()
    app = find_app(ns.pid, 30.0)
    if app is None:
        print(json.dumps({"error": f"no accessible application for process {ns.pid}"}))
        return 2
    views = [
        n
        for _, n in walk(app)
        if n.name == ns.name and role_name(n) in ("tree", "tree table", "list")
    ]
    if not views:
        print(json.dumps({"error": f"no list called {ns.name!r}"}))
        return 2
    view = views[0]
    selection = view.querySelection()
    report: dict[str, Any] = {
        "selected": [
            selection.getSelectedChild(i).name for i in range(selection.nSelectedChildren)
        ],
        "rows": [],
    }
    for i in range(view.childCount):
        row = view.getChildAtIndex(i)
        if row is None or role_name(row) in ("column header", "table column header"):
            continue
        state = row.getState()
        report["rows"].append(
            {
                "name": row.name,
                "states": [
                    s for s in STATES if state.contains(getattr(pyatspi, "STATE_" + s.upper()))
                ],
            }
        )
    json.dump(report, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
