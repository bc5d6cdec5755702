"""The private scratch folder of a workstation session and the environment that points
into it."""

from __future__ import annotations

import os
from pathlib import Path

from player.platform.scratch import SCRATCH_PREFIX, SessionScratch, private_environment


def test_private_environment_points_everything_into_the_scratch(tmp_path: Path) -> None:
    env = private_environment(tmp_path, platform="linux", env={})
    for name in ("XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME"):
        assert Path(env[name]).is_relative_to(tmp_path)
    assert env["TMPDIR"] == env["TEMP"] == env["TMP"] == str(tmp_path / "tmp")
    # No D-Bus autolaunch (it writes ~/.dbus/session-bus).
    assert env["DBUS_SESSION_BUS_ADDRESS"].startswith(f"unix:path={tmp_path}")
    kept = private_environment(tmp_path, "linux", {"DBUS_SESSION_BUS_ADDRESS": "unix:path=/x"})
    assert "DBUS_SESSION_BUS_ADDRESS" not in kept


def test_scratch_is_made_private_and_removed(tmp_path: Path) -> None:
    stale = tmp_path / f"{SCRATCH_PREFIX}999999999-abc"
    stale.mkdir()
    env: dict[str, str] = {"XDG_CACHE_HOME": "/home/reader/.cache"}
    scratch = SessionScratch(tmp_path)
    path = scratch.activate(env)
    assert not stale.exists()  # its process is gone
    assert path.parent == tmp_path and oct(path.stat().st_mode & 0o777) == "0o700"
    assert env["XDG_CACHE_HOME"] == str(path / "xdg_cache_home")
    assert (path / "tmp").is_dir()
    mine = tmp_path / f"{SCRATCH_PREFIX}{os.getpid()}-live"
    mine.mkdir()
    SessionScratch(tmp_path).sweep_stale()
    assert mine.exists()  # a running process's folder is left alone
    scratch.remove()
    assert not path.exists()
