"""Opening another story frees the one before, its playback and its audio, without a collection.

The window freezes the objects alive when a story has loaded (``gc.freeze`` in
:mod:`player.gui.opening`), the playback reading then among them; the cyclic collector
never looks at them again. Whatever the window drops of a story must therefore be
freed by reference counting alone: anything left in a reference cycle stays for the
whole session (the 10,000-key GUI session grew by a story and its audio each time one
was opened, through a cycle between the playback and its output slot).
"""

from __future__ import annotations

import weakref

import pytest
from fakes import make_story
from pytestqt.qtbot import QtBot

from player.core.model import Story
from player.core.playback import PlaybackSettings, SilentClockOutput, create_playback
from player.core.playback.api import Playback, PlaybackState
from player.core.settings import Settings
from player.core.speech import FakeSynthesizer
from player.gui.window import MainWindow


def real_playback(story: Story) -> Playback:
    """The real playback core, over the fake synthesizer and a fast silent clock."""
    return create_playback(
        story,
        lambda rate: SilentClockOutput(rate, speed=8.0),
        synthesizer=FakeSynthesizer(),
        settings=PlaybackSettings(rate=300),
    )


def reading_on(window: MainWindow) -> bool:
    """Whether the window's playback plays and has gone past the first sentence."""
    playback = window.playback
    return (
        playback is not None
        and playback.state is PlaybackState.PLAYING
        and playback.position.sentence > 0
    )


@pytest.mark.usefixtures("no_cyclic_collection")
def test_the_story_read_before_is_freed_by_reference_counting(
    qtbot: QtBot, settings: Settings
) -> None:
    window = MainWindow(settings, playback_factory=real_playback, voice_lister=lambda _p: [])
    qtbot.addWidget(window)
    window.set_story(make_story())
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.playback is not None)
    first = window.playback
    assert first is not None
    window.actions_by_id["play_pause"].trigger()
    qtbot.waitUntil(lambda: reading_on(window), timeout=10_000)
    gone = weakref.ref(first)
    story = weakref.ref(first.story)
    del first

    window.set_story(make_story())
    qtbot.waitUntil(lambda: window.playback is not None and window.playback is not gone())
    qtbot.wait(50)  # late events from the closed playback's threads reach the window

    assert story() is None
    assert gone() is None
    window.close()
