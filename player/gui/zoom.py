"""Zoom from 50 % to 400 % for the interface and the reading pane, in familiar steps.

Steps are the ones browsers and document viewers use, so "one more Ctrl++"
means the same here. :class:`Zoom` remembers the unzoomed font sizes the first
time it sees the application and the reading pane, so repeated zooming never
drifts from rounding, and scales:

- the application font, which every widget without a font of its own follows;
- the reading pane's font and its document's default font;
- explicit point sizes inside the pane's document (headings carry their own),
  relative to their size at 100 %.

The keys (Ctrl+= and Ctrl++, Ctrl+-, Ctrl+0) belong to the window; it calls
:meth:`Zoom.zoom_in`, :meth:`Zoom.zoom_out` and :meth:`Zoom.reset`.

:class:`SideScroller` holds a row of controls (the transport bar) that grows wider
than any screen at 200-400 %: the row scrolls sideways, following focus, instead of
forcing the window wider than the screen and cutting controls off.

:class:`StatusLine` is a status bar whose labels wrap onto more lines when zoomed
text is wider than the window, and which grows to show every line; its labels are
:class:`StatusLabel` s.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtGui import QFont, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QStatusBar,
    QTextEdit,
    QWidget,
)

ZOOM_STEPS: tuple[int, ...] = (50, 67, 80, 90, 100, 110, 125, 150, 175, 200, 250, 300, 400)
MIN_ZOOM = ZOOM_STEPS[0]
MAX_ZOOM = ZOOM_STEPS[-1]
DEFAULT_ZOOM = 100
# Below this, text stops being text for anyone; it also guards against a 0 pt font.
MIN_POINT_SIZE = 6.0
_BASE_PROPERTY = "storyPlayerZoomBasePt"
_FORMAT_BASE = QTextCharFormat.Property.UserProperty + 17


def clamp_zoom(percent: int) -> int:
    """``percent`` kept within 50-400."""
    return max(MIN_ZOOM, min(MAX_ZOOM, int(percent)))


def next_zoom(percent: int) -> int:
    """The step after ``percent`` (a value between steps goes to the next step up)."""
    for step in ZOOM_STEPS:
        if step > percent:
            return step
    return MAX_ZOOM


def previous_zoom(percent: int) -> int:
    """The step before ``percent`` (a value between steps goes to the next step down)."""
    for step in reversed(ZOOM_STEPS):
        if step < percent:
            return step
    return MIN_ZOOM


def unzoomed_app_point_size() -> float:
    """The application font's size at 100 %, for widgets that derive their own font from it
    (a window made while another one is zoomed must not start zoomed twice)."""
    app = QApplication.instance()
    stored = app.property(_BASE_PROPERTY) if app is not None else None
    if isinstance(stored, float | int) and stored > 0:
        return float(stored)
    size = QApplication.font().pointSizeF()
    return size if size > 0 else QApplication.font().pixelSize() * 72.0 / 96.0


def scaled(points: float, percent: int) -> float:
    """A point size at ``percent``, never below the legible minimum."""
    return max(MIN_POINT_SIZE, points * percent / 100.0)


def _base_size(widget: QWidget | QApplication, font: QFont) -> float:
    """The widget's unzoomed point size, recorded the first time it is zoomed."""
    stored = widget.property(_BASE_PROPERTY)
    if isinstance(stored, float | int) and stored > 0:
        return float(stored)
    size = font.pointSizeF()
    if size <= 0:  # a font sized in pixels: convert at the usual 96 dpi
        size = font.pixelSize() * 72.0 / 96.0
    widget.setProperty(_BASE_PROPERTY, float(size))
    return size


