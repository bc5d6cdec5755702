"""Reading a story file's text safely, and the problems a story file can have.

Only a regular file is read, never more than the size limit, and its text must be UTF-8
without binary data. :class:`Problem` and :class:`StoryFileError` are what every part of
the loader reports with (see :mod:`player.core.storyfile`).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

MAX_FILE_BYTES = 5 * 1024 * 1024
"""A story is text; anything bigger is almost certainly the wrong file."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a story file."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.message}"


class StoryFileError(Exception):
    """A story file that cannot be used, with every problem found in it."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def _too_big(size: int) -> str:
    return (
        f"the file is {size / 1_048_576:.1f} MB; a story file may be at most "
        f"{MAX_FILE_BYTES // 1_048_576} MB (is this the right file?)"
    )


def read_story_text(path: Path) -> str:
    """The text of a story file, or StoryFileError saying why it cannot be read.

    Only a regular file is read, and never more than the size limit: a FIFO would block
    the reader forever and a device such as ``/dev/zero`` reports size 0 and never ends.
    The file is opened without blocking and checked on the open descriptor, so it cannot
    be swapped for something else between the check and the read.
    """

    def fail(text: str) -> StoryFileError:
        return StoryFileError([Problem(path, 0, text)])

    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise fail("the file does not exist") from None
    except IsADirectoryError:
        raise fail("this is a folder, not a story file") from None
    except OSError as exc:
        raise fail(f"cannot read the file: {exc.strerror}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise fail("this is a folder, not a story file")
        if not stat.S_ISREG(info.st_mode):
            raise fail("this is not a regular file (a device, a pipe or a socket)")
        if info.st_size > MAX_FILE_BYTES:
            raise fail(_too_big(info.st_size))
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise fail(f"cannot read the file: {exc.strerror}") from None
    finally:
        os.close(fd)
    if len(data) > MAX_FILE_BYTES:  # it grew while being read
        raise fail(_too_big(len(data)))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise StoryFileError(
            [
                Problem(
                    path,
                    line,
                    f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x} at byte "
                    f"{exc.start}); save it as UTF-8",
                )
            ]
        ) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise StoryFileError([Problem(path, line, "the file contains binary data, not text")])
    return text
