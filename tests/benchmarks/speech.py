"""Speech latency and export benchmarks (not part of the pass/fail suite).

Run from the repository root::

    .venv/bin/python -m tests.benchmarks.speech [--trials 30] [--sink-trials 8] [--no-sink]

Measures, with a cold cache at randomly chosen sentences of the bundled story:

(a) play request -> first PCM frame handed to the audio output (silent-clock output);
(b) segment jump while playing -> first PCM frame of the new position;
(c) play request -> first non-silent sample recorded from a PulseAudio null sink's
    monitor with parec, through the Qt QAudioSink output, next to the in-process
    "first frame handed to Qt" time and the sink buffer size (starts a private
    PulseAudio server when none is running, and stops it afterwards);
(d) ``export`` of the bundled story vs ``espeak-ng -w`` of the same spoken text.

Budgets: (a) p50 <= 30 ms; (d) <= 2x espeak-ng's time.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from player.core.model import Story
from player.core.playback import (
    AudioOutput,
    PcmStream,
    PlaybackSettings,
    SilentClockOutput,
    SpeechPlayback,
    create_playback,
)
from player.core.speech import Synthesizer, create_synthesizer
from player.core.speech.export import export_story
from player.core.storyfile import load_story
from player.paths import bundled_story_path

FIRST_FRAME_BUDGET_MS = 30.0
EXPORT_BUDGET_RATIO = 2.0


class TimedClock(SilentClockOutput):
    """The silent clock, keeping the streams it was given to read their first-frame times."""

    def __init__(self, sample_rate: int) -> None:
        super().__init__(sample_rate)
        self.streams: list[PcmStream] = []

    def start(self, stream: PcmStream) -> None:
        self.streams.append(stream)
        super().start(stream)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[k]


def wait_until(predicate: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.0005)
    return False


def make_playback(story: Story, synth: Synthesizer, factory: Any) -> SpeechPlayback:
    playback = create_playback(story, factory, synthesizer=synth, settings=PlaybackSettings())
    playback.wait_ready()
    return playback


class Trial:
    """One playback whose outputs remember the streams they played."""

    def __init__(self, story: Story, synth: Synthesizer) -> None:
        self.outputs: list[TimedClock] = []
        self.playback = make_playback(story, synth, self._factory)

    def _factory(self, rate: int) -> AudioOutput:
        self.outputs.append(TimedClock(rate))
        return self.outputs[-1]

    def first_frame(self, stream_number: int) -> float | None:
        """perf_counter() of the first frame of the n-th stream, once it is there."""
        streams = self.outputs[0].streams if self.outputs else []
        if len(streams) <= stream_number:
            return None
        return streams[stream_number].first_audio_time

    def wait_first_frame(self, stream_number: int) -> float | None:
        wait_until(lambda: self.first_frame(stream_number) is not None)
        return self.first_frame(stream_number)


def first_frame_trials(
    story: Story, synth: Synthesizer, trials: int, rng: random.Random
) -> list[float]:
    """(a): a fresh playback (cold cache) per trial, play at a random sentence."""
    results = []
    for _ in range(trials):
        trial = Trial(story, synth)
        start = time.perf_counter()
        trial.playback.play(rng.randrange(story.sentence_count))
        first = trial.wait_first_frame(0)
        if first is not None:
            results.append((first - start) * 1000)
        trial.playback.close()
    return results


def segment_jump_trials(
    story: Story, synth: Synthesizer, trials: int, rng: random.Random
) -> list[float]:
    """(b): playing, then a jump to another segment's first sentence (not prefetched)."""
    results = []
    for _ in range(trials):
        trial = Trial(story, synth)
        here = rng.randrange(story.sentence_count)
        trial.playback.play(here)
        trial.wait_first_frame(0)
        time.sleep(0.05)
        segment = story.refs[here].segment
        delta = rng.choice([d for d in (-2, -1, 1, 2) if 0 <= segment + d < len(story.segments)])
        start = time.perf_counter()
        trial.playback.skip_segment(delta)
        first = trial.wait_first_frame(1)
        if first is not None:
            results.append((first - start) * 1000)
        trial.playback.close()
    return results


def _timed_qt_class() -> Callable[[int], AudioOutput]:
    """A Qt output that keeps its streams (imported late: Qt only for measurement (c))."""
    from player.qtaudio import QtAudioOutput

    class TimedQtOutput(QtAudioOutput):
        def __init__(self, sample_rate: int) -> None:
            self.streams: list[PcmStream] = []
            super().__init__(sample_rate)

        def start(self, stream: PcmStream) -> None:
            self.streams.append(stream)
            super().start(stream)

    return TimedQtOutput