def scale_document(document: QTextDocument, percent: int) -> None:
    """Scale every explicit point size in ``document`` to ``percent`` of its size at 100 %.

    The size at 100 % is kept in each fragment's format, so going 100 → 400 → 100
    lands exactly where it began. Only formats change: the text, the caret and
    the selection stay, and undo is not recorded.
    """
    if not _has_point_sizes(document):
        return  # nothing to scale: the reading pane's text takes the default font's size
    undo = document.isUndoRedoEnabled()
    document.setUndoRedoEnabled(False)
    cursor = QTextCursor(document)
    block = document.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            it += 1
            if not fragment.isValid():
                continue
            fmt = fragment.charFormat()
            base = fmt.property(_FORMAT_BASE)
            if not isinstance(base, float | int):
                if not fmt.hasProperty(QTextCharFormat.Property.FontPointSize):
                    continue
                base = fmt.fontPointSize()
            change = QTextCharFormat()
            change.setProperty(_FORMAT_BASE, float(base))
            change.setFontPointSize(scaled(float(base), percent))
            cursor.setPosition(fragment.position())
            cursor.setPosition(
                fragment.position() + fragment.length(), QTextCursor.MoveMode.KeepAnchor
            )
            cursor.mergeCharFormat(change)
        block = block.next()
    document.setUndoRedoEnabled(undo)


def _has_point_sizes(document: QTextDocument) -> bool:
    """Whether any char format in ``document`` has a point size (or had one before zooming).

    Asked of the document's few distinct formats, not of its fragments: a long story has
    tens of thousands of fragments, and walking them took 40 ms a zoom step for nothing.
    """
    return any(
        fmt.isCharFormat()
        and (
            fmt.hasProperty(QTextCharFormat.Property.FontPointSize) or fmt.hasProperty(_FORMAT_BASE)
        )
        for fmt in document.allFormats()
    )


class Zoom:
    """The zoom level of one window: the application font and its text panes."""

    def __init__(self, app: QApplication, panes: Iterable[QTextEdit] = ()) -> None:
        self._app = app
        self._panes: list[QTextEdit] = []
        self._percent = DEFAULT_ZOOM
        _base_size(app, QApplication.font())
        for pane in panes:
            self.add_pane(pane)

    @property
    def percent(self) -> int:
        return self._percent

    def add_pane(self, pane: QTextEdit) -> None:
        """Zoom ``pane`` with the rest; its font as built is taken as its size at 100 %."""
        if pane in self._panes:
            return
        _base_size(pane, pane.font())
        self._panes.append(pane)
        self._apply_pane(pane)

    def set_percent(self, percent: int) -> int:
        """Zoom to ``percent`` (kept within 50-400); the level now in force."""
        self._percent = clamp_zoom(percent)
        base = _base_size(self._app, QApplication.font())
        font = QFont(QApplication.font())
        font.setPointSizeF(scaled(base, self._percent))
        changed = font != QApplication.font()
        QApplication.setFont(font)
        sheet = self._app.styleSheet()
        if sheet and changed:
            # With an application style sheet (every theme has one) widgets already polished
            # keep their old font; setting the sheet again re-polishes them with the new one.
            # At start (100 %, the font unchanged) that would re-style every new widget for nothing.
            self._app.setStyleSheet(sheet)
        for pane in self._panes:
            self._apply_pane(pane)
        return self._percent

    def _apply_pane(self, pane: QTextEdit) -> None:
        # Under a style sheet, a pane first polished after this (when it is shown) would be
        # given back the font it had before: polish it now, then set the zoomed font.
        pane.ensurePolished()
        base = _base_size(pane, pane.font())
        font = QFont(pane.font())
        font.setPointSizeF(scaled(base, self._percent))
        pane.setFont(font)
        document = pane.document()
        document.setDefaultFont(font)
        scale_document(document, self._percent)

    def zoom_in(self) -> int:
        return self.set_percent(next_zoom(self._percent))

    def zoom_out(self) -> int:
        return self.set_percent(previous_zoom(self._percent))

    def reset(self) -> int:
        return self.set_percent(DEFAULT_ZOOM)

    def refresh(self) -> None:
        """Apply the level again, after a pane got a new document (a new story)."""
        for pane in self._panes:
            self._apply_pane(pane)


