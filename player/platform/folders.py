"""Where the app keeps its files on each operating system, from platformdirs.

The documented places stay as they were before platformdirs: the app's folder is
``story-player`` with no vendor folder (``appauthor=False``), and on Windows the roaming
profile (``roaming=True``), so a reader's settings and bookmarks follow them from one
library computer to the next.

- system settings file: the first folder of ``$XDG_CONFIG_DIRS`` (``/etc/xdg``) on Linux,
  ``%ProgramData%`` on Windows, ``/Library/Application Support`` on macOS;
- preferences: ``$XDG_CONFIG_HOME`` (``~/.config``), ``%APPDATA%``, ``~/Library/Application
  Support``;
- reading state: ``$XDG_STATE_HOME`` (``~/.local/state``) on Linux, as preferences elsewhere;
- story library: ``stories`` in ``$XDG_DATA_HOME/story-player`` (``~/.local/share``) on Linux,
  in the preferences folder elsewhere.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Final

from platformdirs.api import PlatformDirsABC

from player.core.settings import SettingsLocations

APP_NAME: Final = "story-player"
LIBRARY_DIR_NAME: Final = "stories"


def app_dirs(platform: str | None = None) -> PlatformDirsABC:
    """platformdirs' answer for ``platform`` (this one by default; tests ask for others)."""
    platform = sys.platform if platform is None else platform
    if platform.startswith("win"):
        from platformdirs.windows import Windows

        return Windows(APP_NAME, appauthor=False, roaming=True)
    if platform == "darwin":
        from platformdirs.macos import MacOS

        return MacOS(APP_NAME, appauthor=False)
    from platformdirs.unix import Unix

    return Unix(APP_NAME, appauthor=False)


def settings_locations(platform: str | None = None) -> SettingsLocations:
    """The system settings folder, the user's settings folder and the reading-state folder."""
    dirs = app_dirs(platform)
    return SettingsLocations(
        Path(dirs.site_config_dir), Path(dirs.user_config_dir), Path(dirs.user_state_dir)
    )


def default_library_folder(platform: str | None = None) -> Path:
    """The user's own story library when the settings name none. Nothing creates it: a
    reader (or an administrator) makes it and puts stories there."""
    return Path(app_dirs(platform).user_data_dir) / LIBRARY_DIR_NAME
