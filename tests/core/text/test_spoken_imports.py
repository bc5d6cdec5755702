"""The emoji package loads only for a story that needs it (issue 14: start-up).

Its tables take some 17 ms to load, on the thread that opens the story at every start;
English emoji names come from Python's own Unicode database.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

PROBE = """
import sys
from player.core.storyfile import load_story
from player.core.text.spoken import to_spoken
from player.paths import bundled_story_path

load_story(bundled_story_path())
print("after the bundled story:", "emoji" in sys.modules)
print(to_spoken("Fiesta \\U0001f389 hoy.", language="en").text)
print("after an English emoji:", "emoji" in sys.modules)
print(to_spoken("Fiesta \\U0001f389 hoy.", language="es").text)
print("after a Spanish emoji:", "emoji" in sys.modules)
"""


def test_emoji_package_loads_only_for_another_language_s_emoji() -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
        check=True,
    )
    lines = done.stdout.splitlines()
    assert lines[0] == "after the bundled story: False"
    assert "party popper" in lines[1]
    assert lines[2] == "after an English emoji: False"
    assert "party popper" not in lines[3]  # the Spanish name, from the emoji package
    assert lines[4] == "after a Spanish emoji: True"
