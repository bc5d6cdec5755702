"""The installed PySide6 keeps Python's reference counts straight.

PySide6 6.12.0 drops a reference to None each time a Qt call returns nothing; on Python 3.11
a long session (a library workstation runs for days) then aborts with "deallocating None".
pyproject.toml keeps that release out on 3.11; this test catches a binding that regresses.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication, QWidget


def test_qt_calls_returning_nothing_keep_none_alive() -> None:
    app = QApplication.instance() or QApplication([])
    widget = QWidget()
    before = sys.getrefcount(None)
    for _ in range(2000):
        QApplication.focusWidget()
        QApplication.activeModalWidget()
        widget.parentWidget()
    # Other threads may hold or drop a few references meanwhile; a leak would be ~6000.
    assert abs(sys.getrefcount(None) - before) < 100
    assert app is not None
