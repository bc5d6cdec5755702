"""Where the app finds its own files, in a source tree, an installed wheel or a bundle."""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent


def assets_dir() -> Path:
    """The folder holding bundled stories, fonts and icons.

    A source checkout (or editable install) keeps it beside the package; a wheel
    installs it as ``player/_assets``; a PyInstaller bundle unpacks it under
    ``sys._MEIPASS``.
    """
    candidates = [_HERE / "_assets", _HERE.parent / "assets"]
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        candidates.insert(0, Path(bundle) / "assets")
    for candidate in candidates:
        if (candidate / "stories").is_dir():
            return candidate
    return candidates[-1]


def bundled_story_path() -> Path:
    """The story that ships with the app."""
    return assets_dir() / "stories" / "born-behind-bars" / "story.txt"
