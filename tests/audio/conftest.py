"""Setup for the Qt audio tests: Qt without a display, as the sink needs no window."""

from __future__ import annotations

import os

# Before anything imports Qt: the tests make a QApplication (pytest-qt's qapp), which
# would otherwise need a display server.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
