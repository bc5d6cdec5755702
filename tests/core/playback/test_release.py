"""A closed playback is freed by reference counting alone, with the story and audio it holds.

The window moves a loaded story's objects out of the cyclic collector's sight
(``gc.freeze`` in :mod:`player.gui.opening`), and the playback of the story shown
while another loads is frozen with them. If a closed playback then dies inside a
reference cycle, no collection ever sees it: it stays, with its story and its cache
of synthesized audio, for as long as the process runs (the 10,000-key GUI session
grew about 5 MB per thousand keys that way).
"""

from __future__ import annotations

import gc
import time
import weakref

import pytest

from player.core.playback import (
    AudioOutputError,
    OutputFactory,
    PlaybackSettings,
    SilentClockOutput,
    create_playback,
)
from player.core.playback.api import Playback, PlaybackState
from player.core.speech import FakeSynthesizer
from tests.core.speech.speechkit import make_story


def _silent(rate: int) -> SilentClockOutput:
    return SilentClockOutput(rate, speed=8.0)


def _no_device(rate: int) -> SilentClockOutput:
    raise AudioOutputError("no audio device was found")


def _speaks_on(playback: Playback, timeout: float = 10.0) -> bool:
    """Whether the voice got past the first sentence within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if playback.state is PlaybackState.PLAYING and playback.position.sentence > 0:
            return True
        time.sleep(0.005)
    return False


@pytest.mark.parametrize("factory", [_silent, _no_device], ids=["output", "no-device"])
@pytest.mark.usefixtures("no_cyclic_collection")
def test_a_closed_playback_needs_no_collection_to_be_freed(factory: OutputFactory) -> None:
    playback = create_playback(
        make_story(),
        factory,
        synthesizer=FakeSynthesizer(),
        settings=PlaybackSettings(rate=300),
    )
    assert playback.wait_ready()
    playback.play()
    assert _speaks_on(playback)
    playback.close()
    gone = weakref.ref(playback)
    story = weakref.ref(playback.story)
    del playback
    assert gone() is None, [type(r).__name__ for r in gc.get_referrers(gone())]
    assert story() is None
