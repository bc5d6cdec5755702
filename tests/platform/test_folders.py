"""The app's folders on each platform are the documented ones (platformdirs underneath)."""

from __future__ import annotations

from pathlib import Path

import platformdirs.windows
import pytest

from player.platform.folders import default_library_folder, settings_locations


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOME", str(tmp_path))
    for name in ("XDG_CONFIG_HOME", "XDG_CONFIG_DIRS", "XDG_STATE_HOME", "XDG_DATA_HOME"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def test_linux_defaults(home: Path) -> None:
    where = settings_locations("linux")
    assert where.system_dir == Path("/etc/xdg/story-player")
    assert where.user_file == home / ".config/story-player/settings.json"
    assert where.state_file == home / ".local/state/story-player/state.json"
    assert default_library_folder("linux") == home / ".local/share/story-player/stories"


def test_linux_follows_the_xdg_variables(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_DIRS", "/site/xdg:/other")
    monkeypatch.setenv("XDG_CONFIG_HOME", "/cfg")
    monkeypatch.setenv("XDG_STATE_HOME", "/state")
    monkeypatch.setenv("XDG_DATA_HOME", "/data")
    where = settings_locations("linux")
    # The first folder of XDG_CONFIG_DIRS is the one an administrator edits.
    assert where.system_dir == Path("/site/xdg/story-player")
    assert where.user_dir == Path("/cfg/story-player")
    assert where.state_dir == Path("/state/story-player")
    assert default_library_folder("linux") == Path("/data/story-player/stories")


def test_macos(home: Path) -> None:
    where = settings_locations("darwin")
    support = home / "Library/Application Support/story-player"
    assert where.system_dir == Path("/Library/Application Support/story-player")
    assert where.user_dir == support
    assert where.state_dir == support
    assert default_library_folder("darwin") == support / "stories"


def test_windows_roaming_profile(monkeypatch: pytest.MonkeyPatch) -> None:
    folders = {
        "CSIDL_APPDATA": "C:/Users/u/AppData/Roaming",
        "CSIDL_LOCAL_APPDATA": "C:/Users/u/AppData/Local",
        "CSIDL_COMMON_APPDATA": "C:/ProgramData",
    }
    # What Windows' shell answers; platformdirs asks it through ctypes there.
    monkeypatch.setattr(platformdirs.windows, "_RESOLVE_WIN_FOLDER", folders.__getitem__)
    where = settings_locations("win32")
    assert where.system_dir == Path("C:/ProgramData/story-player")
    assert where.user_file == Path("C:/Users/u/AppData/Roaming/story-player/settings.json")
    assert where.state_dir == Path("C:/Users/u/AppData/Roaming/story-player")
    assert default_library_folder("win32") == Path(
        "C:/Users/u/AppData/Roaming/story-player/stories"
    )
