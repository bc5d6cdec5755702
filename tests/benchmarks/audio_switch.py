"""Moving the sound to another device while it plays (not part of the pass/fail suite).

Run from the repository root, with a PulseAudio server running (``.ci/services.sh`` starts
one; the benchmark adds two null sinks of its own and removes them after)::

    .venv/bin/python -m tests.benchmarks.audio_switch -n 20

Plays a long stream through :class:`player.qtaudio.QtAudioOutput` and moves it between the
two sinks ``n`` times, as Play > Audio Output does. Reports the time from the choice until
the sink on the new device has started, and how much audio the switch left unheard (what
the old sink held in its buffer). The reference, in the same run: closing the output and
opening a new one on the other device with a new stream, which is what restarting the
sentence would cost before its first frame is even synthesised.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication

from player.core.audiodevice import DeviceChoice
from player.core.playback.stream import PcmStream, Piece
from player.qtaudio import AudioRoute, QtAudioOutput

RATE = 22_050
SINKS = ("bench_sink_a", "bench_sink_b")


def _pactl(*args: str) -> str:
    done = subprocess.run(["pactl", *args], capture_output=True, text=True, timeout=10)
    if done.returncode != 0:
        raise SystemExit(f"pactl {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout.strip()


def _wait(condition: object, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise SystemExit("timed out")
        QCoreApplication.processEvents()
        time.sleep(0.0005)


def _stream(seconds: float) -> PcmStream:
    stream = PcmStream(RATE)
    stream.write(b"\0\1" * int(RATE * seconds), Piece(0))
    stream.finish()
    return stream


def _p(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, round(q * (len(values) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=20, help="switches (default 20)")
    ns = parser.parse_args()
    try:
        _pactl("info")
    except (OSError, SystemExit):
        sys.exit("no PulseAudio server is running (.ci/services.sh starts one)")
    app = QCoreApplication([])
    modules = [
        _pactl("load-module", "module-null-sink", f"sink_name={name}",
               f"sink_properties=device.description={name}")
        for name in SINKS
    ]  # fmt: skip
    try:
        route = AudioRoute()
        route.set_choice(DeviceChoice(SINKS[0]))
        output = QtAudioOutput(RATE, route=route)
        output.start(_stream(ns.n * 2 + 30))
        _wait(lambda: output.frames_played() > 0)
        switch_ms: list[float] = []
        skipped_ms: list[float] = []
        for n in range(ns.n):
            target = SINKS[(n + 1) % 2]
            time.sleep(0.3)  # let the new sink play a while, as a reader would
            start = time.perf_counter()
            route.set_choice(DeviceChoice(target))
            _wait(lambda t=target: output.current_device == t)
            switch_ms.append((time.perf_counter() - start) * 1000)
            skipped_ms.append(output._host.skipped_us / 1000)
        output.close()

        reopen_ms: list[float] = []
        for n in range(ns.n):
            route.set_choice(DeviceChoice(SINKS[n % 2]))
            start = time.perf_counter()
            fresh = QtAudioOutput(RATE, route=route)
            fresh.start(_stream(1))
            reopen_ms.append((time.perf_counter() - start) * 1000)
            fresh.close()
        del app
    finally:
        for module in modules:
            _pactl("unload-module", module)
    for label, values in (
        ("switch: choice → sink started on the new device", switch_ms),
        ("switch: audio left unheard (old sink's buffer)", skipped_ms),
        ("reference: new output opened and started there", reopen_ms),
    ):
        print(
            f"{label:<52} p50 {statistics.median(values):7.1f} ms"
            f"  p95 {_p(values, 0.95):7.1f} ms  (n={len(values)})"
        )


if __name__ == "__main__":
    main()
