"""Each subcommand loads only its own module; the full parser still has them all."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from player.cli import SUBCOMMANDS, _subcommand_parser

REPO = Path(__file__).resolve().parents[2]
PAGE = REPO / "tests" / "data" / "import" / "en-feature.html"


def _modules_after(command: list[str]) -> tuple[str, set[str]]:
    """The output of ``command`` run in a new process, and which player modules it loaded."""
    script = (
        "import sys; from player.cli import main; "
        f"status = main({command!r}); "
        "print(status, ' '.join(m for m in sys.modules if m.startswith('player.')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    status, *modules = done.stdout.splitlines()[-1].split()
    return status, set(modules)


def test_import_loads_no_speech_or_story_commands(tmp_path: Path) -> None:
    status, modules = _modules_after(["import", str(PAGE), "--out", str(tmp_path)])
    assert status == "0"
    assert "player.cli.importing" in modules
    assert not {"player.cli.speech", "player.cli.story", "player.core.playback.api"} & modules


def test_check_loads_no_importer_or_speech() -> None:
    status, modules = _modules_after(["check"])
    assert status == "0"
    assert "player.cli.story" in modules
    assert not {"player.cli.speech", "player.cli.importing", "player.core.importer"} & modules


def test_the_full_parser_lists_every_subcommand() -> None:
    text = _subcommand_parser().format_help()
    assert all(f"    {name} " in text for name in SUBCOMMANDS), text


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_each_subcommand_s_own_parser_knows_it(command: str) -> None:
    parser = _subcommand_parser(command)
    with pytest.raises(SystemExit) as exit_:
        parser.parse_args([command, "--help"])
    assert exit_.value.code == 0
