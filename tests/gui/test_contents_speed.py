"""The contents tree changes only the items a jump leaves and reaches."""

from __future__ import annotations

import time

from PySide6.QtCore import QModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QFontMetrics, QImage
from PySide6.QtWidgets import (
    QApplication,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidgetItem,
)
from pytestqt.qtbot import QtBot

from player.gui.contents import INDENT_CHARS, SEGMENT_ROLE, ContentsTree
from tests.support import generated_story


def test_a_jump_moves_bold_and_being_read_from_one_item_to_the_other(qtbot: QtBot) -> None:
    tree = ContentsTree()
    qtbot.addWidget(tree)
    tree.set_story(generated_story(500))
    tree.mark_current(0)
    changed: list[int] = []

    def record(first: QModelIndex, last: QModelIndex, _roles: object = None) -> None:
        changed.extend(range(first.row(), last.row() + 1))

    tree.model().dataChanged.connect(record)
    tree.mark_current(250)
    items = tree.segment_items()
    rows = {segment: tree.indexFromItem(item).row() for segment, item in items.items()}
    # A font and an accessible text on each of the two items, nothing else.
    assert 0 < len(changed) <= 4
    assert set(changed) == {rows[0], rows[250]}
    assert [segment for segment, item in items.items() if _drawn_bold(tree, item)] == [250]
    assert items[250].data(0, Qt.ItemDataRole.AccessibleTextRole) == "Part 250, being read"
    assert items[0].data(0, Qt.ItemDataRole.AccessibleTextRole) == "Part 0"


def _drawn_bold(tree: ContentsTree, item: QTreeWidgetItem) -> bool:
    option = QStyleOptionViewItem()
    delegate = tree.itemDelegate()
    assert isinstance(delegate, QStyledItemDelegate)
    delegate.initStyleOption(option, tree.indexFromItem(item))
    return option.font.bold()


