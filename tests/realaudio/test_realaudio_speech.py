"""Real sound: speech played through the Qt output onto a PulseAudio null sink, recorded
from its monitor with parec, must be there and last as long as the speech.

Uses the running PulseAudio server (CI starts one) or starts a private one for
this test and stops it afterwards. Skips when PulseAudio is not installed.
"""

from __future__ import annotations

import array
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.core.speech.speechkit import sounding_ms

pytestmark = pytest.mark.realaudio

RATE = 22050
ROOT = Path(__file__).resolve().parents[2]


def _pactl(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["pactl", *args], env=env, capture_output=True, text=True, timeout=10, check=False
    )


@pytest.fixture(scope="module")
def pulse_env() -> Iterator[dict[str, str]]:
    """Environment for clients of a server that has a default null sink."""
    for tool in ("pulseaudio", "pactl", "parec"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (apt-get install pulseaudio pulseaudio-utils)")
    env = dict(os.environ)
    started: Path | None = None
    loaded: str | None = None
    if _pactl(env, "info").returncode != 0:
        # A private server: its own runtime dir, so it neither finds nor disturbs another
        # one. As root, pulseaudio only warns without --system; a per-user daemon works.
        started = Path(tempfile.mkdtemp(prefix="story-player-pulse-"))
        env["XDG_RUNTIME_DIR"] = str(started)
        env["PULSE_RUNTIME_PATH"] = str(started / "pulse")
        env["PULSE_SERVER"] = f"unix:{started / 'pulse' / 'native'}"
        subprocess.run(
            [
                "pulseaudio", "-D", "-n", "--exit-idle-time=-1", "--system=false",
                "--load=module-native-protocol-unix", "--log-target=stderr",
            ],
            env=env, capture_output=True, timeout=20, check=False,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while _pactl(env, "info").returncode != 0:
            if time.monotonic() > deadline:
                shutil.rmtree(started, ignore_errors=True)
                pytest.skip("PulseAudio would not start here")
            time.sleep(0.1)
    sinks = _pactl(env, "list", "short", "sinks").stdout
    if "nullsink" not in sinks:
        loaded = _pactl(env, "load-module", "module-null-sink", "sink_name=nullsink").stdout.strip()
    previous = _pactl(env, "get-default-sink").stdout.strip()
    _pactl(env, "set-default-sink", "nullsink")
    try:
        yield env
    finally:
        if previous and previous != "nullsink":
            _pactl(env, "set-default-sink", previous)
        if loaded:
            _pactl(env, "unload-module", loaded)
        if started is not None:
            subprocess.run(["pulseaudio", "--kill"], env=env, timeout=10, check=False)
            shutil.rmtree(started, ignore_errors=True)


def _wait_for(predicate: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _loud_span_ms(raw: bytes) -> tuple[int, int]:
    samples = array.array("h", raw[: len(raw) // 2 * 2])
    if sys.byteorder == "big":
        samples.byteswap()
    loud = [i for i, v in enumerate(samples) if abs(v) > 500]
    if not loud:
        return 0, 0
    return loud[0] * 1000 // RATE, loud[-1] * 1000 // RATE


def _silent_tail_ms(raw: bytes) -> int:
    """How long the recording has been silent at its end (0 before any sound)."""
    first, last = _loud_span_ms(raw)
    if last == first:
        return 0
    return len(raw) // 2 * 1000 // RATE - last


def test_speech_reaches_the_sink(pulse_env: dict[str, str], tmp_path: Path) -> None:
    recording = tmp_path / "monitor.raw"
    with recording.open("wb") as out:
        parec = subprocess.Popen(
            ["parec", "-d", "nullsink.monitor", "--format=s16le", f"--rate={RATE}",
             "--channels=1", "--latency-msec=20"],
            env=pulse_env, stdout=out,
        )  # fmt: skip
        try:
            # recording: the monitor of a sink in use streams even its silence
            assert _wait_for(lambda: recording.stat().st_size > 0, 10), "parec records nothing"
            env = dict(pulse_env, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
            player = subprocess.run(
                [sys.executable, "-m", "tests.realaudio.play_passage"],
                env=env, cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
            )  # fmt: skip
            # parec, starved on a busy machine, may lag behind: wait until the end of the
            # speech is in the file, which then goes on with silence
            _wait_for(lambda: _silent_tail_ms(recording.read_bytes()) >= 1000, 10)
        finally:
            parec.terminate()
            parec.wait(5)
    assert player.returncode == 0, player.stderr[-2000:]
    report = json.loads(player.stdout.strip().splitlines()[-1])
    assert report["finished"] and report["qt_output"], report
    assert not [m for m in report["messages"] if "No sound output" in m[0]], report
    raw = recording.read_bytes()
    first, last = _loud_span_ms(raw)
    assert last > first, "the monitor recorded only silence"
    # Not the time from the first sound to the last: when the player's process is starved
    # the sink runs dry, and the silence it plays meanwhile stretches that span by as
    # long (a 0.4 s stop of the player made it 0.35 s longer). How long the recording
    # sounds, silences left out, does not depend on that: it must match what was queued.
    heard = sounding_ms(raw, RATE)
    expected = sum(report["sounding_ms"])
    span = (last - first, sum(report["sentence_ms"]) + report["pause_ms"])
    assert abs(heard - expected) <= max(100, expected // 20), (heard, expected, span)


def test_the_window_primes_the_engine_and_the_sink(pulse_env: dict[str, str]) -> None:
    """After the first paint the real window has espeak-ng load the voice and opens the Qt
    sink, without holding its event loop, so the first Play loads nothing."""
    env = dict(pulse_env, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    child = subprocess.run(
        [sys.executable, "-m", "tests.realaudio.prime_window"],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert child.returncode == 0, child.stderr[-2000:]
    report = json.loads(child.stdout.strip().splitlines()[-1])
    assert report["primed"], report
    assert report["output"] == "QtAudioOutput" and report["output_primed"], report
    assert report["sink_open"] and report["voice_loads"] == 1, report
    assert report["ticks"] > 0, report  # the event loop ran while priming went on
