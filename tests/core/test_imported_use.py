"""An imported story is used like the bundled one: it plays, jumps by segment and by
kind, and exports as a talking book (issue 16's "done when"), for every corpus page."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import pytest

from player.core.export.audio import voice_table
from player.core.export.epub import export_epub
from player.core.importer import import_file, write_story
from player.core.model import Story
from player.core.navigation import Navigator, kind_matches
from player.core.playback import PlaybackSettings, SilentClockOutput, create_playback
from player.core.playback.api import PlaybackState
from player.core.speech import FakeSynthesizer
from player.core.storyfile import load_story
from tests.core.test_importer import PAGES


def _imported(page: Path, folder: Path) -> Story:
    return load_story(write_story(import_file(page), folder) / "story.txt")


def _silent(rate: int) -> SilentClockOutput:
    return SilentClockOutput(rate, speed=8.0)


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_segment_and_kind_jumps_reach_every_segment(page: Path, tmp_path: Path) -> None:
    story = _imported(page, tmp_path)
    nav = Navigator(story)
    with_text = sorted({ref.segment for ref in story.refs})
    assert with_text, f"{page.name}: nothing to read"
    reached, sentence = [nav.segment_of(0)], 0
    while (after := nav.segment(sentence, 1)) is not None:
        sentence = after
        reached.append(nav.segment_of(sentence))
    assert reached == with_text
    for kind in {story.segments[s].kind for s in with_text}:
        landed, sentence = [], 0
        while (after := nav.of_kind(sentence, kind.id, 1)) is not None:
            sentence = after
            landed.append(nav.segment_of(sentence))
        of_kind = [s for s in with_text if kind_matches(story.segments[s].kind, kind.id)]
        assert landed == [s for s in of_kind if s > with_text[0]], (page.name, kind.id)


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_an_imported_story_plays(page: Path, tmp_path: Path) -> None:
    story = _imported(page, tmp_path)
    playback = create_playback(
        story, _silent, synthesizer=FakeSynthesizer(), settings=PlaybackSettings(rate=300)
    )
    try:
        assert playback.wait_ready()
        playback.play()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and playback.position.sentence == 0:
            time.sleep(0.005)
        assert playback.state is PlaybackState.PLAYING
        assert playback.position.sentence > 0 or len(story.refs) == 1
    finally:
        playback.close()


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_an_imported_story_exports_as_a_talking_book(page: Path, tmp_path: Path) -> None:
    story = _imported(page, tmp_path / "library")
    synth = FakeSynthesizer()
    table = voice_table(story, synth.voices(), synth.voices()[0].id, {})
    result = export_epub(story, synth, tmp_path / "book.epub", table, 400)
    assert result.failures == []
    with zipfile.ZipFile(tmp_path / "book.epub") as book:
        names = book.namelist()
        overlays = [n for n in names if n.endswith(".smil")]
        segments = {ref.segment for ref in story.refs}
        assert len(overlays) == len(segments), (page.name, overlays)
        text = " ".join(book.read(n).decode() for n in names if n.endswith(".xhtml"))
    first_words = story.segments[story.refs[0].segment].title
    assert first_words in text or story.title in text
