"""The reading session: one story, where the reader is in it, and the voice reading it.

A :class:`ReadingSession` holds what the window used to keep beside its widgets:
the story and its :class:`~player.core.navigation.Navigator`, the sentence (and
word) being read, Back and Forward (:class:`~player.core.navigation.History`),
the jumps, the bookmarks and stepping through them, and the position remembered
per story in :class:`~player.core.settings.Settings`. It owns the life of the
:class:`~player.core.playback.api.Playback`: made on demand by a factory, seeded
with the remembered rate, volume and voice, sought on every move and closed with
the story.

Views ask it to move and show what it answers: a :class:`Move` says whether the
reader went anywhere and what to say about it, worded here (with
:func:`~player.core.navigation.whereabouts` and the other wording in
:mod:`player.core.navigation`) so that every view says the same. Nothing here
imports Qt; methods are called from one thread (the GUI's), playback events are
handed in by the view once they are on that thread.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Literal, NamedTuple

from player.core.audiodevice import capped
from player.core.model import Story
from player.core.navigation import (
    History,
    Navigator,
    place_words,
    segment_words,
    whereabouts,
)
from player.core.playback.api import (
    MAX_RATE_WPM,
    MIN_RATE_WPM,
    Playback,
    PlaybackListener,
    PlaybackState,
    Position,
)
from player.core.playback.estimates import TimeEstimates
from player.core.settings import Bookmark, Settings

log = logging.getLogger(__name__)

PlaybackFactory = Callable[[Story], Playback]
Step = Literal["sentence", "paragraph"]
Landmark = Literal["segment", "personal_story", "public_reaction"]

#: What a jump says when there is nowhere to go, by landmark and direction.
NOWHERE: dict[tuple[Landmark, int], str] = {
    ("segment", 1): "This is the last segment",
    ("segment", -1): "This is the first segment",
    ("personal_story", 1): "No more personal stories",
    ("personal_story", -1): "No earlier personal story",
    ("public_reaction", 1): "This story has no public reaction",
}


def story_key(story: Story) -> str:
    """The key a story's position and bookmarks are remembered under."""
    if story.path is not None:
        return str(Path(story.path).resolve())
    return f"title:{story.meta.title}"


class SpeechUnavailable(Exception):
    """The playback could not be made; the story stays readable as text."""


class Move(NamedTuple):
    """What a move did. ``moved``: the reader is somewhere else now, and ``message`` is
    what to announce there ("" for nothing); otherwise ``message`` says why not ("" when
    a beep is all). ``heading``: the move landed on a segment's heading."""

    moved: bool
    message: str = ""
    heading: bool = False


