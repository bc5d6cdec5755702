"""``story-player outline``, ``check`` and ``--version``, run in-process and as a command."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from player import __version__
from player.cli import main
from player.paths import bundled_story_path


def test_outline_lists_the_segments(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["outline"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Children born and raised in Mexican prisons"
    rows = [line.split() for line in out[2:]]
    assert [r[0] for r in rows] == ["1", "2", "3", "4", "5", "6"]
    assert "Personal story" in out[3] and "Melissa and Barbara Sánchez" in out[3]
    assert out[3].split()[-2:] == ["4", "1"]  # 4 sentences, 1 caption
    assert "Public reaction" in out[-1]


def test_outline_json_has_displayed_and_spoken_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["outline", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    segments = data["segments"]
    assert [s["kind"] for s in segments] == [
        "introduction",
        "personal-story",
        "personal-story",
        "life-inside",
        "debate",
        "public-reaction",
    ]
    post = segments[1]["blocks"][0]
    assert post["type"] == "post" and post["post"]["handle"] == "@HuffPost"
    assert post["photo"]["label"] == "Photo 1 of 6" and post["photo"]["image"] is None
    last = post["sentences"][-1]
    assert last == {
        "text": "— HuffPost (@HuffPost) April 28, 2018",
        "spoken": "Posted by HuffPost on April 28, 2018",
    }


def test_check_valid(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(bundled_story_path())]) == 0
    assert "valid story" in capsys.readouterr().out


def test_check_truncated_copy_reports_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = bundled_story_path().read_text(encoding="utf-8")
    broken = tmp_path / "story.txt"
    broken.write_text(text[: len(text) * 2 // 3], encoding="utf-8")
    assert main(["check", str(broken)]) == 1
    err = capsys.readouterr().err
    assert f"{broken}:" in err and "Traceback" not in err
    assert any(line.strip().startswith(f"{broken}:") for line in err.splitlines()[1:])


def test_check_passes_with_warnings_named_by_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    story = tmp_path / "story.txt"
    story.write_text(
        "title: T\nlanguage: en\n\n[lexicon]\nAquiles = ah-KEE-less\n\n== introduction: Start\n\n"
        "Words.\n\n::: photo\nimage: gone.jpg\n---\nA yard.\n:::\n\n== end\n",
        encoding="utf-8",
    )
    assert main(["check", str(story)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].endswith("2 warnings")
    assert out[1].strip().startswith(f"{story}:5: warning:") and "'KEE'" in out[1]
    assert out[2].strip().startswith(f"{story}:12: warning:") and "gone.jpg" in out[2]


def test_check_refuses_a_story_over_the_size_limit_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A valid story just over 5 MB: refused by its size, before any of it is parsed.
    from player.core.storyfile import MAX_FILE_BYTES

    story = tmp_path / "story.txt"
    paragraph = "Words of a paragraph, again and again. " * 100 + "\n\n"
    copies = MAX_FILE_BYTES // len(paragraph) + 2
    story.write_text(
        "title: T\nlanguage: en\n\n== introduction: Start\n\n" + paragraph * copies + "== end\n",
        encoding="utf-8",
    )
    assert story.stat().st_size > MAX_FILE_BYTES
    start = time.process_time()
    assert main(["check", str(story)]) == 1
    assert time.process_time() - start < 0.5
    err = capsys.readouterr().err
    assert f"{story}: the file is 5.0 MB; a story file may be at most 5 MB" in err
    assert "Traceback" not in err


def test_check_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(tmp_path / "none.txt")]) == 1
    assert "does not exist" in capsys.readouterr().err


def test_console_script_and_module_agree() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "player", "--version"], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == f"story-player {__version__}"
    out = subprocess.run(
        [sys.executable, "-m", "player", "check", "--help"], capture_output=True, text=True
    )
    assert out.returncode == 0 and "STORY" in out.stdout.upper()
