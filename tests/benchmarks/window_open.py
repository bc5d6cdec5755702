"""How long the window takes to show the story, next to a bare PySide6 window.

Run: ``.venv/bin/python tests/benchmarks/window_open.py [-n 15] [--xvfb]``

Launches ``window_bare.py`` and ``window_app.py`` alternately as subprocesses (so
both see the same machine state), timing each from launch to its first paint of
text, and reports p50/p95 of each and the ratio of the medians. The target is a
ratio of at most 2.5. Offscreen by default; ``--xvfb`` starts Xvfb and uses xcb.
Exit status 1 when the ratio is over the limit.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
LIMIT = 2.5


def _time_child(script: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    with subprocess.Popen(
        [sys.executable, str(script)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        text=True,
    ) as child:
        assert child.stdout is not None
        line = child.stdout.readline()
        elapsed = time.perf_counter() - start
        child.wait(timeout=30)
    if line.strip() != "painted":
        raise RuntimeError(f"{script.name} did not paint (exit status {child.returncode})")
    return elapsed


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def _start_xvfb(env: dict[str, str]) -> subprocess.Popen[bytes]:
    if shutil.which("Xvfb") is None:
        raise SystemExit("Xvfb is not installed")
    display = ":97"
    server = subprocess.Popen(["Xvfb", display, "-screen", "0", "1280x1024x24", "-nolisten", "tcp"])
    time.sleep(1.0)
    env["DISPLAY"] = display
    env["QT_QPA_PLATFORM"] = "xcb"
    return server


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--runs", type=int, default=15, help="launches of each (default 15)")
    parser.add_argument("--xvfb", action="store_true", help="run under Xvfb instead of offscreen")
    ns = parser.parse_args()
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(HERE.parents[1]), env.get("PYTHONPATH")) if p
    )
    server = _start_xvfb(env) if ns.xvfb else None
    try:
        # One untimed launch of each warms the disk cache for both alike.
        _time_child(HERE / "window_bare.py", env)
        _time_child(HERE / "window_app.py", env)
        bare: list[float] = []
        app: list[float] = []
        for _ in range(ns.runs):
            bare.append(_time_child(HERE / "window_bare.py", env))
            app.append(_time_child(HERE / "window_app.py", env))
    finally:
        if server is not None:
            server.terminate()
            server.wait()
    ratio = statistics.median(app) / statistics.median(bare)
    platform = "xcb (Xvfb)" if ns.xvfb else env["QT_QPA_PLATFORM"]
    print(f"platform: {platform}; {ns.runs} launches each, alternating")
    for name, values in (("bare PySide6 window", bare), ("Story Player window", app)):
        print(
            f"{name:22} p50 {statistics.median(values) * 1000:7.1f} ms   "
            f"p95 {_percentile(values, 0.95) * 1000:7.1f} ms"
        )
    print(f"ratio of medians: {ratio:.2f} (limit {LIMIT})")
    return 0 if ratio <= LIMIT else 1


if __name__ == "__main__":
    sys.exit(main())
