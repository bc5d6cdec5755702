"""Imported first by every accessibility test: offscreen Qt and settings that are thrown away.

A module rather than a conftest.py: tests/gui imports helpers with ``from conftest
import ...``, and a second conftest module would shadow its own.
"""

from __future__ import annotations

import os
import tempfile

# pytest-qt creates the QApplication at the first test that needs it, after this has run.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if "story-player-test" not in os.environ.get("XDG_CONFIG_HOME", ""):
    _CONFIG = tempfile.mkdtemp(prefix="story-player-test-a11y-")
    os.environ["XDG_CONFIG_HOME"] = _CONFIG
    os.environ["XDG_CONFIG_DIRS"] = os.path.join(_CONFIG, "system")
