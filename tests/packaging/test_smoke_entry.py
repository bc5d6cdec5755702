"""``python -m player.smoke`` from the source tree: one JSON line and exit 0, or one
clear error line and exit 1."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from player import smoke

ROOT = Path(__file__).resolve().parents[2]


def test_smoke_reports_story_speech_and_qt() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-m", "player.smoke"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1, result.stdout
    report = json.loads(lines[0])
    assert report["ok"] is True
    assert report["frozen"] is False
    assert report["sentences"] > 0
    assert report["pcm_bytes"] > 0
    assert report["sample_rate"] > 0
    assert report["qt_platform"] == "offscreen"


def test_smoke_fails_in_one_line_without_the_story(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import player.paths

    missing = tmp_path / "nowhere" / "story.txt"
    monkeypatch.setattr(player.paths, "bundled_story_path", lambda: missing)
    assert smoke.main([]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("story-player smoke: FAILED: could not open the bundled story")
    assert str(missing) in lines[0]
