"""Find in the story (Ctrl+F, F3, Shift+F3) and Go to Segment (Ctrl+G).

Keys go to whatever has focus, and dialogs are awaited, as in test_keyboard_session.
"""

from __future__ import annotations

from fakes import INTRO, PERSONAL, FakePlayback, open_window, paragraph
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from test_keyboard_session import focus, keys_in_dialog, press

from player.core.model import Segment, Story, StoryMeta
from player.core.settings import Settings
from player.gui.window import MainWindow

Key = Qt.Key
Mod = Qt.KeyboardModifier


def find(text: str) -> None:
    """Ctrl+F, type ``text``, Enter."""
    keys = [(Key.Key_A, Mod.ControlModifier)]
    keys += [(Qt.Key(ord(c.upper())), Mod.NoModifier) for c in text]
    keys.append((Key.Key_Return, Mod.NoModifier))
    with keys_in_dialog(*keys):
        press(Key.Key_F, Mod.ControlModifier)


def go_to(text: str) -> None:
    keys = [(Qt.Key(ord(c.upper())), Mod.NoModifier) for c in text]
    keys.append((Key.Key_Return, Mod.NoModifier))
    with keys_in_dialog(*keys):
        press(Key.Key_G, Mod.ControlModifier)


def selected() -> str:
    return focus().textCursor().selectedText()  # type: ignore[attr-defined]


def test_find_next_previous_wrap_and_no_match(window: MainWindow, story: Story) -> None:
    # One entry per occurrence, counted in each sentence's own text.
    having = [
        i
        for i in range(story.sentence_count)
        for _ in range(story.sentence(i).display.lower().count("her"))
    ]
    assert len(having) >= 3 and len(set(having)) >= 2  # several steps, then a wrap
    # Start past the first match, so the first Find has to go forward from here.
    window.go_to(having[0] + 1)
    first = next(k for k, i in enumerate(having) if i > having[0])
    find("HER")
    assert window.sentence == having[first]
    assert focus() is window.pane and selected().lower() == "her"
    assert window.message_label.text().startswith(f"Match {first + 1} of {len(having)}: ")
    assert story.sentence(having[first]).display in window.announcer.history[-1]
    for expected in having[first + 1 :]:
        press(Key.Key_F3)
        assert window.sentence == expected
        assert selected().lower() == "her"
    press(Key.Key_F3)  # past the last match: wraps to the first
    assert window.sentence == having[0]
    assert window.message_label.text().startswith("Search wrapped to the start. Match 1 of")
    press(Key.Key_F3, Mod.ShiftModifier)  # and back past the start, to the last
    assert window.sentence == having[-1]
    assert window.message_label.text().startswith("Search wrapped to the end. Match")
    # A find is a jump: Back returns from it.
    press(Key.Key_Left, Mod.AltModifier)
    assert window.sentence == having[0]

    before = window.sentence
    find("teapot")
    assert window.sentence == before
    assert window.message_label.text() == "No match for 'teapot'"


def test_find_ignores_case_and_accents_and_selects_the_exact_words(
    qtbot: QtBot, settings: Settings
) -> None:
    # A character outside the BMP before the match: Qt counts it as two positions.
    story = Story(
        StoryMeta("Accents", "fr"),
        (
            Segment(INTRO, "Début", (paragraph("Bonjour 🙂 le CAFÉ ouvre. Rien."),)),
            Segment(PERSONAL, "Suite", (paragraph("Un café noir. Une Straße."),)),
        ),
    )
    playbacks: list[FakePlayback] = []
    window = open_window(qtbot, settings, story, playbacks)
    find("cafe")
    assert window.sentence == 0 and selected() == "CAFÉ"
    press(Key.Key_F3)
    assert window.sentence == 2 and selected() == "café"
    find("strasse")
    assert window.sentence == 3 and selected() == "Straße"
    window.close()


def test_go_to_segment_by_number_and_by_title_words(window: MainWindow, story: Story) -> None:
    go_to("4")
    assert window.sentence == story.first_sentence_of_segment(3)
    assert window.announcer.history[-1] == window.segment_words(3)
    assert focus() is window.pane
    go_to("brenda")
    assert window.sentence == story.first_sentence_of_segment(2)
    assert window.announcer.history[-1] == window.segment_words(2)
    before = window.sentence
    go_to("99")
    assert window.sentence == before
    assert window.message_label.text() == "No segment '99'; segments are numbered 1 to 6"
    press(Key.Key_Left, Mod.AltModifier)  # Back from the last jump
    assert window.sentence == story.first_sentence_of_segment(3)
