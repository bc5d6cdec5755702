"""The window shows the story: grouped contents, headings, captions, status and named controls."""

from __future__ import annotations

from fakes import FakePlayback, open_window
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QLabel, QTextBrowser, QTextEdit, QWidget
from pytestqt.qtbot import QtBot

from player.core.model import Story
from player.gui.window import MainWindow


def test_contents_grouped_by_kind_plural(window: MainWindow) -> None:
    tree = window.contents
    rows = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    texts = [item.text(0) for item in rows if item is not None]
    # Flat rows: each group heading, then its segments (drawn indented).
    assert texts == [
        "Introduction (1)",
        "Introduction",
        "Personal stories (2)",
        "Melissa",
        "Brenda",
        "Life inside (1)",
        "Life inside",
        "The debate (1)",
        "The debate",
        "Public reaction (1)",
        "Public reaction",
    ]
    heading = rows[2]
    assert heading is not None and heading.childCount() == 0
    assert heading.data(0, Qt.ItemDataRole.AccessibleTextRole) == "Personal stories, 2 segments"


def test_reading_pane_is_text_not_label(window: MainWindow) -> None:
    pane = window.pane
    assert isinstance(pane, QTextEdit)
    assert not isinstance(pane, QTextBrowser)
    assert pane.isReadOnly()
    assert pane.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByKeyboard
    iface = QAccessible.queryAccessibleInterface(pane)
    assert iface.role() == QAccessible.Role.EditableText
    assert iface.textInterface() is not None
    assert iface.text(QAccessible.Text.Name) == "Story text"


def test_segment_titles_are_headings(window: MainWindow, story: Story) -> None:
    doc = window.pane.document()
    headings = {}
    block = doc.begin()
    while block.isValid():
        level = block.blockFormat().headingLevel()
        if level:
            headings[block.text()] = level
        block = block.next()
    assert headings[story.meta.title] == 1
    for segment in story.segments:
        assert headings[segment.title] == 2


def test_text_shows_every_sentence_at_its_span(window: MainWindow, story: Story) -> None:
    text = window.pane.document().toPlainText().replace("\u2029", "\n")
    for i in range(story.sentence_count):
        start, end = window.pane.sentence_span(i)
        assert window.pane.document().toPlainText()[start:end] == story.sentence(i).display
    assert "— HuffPost" in text


def test_caption_card_for_photo_without_image(window: MainWindow, story: Story) -> None:
    window.jump_to_segment(1)
    cards = window.captions.cards
    assert len(cards) == 1
    texts = [label.text() for label in cards[0].findChildren(QLabel)]
    assert "Photo 1 of 6" in texts
    assert "Melissa is 18 months old." in texts
    assert "Alt text: A toddler in a prison yard" in texts
    assert "Credit: HuffPost" in texts
    assert cards[0].photo is story.segments[1].photos[0]
    # The sentence being read is in the post that captions the photo: the card is marked.
    assert window.captions.marked is cards[0].photo
    assert cards[0].accessibleName().startswith("Being read.")


def test_no_photo_available(window: MainWindow) -> None:
    window.jump_to_segment(3)
    assert window.captions.cards == []
    labels = [w.text() for w in window.captions.findChildren(QLabel)]
    assert "No photo available" in labels


def test_status_line(window: MainWindow, playbacks: list[FakePlayback]) -> None:
    window.jump_to_segment(2)
    text = window.status_label.text()
    assert text.startswith("Segment 3 of 6 · Personal story · sentence 1 of 3 · ")
    assert text.endswith(" left")


def test_every_control_has_an_accessible_name(window: MainWindow) -> None:
    for widget in window.findChildren(QWidget):
        if widget.focusPolicy() & Qt.FocusPolicy.TabFocus and widget.isVisibleTo(window):
            iface = QAccessible.queryAccessibleInterface(widget)
            name = iface.text(QAccessible.Text.Name) if iface else ""
            assert name, f"{type(widget).__name__} has no accessible name"


