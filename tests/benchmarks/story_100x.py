"""The 100x story beside the bundled one: start-up, memory while reading, segment jumps.

Run from the repository root::

    .venv/bin/python -m tests.benchmarks.story_100x [-n 7] [--read 3] [--trials 30] [--xvfb]
        [--reference DIR] [--launches-only]

Writes a story 100 times the bundled one's size (its segments repeated, as
:mod:`tests.benchmarks.keypress_sound` does), then, in the same run:

1. Launches ``window_read.py`` (the window started as ``story-player`` starts it, its
   settings naming the story and a sentence three quarters in as where the reader
   stopped) with the bundled story and with the 100x story alternately, ``-n`` times
   each, timing from launch to the window visible and to the sentence stopped at painted
   (:mod:`tests.benchmarks.startup`'s timing); each launch then reads ``--read``
   sentences aloud with the app's own playback and reports its memory: VmRSS at the end,
   the largest VmRSS while reading and VmHWM (the whole process's peak).
2. In this process: segment jumps while playing, from the jump to the new position's
   first PCM frame (:func:`tests.benchmarks.speech.segment_jump_trials`, the silent
   clock), on each story.
3. In this process, offscreen: the GUI thread's time per segment jump (a jump and the
   events it posts, :func:`tests.benchmarks.open_large._segment_jumps`), wall time and the
   thread's CPU time, with the text laid out (3 s after it is in), stopped and while the
   app's playback reads, on each story.

``--reference DIR`` launches another checkout of the app (``git archive COMMIT | tar -x -C
DIR``) too, in turn with this one's launches, and prints its start-up and memory beside
this one's: the code before a change, measured in the same run. ``--launches-only`` skips
parts 2 and 3.

Budgets (medians, the 100x story): window visible <= 1.2x the bundled story's; memory
while reading (VmHWM, and VmRSS at the end) <= 1.2x the bundled story's; a segment jump to
its first frame <= 15 ms; the GUI thread's time per jump (wall) <= 5 ms. Exit status 1 when
one is over.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from player.core.storyfile import load_story
from player.paths import bundled_story_path
from tests.benchmarks.startup import (
    ROOT,
    _folders,
    _percentile,
    _start_xvfb,
    _time_child,
    _write_settings,
)
from tests.support import large_story_text

VISIBLE_LIMIT = 1.2
MEMORY_LIMIT = 1.2
JUMP_FRAME_MS = 15.0
JUMP_GUI_MS = 5.0


class _Launch:
    """One story's launches: its settings folder and environment, where the reader stopped."""

    def __init__(
        self, config: Path, story: Path, sentence: int, env: dict[str, str], root: Path = ROOT
    ) -> None:
        self.config = config
        self.story = story
        self.sentence = sentence
        self.env = dict(env, **_folders(config))
        self.env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(root), os.environ.get("PYTHONPATH")) if p
        )
        self.child = str(root / "tests" / "benchmarks" / "window_read.py")

    def reset(self) -> None:
        """The reader stopped at ``sentence`` again (the last launch read on and saved that)."""
        _write_settings(self.config, self.story, self.sentence)


def _launches(
    runs: int, read: int, stories: dict[str, _Launch]
) -> dict[str, dict[str, list[float]]]:
    """Per story: seconds to visible and to resumed, and the memory figures in kB."""
    for launch in stories.values():
        # untimed: warms the disk cache and writes the bytecode
        launch.reset()
        _time_child(
            [launch.child, str(launch.sentence), "0"], launch.env, ["visible", "resumed"], []
        )
    found: dict[str, dict[str, list[float]]] = {name: {} for name in stories}
    for _ in range(runs):
        for name, launch in stories.items():
            launch.reset()
            env, sentence = launch.env, launch.sentence
            rest: list[str] = []
            args = [launch.child, str(sentence), str(read)]
            times = _time_child(args, env, ["visible", "resumed"], rest)
            words = rest[0].split() if rest else []
            if len(words) != 5 or words[0] != "read":
                raise RuntimeError(f"window_read.py printed {rest!r}, not its memory")
            got = found[name]
            for key, value in zip(
                ("visible", "resumed", "read", "rss", "reading", "hwm"),
                (*times, *map(float, words[1:])),
                strict=True,
            ):
                got.setdefault(key, []).append(value)
    return found


