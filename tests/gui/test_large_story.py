"""A long story opens without freezing the window: parsed off the GUI thread, its
document built in slices, "Loading…" said meanwhile, and every offset exact after."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from player.core.model import Story
from player.core.settings import MemoryStore, Settings
from player.core.storyfile import load_story
from player.gui import app as app_module
from player.gui.reading import ReadingPane
from tests.support import generated_story, large_story_text


class Heartbeat:
    """The longest gap between ticks of a fast timer: how long the GUI thread was blocked."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._last = time.perf_counter()
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self._last)
        self._last = now


def test_a_long_story_is_built_in_slices_with_the_same_offsets(qtbot: QtBot) -> None:
    story = generated_story(1_500)
    whole = ReadingPane()
    qtbot.addWidget(whole)
    whole.set_story(story)
    whole.finish_building()

    pane = ReadingPane()
    qtbot.addWidget(pane)
    with qtbot.waitSignal(pane.built, timeout=60_000) as _:
        pane.set_story(story)
        assert not pane.ready
        assert pane.accessibleDescription().startswith("Loading")
        assert pane.toPlainText().startswith("Loading")
    assert pane.ready
    assert pane.toPlainText() == whole.toPlainText()
    assert [pane.sentence_span(i) for i in range(story.sentence_count)] == [
        whole.sentence_span(i) for i in range(story.sentence_count)
    ]
    assert [pane.heading_position(i) for i in range(1_500)] == [
        whole.heading_position(i) for i in range(1_500)
    ]
    assert not pane.accessibleDescription().startswith("Loading")


@pytest.mark.slow
def test_a_megabyte_story_on_the_command_line_never_blocks_the_window(
    qtbot: QtBot, tmp_path: Path
) -> None:
    from player.paths import bundled_story_path

    path = tmp_path / "large.txt"
    path.write_text(large_story_text(bundled_story_path(), 1_000_000), encoding="utf-8")
    # The same heartbeat first while the story is only parsed on a worker thread, the window
    # doing nothing: the gaps that sharing the interpreter with a parser costs on this
    # machine now (a loaded 2-core machine multiplies them). Opening it in the window may
    # add little to that.
    idle = Heartbeat()
    parsing = threading.Thread(target=load_story, args=(path,), name="reference-parse")
    parsing.start()
    qtbot.waitUntil(lambda: not parsing.is_alive(), timeout=100_000)
    parsing.join()
    idle.timer.stop()
    app_module.playback_factory = None
    try:
        heartbeat = Heartbeat()
        window = app_module.create_window([str(path)], Settings(MemoryStore()), in_background=True)
        qtbot.addWidget(window)
        window.show()
        assert window.story is None
        assert window.pane.accessibleDescription().startswith("Loading")
        qtbot.waitUntil(lambda: window.pane.ready, timeout=100_000)
        heartbeat.timer.stop()
    finally:
        app_module.playback_factory = app_module.real_playback
    assert window.story is not None and window.story.sentence_count > 10_000
    last = window.story.sentence_count - 1
    start, end = window.pane.sentence_span(last)
    text = window.pane.toPlainText()
    # Offsets stay exact across the slices (no UTF-16 surrogates in this story).
    assert text[start:end] == window.story.sentence(last).display
    # Generous, and relative to the same run's reference; the budget (50 ms) is
    # checked by tests/benchmarks/open_large.py.
    assert heartbeat.longest < max(0.5, 2 * idle.longest), (heartbeat.longest, idle.longest)


def test_a_slice_stops_at_the_first_block_past_its_deadline(qtbot: QtBot) -> None:
    from player.gui.reading import _DocumentBuild

    pane = ReadingPane()
    qtbot.addWidget(pane)
    building = _DocumentBuild(pane, generated_story(40))
    # A deadline already past: one item goes in, then the slice yields to the event loop.
    assert building.step(time.perf_counter()) is False
    assert len(building.tables.headings) + len(building.tables.bases) == 1
    assert building.step(None) is True
    assert len(building.tables.headings) == 40


def test_a_long_storys_contents_come_in_their_own_turn_and_show_the_place(
    qtbot: QtBot, tmp_path: Path
) -> None:
    from fakes import open_window

    settings = Settings(MemoryStore())
    short = generated_story(3)
    window = open_window(qtbot, settings, short, [])
    assert len(window.contents.segment_items()) == 3  # a short story's: at once

    story = generated_story(600)
    assert window.pane.builds_in_slices(story)
    window.set_story(story)
    # Taking the story in and filling its list are two turns of the event loop, not one.
    assert len(window.contents.segment_items()) == 3
    qtbot.waitUntil(lambda: len(window.contents.segment_items()) == 600, timeout=10_000)
    qtbot.waitUntil(lambda: window.pane.ready, timeout=60_000)
    assert window.contents.current_segment == 0

    # A script that builds the text at once still gets the place marked in the list.
    again = generated_story(600)
    window.set_story(again)
    window.session.go_to(again.first_sentence_of_segment(250))
    window.pane.finish_building()
    window._fill_contents(again)  # the list's turn, before any other event
    assert window.contents.current_segment == 250

    # A fill for a story replaced before its turn came is dropped.
    first, second = generated_story(700), generated_story(650)
    window.set_story(first)
    window.set_story(second)
    qtbot.waitUntil(lambda: len(window.contents.segment_items()) == 650, timeout=10_000)
    qtbot.wait(50)
    assert len(window.contents.segment_items()) == 650


