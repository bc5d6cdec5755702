"""Benchmark child: a bare PySide6 window with one line of text.

Prints "painted" at its first paint, then quits.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow


class _FirstPaint(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            print("painted", flush=True)
            QTimer.singleShot(0, QApplication.quit)
            watched.removeEventFilter(self)
        return False


def main() -> int:
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    label = QLabel("Hello")
    window.setCentralWidget(label)
    spy = _FirstPaint()
    label.installEventFilter(spy)
    window.resize(1100, 720)
    window.show()
    return int(app.exec())


if __name__ == "__main__":
    sys.exit(main())
