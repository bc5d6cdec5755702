"""The window's voice features: Where Am I in the app's voice, the second voice for
quotations and posts, and voice lists filled by the playback's voices event."""

from __future__ import annotations

import pytest
from fakes import FakePlayback, open_window
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QMenu
from pytestqt.qtbot import QtBot

from player.core.model import BlockType, Story
from player.core.settings import MemoryStore, Settings
from player.gui.app import real_voices
from player.gui.window import MainWindow

Mod = Qt.KeyboardModifier
SECOND = (BlockType.QUOTATION, BlockType.POST)


def block_voices(playback: FakePlayback) -> list[str | None]:
    return [playback.block_voices.get(t, "unset") for t in SECOND]


# Where Am I


@pytest.mark.parametrize("keys", ["Ctrl+Shift+K", "W"])
def test_where_am_i_is_said_without_a_screen_reader(
    qtbot: QtBot,
    window: MainWindow,
    playbacks: list[FakePlayback],
    monkeypatch: pytest.MonkeyPatch,
    keys: str,
) -> None:
    monkeypatch.setenv("STORY_PLAYER_SCREEN_READER", "0")
    window.pane.setFocus()
    qtbot.waitUntil(window.pane.hasFocus)
    QTest.keySequence(window.pane, QKeySequence(keys))
    text = window.where_text(spoken=True)
    assert text and playbacks[-1].said == [(text, True)]  # at once, not after the sentence
    assert window.announcer.history[-1] == text  # and sent to screen readers as ever


