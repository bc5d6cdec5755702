"""Speech synthesis: the synthesizer interface, its backends, a cache and the worker thread.

:func:`create_synthesizer` picks the backend for this platform: espeak-ng
through pyttsx3's low-level bindings wherever that library loads (Linux, and
Windows/macOS with espeak-ng installed), else pyttsx3's SAPI5 (Windows) or
NSSS (macOS) driver through files. It raises :class:`NoSpeechEngine` when
nothing works, and the app then runs text-only. Nothing here imports Qt.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import TYPE_CHECKING, Any

from player.core.speech.base import (
    NoSpeechEngine,
    SpeechError,
    Synthesizer,
    SynthResult,
    Voice,
    WordMark,
    best_voice,
    second_voice,
)

if TYPE_CHECKING:
    from player.core.speech.cache import CacheKey, SynthCache
    from player.core.speech.fake import FakeSynthesizer
    from player.core.speech.worker import SynthesisWorker

# Loaded on first use: the window imports the playback API (and so this package)
# before its first paint, and needs none of these until speech starts.
_LAZY = {
    "CacheKey": "player.core.speech.cache",
    "SynthCache": "player.core.speech.cache",
    "FakeSynthesizer": "player.core.speech.fake",
    "SynthesisWorker": "player.core.speech.worker",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


SPEECH_ENV = "STORY_PLAYER_SPEECH"

__all__ = [
    "SPEECH_ENV",
    "CacheKey",
    "FakeSynthesizer",
    "NoSpeechEngine",
    "SpeechError",
    "SynthCache",
    "SynthResult",
    "SynthesisWorker",
    "Synthesizer",
    "Voice",
    "WordMark",
    "best_voice",
    "create_synthesizer",
    "second_voice",
]


def create_synthesizer(prefer: str | None = None) -> Synthesizer:
    """The best backend available here.

    ``prefer`` (or the environment variable ``STORY_PLAYER_SPEECH``) may be
    "espeak", "sapi5", "nsss", "fake" or "none" to force one, or none at all.
    Raises :class:`NoSpeechEngine` listing why each candidate failed.
    """
    prefer = prefer or os.environ.get(SPEECH_ENV) or None
    if prefer == "fake":
        from player.core.speech.fake import FakeSynthesizer

        return FakeSynthesizer()
    if prefer == "none":
        raise NoSpeechEngine(f"No speech engine ({SPEECH_ENV}=none).")
    failures: list[str] = []
    # The platform check stays here rather than in player.platform: it only orders this
    # package's own backends, and the core may not reach up into the platform layer.
    candidates = [prefer] if prefer else ["espeak"]
    if not prefer and sys.platform == "win32":
        candidates.append("sapi5")
    elif not prefer and sys.platform == "darwin":
        candidates.append("nsss")
    for name in candidates:
        try:
            if name == "espeak":
                from player.core.speech.espeak import EspeakSynthesizer

                return EspeakSynthesizer()
            from player.core.speech.pyttsx3_files import Pyttsx3FileSynthesizer

            return Pyttsx3FileSynthesizer(name)
        except NoSpeechEngine as exc:
            failures.append(str(exc))
    detail = "; ".join(failures) or "no backend for this platform"
    raise NoSpeechEngine(f"No speech engine is available ({detail}).")
