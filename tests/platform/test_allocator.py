"""glibc's mmap threshold held where it starts, so freed audio-sized blocks go back to the system.

Each probe runs in a fresh interpreter: the threshold is process-wide, and what this
test process did before (or another test) would decide the answer.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    platform.libc_ver()[0] != "glibc", reason="the adjustable threshold is glibc's"
)

#: Frees a 4 MiB block (glibc then raises its threshold to 4 MiB unless it is held),
#: then asks for 1 MiB and prints whether that block got its own mapping.
PROBE = """
import ctypes, sys

class Info(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks",
        "uordblks", "fordblks", "keepcost")]

libc = ctypes.CDLL(None)
libc.malloc.restype = ctypes.c_void_p
libc.malloc.argtypes = (ctypes.c_size_t,)
libc.free.argtypes = (ctypes.c_void_p,)
libc.mallinfo2.restype = Info
{setup}
libc.free(libc.malloc(4 << 20))
before = libc.mallinfo2().hblkhd
block = libc.malloc(1 << 20)
mapped = libc.mallinfo2().hblkhd - before >= 1 << 20
libc.free(block)
print("mapped" if mapped else "arena")
"""


def probe(setup: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(setup=setup)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    return done.stdout.strip()


def test_left_alone_glibc_cuts_a_later_large_block_from_an_arena() -> None:
    # The behaviour being fixed, so the probe below is known to tell the two apart.
    assert probe("") == "arena"


def test_held_threshold_maps_every_large_block() -> None:
    setup = (
        "from player.platform.allocator import hold_mmap_threshold\nassert hold_mmap_threshold()"
    )
    assert probe(setup) == "mapped"


def test_the_app_holds_it_when_it_starts() -> None:
    setup = "from player.gui.startup import ensure_application\nensure_application()"
    assert probe(setup) == "mapped"


def test_glibc_is_recognised_without_the_platform_module() -> None:
    """Start-up (issue 14): the check is asked of the C library, not of ``platform``, whose
    import costs 1.5 ms at every start."""
    probe = (
        "import sys; from player.platform import allocator; "
        "print('platform' in sys.modules, allocator._is_glibc())"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.stdout.split() == ["False", "True"], done.stderr
