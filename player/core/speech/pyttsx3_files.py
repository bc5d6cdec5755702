"""SAPI5 (Windows) and NSSS (macOS) through pyttsx3's ``Engine.save_to_file``.

Those engines report no audio times and pyttsx3's engine loop misbehaves when
driven from an app: ``runAndWait`` blocks, can return before a long save has
finished, keeps only the last of two saves queued together, and sometimes
loses a rate set just before a save. So the engine runs in a child process
(its own main thread, which COM and the Cocoa run loop both want, and which can
be killed if it hangs), one save per ``runAndWait``, rate and voice set again
before every save, and the child waits for ``finished-utterance`` and a file
that stops growing. The parent reads the WAV or AIFF itself and spreads word
times over the voiced part of the audio in proportion to their characters.

Unverified on Windows and macOS; on Linux the same path runs with pyttsx3's
espeak driver, which is how it is tested.
"""

from __future__ import annotations

import array
import json
import logging
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import IO, Any

from player.core.speech.audiofile import read_audio_file
from player.core.speech.base import (
    NoSpeechEngine,
    SpeechError,
    Synthesizer,
    SynthResult,
    Voice,
    WordMark,
    normalize_language,
)

log = logging.getLogger(__name__)

_WORD = re.compile(r"\S+")
_SILENCE = 300  # |sample| below this counts as silence when finding the voiced part


