"""What the reading pane keeps for a long story: short shaping runs, compact tables.

Qt 6 keeps, for every laid-out block, a HarfBuzz buffer the size of the block's longest
run of one format; the pane inserts a paragraph in short runs so that this stays at
HarfBuzz's minimum, without changing a pixel of what is shown.
"""

from __future__ import annotations

import ctypes
import gc
import os
import random
import tracemalloc

import pytest
from fakes import paragraph, quote
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtGui import (
    QColor,
    QImage,
    QPainter,
    QTextBlock,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from pytestqt.qtbot import QtBot

from player.core.model import Segment, SegmentKind, Story, StoryMeta
from player.gui import reading
from player.gui.reading import SHAPING_RUN, ReadingPane, shaping_runs

PART = SegmentKind("part", "Part", "Parts")
#: kerning pairs (AV, To, Ya), italics, a long word, Arabic and Hebrew (joined and
#: reordered across runs would show), combining accents, an emoji, runs of spaces
SAMPLE = (
    "AVATAR To Ya Wave. \u201cYes,\u201d she said; it\u2019s 2018 and the children\u2019s "
    "https://example.org/a/very/long/address/that/is/one/word/indeed stays whole.  Two "
    "spaces, then \u0645\u0631\u062d\u0628\u0627 \u0628\u0627\u0644\u0639\u0627\u0644\u0645 "
    "and \u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd in a line; Cafe\u0301 nin\u0303o "
    "\U0001f600 office fi fl ffi. The end of a long paragraph comes here at last."
)


def _story(paragraphs: int, text: str = SAMPLE) -> Story:
    blocks = tuple(
        quote(text) if n % 3 == 2 else paragraph(f"{n}. {text}") for n in range(paragraphs)
    )
    return Story(StoryMeta("Memory", "en"), (Segment(PART, "All of it", blocks),))


def _built(qtbot: QtBot, story: Story) -> ReadingPane:
    pane = ReadingPane()
    qtbot.addWidget(pane)
    pane.set_story(story)
    pane.finish_building()
    return pane


def _render(document: QTextDocument, width: int = 520) -> QImage:
    document.setTextWidth(width)
    height = int(document.size().height()) + 1
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    document.drawContents(painter)
    painter.end()
    return image


def test_shaping_runs_are_short_and_end_after_spaces() -> None:
    rng = random.Random(7)
    pieces = ["a", "bc", " ", "  ", "x" * 40, "\n", "\u00e9", "word "]
    texts = [SAMPLE, "  leading spaces", "trailing  ", "x" * 80, "", "one"]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 80))) for _ in range(300)]
    for text in texts:
        runs = shaping_runs(text)
        assert "".join(runs) == text
        assert all(runs)
        for n, run in enumerate(runs):
            word = run.rstrip(" ")
            assert len(word) <= SHAPING_RUN or " " not in word, (text, run)
            if n + 1 < len(runs) and word:
                # a run ends where a space ends, or at a long word's end
                assert run.endswith(" ") or not runs[n + 1].startswith(" "), (text, runs)
                assert not runs[n + 1].startswith(" "), (text, runs)
    assert shaping_runs("one two  three " + "x" * 40 + " four")[1] == "x" * 40 + " "
    assert shaping_runs("short") == ["short"]


def test_a_long_paragraph_goes_in_as_short_runs(qtbot: QtBot) -> None:
    story = _story(1)
    pane = _built(qtbot, story)
    block = pane.document().findBlock(pane.sentence_span(0)[0])
    lengths = []
    it = block.begin()
    while not it.atEnd():
        lengths.append(it.fragment().length())
        it += 1
    assert block.text().endswith(SAMPLE)
    assert len(lengths) > 5
    # the long address is the only run past the limit
    assert sorted(lengths)[-2] <= SHAPING_RUN + 2


def test_short_runs_show_exactly_what_one_run_shows(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    story = _story(3)
    split = _built(qtbot, story)
    monkeypatch.setattr(reading, "SHAPING_RUN", 10**9)  # each paragraph in one piece
    one = _built(qtbot, story)
    ours, whole = split.document(), one.document()
    assert ours.blockCount() == whole.blockCount()
    assert ours.toPlainText() == whole.toPlainText()
    for width in (300, 520, 900):
        assert _render(ours, width) == _render(whole, width), width


def test_a_story_replaced_while_it_is_built_leaves_no_document_behind(qtbot: QtBot) -> None:
    pane = ReadingPane()
    qtbot.addWidget(pane)
    for n in range(5):
        pane.set_story(_story(500 + n))  # long: built in slices, never started here
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    pane.finish_building()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert len(pane.findChildren(QTextDocument)) == 1


def test_the_panes_tables_cost_a_few_bytes_a_sentence(qtbot: QtBot) -> None:
    story = _story(400, "A sentence here. " * 12)
    sentences = story.sentence_count
    pane = ReadingPane()
    qtbot.addWidget(pane)
    gc.collect()
    tracemalloc.start()
    try:
        pane.set_story(story)
        pane.finish_building()
        snapshot = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    kept = sum(
        stat.size
        for stat in snapshot.statistics("filename")
        if stat.traceback[0].filename.endswith(os.path.join("gui", "reading.py"))
    )
    # Arrays of ints: 12 bytes a sentence and 4 a block, with their spare room. A list of
    # (start, end) tuples and a list of starts cost over 120.
    assert kept < 40 * sentences, (kept, sentences)


def _in_use() -> int:
    class MallInfo2(ctypes.Structure):
        _fields_ = [
            (name, ctypes.c_size_t)
            for name in (
                "arena", "ordblks", "smblks", "hblks", "hblkhd",
                "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost",
            )
        ]  # fmt: skip

    libc = ctypes.CDLL(None)
    libc.mallinfo2.restype = MallInfo2
    info = libc.mallinfo2()
    return int(info.uordblks + info.hblkhd)


@pytest.mark.skipif(
    not (hasattr(os, "confstr") and "glibc" in str(os.confstr("CS_GNU_LIBC_VERSION") or "")),
    reason="counts the C heap with glibc's mallinfo2",
)
def test_laying_out_a_long_story_keeps_little_per_character(qtbot: QtBot) -> None:
    story = _story(300, "Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 5)
    pane = _built(qtbot, story)
    document = pane.document()
    characters = document.characterCount()
    before = _in_use()
    document.setTextWidth(600)
    document.documentLayout().documentSize()  # lays out every block
    kept = _in_use() - before
    # One run per paragraph kept about 46 bytes a character (a HarfBuzz buffer per block).
    assert kept < 25 * characters, (kept / characters, characters)


def test_zooming_a_storys_text_walks_none_of_its_runs(qtbot: QtBot) -> None:
    from player.gui.zoom import scale_document

    pane = _built(qtbot, _story(20))
    document = pane.document()
    walked: list[int] = []
    original = document.begin

    def begin() -> QTextBlock:
        walked.append(1)
        return original()

    document.begin = begin  # type: ignore[method-assign]
    scale_document(document, 150)
    assert walked == []  # no point sizes anywhere: nothing to scale

    cursor = QTextCursor(document)
    cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
    sized = QTextCharFormat()
    sized.setFontPointSize(10.0)
    cursor.mergeCharFormat(sized)
    scale_document(document, 150)
    assert walked == [1]
    assert document.lastBlock().begin().fragment().charFormat().fontPointSize() == 15.0
