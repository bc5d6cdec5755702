"""Single keys from a terminal (player.platform.terminal), over a pseudo-terminal.

The terminal must be in cbreak mode inside the block and exactly as before after it,
whether the block ends normally, by an exception or by Ctrl+C.
"""

from __future__ import annotations

import os
import sys
import termios
from collections.abc import Iterator
from typing import TextIO

import pytest

from player.platform.terminal import DOWN, LEFT, RIGHT, UP, decode_posix, single_keys

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX terminals only")


@pytest.fixture
def terminal() -> Iterator[tuple[int, TextIO]]:
    """(the keyboard's end, the program's end as a text stream) of a fresh pseudo-terminal."""
    keyboard, program = os.openpty()
    stream = os.fdopen(program, "r")
    try:
        yield keyboard, stream
    finally:
        stream.close()
        os.close(keyboard)


def test_arrows_and_characters_are_decoded() -> None:
    assert decode_posix(b"\x1b[A") == UP
    assert decode_posix(b"\x1b[B") == DOWN
    assert decode_posix(b"\x1b[C") == RIGHT
    assert decode_posix(b"\x1b[D") == LEFT
    assert decode_posix(b"q") == "q"
    assert decode_posix("é".encode()) == "é"
    assert decode_posix(b"np") == "n"  # two keys in one read: the first counts


def test_keys_arrive_one_by_one_without_enter(terminal: tuple[int, TextIO]) -> None:
    keyboard, stream = terminal
    with single_keys(stream) as read_key:
        mode = termios.tcgetattr(stream.fileno())
        assert not mode[3] & termios.ICANON and not mode[3] & termios.ECHO
        assert mode[3] & termios.ISIG  # Ctrl+C still interrupts
        assert read_key(0.01) is None
        os.write(keyboard, b" ")
        assert read_key(2) == " "
        os.write(keyboard, b"\x1b[C")
        assert read_key(2) == RIGHT


@pytest.mark.parametrize("error", [None, RuntimeError, KeyboardInterrupt])
def test_the_terminal_is_restored_however_the_block_ends(
    terminal: tuple[int, TextIO], error: type[BaseException] | None
) -> None:
    _keyboard, stream = terminal
    before = termios.tcgetattr(stream.fileno())
    try:
        with single_keys(stream):
            assert termios.tcgetattr(stream.fileno()) != before
            if error is not None:
                raise error
    except (RuntimeError, KeyboardInterrupt):
        pass
    assert termios.tcgetattr(stream.fileno()) == before
