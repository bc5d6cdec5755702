"""A scripted patron session on a library workstation leaves no trace on disk.

The app runs as a subprocess (``story-player --workstation`` through script_runner.py
beside this file, offscreen Qt) with HOME, every XDG base directory and TMPDIR inside a
fresh folder. The patron, driven by a JSON script, opens a story from the library list,
adds a bookmark, changes the rate, plays and stops, is refused a story from outside the
library and a close, then leaves; the idle warning comes, the countdown runs out and the
player is back at the library with defaults. Then the administrator's keys quit. Every
file and folder under HOME and TMPDIR must have the same size and modification time as
before, and nothing may be added or removed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The app's entry point with a scripted patron in the workstation session.
RUNNER = Path(__file__).resolve().with_name("script_runner.py")
STORY = """\
title: A library test story
language: en

== personal-story: One

A first person speaks. Then more. And a third sentence.

== personal-story: Two

Another person.

== end
"""

Snapshot = dict[str, tuple[str, int, int]]


def snapshot(*roots: Path) -> Snapshot:
    """Every entry under ``roots``: kind, size and mtime (ns), by path."""
    found: Snapshot = {}
    for root in roots:
        for dirpath, dirnames, filenames in os.walk(root):
            for name in [*dirnames, *filenames]:
                path = Path(dirpath) / name
                info = path.lstat()
                kind = "dir" if path.is_dir() and not path.is_symlink() else "file"
                found[str(path)] = (kind, info.st_size if kind == "file" else 0, info.st_mtime_ns)
        info = root.lstat()
        found[str(root)] = ("root", 0, info.st_mtime_ns)
    return found


def make_home(base: Path) -> dict[str, str]:
    """A home with lived-in XDG folders, a user settings file and a library; the environment."""
    home = base / "home"
    for sub in (".config/story-player", ".local/share", ".cache", ".local/state"):
        (home / sub).mkdir(parents=True)
    # The patron's own settings must be neither read nor written on a workstation.
    (home / ".config/story-player/settings.json").write_text('{"rate": 300}\n', encoding="utf-8")
    library = home / ".local/share/story-player/stories"
    (library / "test-story").mkdir(parents=True)
    (library / "test-story/story.txt").write_text(STORY, encoding="utf-8")
    (library / "broken.story.txt").write_text("title: Broken\n", encoding="utf-8")
    system = base / "system"
    (system / "story-player").mkdir(parents=True)
    tmp = base / "tmp"
    tmp.mkdir()
    runtime = base / "runtime"
    runtime.mkdir(mode=0o700)
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local/share"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_STATE_HOME": str(home / ".local/state"),
        "XDG_CONFIG_DIRS": str(system),
        "XDG_RUNTIME_DIR": str(runtime),
        "TMPDIR": str(tmp),
        "QT_QPA_PLATFORM": "offscreen",
        # No screen reader to ask: the question would go over D-Bus to the real session.
        "STORY_PLAYER_SCREEN_READER": "0",
        "PYTHONPATH": str(ROOT),
        "LANG": "C.UTF-8",
    }


def run_session(
    base: Path, env: dict[str, str], steps: list[dict[str, Any]], *args: str
) -> tuple[int, list[dict[str, Any]], str]:
    script = base / "script.json"  # outside HOME and TMPDIR: the test's own file
    script.write_text(
        json.dumps(
            {"timing": {"idle_seconds": 2, "warning_seconds": 2, "tick_ms": 100}, "steps": steps}
        ),
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, str(RUNNER), str(script), "--workstation", *args],
        env=env,
        cwd=base,
        capture_output=True,
        text=True,
        timeout=90,
    )
    lines = [json.loads(x) for x in done.stdout.splitlines() if x.startswith("{")]
    return done.returncode, lines, done.stderr


def by_name(lines: list[dict[str, Any]], name: str) -> dict[str, Any]:
    return next(line for line in lines if line.get("name") == name)


PATRON = [
    {"do": "wait_for", "what": "library", "name": "start"},
    {"do": "choose", "title": "A library test story"},
    {"do": "wait_for", "what": "playback"},
    {"do": "key", "keys": "Ctrl+3"},
    {"do": "key", "keys": "Ctrl+B"},
    {"do": "key", "keys": "Return"},
    {"do": "key", "keys": "Ctrl+]"},
    {"do": "key", "keys": "Ctrl+2", "delay_ms": 600},
    {"do": "key", "keys": "Ctrl+4"},
    {"do": "report", "name": "changed"},
    {"do": "open", "path": "outside.story.txt", "name": "outside"},
    {"do": "close", "name": "close"},
    {"do": "key", "keys": "Ctrl+Q", "name": "ctrl-q"},
    {"do": "wait_for", "what": "warning", "name": "warning"},
    {"do": "wait_for", "what": "reset", "name": "reset"},
    {"do": "wait_for", "what": "library", "name": "after"},
    {"do": "admin_quit"},
]


@pytest.mark.slow
def test_patron_session_leaves_home_and_temp_untouched(tmp_path: Path) -> None:
    env = make_home(tmp_path)
    (tmp_path / "outside.story.txt").write_text(STORY, encoding="utf-8")
    roots = (Path(env["HOME"]), Path(env["TMPDIR"]))
    before = snapshot(*roots)

    status, lines, stderr = run_session(tmp_path, env, PATRON)

    assert status == 0, stderr + "\n".join(map(str, lines))
    assert all(line["ok"] for line in lines), lines
    start = by_name(lines, "start")["state"]
    assert start["full_screen"] and start["library_open"] and not start["quit_enabled"]
    assert start["library_rows"][0].startswith("Children born and raised in Mexican prisons.")
    assert any(
        r.startswith("A library test story. 2 personal stories.") for r in start["library_rows"]
    )
    assert any(r.startswith("broken.story.txt: cannot be opened") for r in start["library_rows"])

    changed = by_name(lines, "changed")["state"]
    assert changed["title"] == "A library test story"
    assert changed["bookmarks"] == 1
    assert changed["rate"] == 200  # the user's file said 300: it was not read
    assert changed["memory_only"]

    outside = by_name(lines, "outside")
    assert outside["opened"] is False and "not in the library" in outside["message"]
    assert by_name(lines, "close")["state"]["refused_closes"] == 1
    assert by_name(lines, "close")["state"]["visible"]

    after = by_name(lines, "after")["state"]
    assert after["resets"] == 1
    assert after["title"] == "Children born and raised in Mexican prisons"
    assert after["rate"] == 175 and after["bookmarks"] == 0 and after["sentence"] == 0
    assert after["library_open"] and after["full_screen"]

    after_snapshot = snapshot(*roots)
    added = sorted(set(after_snapshot) - set(before))
    removed = sorted(set(before) - set(after_snapshot))
    changed_entries = sorted(
        p for p in set(before) & set(after_snapshot) if before[p] != after_snapshot[p]
    )
    assert (added, removed, changed_entries) == ([], [], [])
    # The private scratch folder on the RAM disk is gone too.
    assert not any(Path(env["XDG_RUNTIME_DIR"]).glob("story-player-session-*"))


@pytest.mark.slow
def test_locked_rate_holds_on_a_workstation(tmp_path: Path) -> None:
    env = make_home(tmp_path)
    system_file = Path(env["XDG_CONFIG_DIRS"]) / "story-player/settings.toml"
    system_file.write_text('rate = 160\nlocked = ["rate"]\nidle_minutes = 10\n', encoding="utf-8")
    steps = [
        {"do": "wait_for", "what": "library"},
        {"do": "key", "keys": "Escape"},
        {"do": "key", "keys": "Ctrl+]"},
        {"do": "report", "name": "locked"},
        {"do": "admin_quit"},
    ]
    status, lines, stderr = run_session(tmp_path, env, steps)
    assert status == 0, stderr
    locked = by_name(lines, "locked")["state"]
    assert locked["rate"] == 160 and not locked["rate_enabled"]


@pytest.mark.slow
def test_system_file_can_force_workstation_mode(tmp_path: Path) -> None:
    env = make_home(tmp_path)
    system_file = Path(env["XDG_CONFIG_DIRS"]) / "story-player/settings.toml"
    system_file.write_text("workstation = true\n", encoding="utf-8")
    script = tmp_path / "script.json"
    script.write_text(
        json.dumps({"steps": [{"do": "report", "name": "forced"}, {"do": "admin_quit"}]}),
        encoding="utf-8",
    )
    # Without --workstation on the command line.
    done = subprocess.run(
        [sys.executable, str(RUNNER), str(script)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    lines = [json.loads(x) for x in done.stdout.splitlines() if x.startswith("{")]
    forced = by_name(lines, "forced")["state"]
    assert forced["full_screen"] and forced["memory_only"] and not forced["quit_enabled"]


@pytest.mark.slow
def test_a_script_that_cannot_be_read_fails_the_run(tmp_path: Path) -> None:
    env = make_home(tmp_path)
    done = subprocess.run(
        [sys.executable, str(RUNNER), str(tmp_path / "missing.json"), "--workstation"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    lines = [json.loads(x) for x in done.stdout.splitlines() if x.startswith("{")]
    assert done.returncode == 3, done.stderr
    assert lines[0]["ok"] is False and "missing.json" in lines[0]["error"]
