"""The reading pane: the story's text as a read-only text view that follows the voice.

It is a QTextEdit, not a QTextBrowser, because screen readers see a read-only text
edit with keyboard text interaction as text they can read with the caret, and a
text browser as a label. Segment titles are real headings (heading levels in the
document), so screen readers can jump between them.

While the voice speaks, the sentence and word are marked with extra selections
only: moving the caret or the selection would make a screen reader read along
over the voice. The view scrolls with the scrollbar to keep the mark in sight.
The caret moves only when the reader acts (pause, stop, a jump, a click). In a long
story the marks, the caret and the scrolling wait until the text there is laid out
(:mod:`player.gui.layoutpace`): putting them there at once laid out all the text before.

The marks' colours come from the theme in force (:func:`player.gui.theme.highlight_formats`);
line spacing is a proportional line height on every block, so it follows zoom and
the reading font. Headings are sized relative to the document's default font for
the same reason.

Orca 43 speaks a caret move only after a caret-navigation key (arrows, Home/End,
Page Up/Down) or a click, so after a jump by R or Ctrl+Shift+R it would stay
silent. :meth:`ReadingPane.cue` gives it the words through the pane's
accessible description instead, which Orca speaks for the focused object.
"""

from __future__ import annotations

import bisect
import re
import sys
import time
from array import array
from collections.abc import Iterator

from PySide6.QtCore import QEvent, QSizeF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QFocusEvent,
    QFont,
    QKeyEvent,
    QMouseEvent,
    QPaintEvent,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import QApplication, QTextEdit, QWidget

from player.core.model import Block, BlockType, Story
from player.core.text.utf16 import Utf16Offsets
from player.gui.keymap import pane_key_table
from player.gui.layoutpace import LayoutPacer
from player.gui.theme import DEFAULT_THEME, HighlightFormats, current_theme_id, highlight_formats
from player.gui.zoom import unzoomed_app_point_size

#: Line spacing choices, in percent of the font's natural line height.
LINE_SPACINGS: tuple[int, ...] = (100, 125, 150, 175, 200)
DEFAULT_LINE_SPACING = 100
#: QTextCharFormat.FontSizeAdjustment of the story title and of segment headings (1.5x, 1.2x).
TITLE_SIZE_ADJUSTMENT = 2
HEADING_SIZE_ADJUSTMENT = 1
#: a story of more blocks than this is built in slices, between events
SLICE_BLOCKS = 400
#: the longest run of a paragraph's text (code points) inserted as one piece: Qt 6 shapes
#: each run with HarfBuzz, and the block's layout keeps a shaping buffer the size of its
#: longest run for as long as the document lives (about 46 bytes a character). HarfBuzz's
#: smallest buffer holds 32 glyphs, so runs under that cost no more than the minimum: 17 MB
#: of the 100x story's 23 MB of layout otherwise (README, "Memory of a large story").
SHAPING_RUN = 31
#: a run (see shaping_runs): the most text up to SHAPING_RUN characters that ends before a
#: space (or at the end) with the spaces after it; else a whole word; else spaces
_RUNS = re.compile(
    rf"[^ ].{{0,{SHAPING_RUN - 2}}}[^ ](?= |\Z) *|[^ ](?= |\Z) *|[^ ]+ *| +", re.DOTALL
)
#: the first character that takes two UTF-16 units
_ASTRAL = "\U00010000"
#: the char format property that tells apart the twin formats of adjacent runs
RUN_PROPERTY = QTextCharFormat.Property.UserProperty + 31
#: how long one slice may run; the window stays responsive between slices
SLICE_SECONDS = 0.015
#: the next slice is a timer of this many ms, not a posted call (0 ms): Qt runs the calls
#: posted while it runs posted calls before any timer, so two slices ran back to back
#: and the window's own timers waited 30 ms
SLICE_GAP_MS = 1
DESCRIPTION = (
    "The story. Read with the arrow keys; Enter reads aloud from the sentence at the caret."
)

_NAMED_KEYS = {
    Qt.Key.Key_Space: "Space",
    Qt.Key.Key_Backspace: "Backspace",
    Qt.Key.Key_Escape: "Escape",
}


