"""The synthesizer interface shared by every speech backend.

A synthesizer turns one sentence of spoken text into 16-bit mono PCM plus the
times at which words start. Backends differ a lot in what they can do (espeak
reports real word times, SAPI5/NSSS only write files), so the interface is the
smallest thing they can all honour. Nothing here imports Qt.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import NamedTuple

SAMPLE_WIDTH = 2  # bytes per sample: every backend delivers signed 16-bit mono


class SpeechError(Exception):
    """A sentence could not be synthesized."""


class NoSpeechEngine(SpeechError):
    """No speech backend can be loaded on this machine."""


class WordMark(NamedTuple):
    """Where a word starts: its offset and length in the spoken text, and the
    time from the start of the sentence's audio."""

    offset: int
    length: int
    start_ms: int


class SynthResult(NamedTuple):
    """The audio of one sentence.

    ``words`` are sorted by ``start_ms``. They may skip words (espeak gives no
    event for some short ones), so consumers interpolate.
    """

    pcm: bytes
    sample_rate: int
    words: tuple[WordMark, ...] = ()

    @property
    def frames(self) -> int:
        return len(self.pcm) // SAMPLE_WIDTH

    @property
    def duration_ms(self) -> int:
        return self.frames * 1000 // self.sample_rate if self.sample_rate else 0


class Voice(NamedTuple):
    """A voice a backend offers. ``languages`` are lower-case BCP 47 tags."""

    id: str
    name: str
    languages: tuple[str, ...] = ()


class Synthesizer(ABC):
    """Turns sentences into audio.

    Implementations need not be thread-safe: the playback core calls one from a
    single worker thread. ``close`` releases whatever the backend holds.
    """

    #: A short name for messages and ``voices --json`` ("espeak-ng", "sapi5", ...).
    name: str = "synthesizer"

    @abstractmethod
    def voices(self) -> list[Voice]: ...

    @abstractmethod
    def synthesize(self, text: str, voice_id: str, rate_wpm: int) -> SynthResult:
        """Raises :class:`SpeechError` when the text cannot be spoken."""

    def prime(self, voice_id: str) -> None:  # noqa: B027 - most backends load nothing ahead
        """Load ``voice_id`` now, so the first sentence costs no more than later ones.
        Raises :class:`SpeechError` when the voice cannot be loaded."""

    def close(self) -> None:  # noqa: B027 - most backends hold nothing to release
        """Release the backend; the default holds nothing."""


def normalize_language(tag: str) -> str:
    """``en_US`` and ``EN-us`` both become ``en-us``."""
    return tag.strip().replace("_", "-").lower()


def best_voice(voices: Sequence[Voice], language: str) -> Voice | None:
    """The voice that best fits ``language``, or None when ``voices`` is empty.

    An exact tag wins, then a voice for the bare language ("en" for "en-nz"),
    then any regional variant of it. Earlier voices win ties, so a backend's
    own preference order is kept. With no match the first voice is returned.
    """
    if not voices:
        return None
    wanted = normalize_language(language)
    primary = re.split(r"-", wanted, maxsplit=1)[0]
    best: tuple[int, int] | None = None
    chosen: Voice | None = None
    for order, voice in enumerate(voices):
        score = 0
        for rank, lang in enumerate(voice.languages):
            lang = normalize_language(lang)
            if lang == wanted:
                points = 30
            elif lang == primary:
                points = 20
            elif lang.split("-", 1)[0] == primary:
                points = 10
            else:
                continue
            # a voice whose main language matches beats one listing it later
            score = max(score, points - min(rank, 9))
        basename = voice.id.rsplit("/", 1)[-1].lower()
        if score and basename in (wanted, primary):
            # espeak names its default variant after the bare tag (gmw/en, roa/fr)
            score += 5 if basename == wanted else 3
        key = (score, -order)
        if score and (best is None or key > best):
            best, chosen = key, voice
    return chosen if chosen is not None else voices[0]


_REGION = re.compile(r"^(?:[a-z]{2}|[0-9]{3})$")


def other_voices(voices: Sequence[Voice], main_id: str) -> list[Voice]:
    """The other voices of the main voice's language, best first, for quotations and posts.

    A listener should hear at once that a quotation or a post began, yet still
    hear their own language, so only voices whose main language is the main
    voice's qualify. Among them a plain regional variant ("en-us") wins over a
    sub-regional one ("en-029", "en-gb-scotland"), and a voice that also lists
    the bare language over one that does not; voices for another script
    ("en-shaw") or a single city ("en-us-nyc") never qualify. When the main
    voice is a regional one, the language's default voice (espeak's ``gmw/en``
    for ``gmw/en-US``) is preferred. Earlier voices win ties.
    """
    main = next((v for v in voices if v.id == main_id), None)
    if main is None or not main.languages:
        return []
    primary = normalize_language(main.languages[0]).split("-", 1)[0]
    ranked: list[tuple[tuple[int, int], Voice]] = []
    for order, voice in enumerate(voices):
        if voice.id == main.id or not voice.languages:
            continue
        tags = [normalize_language(t) for t in voice.languages]
        first = tags[0].split("-")
        if first[0] != primary:
            continue
        score = 0
        if primary in tags:
            score += 2
        if len(first) == 2 and _REGION.match(first[1]):
            score += 2 if first[1].isalpha() else 1
        if score and voice.id.rsplit("/", 1)[-1].lower() == primary:
            score += 3
        if score:
            ranked.append(((score, -order), voice))
    ranked.sort(key=lambda pair: pair[0], reverse=True)
    return [voice for _key, voice in ranked]


def second_voice(voices: Sequence[Voice], main_id: str) -> Voice | None:
    """The best of :func:`other_voices`: the second voice "automatic" picks; None if none."""
    others = other_voices(voices, main_id)
    return others[0] if others else None
