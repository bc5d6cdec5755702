"""The reading session without Qt: story, position, jumps, Back and Forward, bookmarks, wording,
and the life of a real playback (the fake synthesizer over a silent clock)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from player.core.model import Block, BlockType, Segment, SegmentKind, Story, StoryMeta
from player.core.navigation import place_words, segment_words
from player.core.playback import SilentClockOutput, SpeechPlayback, create_playback
from player.core.playback.api import Playback, PlaybackState, Position
from player.core.session import Move, ReadingSession, SpeechUnavailable, story_key
from player.core.settings import MemoryStore, Settings
from player.core.speech import FakeSynthesizer
from tests.core.speech.speechkit import Recorder
from tests.support import Closer, sentence_of

INTRO = SegmentKind("introduction", "Introduction", "Introduction")
PERSONAL = SegmentKind("personal-story", "Personal story", "Personal stories")
REACTION = SegmentKind("public-reaction", "Public reaction", "Public reaction")


def block(*sentences: str) -> Block:
    parts, offset = [], 0
    for text in sentences:
        parts.append(sentence_of(text, offset))
        offset += len(text) + 1
    return Block(BlockType.PARAGRAPH, " ".join(sentences), tuple(parts))


def make_story(path: str | None = None) -> Story:
    """Sentences 0-1 introduction, 2-4 Melissa (4 in a second paragraph), 5-6 Brenda,
    7 the public reaction."""
    segments = (
        Segment(INTRO, "Introduction", (block("Children live inside.", "The age varies."),)),
        Segment(
            PERSONAL,
            "Melissa",
            (block("Melissa is small.", "She lives inside."), block("Her mother waits.")),
        ),
        Segment(PERSONAL, "Brenda", (block("Brenda shares a cell.", "Her son is Justin."),)),
        Segment(REACTION, "Public reaction", (block("People wrote in."),)),
    )
    return Story(StoryMeta("Born inside", "en"), segments, path=path)


@pytest.fixture
def settings() -> Settings:
    return Settings(MemoryStore())


@pytest.fixture
def session(settings: Settings, closing: Closer) -> ReadingSession:
    made = closing(ReadingSession(settings))
    made.set_story(make_story())
    return made


def speech(recorder: Recorder | None = None) -> Callable[[Story], Playback]:
    """A factory of real playbacks: the fake synthesizer read on a fast silent clock."""

    def make(story: Story) -> SpeechPlayback:
        return create_playback(
            story,
            lambda rate: SilentClockOutput(rate, speed=8.0),
            synthesizer=FakeSynthesizer(),
            listeners=(recorder,) if recorder is not None else (),
        )

    return make


def wait_for(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_story_key_is_the_resolved_path_or_the_title(tmp_path: Path) -> None:
    assert story_key(make_story()) == "title:Born inside"
    path = tmp_path / "born.txt"
    assert story_key(make_story(str(path))) == str(path.resolve())


def test_a_story_resumes_where_reading_stopped(settings: Settings, closing: Closer) -> None:
    story = make_story()
    first = closing(ReadingSession(settings))
    assert first.set_story(story) is None and first.sentence == 0
    assert first.go_to(5)
    first.close()
    again = closing(ReadingSession(settings))
    assert again.set_story(make_story()) == 5
    assert again.sentence == 5 and not again.history.can_go_back


def test_a_story_with_a_path_becomes_the_most_recent(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "born.txt"
    ReadingSession(settings).set_story(make_story(str(path)))
    assert settings.recent_stories()[0] == str(path.resolve())


def test_steps_move_by_sentence_and_paragraph(session: ReadingSession) -> None:
    assert session.step("sentence", -1) == Move(False)  # nowhere before the first
    assert session.step("sentence", 1) == Move(True) and session.sentence == 1
    assert session.step("paragraph", 1) == Move(True) and session.sentence == 2
    assert session.step("paragraph", 1) == Move(True) and session.sentence == 4
    assert not session.history.can_go_back  # steps are not jumps


def test_jumps_say_where_they_land_or_why_not(session: ReadingSession) -> None:
    assert session.jump("segment", -1) == Move(False, "This is the first segment")
    assert session.jump("segment", 1) == Move(True, "Personal story: Melissa", heading=True)
    assert session.sentence == 2
    assert session.jump("personal_story", 1) == Move(True, "Personal story: Brenda", True)
    assert session.jump("personal_story", 1) == Move(False, "No more personal stories")
    assert session.jump("public_reaction") == Move(True, "Public reaction", heading=True)
    assert session.jump("segment", 1) == Move(False, "This is the last segment")
    assert session.jump("personal_story", -1) == Move(True, "Personal story: Brenda", True)


def test_back_and_forward_retrace_jumps(session: ReadingSession) -> None:
    assert session.back() == Move(False, "Nothing to go back to")
    session.go_to(3)
    session.jump("public_reaction")
    assert session.back() == Move(True, "Back to Personal story: Melissa, sentence 2")
    assert session.sentence == 3
    assert session.forward() == Move(True, "Forward to Public reaction", heading=True)
    assert session.forward() == Move(False, "Nothing to go forward to")


def test_without_a_story_nothing_moves(settings: Settings) -> None:
    empty = ReadingSession(settings)
    assert empty.step("sentence", 1) is None
    assert empty.jump("segment", 1) is None
    assert empty.step_bookmark(1) is None
    assert empty.add_bookmark("x") is None
    assert empty.where_text() == "No story open"
    assert empty.ensure_playback() is None


def test_bookmarks_are_added_stepped_and_deleted(session: ReadingSession) -> None:
    assert session.step_bookmark(1) == Move(False, "No bookmarks yet")
    session.go_to(3)
    assert session.default_bookmark_name() == "Melissa, sentence 2"
    assert session.add_bookmark("mother") == "Bookmark added: mother"
    session.go_to(6)
    session.add_bookmark("son")
    session.go_to(0)
    assert session.step_bookmark(1) == Move(True, "Bookmark: mother") and session.sentence == 3
    assert session.step_bookmark(1) == Move(True, "Bookmark: son") and session.sentence == 6
    assert session.step_bookmark(1) == Move(False, "No more bookmarks")
    assert session.step_bookmark(-1) == Move(True, "Bookmark: mother")
    assert session.back() == Move(True, "Back to Personal story: Brenda, sentence 2")
    marks = session.bookmarks()
    assert [m.name for m in marks] == ["mother", "son"]
    assert session.delete_bookmarks(marks[:1]) == "Bookmark deleted: mother"
    assert session.delete_bookmarks(session.bookmarks() * 2) == "2 bookmarks deleted"
    assert session.bookmarks() == []


def test_wording_lives_beside_whereabouts(session: ReadingSession) -> None:
    story = make_story()
    assert segment_words(story, 0) == "Introduction"  # the kind would only repeat the title
    assert segment_words(story, 9) == ""
    assert place_words(story, 2) == "Personal story: Melissa"
    assert place_words(story, 4) == "Personal story: Melissa, sentence 3"
    session.go_to(4)
    assert session.place_words() == "Personal story: Melissa, sentence 3"
    assert session.where_text().startswith("Segment 2 of 4 · Personal story · sentence 3 of 3")
    assert session.where_text(spoken=True).startswith("Melissa. Personal story, segment 2 of 4.")


def test_rate_volume_and_voice_are_remembered_unless_locked(
    settings: Settings, session: ReadingSession
) -> None:
    assert session.set_rate(1000) == 450 and settings.rate == 450
    assert session.set_volume(-1) == 0.0 and settings.volume == 0.0
    assert session.set_voice("") is False
    assert session.set_voice("fake/en") is True
    assert settings.voice_for_language("en") == "fake/en" and settings.voice == ""
    admin = Settings(MemoryStore(), system={"rate": 150, "locked": ["rate"]})
    assert ReadingSession(admin).set_rate(200) is None and admin.rate == 150


def test_the_real_playback_follows_the_session(settings: Settings, closing: Closer) -> None:
    settings.set("rate", 300)
    settings.remember_position(story_key(make_story()), 4)
    session = closing(ReadingSession(settings, speech()))
    session.set_story(make_story())
    playback = session.ensure_playback()
    assert isinstance(playback, SpeechPlayback) and session.ensure_playback() is playback
    assert playback.rate == 300  # the remembered rate, given before anything else
    assert playback.position.sentence == 4  # sought to where reading stopped
    session.jump("segment", 1)
    assert playback.position.sentence == 5
    session.set_rate(200)
    assert playback.rate == 200
    session.set_story(make_story())  # another story: the old playback is closed
    assert session.playback is None and session.state is PlaybackState.STOPPED


def test_positions_heard_are_taken_and_remembered(settings: Settings, closing: Closer) -> None:
    recorder = Recorder()
    session = closing(ReadingSession(settings, speech(recorder)))
    session.set_story(make_story())
    playback = session.ensure_playback()
    assert isinstance(playback, SpeechPlayback) and playback.wait_ready()
    playback.play(6)
    wait_for(lambda: any(p.sentence == 7 for p in recorder.of("position")))  # type: ignore[attr-defined]
    # The view hands the events in on its own thread, in order. The answer to the seek
    # that made the playback (sentence 0, where the session is) may come first: it shows
    # nothing new, and it was sent before the jump that play(6) made.
    for position in recorder.of("position"):
        assert isinstance(position, Position)
        assert session.on_position(position) is (position.sentence != 0), position
    assert session.sentence == 7
    assert settings.position_for(story_key(make_story())) == 7
    assert not session.on_position(Position(99))  # not in this story: a late event
    session.close()
    assert session.playback is None and session.ensure_playback() is None


def test_a_listener_is_added_before_the_playback_is_used(
    settings: Settings, closing: Closer
) -> None:
    recorder = Recorder()
    session = closing(ReadingSession(settings, speech()))
    session.set_story(make_story())
    playback = session.ensure_playback(lambda: recorder)
    assert isinstance(playback, SpeechPlayback) and playback.wait_ready()
    wait_for(lambda: bool(recorder.of("voices")))


def test_a_failing_engine_leaves_a_text_only_session(settings: Settings) -> None:
    calls: list[Story] = []

    def broken(story: Story) -> Playback:
        calls.append(story)
        raise OSError("no engine")

    session = ReadingSession(settings, broken)
    session.set_story(make_story())
    with pytest.raises(SpeechUnavailable, match="no engine"):
        session.ensure_playback()
    assert session.speech_problem == "no engine"
    assert session.ensure_playback() is None and len(calls) == 1  # never tried again
    assert session.jump("segment", 1) == Move(True, "Personal story: Melissa", heading=True)
    assert session.time_left_ms() > 0  # estimated from the rate


def test_the_voice_chosen_for_an_english_story_does_not_read_a_spanish_one(
    settings: Settings, closing: Closer
) -> None:
    session = closing(ReadingSession(settings))
    session.set_story(make_story())
    assert session.set_voice("fake/en-us")
    assert session.voice_choice() == "fake/en-us"
    spanish = Story(StoryMeta("Nacidos dentro", "es"), make_story().segments)
    session.set_story(spanish)
    assert session.voice_choice() == ""
    assert session.set_voice("fake/es")
    session.set_story(make_story())
    assert session.voice_choice() == "fake/en-us"


def test_the_position_is_remembered_under_the_story_as_it_was_opened(
    settings: Settings, closing: Closer, tmp_path: Path
) -> None:
    # The key is found once, when the story is opened: remembering the position at every
    # move resolved the path again each time (file-system calls on every jump).
    first, second = tmp_path / "first.story", tmp_path / "second.story"
    first.write_text("x", encoding="utf-8")
    second.write_text("x", encoding="utf-8")
    link = tmp_path / "current.story"
    link.symlink_to(first)
    session = closing(ReadingSession(settings))
    session.set_story(make_story(str(link)))
    link.unlink()
    link.symlink_to(second)
    session.go_to(3)
    session.remember_position()
    assert settings.position_for(str(first.resolve())) == 3
    assert settings.position_for(str(second.resolve())) is None
    assert session.key == str(first.resolve())


def test_a_position_sent_before_a_later_jump_is_not_taken(
    settings: Settings, closing: Closer
) -> None:
    """The view hears positions later, on its own thread: one the playback sent just before
    the reader jumped again would put the session back where the earlier jump went."""
    recorder = Recorder()
    session = closing(ReadingSession(settings, speech(recorder)))
    session.set_story(make_story())
    playback = session.ensure_playback()
    assert isinstance(playback, SpeechPlayback) and playback.wait_ready()
    assert session.go_to(2, jump=True)
    wait_for(lambda: any(p.sentence == 2 for p in recorder.of("position")))  # type: ignore[attr-defined]
    assert session.go_to(4, jump=True)
    wait_for(lambda: any(p.sentence == 4 for p in recorder.of("position")))  # type: ignore[attr-defined]
    early = next(p for p in recorder.of("position") if p.sentence == 2)  # type: ignore[attr-defined]
    late = next(p for p in recorder.of("position") if p.sentence == 4)  # type: ignore[attr-defined]
    assert not playback.is_current(early) and playback.is_current(late)
    assert not session.on_position(early)
    assert session.sentence == 4
    assert not session.on_position(late)  # where the session already is: nothing new
    assert session.sentence == 4
