"""espeak-ng through pyttsx3's low-level ctypes bindings, synthesising in the calling thread.

pyttsx3's ``Engine`` cannot pause, blocks in ``runAndWait`` and reports no word
times, so only its ``drivers._espeak`` bindings are used. In
``AUDIO_OUTPUT_SYNCHRONOUS`` mode ``espeak_Synth`` returns once the whole text
is rendered, delivering PCM chunks and word events (with their audio time) to a
callback on the same thread, at about 1,000x real time.

espeak-ng keeps one global instance per process with one callback, and is not
thread-safe, so a process-wide lock guards every call and the library is
initialised once. The ``espeakng-loader`` wheel's library is loaded first
(``RTLD_GLOBAL``) so pyttsx3's own ``dlopen`` of ``libespeak-ng.so.1`` resolves
to it and speech works after a plain ``pip install``; the system library is
the fallback.

A voice whose language dictionary is missing from the data folder (the wheel ships
none for Faroese, Karakalpak and the Xextan test voice) is not offered and not
loaded: espeak-ng prints "Can't read dictionary file", keeps going with the previous
voice's freed dictionary, and later crashes the process or leaks memory with every
sentence.
"""

from __future__ import annotations

import ctypes
import logging
import os
import threading
from types import ModuleType
from typing import Any

from player.core.speech.base import (
    SAMPLE_WIDTH,
    NoSpeechEngine,
    SpeechError,
    Synthesizer,
    SynthResult,
    Voice,
    WordMark,
)

log = logging.getLogger(__name__)

_EVENT_WORD = 1
_EVENT_END_OF_LIST = 0
_PHONEME_INPUT = 0x100  # espeakPHONEMES: read [[...]] as phoneme mnemonics
_BUFFER_MS = 200  # size of the chunks espeak hands to the callback

_LOCK = threading.RLock()
_state: _EspeakState | None = None
_init_error: str | None = None


class _EspeakState:
    """The process-wide espeak instance and the collector its callback feeds."""

    def __init__(self, module: ModuleType, sample_rate: int, library: str) -> None:
        self.module = module
        self.sample_rate = sample_rate
        self.library = library
        self.chunks: list[bytes] = []
        self.events: list[tuple[int, int, int]] = []
        self.voice: str | None = None
        self.abort = False
        self.voices: list[Voice] | None = None
        #: the espeak-ng-data folder in use, where each voice's dictionary must be
        self.data_dir: str | None = None
        #: voice id -> why it cannot be spoken, for voices checked so far
        self.unusable: dict[str, str | None] = {}

    def callback(self, wav: Any, numsamples: int, events: Any) -> int:
        # Runs inside espeak_Synth on the synthesising thread; must never raise.
        try:
            if wav and numsamples > 0:
                self.chunks.append(ctypes.string_at(wav, numsamples * SAMPLE_WIDTH))
            i = 0
            while events[i].type != _EVENT_END_OF_LIST:
                event = events[i]
                if event.type == _EVENT_WORD:
                    self.events.append((event.text_position, event.length, event.audio_position))
                i += 1
        except Exception:  # raising into C would take the process down
            log.exception("espeak-ng's synthesis callback failed; the sentence is dropped")
            self.abort = True
        return 1 if self.abort else 0


def _wheel_paths() -> tuple[str, str] | None:
    """The espeakng-loader wheel's library and data, when it is installed."""
    try:
        import espeakng_loader
    except ImportError:
        return None
    try:
        library = str(espeakng_loader.get_library_path())
        data = str(espeakng_loader.get_data_path())
    except (OSError, RuntimeError, AttributeError, ValueError):
        log.debug("espeakng-loader gives no paths", exc_info=True)
        return None
    if not (os.path.exists(library) and os.path.isdir(data)):
        return None
    return library, data


