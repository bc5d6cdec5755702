"""A long story's text is laid out in short steps of the app's own, and a jump beyond the
laid-out part does not lay out the text up to there in one go: the marks, the caret and
the scrolling follow once the steps get there; the status line and the screen reader's
message come at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from fakes import FakePlayback, open_window
from PySide6.QtCore import QTimer
from PySide6.QtGui import QTextDocument
from pytestqt.qtbot import QtBot

from player.core.settings import MemoryStore, Settings
from player.core.storyfile import load_story
from player.gui import layoutpace
from player.gui.layoutpace import LayoutPacer, laid_out
from player.gui.reading import ReadingPane
from player.paths import bundled_story_path
from tests.support import generated_story, large_story_text


def _laid_out_to(doc: QTextDocument) -> int:
    return LayoutPacer._frontier(doc)


def _marked(pane: ReadingPane) -> tuple[int, int]:
    """Where the pane's sentence mark is."""
    selections = pane.extraSelections()
    cursor = selections[0].cursor
    return cursor.selectionStart(), cursor.selectionEnd()


def _shown_pane(qtbot: QtBot, segments: int) -> ReadingPane:
    """A pane showing a long story, its document just put in the view (no turn since)."""
    pane = ReadingPane()
    qtbot.addWidget(pane)
    pane.resize(700, 500)
    pane.show()
    story = generated_story(segments)
    assert pane.builds_in_slices(story)
    pane.set_story(story, hold=True)
    pane.finish_building()
    return pane


def test_a_far_mark_waits_for_the_layout_and_then_shows_and_scrolls(qtbot: QtBot) -> None:
    pane = _shown_pane(qtbot, 3_000)
    doc = pane.document()
    last = pane._tables.count - 1
    start, end = pane.sentence_span(last)
    pane.highlight(last)
    pane.caret_to_sentence(last)
    # Marking, placing the caret and scrolling there used to lay the text out up to there
    # in the same turn.
    assert not laid_out(doc.lastBlock())
    assert pane.extraSelections() == []
    assert pane.textCursor().position() != start
    assert pane.sentence_at_caret() == last  # Enter would read from there already

    qtbot.waitUntil(lambda: bool(pane.extraSelections()), timeout=30_000)
    assert _marked(pane) == (start, end)
    assert pane.textCursor().position() == start
    caret = pane.cursorRect()
    assert caret.top() >= 0 and caret.bottom() <= pane.viewport().height()


def test_a_mark_nearby_is_shown_at_once_and_replaces_one_still_waiting(qtbot: QtBot) -> None:
    pane = _shown_pane(qtbot, 3_000)
    last = pane._tables.count - 1
    pane.highlight(last)
    assert pane.extraSelections() == []
    pane.highlight(1)  # the first lines are laid out as the pane is first drawn
    qtbot.waitUntil(lambda: laid_out(pane.document().findBlock(pane.sentence_span(1)[1])))
    pane.highlight(1)
    assert _marked(pane) == pane.sentence_span(1)
    qtbot.waitUntil(lambda: laid_out(pane.document().lastBlock()), timeout=30_000)
    qtbot.wait(20)
    assert _marked(pane) == pane.sentence_span(1), "the older far mark came back"


def test_a_key_the_reader_presses_drops_a_caret_still_waiting(qtbot: QtBot) -> None:
    from PySide6.QtCore import Qt

    pane = _shown_pane(qtbot, 3_000)
    last = pane._tables.count - 1
    pane.caret_to_sentence(last)
    assert pane.sentence_at_caret() == last
    pane.setFocus()
    qtbot.keyClick(pane, Qt.Key.Key_Down)
    assert pane.sentence_at_caret() != last
    qtbot.waitUntil(lambda: laid_out(pane.document().lastBlock()), timeout=30_000)
    qtbot.wait(20)
    assert pane.sentence_at_caret() != last


@pytest.fixture
def long_story_path(tmp_path: Path) -> Path:
    path = tmp_path / "long.txt"
    path.write_text(large_story_text(bundled_story_path(), 700_000), encoding="utf-8")
    return path


def _largest_growth_per_turn(qtbot: QtBot, doc: QTextDocument) -> int:
    """Characters laid out between two turns of the event loop, at most, until the end."""
    grown: list[int] = []
    reached = [_laid_out_to(doc)]

    def probe() -> None:
        now = _laid_out_to(doc)
        grown.append(now - reached[0])
        reached[0] = now

    timer = QTimer()
    timer.setInterval(0)
    timer.timeout.connect(probe)
    timer.start()
    try:
        qtbot.waitUntil(lambda: laid_out(doc.lastBlock()), timeout=60_000)
    finally:
        timer.stop()
    assert len(grown) > 20
    return max(grown)