class ReadingSession:
    """The story being read and the reader's place in it."""

    def __init__(self, settings: Settings, playback_factory: PlaybackFactory | None = None) -> None:
        self.settings = settings
        self.playback_factory = playback_factory
        self.story: Story | None = None
        self.navigator: Navigator | None = None
        #: the time left while no playback has its own (made on first use)
        self._estimates: TimeEstimates | None = None
        self.history = History()
        self.sentence = 0
        self.word: int | None = None
        #: the playback's state as last reported to the view (STOPPED without a playback)
        self.state = PlaybackState.STOPPED
        self.playback: Playback | None = None
        #: why speech is not available ("" while it may be)
        self.speech_problem = ""
        self.closed = False
        # The story's key, found once when it is opened: the position is remembered at
        # every move, and resolving the path each time took file-system calls per jump.
        self._key: tuple[Story, str] | None = None

    # The story

    @property
    def key(self) -> str | None:
        if self.story is None:
            return None
        if self._key is None or self._key[0] is not self.story:
            self._key = (self.story, story_key(self.story))
        return self._key[1]

    def set_story(self, story: Story) -> int | None:
        """Read ``story`` from where the reader stopped in it; returns that remembered
        sentence (None the first time). The old story's playback is closed."""
        self.close_playback()
        self.story = story
        self.navigator = Navigator(story)
        self._estimates = None
        self.history.clear()
        if story.path is not None:
            self.settings.add_recent(str(Path(story.path).resolve()), story.meta.title)
        self._key = (story, story_key(story))
        resume = self.settings.position_for(self._key[1])
        self.sentence = self.navigator.clamp(resume) if resume is not None else 0
        self.word = None
        return resume

    def remember_position(self) -> None:
        key = self.key
        if key is not None:
            self.settings.remember_position(key, self.sentence)

    def close(self) -> None:
        """Remember the position and close the playback; safe to call more than once."""
        self.closed = True
        self.remember_position()
        self.close_playback()

    # The playback

    def ensure_playback(
        self, listener: Callable[[], PlaybackListener] | None = None
    ) -> Playback | None:
        """The playback for the story, made now if there is none yet.

        ``listener`` makes the listener of a new playback, added before anything is
        asked of it. None without a story, once closed, or when speech failed before;
        raises :class:`SpeechUnavailable` when making it fails (and never tries again).
        """
        if (
            self.playback is not None
            or self.story is None
            or self.playback_factory is None
            or self.closed
        ):
            return self.playback
        try:
            playback = self.playback_factory(self.story)
        except Exception as exc:  # any engine failure leaves a usable text-only session
            self.speech_problem = str(exc) or type(exc).__name__
            self.playback_factory = None
            log.warning("speech is not available: %s", self.speech_problem)
            raise SpeechUnavailable(self.speech_problem) from exc
        if listener is not None:
            playback.add_listener(listener())
        self.playback = playback
        with contextlib.suppress(Exception):  # a refused setting keeps the engine's own
            playback.set_rate(self.settings.rate)
            playback.set_volume(self.settings.volume)
            if voice := self.voice_choice():
                playback.set_voice(voice)
        playback.seek(self.sentence)
        return playback

    def close_playback(self) -> None:
        if self.playback is not None:
            self.playback.close()
            self.playback = None
        self.state = PlaybackState.STOPPED

    def on_position(self, position: Position) -> bool:
        """The voice reached ``position``; False when there is nothing new to show: it is
        not in this story (a late event from a playback already replaced), it was sent
        before a jump made since (shown, it would put the reader back where the jump
        before went), or it is where the session already is (a stopped playback's answer
        to a seek, which the jump has shown)."""
        if self.story is None or not 0 <= position.sentence < self.story.sentence_count:
            return False
        if self.playback is not None and not self.playback.is_current(position):
            return False
        if position.sentence == self.sentence and position.word == self.word:
            return False
        self.sentence = position.sentence
        self.word = position.word
        self.remember_position()
        return True

    def set_rate(self, wpm: int) -> int | None:
        """Set and remember the rate (clamped); None when the administrator set it."""
        wpm = max(MIN_RATE_WPM, min(MAX_RATE_WPM, wpm))
        if not self.settings.set("rate", wpm):
            return None
        if self.playback is not None:
            self.playback.set_rate(wpm)
        return wpm

    def set_volume(self, volume: float) -> float | None:
        """Set and remember the volume (0.0..1.0, and no louder than the administrator's
        ``max_volume``); None when the administrator set it."""
        volume = round(capped(volume, self.settings.max_volume), 2)
        if not self.settings.set("volume", volume):
            return None
        if self.playback is not None:
            self.playback.set_volume(volume)
        return volume

    def voice_choice(self) -> str:
        """The reader's voice for this story's language; empty for the engine's best."""
        language = self.story.meta.language if self.story is not None else ""
        return self.settings.voice_for_language(language)

    def set_voice(self, voice_id: str) -> bool:
        """Set the main voice and remember it for this story's language; False when empty
        or set by the administrator."""
        language = self.story.meta.language if self.story is not None else ""
        if not voice_id or not self.settings.choose_voice(language, voice_id):
            return False
        if self.playback is not None:
            self.playback.set_voice(voice_id)
        return True

    # Moving

    def go_to(self, sentence: int | None, *, jump: bool = False) -> bool:
        """Move reading to ``sentence``; ``jump`` records where it was for Back.
        False when there is nowhere to go."""
        if sentence is None or self.story is None or self.navigator is None:
            return False
        if jump:
            self.history.jumped(self.sentence)
        self.sentence = self.navigator.clamp(sentence)
        self.word = None
        if self.playback is not None:
            self.playback.seek(self.sentence)
        self.remember_position()
        return True

    def move_to(self, sentence: int) -> bool:
        """The reader chose ``sentence`` to read from: the view starts the voice there."""
        if self.story is None or not self.story.refs:
            return False
        self.sentence = max(0, min(sentence, self.story.sentence_count - 1))
        self.word = None
        self.remember_position()
        return True

    def step(self, unit: Step, delta: int) -> Move | None:
        """The next or previous sentence or paragraph; None without a story."""
        if self.navigator is None:
            return None
        if unit == "sentence":
            target = self.navigator.sentence(self.sentence, delta)
        else:
            target = self.navigator.block(self.sentence, delta)
        return Move(self.go_to(target))

    def jump(self, landmark: Landmark, delta: int = 1) -> Move | None:
        """To the next or previous segment or personal story, or to the public reaction;
        announced as the segment it lands in. None without a story."""
        if self.navigator is None:
            return None
        if landmark == "segment":
            target = self.navigator.segment(self.sentence, delta)
        elif landmark == "personal_story":
            target = self.navigator.personal_story(self.sentence, delta)
        else:
            target = self.navigator.public_reaction(self.sentence)
        if not self.go_to(target, jump=True):
            return Move(False, NOWHERE[landmark, 1 if delta > 0 else -1])
        return Move(True, self.segment_words(), heading=True)

    def jump_to_segment(self, segment: int) -> Move | None:
        """To the start of ``segment`` (chosen in the contents); None without a story."""
        if self.story is None:
            return None
        if not self.go_to(self.story.first_sentence_of_segment(segment), jump=True):
            return Move(False)
        return Move(True, self.segment_words(segment), heading=True)

    def back(self) -> Move:
        return self._through_history(self.history.back, "Nothing to go back to", "Back to")

    def forward(self) -> Move:
        return self._through_history(self.history.forward, "Nothing to go forward to", "Forward to")

    def _through_history(self, take: Callable[[int], int | None], nowhere: str, where: str) -> Move:
        target = take(self.sentence)
        if target is None:
            return Move(False, nowhere)
        heading = self.is_segment_start(target)
        if not self.go_to(target):
            return Move(False)
        return Move(True, f"{where} {self.place_words()}", heading=heading)

    def is_segment_start(self, sentence: int) -> bool:
        if self.story is None or not 0 <= sentence < self.story.sentence_count:
            return False
        ref = self.story.refs[sentence]
        return self.story.first_sentence_of_segment(ref.segment) == sentence

    # Bookmarks

    def bookmarks(self) -> list[Bookmark]:
        """This story's bookmarks in story order."""
        return self.settings.bookmarks(self.key) if self.key is not None else []

    def default_bookmark_name(self) -> str | None:
        """ "Segment title, sentence N" for here; None when there is nothing to mark."""
        if self.story is None or not self.story.refs:
            return None
        ref = self.story.refs[self.sentence]
        first = self.story.first_sentence_of_segment(ref.segment) or 0
        return f"{self.story.segments[ref.segment].title}, sentence {self.sentence - first + 1}"

    def add_bookmark(self, name: str) -> str | None:
        """Mark the current sentence as ``name``; what to say, None without a story."""
        if self.key is None:
            return None
        self.settings.add_bookmark(self.key, name, self.sentence)
        return f"Bookmark added: {name}"

    def delete_bookmarks(self, marks: list[Bookmark]) -> str:
        """Forget ``marks``; what to say ("" for none)."""
        if self.key is None or not marks:
            return ""
        for mark in marks:
            self.settings.delete_bookmark(self.key, mark)
        if len(marks) == 1:
            return f"Bookmark deleted: {marks[0].name}"
        return f"{len(marks)} bookmarks deleted"

    def go_to_bookmark(self, mark: Bookmark) -> Move:
        return Move(self.go_to(mark.sentence, jump=True), f"Bookmark: {mark.name}")

    def step_bookmark(self, delta: int) -> Move | None:
        """To the next (``delta`` > 0) or previous bookmark; None without a story."""
        if self.story is None:
            return None
        marks = self.bookmarks()
        if delta > 0:
            ahead = [m for m in marks if m.sentence > self.sentence]
            mark = ahead[0] if ahead else None
        else:
            behind = [m for m in marks if m.sentence < self.sentence]
            mark = behind[-1] if behind else None
        if mark is None:
            return Move(False, "No more bookmarks" if marks else "No bookmarks yet")
        return self.go_to_bookmark(mark)

    # Wording

    def time_left_ms(self) -> int:
        """The playback's figure when there is one, else the same estimate at the
        remembered rate (before any sentence is synthesized)."""
        if self.playback is not None:
            with contextlib.suppress(Exception):
                return self.playback.time_left_ms()
        if self.story is None:
            return 0
        rate = self.estimate_rate()
        if self._estimates is None:
            voice = self.settings.voice or ""
            self._estimates = TimeEstimates(self.story, rate, lambda _sentence: voice)
        self._estimates.set_rate(rate)
        return self._estimates.time_left_ms(self.sentence)

    def estimate_rate(self) -> int:
        """The rate the time left is estimated at before a playback gives its own."""
        return min(max(self.settings.rate, MIN_RATE_WPM), MAX_RATE_WPM)

    def where_text(self, spoken: bool = False) -> str:
        """Where Am I: the status line, or (``spoken``) a sentence to say."""
        if self.story is None:
            return "No story open"
        where = whereabouts(self.story, self.sentence, self.time_left_ms())
        if where is None:
            return "The story is empty"
        return where.spoken_text() if spoken else where.status_text()

    def segment_words(self, segment: int | None = None) -> str:
        """``segment`` (the current one by default) as announced after a jump."""
        if self.story is None:
            return ""
        if segment is None:
            if not self.story.refs:
                return ""
            segment = self.story.refs[self.sentence].segment
        return segment_words(self.story, segment)

    def place_words(self) -> str:
        """The current segment and sentence, as Back and Forward announce them."""
        return place_words(self.story, self.sentence) if self.story is not None else ""