class PulseServer:
    """The running PulseAudio server, or a private one started (and later stopped) here."""

    def __init__(self) -> None:
        self.env = dict(os.environ)
        self.started: Path | None = None

    def pactl(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["pactl", *args], env=self.env, capture_output=True, text=True, timeout=10, check=False
        )

    def start(self) -> str | None:
        """None when ready, else why not."""
        for tool in ("pulseaudio", "pactl", "parec"):
            if shutil.which(tool) is None:
                return f"{tool} is not installed"
        if self.pactl("info").returncode != 0:
            self.started = Path(tempfile.mkdtemp(prefix="story-player-bench-pulse-"))
            self.env["XDG_RUNTIME_DIR"] = str(self.started)
            self.env["PULSE_RUNTIME_PATH"] = str(self.started / "pulse")
            self.env["PULSE_SERVER"] = f"unix:{self.started / 'pulse' / 'native'}"
            subprocess.run(
                ["pulseaudio", "-D", "-n", "--exit-idle-time=-1", "--system=false",
                 "--load=module-native-protocol-unix"],
                env=self.env, capture_output=True, timeout=20, check=False,
            )  # fmt: skip
            if not wait_until(lambda: self.pactl("info").returncode == 0, 10):
                return "pulseaudio did not start"
        if "nullsink" not in self.pactl("list", "short", "sinks").stdout:
            self.pactl("load-module", "module-null-sink", "sink_name=nullsink")
        self.pactl("set-default-sink", "nullsink")
        # Qt reads the server address from the environment when it first connects
        for key in ("XDG_RUNTIME_DIR", "PULSE_RUNTIME_PATH", "PULSE_SERVER"):
            if key in self.env:
                os.environ[key] = self.env[key]
        return None

    def stop(self) -> None:
        if self.started is not None:
            subprocess.run(["pulseaudio", "--kill"], env=self.env, timeout=10, check=False)
            shutil.rmtree(self.started, ignore_errors=True)