def _one_piece_a_step(monkeypatch: pytest.MonkeyPatch) -> None:
    # So that no machine's speed counts: a step is then a piece of PIECE_CHARS (and what
    # Qt lays out past it to its next check point).
    monkeypatch.setattr(layoutpace, "STEP_SECONDS", 0.0)


def _long_pane(qtbot: QtBot, path: Path) -> ReadingPane:
    pane = ReadingPane()
    qtbot.addWidget(pane)
    pane.resize(700, 500)
    pane.show()
    pane.set_story(load_story(path), hold=True)
    pane.finish_building()
    assert pane.document().characterCount() > 600_000
    return pane


def test_qt_s_own_long_layout_steps_give_way_to_short_ones(
    qtbot: QtBot, long_story_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Qt's lazy layout steps double up to 200,000 characters (35-50 ms each here); the
    pacer's are a few thousand."""
    _one_piece_a_step(monkeypatch)
    pane = _long_pane(qtbot, long_story_path)
    assert _largest_growth_per_turn(qtbot, pane.document()) < 100_000


def test_the_text_laid_out_again_is_laid_out_in_short_steps_too(
    qtbot: QtBot, long_story_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new width (a window resized, the contents shown or hidden, zoom) lays the whole
    text out again, once the first layout is long done."""
    _one_piece_a_step(monkeypatch)
    pane = _long_pane(qtbot, long_story_path)
    qtbot.waitUntil(lambda: laid_out(pane.document().lastBlock()), timeout=60_000)
    pane.resize(560, 500)
    qtbot.waitUntil(lambda: not laid_out(pane.document().lastBlock()))
    assert _largest_growth_per_turn(qtbot, pane.document()) < 100_000


def test_a_change_waiting_for_a_story_replaced_is_not_made(qtbot: QtBot) -> None:
    pane = _shown_pane(qtbot, 3_000)
    pane.highlight(pane._tables.count - 1)
    pane.caret_to_sentence(pane._tables.count - 1)
    pane.set_story(generated_story(3_100), hold=True)  # longer: the old place is in it too
    pane.finish_building()
    caret = pane.textCursor().position()
    qtbot.waitUntil(lambda: laid_out(pane.document().lastBlock()), timeout=30_000)
    qtbot.wait(20)
    assert pane.extraSelections() == []
    assert pane.textCursor().position() == caret
    pane.highlight(1)
    assert _marked(pane) == pane.sentence_span(1)


def test_a_far_jump_in_the_window_says_where_at_once(qtbot: QtBot) -> None:
    playbacks: list[FakePlayback] = []
    window = open_window(qtbot, Settings(MemoryStore()), generated_story(3), playbacks)
    window.set_story(generated_story(3_000))
    qtbot.waitUntil(lambda: window.pane.ready, timeout=60_000)
    window.announcer.history.clear()
    window.cmd_next_segment()  # far from the end, not yet laid out
    window.jump_to_segment(2_999)
    assert not laid_out(window.pane.document().lastBlock())
    assert window.contents.current_segment == 2_999
    assert window.status_label.text().startswith("Segment 3000 of")
    assert "Part 2999" in window.announcer.history[-1]
    assert window.sentence == window.story.first_sentence_of_segment(2_999)  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: bool(window.pane.extraSelections()), timeout=30_000)
    assert _marked(window.pane) == window.pane.sentence_span(window.sentence)


def test_a_new_line_spacing_lays_a_long_text_out_again_in_steps(qtbot: QtBot) -> None:
    """Laid out to its end, the whole text was laid out again at once for the new format of
    every block (0.9 s for the 4.9 MB story)."""
    pane = _shown_pane(qtbot, 3_000)
    doc = pane.document()
    qtbot.waitUntil(lambda: laid_out(doc.lastBlock()), timeout=30_000)
    pane.highlight(2)
    assert pane.set_line_spacing(150) == 150
    assert not laid_out(doc.lastBlock())
    assert doc.lastBlock().blockFormat().lineHeight() == 150
    assert _marked(pane) == pane.sentence_span(2)  # the marks and the caret stay
    qtbot.waitUntil(lambda: laid_out(doc.lastBlock()), timeout=30_000)
    assert doc.lastBlock().layout().lineCount() > 0
