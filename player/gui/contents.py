"""The navigator: segments grouped by kind, each group headed by the kind's plural.

Activating a segment (Enter or double click) asks the window to jump there;
activating a group's heading goes to its first segment. The segment being read
is shown in bold; the selection follows it only while the reader is elsewhere:
moving the selection during playback would make a screen reader speak over the
voice.

The rows are one flat list, group headings included, drawn indented under their
heading. Qt's accessible tree (PySide6 6.12) reports a selected child row by its
row within its group, so a screen reader entering a nested tree heard the wrong
row ("Introduction (1)") and child rows were reported "expanded"; flat rows have
neither fault.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QHeaderView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from player.core.model import Story
from player.core.navigation import group_segments

SEGMENT_ROLE = Qt.ItemDataRole.UserRole
#: On a group heading: the index of the group's first segment.
GROUP_ROLE = Qt.ItemDataRole.UserRole + 1
#: How far segments are drawn in from their heading, in average character widths.
INDENT_CHARS = 3

Index = QModelIndex | QPersistentModelIndex


def group_words(plural: str, count: int) -> str:
    """What a group heading says to a screen reader: what it holds."""
    return f"{plural}, {count} segment{'s' if count != 1 else ''}"


class _IndentSegments(QStyledItemDelegate):
    """Draws segment rows indented under their group heading (the rows are flat), the
    segment being read in bold.

    The bold comes from the tree's current segment, not from the item's font or data: a
    change of either makes the view measure about a thousand rows again for its column
    width (15 ms a jump in a story of 7,000 segments). Every segment row is measured as if
    bold, so the column is wide enough for whichever one is marked.
    """

    _measuring = False

    def __init__(self, tree: ContentsTree) -> None:
        super().__init__(tree)
        self._tree = tree

    def initStyleOption(self, option: QStyleOptionViewItem, index: Index) -> None:
        super().initStyleOption(option, index)
        segment = index.data(SEGMENT_ROLE)
        if segment is None:
            return
        if not self._measuring:
            # Drawn in from the heading. Here rather than in an override of paint: a row
            # then costs one call into Python, not two and a copy of its style option (a
            # jump repaints every visible row of the scrolled list). The indent is the
            # tree's, worked out once per font: each call back into Qt from here may
            # wait for the interpreter while the voice's threads hold it.
            option.rect.adjust(self._tree.segment_indent(), 0, 0, 0)
        if self._measuring or segment == self._tree.current_segment:
            option.font.setBold(True)
            option.fontMetrics = QFontMetrics(option.font)

    def _indent(self, option: QStyleOptionViewItem, index: Index) -> int:
        if index.data(SEGMENT_ROLE) is None:
            return 0
        return option.fontMetrics.averageCharWidth() * INDENT_CHARS

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        self._measuring = True
        try:
            size = super().sizeHint(option, index)
        finally:
            self._measuring = False
        return QSize(size.width() + self._indent(option, index), size.height())


class ContentsTree(QTreeWidget):
    """Group headings and segments; emits the segment index the reader activates."""

    segment_activated = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderHidden(True)
        self.setAccessibleName("Contents")
        self.setAccessibleDescription("Segments of the story grouped by kind. Enter goes there.")
        self.setMinimumWidth(180)
        self.setRootIsDecorated(False)
        self.setItemsExpandable(False)
        self.setItemDelegate(_IndentSegments(self))
        # Every row is one line of the same font: the view need not ask each its height.
        self.setUniformRowHeights(True)
        # At high zoom titles are wider than the pane: scroll sideways rather than cut them
        # to "Intro…", so every word can be reached.
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.header().setStretchLastSection(False)
        self._items: dict[int, QTreeWidgetItem] = {}
        self._current: int | None = None
        self._indent: int | None = None
        self.itemActivated.connect(self._activated)

    def segment_indent(self) -> int:
        """How far segment rows are drawn in, in pixels, for the font in force (segment
        rows have no font of their own: the tree's is theirs)."""
        if self._indent is None:
            self._indent = self.fontMetrics().averageCharWidth() * INDENT_CHARS
        return self._indent

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:  # zoom
            self._indent = None
        super().changeEvent(event)

    def set_story(self, story: Story, *, measure: bool = True) -> None:
        """Show ``story``'s segments. ``measure``: fit the column to its rows now; False
        leaves that to :meth:`measure`, in a turn of its own (a long story's list: Qt
        measures a thousand rows twice, 25 ms for 7,600 segments, on top of the filling's
        30 ms)."""
        header = self.header()
        # The column is measured once, after every row is in: measured while rows come and
        # go it would be measured again and again (100 ms for 7,000 segments).
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        try:
            self.clear()
            self._items.clear()
            self._current = None
            rows: list[QTreeWidgetItem] = []
            for group in group_segments(story):
                count = len(group.segments)
                heading = QTreeWidgetItem([f"{group.kind.plural} ({count})"])
                heading.setData(0, GROUP_ROLE, group.segments[0])
                heading.setData(
                    0, Qt.ItemDataRole.AccessibleTextRole, group_words(group.kind.plural, count)
                )
                font = heading.font(0)
                font.setBold(True)
                heading.setFont(0, font)
                rows.append(heading)
                for index in group.segments:
                    item = QTreeWidgetItem([story.segments[index].title])
                    item.setData(0, SEGMENT_ROLE, index)
                    rows.append(item)
                    self._items[index] = item
            self.addTopLevelItems(rows)
            first = self._items.get(0)
            if first is not None:
                # Only the item the keyboard starts on; no signal reaches the window from this.
                self.setCurrentItem(first)
        finally:
            if measure:
                self.measure()

    def measure(self) -> None:
        """Fit the column to the rows (and keep fitting it as they change)."""
        self.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)

    @property
    def current_segment(self) -> int | None:
        """The segment marked as being read (drawn in bold)."""
        return self._current

    def segment_items(self) -> dict[int, QTreeWidgetItem]:
        """The row of each segment, by segment index."""
        return dict(self._items)

    def mark_current(self, segment: int) -> None:
        if segment == self._current:
            return
        # Only the item left and the item reached change: each change is a repaint and
        # an accessibility event, too many to make for every segment of a long story.
        for index in (self._current, segment):
            item = self._items.get(index) if index is not None else None
            if item is None:
                continue
            # Headings are bold for good; the segment being read is drawn bold among rows.
            # Its row; not viewport(), slow the first time (see ReadingPane.painted).
            self.update(self.indexFromItem(item))
            label = item.text(0)
            item.setData(
                0,
                Qt.ItemDataRole.AccessibleTextRole,
                f"{label}, being read" if index == segment else label,
            )
        self._current = segment
        current = self._items.get(segment)
        if current is not None and not self.hasFocus():
            # Current and selected together (the selection is what a screen reader names on
            # entry); never while the reader is in the list, where a moving selection would
            # be spoken over the voice.
            self.setCurrentItem(current)

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        index = item.data(0, SEGMENT_ROLE)
        if not isinstance(index, int):
            index = item.data(0, GROUP_ROLE)
        if isinstance(index, int):
            self.segment_activated.emit(index)
