"""The synthesized story (clips, voices), MP3 encoding, ID3 tags and chapters."""

from __future__ import annotations

import array
import io
import math
import os
import shutil
import stat
import struct
import subprocess
import wave
from pathlib import Path

import pytest
from mutagen.id3 import ID3
from mutagen.mp3 import MP3

from player.core.export.audio import synthesize_segments, voice_table
from player.core.export.audiobook import book_chapters, export_mp3
from player.core.export.mp3 import encode_mp3
from player.core.export.tags import language_code
from player.core.model import BlockType, Story
from player.core.playback.timeline import SEGMENT_PAUSE_MS, scaled_pause
from player.core.speech import FakeSynthesizer
from player.core.speech.export import PLAYLIST_NAME

RATE = 400
SECOND = {BlockType.QUOTATION: "fake/en-us", BlockType.POST: "fake/en-us"}


def _tone(frames: int) -> bytes:
    return struct.pack(f"<{frames}h", *(int(7000 * math.sin(i / 9)) for i in range(frames)))


def test_each_speaker_of_a_segment_gets_a_voice_and_posts_the_second(
    small: Story, synth: FakeSynthesizer
) -> None:
    table = voice_table(small, synth.voices(), "fake/en", SECOND)
    segments = list(synthesize_segments(small, synth, table, RATE))
    voices = {small.sentence(c.index).spoken: c.voice for s in segments for c in s.clips}
    assert voices["One short line."] == "fake/en"
    assert voices["Ann Lee said: We were there first."] == "fake/en-us"
    assert voices["Bob Ray said: No, we were."] == "fake/en-au"
    assert voices["Posted by Cat Dee on May 2, 2024"] == "fake/en-us"
    assert [text for text, voice, _ in synth.requests] == [
        small.sentence(r).spoken for r in small.refs
    ]


def test_clips_follow_each_other_inside_the_segment_audio(
    small: Story, synth: FakeSynthesizer
) -> None:
    table = voice_table(small, synth.voices(), "fake/en")
    segments = list(synthesize_segments(small, synth, table, RATE))
    assert [s.index for s in segments] == [0, 1]
    for audio in segments:
        ends = [0]
        for clip in audio.clips:
            assert clip.start_ms is not None and clip.end_ms is not None
            assert ends[-1] <= clip.start_ms < clip.end_ms
            ends.append(clip.end_ms)
        assert ends[-1] == audio.duration_ms
        first, second = audio.clips[:2]
        said = synth.synthesize(small.sentence(first.index).spoken, "fake/en", RATE)
        assert abs((first.end_ms - first.start_ms) - said.duration_ms) <= 1
        assert second.start_ms > first.end_ms  # the window's pause between sentences


def test_a_failed_sentence_is_left_out_and_reported(small: Story) -> None:
    synth = FakeSynthesizer(fail=lambda text: "Bob" in text)
    table = voice_table(small, synth.voices(), "fake/en")
    segments = list(synthesize_segments(small, synth, table, RATE))
    failed = [c for s in segments for c in s.clips if c.error]
    assert len(failed) == 1 and failed[0].start_ms is None
    assert "Bob" in small.sentence(failed[0].index).spoken


def test_mp3_info_tag_gives_back_the_exact_length() -> None:
    for frames in (22050, 3 * 22050 + 77, 900):
        data = encode_mp3(_tone(frames), 22050)
        assert data[:4] == b"\xff\xf3" + data[2:4]  # the Info frame leads
        info = MP3(fileobj=io.BytesIO(data)).info
        assert info.encoder_info.startswith("LAME")
        assert abs(info.length - frames / 22050) < 0.0005


