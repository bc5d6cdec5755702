"""Opening stories in the window: on a worker thread, with a "Loading…" state meanwhile.

:class:`StoryOpening` is the part of :class:`~player.gui.window.MainWindow` that
loads stories and puts them on screen. Parsing happens on a worker thread
(:func:`~player.gui.background.run_in_background`), including the story given on
the command line and the one reopened at start, so the window appears and stays
responsive however large the file is; the reading pane builds a long story's
document in slices and says "Loading…" (to the eye and, through its accessible
description and the window's announcement, to a screen reader) until the text is in.
At start, a story that is not large is parsed in a child process instead, begun before
Qt was loaded (:mod:`player.gui.preload`); the window takes it after its first paint.
"""

from __future__ import annotations

import gc
import logging
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer

from player import APP_NAME
from player.core.gcpause import paused_collection
from player.core.library import story_names
from player.core.model import Story
from player.core.playback.estimates import story_pause_suffix, story_units
from player.gui.background import Generation, run_in_background
from player.gui.handlers import CommandHandlers
from player.gui.preload import Loaded, StoryLoader, StoryPreload, load_story_or_problems
from player.gui.reading import SLICE_GAP_MS

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMenu, QMessageBox

log = logging.getLogger(__name__)


#: how soon (s) a thread waiting for the interpreter lock gets it while a story loads on a
#: worker; Python's default is 5 ms
LOADING_SWITCH_INTERVAL = 0.001
_switch_lock = threading.Lock()
_switch_depth = 0
_switch_before = 0.005


@contextmanager
def quick_switches() -> Iterator[None]:
    """Let the GUI thread have the interpreter lock within 1 ms instead of 5 while a
    worker parses.

    Every call from Qt into Python (a delegate drawing a row, a timer, a slot) waits for
    the lock; a repaint of the contents list makes dozens of them, and at 5 ms each the
    GUI thread's ticks came 80 ms apart (95th percentile) while a 4.9 MB story loaded,
    about 30 ms at 1 ms (``tests/benchmarks/gil_load.py``). Nested and concurrent uses
    put the interval back after the last one.
    """
    global _switch_depth, _switch_before
    with _switch_lock:
        if _switch_depth == 0:
            _switch_before = sys.getswitchinterval()
            sys.setswitchinterval(min(_switch_before, LOADING_SWITCH_INTERVAL))
        _switch_depth += 1
    try:
        yield
    finally:
        with _switch_lock:
            _switch_depth -= 1
            if _switch_depth == 0:
                sys.setswitchinterval(_switch_before)


