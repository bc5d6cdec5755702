"""The navigator: segments grouped by kind, each group labelled with the kind's plural.

Activating a segment (Enter or double click) asks the window to jump there. The
segment being read is shown in bold rather than selected: moving the selection
during playback would make a screen reader speak over the voice.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from player.core.model import Story
from player.core.navigation import group_segments

SEGMENT_ROLE = Qt.ItemDataRole.UserRole


class ContentsTree(QTreeWidget):
    """Groups of segments; emits the segment index the reader activates."""

    segment_activated = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderHidden(True)
        self.setAccessibleName("Contents")
        self.setAccessibleDescription("Segments of the story grouped by kind. Enter goes there.")
        self.setMinimumWidth(180)
        # At high zoom titles are wider than the pane: scroll sideways rather than cut them
        # to "Intro…", so every word can be reached.
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.header().setStretchLastSection(False)
        self._items: dict[int, QTreeWidgetItem] = {}
        self._current: int | None = None
        self.itemActivated.connect(self._activated)

    def set_story(self, story: Story) -> None:
        self.clear()
        self._items.clear()
        self._current = None
        for group in group_segments(story):
            top = QTreeWidgetItem([f"{group.kind.plural} ({len(group.segments)})"])
            top.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.addTopLevelItem(top)
            for index in group.segments:
                item = QTreeWidgetItem([story.segments[index].title])
                item.setData(0, SEGMENT_ROLE, index)
                top.addChild(item)
                self._items[index] = item
        self.expandAll()
        first = self._items.get(0)
        if first is not None:
            # Only the item the keyboard starts on; no signal reaches the window from this.
            self.setCurrentItem(first)

    def mark_current(self, segment: int) -> None:
        if segment == self._current:
            return
        # Only the item left and the item reached change: each change is a repaint and
        # an accessibility event, too many to make for every segment of a long story.
        for index in (self._current, segment):
            item = self._items.get(index) if index is not None else None
            if item is None:
                continue
            font = item.font(0)
            font.setBold(index == segment)
            item.setFont(0, font)
            label = item.text(0)
            item.setData(
                0,
                Qt.ItemDataRole.AccessibleTextRole,
                f"{label}, being read" if index == segment else label,
            )
        self._current = segment
        current = self._items.get(segment)
        if current is not None and not self.hasFocus():
            # Keeps the visible selection on the segment being read; never while the reader
            # is in the tree, where a moving selection would be spoken over the voice.
            self.setCurrentItem(current)

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        index = item.data(0, SEGMENT_ROLE)
        if isinstance(index, int):
            self.segment_activated.emit(index)
