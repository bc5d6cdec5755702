"""A long random session in the real window: thousands of keys a reader might press.

Run from the project folder (the CI test runs a shorter one, see test_gui_soak.py)::

    python -m tests.soak.gui_soak --actions 10000 --checkpoint 1000 --seed 1

It starts the window as ``story-player`` does (:func:`player.gui.app.create_window`),
offscreen, with settings in memory and a library of two stories, and real espeak-ng
speech through the real playback. Sound goes to a silent clock running at four times
real time (``--audio qt`` plays it through Qt's audio output instead). Then, one action
per event-loop turn, it presses keys in whatever has the focus: window shortcuts for
every command but Quit, the reading pane's single keys, Tab and the arrows, menus by
Alt+letter, and inside dialogs and menus their own keys and Escape. A dialog's
``exec()`` blocks the action that opened it, so the next action is scheduled before each
one acts and runs inside the dialog's loop.

It prints one JSON line per checkpoint and one at the end: actions done, resident memory
(after a garbage collection and ``malloc_trim``, so that it counts what is held, not what
the allocator keeps), threads alive, the most threads seen, and every exception that
reached Qt's event loop (from ``sys.excepthook``) or was logged at ERROR. The exit status
is 0 when the session ran to the end, 1 when anything raised.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import faulthandler
import gc
import json
import logging
import os
import random
import shutil
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from player.core.model import Story
from player.core.playback import create_playback
from player.core.playback.api import Playback
from player.core.playback.output import AudioOutput, SilentClockOutput
from player.core.settings import MemoryStore, Settings
from player.gui import app as gui_app
from player.gui.keymap import COMMANDS
from player.gui.window import MainWindow
from player.paths import bundled_story_path

Key = Qt.Key
Mod = Qt.KeyboardModifier

#: commands a random key must not reach: Quit would end the session early, Export
#: (Enter in its dialog) would write talking books into the Documents folder, and Import
#: (Enter in its file dialog) would import whatever file of the working folder is selected
EXCLUDED = frozenset({"quit", "export", "import"})
#: keys that move around in any widget
MOVES = (
    Key.Key_Tab,
    Key.Key_Backtab,
    Key.Key_Up,
    Key.Key_Down,
    Key.Key_Left,
    Key.Key_Right,
    Key.Key_Home,
    Key.Key_End,
    Key.Key_PageUp,
    Key.Key_PageDown,
)
#: keys inside a dialog, Escape among them so that dialogs end
DIALOG_KEYS = (
    *MOVES,
    Key.Key_Space,
    Key.Key_Return,
    Key.Key_Delete,
    Key.Key_Escape,
    Key.Key_Escape,
    Key.Key_Escape,
)
MENU_KEYS = (
    Key.Key_Down,
    Key.Key_Up,
    Key.Key_Right,
    Key.Key_Left,
    Key.Key_Return,
    Key.Key_Escape,
    Key.Key_Escape,
)
MENU_LETTERS = "FPNVH"
#: an action taking longer than this is a hang
STALL_S = 60
#: milliseconds between actions, picked at random: mostly at once, sometimes listening
PAUSES_MS = (1,) * 30 + (50, 200)


def resident_kb() -> int:
    """Resident memory now, after returning freed memory to the system."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: noisier, still bounded
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def key_of(shortcut: str) -> tuple[Qt.Key, Qt.KeyboardModifier] | None:
    sequence = QKeySequence(shortcut)
    if sequence.count() != 1:
        return None
    combination = sequence[0]  # type: ignore[index]  # the stubs miss __getitem__
    return combination.key(), combination.keyboardModifiers()


def window_keys() -> list[tuple[str, Qt.Key, Qt.KeyboardModifier]]:
    """(what, key, modifiers) for every command's shortcuts and single keys."""
    keys = []
    for command in COMMANDS:
        if command.id in EXCLUDED:
            continue
        for shortcut in (*command.shortcuts, *command.pane_keys):
            parsed = key_of(shortcut)
            if parsed is not None:
                keys.append((command.id, *parsed))
    return keys