@pytest.mark.skipif(shutil.which("mpg123") is None, reason="mpg123 (a gapless decoder) absent")
def test_a_gapless_decoder_gives_back_the_pcm_in_place(tmp_path: Path) -> None:
    pcm = _tone(2 * 22050 + 301)
    (tmp_path / "a.mp3").write_bytes(encode_mp3(pcm, 22050))
    subprocess.run(
        ["mpg123", "-q", "-w", str(tmp_path / "a.wav"), str(tmp_path / "a.mp3")],
        check=True,
        timeout=30,
    )
    with wave.open(str(tmp_path / "a.wav")) as wav:
        decoded = array.array("h", wav.readframes(wav.getnframes()))
    source = array.array("h", pcm)
    assert len(decoded) == len(source)
    # no shift: the decoded wave lines up with the source best at lag 0
    window = range(4000, 6000)

    def match(lag: int) -> int:
        return sum(decoded[i] * source[i + lag] for i in window)

    assert max(range(-20, 21), key=match) == 0


def test_mp3_per_segment_with_tags_and_playlist(
    small: Story, synth: FakeSynthesizer, tmp_path: Path
) -> None:
    table = voice_table(small, synth.voices(), "fake/en", SECOND)
    result = export_mp3(small, synth, tmp_path / "out", table, RATE)
    names = ["01-opening-words.mp3", "02-what-people-said.mp3"]
    assert [p.name for p in result.files] == [*names, PLAYLIST_NAME]
    playlist = (tmp_path / "out" / PLAYLIST_NAME).read_text(encoding="utf-8").splitlines()
    assert playlist[0] == "#EXTM3U" and playlist[2::2] == names
    assert playlist[1].endswith(",Opening words")
    for n, name in enumerate(names, start=1):
        tags = ID3(tmp_path / "out" / name)
        assert str(tags["TIT2"]) == small.segments[n - 1].title
        assert str(tags["TALB"]) == "A small story"
        assert str(tags["TPE1"]) == "The Test Gazette"
        assert str(tags["TRCK"]) == f"{n}/2"
        assert str(tags["TLAN"]) == "eng"
    assert not list((tmp_path / "out").glob(".*part"))


def test_single_file_has_a_chapter_per_segment_at_its_audio(
    small: Story, synth: FakeSynthesizer, tmp_path: Path
) -> None:
    table = voice_table(small, synth.voices(), "fake/en")
    segments = list(synthesize_segments(small, synth, table, RATE))
    pcm, _ = book_chapters(small, segments, RATE)
    result = export_mp3(small, synth, tmp_path, table, RATE, single_file=True)
    assert [p.name for p in result.files] == ["a-small-story.mp3"]
    tags = ID3(result.files[0])
    toc = tags.getall("CTOC")[0]
    assert toc.child_element_ids == ["chp1", "chp2"]
    chapters = [tags[f"CHAP:{i}"] for i in toc.child_element_ids]
    assert [str(c.sub_frames["TIT2"]) for c in chapters] == [
        "Opening words",
        "What people said",
    ]
    first, second = chapters
    assert first.start_time == 0
    pause = scaled_pause(SEGMENT_PAUSE_MS, RATE)
    assert abs(first.end_time - (segments[0].duration_ms + pause)) <= 1
    assert first.end_time == second.start_time > segments[0].duration_ms
    assert second.end_time - second.start_time == pytest.approx(segments[1].duration_ms, abs=1)
    length_ms = MP3(result.files[0]).info.length * 1000
    assert abs(length_ms - second.end_time) < 2
    assert abs(length_ms - len(pcm) / 2 / synth.sample_rate * 1000) < 1


def test_language_codes_for_id3() -> None:
    assert language_code("en-GB") == "eng"
    assert language_code("es") == "spa"
    assert language_code("xx-YY") == "xx"


def test_exported_files_get_the_mode_new_files_get(tmp_path: Path) -> None:
    from player.core.export.files import temp_beside, write_atomic

    previous = os.umask(0o022)
    try:
        write_atomic(tmp_path / "book.m3u", b"#EXTM3U\n")
        built = temp_beside(tmp_path / "book.epub")
    finally:
        os.umask(previous)
    # mkstemp's private 0600 would follow the rename: others could not read the book
    assert stat.S_IMODE((tmp_path / "book.m3u").stat().st_mode) == 0o644
    assert stat.S_IMODE(built.stat().st_mode) == 0o644
