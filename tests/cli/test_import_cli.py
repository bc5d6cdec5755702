"""``story-player import``: the folder it prints, and its messages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from player.cli import main
from player.core.storyfile import problems_of

CORPUS = Path(__file__).resolve().parents[1] / "data" / "import"
REPO = Path(__file__).resolve().parents[2]


def test_import_prints_the_new_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(CORPUS / "de-liveblog.html"), "--out", str(tmp_path)]) == 0
    folder = Path(capsys.readouterr().out.strip())
    assert folder.parent == tmp_path
    assert problems_of(folder / "story.txt") == []
    assert main(["import", str(CORPUS / "de-liveblog.html"), "--out", str(tmp_path)]) == 0
    assert Path(capsys.readouterr().out.strip()).name == f"{folder.name}-2"


def test_import_of_a_missing_file_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(tmp_path / "gone.html"), "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "gone.html: the file does not exist" in err and "Traceback" not in err


def test_import_checks_its_story_without_building_spoken_text(tmp_path: Path) -> None:
    # The spoken text's modules (emoji, num2words) are most of the check's time and
    # nothing an import can get wrong shows in them; a new process sees what is imported.
    script = (
        "import sys; from player.cli import main; "
        f"status = main(['import', {str(CORPUS / 'en-feature.html')!r}, '--out', "
        f"{str(tmp_path)!r}]); "
        "print(status, 'player.core.text.spoken' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert done.stdout.split()[-2:] == ["0", "False"], done.stderr


def test_import_json_gives_the_folder_and_its_review(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from player.core.review import read_review, review_from_json

    assert main(["import", "--json", "--out", str(tmp_path), str(CORPUS / "en-feature.html")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    answer = json.loads(lines[0])
    folder = Path(answer["folder"])
    assert folder.parent == tmp_path
    assert answer["review"]["language"] == "en-GB"
    assert [s["kind"] for s in answer["review"]["segments"]] == [
        "introduction",
        "section",
        "public-reaction",
    ]
    assert review_from_json(answer["review"]) == read_review(folder / "story.txt")


def test_import_json_gives_the_error_in_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("Caf\xe9 au lait.\n".encode("latin-1"))
    assert main(["import", str(bad), "--out", str(tmp_path / "library"), "--json"]) == 1
    captured = capsys.readouterr()
    message = f"{bad}:1: the file is not UTF-8 text; save it as UTF-8"
    assert json.loads(captured.out) == {"error": message}
    assert captured.err.strip() == f"story-player import: {message}"
    assert not (tmp_path / "library").exists()
