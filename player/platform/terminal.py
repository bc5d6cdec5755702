"""Single key presses from the terminal, as they happen (``story-player say`` answers them).

:func:`single_keys` switches the terminal so that keys arrive one by one, without
Enter and without echo, and gives a function that waits a short while for the next
key. The terminal is put back however the block ends: normally, by an exception,
or by Ctrl+C (which still interrupts, as cbreak mode keeps signals).

POSIX terminals are read through termios and ``select``; the Windows console
through ``msvcrt``, which needs no mode switch. Arrow keys come back as
:data:`UP`, :data:`DOWN`, :data:`LEFT` and :data:`RIGHT`, every other key as the
character it types. Nothing here imports Qt.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import time
from collections.abc import Callable, Iterator
from typing import TextIO

logger = logging.getLogger(__name__)

UP = "up"
DOWN = "down"
LEFT = "left"
RIGHT = "right"

#: Waits up to ``timeout`` seconds for a key: the key, or None when none came.
KeyReader = Callable[[float], str | None]

# What the arrow keys send: an ANSI escape sequence on POSIX terminals, a prefix
# character followed by a scan code on the Windows console.
_ANSI_ARROWS = {"\x1b[A": UP, "\x1b[B": DOWN, "\x1b[C": RIGHT, "\x1b[D": LEFT}
_WINDOWS_ARROWS = {"H": UP, "P": DOWN, "M": RIGHT, "K": LEFT}


def decode_posix(data: bytes) -> str:
    """The key a single read from a POSIX terminal returned."""
    text = data.decode("utf-8", "replace")
    return _ANSI_ARROWS.get(text, text[:1])


if sys.platform == "win32":
    import msvcrt

    @contextlib.contextmanager
    def single_keys(stream: TextIO | None = None) -> Iterator[KeyReader]:
        """Keys from the Windows console; ``stream`` is ignored (msvcrt reads the console)."""

        def read_key(timeout: float) -> str | None:
            deadline = time.monotonic() + timeout
            while not msvcrt.kbhit():
                if time.monotonic() >= deadline:
                    return None
                time.sleep(0.02)
            key = msvcrt.getwch()
            if key in ("\x00", "\xe0"):  # an extended key: its scan code follows
                return _WINDOWS_ARROWS.get(msvcrt.getwch(), "")
            return key

        yield read_key

else:
    import select
    import termios
    import tty

    @contextlib.contextmanager
    def single_keys(stream: TextIO | None = None) -> Iterator[KeyReader]:
        """Keys from the terminal ``stream`` (standard input by default), in cbreak mode."""
        fd = (stream or sys.stdin).fileno()
        saved = termios.tcgetattr(fd)

        def read_key(timeout: float) -> str | None:
            ready, _, _ = select.select([fd], [], [], timeout)
            if not ready:
                return None
            # Up to 8 bytes: an arrow's escape sequence arrives in one read.
            return decode_posix(os.read(fd, 8))

        try:
            # cbreak, not raw: keys arrive one by one without echo, output keeps its newlines
            # and Ctrl+C still raises KeyboardInterrupt.
            tty.setcbreak(fd)
            yield read_key
        finally:
            try:
                termios.tcsetattr(fd, termios.TCSADRAIN, saved)
            except termios.error as exc:  # the terminal went away (a closed ssh session)
                logger.debug("terminal not restored: %s", exc)