def load_first(
    loader: StoryLoader | None, paths: Sequence[Path], rate: int | None = None
) -> list[tuple[Path, Loaded]]:
    """Each path tried in turn until one loads: what each gave, the story last.

    The cyclic garbage collector is held off meanwhile and the story's objects are then
    moved out of its sight (:func:`gc.freeze`): a full collection walks every object
    of a large story, hundreds of milliseconds during which the GUI thread waits for
    the interpreter lock. The sums behind the time-left estimate (at ``rate``) are made
    here too, not on the GUI thread when the story is first shown (170 ms for a story of
    60,000 sentences). Meanwhile the GUI thread gets the interpreter lock sooner
    (:func:`quick_switches`).
    """
    tried: list[tuple[Path, Loaded]] = []
    with quick_switches(), paused_collection():
        try:
            for path in paths:
                result = load_story_or_problems(loader, path)
                tried.append((path, result))
                if isinstance(result, Story):
                    story_units(result)
                    if rate is not None:
                        story_pause_suffix(result, rate)
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
        recent_menu: QMenu

        def _close_playback(self) -> None: ...

        def prepare_speech_after_paint(self) -> None: ...

    #: the first story's preloading process (None: none), its paths and its load's number,
    #: until the turn after the first paint
    _preloading: tuple[StoryPreload | None, Sequence[Path], int] | None = None

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
        self._say_loading(paths[0])
        self._load_in_background(paths)

    def _load_in_background(self, paths: Sequence[Path]) -> None:
        loader = self.story_loader  # the worker gets what it needs, never the window
        rate = self.session.estimate_rate()

        def loaded(future: Future[list[tuple[Path, Loaded]]]) -> None:
            if self.session.closed:
                return
            self.show_message("")
            for path, result in future.result():
                self._show_loaded(path, result)

        run_in_background(
            lambda: load_first(loader, paths, rate),
            loaded,
            receiver=self,
            generation=self._loads,
            name="story-loader",
        )

    def _say_loading(self, path: Path) -> None:
        self.notify(f"Loading {path.name}…")
        if self.session.story is None:
            self.pane.show_loading(f"Loading {path.name}…")

    def open_first_preloaded(self, preload: StoryPreload | None, paths: Sequence[Path]) -> None:
        """As :meth:`open_first_in_background`, for the window's first story at start: taken
        in the turn after the first paint (:meth:`take_preloaded`), from ``preload``'s
        process (see :mod:`player.gui.preload`) if it is done by then, else from the
        loading thread, started then.

        Not before: until the window has painted, a loading thread would only take turns
        with the window's own start (the interpreter lock), the window the later for it.
        A child not done by that paint has had no CPU time to spare (on a free core it is
        done long before): it is stopped."""
        if not paths:
            return
        self._say_loading(paths[0])
        self._preloading = (preload, paths, self._loads.advance())

    def take_preloaded(self) -> bool:
        """Show what the preloading process found, or start the loading thread (in the turn
        after the first paint); whether a story or its problems were shown now."""
        waiting, self._preloading = self._preloading, None
        if waiting is None:
            return False
        preload, paths, token = waiting
        if self.session.closed or not self._loads.is_current(token):
            if preload is not None:
                preload.cancel()  # closing, or another story was asked for since
            return False
        tried = None
        if preload is not None and preload.read_available():
            tried = preload.result()
        elif preload is not None:
            preload.cancel()
        if tried is None:
            # the usual way, as if there were no preload; "Loading…" was said already
            self._load_in_background(paths)
            return False
        story = tried[-1][1]
        if isinstance(story, Story):
            story_pause_suffix(story, self.session.estimate_rate())
        gc.freeze()  # as the loading thread does: the story's objects out of the collector's way
        self.show_message("")
        for path, result in tried:
            self._show_loaded(path, result)
        return True

    def _build_recent_menu(self, file_menu: QMenu) -> None:
        """File > Recent Stories, after Open (see player.gui.commands)."""
        self.recent_menu = file_menu.addMenu("&Recent Stories")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self._fill_recent_menu()

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self.settings.recent_stories()
        names = story_names([(Path(p), self.settings.recent_title(p)) for p in recent])
        for n, (path, name) in enumerate(zip(recent, names, strict=True), start=1):
            # "&&": a title's own ampersand is text, not an access key.
            action = self.recent_menu.addAction(f"&{n % 10} {name.replace('&', '&&')}")
            action.setToolTip(path)
            action.triggered.connect(
                lambda _checked=False, p=path: self.open_story_in_background(p)
            )
        if not recent:
            empty = self.recent_menu.addAction("No recent stories")
            empty.setEnabled(False)

    def _story_allowed(self, path: Path | str) -> bool:
        refusal = self.story_gate(Path(path)) if self.story_gate is not None else None
        if refusal is not None:
            from player.gui.dialogs import show_story_error

            self.error_box = show_story_error(self, path, [refusal])
            return False
        return True

    def _show_loaded(self, path: Path | str, result: Loaded) -> bool:
        if isinstance(result, Story):
            log.info("opened %s (%d sentences)", path, result.sentence_count)
            self.set_story(result)
            return True
        # Imported only for a story that failed: 5 ms before the reader's sentence otherwise.
        from player.gui.dialogs import show_story_error

        log.warning("could not open %s: %d problems", path, len(result))
        self.error_box = show_story_error(self, path, result)
        return False

    def set_story(self, story: Story) -> None:
        self._close_playback()
        self._status_sentence = -1
        resume = self.session.set_story(story)
        self.setWindowTitle(f"{story.meta.title} — {APP_NAME}")
        # A long story's text comes in slices, after its contents list is filled in a turn
        # of its own: together with the rest of taking the story in, it would block the
        # GUI thread twice as long (25 ms each for 7,600 segments). The rest waits for the
        # text (see _story_built).
        later = self.pane.builds_in_slices(story)
        if later:
            QTimer.singleShot(SLICE_GAP_MS, self, lambda: self._fill_contents(story))
        else:
            self.contents.set_story(story)
        if resume:
            self.show_message("Resuming where you stopped")
        self.schedule_save()
        self.pane.set_story(story, hold=later)

    def _fill_contents(self, story: Story) -> None:
        if self.session.story is not story or self.session.closed:
            return  # another story came since
        self.contents.set_story(story, measure=False)
        if self.pane.ready and story.refs:
            # The place was shown before the list was filled (a script built the text at once).
            self.contents.mark_current(story.refs[self.session.sentence].segment)
        QTimer.singleShot(SLICE_GAP_MS, self, lambda: self._measure_contents(story))

    def _measure_contents(self, story: Story) -> None:
        """The list's column is fitted to its rows in a turn after the filling's, then the
        text is built."""
        if self.session.story is not story or self.session.closed:
            return
        self.contents.measure()
        self.pane.start_building()

    def _story_built(self) -> None:
        """The pane holds the story's text: show the place, then let the voice load."""
        if self.session.story is None:
            return
        self._status_sentence = -1
        self._show_position()
        self.pane.caret_to_sentence(self.session.sentence)
        if self._painted:
            self.prepare_speech_after_paint()
