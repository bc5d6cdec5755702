"""The one second-voice policy (window and command line), and the time-left estimates."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from player.core.model import BlockType, Story
from player.core.playback.estimates import TimeEstimates
from player.core.playback.timeline import pause_after
from player.core.playback.voices import (
    AUTOMATIC,
    OFF,
    UnknownVoiceError,
    VoiceTable,
    choose_main_voice,
    second_voice_for,
    speaker_ranks,
    speaker_voices,
)
from player.core.speech.base import Voice
from player.core.storyfile import parse_story
from tests.core.speech.speechkit import make_story

VOICES = [
    Voice("fake/en", "Fake English", ("en", "en-gb")),
    Voice("fake/en-us", "Fake American", ("en-us",)),
    Voice("fake/fr", "Fake French", ("fr",)),
]


@pytest.mark.parametrize("automatic", [AUTOMATIC, "auto"])
def test_both_spellings_of_automatic_pick_another_voice_of_the_language(automatic: str) -> None:
    # "" is what the window stores, "auto" what the command line takes
    assert second_voice_for(VOICES, "fake/en", automatic) == "fake/en-us"
    assert second_voice_for(VOICES, "fake/fr", automatic) is None  # no other French voice


def test_off_keeps_the_main_voice_and_an_id_is_taken_as_it_is() -> None:
    assert second_voice_for(VOICES, "fake/en", OFF) is None
    assert second_voice_for(VOICES, "fake/en", "fake/fr") == "fake/fr"


def test_an_unknown_voice_is_refused_for_the_caller_to_handle() -> None:
    with pytest.raises(UnknownVoiceError) as caught:
        second_voice_for(VOICES, "fake/en", "nobody/xx")
    assert caught.value.voice_id == "nobody/xx"


def test_the_main_voice_is_the_one_asked_for_else_the_best_with_a_warning() -> None:
    assert choose_main_voice(VOICES, "fake/fr", "en") == (VOICES[2], None)
    chosen, warning = choose_main_voice(VOICES, "nobody/xx", "fr")
    assert chosen == VOICES[2] and warning is not None and "nobody/xx" in warning
    assert choose_main_voice(VOICES, "", "en") == (VOICES[0], None)  # none asked: no warning


def test_the_voice_table_gives_each_sentence_its_block_types_voice() -> None:
    table = VoiceTable("main", [BlockType.PARAGRAPH, BlockType.QUOTATION])
    assert table.voice_for(1) == "main"
    assert table.set_block_voice(BlockType.QUOTATION, "other") is None
    assert (table.voice_for(0), table.voice_for(1)) == ("main", "other")
    assert table.in_use() == {"main", "other"}
    assert table.set_block_voice(BlockType.QUOTATION, None) == "other"
    assert table.in_use() == {"main"}


def _summed(estimates: TimeEstimates, start: int, into: int, count: int) -> int:
    """The time left as it used to be computed: every remaining sentence re-summed."""
    story = estimates._story
    total = sum(
        estimates.duration_ms(i) + pause_after(story, i, estimates.rate)
        for i in range(start, count)
    )
    return max(total - into, 0)


INTERVIEW = """\
title: Interview
language: en

== interview: Two voices

A paragraph.

::: quote
speaker: Ana
---
First from Ana. Second from Ana.
:::

::: quote
speaker: Luis
---
Luis speaks.
:::

::: quote
speaker: ana
---
Ana again.
:::

== interview: Luis alone

::: quote
speaker: Luis
---
Only Luis here.
:::

== end
"""


def _interview() -> Story:
    return parse_story(INTERVIEW, Path("interview.txt"))


def test_speakers_are_ranked_by_first_appearance_in_each_segment() -> None:
    # paragraph, Ana x2, Luis, Ana (same speaker whatever the case); then Luis first again
    assert speaker_ranks(_interview()) == [-1, 0, 0, 1, 0, 0]


def test_each_speaker_of_a_segment_gets_a_voice_of_its_own() -> None:
    story = _interview()
    table = VoiceTable(
        "fake/en", [story.block_of(r).type for r in story.refs], speaker_ranks(story)
    )
    # before any quotation voice is set, quotations are the main voice's
    assert table.in_use() == {"fake/en"}
    assert table.voice_for(1) == "fake/en"
    voices = [*VOICES, Voice("fake/en-gb", "Fake British", ("en-gb",))]
    others = speaker_voices(voices, "fake/en", "fake/en-us")
    assert others == ["fake/en-gb"]
    table.set_block_voice(BlockType.QUOTATION, "fake/en-us", others)
    said = [table.voice_for(i) for i in range(story.sentence_count)]
    assert said == ["fake/en", "fake/en-us", "fake/en-us", "fake/en-gb", "fake/en-us", "fake/en-us"]
    assert table.in_use() == {"fake/en", "fake/en-us", "fake/en-gb"}
    # with one voice to spare, every speaker has it; off, the main voice reads them all
    table.set_block_voice(BlockType.QUOTATION, "fake/en-us")
    assert {table.voice_for(i) for i in (1, 3, 5)} == {"fake/en-us"}
    table.set_block_voice(BlockType.QUOTATION, None)
    assert {table.voice_for(i) for i in range(story.sentence_count)} == {"fake/en"}


def test_time_left_from_running_sums_matches_a_full_re_sum() -> None:
    story = make_story(
        [
            ["One two three four.", "Five six seven.", ">Said in a quotation here."],
            ["@Posted words go here now.", "|The end of it all."],
        ]
    )
    count = len(story.refs)
    table = VoiceTable("a", [story.block_of(r).type for r in story.refs])
    estimates = TimeEstimates(story, 175, table.voice_for)
    chance = random.Random(7)
    for step in range(60):
        what = chance.randrange(4)
        if what == 0:
            estimates.record(chance.randrange(count), chance.randrange(300, 4000))
        elif what == 1:
            estimates.set_rate(chance.choice([120, 175, 300]))
        elif what == 2:
            table.set_block_voice(BlockType.QUOTATION, chance.choice([None, "b"]))
            estimates.voices_changed()
        else:
            table.main = chance.choice(["a", "c"])
            estimates.voices_changed()
        for start in range(count):
            into = chance.randrange(0, 500)
            # the running sums round once where the re-sum rounded each sentence
            assert (
                abs(estimates.time_left_ms(start, into) - _summed(estimates, start, into, count))
                <= count
            ), step
    assert TimeEstimates(make_story([[]]), 175, table.voice_for).time_left_ms(0) == 0
