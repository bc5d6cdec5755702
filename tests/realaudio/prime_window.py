"""Child of the real-audio test: the real window primes the real engine and Qt audio output.

Opens the bundled story in the window with the real playback (espeak-ng, Qt audio on the
default sound server), shows it, keeps the event loop running until the playback says it
is primed, and prints one JSON line: what was loaded and opened, and whether the GUI thread
went on handling events meanwhile.
"""

from __future__ import annotations

import json
import sys
import time

from PySide6.QtCore import QTimer

from player.core.settings import MemoryStore, Settings
from player.core.storyfile import load_story
from player.gui import app as app_module
from player.gui.window import MainWindow
from player.paths import bundled_story_path


def main() -> int:
    app = app_module.ensure_application()
    window = MainWindow(
        Settings(MemoryStore()),
        playback_factory=app_module.real_playback,
        voice_lister=app_module.real_voices,
    )
    window.set_story(load_story(bundled_story_path()))
    ticks: list[float] = []
    heartbeat = QTimer()
    heartbeat.setInterval(5)
    heartbeat.timeout.connect(lambda: ticks.append(time.perf_counter()))
    heartbeat.start()
    window.show()
    deadline = time.monotonic() + 30
    playback = None
    while time.monotonic() < deadline:
        app.processEvents()
        playback = window.playback
        if playback is not None and playback.wait_primed(0):  # type: ignore[attr-defined]
            break
        time.sleep(0.002)
    primed_ok = playback is not None and playback.wait_primed(0)  # type: ignore[attr-defined]
    output = playback._output.current if playback is not None else None  # type: ignore[attr-defined]
    synth = playback._synth if playback is not None else None  # type: ignore[attr-defined]
    report = {
        "primed": primed_ok,
        "output": type(output).__name__,
        "output_primed": bool(getattr(output, "primed", False)),
        "sink_open": getattr(getattr(output, "_host", None), "sink", None) is not None,
        "voice_loads": getattr(synth, "voice_loads", None),
        "ticks": len(ticks),
    }
    window.close()
    print(json.dumps(report), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
