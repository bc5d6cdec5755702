"""Which voice reads what: the main voice, and a second voice for quotations and posts.

:func:`second_voice_for` is the one policy for the "second voice" setting, shared
by the window and the command line: "automatic" (another voice of the main
voice's language), "off" (the main voice), or a voice id. Stored settings and the
command line spell "automatic" differently ("" and "auto"); both are accepted.

Imports only the speech interface (no backend, thread or audio code): the window
uses this before any playback exists.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from player.core.model import BlockType, Story
from player.core.speech.base import (
    Voice,
    best_voice,
    normalize_language,
    other_voices,
    second_voice,
)

log = logging.getLogger(__name__)

#: "automatic", as the window stores it
AUTOMATIC = ""
#: every spelling of "automatic": "" from the window's settings, "auto" from the command line
AUTOMATIC_SPELLINGS = frozenset({AUTOMATIC, "auto"})
#: quotations and posts in the main voice
OFF = "off"
#: the block types a second voice reads
SECOND_VOICE_BLOCKS = (BlockType.QUOTATION, BlockType.POST)


class UnknownVoiceError(LookupError):
    """A voice id that the engine does not offer."""

    def __init__(self, voice_id: str) -> None:
        super().__init__(voice_id)
        self.voice_id = voice_id


def second_voice_for(voices: Sequence[Voice], main_id: str, choice: str) -> str | None:
    """The voice id for quotations and posts under the setting ``choice``; None for the main one.

    ``choice`` is "automatic" ("" or "auto": another voice of ``main_id``'s language,
    None when there is none), "off" (None), or a voice id, which must be one of
    ``voices``: otherwise :class:`UnknownVoiceError` (the window then falls back to
    the main voice, the command line reports the mistake).
    """
    if choice == OFF:
        return None
    if choice in AUTOMATIC_SPELLINGS:
        chosen = second_voice(voices, main_id)
        return chosen.id if chosen is not None else None
    if any(v.id == choice for v in voices):
        return choice
    raise UnknownVoiceError(choice)


def speaker_voices(voices: Sequence[Voice], main_id: str, quotation_voice: str) -> list[str]:
    """More voices for the later speakers of a segment: the other voices of the main
    voice's language, best first, after the quotation voice itself."""
    return [v.id for v in other_voices(voices, main_id) if v.id != quotation_voice]


#: the language the interface's messages are written in
INTERFACE_LANGUAGE = "en"


def interface_voice(voices: Sequence[Voice], main_id: str) -> str:
    """The voice that says the interface's messages ("Paused", Where Am I): the reading
    voice when it speaks the interface's language, else the best voice for that language,
    so a Spanish voice never reads English messages with Spanish sounds."""
    main = next((v for v in voices if v.id == main_id), None)
    if main is not None and any(
        normalize_language(tag).split("-", 1)[0] == INTERFACE_LANGUAGE for tag in main.languages
    ):
        return main_id
    best = best_voice(voices, INTERFACE_LANGUAGE)
    return best.id if best is not None else main_id


def choose_main_voice(
    voices: Sequence[Voice], wanted: str, language: str
) -> tuple[Voice | None, str | None]:
    """The voice a playback starts with: ``wanted`` when offered, else the best for
    ``language``; and a warning to show when ``wanted`` was asked for but is missing."""
    chosen = next((v for v in voices if v.id == wanted), None)
    if chosen is not None:
        return chosen, None
    warning = None
    if wanted:
        warning = (
            f"The voice {wanted!r} is not available; using the best voice for the story's language."
        )
        log.info("voice %r not offered; choosing by language %r", wanted, language)
    return best_voice(voices, language), warning


class VoiceTable:
    """The main voice and the voices of block types, and so the voice of each sentence.

    Not thread-safe on its own: the playback guards it with its lock.
    """

    def __init__(
        self,
        main: str,
        block_types: Sequence[BlockType],
        speaker_ranks: Sequence[int] | None = None,
    ) -> None:
        self.main = main
        self._blocks: dict[BlockType, str] = {}
        self._block_types = list(block_types)  # per sentence, in story order
        #: per sentence: which speaker of its segment says it (0 the first to speak,
        #: 1 the next...), -1 outside quotations
        self._ranks = list(speaker_ranks) if speaker_ranks is not None else []
        #: the quotation voices by speaker rank; the first is the quotation voice itself
        self._speakers: list[str] = []

    def block_voice(self, block_type: BlockType) -> str | None:
        return self._blocks.get(block_type)

    def set_block_voice(
        self, block_type: BlockType, voice_id: str | None, others: Sequence[str] = ()
    ) -> str | None:
        """Set it (None: the main voice again); the voice it had before. For quotations,
        ``others`` are more voices of the language for the second, third... speaker of a
        segment (see :func:`speaker_ranks`); with none, every speaker has ``voice_id``."""
        old = self._blocks.get(block_type)
        if voice_id is None:
            self._blocks.pop(block_type, None)
        else:
            self._blocks[block_type] = voice_id
        if block_type is BlockType.QUOTATION:
            self._speakers = (
                [voice_id, *(v for v in others if v not in (voice_id, self.main))]
                if voice_id is not None
                else []
            )
        return old

    def block_type_of(self, sentence: int) -> BlockType:
        return self._block_types[sentence]

    def voice_for(self, sentence: int) -> str:
        """The voice ``sentence`` is read in: its speaker's in a quotation, its block
        type's, else the main one."""
        if self._speakers and sentence < len(self._ranks) and self._ranks[sentence] >= 0:
            return self._speakers[self._ranks[sentence] % len(self._speakers)]
        return self._blocks.get(self._block_types[sentence], self.main)

    def in_use(self) -> set[str]:
        """Every voice some sentence is read in (audio in any other is stale)."""
        speakers = self._speakers
        used = {speakers[r % len(speakers)] for r in self._ranks if r >= 0} if speakers else set()
        return {self.main, *self._blocks.values(), *used}


def speaker_ranks(story: Story) -> list[int]:
    """Per sentence, which speaker of its segment says it: 0 for the first speaker to be
    quoted in the segment, 1 for the next one, and so on; -1 outside quotations. Each
    segment starts again at 0, so an interview's two voices stay the same two voices."""
    ranks: list[int] = []
    for segment in story.segments:
        order: dict[str, int] = {}
        for block in segment.blocks:
            if block.type is BlockType.QUOTATION:
                rank = order.setdefault(block.speaker.strip().casefold(), len(order))
            else:
                rank = -1
            ranks.extend([rank] * len(block.sentences))
    return ranks
