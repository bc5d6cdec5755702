"""Writing export files so that a failure (a full disk, a USB stick pulled out) leaves
nothing half-written: each file is written beside its place under a temporary name,
then renamed over it."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def _umask() -> int:
    """The process's umask, read without changing it where the system allows (changing it
    and back is a moment when another thread's new files would get the wrong mode)."""
    with (
        contextlib.suppress(OSError, ValueError),
        open("/proc/self/status", encoding="ascii") as status,
    ):
        for line in status:
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _mkstemp(path: Path) -> tuple[int, str]:
    """A temporary file beside ``path`` with the mode a new file would have: mkstemp's
    0600 would follow the rename, and an exported book is for others to read too."""
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    with contextlib.suppress(OSError):
        os.chmod(temp, 0o666 & ~_umask())
    return handle, temp


def write_atomic(path: Path, data: bytes) -> None:
    """``data`` as ``path``, all of it or (on an error, which is raised) nothing."""
    handle, temp = _mkstemp(path)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def temp_beside(path: Path) -> Path:
    """A fresh temporary file name in ``path``'s folder, to build a file in before
    renaming it to ``path`` (see :func:`write_atomic`)."""
    handle, temp = _mkstemp(path)
    os.close(handle)
    return Path(temp)
