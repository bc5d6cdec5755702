"""``story-player voices``, ``export`` and ``say`` as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import wave
from pathlib import Path

import pytest

from player.cli import main
from player.core.search import find_segment
from player.core.speech import NoSpeechEngine, create_synthesizer

ROOT = Path(__file__).resolve().parents[3]

try:
    create_synthesizer()
    HAVE_SPEECH = True
except NoSpeechEngine:  # pragma: no cover
    HAVE_SPEECH = False

needs_speech = pytest.mark.skipif(not HAVE_SPEECH, reason="no speech engine")

TINY = """format: story-player 1
title: Tiny
language: en

== introduction: Opening

One short line. And another one.

== introduction: Closing

The end.

== end
"""


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.txt"
    path.write_text(TINY, encoding="utf-8")
    return path


@needs_speech
def test_voices_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["voices", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["engine"] == "espeak-ng"
    assert {"id": "gmw/en-US", "name": "English (America)", "languages": ["en-us", "en"]} in data[
        "voices"
    ]


@needs_speech
def test_voices_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["voices"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ID") and "gmw/en-US" in out


@needs_speech
def test_export_writes_wavs_playlist_and_timings(
    tiny: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main(["export", str(tiny), "--out", str(out), "--rate", "250"]) == 0
    assert "Wrote 4 files" in capsys.readouterr().out
    index = json.loads((out / "timings.json").read_text(encoding="utf-8"))
    assert index["voice"] == "gmw/en" and index["rate_wpm"] == 250
    assert [s["file"] for s in index["segments"]] == ["01-opening.wav", "02-closing.wav"]
    playlist = (out / "playlist.m3u").read_text(encoding="utf-8").splitlines()
    assert playlist[0] == "#EXTM3U" and playlist[2] == "01-opening.wav"
    sentences = index["sentences"]
    assert [(s["segment"], s["spoken"]) for s in sentences] == [
        (0, "One short line."),
        (0, "And another one."),
        (1, "The end."),
    ]
    assert sentences[0]["start_ms"] == 0 < sentences[0]["end_ms"] < sentences[1]["start_ms"]
    for segment in index["segments"]:
        with wave.open(str(out / segment["file"])) as wav:
            ms = wav.getnframes() * 1000 // wav.getframerate()
        assert abs(ms - segment["duration_ms"]) <= 1
        last = [s for s in sentences if s["segment"] == segment["index"]][-1]
        assert last["end_ms"] == segment["duration_ms"]


@needs_speech
def test_export_reads_quotations_and_posts_in_a_second_voice(tmp_path: Path) -> None:
    from player.paths import bundled_story_path

    out = tmp_path / "auto"
    assert main(["export", str(bundled_story_path()), "--out", str(out)]) == 0
    index = json.loads((out / "timings.json").read_text(encoding="utf-8"))
    assert index["block_voices"] == {"quote": "gmw/en-US", "post": "gmw/en-US"}
    by_voice = {s["voice"] for s in index["sentences"] if s["block"] == 0 and s["segment"] == 0}
    assert by_voice == {"gmw/en"}  # the introduction's paragraphs: main voice
    posts = [
        s for s in index["sentences"] if s["segment"] == 5 and s["spoken"].startswith("Posted")
    ]
    assert posts and {s["voice"] for s in posts} == {"gmw/en-US"}

    off = tmp_path / "off"
    assert (
        main(["export", str(bundled_story_path()), "--out", str(off), "--second-voice", "off"]) == 0
    )
    index = json.loads((off / "timings.json").read_text(encoding="utf-8"))
    assert index["block_voices"] == {} and {s["voice"] for s in index["sentences"]} == {"gmw/en"}
    assert main(["export", "--out", str(tmp_path / "x"), "--second-voice", "xx/none"]) == 1


def test_export_rejects_unknown_voice_and_bad_rate(tiny: Path, tmp_path: Path) -> None:
    assert main(["export", str(tiny), "--out", str(tmp_path), "--voice", "xx/none"]) == 1
    assert main(["export", str(tiny), "--out", str(tmp_path), "--rate", "20"]) == 1


def test_bad_story_prints_problems_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("nothing useful\n", encoding="utf-8")
    for command in (["export", str(bad), "--out", str(tmp_path / "o")], ["say", str(bad)]):
        assert main(command) == 1
        err = capsys.readouterr().err
        assert "problem" in err and "bad.txt:1" in err and "Traceback" not in err
    assert main(["say", str(tmp_path / "missing.txt")]) == 1
    assert "does not exist" in capsys.readouterr().err


def test_find_segment(tiny: Path) -> None:
    from player.core.storyfile import load_story

    story = load_story(tiny)
    assert find_segment(story, "2") == 1
    assert find_segment(story, "clos") == 1
    assert find_segment(story, "9") is None
    assert find_segment(story, "nowhere") is None


@needs_speech
def _player(*args: str) -> subprocess.CompletedProcess[str]:
    """``python -m player ARGS`` with no terminal, offscreen."""
    return subprocess.run(
        [sys.executable, "-m", "player", *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=30,
        cwd=ROOT,
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT)),
        check=False,
    )


def _lexicon_story(folder: Path) -> Path:
    story = folder / "story.txt"
    story.write_text(
        "title: T\nlanguage: es\n\n[lexicon]\nÑúñez = [[n^'un^es]]\n\n"
        "== introduction: A\n\nHola.\n\n== end\n",
        encoding="utf-8",
    )
    return story


def test_say_without_a_terminal_just_plays(tiny: Path) -> None:
    done = _player("say", str(tiny), "--from", "Closing", "--rate", "400")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[2 Closing] The end."


def test_say_text_reads_it_with_the_storys_lexicon(tmp_path: Path) -> None:
    story = _lexicon_story(tmp_path)
    done = _player("say", str(story), "--text", "Señor Ñúñez llegó.")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[1 Text] Señor Ñúñez llegó."


def test_the_text_given_is_spoken_with_the_lexicon(tmp_path: Path) -> None:
    from player.core.storyfile import load_story, text_story

    story = _lexicon_story(tmp_path)
    spoken = text_story("Señor   Ñúñez llegó.", load_story(story))
    assert spoken.meta.language == "es"
    assert [spoken.sentence(i).spoken for i in range(spoken.sentence_count)] == [
        "Señor [[n^'un^es]] llegó."
    ]


def test_say_text_with_nothing_to_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["say", "--text", "   "]) == 1
    assert "nothing to read" in capsys.readouterr().err


@needs_speech
def test_export_mp3_and_epub(
    tiny: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import zipfile

    from mutagen.id3 import ID3

    out = tmp_path / "mp3"
    assert main(["export", str(tiny), "--format", "mp3", "--out", str(out), "--rate", "400"]) == 0
    assert str(ID3(out / "02-closing.mp3")["TRCK"]) == "2/2"
    command = ["export", str(tiny), "--format", "mp3", "--single-file", "--out", str(out)]
    assert main([*command, "--rate", "400"]) == 0
    assert len(ID3(out / "tiny.mp3").getall("CHAP")) == 2
    book = tmp_path / "tiny.epub"
    assert main(["export", str(tiny), "--format", "epub", "--out", str(book), "--rate", "400"]) == 0
    assert f"Wrote {book}" in capsys.readouterr().out
    names = zipfile.ZipFile(book).namelist()
    assert names[0] == "mimetype" and "EPUB/seg02.smil" in names


def test_export_format_mistakes_are_named(
    tiny: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", str(tiny), "--out", str(tmp_path), "--single-file"]) == 1
    assert "--single-file goes with --format mp3" in capsys.readouterr().err
    assert main(["export", str(tiny), "--format", "epub", "--out", str(tmp_path)]) == 1
    assert "give a name ending in .epub" in capsys.readouterr().err
    assert not list(tmp_path.glob("*.epub"))