class SideScroller(QScrollArea):
    """A row of controls that scrolls sideways when it is wider than the window."""

    def __init__(self, row: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("side-scroller")
        self.setWidget(row)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        # Only a container: its controls take focus, it does not (nor is it a Tab stop).
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        # The themes draw a border around scroll areas; this one should look like no frame.
        self.setStyleSheet("QScrollArea#side-scroller { border: none; margin: 0px; }")
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._follow_focus)

    def sizeHint(self) -> QSize:
        row = self.widget()
        height = row.sizeHint().height() if row is not None else 0
        # Room for the scroll bar too, so it never covers the controls.
        return QSize(200, height + self.horizontalScrollBar().sizeHint().height())

    def minimumSizeHint(self) -> QSize:
        return QSize(100, self.sizeHint().height())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()  # the row got taller or shorter (zoom): so does this
        return super().eventFilter(watched, event)

    def _follow_focus(self, _old: QWidget | None, new: QWidget | None) -> None:
        row = self.widget()
        if new is not None and row is not None and row.isAncestorOf(new):
            self.ensureWidgetVisible(new, 8, 0)


class StatusLabel(QLabel):
    """A status line label that works out its height for a width once per text.

    Each jump changes the status line's text, and the layouts of the status bar and of the
    window then ask the label's height for the same width four or five times over; a
    wrapped label lays its text out anew for every answer (the largest part of the status
    line's share of a jump).
    """

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self._heights: dict[int, int] = {}
        self._heights_for: tuple[str, int, int, int, int] | None = None

    def heightForWidth(self, width: int) -> int:
        margins = self.contentsMargins()
        # everything the answer depends on that can change without a change event
        looks = (self.text(), margins.left(), margins.right(), margins.top(), margins.bottom())
        if looks != self._heights_for:
            self._heights_for = looks
            self._heights.clear()
        height = self._heights.get(width)
        if height is None:
            height = self._heights[width] = self._measure(width)
        return height

    def _measure(self, width: int) -> int:
        return super().heightForWidth(width)

    def changeEvent(self, event: QEvent) -> None:
        # a font (zoom) or style: the same text takes other room
        self._heights_for = None
        super().changeEvent(event)


class StatusLine(QStatusBar):
    """A status bar as tall as its wrapped labels need.

    QStatusBar sizes itself to its widgets' plain height hints and ignores
    height-for-width, so a word-wrapped label given two lines' worth of text would
    still get one line's height, and be cut off.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizeGripEnabled(False)

    def add_label(self, label: QLabel, stretch: int, *, permanent: bool = False) -> None:
        label.setWordWrap(True)
        label.installEventFilter(self)
        if permanent:
            self.addPermanentWidget(label, stretch)
        else:
            self.addWidget(label, stretch)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(watched, QLabel) and event.type() in (
            QEvent.Type.Resize,
            QEvent.Type.LayoutRequest,
            QEvent.Type.FontChange,
            QEvent.Type.Show,
        ):
            self._fit()
        return super().eventFilter(watched, event)

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if event.type() in (QEvent.Type.LayoutRequest, QEvent.Type.Resize):
            self._fit()
        return handled

    def _fit(self) -> None:
        labels = [w for w in self.findChildren(QLabel) if w.isVisibleTo(self) and w.wordWrap()]
        if not labels:
            return
        tallest = max(label.heightForWidth(max(1, label.width())) for label in labels)
        margins = self.contentsMargins()
        layout = self.layout()
        spacing = 0
        if layout is not None:
            m = layout.contentsMargins()
            spacing = m.top() + m.bottom()
        # Room for the labels' own frame as the status bar draws it.
        need = tallest + margins.top() + margins.bottom() + spacing + 4
        if need != self.minimumHeight():
            self.setMinimumHeight(need)
