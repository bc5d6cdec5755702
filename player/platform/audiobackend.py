"""Which audio backend Qt Multimedia uses on Linux, chosen before it starts.

Qt 6.10 and later try PipeWire first and fall back to PulseAudio. With Qt 6.12.0
(PySide6 6.12.0, the wheels Python 3.12 and later get) that first try kills the
process: the first ``QMediaDevices.audioOutputs()`` or audio sink ends in a
segmentation fault on a machine that has the PipeWire client library but no
PipeWire server (seen on a fresh Debian 13, whose libpipewire comes in with the
sound libraries while PulseAudio or nothing plays the sound; a bare PySide6 script
of four lines does the same). Setting ``QT_AUDIO_BACKEND=pulseaudio`` skips it.

So where no PipeWire server can be reached, :func:`choose_audio_backend` asks Qt
for PulseAudio, which is what Qt would have fallen back to. Where a server
listens (most desktops since 2022), Qt's own choice stands, and so does a backend
the user or the administrator named in ``QT_AUDIO_BACKEND``. Only Linux: Windows
and macOS have one audio system each.

The server is found as libpipewire finds it: ``PIPEWIRE_REMOTE`` names one
explicitly; otherwise the socket ``pipewire-0`` in ``PIPEWIRE_RUNTIME_DIR``, else
in ``XDG_RUNTIME_DIR``.
"""

from __future__ import annotations

import logging
import os
import stat
import sys
from collections.abc import MutableMapping
from pathlib import Path

log = logging.getLogger(__name__)

VARIABLE = "QT_AUDIO_BACKEND"
FALLBACK = "pulseaudio"
SOCKET_NAME = "pipewire-0"


def pipewire_reachable(environ: MutableMapping[str, str]) -> bool:
    """Whether a PipeWire server is named or listening where its clients look."""
    if environ.get("PIPEWIRE_REMOTE"):
        return True
    for variable in ("PIPEWIRE_RUNTIME_DIR", "XDG_RUNTIME_DIR"):
        folder = environ.get(variable)
        if not folder:
            continue
        try:
            mode = (Path(folder) / SOCKET_NAME).stat().st_mode
        except OSError:
            return False
        return stat.S_ISSOCK(mode)
    return False


def choose_audio_backend(
    environ: MutableMapping[str, str] | None = None, platform: str = sys.platform
) -> str | None:
    """Name PulseAudio in ``environ`` when Qt's PipeWire probe could only fail; the backend set.

    Call before Qt Multimedia's first device list or sink in the process: Qt reads the
    variable once, when its audio devices are first made.
    """
    env = os.environ if environ is None else environ
    if not platform.startswith("linux") or env.get(VARIABLE):
        return None
    if pipewire_reachable(env):
        return None
    env[VARIABLE] = FALLBACK
    log.debug("no PipeWire server reachable: Qt Multimedia will use %s", FALLBACK)
    return FALLBACK
