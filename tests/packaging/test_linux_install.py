"""packaging/linux/install.sh puts the launcher, metainfo and icons where desktops look,
for a prefix or for the user, optionally with the bundle, and removes them again."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "packaging" / "linux" / "install.sh"
APP_ID = "org.storyplayer.StoryPlayer"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux") or shutil.which("bash") is None,
    reason="the install script is for Linux",
)


def _run(*args: str, home: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if home is not None:
        env["HOME"] = str(home)
    return subprocess.run(
        ["bash", str(SCRIPT), *args], capture_output=True, text=True, env=env, check=False
    )


def _expected(share: Path) -> list[Path]:
    files = [
        share / "applications" / f"{APP_ID}.desktop",
        share / "metainfo" / f"{APP_ID}.metainfo.xml",
        share / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg",
    ]
    files += [share / "icons" / "hicolor" / f"{s}x{s}" / "apps" / f"{APP_ID}.png" for s in SIZES]
    return files


def test_installs_into_a_prefix_and_uninstalls(tmp_path: Path) -> None:
    prefix = tmp_path / "prefix"
    result = _run("--prefix", str(prefix))
    assert result.returncode == 0, result.stderr
    for path in _expected(prefix / "share"):
        assert path.is_file(), f"{path} was not installed"
    desktop = prefix / "share" / "applications" / f"{APP_ID}.desktop"
    assert desktop.read_bytes() == (SCRIPT.parent / f"{APP_ID}.desktop").read_bytes()
    assert not (prefix / "bin").exists(), "no bundle was asked for"

    result = _run("--prefix", str(prefix), "--uninstall")
    assert result.returncode == 0, result.stderr
    assert not any(path.exists() for path in _expected(prefix / "share"))


def test_user_install_goes_to_local_share(tmp_path: Path) -> None:
    result = _run("--user", home=tmp_path)
    assert result.returncode == 0, result.stderr
    for path in _expected(tmp_path / ".local" / "share"):
        assert path.is_file(), f"{path} was not installed"


def test_installs_a_bundle_and_links_the_command(tmp_path: Path) -> None:
    bundle = tmp_path / "dist" / "story-player"
    (bundle / "_internal").mkdir(parents=True)
    launcher = bundle / "story-player"
    launcher.write_text("#!/bin/sh\necho bundled story-player\n")
    launcher.chmod(0o755)
    prefix = tmp_path / "prefix"
    result = _run("--prefix", str(prefix), "--bundle", str(bundle))
    assert result.returncode == 0, result.stderr
    command = prefix / "bin" / "story-player"
    assert command.is_symlink()
    assert command.resolve() == (prefix / "lib" / "story-player" / "story-player").resolve()
    ran = subprocess.run([str(command)], capture_output=True, text=True, check=True)
    assert ran.stdout.strip() == "bundled story-player"

    result = _run("--prefix", str(prefix), "--bundle", str(bundle), "--uninstall")
    assert result.returncode == 0, result.stderr
    assert not command.exists() and not (prefix / "lib" / "story-player").exists()


def test_refuses_a_folder_without_a_bundle(tmp_path: Path) -> None:
    result = _run("--prefix", str(tmp_path / "prefix"), "--bundle", str(tmp_path))
    assert result.returncode == 1
    assert "packaging/build.sh" in result.stderr


def test_rejects_unknown_options(tmp_path: Path) -> None:
    result = _run("--frobnicate")
    assert result.returncode == 2
    assert "unknown option" in result.stderr
