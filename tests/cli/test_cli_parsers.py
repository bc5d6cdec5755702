"""Each subcommand loads only its own module; the full parser still has them all."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from player.cli import SUBCOMMANDS, _subcommand_parser, main

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


def test_the_process_s_own_command_leaves_its_objects_to_the_exit(tmp_path: Path) -> None:
    # The last collection at exit walked every object alive (30 ms of a 1 MB page's import).
    script = (
        "import gc, sys; from player.cli import main; "
        f"sys.argv = ['story-player', 'import', {str(PAGE)!r}, '--out', {str(tmp_path)!r}]; "
        "status = main(); print(status, gc.get_freeze_count() > 0)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert done.stdout.split()[-2:] == ["0", "True"], done.stderr


def test_a_command_given_its_arguments_changes_nothing_after_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc

    # Counted as calls: the frozen count itself drops whenever a frozen object is freed,
    # which objects frozen by an earlier test may be while the command runs.
    freezes: list[None] = []
    monkeypatch.setattr(gc, "freeze", lambda: freezes.append(None))
    assert main(["import", str(PAGE), "--out", str(tmp_path)]) == 0
    assert freezes == []
