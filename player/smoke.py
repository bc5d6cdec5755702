"""A headless self-check: proves that the story loader, the speech engine and Qt all work.

``python -m player.smoke`` (or ``story-player --smoke`` in the packaged bundle)
opens the bundled story, synthesises its first sentence with the app's own
speech engine, starts Qt on the offscreen platform (``--platform xcb`` to check
the X11 one) with one widget and the multimedia backend, prints one line of
JSON and exits 0. Any failure prints one line starting with
``story-player smoke: FAILED`` on stderr and exits 1.

``--hold-for-inspection`` prints ``READY`` after the JSON and waits for a line
(or end of file) on stdin before exiting, so a test can read
``/proc/PID/maps`` while every library the app needs is still loaded and tell
where each came from.

The JSON reports the data folder that espeak-ng itself says it reads (through
``espeak_Info``): espeak-ng reads its data with ``open()`` and closes the files
again, so neither ``/proc/PID/maps`` nor ``/proc/PID/fd`` shows it later, and
the library's own answer is the reliable one.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import logging
import os
import sys
import time
from collections.abc import Sequence
from typing import Any

log = logging.getLogger(__name__)

SMOKE_FLAG = "--smoke"
HOLD_FLAG = "--hold-for-inspection"


class SmokeFailure(Exception):
    """One step of the self-check failed; the message says which and why."""


def _check_story() -> tuple[Any, str, str]:
    """The bundled story, its language and the spoken text of its first sentence."""
    from player.core.storyfile import StoryFileError, load_story
    from player.paths import bundled_story_path

    path = bundled_story_path()
    try:
        story = load_story(path)
    except (OSError, StoryFileError) as exc:
        raise SmokeFailure(f"could not open the bundled story {path}: {exc}") from exc
    if story.sentence_count == 0:
        raise SmokeFailure(f"the bundled story {path} has no sentences")
    return story, story.meta.language, story.sentence(0).spoken


def _espeak_data_path() -> tuple[str | None, str | None]:
    """The data folder and version that the loaded espeak-ng library reports.

    Only meaningful once the espeak backend is initialised; returns
    ``(None, None)`` when another backend is in use.
    """
    try:
        from pyttsx3.drivers import _espeak
    except (ImportError, OSError, RuntimeError, AttributeError):
        return None, None
    dll = getattr(_espeak, "dll", None)
    if dll is None:
        return None, None
    info = dll.espeak_Info
    info.restype = ctypes.c_char_p
    info.argtypes = [ctypes.POINTER(ctypes.c_char_p)]
    data = ctypes.c_char_p()
    version = info(ctypes.byref(data))
    decoded_version = version.decode("utf-8", "replace") if version else None
    decoded_data = data.value.decode("utf-8", "replace") if data.value else None
    return decoded_data, decoded_version


def _check_speech(language: str, text: str) -> dict[str, Any]:
    """Synthesise ``text`` with the engine the app itself would pick."""
    from player.core.options import DEFAULT_RATE_WPM
    from player.core.speech import NoSpeechEngine, SpeechError, best_voice, create_synthesizer

    try:
        synth = create_synthesizer()
    except NoSpeechEngine as exc:
        raise SmokeFailure(str(exc)) from exc
    voice = best_voice(synth.voices(), language)
    if voice is None:
        raise SmokeFailure(f"the speech engine {synth.name} offers no voice")
    try:
        result = synth.synthesize(text, voice.id, DEFAULT_RATE_WPM)
    except SpeechError as exc:
        raise SmokeFailure(f"synthesis failed: {exc}") from exc
    if not result.pcm:
        raise SmokeFailure(f"the speech engine {synth.name} produced no audio for {text!r}")
    report: dict[str, Any] = {
        "engine": synth.name,
        "voice": voice.id,
        "pcm_bytes": len(result.pcm),
        "sample_rate": result.sample_rate,
        "duration_ms": result.duration_ms,
        "words": len(result.words),
    }
    library = getattr(synth, "library", None)
    if isinstance(library, str):
        report["speech_library"] = library
    if synth.name == "espeak-ng":
        data_path, version = _espeak_data_path()
        report["espeak_data"] = data_path
        report["espeak_version"] = version
    return report


def _check_qt(platform_name: str) -> dict[str, Any]:
    """Start Qt with one widget, and the multimedia backend the player plays through."""
    # Set, not defaulted: an inherited QT_QPA_PLATFORM naming a display that is not
    # there would make the check fail for a reason that has nothing to do with the app.
    os.environ["QT_QPA_PLATFORM"] = platform_name
    try:
        from PySide6 import __version__ as pyside_version
        from PySide6.QtCore import QLibraryInfo, qVersion
        from PySide6.QtWidgets import QApplication, QLabel
    except ImportError as exc:
        raise SmokeFailure(f"Qt could not be loaded: {exc}") from exc
    existing = QApplication.instance()
    app = existing if existing is not None else QApplication(["story-player"])
    widget = QLabel("Story Player")
    widget.show()
    app.processEvents()
    shown = widget.isVisible()
    platform = QApplication.platformName()
    widget.close()
    widget.deleteLater()
    if not shown:
        raise SmokeFailure("Qt started but could not show a widget")
    report: dict[str, Any] = {
        "qt": qVersion(),
        "pyside": pyside_version,
        "qt_platform": platform,
        "qt_plugins": QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath),
    }
    from player.platform.audiobackend import choose_audio_backend

    choose_audio_backend()
    try:
        from PySide6.QtMultimedia import QMediaDevices
    except ImportError as exc:
        raise SmokeFailure(f"Qt Multimedia could not be loaded: {exc}") from exc
    # Asking for the outputs loads the multimedia backend plugin; an empty list is
    # normal on a machine without an audio server.
    report["audio_outputs"] = len(QMediaDevices.audioOutputs())
    return report


def run(platform_name: str = "offscreen") -> dict[str, Any]:
    """Every check in turn; raises :class:`SmokeFailure` at the first that fails."""
    started = time.perf_counter()
    story, language, text = _check_story()
    report: dict[str, Any] = {
        "ok": True,
        "story": story.meta.title,
        "sentences": story.sentence_count,
        "frozen": bool(getattr(sys, "frozen", False)),
    }
    report.update(_check_speech(language, text))
    report.update(_check_qt(platform_name))
    report["seconds"] = round(time.perf_counter() - started, 3)
    return report


def main(argv: Sequence[str] | None = None) -> int:
    """Run the self-check; 0 when everything works, 1 otherwise."""
    parser = argparse.ArgumentParser(
        prog="story-player --smoke",
        description="Check headless that the story, speech and Qt work, then exit.",
    )
    parser.add_argument(
        HOLD_FLAG,
        action="store_true",
        help="after the report, print READY and wait for a line on stdin before exiting",
    )
    parser.add_argument(
        "--platform",
        default="offscreen",
        metavar="NAME",
        help="the Qt platform plugin to start (default: offscreen, which needs no display; "
        "xcb or wayland check the desktop ones)",
    )
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    try:
        report = run(args.platform)
    except SmokeFailure as exc:
        print(f"story-player smoke: FAILED: {exc}", file=sys.stderr, flush=True)
        return 1
    except Exception as exc:  # anything unforeseen is still a failed check
        log.exception("self-check failed")
        print(
            f"story-player smoke: FAILED: {type(exc).__name__}: {exc}",
            file=sys.stderr,
            flush=True,
        )
        return 1
    print(json.dumps(report, sort_keys=True), flush=True)
    if args.hold_for_inspection:
        print("READY", flush=True)
        sys.stdin.readline()
    return 0


if __name__ == "__main__":
    sys.exit(main())