def _load() -> _EspeakState:
    """Load and initialise espeak once per process; raise NoSpeechEngine if impossible."""
    global _state, _init_error
    if _state is not None:
        return _state
    if _init_error is not None:
        raise NoSpeechEngine(_init_error)
    data_path: str | None = None
    library = "system libespeak-ng"
    wheel = _wheel_paths()
    if wheel is not None:
        try:
            ctypes.CDLL(wheel[0], mode=ctypes.RTLD_GLOBAL)
            library, data_path = wheel
        except OSError:
            wheel = None
    try:
        from pyttsx3.drivers import _espeak
    except (ImportError, OSError, RuntimeError, AttributeError) as exc:  # no library at all
        _init_error = f"espeak-ng could not be loaded: {exc}"
        raise NoSpeechEngine(_init_error) from exc
    path = data_path.encode() if data_path else None
    rate = _espeak.Initialize(_espeak.AUDIO_OUTPUT_SYNCHRONOUS, _BUFFER_MS, path, 0)
    if rate <= 0:
        _init_error = "espeak-ng failed to initialise (no voice data found?)"
        raise NoSpeechEngine(_init_error)
    state = _EspeakState(_espeak, int(rate), library)
    state.data_dir = data_path or _data_dir(_espeak)
    _espeak.SetSynthCallback(state.callback)
    _state = state
    return state


def _data_dir(module: ModuleType) -> str | None:
    """The data folder the library found by itself (``espeak_Info``)."""
    try:
        info = module.dll.espeak_Info
        info.restype = ctypes.c_char_p
        info.argtypes = [ctypes.POINTER(ctypes.c_char_p)]
        path = ctypes.c_char_p()
        info(ctypes.byref(path))
    except (AttributeError, OSError, ValueError):
        return None
    return path.value.decode("utf-8", "replace") if path.value else None


def voice_dictionary(voice_file: str) -> str | None:
    """The dictionary a voice file makes espeak-ng load: its ``dictionary`` line, else
    its first ``language`` up to the first hyphen (as espeak-ng's LoadVoice does)."""
    language: str | None = None
    dictionary: str | None = None
    for line in voice_file.splitlines():
        words = line.split("//", 1)[0].split()
        if len(words) < 2:
            continue
        if words[0] == "language" and language is None and words[1] != "variant":
            language = words[1].split("-", 1)[0]
        elif words[0] == "dictionary":
            dictionary = words[1]
    return dictionary or language


def dictionary_problem(data_dir: str | None, voice_id: str) -> str | None:
    """Why espeak-ng could not load ``voice_id`` safely, or None. A voice whose file is
    not where the data folder keeps voices is given the benefit of the doubt."""
    if not data_dir:
        return None
    for folder in ("lang", "voices"):
        path = os.path.join(data_dir, folder, *voice_id.split("/"))
        if os.path.isfile(path):
            break
    else:
        return None
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            dictionary = voice_dictionary(handle.read(65_536))
    except OSError:
        return None
    if dictionary is None or os.path.isfile(os.path.join(data_dir, f"{dictionary}_dict")):
        return None
    return f"its dictionary {dictionary}_dict is not installed"


def _parse_languages(voice: Any, offset: int) -> tuple[str, ...]:
    """espeak packs languages as (priority byte, NUL-terminated name)*, then a 0 byte;
    ctypes' ``c_char_p`` field would only show the first, so read the raw memory."""
    address = ctypes.c_void_p.from_buffer(voice, offset).value
    if not address:
        return ()
    raw = ctypes.string_at(address, 256)
    langs: list[str] = []
    pos = 0
    while pos < len(raw) and raw[pos] != 0:
        end = raw.find(b"\0", pos + 1)
        if end < 0:
            break
        name = raw[pos + 1 : end].decode("utf-8", "replace").lower()
        if name:
            langs.append(name)
        pos = end + 1
    return tuple(langs)


