"""The reading pane: the story's text as a read-only text view that follows the voice.

It is a QTextEdit, not a QTextBrowser, because screen readers see a read-only text
edit with keyboard text interaction as text they can read with the caret, and a
text browser as a label. Segment titles are real headings (heading levels in the
document), so screen readers can jump between them.

While the voice speaks, the sentence and word are marked with extra selections
only: moving the caret or the selection would make a screen reader read along
over the voice. The view scrolls with the scrollbar to keep the mark in sight.
The caret moves only when the reader acts (pause, stop, a jump, a click).
"""

from __future__ import annotations

import bisect

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QKeyEvent,
    QMouseEvent,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import QTextEdit, QWidget

from player.core.model import BlockType, Story
from player.gui.keymap import pane_key_table

# Light backgrounds with explicit black text keep the contrast above 7:1 whatever the theme.
SENTENCE_BACKGROUND = QColor("#fff0a0")
WORD_BACKGROUND = QColor("#ffc233")
MARK_FOREGROUND = QColor("#000000")

_NAMED_KEYS = {
    Qt.Key.Key_Space: "Space",
    Qt.Key.Key_Backspace: "Backspace",
    Qt.Key.Key_Escape: "Escape",
}


class ReadingPane(QTextEdit):
    """The story text; emits commands for its single keys and the sentence the reader chose."""

    command = Signal(str)
    sentence_chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByKeyboard
            | Qt.TextInteractionFlag.TextSelectableByMouse
        )
        self.setAccessibleName("Story text")
        self.setAccessibleDescription(
            "The story. Read with the arrow keys; Enter reads aloud from the sentence at the caret."
        )
        self.setUndoRedoEnabled(False)
        self.single_keys_enabled = True
        self.zoom_steps = 0
        self._keys = pane_key_table()
        self._spans: list[tuple[int, int]] = []
        self._starts: list[int] = []
        self._block_bases: list[int] = []
        self._headings: list[int] = []
        self._story: Story | None = None
        font = self.font()
        font.setPointSizeF(max(font.pointSizeF(), 9.0) * 1.25)
        self.setFont(font)

    # Building the document

    def set_story(self, story: Story) -> None:
        self._story = story
        doc = QTextDocument(self)
        doc.setDefaultFont(self.font())
        doc.setDocumentMargin(12)
        cursor = QTextCursor(doc)
        spans: list[tuple[int, int]] = []
        bases: list[int] = []
        headings: list[int] = []

        self._heading(cursor, story.meta.title, 1, first=True)
        for segment in story.segments:
            headings.append(self._heading(cursor, segment.title, 2))
            for block in segment.blocks:
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
                base = cursor.position()
                bases.append(base)
                cursor.insertText(block.text, char)
                spans.extend((base + s.start, base + s.end) for s in block.sentences)
        self.setDocument(doc)
        self._spans = spans
        self._starts = [a for a, _ in spans]
        self._block_bases = bases
        self._headings = headings
        self.setExtraSelections([])

    def _heading(self, cursor: QTextCursor, text: str, level: int, first: bool = False) -> int:
        fmt = QTextBlockFormat()
        fmt.setHeadingLevel(level)
        fmt.setTopMargin(0 if first else 14)
        fmt.setBottomMargin(6)
        char = QTextCharFormat()
        char.setFontWeight(QFont.Weight.Bold)
        char.setFontPointSize(self.font().pointSizeF() * (1.6 if level == 1 else 1.3))
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
        return self._spans[sentence]

    def heading_position(self, segment: int) -> int:
        return self._headings[segment]

    def sentence_at(self, position: int) -> int:
        """The sentence at or before a document position (the first one before any)."""
        if not self._starts:
            return 0
        return max(0, bisect.bisect_right(self._starts, position) - 1)

    def sentence_at_caret(self) -> int:
        return self.sentence_at(self.textCursor().position())

    # Following the voice

    def highlight(self, sentence: int | None, word: int | None = None) -> None:
        """Mark the sentence (and word) being spoken without touching caret or selection."""
        if sentence is None or self._story is None or not 0 <= sentence < len(self._spans):
            self.setExtraSelections([])
            return
        start, end = self._spans[sentence]
        selections = [self._mark(start, end, SENTENCE_BACKGROUND)]
        if word is not None:
            ref = self._story.refs[sentence]
            words = self._story.sentence(ref).words
            if 0 <= word < len(words):
                base = self._block_bases[self._block_number(sentence)]
                w = words[word]
                selections.append(self._mark(base + w.start, base + w.end, WORD_BACKGROUND, True))
        self.setExtraSelections(selections)
        self.scroll_into_view(start, end)

    def _block_number(self, sentence: int) -> int:
        assert self._story is not None
        ref = self._story.refs[sentence]
        return sum(len(s.blocks) for s in self._story.segments[: ref.segment]) + ref.block

    def _mark(
        self, start: int, end: int, background: QColor, underline: bool = False
    ) -> QTextEdit.ExtraSelection:
        selection = QTextEdit.ExtraSelection()
        cursor = QTextCursor(self.document())
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        selection.cursor = cursor
        fmt = QTextCharFormat()
        fmt.setBackground(background)
        fmt.setForeground(MARK_FOREGROUND)
        fmt.setFontUnderline(underline)
        selection.format = fmt
        return selection

    def scroll_into_view(self, start: int, end: int) -> None:
        """Scroll (the scrollbar, never the caret) so the range is comfortably visible."""
        cursor = QTextCursor(self.document())
        cursor.setPosition(start)
        top = self.cursorRect(cursor).top()
        cursor.setPosition(end)
        bottom = self.cursorRect(cursor).bottom()
        height = self.viewport().height()
        margin = min(60, height // 5)
        if top >= margin and bottom <= height - margin:
            return
        bar = self.verticalScrollBar()
        bar.setValue(bar.value() + top - height // 3)

    # The caret, moved only on the reader's own actions

    def place_caret(self, position: int) -> None:
        cursor = QTextCursor(self.document())
        cursor.setPosition(max(0, min(position, self.document().characterCount() - 1)))
        self.setTextCursor(cursor)
        self.ensureCursorVisible()

    def caret_to_sentence(self, sentence: int) -> None:
        if 0 <= sentence < len(self._spans):
            self.place_caret(self._spans[sentence][0])

    def caret_to_heading(self, segment: int) -> None:
        if 0 <= segment < len(self._headings):
            self.place_caret(self._headings[segment])

    # Zoom

    def zoom(self, steps: int) -> None:
        """Zoom by ``steps`` (0 resets); kept between -5 and +10."""
        target = 0 if steps == 0 else max(-5, min(10, self.zoom_steps + steps))
        delta = target - self.zoom_steps
        if delta > 0:
            self.zoomIn(delta)
        elif delta < 0:
            self.zoomOut(-delta)
        self.zoom_steps = target

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

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        if event.button() is Qt.MouseButton.LeftButton and not self.textCursor().hasSelection():
            position = self.cursorForPosition(event.position().toPoint()).position()
            self.sentence_chosen.emit(self.sentence_at(position))
