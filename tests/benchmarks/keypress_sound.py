"""Keypress to sound: a key sent to the real window to the first sound the server plays.

Run from the repository root::

    .venv/bin/python -m tests.benchmarks.keypress_sound [--launches 5] [--plays 5] [--jumps 5]

Starts its own Xvfb and uses the running PulseAudio server (or starts a private one, as
:mod:`tests.benchmarks.speech` does), with a null sink as the default output, and records
the sink's monitor with ``parec``. Then, for the bundled story and for a story 100 times
its size, it launches ``python -m player STORY --memory-only`` on that display, waits
for the window to sit idle (the speech is primed then), and sends keys with the X
server's XTEST extension (libXtst through ctypes, so that no helper process starts
between the timestamp and the key):

- the first Play of the session (Ctrl+2), then, after Stop (Ctrl+4) and silence,
  later Plays from where it stopped;
- segment jumps (Alt+Page Down) while playing, each sent in the silence between two
  sentences, so that the next sound heard is the new segment's.

Each is timed from the key press to the first non-silent sample on the monitor. The
reference in the same run is ``pacat`` playing a short click: launched at the timestamp
(a whole client: connect, open a stream, play: the floor the server itself adds), and
written into a ``pacat`` whose stream is already open. Budget: keypress to sound minus
the launched-pacat floor <= 30 ms (p50) for each kind of key.
"""

from __future__ import annotations

import argparse
import array
import ctypes
import ctypes.util
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from player.paths import bundled_story_path
from tests.benchmarks.speech import PulseServer, percentile, wait_until
from tests.support import large_story_text

BUDGET_MS = 30.0
RATE = 22050
LOUD = 300  # a sample above this is sound; espeak's quietest onsets pass it
#: the window's idle time before the first key: start-up, parsing and priming are over
IDLE_S = 4.0
#: silence on the monitor that counts as the gap between two sentences (the gap is 250 ms)
GAP_S = 0.06