class EspeakSynthesizer(Synthesizer):
    """espeak-ng in synchronous mode: real word times, 22,050 Hz mono."""

    name = "espeak-ng"

    def __init__(self) -> None:
        with _LOCK:
            self._state = _load()
        #: how many times this synthesizer had espeak load a voice (tests count them)
        self.voice_loads = 0

    @property
    def library(self) -> str:
        """Which library is in use: a path into the wheel, or the system one."""
        return self._state.library

    @property
    def sample_rate(self) -> int:
        return self._state.sample_rate

    def voices(self) -> list[Voice]:
        with _LOCK:
            state = self._state
            if state.voices is None:
                es = state.module
                offset = es.VOICE.languages.offset
                found = []
                for v in es.ListVoices():
                    ident = (v.identifier or b"").decode("utf-8", "replace")
                    name = (v.name or b"").decode("utf-8", "replace")
                    if ident and self._problem(ident) is None:
                        found.append(Voice(ident, name, _parse_languages(v, offset)))
                state.voices = found
            return list(state.voices)

    def _problem(self, voice_id: str) -> str | None:
        """Why ``voice_id`` must not be loaded (checked once per voice); call under _LOCK."""
        state = self._state
        if voice_id not in state.unusable:
            problem = dictionary_problem(state.data_dir, voice_id)
            if problem is not None:
                log.info("espeak-ng voice %s is not offered: %s", voice_id, problem)
            state.unusable[voice_id] = problem
        return state.unusable[voice_id]

    def _select(self, voice_id: str) -> None:
        """Make ``voice_id`` espeak's current voice, loading it if it is not; call under _LOCK."""
        state = self._state
        if voice_id == state.voice:
            return
        problem = self._problem(voice_id)
        if problem is not None:
            raise SpeechError(f"espeak-ng cannot speak {voice_id!r}: {problem}")
        if state.module.SetVoiceByName(voice_id.encode("utf-8")) != 0:
            state.voice = None
            raise SpeechError(f"espeak-ng has no voice {voice_id!r}")
        state.voice = voice_id
        self.voice_loads += 1

    def prime(self, voice_id: str) -> None:
        """Load the voice and its dictionary, and speak one word into nothing: the first
        synthesis after start-up also pages in espeak's phoneme tables."""
        self.synthesize("a", voice_id, 175)

    def synthesize(self, text: str, voice_id: str, rate_wpm: int) -> SynthResult:
        with _LOCK:
            state = self._state
            es = state.module
            self._select(voice_id)
            # selecting a voice resets the rate, and a cached rate could be stale:
            # set it on every call, it costs nothing
            es.SetParameter(es.RATE, int(rate_wpm), 0)
            state.chunks = []
            state.events = []
            state.abort = False
            if text.strip():
                # [[...]] is espeak's phoneme input: only the lexicon puts it in spoken
                # text (brackets in the story are not spoken), so it is turned on only then.
                flags = es.CHARS_UTF8 | (_PHONEME_INPUT if "[[" in text else 0)
                result = es.Synth(text, flags=flags)
                if result != 0 or state.abort:
                    raise SpeechError(f"espeak-ng failed on {text[:40]!r} (code {result})")
            pcm = b"".join(state.chunks)
            events = state.events
            state.chunks, state.events = [], []
        sample_rate = state.sample_rate
        total_ms = len(pcm) // SAMPLE_WIDTH * 1000 // sample_rate
        words: list[WordMark] = []
        for position, length, ms in events:
            # espeak counts code points from 1
            words.append(WordMark(max(position - 1, 0), max(length, 0), min(max(ms, 0), total_ms)))
        words.sort(key=lambda w: (w.start_ms, w.offset))
        return SynthResult(pcm, sample_rate, tuple(words))


def phonemes(text: str, voice_id: str, *, ipa: bool = False) -> str:
    """What espeak-ng would say for ``text`` with ``voice_id``, as phoneme mnemonics
    (``ipa`` for IPA), clauses joined by a space: lets tests check what a listener hears
    without playing audio. Raises SpeechError for a voice espeak-ng cannot load."""
    with _LOCK:
        state = _load()
        es = state.module
        problem = dictionary_problem(state.data_dir, voice_id)
        if problem is not None:
            raise SpeechError(f"espeak-ng cannot speak {voice_id!r}: {problem}")
        if es.SetVoiceByName(voice_id.encode("utf-8")) != 0:
            state.voice = None
            raise SpeechError(f"espeak-ng has no voice {voice_id!r}")
        state.voice = voice_id
        convert = es.dll.espeak_TextToPhonemes
        convert.restype = ctypes.c_char_p
        convert.argtypes = [ctypes.POINTER(ctypes.c_void_p), ctypes.c_int, ctypes.c_int]
        buffer = ctypes.create_string_buffer(text.encode("utf-8"))
        # espeak advances the pointer clause by clause and sets it to NULL at the end
        pointer = ctypes.c_void_p(ctypes.addressof(buffer))
        clauses: list[str] = []
        while pointer.value:
            said = convert(ctypes.byref(pointer), 1, 2 if ipa else 0)  # 1: UTF-8 text
            if said:
                clauses.append(said.decode("utf-8", "replace").strip())
        return " ".join(c for c in clauses if c)