def test_labels_are_buddies(window: MainWindow) -> None:
    buddies = {
        label.text().replace("&", ""): label.buddy()
        for label in window.transport.findChildren(QLabel)
    }
    assert buddies["Rate:"] is window.transport.rate
    assert buddies["Volume:"] is window.transport.volume
    assert buddies["Voice:"] is window.transport.voice


def test_voice_list_filled_after_playback(window: MainWindow) -> None:
    combo = window.transport.voice
    assert [combo.itemText(i) for i in range(combo.count())] == ["Default voice", "Fake"]


def test_speech_failure_leaves_text_window(qtbot: QtBot, settings: object, story: Story) -> None:
    from player.core.settings import MemoryStore, Settings

    def broken(_story: Story) -> FakePlayback:
        raise RuntimeError("no espeak here")

    window = MainWindow(Settings(MemoryStore()), playback_factory=broken)
    qtbot.addWidget(window)
    window.set_story(story)
    window.show()
    qtbot.waitUntil(lambda: "no espeak here" in window.message_label.text())
    window.cmd_next_segment()
    assert window.sentence == story.first_sentence_of_segment(1)


def test_locked_rate_cannot_be_changed(
    qtbot: QtBot, story: Story, playbacks: list[FakePlayback]
) -> None:
    from player.core.settings import MemoryStore, Settings

    settings = Settings(MemoryStore(), system={"rate": 150, "locked": ["rate"]})
    window = open_window(qtbot, settings, story, playbacks)
    assert not window.transport.rate.isEnabled()
    assert window.transport.rate.value() == 150
    window.cmd_rate_up()
    assert settings.rate == 150
    assert "administrator" in window.message_label.text()
    assert ("set_rate", 150) in playbacks[-1].calls


def test_tab_order_follows_reading_order(qtbot: QtBot, window: MainWindow) -> None:
    window.jump_to_segment(1)  # a segment with a photo card
    window.contents.setFocus()
    qtbot.waitUntil(window.contents.hasFocus)
    names = []
    for _ in range(6):
        widget = window.focusWidget()
        assert widget is not None
        names.append(widget.accessibleName())
        widget.focusNextChild()
    assert names[:3] == ["Contents", "Story text", window.captions.cards[0].accessibleName()]
    assert names[3] == "Previous Segment"


def _tab_round(qtbot: QtBot, window: MainWindow, backwards: bool) -> list[str]:
    """Names of the controls real Tab (or Shift+Tab) presses visit, until focus comes back."""
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    window.contents.setFocus()
    qtbot.waitUntil(window.contents.hasFocus)
    start = QApplication.focusWidget()
    visited: list[str] = []
    modifier = Qt.KeyboardModifier.ShiftModifier if backwards else Qt.KeyboardModifier.NoModifier
    key = Qt.Key.Key_Backtab if backwards else Qt.Key.Key_Tab
    for _ in range(40):
        focus = QApplication.focusWidget()
        assert focus is not None
        QTest.keyClick(focus, key, modifier)
        now = QApplication.focusWidget()
        assert now is not None and now is not focus, f"focus stuck on {focus.accessibleName()!r}"
        if now is start:
            return visited
        visited.append(now.accessibleName())
    raise AssertionError(f"Tab never came back to the contents: {visited}")


def test_tab_goes_round_every_control_and_back(qtbot: QtBot, window: MainWindow) -> None:
    forward = _tab_round(qtbot, window, backwards=False)
    assert forward[0] == "Story text"
    for name in ("Previous Segment", "Play", "Next Segment", "Rate", "Volume", "Voice"):
        assert any(n.startswith(name) for n in forward), (name, forward)
    assert all(forward), f"a control without a name: {forward}"
    backward = _tab_round(qtbot, window, backwards=True)
    assert backward == list(reversed(forward))
