"""`pip install .` gives a working `story-player`: the wheel holds the assets and the command."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_wheel_carries_assets_and_console_script(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = tmp_path.glob("story_player-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        entry_points = next(n for n in names if n.endswith("entry_points.txt"))
        scripts = zf.read(entry_points).decode()
    assert "player/_assets/stories/born-behind-bars/story.txt" in names
    assert "player/core/kinds.toml" in names
    assert any(n.startswith("player/_assets/fonts/atkinson-hyperlegible/") for n in names)
    assert "player/_assets/fonts/atkinson-hyperlegible/OFL.txt" in names
    assert any(n.startswith("player/_assets/icons/") for n in names)
    assert "story-player = player.cli:main" in scripts
    assert not any(n.startswith(("tests/", "packaging/")) for n in names)


@pytest.mark.slow
def test_installed_wheel_runs_from_anywhere(tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--target",
            str(target),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    # Run outside the source tree, with only the installed copy (and the venv's
    # dependencies) importable, so nothing is found through the checkout.
    env = {"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-m", "player", "check"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert str(target) in out.stdout and "valid story" in out.stdout
