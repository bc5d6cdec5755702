"""A scripted patron for the workstation: runs the real app, driven by a JSON script.

Used by test_workstation_home_snapshot.py as a subprocess, in place of
``python -m player``::

    python tests/workstation/script_runner.py SCRIPT.json [story-player arguments]

It starts the app through its ordinary entry point (:func:`player.cli.main`), with one
change: the workstation's session is a :class:`ScriptedSession`, which shortens the
idle clock to the script's ``timing`` and plays its ``steps`` (:class:`ScriptRunner`).
Each step prints one JSON line on standard output; nothing is written to disk.
The script file may also be named by ``STORY_PLAYER_TEST_SCRIPT`` instead.

This is test code: it was once inside the app (player/gui/workstation.py) and is kept
out of the shipped package now, along with its use of QtTest.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from player.core.session import story_key
from player.core.settings import Settings
from player.core.workstation import WorkstationConfig
from player.gui import workstation
from player.gui.window import MainWindow
from player.gui.workstation import WorkstationSession

logger = logging.getLogger(__name__)

TEST_SCRIPT_VARIABLE = "STORY_PLAYER_TEST_SCRIPT"


class ScriptRunner(QObject):
    """Runs the steps of a JSON test script against a :class:`WorkstationSession`.

    The script is ``{"timing": {"idle_seconds": S, "warning_seconds": S, "tick_ms": MS},
    "steps": [{"do": ...}, ...]}``. Steps: ``wait_for`` (``what``: library, story,
    warning, reset, playback; ``timeout``), ``choose`` (``title`` in the library list,
    then Enter), ``key`` (``keys`` in QKeySequence text, sent to the focus widget),
    ``type`` (``text``), ``open`` (``path``, through the same gate as everything else),
    ``close`` (ask the window to close), ``report`` and ``admin_quit``. Each step prints
    one JSON line. A failed step prints ``"ok": false`` and ends the app with status 3.
    """

    def __init__(self, session: WorkstationSession, steps: list[dict[str, Any]]) -> None:
        super().__init__(session)
        self.session = session
        self.steps = steps
        self.index = 0
        self._deadline = 0.0

    @staticmethod
    def load(path: Path) -> dict[str, Any]:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not isinstance(data.get("steps"), list):
            raise ValueError(f"{path}: expected {{'steps': [...]}}")
        return data

    def start(self) -> None:
        QTimer.singleShot(200, self._run)

    def _emit(self, step: dict[str, Any], ok: bool, **info: Any) -> None:
        line = {"step": self.index, "do": step.get("do"), "name": step.get("name", ""), "ok": ok}
        print(json.dumps({**line, **info}), flush=True)

    def _next(self, delay_ms: int = 100) -> None:
        self.index += 1
        self._deadline = 0.0
        QTimer.singleShot(delay_ms, self._run)

    def _fail(self, step: dict[str, Any], why: str) -> None:
        self._emit(step, False, error=why, state=self.state())
        self.session.admin_quit(3)

    def _run(self) -> None:
        if self.index >= len(self.steps):
            return
        step = self.steps[self.index]
        try:
            done = self._do(step)
        except Exception as exc:  # report it as a failed step rather than a silent hang
            self._fail(step, f"{type(exc).__name__}: {exc}")
            return
        if done is None:  # still waiting
            if not self._deadline:
                self._deadline = time.monotonic() + float(step.get("timeout", 10))
            if time.monotonic() > self._deadline:
                self._fail(step, "timed out")
                return
            QTimer.singleShot(50, self._run)
            return
        if step.get("do") != "admin_quit":
            self._next(int(step.get("delay_ms", 100)))

    def _focus(self) -> QWidget:
        return (
            QApplication.focusWidget()
            or QApplication.activeModalWidget()
            or self.session.window
            or QWidget()
        )

    def _do(self, step: dict[str, Any]) -> bool | None:
        session = self.session
        window = session.window
        assert window is not None
        action = step.get("do")
        if action == "wait_for":
            what = step.get("what")
            ready: dict[str, Callable[[], bool]] = {
                "library": lambda: self._library() is not None and not self._library_scanning(),
                "story": lambda: window.story is not None,
                "warning": lambda: session.warning is not None and session.warning.isVisible(),
                "reset": lambda: session.resets >= int(step.get("count", 1)),
                "playback": lambda: window.playback is not None,
            }
            if not ready[str(what)]():
                return None
            self._emit(step, True, state=self.state())
            return True
        if action == "choose":
            dialog = self._library()
            if dialog is None:
                raise RuntimeError("the library list is not open")
            for row, entry in enumerate(dialog.entries):
                if entry.title == step.get("title"):
                    dialog.list.setCurrentRow(row)
                    dialog.list.setFocus(Qt.FocusReason.OtherFocusReason)
                    QTest.keyClick(dialog.list, Qt.Key.Key_Return)
                    self._emit(step, True, state=self.state())
                    return True
            raise RuntimeError(f"no story titled {step.get('title')!r}")
        if action in ("key", "type"):
            # Sent from the event loop, not from here: a key may open a modal dialog whose
            # nested loop must keep running the following steps.
            def send() -> None:
                if action == "key":
                    QTest.keySequence(self._focus(), QKeySequence(str(step["keys"])))
                else:
                    QTest.keyClicks(self._focus(), str(step["text"]))

            QTimer.singleShot(0, send)
            self._emit(step, True)
            return True
        if action == "open":
            opened = window.open_story(Path(str(step["path"])))
            box = window.error_box
            message = box.informativeText() if box is not None and box.isVisible() else ""
            self._emit(step, True, opened=opened, message=message)
            if box is not None:
                box.close()
            return True
        if action == "close":
            window.close()
            self._emit(step, True, state=self.state())
            return True
        if action == "report":
            self._emit(step, True, state=self.state())
            return True
        if action == "admin_quit":
            self._emit(step, True)
            QTest.keySequence(self._focus(), QKeySequence(session.config.admin_quit_keys))
            return True
        raise ValueError(f"unknown step {action!r}")

    def _library(self) -> Any:
        window = self.session.window
        dialog = window.library_dialog if window is not None else None
        with contextlib.suppress(RuntimeError):
            if dialog is not None and dialog.isVisible():
                return dialog
        return None

    def _library_scanning(self) -> bool:
        dialog = self._library()
        return bool(getattr(dialog, "scanning", False))

    def state(self) -> dict[str, Any]:
        """What a test checks: the window's visible state, as plain values."""
        session = self.session
        window = session.window
        if window is None:
            return {}
        story = window.story
        key = ""
        if story is not None:
            key = story_key(story)
        library = self._library()
        return {
            "title": story.meta.title if story is not None else "",
            "sentence": window.sentence,
            "rate": window.settings.rate,
            "rate_enabled": window.transport.rate.isEnabled(),
            "bookmarks": len(window.settings.bookmarks(key)) if key else 0,
            "recent": len(window.settings.recent_stories()),
            "memory_only": window.settings.memory_only,
            "full_screen": window.isFullScreen(),
            "visible": window.isVisible(),
            "quit_enabled": window.actions_by_id["quit"].isEnabled(),
            "library_open": library is not None,
            "library_rows": [library.list.item(i).text() for i in range(library.list.count())]
            if library is not None
            else [],
            "warning_open": session.warning is not None,
            "resets": session.resets,
            "refused_closes": session.refused_closes,
            "phase": session.policy.phase.value,
            "none_refs": sys.getrefcount(None),
        }


