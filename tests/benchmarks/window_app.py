"""Benchmark child: the Story Player window with the bundled story, as ``story-player`` opens it.

Prints "painted" when the reading pane first paints the story's text, then quits.
Settings are kept in memory so runs do not influence each other.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from player.core.settings import MemoryStore, Settings
from player.gui import app as app_module


def _quit() -> None:
    for widget in QApplication.topLevelWidgets():
        widget.close()
    QApplication.quit()


class _FirstPaint(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            print("painted", flush=True)
            QTimer.singleShot(0, _quit)
            watched.removeEventFilter(self)
        return False


def main() -> int:
    app = app_module.ensure_application()
    window = app_module.create_window(sys.argv[1:], Settings(MemoryStore()))
    if window.story is None or not window.pane.toPlainText():
        print("no story text", file=sys.stderr)
        return 1
    spy = _FirstPaint()
    window.pane.viewport().installEventFilter(spy)
    window.show()
    return int(app.exec())


if __name__ == "__main__":
    sys.exit(main())