class Monitor:
    """parec on the null sink's monitor: when sound last came, and the first after a mark."""

    def __init__(self, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            ["parec", "-d", "nullsink.monitor", "--format=s16le", f"--rate={RATE}",
             "--channels=1", "--latency-msec=5"],
            env=env, stdout=subprocess.PIPE,
        )  # fmt: skip
        self.lock = threading.Lock()
        self.mark: float | None = None
        self.heard: float | None = None
        self.last_loud = 0.0
        self.thread = threading.Thread(target=self._read, name="bench-parec", daemon=True)
        self.thread.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        while True:
            chunk = self.proc.stdout.read1(4096)  # type: ignore[attr-defined]
            if not chunk:
                return
            now = time.perf_counter()
            samples = array.array("h", chunk[: len(chunk) // 2 * 2])
            if any(abs(v) > LOUD for v in samples):
                with self.lock:
                    self.last_loud = now
                    if self.mark is not None and self.heard is None and now > self.mark:
                        self.heard = now

    def arm(self, mark: float) -> None:
        with self.lock:
            self.mark, self.heard = mark, None

    def wait_heard(self, timeout: float = 5.0) -> float | None:
        """ms from the mark to the first sound after it, None when nothing came."""
        wait_until(lambda: self.heard is not None, timeout)
        with self.lock:
            if self.heard is None or self.mark is None:
                return None
            return (self.heard - self.mark) * 1000

    def silent_for(self) -> float:
        with self.lock:
            return time.perf_counter() - self.last_loud

    def wait_silence(self, seconds: float, timeout: float = 10.0) -> bool:
        return wait_until(lambda: self.silent_for() >= seconds, timeout)

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(5)
        self.thread.join(5)


class XTest:
    """Key presses through XTEST on one display."""

    def __init__(self, display: str) -> None:
        x11 = ctypes.CDLL(ctypes.util.find_library("X11") or "libX11.so.6")
        xtst = ctypes.CDLL(ctypes.util.find_library("Xtst") or "libXtst.so.6")
        x11.XOpenDisplay.restype = ctypes.c_void_p
        x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
        x11.XStringToKeysym.restype = ctypes.c_ulong
        x11.XStringToKeysym.argtypes = [ctypes.c_char_p]
        x11.XKeysymToKeycode.restype = ctypes.c_ubyte
        x11.XKeysymToKeycode.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
        x11.XFlush.argtypes = [ctypes.c_void_p]
        xtst.XTestFakeKeyEvent.argtypes = [
            ctypes.c_void_p, ctypes.c_uint, ctypes.c_int, ctypes.c_ulong,
        ]  # fmt: skip
        self.x11, self.xtst = x11, xtst
        # Xvfb can name its display a moment before it takes connections
        opened: list[int] = []
        wait_until(lambda: bool(opened.append(x11.XOpenDisplay(display.encode())) or opened[-1]))
        self.dpy = opened[-1]
        if not self.dpy:
            raise OSError(f"XTEST: cannot open display {display}")

    def _code(self, name: str) -> int:
        return int(self.x11.XKeysymToKeycode(self.dpy, self.x11.XStringToKeysym(name.encode())))

    def chord(self, *names: str) -> float:
        """Press and release ``names`` (modifiers first); the time the last key went down."""
        codes = [self._code(n) for n in names]
        for code in codes[:-1]:
            self.xtst.XTestFakeKeyEvent(self.dpy, code, 1, 0)
        self.x11.XFlush(self.dpy)
        pressed = time.perf_counter()
        self.xtst.XTestFakeKeyEvent(self.dpy, codes[-1], 1, 0)
        self.x11.XFlush(self.dpy)
        for code in reversed(codes):
            self.xtst.XTestFakeKeyEvent(self.dpy, code, 0, 0)
        self.x11.XFlush(self.dpy)
        return pressed


def start_xvfb(number: int | None = None) -> tuple[subprocess.Popen[bytes], str]:
    """Xvfb on display ``number``, or on the first free one it finds itself."""
    if shutil.which("Xvfb") is None:
        raise SystemExit("Xvfb is not installed")
    screen = ["-screen", "0", "1280x1024x24", "-nolisten", "tcp"]
    if number is not None:
        server = subprocess.Popen(
            ["Xvfb", f":{number}", *screen], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        return server, f":{number}"
    read, write = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), *screen],
        pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    os.close(write)
    found = os.read(read, 32).decode().strip()
    os.close(read)
    if not found:
        raise SystemExit("Xvfb did not start")
    return server, f":{found}"


def click(path: Path) -> None:
    """20 ms of a loud 1 kHz square wave."""
    period = RATE // 1000
    samples = array.array("h", (8000 if (i // (period // 2)) % 2 else -8000 for i in range(441)))
    path.write_bytes(samples.tobytes())


def pacat_floor(
    env: dict[str, str], monitor: Monitor, sound: Path, runs: int
) -> dict[str, list[float]]:
    """The click through pacat: launched at the mark, and into a stream already open."""
    launched: list[float] = []
    open_stream: list[float] = []
    args = ["pacat", "--raw", "--format=s16le", f"--rate={RATE}", "--channels=1",
            "--device=nullsink", "--latency-msec=5"]  # fmt: skip
    data = sound.read_bytes()
    for _ in range(runs):
        monitor.wait_silence(0.3)
        mark = time.perf_counter()
        monitor.arm(mark)
        subprocess.run([*args, str(sound)], env=env, timeout=10, check=False)
        heard = monitor.wait_heard()
        if heard is not None:
            launched.append(heard)
        monitor.wait_silence(0.3)
        player = subprocess.Popen(args, env=env, stdin=subprocess.PIPE)
        time.sleep(0.5)  # connected, stream open, nothing written yet
        assert player.stdin is not None
        mark = time.perf_counter()
        monitor.arm(mark)
        player.stdin.write(data)
        player.stdin.flush()
        heard = monitor.wait_heard()
        if heard is not None:
            open_stream.append(heard)
        player.stdin.close()
        player.wait(10)
    return {"launched": launched, "open": open_stream}


def find_window(env: dict[str, str], pid: int, timeout: float = 30.0) -> str | None:
    """The id of the process's visible top-level window, once it is mapped."""
    found: list[str] = []

    def look() -> bool:
        out = subprocess.run(
            ["xdotool", "search", "--onlyvisible", "--pid", str(pid), "--name", "Story Player"],
            env=env, capture_output=True, text=True, timeout=10, check=False,
        )  # fmt: skip
        found[:] = out.stdout.split()
        return bool(found)

    return found[-1] if wait_until(look, timeout) else None


def session(
    story: Path, env: dict[str, str], monitor: Monitor, xtest: XTest, plays: int, jumps: int
) -> dict[str, list[float]]:
    """One launch of the app: its first Play, later Plays, and segment jumps."""
    result: dict[str, list[float]] = {"first": [], "later": [], "jump": [], "jump_missed": []}
    with tempfile.TemporaryDirectory(prefix="story-player-bench-home-") as home:
        child_env = dict(env, XDG_CONFIG_HOME=home, XDG_DATA_HOME=home, XDG_STATE_HOME=home)
        app = subprocess.Popen(
            [sys.executable, "-m", "player", str(story), "--memory-only"],
            env=child_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            window = find_window(env, app.pid)
            if window is None:
                raise RuntimeError("the window did not appear")
            subprocess.run(["xdotool", "windowfocus", "--sync", window], env=env, timeout=10)
            time.sleep(IDLE_S)
            monitor.wait_silence(0.3)

            def play(kind: str) -> None:
                mark = xtest.chord("Control_L", "2")
                monitor.arm(mark)
                heard = monitor.wait_heard()
                if heard is not None:
                    result[kind].append(heard)

            def stop() -> None:
                xtest.chord("Control_L", "4")
                monitor.wait_silence(0.4)

            play("first")
            time.sleep(0.8)
            stop()
            for _ in range(plays):
                play("later")
                time.sleep(0.6)
                stop()
            play("later")
            for _ in range(jumps):
                time.sleep(0.4)  # into a sentence, then wait for the gap after it
                if not wait_until(lambda: monitor.silent_for() >= GAP_S, 15):
                    break
                mark = xtest.chord("Alt_L", "Next")
                monitor.arm(mark)
                heard = monitor.wait_heard()
                if heard is None:
                    continue
                # The new segment's first sound must come before the old run's next
                # sentence would have: else what was heard may be the old run.
                gap_left_ms = 250 - GAP_S * 1000
                result["jump" if heard < gap_left_ms else "jump_missed"].append(heard)
            stop()
        finally:
            xtest.chord("Control_L", "q")
            try:
                app.wait(10)
            except subprocess.TimeoutExpired:
                app.kill()
                app.wait(10)
    return result


def row(name: str, values: list[float], floor: float | None) -> str:
    if not values:
        return f"{name:50} no sample"
    p50, p95 = statistics.median(values), percentile(values, 0.95)
    text = f"{name:50} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  n={len(values):<3}"
    if floor is not None:
        above = p50 - floor
        verdict = "ok" if above <= BUDGET_MS else "OVER"
        text += f"  above floor {above:6.1f} ms (budget {BUDGET_MS:.0f}): {verdict}"
    return text


class Bench:
    """The services, the listener and the key sender of one run."""

    def __init__(self, display: str) -> None:
        self.display = display
        self.pulse = PulseServer()
        self.monitor: Monitor | None = None
        self.xtest = XTest(display)

    def start_pulse(self) -> None:
        why = self.pulse.start()
        if why:
            raise SystemExit(f"no PulseAudio: {why}")
        self.monitor = Monitor(self.pulse.env)
        time.sleep(0.5)  # parec connected and recording

    def restart_pulse(self) -> None:
        """A fresh server (only one this run started: another's is left alone)."""
        if self.pulse.started is None:
            raise SystemExit("--fresh needs a PulseAudio server of this run's own")
        self.stop_pulse()
        for key in ("XDG_RUNTIME_DIR", "PULSE_RUNTIME_PATH", "PULSE_SERVER"):
            os.environ.pop(key, None)
        self.pulse = PulseServer()
        self.start_pulse()

    def stop_pulse(self) -> None:
        if self.monitor is not None:
            self.monitor.close()
            self.monitor = None
        self.pulse.stop()

    def env(self, root: Path) -> dict[str, str]:
        env = dict(self.pulse.env, DISPLAY=self.display, QT_QPA_PLATFORM="xcb")
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(root), env.get("PYTHONPATH")) if p)
        return env


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.benchmarks.keypress_sound", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--launches", type=int, default=5, help="app launches per story")
    parser.add_argument("--plays", type=int, default=4, help="later Plays per launch")
    parser.add_argument("--jumps", type=int, default=4, help="segment jumps per launch")
    parser.add_argument("--clicks", type=int, default=10, help="pacat references")
    parser.add_argument(
        "--reference", type=Path, metavar="DIR", help="another checkout, launched alternately"
    )
    parser.add_argument(
        "--fresh", type=int, default=0, metavar="N",
        help="also N first Plays (and pacat clicks) each on a sound server just started",
    )  # fmt: skip
    ns = parser.parse_args(argv)
    for tool in ("xdotool", "pacat", "parec"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is not installed")
    roots = {"this checkout": Path(__file__).resolve().parents[2]}
    if ns.reference is not None:
        roots["reference"] = ns.reference.resolve()
    for attempt in range(4):
        # Other sessions start Xvfb on the lowest free number too, and at times a display
        # named that way cannot be opened: then a number of our own, far from theirs.
        xvfb, display = start_xvfb(None if attempt == 0 else random.randrange(300, 900))
        try:
            bench = Bench(display)
            break
        except OSError as exc:
            print(f"{exc}; starting Xvfb again", file=sys.stderr)
            xvfb.terminate()
            xvfb.wait(10)
    else:
        raise SystemExit("no X display could be opened")
    failed = False
    try:
        bench.start_pulse()
        with tempfile.TemporaryDirectory(prefix="story-player-bench-") as scratch:
            sound = Path(scratch) / "click.raw"
            click(sound)
            bundled = bundled_story_path()
            large = Path(scratch) / "large.txt"
            large.write_text(
                large_story_text(bundled, bundled.stat().st_size * 100), encoding="utf-8"
            )
            assert bench.monitor is not None
            floors = pacat_floor(bench.pulse.env, bench.monitor, sound, ns.clicks + 1)
            # the first click of a server pays for the null sink's own start-up: apart
            first_click, clicks = floors["launched"][:1], floors["launched"][1:]
            launched = statistics.median(clicks) if clicks else None
            print(f"display {display}, PulseAudio null sink, {ns.launches} launches per story")
            print(row("pacat click, launched at the mark (floor)", clicks, None))
            print(row("pacat click, into an open stream", floors["open"], None))
            print(row("pacat click, the server's first", first_click, None))
            for name, path in (("bundled story", bundled), ("100x story", large)):
                merged: dict[str, dict[str, list[float]]] = {r: {} for r in roots}
                for _ in range(ns.launches):
                    for label, root in roots.items():
                        assert bench.monitor is not None
                        got = session(
                            path, bench.env(root), bench.monitor, bench.xtest, ns.plays, ns.jumps
                        )
                        for key, values in got.items():
                            merged[label].setdefault(key, []).extend(values)
                print(f"\n{name} ({path.stat().st_size / 1000:,.0f} kB)")
                for label in roots:
                    print(f" {label}")
                    for key, what in (
                        ("first", "first Play of a session (Ctrl+2)"),
                        ("later", "later Plays, after Stop (Ctrl+2)"),
                        ("jump", "segment jump while playing (Alt+PgDown)"),
                    ):
                        values = merged[label].get(key, [])
                        print(row(f"  {what}", values, launched))
                        if label == "this checkout" and launched is not None and values:
                            failed |= statistics.median(values) - launched > BUDGET_MS
                    missed = merged[label].get("jump_missed", [])
                    if missed:
                        print(f"  ({len(missed)} jumps heard after the gap, left out)")
            if ns.fresh:
                fresh: dict[str, list[float]] = {"pacat": []}
                for _ in range(ns.fresh):
                    bench.restart_pulse()
                    assert bench.monitor is not None
                    got_click = pacat_floor(bench.pulse.env, bench.monitor, sound, 1)
                    fresh["pacat"].extend(got_click["launched"])
                    for label, root in roots.items():
                        bench.restart_pulse()
                        assert bench.monitor is not None
                        got = session(bundled, bench.env(root), bench.monitor, bench.xtest, 0, 0)
                        fresh.setdefault(label, []).extend(got["first"])
                print(f"\nfresh sound server, bundled story, {ns.fresh} each")
                print(row(" pacat click, the server's first", fresh["pacat"], None))
                for label in roots:
                    print(row(f" {label}: first Play of a session", fresh.get(label, []), None))
    finally:
        bench.stop_pulse()
        xvfb.terminate()
        xvfb.wait(10)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
