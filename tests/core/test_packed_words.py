"""A loaded story keeps its words as offsets in one array per sentence, and each word
object is made when asked for: the words read as before, and take a fraction of the
memory."""

from __future__ import annotations

import gc
import tracemalloc
from array import array
from pathlib import Path

import pytest

from player.core.model import PackedWords, Word
from player.core.storyfile import parse_story
from tests.core.parse_golden import varied_story


def test_words_with_their_own_spoken_spans() -> None:
    words = PackedWords(array("i", [0, 3, 4, 9, 0, 3, -1, -1]), None)
    assert len(words) == 2
    assert words[0] == Word(0, 3, 0, 3)
    assert words[-1] == Word(4, 9, -1, -1)
    assert list(words) == [Word(0, 3, 0, 3), Word(4, 9, -1, -1)]
    assert words[1:] == (Word(4, 9, -1, -1),)
    with pytest.raises(IndexError):
        words[2]
    with pytest.raises(IndexError):
        words[-3]


def test_words_moved_by_one_amount() -> None:
    words = PackedWords(array("i", [10, 13, 14, 19]), -10)
    assert list(words) == [Word(10, 13, 0, 3), Word(14, 19, 4, 9)]
    assert words == (Word(10, 13, 0, 3), Word(14, 19, 4, 9))
    assert words == PackedWords(array("i", [10, 13, 14, 19, 0, 3, 4, 9]), None)
    assert words != PackedWords(array("i", [10, 13, 14, 19]), -9)
    assert hash(words) == hash(tuple(words))


def test_a_loaded_sentence_reads_its_words() -> None:
    story = parse_story(
        "title: T\nlanguage: en\n\n== introduction: One\nHello there, @ana_b! See you.\n== end\n",
        Path("story.txt"),
    )
    sentence = story.sentence(0)
    assert isinstance(sentence.words, PackedWords)
    shown = [sentence.display[w.start : w.end] for w in sentence.words]
    said = [sentence.spoken[w.spoken_start : w.spoken_end] for w in sentence.words]
    assert shown == ["Hello", "there", "@ana_b"]
    assert said == ["Hello", "there", "ana b"]
    assert sentence.word_at_spoken(sentence.spoken.index("ana")) == 2


def test_a_story_takes_a_fraction_of_the_memory_per_word() -> None:
    text = varied_story(200_000, "en", seed=3)
    parse_story(text, Path("story.txt"))  # imports and the rules' tables, outside the count
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        story = parse_story(text, Path("story.txt"))
        gc.collect()
        size = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    words = sum(len(story.sentence(ref).words) for ref in story.refs)
    # Everything the story holds (texts, sentences, offsets), per word: about 100 bytes;
    # with a Word object for each, as before, about 270.
    assert words > 25_000
    assert size / words < 130
