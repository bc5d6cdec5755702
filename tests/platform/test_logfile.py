"""The log: stderr always, a rotating file only where something may be written, --debug."""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from player.platform import logfile

ROOT = Path(__file__).resolve().parents[2]
log = logging.getLogger("player.test")


def test_the_file_keeps_info_and_stderr_only_warnings(tmp_path: Path) -> None:
    err = io.StringIO()
    path = logfile.configure_logging(folder=tmp_path / "log", stream=err)
    log.debug("a detail")
    log.info("story opened")
    log.warning("voice missing")
    logfile.reset_logging()
    assert path == tmp_path / "log" / logfile.LOG_FILE_NAME
    text = path.read_text(encoding="utf-8")
    assert "story opened" in text and "voice missing" in text and "a detail" not in text
    assert "voice missing" in err.getvalue() and "story opened" not in err.getvalue()


def test_debug_shows_everything_everywhere(tmp_path: Path) -> None:
    err = io.StringIO()
    path = logfile.configure_logging(debug=True, folder=tmp_path, stream=err)
    log.debug("a detail")
    logfile.reset_logging()
    assert path is not None and "a detail" in path.read_text(encoding="utf-8")
    assert "a detail" in err.getvalue()


def test_nothing_on_disk_when_asked_and_until_there_is_something_to_say(
    tmp_path: Path,
) -> None:
    assert (
        logfile.configure_logging(to_disk=False, folder=tmp_path / "a", stream=io.StringIO())
        is None
    )
    log.warning("kept in memory only")
    logfile.configure_logging(folder=tmp_path / "b", stream=io.StringIO())
    log.debug("below the file's level")
    logfile.reset_logging()
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_configuring_again_replaces_the_handlers(tmp_path: Path) -> None:
    err = io.StringIO()
    for _ in range(3):
        logfile.configure_logging(folder=tmp_path, stream=err)
    log.warning("once")
    logfile.reset_logging()
    assert err.getvalue().count("once") == 1


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_a_folder_that_cannot_be_made_leaves_stderr(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    logfile.configure_logging(folder=locked / "log", stream=io.StringIO())
    log.warning("still said")
    logfile.reset_logging()
    assert not (locked / "log").exists()


def test_a_file_in_the_way_of_the_folder_leaves_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "log").write_text("not a folder")
    err = io.StringIO()
    logfile.configure_logging(folder=tmp_path / "log", stream=err)
    log.warning("still said")
    log.warning("and again")
    logfile.reset_logging()
    assert "and again" in err.getvalue()
    assert capsys.readouterr().err.count("no log file") == 1


def test_debug_on_the_command_line(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT), HOME=str(tmp_path))
    env.pop("XDG_STATE_HOME", None)
    done = subprocess.run(
        [sys.executable, "-m", "player", "check", "--debug", str(tmp_path / "missing.txt")],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode != 0 and "unrecognized arguments" not in done.stderr
    assert not (tmp_path / ".local").exists()  # a command keeps no log file
