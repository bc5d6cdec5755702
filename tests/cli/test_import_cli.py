"""``story-player import``: the folder it prints, and its messages."""

from __future__ import annotations

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