def _on_stack(*names: str) -> bool:
    """Whether a function of one of these names is running: the caller is then in the
    same turn of the event loop as that function, not in one of its own."""
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name in names:
            return True
        frame = frame.f_back  # type: ignore[assignment]
    return False


def _ticks_between(qtbot: QtBot, events: list[str], done: Callable[[], bool]) -> None:
    """Record "T" on each tick of a 5 ms timer into ``events`` until ``done()``."""
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: events.append("T"))
    timer.start()
    try:
        qtbot.waitUntil(done, timeout=60_000)
    finally:
        timer.stop()


def test_the_windows_timers_run_between_two_slices(qtbot: QtBot) -> None:
    pane = ReadingPane()
    qtbot.addWidget(pane)
    events: list[str] = []
    build = pane._build_slice

    def recorded() -> None:
        events.append("S")
        build()

    pane._build_slice = recorded  # type: ignore[method-assign]
    pane.set_story(generated_story(1_500))
    _ticks_between(qtbot, events, lambda: pane.ready)
    slices = "".join(events).strip("T")
    assert slices.count("S") >= 3
    # Slices posted as 0 ms calls ran two at a time, the timer waiting 30 ms.
    assert "SS" not in slices


def test_a_long_storys_contents_and_its_first_slice_take_separate_turns(
    qtbot: QtBot,
) -> None:
    from fakes import open_window

    window = open_window(qtbot, Settings(MemoryStore()), generated_story(3), [])
    events: list[str] = []
    fill, build = window.contents.set_story, window.pane._build_slice

    def filled(story: Story, **how: bool) -> None:
        events.append("C")
        fill(story, **how)

    def built() -> None:
        events.append("S")
        if _on_stack("_fill_contents", "set_story"):
            events.append("!")  # in the same turn as the filling
        build()

    window.contents.set_story = filled  # type: ignore[method-assign]
    window.pane._build_slice = built  # type: ignore[method-assign]
    window.set_story(generated_story(1_500))
    assert events == []
    qtbot.waitUntil(lambda: window.pane.ready, timeout=60_000)
    order = "".join(events)
    assert order.index("C") < order.index("S")
    assert "!" not in order


def test_a_long_storys_contents_are_measured_in_a_turn_after_their_filling(
    qtbot: QtBot,
) -> None:
    """Qt fits the list's column to a thousand rows twice (25 ms for 7,600 segments): not
    asked for in the same turn as the filling (30 ms), but in a later one."""
    from fakes import open_window
    from PySide6.QtWidgets import QHeaderView

    window = open_window(qtbot, Settings(MemoryStore()), generated_story(3), [])
    fitting: list[bool] = []
    fill = window.contents.set_story
    header = window.contents.header()

    def filled(story: Story, **how: bool) -> None:
        fill(story, **how)
        fitting.append(header.sectionResizeMode(0) == QHeaderView.ResizeMode.ResizeToContents)

    window.contents.set_story = filled  # type: ignore[method-assign]
    window.set_story(generated_story(1_500))
    qtbot.waitUntil(lambda: window.pane.ready, timeout=60_000)
    assert fitting == [False]  # not fitted as the filling ends
    assert header.sectionResizeMode(0) == QHeaderView.ResizeMode.ResizeToContents


def test_the_finished_document_goes_in_the_view_in_a_turn_after_the_last_slice(
    qtbot: QtBot,
) -> None:
    pane = ReadingPane()
    qtbot.addWidget(pane)
    events: list[str] = []
    build, install = pane._build_slice, pane._install_built

    slicing: list[bool] = []
    installed_while_slicing: list[bool] = []

    def sliced() -> None:
        events.append("S")
        slicing.append(True)
        try:
            build()
        finally:
            slicing.pop()

    def installed(*args: object) -> None:
        events.append("I")
        installed_while_slicing.append(bool(slicing))
        install(*args)  # type: ignore[arg-type]

    pane._build_slice = sliced  # type: ignore[method-assign]
    pane._install_built = installed  # type: ignore[method-assign]
    pane.set_story(generated_story(1_500))
    qtbot.waitUntil(lambda: pane.ready, timeout=60_000)
    order = "".join(events)
    assert order.count("I") == 1
    assert order.index("I") > order.rindex("S")
    # Called from the event loop, not from inside the last slice: a turn of its own (a
    # timer ticking between the two, as once checked here, need not be due by then).
    assert installed_while_slicing == [False]


def test_a_document_finished_for_a_story_since_replaced_is_not_shown(qtbot: QtBot) -> None:
    pane = ReadingPane()
    qtbot.addWidget(pane)
    first, second = generated_story(600), generated_story(700)
    pane.set_story(first)
    building = pane._building
    assert building is not None
    building.step(None)
    pane.set_story(second)  # before the first one's finished document went in
    pane._install_built(building)
    assert not pane.ready
    qtbot.waitUntil(lambda: pane.ready, timeout=60_000)
    assert len([pane.heading_position(i) for i in range(700)]) == 700
    assert pane.toPlainText().count("\n") > 0