def test_marking_a_segment_in_a_shown_list_does_not_measure_its_rows_again(
    qtbot: QtBot,
) -> None:
    tree = ContentsTree()
    qtbot.addWidget(tree)
    tree.set_story(generated_story(2_000))
    tree.show()
    qtbot.waitExposed(tree)
    tree.mark_current(0)
    QApplication.processEvents()
    delegate = tree.itemDelegate()
    measured: list[int] = []
    original = delegate.sizeHint

    def counted(option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        measured.append(index.row())
        return original(option, index)

    delegate.sizeHint = counted  # type: ignore[method-assign]
    for segment in (700, 1_400, 1_999, 3):
        tree.mark_current(segment)
        QApplication.processEvents()
    # A font change on an item measured a thousand rows per jump for the column's width.
    assert len(measured) < 100
    assert tree.current_segment == 3
    assert _drawn_bold(tree, tree.segment_items()[3])
    assert not _drawn_bold(tree, tree.segment_items()[1_999])


def test_a_long_story_in_a_shown_list_has_its_rows_measured_once(qtbot: QtBot) -> None:
    tree = ContentsTree()
    qtbot.addWidget(tree)
    tree.set_story(generated_story(3_000))
    tree.show()
    qtbot.waitExposed(tree)
    delegate = tree.itemDelegate()
    measured: list[int] = []
    original = delegate.sizeHint

    def counted(option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        measured.append(index.row())
        return original(option, index)

    delegate.sizeHint = counted  # type: ignore[method-assign]
    tree.set_story(generated_story(3_000))
    QApplication.processEvents()
    # Qt measures up to 1,000 rows for the column's width; each row added one at a time
    # and the list cleared made it measure them again (4,000 times).
    assert 0 < len(measured) <= 1_500
    widest = max(tree.sizeHintForColumn(0), 1)
    assert tree.header().sectionSize(0) >= widest


def test_a_jump_costs_the_same_in_contents_ten_times_longer(qtbot: QtBot) -> None:
    def per_jump(segments: int) -> float:
        tree = ContentsTree()
        qtbot.addWidget(tree)
        tree.set_story(generated_story(segments))
        tree.setFocus()  # keeps the selection still: only the marking is measured
        best = float("inf")
        for round_ in range(5):
            began = time.perf_counter()
            for n in range(20):
                tree.mark_current((round_ * 20 + n) * 7 % segments)
            best = min(best, (time.perf_counter() - began) / 20)
        return best

    small = per_jump(1_000)
    big = per_jump(10_000)
    # Generous for a loaded machine; re-marking every item grows 10x with the story.
    assert big < max(3 * small, 0.0005)


def _first_ink(image: QImage, rect: QRect) -> int:
    """The leftmost column of ``rect`` in ``image`` that differs from the row's right end."""
    y_range = range(rect.top(), rect.bottom() + 1)
    ground = image.pixel(rect.right() - 1, rect.center().y())
    for x in range(rect.left(), rect.right()):
        if any(image.pixel(x, y) != ground for y in y_range):
            return x
    return rect.right()


def test_segment_rows_are_drawn_indented_by_the_style_option_alone(qtbot: QtBot) -> None:
    tree = ContentsTree()
    qtbot.addWidget(tree)
    tree.set_story(generated_story(20))
    tree.resize(400, 400)
    tree.show()
    qtbot.waitExposed(tree)
    tree.clearSelection()
    # A jump repaints every visible row: a Python override of paint made each row two calls
    # into Python and a copy of its style option.
    delegate = tree.itemDelegate()
    assert type(delegate).paint is QStyledItemDelegate.paint
    image = tree.viewport().grab().toImage()
    heading = tree.topLevelItem(0)
    segment = tree.topLevelItem(1)
    assert heading is not None and segment is not None and segment.data(0, SEGMENT_ROLE) == 0
    indent = tree.fontMetrics().averageCharWidth() * INDENT_CHARS
    shift = _first_ink(image, tree.visualItemRect(segment)) - _first_ink(
        image, tree.visualItemRect(heading)
    )
    assert indent - 3 <= shift <= indent + 3


class _CountingOption(QStyleOptionViewItem):
    """A style option that counts how often the delegate asks it for its font metrics."""

    asked = 0

    @property  # type: ignore[override]
    def fontMetrics(self) -> QFontMetrics:
        _CountingOption.asked += 1
        return QStyleOptionViewItem.fontMetrics.__get__(self)  # type: ignore[attr-defined,no-any-return]

    @fontMetrics.setter
    def fontMetrics(self, metrics: QFontMetrics) -> None:
        QStyleOptionViewItem.fontMetrics.__set__(self, metrics)  # type: ignore[attr-defined]


def test_the_segment_indent_is_worked_out_once_per_font(qtbot: QtBot) -> None:
    """Each painted row's call into Python does as little as it can: the indent comes
    from the tree, worked out once per font, and again when zoom changes the font."""
    tree = ContentsTree()
    qtbot.addWidget(tree)
    tree.set_story(generated_story(5))
    segment = tree.topLevelItem(2)
    assert segment is not None and segment.data(0, SEGMENT_ROLE) == 1
    index = tree.indexFromItem(segment)
    delegate = tree.itemDelegate()

    def drawn_from() -> int:
        option = _CountingOption()
        option.initFrom(tree)
        option.rect = tree.visualRect(index)
        left = option.rect.left()
        delegate.initStyleOption(option, index)
        return option.rect.left() - left

    _CountingOption.asked = 0
    assert drawn_from() == tree.fontMetrics().averageCharWidth() * INDENT_CHARS
    for _ in range(5):
        drawn_from()
    assert _CountingOption.asked == 0  # not measured again for each row
    font = tree.font()
    font.setPointSizeF(font.pointSizeF() * 3)
    tree.setFont(font)
    assert drawn_from() == tree.fontMetrics().averageCharWidth() * INDENT_CHARS
