"""Benchmark child: the window resumed as ``window_resume.py`` starts it, then reading aloud.

Prints "visible" and "resumed" as :mod:`tests.benchmarks.window_resume` does, then
presses Play (the app's own playback: the Qt audio output, or the silent clock when there
is no sound device, both in real time) and lets it read ``SENTENCES`` sentences on from
the one stopped at, sampling the process's resident memory every 50 ms. Then prints
``read N RSS_KB READING_PEAK_KB HWM_KB`` (from /proc/self/status: VmRSS at the end, the
largest VmRSS seen while reading, VmHWM, the peak of the whole process) and quits.

Usage: ``window_read.py SENTENCE [SENTENCES]`` (SENTENCES defaults to 3).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from PySide6.QtCore import QTimer

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from player.core.settings import Settings
from player.gui import app as app_module
from player.gui.window import MainWindow
from player.platform.folders import settings_locations
from tests.benchmarks.window_resume import _Paints, _quit

#: a reading that has not got that far by then is reported as it stands
LIMIT_S = 40.0


def memory_kb() -> dict[str, int]:
    """VmRSS and VmHWM of this process, in kB."""
    found: dict[str, int] = {}
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                found[key] = int(value.split()[0])
    return found


class _Reading:
    """Play from where the reader stopped; report memory once ``sentences`` are read."""

    def __init__(self, window: MainWindow, sentences: int) -> None:
        self.window = window
        self.sentences = sentences
        self.began = 0.0
        self.start = 0
        self.peak = 0
        self.timer = QTimer()
        self.timer.setInterval(50)
        self.timer.timeout.connect(self._sample)

    def play(self) -> None:
        self.start = self.window.sentence
        self.began = time.monotonic()
        self.window.cmd_play_pause()
        self.timer.start()

    def _sample(self) -> None:
        self.peak = max(self.peak, memory_kb()["VmRSS"])
        read = self.window.sentence - self.start
        if read < self.sentences and time.monotonic() - self.began < LIMIT_S:
            return
        self.timer.stop()
        memory = memory_kb()
        print(f"read {read} {memory['VmRSS']} {self.peak} {memory['VmHWM']}", flush=True)
        self.window.cmd_stop()
        QTimer.singleShot(0, _quit)


def main() -> int:
    sentence = int(sys.argv[1])
    sentences = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    # as player.gui.app.main: settings first, then Qt, then the window loading in the background
    settings = Settings.load(settings_locations())
    app = app_module.ensure_application()
    window = app_module.create_window([], settings, in_background=True)
    reading = _Reading(window, sentences)
    spy = _Paints(window, sentence, then=reading.play)
    window.pane.installEventFilter(spy)  # as window_resume watches it
    window.show()
    return int(app.exec())


if __name__ == "__main__":
    sys.exit(main())
