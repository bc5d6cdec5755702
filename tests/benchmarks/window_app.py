"""Benchmark child: the Story Player window with the bundled story, as ``story-player`` opens it.

Prints "painted" when the reading pane first paints the story's text, then quits.
Settings are kept in memory so runs do not influence each other.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from player.core.settings import MemoryStore, Settings
from player.gui import app as app_module


def _quit() -> None:
    for widget in QApplication.topLevelWidgets():
        widget.close()
    QApplication.quit()


def _painted() -> None:
    print("painted", flush=True)
    QTimer.singleShot(0, _quit)


def main() -> int:
    app = app_module.ensure_application()
    window = app_module.create_window(sys.argv[1:], Settings(MemoryStore()))
    if window.story is None or not window.pane.toPlainText():
        print("no story text", file=sys.stderr)
        return 1
    # The text's first paint; not watched through viewport(), slow the first time in a
    # process (see ReadingPane.painted)
    window.pane.painted.connect(_painted, Qt.ConnectionType.SingleShotConnection)
    window.show()
    return int(app.exec())


if __name__ == "__main__":
    sys.exit(main())
