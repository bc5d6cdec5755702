"""Keeping the C allocator from holding on to memory a long session has freed (glibc).

glibc's malloc serves a block of 128 KiB or more with its own ``mmap`` and gives it
back to the system when freed, but each time it frees such a block it raises that
threshold to the block's size (up to 32 MiB). Speech audio comes in such blocks (a
sentence of PCM at 22,050 Hz is 44 KB a second). After the first few are freed the
threshold sits above them, and every later one is cut from a malloc arena, where
blocks of mixed sizes and ages leave holes that ``malloc_trim`` cannot return. In the
10,000-key GUI session (tests/soak/gui_soak.py) resident memory grew by a quarter
that way while the memory in use stayed flat; with the threshold held at glibc's
own starting value it grew by a twentieth (figures in the README's Tests section).

Setting the threshold with ``mallopt`` fixes it and turns off glibc's adjustment.
Nothing is done on other C libraries (Windows, macOS, musl), which do not adjust a
threshold this way.
"""

from __future__ import annotations

import ctypes
import logging
import os
from typing import Final

log = logging.getLogger(__name__)

#: mallopt's parameter number for the mmap threshold (malloc.h)
M_MMAP_THRESHOLD: Final = -3
#: glibc's own starting threshold: blocks this large or larger always get their own mmap
MMAP_THRESHOLD_BYTES: Final = 128 * 1024


def hold_mmap_threshold(threshold: int = MMAP_THRESHOLD_BYTES) -> bool:
    """Fix glibc's mmap threshold at ``threshold`` bytes for this process; True when set.

    Safe to call more than once and from any thread; False (and nothing changed) where
    the C library is not glibc or refuses the value.
    """
    if not _is_glibc():
        return False
    try:
        libc = ctypes.CDLL(None)
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # a static or unusual build: leave malloc as it is
        log.debug("mallopt not found; the mmap threshold is left to glibc")
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    if mallopt(M_MMAP_THRESHOLD, threshold) != 1:
        log.debug("mallopt refused an mmap threshold of %d bytes", threshold)
        return False
    return True


def _is_glibc() -> bool:
    """Whether the C library is glibc. Asked of the C library itself: the ``platform``
    module's answer costs 1.5 ms of importing at every start (its regular expressions)."""
    confstr = getattr(os, "confstr", None)  # not on Windows
    if confstr is None:
        return False
    try:
        version = confstr("CS_GNU_LIBC_VERSION")  # "glibc 2.36"; unknown to other libraries
    except (ValueError, OSError):
        return False
    return bool(version) and str(version).startswith("glibc")
