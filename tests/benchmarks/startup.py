"""Start-up as the reader sees it, next to a bare PySide6 window, with and without bytecode.

Run from the repository root::

    .venv/bin/python -m tests.benchmarks.startup [-n 15] [--xvfb] [--sentence N] [--reference DIR]

Launches ``window_bare.py`` (a QMainWindow showing a label) and ``window_resume.py``
(the window started as ``story-player`` starts it, its settings naming the bundled story
and the sentence the reader stopped at) alternately as subprocesses, timing each from
launch to:

- the bare window's first paint;
- the Story Player window visible (its reading pane's first paint, "Loading…" or text);
- the Story Player window painting the sentence the reader stopped at.

Twice: with the bytecode cache as it is (written by an untimed launch first), and with
none (``PYTHONPYCACHEPREFIX`` an empty folder and ``PYTHONDONTWRITEBYTECODE``, so every
module of both programs, the standard library's included, is compiled at each launch).
Budgets, as ratios of medians to the bare window in the same run: visible <= 1.8x (with
and without bytecode), the resumed sentence painted <= 2x. Exit status 1 when one is over.

``--reference DIR``: another checkout of the project (``git archive COMMIT | tar -x -C
DIR``), whose window is launched in turn with the other two and reported beside them.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
VISIBLE_LIMIT = 1.8
RESUMED_LIMIT = 2.0


def _time_child(
    args: list[str], env: dict[str, str], lines: list[str], rest: list[str] | None = None
) -> list[float]:
    """Seconds from launch to each of ``lines`` printed by the child, in order.

    The lines it prints after those go into ``rest`` when one is given.
    """
    start = time.perf_counter()
    times: list[float] = []
    with subprocess.Popen(
        [sys.executable, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        text=True,
    ) as child:
        assert child.stdout is not None
        watchdog = threading.Timer(60, child.kill)  # a child that never prints ends
        watchdog.start()
        for wanted in lines:
            line = child.stdout.readline().strip()
            times.append(time.perf_counter() - start)
            if line != wanted:
                child.kill()
                raise RuntimeError(f"{args[0]} printed {line!r}, not {wanted!r}")
        if rest is not None:
            rest.extend(line.strip() for line in child.stdout)
        child.wait(timeout=30)
        watchdog.cancel()
    return times


def _write_settings(config: Path, story: Path, sentence: int) -> None:
    """The settings of a reader who stopped at ``sentence`` of ``story``."""
    for key, value in _folders(config).items():
        os.environ[key] = value  # never the real user's files
    from player.core.settings import Settings
    from player.platform.folders import settings_locations

    settings = Settings.load(settings_locations())
    settings.set("last_story", str(story))
    settings.add_recent(str(story.resolve()), "")
    settings.remember_position(str(story.resolve()), sentence)
    settings.flush()


def _folders(config: Path) -> dict[str, str]:
    """Where the app finds its settings and reading state: inside ``config``."""
    return {
        "XDG_CONFIG_HOME": str(config),
        "XDG_CONFIG_DIRS": str(config / "system"),
        "XDG_STATE_HOME": str(config / "state"),
        "XDG_DATA_HOME": str(config / "data"),
    }


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def _start_xvfb(env: dict[str, str]) -> subprocess.Popen[bytes]:
    if shutil.which("Xvfb") is None:
        raise SystemExit("Xvfb is not installed")
    read, write = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
        pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    os.close(write)
    number = os.read(read, 32).decode().strip()
    os.close(read)
    env["DISPLAY"] = f":{number}"
    env["QT_QPA_PLATFORM"] = "xcb"
    return server


def _measure(
    runs: int, env: dict[str, str], sentence: int, reference: Path | None
) -> dict[str, list[float]]:
    bare_args = [str(HERE / "window_bare.py")]
    apps = [("", [str(HERE / "window_resume.py"), str(sentence)], env)]
    if reference is not None:
        ref_env = dict(env, PYTHONPATH=str(reference))
        ref_child = reference / "tests" / "benchmarks" / "window_resume.py"
        apps.append(("reference ", [str(ref_child), str(sentence)], ref_env))
    # untimed: warms the disk cache (and writes bytecode when that is allowed)
    _time_child(bare_args, env, ["painted"])
    for _prefix, args, app_env in apps:
        _time_child(args, app_env, ["visible", "resumed"])
    found: dict[str, list[float]] = {"bare": []}
    for _ in range(runs):
        found["bare"] += _time_child(bare_args, env, ["painted"])
        for prefix, args, app_env in apps:
            visible, resumed = _time_child(args, app_env, ["visible", "resumed"])
            found.setdefault(prefix + "visible", []).append(visible)
            found.setdefault(prefix + "resumed", []).append(resumed)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--runs", type=int, default=15, help="launches of each")
    parser.add_argument("--xvfb", action="store_true", help="under Xvfb instead of offscreen")
    parser.add_argument(
        "--sentence", type=int, help="where the reader stopped (default: three quarters in)"
    )
    parser.add_argument(
        "--reference", type=Path, metavar="DIR", help="another checkout to launch beside this one"
    )
    ns = parser.parse_args()
    if ns.reference is not None and not (ns.reference / "player").is_dir():
        parser.error(f"--reference {ns.reference}: no player package there")
    sys.path.insert(0, str(ROOT))
    from player.core.storyfile import load_story
    from player.paths import bundled_story_path

    if ns.sentence is None:
        ns.sentence = load_story(bundled_story_path()).sentence_count * 3 // 4

    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    for key in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX"):
        env.pop(key, None)
    server = _start_xvfb(env) if ns.xvfb else None
    failed = False
    try:
        with tempfile.TemporaryDirectory(prefix="story-player-bench-") as scratch:
            config = Path(scratch) / "config"
            _write_settings(config, bundled_story_path(), ns.sentence)
            env.update(_folders(config))
            cached = _measure(ns.runs, env, ns.sentence, ns.reference)
            empty = Path(scratch) / "no-bytecode"
            empty.mkdir()
            uncached_env = dict(env, PYTHONPYCACHEPREFIX=str(empty), PYTHONDONTWRITEBYTECODE="1")
            uncached = _measure(ns.runs, uncached_env, ns.sentence, ns.reference)
    finally:
        if server is not None:
            server.terminate()
            server.wait()
    platform = "xcb (Xvfb)" if ns.xvfb else env["QT_QPA_PLATFORM"]
    print(f"platform: {platform}; {ns.runs} launches each, alternating; stopped at sentence "
          f"{ns.sentence} of the bundled story")  # fmt: skip
    for label, found in (("bytecode cached", cached), ("no bytecode", uncached)):
        bare = statistics.median(found["bare"])
        print(f"\n{label}")
        rows: list[tuple[str, str, float | None]] = [
            ("bare", "bare PySide6 window, label painted", None),
            ("visible", "Story Player window visible", VISIBLE_LIMIT),
            ("resumed", "the sentence stopped at painted", RESUMED_LIMIT),
        ]
        if ns.reference is not None:
            rows += [
                ("reference visible", "reference: window visible", None),
                ("reference resumed", "reference: sentence painted", None),
            ]
        for key, name, limit in rows:
            values = found[key]
            p50 = statistics.median(values)
            text = (
                f"  {name:38} p50 {p50 * 1000:7.1f} ms  p95 {_percentile(values, 0.95) * 1000:7.1f}"
                " ms"
            )
            if key.startswith("reference"):
                text += f"  {p50 / bare:.2f}x bare"
            if limit is not None:
                ratio = p50 / bare
                over = ratio > limit
                if key == "visible" or label == "bytecode cached":
                    failed |= over
                text += f"  {ratio:.2f}x bare (limit {limit}x): {'OVER' if over else 'ok'}"
            print(text)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
