"""Writing export files so that a failure (a full disk, a USB stick pulled out) leaves
nothing half-written: each file is written beside its place under a temporary name,
then renamed over it."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: bytes) -> None:
    """``data`` as ``path``, all of it or (on an error, which is raised) nothing."""
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
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
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(handle)
    return Path(temp)