def timing_of(script: dict[str, Any]) -> tuple[float, float, int] | None:
    """(idle seconds, warning seconds, tick ms) from the script, when it sets them."""
    timing = script.get("timing")
    if not isinstance(timing, dict):
        return None
    return (
        float(timing.get("idle_seconds", 2)),
        float(timing.get("warning_seconds", 2)),
        int(timing.get("tick_ms", 100)),
    )


def scripted_session(script: dict[str, Any] | None, problem: str = "") -> type[WorkstationSession]:
    """A session class that runs ``script`` once its first window shows, or, when the
    script could not be read, reports ``problem`` and ends the app with status 3."""

    class ScriptedSession(WorkstationSession):
        def __init__(
            self,
            settings: Settings,
            config: WorkstationConfig,
            window_factory: Callable[[Settings], MainWindow],
            **options: Any,
        ) -> None:
            timing = timing_of(script) if script is not None else None
            if timing is not None:
                config = config.with_test_timing(timing[0], timing[1])
                options["tick_ms"] = timing[2]
            super().__init__(settings, config, window_factory, **options)

        def start(self, requested: Path | None = None) -> MainWindow:
            window = super().start(requested)
            if script is None:
                print(json.dumps({"step": -1, "ok": False, "error": problem}), flush=True)
                # From the event loop: an exit asked for before it runs would be lost.
                QTimer.singleShot(0, lambda: self.admin_quit(3))
            else:
                ScriptRunner(self, list(script["steps"])).start()
            return window

    return ScriptedSession


def main(argv: Sequence[str]) -> int:
    """Run ``story-player`` with ``argv[1:]`` as a patron following the script ``argv[0]``
    (or ``$STORY_PLAYER_TEST_SCRIPT`` when ``argv`` is empty or starts with an option)."""
    args = list(argv)
    if args and not args[0].startswith("-"):
        name = args.pop(0)
    else:
        name = os.environ.get(TEST_SCRIPT_VARIABLE, "")
    script: dict[str, Any] | None = None
    problem = ""
    try:
        script = ScriptRunner.load(Path(name))
    except (OSError, ValueError) as exc:
        # Reported by the session once the app runs, as a failed step the test can read.
        problem = str(exc)
        logger.debug("no script: %s", problem)
    # The app's own entry point finds run_workstation in its module at call time.
    workstation.run_workstation = functools.partial(
        workstation.run_workstation, session_type=scripted_session(script, problem)
    )
    from player.cli import main as story_player

    return story_player(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
