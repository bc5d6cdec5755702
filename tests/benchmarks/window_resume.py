"""Benchmark child: the window started as ``story-player`` starts it, from its settings.

The settings (found through XDG_CONFIG_HOME, written by :mod:`tests.benchmarks.startup`)
name the last story read and the sentence the reader stopped at. Prints "visible" at the
reading pane's first paint (the window on screen, "Loading…" or the text; the pane's frame
and its text area paint in the same pass), then
"resumed" at the first paint showing that sentence, and quits.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from player.core import gcpause  # as player.cli does, before the window's modules

if __name__ == "__main__":
    gcpause.hold_until_driven()

from player.gui.launch import Launch, prepare

#: As ``story-player`` starts (player.cli): the settings, and the first story's parsing in
#: a process of its own, before Qt is imported. Only when run as the benchmark's child.
LAUNCH: Launch | None = prepare([]) if __name__ == "__main__" else None

from PySide6.QtCore import QEvent, QObject, QRect, QTimer  # noqa: E402
from PySide6.QtGui import QTextCursor  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from player.core.settings import Settings  # noqa: E402
from player.gui import app as app_module  # noqa: E402
from player.gui.window import MainWindow  # noqa: E402
from player.platform.folders import settings_locations  # noqa: E402


def _quit() -> None:
    for widget in QApplication.topLevelWidgets():
        widget.close()
    QApplication.quit()


class _Paints(QObject):
    """Prints "visible" and "resumed" at those paints, then calls ``then`` (by default: quit)."""

    def __init__(self, window: MainWindow, sentence: int, then: Callable[[], None] = _quit) -> None:
        super().__init__()
        self.window = window
        self.sentence = sentence
        self.visible = False
        self.then = then

    def _shows_sentence(self) -> bool:
        window = self.window
        if window.story is None or not window.pane.ready or window.sentence != self.sentence:
            return False
        start, _end = window.pane.sentence_span(self.sentence)
        cursor = QTextCursor(window.pane.document())
        cursor.setPosition(start)
        # The viewport's rectangle, not asked of viewport() (see _text_painted)
        shown = QRect(0, 0, window.pane.width(), window.pane.verticalScrollBar().pageStep())
        return shown.intersects(window.pane.cursorRect(cursor))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self.visible:
            self.visible = True
            print("visible", flush=True)
            # The text's paints, as the window watches them (not through viewport(),
            # whose first call in a process is slow: see ReadingPane.painted).
            self.window.pane.painted.connect(self._text_painted)
        return False

    def _text_painted(self) -> None:
        if self._shows_sentence():
            print("resumed", flush=True)
            self.window.pane.painted.disconnect(self._text_painted)
            self.window.pane.removeEventFilter(self)
            QTimer.singleShot(0, self.then)


def main() -> int:
    sentence = int(sys.argv[1])
    # as player.gui.app.main: settings first, then Qt, then the window loading in the background
    settings = LAUNCH.settings if LAUNCH is not None else Settings.load(settings_locations())
    preload = LAUNCH.preload if LAUNCH is not None else None
    app = app_module.ensure_application()
    window = app_module.create_window([], settings, in_background=True, preload=preload)
    spy = _Paints(window, sentence)
    window.pane.installEventFilter(spy)
    window.show()
    return int(app.exec())


if __name__ == "__main__":
    sys.exit(main())