class ReadingPane(QTextEdit):
    """The story text; emits commands for its single keys and the sentence the reader chose."""

    command = Signal(str)
    sentence_chosen = Signal(int)
    #: the story's text is in the pane (at once for a short story, later for a long one)
    built = Signal()
    #: the text was painted (the viewport's paints, not the frame's). Watched here, not by
    #: a filter on viewport(): PySide's first viewport() in a process readies every widget
    #: class for Python (some 10 ms), which would come before the reader's sentence.
    painted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByKeyboard
            | Qt.TextInteractionFlag.TextSelectableByMouse
        )
        self.setAccessibleName("Story text")
        self.setAccessibleDescription(DESCRIPTION)
        self.setUndoRedoEnabled(False)
        self.single_keys_enabled = True
        self.line_spacing = DEFAULT_LINE_SPACING
        self._formats: HighlightFormats | None = None
        self._marked: tuple[int | None, int | None] = (None, None)
        self._last_key: tuple[int, Qt.KeyboardModifier] | None = None
        self._keys = pane_key_table()
        # Per sentence, block and heading, as compact arrays of ints (UTF-16 positions): a
        # list of tuples cost 120 bytes a sentence, the arrays 12.
        self._tables = _Tables()
        #: the document shown, when it is one of ours (not the one QTextEdit made itself)
        self._own_document: QTextDocument | None = None
        self._story: Story | None = None
        self._building: _DocumentBuild | None = None
        #: a long story's layout, in short steps; marks, caret and scrolling wait for it
        self._pacer = LayoutPacer(self)
        font = self.font()
        font.setPointSizeF(max(unzoomed_app_point_size(), 9.0) * 1.25)
        self.setFont(font)

    # Building the document

    @staticmethod
    def builds_in_slices(story: Story) -> bool:
        """Whether :meth:`set_story` builds ``story``'s document in slices (a long story)."""
        return sum(len(segment.blocks) for segment in story.segments) > SLICE_BLOCKS

    def set_story(self, story: Story, *, hold: bool = False) -> None:
        """Show ``story``: at once when it is short, else built in slices between events.

        A long story's document is built detached from the view, a slice of blocks per
        turn of the event loop, so that the window never freezes while it grows; the
        pane says "Loading…" meanwhile and emits :attr:`built` once the text is in.
        ``hold``: the first slice waits for :meth:`start_building` (the window has work
        of its own to do first, in a turn of its own).
        """
        self._story = story
        unfinished, self._building = self._building, None
        if unfinished is not None:
            # A story still being built when another came: its document is the pane's
            # child, and would otherwise stay (with its layout) as long as the window.
            unfinished.doc.deleteLater()
        self._tables = _Tables()
        self._building = _DocumentBuild(self, story)
        self._marked = (None, None)
        self.setExtraSelections([])
        if not self.builds_in_slices(story):
            self.finish_building()
            return
        self.show_loading(f"Loading {story.meta.title}…")
        if not hold:
            self.start_building()

    def start_building(self) -> None:
        """Start building a held story's document in slices."""
        if self._building is not None:
            QTimer.singleShot(SLICE_GAP_MS, self._build_slice)

    @property
    def ready(self) -> bool:
        """Whether the story's text is in the pane (False while a long story is built)."""
        return self._building is None and self._story is not None

    def show_loading(self, text: str) -> None:
        """Show ``text`` in place of the story, as text and as what a screen reader hears."""
        doc = QTextDocument(self)
        doc.setDefaultFont(self.font())
        doc.setDocumentMargin(12)
        doc.setPlainText(text)
        self._swap_document(doc)
        self.setAccessibleDescription(text)

    def finish_building(self) -> None:
        """Build the rest of the story's document now (for scripts and short stories)."""
        while self._building is not None and not self._building.step(None):
            pass
        self._install_built()

    def _build_slice(self) -> None:
        building = self._building
        if building is None:
            return  # finished by finish_building, or replaced by another story
        if building.step(time.perf_counter() + SLICE_SECONDS):
            # In a turn of its own: putting a long document in the view takes 30 ms or more,
            # which on top of a slice's 15 blocked the window past 50 ms.
            QTimer.singleShot(SLICE_GAP_MS, self, lambda: self._install_built(building))
        else:
            QTimer.singleShot(SLICE_GAP_MS, self._build_slice)

    def _install_built(self, built: _DocumentBuild | None = None) -> None:
        """Show the document built; ``built``: only if it is still the one being built
        (not replaced by another story's since)."""
        if built is not None and built is not self._building:
            return
        building, self._building = self._building, None
        if building is None:
            return
        self._swap_document(building.doc)
        if self._story is not None and self.builds_in_slices(self._story):
            self._pacer.attach(building.doc)
        self._tables = building.tables
        self._marked = (None, None)
        self.setExtraSelections([])
        self.setAccessibleDescription(DESCRIPTION)
        if self.line_spacing != DEFAULT_LINE_SPACING:
            self.set_line_spacing(self.line_spacing)
        self.built.emit()

    def _swap_document(self, doc: QTextDocument) -> None:
        """Show ``doc``, a document made here with the pane as its parent."""
        # Qt deletes the document it made itself when another is set, but not one whose
        # parent is the pane: without this each story opened would keep the previous
        # document (and its layout) alive for as long as the window lives. Remembered
        # rather than asked with old.parent(): at start that call made PySide build the
        # Python enums of a hundred Qt classes before the first paint.
        old = self._own_document
        self._pacer.detach()
        self.setDocument(doc)
        self._own_document = doc
        if old is not None and old is not doc:
            old.deleteLater()

    def _heading(self, cursor: QTextCursor, text: str, level: int, first: bool = False) -> int:
        fmt = QTextBlockFormat()
        fmt.setHeadingLevel(level)
        fmt.setTopMargin(0 if first else 14)
        fmt.setBottomMargin(6)
        char = QTextCharFormat()
        char.setFontWeight(QFont.Weight.Bold)
        # Relative to the document's default font: zoom and the reading font carry over.
        char.setProperty(
            QTextCharFormat.Property.FontSizeAdjustment,
            TITLE_SIZE_ADJUSTMENT if level == 1 else HEADING_SIZE_ADJUSTMENT,
        )
        if first:
            cursor.setBlockFormat(fmt)
            cursor.setBlockCharFormat(char)
        else:
            cursor.insertBlock(fmt, char)
        position = cursor.position()
        cursor.insertText(text, char)
        return position

    # Positions

    def sentence_span(self, sentence: int) -> tuple[int, int]:
        tables = self._tables
        return tables.starts[sentence], tables.ends[sentence]

    def heading_position(self, segment: int) -> int:
        return self._tables.headings[segment]

    def sentence_at(self, position: int) -> int:
        """The sentence at or before a document position (the first one before any)."""
        starts = self._tables.starts
        if not starts:
            return 0
        return max(0, bisect.bisect_right(starts, position) - 1)

    def _in_block(self, sentence: int, offset: int) -> int:
        """The document position of code point ``offset`` of ``sentence``'s block."""
        return self._tables.position(self._tables.blocks[sentence], offset)

    def sentence_at_caret(self) -> int:
        return self.sentence_at(self.caret_position())

    # Following the voice

    def highlight(self, sentence: int | None, word: int | None = None) -> None:
        """Mark the sentence (and word) being spoken without touching caret or selection.

        In a long story not laid out that far yet, the marks and the scrolling wait for the
        layout to get there (:class:`LayoutPacer`); the old marks go at once.
        """
        if sentence is None or self._story is None or not 0 <= sentence < self._tables.count:
            self._marked = (None, None)
            self._pacer.drop("marks")
            self.setExtraSelections([])
            return
        self._marked = (sentence, word)
        formats = self.formats()
        start, end = self.sentence_span(sentence)
        selections = [self._mark(start, end, formats.sentence)]
        if word is not None:
            ref = self._story.refs[sentence]
            words = self._story.sentence(ref).words
            if 0 <= word < len(words):
                w = words[word]
                selections.append(
                    self._mark(
                        self._in_block(sentence, w.start),
                        self._in_block(sentence, w.end),
                        formats.word,
                    )
                )

        def show() -> None:
            self.setExtraSelections(selections)
            self.scroll_into_view(start, end)

        if not self._pacer.when_laid_out("marks", end, show):
            self.setExtraSelections([])  # the place left behind would mislead meanwhile

    def formats(self) -> HighlightFormats:
        """The marks' formats for the theme in force (cached until :meth:`theme_changed`)."""
        if self._formats is None:
            app = QApplication.instance()
            theme_id = current_theme_id(app) if isinstance(app, QApplication) else None
            self._formats = highlight_formats(theme_id or DEFAULT_THEME)
        return self._formats

    def theme_changed(self) -> None:
        """Take the new theme's mark colours, and repaint the marks shown now."""
        self._formats = None
        if self._marked[0] is not None:
            bar = self.verticalScrollBar().value()
            self.highlight(*self._marked)
            self.verticalScrollBar().setValue(bar)

    def _mark(self, start: int, end: int, fmt: QTextCharFormat) -> QTextEdit.ExtraSelection:
        selection = QTextEdit.ExtraSelection()
        cursor = QTextCursor(self.document())
        # In an edit block: else setPosition lays the text out up to there (to remember the
        # caret's x for Up and Down, which a mark never uses), 0.2 s far into a long story.
        cursor.beginEditBlock()
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        cursor.endEditBlock()
        selection.cursor = cursor
        selection.format = QTextCharFormat(fmt)
        return selection

    def scroll_into_view(self, start: int, end: int) -> None:
        """Scroll (the scrollbar, never the caret) so the range is comfortably visible,
        once the text there is laid out."""
        self._pacer.when_laid_out("scroll", end, lambda: self._scroll_now(start, end))

    def _scroll_now(self, start: int, end: int) -> None:
        cursor = QTextCursor(self.document())
        cursor.setPosition(start)
        top = self.cursorRect(cursor).top()
        cursor.setPosition(end)
        bottom = self.cursorRect(cursor).bottom()
        height = self.verticalScrollBar().pageStep()  # the viewport's height (see painted)
        margin = min(60, height // 5)
        if top >= margin and bottom <= height - margin:
            return
        bar = self.verticalScrollBar()
        bar.setValue(bar.value() + top - height // 3)

    # The caret, moved only on the reader's own actions

    def place_caret(self, position: int) -> None:
        """Put the caret at ``position`` (once the text there is laid out)."""
        position = max(0, min(position, self.document().characterCount() - 1))
        self._pacer.when_laid_out("caret", position, lambda: self._caret_now(position))

    def _caret_now(self, position: int, anchor: int | None = None) -> None:
        cursor = QTextCursor(self.document())
        cursor.setPosition(position if anchor is None else anchor)
        if anchor is not None:
            cursor.setPosition(position, QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)
        self.ensureCursorVisible()

    def caret_position(self) -> int:
        """Where the caret is, or is about to be once the text there is laid out."""
        waiting = self._pacer.waiting("caret")
        return self.textCursor().position() if waiting is None else waiting

    def caret_to_sentence(self, sentence: int) -> None:
        if 0 <= sentence < self._tables.count:
            self.place_caret(self._tables.starts[sentence])

    def select_in_sentence(self, sentence: int, start: int, end: int) -> None:
        """Select ``start``..``end`` (code points of the sentence's block's displayed text),
        a match Find went to: shown as the selection, and read as selected by a screen
        reader; Enter reads from the sentence."""
        if not 0 <= sentence < self._tables.count:
            return
        # Anchored at the end, the caret at the start: it stays inside the sentence even
        # when the match ends where the next sentence begins.
        anchor = self._in_block(sentence, end)
        caret = self._in_block(sentence, start)
        self._pacer.when_laid_out("caret", anchor, lambda: self._caret_now(caret, anchor))

    def caret_to_heading(self, segment: int) -> None:
        if 0 <= segment < len(self._tables.headings):
            self.place_caret(self._tables.headings[segment])

    # Telling a screen reader where a jump landed (the message itself: announce.FocusCue)

    def caret_move_speaks_itself(self) -> bool:
        """Whether the key being handled makes Orca read the line at a new caret by itself.

        Orca reads the caret's line after Page Up/Down without Ctrl (Alt+Page Up/Down are the
        segment keys); a message on top would say the heading twice. Only on Linux, where
        this was heard (Orca 43 and 48): whether NVDA, JAWS or VoiceOver read a line after
        Alt+Page Up is not known here, and a jump must never go unsaid.
        """
        if not sys.platform.startswith("linux"):
            return False
        if self._last_key is None or not self.hasFocus():
            return False
        key, mods = self._last_key
        return key in (Qt.Key.Key_PageUp, Qt.Key.Key_PageDown) and not (
            mods & Qt.KeyboardModifier.ControlModifier
        )

    def event(self, event: QEvent) -> bool:
        # A window shortcut (Alt+Page Down) reaches the focused pane first as ShortcutOverride.
        if event.type() in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress) and isinstance(
            event, QKeyEvent
        ):
            self._last_key = (event.key(), event.modifiers())
        return super().event(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        self.painted.emit()

    def repaint_text(self) -> None:
        """Have the text painted again (``painted`` follows). As the document's layout asks
        for it: an update of the pane leaves its text out, and viewport() is slow the first
        time (see ``painted``)."""
        self.document().documentLayout().update.emit()  # by default, the whole document

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self._last_key = None  # keys pressed elsewhere (a menu) are not the pane's

    # Line spacing

    def set_line_spacing(self, percent: int) -> int:
        """Space the lines of every block at ``percent`` of their natural height (100-200)."""
        percent = max(LINE_SPACINGS[0], min(LINE_SPACINGS[-1], int(percent)))
        self.line_spacing = percent
        document = self.document()
        cursor = QTextCursor(document)
        change = QTextBlockFormat()
        change.setLineHeight(
            float(percent), QTextBlockFormat.LineHeightTypes.ProportionalHeight.value
        )
        cursor.select(QTextCursor.SelectionType.Document)
        # Laid out to its end, a long text was laid out again at once for the new format of
        # every block (0.9 s for a 4.9 MB story). Without a page size Qt lays out nothing;
        # given it back, it lays the text out again from the top in steps, as after a zoom.
        size = document.pageSize()
        paced = self.ready and self._story is not None and self.builds_in_slices(self._story)
        if paced:
            document.setPageSize(QSizeF(0, 0))
        # A separate cursor: the reader's caret and selection stay where they are.
        cursor.mergeBlockFormat(change)
        if paced:
            document.setPageSize(size)
        return percent

    # Keys and clicks

    def keyPressEvent(self, event: QKeyEvent) -> None:
        mods = event.modifiers()
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (
            mods & ~Qt.KeyboardModifier.KeypadModifier
        ):
            self.sentence_chosen.emit(self.sentence_at_caret())
            return
        command = self._single_key_command(event)
        if command is not None:
            self.command.emit(command)
            return
        self._pacer.drop("caret", "scroll")  # the reader's own key moves the caret from here
        super().keyPressEvent(event)

    def _single_key_command(self, event: QKeyEvent) -> str | None:
        mods = event.modifiers()
        blocked = (
            Qt.KeyboardModifier.ControlModifier
            | Qt.KeyboardModifier.AltModifier
            | Qt.KeyboardModifier.MetaModifier
            # Numpad keys belong to screen readers (NVDA and Orca desktop layouts).
            | Qt.KeyboardModifier.KeypadModifier
        )
        if not self.single_keys_enabled or mods & blocked:
            return None
        key = event.key()
        name = _NAMED_KEYS.get(Qt.Key(key))
        if name is None and Qt.Key.Key_A.value <= key <= Qt.Key.Key_Z.value:
            # Letters by key and Shift state, so Caps Lock does not turn S into Shift+S.
            letter = chr(key)
            shifted = bool(mods & Qt.KeyboardModifier.ShiftModifier)
            name = f"Shift+{letter}" if shifted else letter
        elif name is None:
            # Punctuation by the typed character, so "]" works on any layout.
            text = event.text()
            if len(text) != 1 or not text.isprintable():
                return None
            name = text
        return self._keys.get(name)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._pacer.drop("caret", "scroll")
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        if event.button() is Qt.MouseButton.LeftButton and not self.textCursor().hasSelection():
            position = self.cursorForPosition(event.position().toPoint()).position()
            self.sentence_chosen.emit(self.sentence_at(position))


class _Tables:
    """Where a story's sentences, blocks and headings are in the document (UTF-16
    positions, as Qt counts them), in arrays of ints."""

    __slots__ = ("bases", "blocks", "ends", "headings", "starts", "units")

    def __init__(self) -> None:
        self.starts = array("i")  # per sentence
        self.ends = array("i")
        self.blocks = array("i")  # the block number of every sentence
        self.bases = array("i")  # per block: where its text starts
        self.headings = array("i")  # per segment
        #: the blocks whose text has characters outside the Basic Multilingual Plane (which
        #: take two UTF-16 units); in any other block a code point offset is a unit offset
        self.units: dict[int, Utf16Offsets] = {}

    @property
    def count(self) -> int:
        """How many sentences."""
        return len(self.starts)

    def position(self, block: int, offset: int) -> int:
        """The document position of code point ``offset`` of block number ``block``'s text."""
        to16 = self.units.get(block)
        return self.bases[block] + (offset if to16 is None else to16(offset))


class _DocumentBuild:
    """A story's document under construction, detached from any view, with the offsets
    of its sentences, blocks and headings."""

    def __init__(self, pane: ReadingPane, story: Story) -> None:
        self.pane = pane
        self.doc = QTextDocument(pane)
        self.doc.setUndoRedoEnabled(False)
        self.doc.setDefaultFont(pane.font())
        self.doc.setDocumentMargin(12)
        self.cursor = QTextCursor(self.doc)
        self.tables = _Tables()
        pane._heading(self.cursor, story.meta.title, 1, first=True)
        self._items = _story_items(story)

    def step(self, deadline: float | None) -> bool:
        """Insert blocks until ``deadline`` (perf_counter; None: to the end); True when done."""
        headings = self.tables.headings
        for title, block in self._items:
            if block is None:
                headings.append(self.pane._heading(self.cursor, title, 2))
            else:
                self._insert(block)
            # Looked at after every block: 16 long blocks could take 30 ms past the deadline.
            if deadline is not None and time.perf_counter() >= deadline:
                return False
        return True

    def _insert(self, block: Block) -> None:
        cursor = self.cursor
        fmt = QTextBlockFormat()
        fmt.setBottomMargin(8)
        char = QTextCharFormat()
        if block.type in (BlockType.QUOTATION, BlockType.POST):
            fmt.setLeftMargin(28)
            fmt.setRightMargin(12)
        if block.type is BlockType.QUOTATION:
            char.setFontItalic(True)
        cursor.insertBlock(fmt, char)
        if block.type is BlockType.PHOTO and block.photo is not None:
            label = QTextCharFormat()
            label.setFontWeight(QFont.Weight.Bold)
            cursor.insertText(f"{block.photo.label}: ", label)
        tables = self.tables
        base = cursor.position()
        number = len(tables.bases)
        tables.bases.append(base)
        text = block.text
        _insert_runs(cursor, text, char)
        # The core's offsets count code points, Qt's positions UTF-16 units; they differ
        # only after a character outside the Basic Multilingual Plane (asked of max(), at
        # C speed: building the map looked at every character in Python, 30 ms a build).
        to16 = None
        if not text.isascii() and max(text) >= _ASTRAL:
            to16 = tables.units[number] = Utf16Offsets(text)
        for sentence in block.sentences:
            start, end = sentence.start, sentence.end
            if to16 is not None:
                start, end = to16(start), to16(end)
            tables.starts.append(base + start)
            tables.ends.append(base + end)
            tables.blocks.append(number)


def shaping_runs(text: str) -> list[str]:
    """``text`` in runs of at most :data:`SHAPING_RUN` characters, each but the last
    ending with the spaces after a word; a longer word is a run of its own.

    A run ends after a space so that no shaping context is cut: Latin kerning, Arabic
    joining and Indic clusters all stay within a word.
    """
    return _RUNS.findall(text)


def _insert_runs(cursor: QTextCursor, text: str, char: QTextCharFormat) -> None:
    """Insert ``text`` in :func:`shaping_runs`, alternately in ``char`` and in a twin of it
    that differs only in a property nothing reads: the document joins adjacent text of
    one format into one run, and would shape it as one."""
    if len(text) <= SHAPING_RUN:
        cursor.insertText(text, char)
        return
    twin = QTextCharFormat(char)
    twin.setProperty(RUN_PROPERTY, True)
    formats = (char, twin)
    for n, piece in enumerate(shaping_runs(text)):
        cursor.insertText(piece, formats[n & 1])


def _story_items(story: Story) -> Iterator[tuple[str, Block | None]]:
    """Each segment's title (with no block), then its blocks, in reading order."""
    for segment in story.segments:
        yield segment.title, None
        for block in segment.blocks:
            yield segment.title, block
