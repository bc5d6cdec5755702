"""The review of an imported story: each segment's kind and title, changed from the keyboard.

:class:`ReviewDialog` shows what :func:`player.core.review.read_review` found and
hands back the chosen headings; writing them is :func:`player.core.review.rewrite_headings`,
run by :mod:`player.gui.importing`. Each segment is a title field and a kind list,
labelled "Segment 2 title" and "Segment 2 kind" for screen readers, with what the
segment holds and how it begins as their description: the words that tell a
reviewer which kind it is. Tab moves title, kind, next title…; Enter saves.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from player.core.review import Heading, Review

#: segment rows made at a time (about 1.2 ms each here)
ROWS_AT_ONCE = 25


def form_row(form: QFormLayout, text: str, field: QWidget, description: str = "") -> QLabel:
    """Add ``field`` to ``form`` under the label ``text``: the label is its buddy, and the
    label's words (without "&" and ":") its accessible name; ``description`` its
    accessible description (read after the name and value)."""
    label = QLabel(text)
    label.setBuddy(field)
    field.setAccessibleName(text.replace("&", "").rstrip(": "))
    if description:
        field.setAccessibleDescription(description)
    form.addRow(label, field)
    return label


class ReviewDialog(QDialog):
    """Segment kinds and titles of a newly imported story; ``headings()`` once accepted."""

    def __init__(self, review: Review, note: str | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.review = review
        self.setWindowTitle("Review the Imported Story")
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"“{review.title}” is in the library now. Check what kind of part each segment "
            "is and its title, then Save. Cancel keeps them as proposed."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.note = QLabel(note or "")
        self.note.setWordWrap(True)
        self.note.setAccessibleName("Note")
        self.note.setVisible(bool(note))
        layout.addWidget(self.note)

        rows = QWidget()
        self._rows = QVBoxLayout(rows)
        self._rows.addStretch(1)
        self.titles: list[QLineEdit] = []
        self.kinds: list[QComboBox] = []
        self._summaries = review.summaries or ("",) * len(review.headings)
        # Labels as wide as the widest ("Segment 463 title:"), so every slice's fields line up.
        last = len(review.headings)
        self._label_width = max(
            QLabel().fontMetrics().horizontalAdvance(f"Segment {last} {word}:")
            for word in ("title", "kind")
        )
        # A long live blog has hundreds of segments, a few milliseconds of widgets each: the
        # first rows now, the rest in slices, each slice a form of its own (added to a shown
        # form, rows cost a relayout of every row before them: 0.4 to 0.9 s stalls).
        self._more = QTimer(self)
        self._more.setInterval(0)
        self._more.timeout.connect(self._add_rows)
        scroller = QScrollArea()
        scroller.setWidget(rows)
        scroller.setWidgetResizable(True)
        # The scroll area itself takes no focus: Tab goes straight from field to field.
        scroller.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout.addWidget(scroller, 1)
        self._add_rows()

        self.problem = QLabel("")
        self.problem.setAccessibleName("Problem")
        self.problem.setWordWrap(True)
        self.problem.setVisible(False)
        layout.addWidget(self.problem)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setDefault(True)
        self.save_button.setAccessibleDescription("Write these kinds and titles into the story")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(640, 520)
        if self.titles:
            self.titles[0].setFocus(Qt.FocusReason.OtherFocusReason)

    @property
    def complete(self) -> bool:
        """Whether every segment's row is there yet."""
        return len(self.titles) == len(self.review.headings)

    def _add_rows(self) -> None:
        start = len(self.titles)
        chunk = QWidget()
        form = QFormLayout(chunk)
        form.setContentsMargins(0, 0, 0, 0)
        # In the dialog before its rows are made: tab order is set only within one window.
        self._rows.insertWidget(self._rows.count() - 1, chunk)  # before the closing stretch
        # Widgets made later join the end of the focus chain, after Save and Cancel: put
        # each row right after the one before it instead.
        previous: QWidget | None = self.kinds[-1] if self.kinds else None
        for n in range(start, min(start + ROWS_AT_ONCE, len(self.review.headings))):
            heading = self.review.headings[n]
            title = QLineEdit(heading.title)
            label = form_row(form, f"Segment {n + 1} title:", title, self._summaries[n])
            label.setMinimumWidth(self._label_width)
            kind = QComboBox()
            for option in self.review.kinds:
                kind.addItem(option.label, option.id)
            kind.setCurrentIndex(max(0, kind.findData(heading.kind)))
            label = form_row(
                form, f"Segment {n + 1} kind:", kind, f"Proposed: {kind.currentText()}"
            )
            label.setMinimumWidth(self._label_width)
            self.titles.append(title)
            self.kinds.append(kind)
            if previous is not None:
                QWidget.setTabOrder(previous, title)
            QWidget.setTabOrder(title, kind)
            previous = kind
        if self.complete:
            self._more.stop()
        elif not self._more.isActive():
            self._more.start()

    def accept(self) -> None:
        """Save, unless a title is empty: then say which and go to it."""
        for n, title in enumerate(self.titles, 1):
            if not title.text().strip():
                self.problem.setText(f"Segment {n} has no title; give it one before saving.")
                self.problem.setVisible(True)
                title.setFocus(Qt.FocusReason.OtherFocusReason)
                QAccessible.updateAccessibility(
                    QAccessibleAnnouncementEvent(self, self.problem.text())
                )
                return
        super().accept()

    def headings(self) -> list[Heading]:
        """The headings as the dialog shows them now (as proposed for rows not shown yet)."""
        shown = [
            Heading(h.line, str(kind.currentData()), title.text())
            for h, title, kind in zip(self.review.headings, self.titles, self.kinds, strict=False)
        ]
        return shown + list(self.review.headings[len(shown) :])
