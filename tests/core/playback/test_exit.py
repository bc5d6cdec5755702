"""A playback nobody closed must not keep the process alive: the interpreter exits at once.

Each test runs a child Python that makes a playback over the fake synthesizer, never
closes it, and returns. Before the playback threads were daemons closed by an exit
hook, such a child hung for ever in ``threading._shutdown`` (as the whole test run
did after one failed assertion skipped a ``close()``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time

import pytest

from player.core.playback.player import EXIT_CLOSE_TIMEOUT_S
from tests.support import ROOT

#: start-up and imports on a busy machine, on top of the exit itself
CHILD_TIMEOUT_S = 30.0

PREAMBLE = """
import sys, threading, time
from player.core.playback import PlaybackSettings, SilentClockOutput, create_playback
from player.core.playback.api import PlaybackState
from player.core.speech import FakeSynthesizer
from tests.core.speech.speechkit import Recorder, make_story, speech_threads

class Told(Recorder):
    # the state the exit hook's close() reports, printed as it happens
    def on_state(self, state):
        super().on_state(state)
        print("state", state.value, flush=True)

recorder = Told()
"""


def run_child(body: str) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run ``body`` after PREAMBLE in a child; its result, and seconds from its last line
    of output (printed just before it returns) to its exit."""
    code = PREAMBLE + textwrap.dedent(body) + '\nprint("leaving", time.time(), flush=True)\n'
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    try:
        done = subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=CHILD_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:  # subprocess.run has killed the child
        pytest.fail(f"the child was still alive after {CHILD_TIMEOUT_S:.0f} s", pytrace=False)
    exited = time.time()
    leaving = [line for line in done.stdout.splitlines() if line.startswith("leaving ")]
    assert leaving, (done.stdout, done.stderr[-2000:])
    return done, exited - float(leaving[-1].split()[1])


def test_an_unclosed_playing_playback_is_closed_at_exit() -> None:
    done, exit_s = run_child(
        """
        playback = create_playback(
            make_story(),
            lambda rate: SilentClockOutput(rate),
            synthesizer=FakeSynthesizer(),
            settings=PlaybackSettings(rate=300),
            listeners=(recorder,),
        )
        assert playback.wait_ready()
        playback.play()
        assert recorder.wait_for(lambda: playback.position.word is not None)
        print("threads", sorted(set(speech_threads())), flush=True)
        """
    )
    assert done.returncode == 0, done.stderr[-2000:]
    # all three kinds of thread were running when the child returned ...
    assert "threads ['playback-control', 'silent-clock', 'speech-synthesis']" in done.stdout
    # ... and the exit hook closed the playback properly rather than leaving it to die
    assert done.stdout.splitlines()[-1] == "state stopped", done.stdout
    assert exit_s < EXIT_CLOSE_TIMEOUT_S, exit_s


def test_an_unclosed_idle_playback_does_not_hold_the_exit() -> None:
    done, exit_s = run_child(
        """
        playback = create_playback(make_story(), None, synthesizer=FakeSynthesizer())
        assert playback.wait_ready()
        """
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert exit_s < EXIT_CLOSE_TIMEOUT_S, exit_s


def test_a_stuck_synthesizer_delays_the_exit_by_the_limit_at_most() -> None:
    # The synthesis worker sits in a 60 s call: closing cannot end it, and the exit
    # hook gives up after its time limit instead of waiting.
    done, exit_s = run_child(
        """
        playback = create_playback(
            make_story(),
            lambda rate: SilentClockOutput(rate),
            synthesizer=FakeSynthesizer(delay_s=60),
            listeners=(recorder,),
        )
        assert playback.wait_ready()
        playback.play()
        time.sleep(0.2)  # the worker is inside synthesize() by now
        """
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert exit_s < EXIT_CLOSE_TIMEOUT_S + 3, exit_s
