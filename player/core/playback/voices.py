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

from player.core.model import BlockType
from player.core.speech.base import Voice, best_voice, second_voice

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

    def __init__(self, main: str, block_types: Sequence[BlockType]) -> None:
        self.main = main
        self._blocks: dict[BlockType, str] = {}
        self._block_types = list(block_types)  # per sentence, in story order

    def block_voice(self, block_type: BlockType) -> str | None:
        return self._blocks.get(block_type)

    def set_block_voice(self, block_type: BlockType, voice_id: str | None) -> str | None:
        """Set it (None: the main voice again); the voice it had before."""
        old = self._blocks.get(block_type)
        if voice_id is None:
            self._blocks.pop(block_type, None)
        else:
            self._blocks[block_type] = voice_id
        return old

    def block_type_of(self, sentence: int) -> BlockType:
        return self._block_types[sentence]

    def voice_for(self, sentence: int) -> str:
        """The voice ``sentence`` is read in: its block type's, else the main one."""
        return self._blocks.get(self._block_types[sentence], self.main)

    def in_use(self) -> set[str]:
        """Every voice some sentence is read in (audio in any other is stale)."""
        return {self.main, *self._blocks.values()}
