"""Opening stories in the window: on a worker thread, with a "Loading…" state meanwhile.

:class:`StoryOpening` is the part of :class:`~player.gui.window.MainWindow` that
loads stories and puts them on screen. Parsing happens on a worker thread
(:func:`~player.gui.background.run_in_background`), including the story given on
the command line and the one reopened at start, so the window appears and stays
responsive however large the file is; the reading pane builds a long story's
document in slices and says "Loading…" (to the eye and, through its accessible
description and the window's announcement, to a screen reader) until the text is in.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING, Any

from player import APP_NAME
from player.core.gcpause import paused_collection
from player.core.model import Story
from player.gui.background import Generation, run_in_background
from player.gui.handlers import CommandHandlers

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMessageBox

log = logging.getLogger(__name__)

StoryLoader = Callable[[Path], Story]
#: a story, or the problems to show instead
Loaded = Story | list[Any]


def load_story_or_problems(loader: StoryLoader | None, path: Path | str) -> Loaded:
    """The story, or the problems to show instead; safe on any thread."""
    from player.core.storyfile import StoryFileError, load_story

    try:
        return (loader or load_story)(Path(path))
    except StoryFileError as exc:
        return list(exc.problems)
    except OSError as exc:
        return [exc.strerror or str(exc)]


def load_first(loader: StoryLoader | None, paths: Sequence[Path]) -> list[tuple[Path, Loaded]]:
    """Each path tried in turn until one loads: what each gave, the story last.

    The cyclic garbage collector is held off meanwhile and the story's objects are then
    moved out of its sight (:func:`gc.freeze`): a full collection walks every object
    of a large story, hundreds of milliseconds during which the GUI thread waits for
    the interpreter lock.
    """
    tried: list[tuple[Path, Loaded]] = []
    with paused_collection():
        try:
            for path in paths:
                result = load_story_or_problems(loader, path)
                tried.append((path, result))
                if isinstance(result, Story):
                    break
        finally:
            gc.freeze()
    return tried


class StoryOpening(CommandHandlers):
    """Loading and showing stories (a base of :class:`~player.gui.window.MainWindow`)."""

    if TYPE_CHECKING:  # made by the window
        story_loader: StoryLoader | None
        story_gate: Callable[[Path], str | None] | None
        error_box: QMessageBox | None
        _loads: Generation
        _painted: bool
        _status_sentence: int

        def _close_playback(self) -> None: ...

        def prepare_speech_after_paint(self) -> None: ...

    def open_story(self, path: Path | str) -> bool:
        """Load and show a story now; on failure show the problems and keep the current one.

        For scripted sessions and tools; what the reader opens goes through
        :meth:`open_story_in_background`, so a large file never freezes the window.
        """
        if not self._story_allowed(path):
            return False
        shown = self._show_loaded(path, load_story_or_problems(self.story_loader, path))
        if shown:
            self.pane.finish_building()  # a script reads the text right after this
        return shown

    def open_story_in_background(self, path: Path | str) -> None:
        """Load a story on a worker thread and show it (or its problems) when it is ready.

        Only the story asked for last is shown: one chosen before it that loads later is dropped.
        """
        if self._story_allowed(path):
            self.open_first_in_background([Path(path)])

    def open_first_in_background(self, paths: Sequence[Path]) -> None:
        """Load the first of ``paths`` that loads, on a worker thread, saying "Loading…"
        until then; the problems of those that did not load are shown."""
        if not paths:
            return
        self.notify(f"Loading {paths[0].name}…")
        if self.session.story is None:
            self.pane.show_loading(f"Loading {paths[0].name}…")
        loader = self.story_loader  # the worker gets what it needs, never the window

        def loaded(future: Future[list[tuple[Path, Loaded]]]) -> None:
            if self.session.closed:
                return
            self.show_message("")
            for path, result in future.result():
                self._show_loaded(path, result)

        run_in_background(
            lambda: load_first(loader, paths),
            loaded,
            receiver=self,
            generation=self._loads,
            name="story-loader",
        )

    def _story_allowed(self, path: Path | str) -> bool:
        from player.gui.dialogs import show_story_error

        refusal = self.story_gate(Path(path)) if self.story_gate is not None else None
        if refusal is not None:
            self.error_box = show_story_error(self, path, [refusal])
            return False
        return True

    def _show_loaded(self, path: Path | str, result: Loaded) -> bool:
        from player.gui.dialogs import show_story_error

        if isinstance(result, Story):
            log.info("opened %s (%d sentences)", path, result.sentence_count)
            self.set_story(result)
            return True
        log.warning("could not open %s: %d problems", path, len(result))
        self.error_box = show_story_error(self, path, result)
        return False

    def set_story(self, story: Story) -> None:
        self._close_playback()
        self._status_sentence = -1
        resume = self.session.set_story(story)
        self.setWindowTitle(f"{story.meta.title} — {APP_NAME}")
        self.contents.set_story(story)
        if resume:
            self.show_message("Resuming where you stopped")
        self.schedule_save()
        # A long story's text comes in slices: the rest waits for it (see _story_built).
        self.pane.set_story(story)

    def _story_built(self) -> None:
        """The pane holds the story's text: show the place, then let the voice load."""
        if self.session.story is None:
            return
        self._status_sentence = -1
        self._show_position()
        self.pane.caret_to_sentence(self.session.sentence)
        if self._painted:
            self.prepare_speech_after_paint()
