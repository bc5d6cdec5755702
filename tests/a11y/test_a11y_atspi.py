"""The app over a real AT-SPI bus, met from another process the way a screen reader meets it."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import a11y_env  # noqa: F401  (offscreen Qt, throwaway settings: before any window)
import pytest
from a11y_desktop import SYSTEM_PYTHON, DesktopSession, missing_tools, system_pyatspi

HERE = Path(__file__).resolve().parent

pytestmark = [
    pytest.mark.atspi,
    pytest.mark.skipif(bool(missing_tools()), reason=f"missing: {', '.join(missing_tools())}"),
    pytest.mark.skipif(not system_pyatspi(), reason="/usr/bin/python3 has no pyatspi"),
]


def test_a_screen_reader_can_walk_press_and_read() -> None:
    with DesktopSession() as session:
        app = session.start_app()
        window = session.window_id(app.pid, timeout=60)
        session.focus(window)
        done = subprocess.run(
            [str(SYSTEM_PYTHON), str(HERE / "atspi_client.py"), str(app.pid)],
            env=session.env, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert app.poll() is None, session.log("app.log")[-2000:]
        assert done.returncode == 0, done.stdout + done.stderr
        report = json.loads(done.stdout)
    roles = {(n["role"], n["name"]) for n in report["nodes"]}
    assert report["app"] == "Story Player"
    assert ("frame", next(n["name"] for n in report["nodes"] if n["role"] == "frame")) in roles
    # The reading pane is text a screen reader can read, not a label.
    assert report["text"]["length"] > 1000
    assert "Children born and raised in Mexican prisons" in report["text"]["start"]
    # Play is a real button with a Press action, and pressing it works over the bus.
    buttons = [n for n in report["nodes"] if "button" in n["role"]]
    assert report["pressed"] is True, (report.get("press_actions"), buttons)
    assert report["after_press"] in ("Play", "Pause")
    for name in ("Rate", "Volume", "Previous Segment", "Next Segment"):
        assert any(n["name"] == name for n in report["nodes"]), name
    # A combo box is named by its current item; its "Voice:" label reaches Orca as a relation.
    assert any(n["role"] == "combo box" for n in report["nodes"])
    assert report["unnamed_focusable"] == []


def test_the_contents_list_names_the_row_the_reader_chose() -> None:
    """After choosing a segment and coming back, the list's selection, its focused row and
    the segment are one row; rows are never "expanded"; headings say what they hold."""
    with DesktopSession() as session:
        app = session.start_app()
        window = session.window_id(app.pid, timeout=60)
        session.focus(window)
        time.sleep(1.5)
        # The window opens in the contents list, on the first segment; six rows down is the
        # fourth segment (headings are rows too). Enter goes there, Shift+Tab comes back.
        session.keys(*(["Down"] * 6), "Return", "shift+Tab", pause=0.6)
        done = subprocess.run(
            [str(SYSTEM_PYTHON), str(HERE / "atspi_list.py"), str(app.pid)],
            env=session.env, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert app.poll() is None, session.log("app.log")[-2000:]
        assert done.returncode == 0, done.stdout + done.stderr
        report = json.loads(done.stdout)
    rows = report["rows"]
    focused = [r["name"] for r in rows if "focused" in r["states"]]
    assert len(focused) == 1 and focused[0].startswith("Leaving prison and the debate"), rows
    assert focused[0].endswith(", being read")  # the segment the voice is on
    assert report["selected"] == focused
    assert not any({"expanded", "expandable", "collapsed"} & set(r["states"]) for r in rows)
    headings = [r["name"] for r in rows if r["name"].endswith(("segment", "segments"))]
    assert "Personal stories, 2 segments" in headings and len(headings) == 5