def estimate_words(text: str, pcm: bytes, sample_rate: int) -> tuple[WordMark, ...]:
    """Word start times spread over the voiced span in proportion to character offsets."""
    samples = array.array("h", pcm[: len(pcm) // 2 * 2])
    if sys.byteorder == "big":
        samples.byteswap()
    loud = [i for i in range(0, len(samples), 64) if abs(samples[i]) > _SILENCE]
    first = loud[0] if loud else 0
    last = loud[-1] if loud else len(samples)
    words = list(_WORD.finditer(text))
    if not words:
        return ()
    span_chars = max(len(text.rstrip()), 1)
    marks = []
    for match in words:
        frame = first + (last - first) * match.start() // span_chars
        marks.append(WordMark(match.start(), len(match.group()), frame * 1000 // sample_rate))
    return tuple(marks)


WORKER_FLAG = "--speech-worker"


def worker_command(driver: str | None) -> list[str]:
    """How to start the child: ``python -m`` from source or a wheel; a frozen app has no
    ``-m``, so it re-runs itself with :data:`WORKER_FLAG` (its entry point must hand
    that to :func:`worker_main`)."""
    if getattr(sys, "frozen", False):
        args = [sys.executable, WORKER_FLAG]
    else:
        args = [sys.executable, "-m", "player.core.speech.pyttsx3_files"]
    return [*args, driver] if driver else args


def worker_main(argv: list[str]) -> int:
    """The child's entry: ``argv`` is ``[driver]`` or empty."""
    # drivers print to stdout ("Audio saved to ..."): keep the protocol on a private copy
    protocol = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return _serve(argv[0] if argv else None, protocol)


class Pyttsx3FileSynthesizer(Synthesizer):
    """A pyttsx3 driver in a child process, synthesising through temporary files."""

    def __init__(self, driver: str | None = None, timeout_s: float = 60.0) -> None:
        self.driver = driver
        self.timeout_s = timeout_s
        self.name = driver or "pyttsx3"
        self._lock = threading.Lock()
        self._tmp = tempfile.TemporaryDirectory(prefix="story-player-speech-")
        self._count = 0
        self._voices: list[Voice] | None = None
        args = worker_command(driver)
        try:
            self._proc: subprocess.Popen[str] | None = subprocess.Popen(
                args,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
                encoding="utf-8",
            )
            hello = self._call({"op": "hello"})
        except (OSError, SpeechError) as exc:
            self.close()
            raise NoSpeechEngine(f"pyttsx3 could not start: {exc}") from exc
        self.name = str(hello.get("driver", self.name))

    def _call(self, request: dict[str, Any]) -> dict[str, Any]:
        proc = self._proc
        if proc is None or proc.stdin is None or proc.stdout is None or proc.poll() is not None:
            raise SpeechError("the speech process is not running")
        proc.stdin.write(json.dumps(request) + "\n")
        proc.stdin.flush()
        line: list[str] = []
        reader = threading.Thread(
            target=lambda: line.append(proc.stdout.readline() if proc.stdout else "")
        )
        reader.start()
        reader.join(self.timeout_s)
        if reader.is_alive() or not line or not line[0]:
            # a hung or dead engine: kill it so nothing waits on it again
            proc.kill()
            reader.join(1.0)
            raise SpeechError("the speech engine stopped answering")
        answer: dict[str, Any] = json.loads(line[0])
        if not answer.get("ok"):
            raise SpeechError(str(answer.get("error", "speech engine error")))
        return answer

    def voices(self) -> list[Voice]:
        with self._lock:
            if self._voices is None:
                answer = self._call({"op": "voices"})
                self._voices = [
                    Voice(
                        str(v["id"]),
                        str(v["name"]),
                        tuple(normalize_language(str(lang)) for lang in v["languages"] if lang),
                    )
                    for v in answer["voices"]
                ]
            return list(self._voices)

    def synthesize(self, text: str, voice_id: str, rate_wpm: int) -> SynthResult:
        with self._lock:
            self._count += 1
            path = Path(self._tmp.name) / f"utterance-{self._count}.audio"
            if not text.strip():
                return SynthResult(b"", 22_050, ())
            self._call(
                {"op": "save", "text": text, "voice": voice_id, "rate": rate_wpm, "path": str(path)}
            )
            try:
                pcm, rate = read_audio_file(path)
            except OSError as exc:
                raise SpeechError(f"no audio file: {exc}") from exc
            finally:
                path.unlink(missing_ok=True)
        return SynthResult(pcm, rate, estimate_words(text, pcm, rate))

    def close(self) -> None:
        proc = getattr(self, "_proc", None)
        self._proc = None
        if proc is not None:
            try:
                if proc.stdin:
                    proc.stdin.close()
                proc.wait(3.0)
            except (OSError, subprocess.TimeoutExpired):
                proc.kill()
                proc.wait(3.0)
            for stream in (proc.stdout,):
                if stream:
                    stream.close()
        self._tmp.cleanup()


def _wait_for_file(path: Path, finished: threading.Event, timeout_s: float) -> None:
    """Wait for ``finished-utterance`` and then for the file to stop growing."""
    deadline = time.monotonic() + timeout_s
    while not finished.is_set() and time.monotonic() < deadline:
        time.sleep(0.005)
    last = -1
    while time.monotonic() < deadline:
        size = path.stat().st_size if path.exists() else -1
        if size > 0 and size == last:
            return
        last = size
        time.sleep(0.02)
    raise TimeoutError(f"{path.name} was not written")


def _serve(driver: str | None, out: IO[str]) -> int:
    """The child process: one request per line on stdin, one JSON answer per line."""
    import pyttsx3

    engine = pyttsx3.init(driver) if driver else pyttsx3.init()
    finished = threading.Event()
    engine.connect("finished-utterance", lambda name, completed: finished.set())

    def answer(obj: dict[str, Any]) -> None:
        out.write(json.dumps(obj) + "\n")
        out.flush()

    for line in sys.stdin:
        try:
            request = json.loads(line)
            op = request.get("op")
            if op == "hello":
                answer({"ok": True, "driver": getattr(engine, "driver_name", driver or "pyttsx3")})
            elif op == "voices":
                voices = [
                    {
                        "id": v.id,
                        "name": v.name or v.id,
                        "languages": [
                            lang.decode("utf-8", "replace")
                            if isinstance(lang, bytes)
                            else str(lang)
                            for lang in (v.languages or [])
                        ],
                    }
                    for v in engine.getProperty("voices")
                ]
                answer({"ok": True, "voices": voices})
            elif op == "save":
                path = Path(request["path"])
                finished.clear()
                engine.setProperty("voice", request["voice"])
                engine.setProperty("rate", int(request["rate"]))
                # a rate set right before a save is sometimes lost: set it again
                engine.setProperty("rate", int(request["rate"]))
                engine.save_to_file(request["text"], str(path))
                engine.runAndWait()
                _wait_for_file(path, finished, 60.0)
                answer({"ok": True})
            else:
                answer({"ok": False, "error": f"unknown request {op!r}"})
        except Exception as exc:  # the parent gets every failure as an answer
            log.exception("speech request %r failed", op)
            answer({"ok": False, "error": f"{type(exc).__name__}: {exc}"})
    return 0


if __name__ == "__main__":
    sys.exit(worker_main(sys.argv[1:]))
