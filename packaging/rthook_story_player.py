"""Bundle runtime hook: pin speech to the espeak-ng library and data inside the bundle.

Runs in the packaged app before any of its own code. The espeak-ng voice data
only works with the library version that it was compiled for, so a bundle must
never mix its library with a system copy of either:

* the bundled ``libespeak-ng.so`` is loaded first with ``RTLD_GLOBAL``; a later
  ``dlopen("libespeak-ng.so.1")`` (pyttsx3 asks by that name) then resolves to it
  by its soname, even on a machine with espeak-ng installed;
* ``ESPEAK_DATA_PATH`` is set to the bundled data, for any caller that
  initialises espeak-ng without an explicit data path (an inherited value could
  name data of another version).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import sys


def _pin_espeak() -> None:
    bundle = getattr(sys, "_MEIPASS", None)
    if not bundle or not sys.platform.startswith("linux"):
        return
    folder = os.path.join(bundle, "espeakng_loader")
    data = os.path.join(folder, "espeak-ng-data")
    library = os.path.join(folder, "libespeak-ng.so")
    if os.path.isdir(data):
        os.environ["ESPEAK_DATA_PATH"] = data
    if os.path.exists(library):
        # On failure the app reports "no speech engine" itself and runs text-only.
        with contextlib.suppress(OSError):
            ctypes.CDLL(library, mode=ctypes.RTLD_GLOBAL)


_pin_espeak()