class MonitorListener:
    """parec on the null sink's monitor; notes when the first loud chunk arrives after ``arm``."""

    def __init__(self, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            ["parec", "-d", "nullsink.monitor", "--format=s16le", "--rate=22050", "--channels=1",
             "--latency-msec=5"],
            env=env, stdout=subprocess.PIPE,
        )  # fmt: skip
        self.armed = False
        self.heard: float | None = None
        self.thread = threading.Thread(target=self._read, name="bench-parec")
        self.thread.start()

    def _read(self) -> None:
        import array

        assert self.proc.stdout is not None
        while True:
            chunk = self.proc.stdout.read1(4096)  # type: ignore[attr-defined]
            if not chunk:
                return
            now = time.perf_counter()
            if self.armed and self.heard is None:
                samples = array.array("h", chunk[: len(chunk) // 2 * 2])
                if any(abs(v) > 300 for v in samples):
                    self.heard = now

    def arm(self) -> None:
        self.heard = None
        self.armed = True

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(5)
        self.thread.join(5)


def sink_trials(
    story: Story, synth: Synthesizer, trials: int, rng: random.Random
) -> dict[str, Any] | str:
    """(c): through Qt onto the null sink, heard on its monitor."""
    server = PulseServer()
    why = server.start()
    if why:
        return why
    try:
        from PySide6.QtCore import QCoreApplication

        app = QCoreApplication.instance() or QCoreApplication(sys.argv[:1])
        timed_qt = _timed_qt_class()
        listener = MonitorListener(server.env)
        time.sleep(0.5)
        heard_ms: list[float] = []
        handed_ms: list[float] = []
        buffer_bytes = 0
        try:
            for _ in range(trials):
                outputs: list[Any] = []

                def factory(rate: int, outputs: list[Any] = outputs) -> AudioOutput:
                    output = timed_qt(rate)
                    outputs.append(output)
                    return output

                playback = make_playback(story, synth, factory)
                listener.arm()
                start = time.perf_counter()
                playback.play(rng.randrange(story.sentence_count))
                wait_until(lambda: listener.heard is not None, 10)
                if listener.heard is not None:
                    heard_ms.append((listener.heard - start) * 1000)
                if outputs and outputs[0].streams and outputs[0].streams[0].first_audio_time:
                    handed_ms.append((outputs[0].streams[0].first_audio_time - start) * 1000)
                    buffer_bytes = outputs[0].buffer_bytes
                playback.close()
                listener.armed = False
                time.sleep(0.4)
        finally:
            listener.close()
        del app
        return {"heard": heard_ms, "handed": handed_ms, "buffer_bytes": buffer_bytes}
    finally:
        server.stop()


def export_vs_espeak(
    story: Story, synth: Synthesizer, voice: str, rate: int, runs: int = 3
) -> dict[str, float]:
    """(d): our export against the espeak-ng command line on the same spoken text."""
    ours, theirs, cli = [], [], []
    text = "\n".join(story.sentence(r).spoken for r in story.refs)
    with tempfile.TemporaryDirectory(prefix="story-player-bench-") as tmp:
        text_file = Path(tmp) / "spoken.txt"
        text_file.write_text(text, encoding="utf-8")
        espeak = shutil.which("espeak-ng")
        for i in range(runs):
            start = time.perf_counter()
            export_story(story, synth, Path(tmp) / f"ours{i}", voice, rate)
            ours.append(time.perf_counter() - start)
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "player", "export", "--out", str(Path(tmp) / f"cli{i}"),
                 "--voice", voice, "--rate", str(rate)],
                capture_output=True, check=True,
            )  # fmt: skip
            cli.append(time.perf_counter() - start)
            if espeak:
                start = time.perf_counter()
                subprocess.run(
                    [espeak, "-v", voice, "-s", str(rate), "-w", str(Path(tmp) / "espeak.wav"),
                 "-f", str(text_file)],
                    capture_output=True, check=True,
                )  # fmt: skip
                theirs.append(time.perf_counter() - start)
    return {
        "ours_s": statistics.median(ours),
        "cli_s": statistics.median(cli),
        "espeak_s": statistics.median(theirs) if theirs else float("nan"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.benchmarks.speech", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--trials", type=int, default=30)
    parser.add_argument("--sink-trials", type=int, default=8)
    parser.add_argument(
        "--no-sink", action="store_true", help="skip (c), the PulseAudio measurement"
    )
    parser.add_argument("--seed", type=int, default=1)
    ns = parser.parse_args(argv)
    rng = random.Random(ns.seed)
    story = load_story(bundled_story_path())
    synth = create_synthesizer()
    probe = make_playback(story, synth, None)
    voice, rate = probe.voice, probe.rate
    probe.close()
    print(f"story: {story.meta.title!r}, {story.sentence_count} sentences")
    print(f"engine {synth.name}, voice {voice}, {rate} wpm, {ns.trials} trials")

    rows: list[tuple[str, str, str, str]] = []

    def latency_row(name: str, values: list[float], note: str) -> None:
        if not values:
            rows.append((name, "-", "-", "no sample"))
            return
        p50, p95 = percentile(values, 0.5), percentile(values, 0.95)
        rows.append((name, f"{p50:.1f} ms", f"{p95:.1f} ms", note.format(p50=p50)))

    def budget(p50: float) -> str:
        verdict = "ok" if p50 <= FIRST_FRAME_BUDGET_MS else "OVER"
        return f"p50 <= {FIRST_FRAME_BUDGET_MS:.0f} ms: {verdict}"

    a = first_frame_trials(story, synth, ns.trials, rng)
    latency_row("(a) play -> first frame to output", a, budget(percentile(a, 0.5) if a else 1e9))
    b = segment_jump_trials(story, synth, ns.trials, rng)
    latency_row("(b) segment jump -> first frame", b, budget(percentile(b, 0.5) if b else 1e9))
    if not ns.no_sink:
        c = sink_trials(story, synth, ns.sink_trials, rng)
        if isinstance(c, str):
            rows.append(("(c) null sink monitor", "-", "-", f"skipped: {c}"))
        else:
            buffer_ms = c["buffer_bytes"] * 1000 // (2 * 22050)
            latency_row(
                "(c) play -> first frame to Qt sink",
                c["handed"],
                f"sink buffer {c['buffer_bytes']} B = {buffer_ms} ms",
            )
            latency_row(
                "(c) play -> first sound on monitor",
                c["heard"],
                f"{len(c['heard'])}/{ns.sink_trials} heard; null-sink start-up included",
            )
    d = export_vs_espeak(story, synth, voice, rate)
    ratio = d["ours_s"] / d["espeak_s"]
    verdict = "ok" if ratio <= EXPORT_BUDGET_RATIO else "OVER"
    espeak_ms = d["espeak_s"] * 1000
    rows.append(
        (
            "(d) export (in process)",
            f"{d['ours_s'] * 1000:.0f} ms",
            "",
            f"{ratio:.2f}x espeak-ng -w ({espeak_ms:.0f} ms), budget 2x: {verdict}",
        )
    )
    rows.append(
        (
            "(d) `story-player export` command",
            f"{d['cli_s'] * 1000:.0f} ms",
            "",
            f"{d['cli_s'] / d['espeak_s']:.2f}x, with interpreter start-up",
        )
    )

    widths = [max(len(r[i]) for r in [*rows, ("measure", "p50", "p95", "note")]) for i in range(4)]
    header = ("measure", "p50", "p95", "note")
    print()
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print(
            "  ".join(
                cell.ljust(widths[i]) if i in (0, 3) else cell.rjust(widths[i])
                for i, cell in enumerate(row)
            )
        )
    synth.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