class Failures(logging.Handler):
    """Every exception that reached the event loop, and every error logged."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.items: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        trace = logging.Formatter().formatException(record.exc_info) if record.exc_info else ""
        self.items.append(f"logged: {record.name}: {record.getMessage()}\n{trace}")

    def excepthook(
        self, kind: type[BaseException], value: BaseException, tb: TracebackType | None
    ) -> None:
        text = "".join(traceback.format_exception(kind, value, tb))
        self.items.append(f"raised: {text}")
        sys.stderr.write(text)


class Collections:
    """Where the cyclic collector ran: the app collects on its GUI thread only
    (:func:`player.gui.startup.install_collector`), and must collect there at all."""

    def __init__(self) -> None:
        self.on_gui = 0
        self.elsewhere: list[str] = []
        gc.callbacks.append(self.record)

    def record(self, phase: str, _info: dict[str, int]) -> None:
        if phase != "start":
            return
        if threading.current_thread() is threading.main_thread():
            self.on_gui += 1
        else:
            self.elsewhere.append(threading.current_thread().name)


class Soak(QObject):
    """Presses one random key per event-loop turn until ``actions`` are done."""

    def __init__(
        self,
        window: MainWindow,
        rng: random.Random,
        actions: int,
        checkpoints: set[int],
        failures: Failures,
        report: Callable[[dict[str, Any]], None],
        collections: Collections | None = None,
    ) -> None:
        super().__init__()
        self.window = window
        self.rng = rng
        self.actions = actions
        self.checkpoints = checkpoints
        self.failures = failures
        self.report = report
        self.collections = collections or Collections()
        self.done = 0
        self.most_threads = threading.active_count()
        self.keys = window_keys()
        self.counts: dict[str, int] = {}
        self.started = time.perf_counter()
        self.finished = False

    def start(self) -> None:
        QTimer.singleShot(0, self.step)

    def step(self) -> None:
        # A session that stops moving is a hang: say where every thread is, and end.
        faulthandler.dump_traceback_later(STALL_S, exit=True)
        if self.done >= self.actions:
            self.finish()
            return
        self.done += 1
        # Before acting: an action that opens a dialog returns only when the dialog closes.
        # Now and then the reader listens a while, and the voice and highlight move on.
        QTimer.singleShot(self.rng.choice(PAUSES_MS), self.step)
        self.act()
        self.most_threads = max(self.most_threads, threading.active_count())
        if self.done in self.checkpoints:
            self.report(self.measure("checkpoint"))

    def measure(self, what: str) -> dict[str, Any]:
        return {
            "what": what,
            "actions": self.done,
            "rss_kb": resident_kb(),
            "threads": threading.active_count(),
            "most_threads": self.most_threads,
            "failures": len(self.failures.items),
            "collections_on_gui": self.collections.on_gui,
            "collections_elsewhere": len(self.collections.elsewhere),
            "seconds": round(time.perf_counter() - self.started, 1),
        }

    def press(
        self, target: QWidget, key: Qt.Key, modifiers: Qt.KeyboardModifier, what: str
    ) -> None:
        self.counts[what] = self.counts.get(what, 0) + 1
        QTest.keyClick(target, key, modifiers)

    def act(self) -> None:
        rng = self.rng
        popup = QApplication.activePopupWidget()
        if popup is not None:
            self.press(popup, rng.choice(MENU_KEYS), Mod.NoModifier, "menu key")
            return
        modal = QApplication.activeModalWidget()
        if modal is not None:
            # The dialog's own focus widget: offscreen, the application's focus may still be
            # in the window behind when the dialog has just opened.
            target = modal.focusWidget() or modal
            if rng.random() < 0.15:
                self.press(
                    target,
                    Key(rng.choice(range(Key.Key_A, Key.Key_Z + 1))),
                    Mod.NoModifier,
                    "dialog letter",
                )
            else:
                self.press(target, rng.choice(DIALOG_KEYS), Mod.NoModifier, "dialog key")
            return
        self.window.activateWindow()
        target = QApplication.focusWidget() or self.window
        roll = rng.random()
        if roll < 0.6:
            what, key, modifiers = rng.choice(self.keys)
            self.press(target, key, modifiers, what)
        elif roll < 0.9:
            self.press(target, rng.choice(MOVES), Mod.NoModifier, "move")
        elif roll < 0.95:
            self.press(target, Key(ord(rng.choice(MENU_LETTERS))), Mod.AltModifier, "menu")
        else:
            self.press(target, Key.Key_Escape, Mod.NoModifier, "escape")

    def finish(self) -> None:
        """Close what is open, one level per turn, then end the session."""
        closable = QApplication.activePopupWidget() or QApplication.activeModalWidget()
        if closable is not None:
            QTest.keyClick(closable.focusWidget() or closable, Key.Key_Escape)
            QTimer.singleShot(10, self.finish)
            return
        if self.finished:
            return
        self.finished = True
        faulthandler.cancel_dump_traceback_later()
        summary = self.measure("end")
        summary["keys"] = dict(sorted(self.counts.items()))
        for name in sorted(set(self.collections.elsewhere)):
            self.failures.items.append(f"a garbage collection ran on thread {name}")
        summary["failures"] = len(self.failures.items)
        summary["failure_texts"] = self.failures.items[:20]
        self.report(summary)
        self.window.close()
        QApplication.quit()


def make_library(root: Path) -> Path:
    """Two copies of the bundled story, each in its own folder as the docs lay them out."""
    bundled = bundled_story_path()
    for name in ("first", "second"):
        shutil.copytree(bundled.parent, root / name)
    return root / "first" / bundled.name


def playback_factory(audio: str) -> Callable[[Story], Playback]:
    if audio == "qt":
        return gui_app.real_playback

    def fast_silent(rate: int) -> AudioOutput:
        return SilentClockOutput(rate, speed=4.0)

    return lambda story: create_playback(story, fast_silent)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--actions", type=int, default=10_000)
    parser.add_argument("--checkpoint", type=int, action="append", default=[])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--audio", choices=("silent", "qt"), default="silent")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    ns = parse_args(sys.argv[1:] if argv is None else argv)
    failures = Failures()
    logging.getLogger().addHandler(failures)
    sys.excepthook = failures.excepthook
    app = gui_app.ensure_application()  # as story-player starts, allocator settings too
    collections = Collections()
    gui_app.playback_factory = playback_factory(ns.audio)
    with tempfile.TemporaryDirectory(prefix="story-player-soak-") as scratch:
        story = make_library(Path(scratch))
        window = gui_app.create_window([str(story), "--library", scratch], Settings(MemoryStore()))
        window.actions_by_id["quit"].setEnabled(False)
        window.actions_by_id["import"].setEnabled(False)  # not through the File menu either
        window.show()

        def report(line: dict[str, Any]) -> None:
            print(json.dumps(line), flush=True)

        soak = Soak(
            window,
            random.Random(ns.seed),
            ns.actions,
            set(ns.checkpoint),
            failures,
            report,
            collections,
        )
        soak.start()
        app.exec()
        window.shutdown()
    return 1 if failures.items or not soak.finished else 0


if __name__ == "__main__":
    sys.exit(main())