def _gui_jumps(path: Path, playing: bool) -> tuple[list[float], list[float]]:
    """Seconds of GUI-thread work per segment jump in a window showing ``path``: wall, CPU."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from player.core.settings import MemoryStore, Settings
    from player.gui import app as app_module
    from tests.benchmarks.open_large import _run_until, _segment_jumps

    app = app_module.ensure_application()
    window = app_module.create_window([str(path)], Settings(MemoryStore()), in_background=True)
    window.show()
    _run_until(app, lambda: window.pane.ready, 60)
    # Qt lays a long document out lazily: jumps are timed once that is over
    _run_until(app, lambda: False, 3.0)
    if playing:
        window.cmd_play_pause()
        _run_until(app, lambda: window.playback is not None and window.state.name == "PLAYING", 20)
        _run_until(app, lambda: False, 0.5)
    cpu: list[float] = []
    times = _segment_jumps(app, window, cpu)
    window.cmd_stop()
    _run_until(app, lambda: False, 0.2)
    window.close()
    _run_until(app, lambda: False, 0.2)
    return times, cpu


def _row(name: str, values: list[float], unit: str, scale: float, ref: float | None) -> str:
    p50 = statistics.median(values)
    text = (
        f"  {name:46} p50 {p50 * scale:9.1f} {unit}  p95 {_percentile(values, 0.95) * scale:9.1f}"
        f" {unit}"
    )
    if ref is not None:
        text += f"  {p50 / ref:.2f}x the bundled story"
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--runs", type=int, default=7, help="launches of each story")
    parser.add_argument("--read", type=int, default=3, help="sentences read aloud per launch")
    parser.add_argument("--trials", type=int, default=30, help="core segment jumps per story")
    parser.add_argument("--xvfb", action="store_true", help="launch under Xvfb, not offscreen")
    parser.add_argument(
        "--reference", type=Path, help="another checkout, launched in turn with this one"
    )
    parser.add_argument("--launches-only", action="store_true", help="skip the segment jumps")
    ns = parser.parse_args()
    if ns.runs < 1 or ns.read < 1 or ns.trials < 1:
        parser.error("-n, --read and --trials must be at least 1")
    if ns.reference is not None and not (ns.reference / "player" / "__init__.py").is_file():
        parser.error(f"--reference {ns.reference}: not a checkout of the app (no player/)")

    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    for key in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX"):
        env.pop(key, None)
    server = _start_xvfb(env) if ns.xvfb else None
    failed = False
    try:
        with tempfile.TemporaryDirectory(prefix="story-player-bench-") as scratch:
            bundled = bundled_story_path()
            large = Path(scratch) / "large.txt"
            large.write_text(
                large_story_text(bundled, bundled.stat().st_size * 100), encoding="utf-8"
            )
            paths = {"bundled": bundled, "100x": large}
            loaded = {name: load_story(path) for name, path in paths.items()}
            sizes = {name: path.stat().st_size for name, path in paths.items()}
            roots = {"": ROOT} if ns.reference is None else {"": ROOT, "reference ": ns.reference}
            stories = {
                tree + name: _Launch(
                    Path(scratch) / f"config-{tree}{name}",
                    path,
                    loaded[name].sentence_count * 3 // 4,
                    env,
                    root,
                )
                for tree, root in roots.items()
                for name, path in paths.items()
            }
            launched = _launches(ns.runs, ns.read, stories)
            if server is not None:
                server.terminate()
                server.wait()
                server = None
            frames = {} if ns.launches_only else _frame_jumps(loaded, ns.trials)
            gui = {
                (name, playing): _gui_jumps(path, playing)
                for playing in (False, True)
                for name, path in paths.items()
                if not ns.launches_only
            }
    finally:
        if server is not None:
            server.terminate()
            server.wait()

    platform = "xcb (Xvfb)" if ns.xvfb else env["QT_QPA_PLATFORM"]
    print(f"platform: {platform}; {ns.runs} launches of each story, alternating")
    for name in paths:
        story = loaded[name]
        print(
            f"{name}: {sizes[name] / 1000:,.1f} kB, {story.sentence_count} sentences, "
            f"{len(story.segments)} segments; stopped at sentence {stories[name].sentence}"
        )
    if ns.reference is not None:
        print(f"reference: {ns.reference}, launched in turn with this checkout")
    base = {key: statistics.median(v) for key, v in launched["bundled"].items()}
    print("\nstart-up and memory while reading")
    for name in launched:
        got = launched[name]
        print(f" {name} (read {statistics.median(got['read']):.0f} sentences aloud)")
        ref = None
        if name.endswith("100x"):  # against the same checkout's bundled story
            bundled_of = name.removesuffix("100x") + "bundled"
            ref = {key: statistics.median(v) for key, v in launched[bundled_of].items()}
        for key, what, unit, scale in (
            ("visible", "window visible", "ms", 1000.0),
            ("resumed", "the sentence stopped at painted", "ms", 1000.0),
            ("rss", "VmRSS after reading", "MB", 1 / 1024),
            ("reading", "largest VmRSS while reading", "MB", 1 / 1024),
            ("hwm", "VmHWM (peak of the process)", "MB", 1 / 1024),
        ):
            print(_row(what, got[key], unit, scale, ref[key] if ref else None))
    large_got = {key: statistics.median(v) for key, v in launched["100x"].items()}
    verdicts = [
        ("window visible", large_got["visible"] / base["visible"], VISIBLE_LIMIT, "x"),
        ("memory: VmHWM", large_got["hwm"] / base["hwm"], MEMORY_LIMIT, "x"),
        ("memory: VmRSS after reading", large_got["rss"] / base["rss"], MEMORY_LIMIT, "x"),
    ]

    if frames:
        print("\nsegment jump while playing -> first PCM frame (silent clock)")
        for name in paths:
            print(_row(name, frames[name], "ms", 1.0, None))
        verdicts.append(
            ("100x: jump to first frame", statistics.median(frames["100x"]), JUMP_FRAME_MS, " ms")
        )
    if gui:
        print("\nGUI thread per segment jump (the jump and the events it posts)")
    for (name, playing), (times, cpu) in gui.items():
        what = f"{name}, {'while reading aloud' if playing else 'stopped'} ({len(times)} jumps)"
        print(_row(what, times, "ms", 1000.0, None) + f"  longest {max(times) * 1000:.1f} ms")
        print(_row("  its CPU time", cpu, "ms", 1000.0, None))
        if name == "100x":
            verdicts.append(
                (f"100x: GUI thread, {'reading' if playing else 'stopped'}",
                 statistics.median(times) * 1000, JUMP_GUI_MS, " ms")
            )  # fmt: skip

    print("\nbudgets (medians)")
    for what, value, limit, unit in verdicts:
        over = value > limit
        failed |= over
        shown = f"{value:.2f}{unit}" if unit == "x" else f"{value:.1f}{unit}"
        print(f"  {what:34} {shown:>9} (limit {limit}{unit}): {'OVER' if over else 'met'}")
    return 1 if failed else 0


def _frame_jumps(loaded: dict[str, Any], trials: int) -> dict[str, list[float]]:
    """ms from a segment jump while playing to the new position's first frame."""
    from player.core.speech import create_synthesizer
    from tests.benchmarks.speech import segment_jump_trials

    synth = create_synthesizer()
    try:
        rng = random.Random(1)
        found: dict[str, list[float]] = {name: [] for name in loaded}
        # alternately, a few at a time, so that the machine's other work falls on both
        for _ in range(0, trials, 5):
            for name, story in loaded.items():
                found[name] += segment_jump_trials(story, synth, 5, rng)
                time.sleep(0.05)
        return found
    finally:
        synth.close()


if __name__ == "__main__":
    sys.exit(main())
