"""The guards of the test run itself: no test can hang it, none may leave threads behind.

The thread check (tests/conftest.py) is run on a few small tests in a child pytest,
so that the thread one of them leaves on purpose does not leak into this run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.support import ROOT

INNER_TESTS = '''
import threading
import time

stop = threading.Event()


class Worker:
    """A thread that runs until closed."""

    def __init__(self):
        self.thread = threading.Thread(target=stop.wait, args=(30,), name="worker")
        self.thread.start()

    def close(self):
        stop.set()
        self.thread.join(5)


def test_leaves_a_thread_running():
    threading.Thread(target=stop.wait, args=(30,), name="forgotten", daemon=True).start()


def test_a_thread_ending_just_after_the_test_is_fine():
    threading.Thread(target=time.sleep, args=(0.5,), name="ending").start()


def test_closing_closes_even_after_a_failed_assertion(closing):
    closing(Worker())
    assert False, "failed half-way"
'''


def test_a_test_leaving_a_thread_running_fails(tmp_path: Path) -> None:
    (tmp_path / "conftest.py").write_text(
        (ROOT / "tests" / "conftest.py").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (tmp_path / "test_inner.py").write_text(textwrap.dedent(INNER_TESTS), encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rfE", "-p", "no:cacheprovider",
         str(tmp_path)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    out = done.stdout
    assert "ERROR at teardown of test_leaves_a_thread_running" in out, out
    assert "the test left threads running: forgotten (daemon)\n" in out, out
    # closed by the fixture after the failure: only the assertion is reported
    assert "AssertionError: failed half-way" in out, out
    assert "left threads running: worker" not in out, out
    assert "1 failed, 2 passed, 1 error" in out, out


def test_every_test_has_a_time_limit(request: pytest.FixtureRequest) -> None:
    # pytest-timeout's settings (pyproject.toml); without the plugin getini() raises
    assert request.config.getini("timeout") == "120"
    # the thread method: a signal is not handled while a Qt modal dialog waits
    assert request.config.getini("timeout_method") == "thread"
    assert float(request.config.getini("session_timeout")) > 120