def test_where_am_i_is_left_to_a_running_screen_reader(
    window: MainWindow, playbacks: list[FakePlayback], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STORY_PLAYER_SCREEN_READER", "1")
    window.announcer.self_voicing = True  # even so: the screen reader says it, not us too
    window.cmd_where_am_i()
    assert window.announcer.history[-1] == window.where_text(spoken=True)
    assert playbacks[-1].said == []


def test_where_am_i_is_said_once_with_self_voicing_on(
    window: MainWindow, playbacks: list[FakePlayback], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STORY_PLAYER_SCREEN_READER", "0")
    window.announcer.self_voicing = True
    window.cmd_where_am_i()
    assert playbacks[-1].said == [(window.where_text(spoken=True), True)]


def test_playing_is_not_self_voiced_but_paused_is(
    qtbot: QtBot,
    window: MainWindow,
    playbacks: list[FakePlayback],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("STORY_PLAYER_SCREEN_READER", "0")
    window.announcer.self_voicing = True
    playbacks[-1].play(0)
    qtbot.waitUntil(lambda: "Playing" in window.announcer.history)
    playbacks[-1].pause()
    qtbot.waitUntil(lambda: "Paused" in window.announcer.history)
    spoken = [text for text, _ in playbacks[-1].said]
    assert "Playing" not in spoken and "Paused" in spoken
    assert "Playing" in window.announcer.history


def test_where_am_i_without_speech_only_shows(
    qtbot: QtBot, story: Story, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STORY_PLAYER_SCREEN_READER", "0")
    window = MainWindow(Settings(MemoryStore()), playback_factory=None)
    qtbot.addWidget(window)
    window.set_story(story)
    window.cmd_where_am_i()  # no playback: nothing to say it with, and no error
    assert window.status_label.text() == window.where_text()


# The second voice


def test_second_voice_control_is_labelled_and_in_the_play_menu(window: MainWindow) -> None:
    combo = window.transport.second_voice
    assert combo.accessibleName() == "Voice for quotations and posts"
    buddies = {
        label.text().replace("&", ""): label.buddy()
        for label in window.transport.findChildren(QLabel)
    }
    assert buddies["Quotes and posts:"] is combo
    action = window.actions_by_id["choose_second_voice"]
    assert action.text().replace("&", "") == "Voice for Quotations and Posts…"
    assert action.shortcut() == QKeySequence("Ctrl+Shift+O")
    play_menu = next(m for m in window.menuBar().findChildren(QMenu) if m.title() == "&Play")
    assert action in play_menu.actions()
    action.trigger()
    assert window.focusWidget() is combo


def test_automatic_second_voice_is_another_voice_of_the_language(
    qtbot: QtBot, window: MainWindow, playbacks: list[FakePlayback]
) -> None:
    playback = playbacks[-1]
    qtbot.waitUntil(lambda: block_voices(playback) == ["fake/en-us", "fake/en-us"])
    combo = window.transport.second_voice
    assert combo.currentData() == "" and combo.currentText() == "Automatic"
    items = [combo.itemData(i) for i in range(combo.count())]
    assert items == ["", "off", "fake/en"]


def test_second_voice_choice_is_applied_and_remembered(
    qtbot: QtBot, story: Story, playbacks: list[FakePlayback]
) -> None:
    store = MemoryStore()
    window = open_window(qtbot, Settings(store), story, playbacks)
    combo = window.transport.second_voice
    qtbot.waitUntil(lambda: combo.count() > 2)
    combo.setFocus()
    qtbot.waitUntil(combo.hasFocus)
    off = combo.findData("off")
    combo.setCurrentIndex(off)
    combo.activated.emit(off)
    assert block_voices(playbacks[-1]) == [None, None]
    window.close()  # writes the settings
    assert store.data["second_voice"] == "off"

    again = open_window(qtbot, Settings(store), story, playbacks)
    qtbot.waitUntil(lambda: block_voices(playbacks[-1]) == [None, None])
    assert again.transport.second_voice.currentData() == "off"
    pick = again.transport.second_voice.findData("fake/en")
    again.transport.second_voice.activated.emit(pick)
    assert block_voices(playbacks[-1]) == ["fake/en", "fake/en"]
    assert again.settings.get("second_voice") == "fake/en"


def test_locked_second_voice(qtbot: QtBot, story: Story, playbacks: list[FakePlayback]) -> None:
    settings = Settings(MemoryStore(), system={"second_voice": "off", "locked": ["second_voice"]})
    window = open_window(qtbot, settings, story, playbacks)
    assert not window.transport.second_voice.isEnabled()
    qtbot.waitUntil(lambda: block_voices(playbacks[-1]) == [None, None])
    window.set_second_voice("fake/en-us")
    assert block_voices(playbacks[-1]) == [None, None]
    assert "administrator" in window.message_label.text()


# Voices arrive by event


class LateVoices(FakePlayback):
    """A playback whose engine is still loading when the window gets it."""

    def __init__(self, story: Story) -> None:
        super().__init__(story, voices_loaded=False)  # finish_loading sends the voices


def test_voice_lists_fill_when_the_engine_has_loaded(qtbot: QtBot, story: Story) -> None:
    made: list[LateVoices] = []

    def factory(s: Story) -> LateVoices:
        made.append(LateVoices(s))
        return made[-1]

    window = MainWindow(Settings(MemoryStore()), playback_factory=factory, voice_lister=real_voices)
    qtbot.addWidget(window)
    window.set_story(story)
    window.show()
    qtbot.waitUntil(lambda: window.playback is not None)
    assert window.transport.voice.count() == 1  # "Default voice" only, while loading
    assert block_voices(made[-1]) == ["unset", "unset"]
    made[-1].finish_loading()
    qtbot.waitUntil(lambda: window.transport.voice.count() == 3)
    names = [window.transport.voice.itemText(i) for i in range(3)]
    assert names == ["Default voice", "Fake", "Fake American"]
    assert window.transport.second_voice.count() == 4
    assert block_voices(made[-1]) == ["fake/en-us", "fake/en-us"]


def test_a_voice_chosen_in_a_closed_list_is_confirmed_in_words(
    qtbot: QtBot, window: MainWindow, playbacks: list[FakePlayback]
) -> None:
    """Orca 43 says nothing when a closed combo box changes: the window says the choice."""
    combo = window.transport.voice
    qtbot.waitUntil(lambda: combo.findData("fake/en") > 0)
    combo.setCurrentIndex(0)  # as if another voice were chosen (no signal from this)
    combo.setFocus()
    qtbot.waitUntil(combo.hasFocus)
    QTest.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentData() == "fake/en"
    assert window.announcer.history[-1] == "Voice: Fake"
    assert ("set_voice", "fake/en") in playbacks[-1].calls
    second = window.transport.second_voice
    second.setFocus()
    qtbot.waitUntil(second.hasFocus)
    QTest.keyClick(second, Qt.Key.Key_Down)
    assert window.announcer.history[-1] == f"Quotations and posts: {second.currentText()}"


def test_a_list_changed_where_focus_is_is_left_to_the_screen_reader(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Orca 48 (Debian 13), NVDA and JAWS say a focused list's new value themselves and
    speak announcement events: an event on top said the voice twice. Orca 43 takes the
    cue; a change made elsewhere is announced as ever."""
    posted: list[str] = []
    monkeypatch.setattr(window.announcer, "_post", lambda event: posted.append(event.message()))
    monkeypatch.setattr(window.announcer, "_announcements_heard", lambda: True)
    combo = window.transport.voice
    qtbot.waitUntil(lambda: combo.findData("fake/en") > 0)
    combo.setCurrentIndex(0)
    combo.setFocus()
    qtbot.waitUntil(combo.hasFocus)
    QTest.keyClick(combo, Qt.Key.Key_Down)
    assert window.announcer.history[-1] == "Voice: Fake"
    assert posted == []
    second = window.transport.second_voice
    second.setFocus()
    qtbot.waitUntil(second.hasFocus)
    QTest.keyClick(second, Qt.Key.Key_Down)
    assert posted == []
    window.pane.setFocus()
    qtbot.waitUntil(window.pane.hasFocus)
    combo.setCurrentIndex(combo.findData("fake/en"))  # shown as the window would show it
    window.set_voice("fake/en")
    assert posted == ["Voice: Fake"]
