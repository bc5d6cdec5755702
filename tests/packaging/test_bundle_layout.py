"""What the built bundle holds: the plugins and data it needs, the licences of what it
ships, and none of the Qt modules the player does not use."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = Path(os.environ.get("STORY_PLAYER_BUNDLE", ROOT / "dist" / "story-player")).resolve()
INTERNAL = BUNDLE / "_internal"
QT = INTERNAL / "PySide6" / "Qt"
MAX_MEGABYTES = 240  # measured 222 MB (with the importer); a jump means something unwanted came in

pytestmark = [
    pytest.mark.bundle,
    pytest.mark.skipif(
        not (BUNDLE / "story-player").is_file(),
        reason=f"no bundle at {BUNDLE}: build it with `bash packaging/build.sh`",
    ),
]


@pytest.mark.parametrize(
    "relative",
    [
        "platforms/libqxcb.so",
        "platforms/libqwayland.so",
        "platforms/libqoffscreen.so",
        "multimedia/libffmpegmediaplugin.so",
        "xcbglintegrations/libqxcb-glx-integration.so",
        "platforminputcontexts/libcomposeplatforminputcontextplugin.so",
        "imageformats/libqsvg.so",
    ],
)
def test_needed_qt_plugins_are_there(relative: str) -> None:
    assert (QT / "plugins" / relative).is_file()


def test_xcb_platform_library_with_the_accessibility_bridge_is_there() -> None:
    assert (QT / "lib" / "libQt6XcbQpa.so.6").is_file()
    assert (QT / "lib" / "libQt6DBus.so.6").is_file()


def test_speech_engine_and_data_are_there() -> None:
    loader = INTERNAL / "espeakng_loader"
    assert (loader / "libespeak-ng.so").is_file()
    assert (loader / "espeak-ng-data" / "phondata").is_file()
    assert (loader / "espeak-ng-data" / "voices").is_dir() or any(
        (loader / "espeak-ng-data").glob("*_dict")
    )


def test_assets_are_there() -> None:
    assert (INTERNAL / "assets" / "stories" / "born-behind-bars" / "story.txt").is_file()
    assert (INTERNAL / "player" / "core" / "kinds.toml").is_file()


@pytest.mark.parametrize(
    "relative",
    [
        "README.txt",
        "story-player/LICENSE",
        "story-player/THIRD-PARTY-NOTICES.md",
        "python/LICENSE.txt",
        "qt-pyside6/README.txt",
        "qt-pyside6/LGPL-3.0.txt",
        "qt-pyside6/GPL-3.0.txt",
        "ffmpeg/LGPL-2.1.txt",
        "pyttsx3/LICENSE",
        "platformdirs/LICENSE",
        "num2words/COPYING",
        "emoji/LICENSE.txt",
        "docopt/LICENSE-MIT",
        "lameenc/LICENSE",
        "mutagen/COPYING",
        "espeak-ng/COPYING",
        "espeak-ng/README.txt",
        "espeakng-loader/README.txt",
        "pyinstaller/COPYING.txt",
    ],
)
def test_licences_are_there(relative: str) -> None:
    path = BUNDLE / "licenses" / relative
    assert path.is_file() and path.stat().st_size > 0


def test_every_library_from_the_build_machine_has_its_notice() -> None:
    index = (BUNDLE / "licenses" / "README.txt").read_text(encoding="utf-8")
    assert "could not attribute" not in index
    system = BUNDLE / "licenses" / "system"
    for library in INTERNAL.glob("lib*.so*"):
        if library.is_symlink() or library.name.startswith(("libpython", "libpyside", "libshib")):
            continue
        assert library.name in index, f"{library.name} ships without a listed notice"
    assert system.is_dir() and any(system.iterdir())


@pytest.mark.parametrize(
    "pattern",
    [
        "libQt6WebEngine*",
        "libQt63D*",
        "libQt6Pdf*",
        "libQt6Quick3D*",
        "libQt6QuickControls2*",
        "libQt6VirtualKeyboard*",
        "libQt6Designer*",
        "QtWebEngine*",
        "Qt3D*",
        "QtPdf*",
        "QtQml*",
        "QtQuick*",
        "QtTest*",
        "libQt6Test*",
        "libqgtk3.so",
        "libqeglfs.so",
        "libqvnc.so",
    ],
)
def test_unused_qt_parts_are_left_out(pattern: str) -> None:
    found = [str(p.relative_to(BUNDLE)) for p in INTERNAL.rglob(pattern)]
    assert not found, found


def test_no_qml_tree() -> None:
    assert not (QT / "qml").exists()
    assert not (QT / "libexec").exists()


def test_size_stays_in_bounds() -> None:
    total = sum(p.stat().st_size for p in BUNDLE.rglob("*") if p.is_file() and not p.is_symlink())
    assert total < MAX_MEGABYTES * 1024 * 1024, f"{total / 2**20:.0f} MB"


def test_every_qt_module_the_player_imports_is_bundled() -> None:
    # The spec excludes unused Qt modules by name: a new import of one of them in
    # player/ would otherwise fail only when the packaged window opens.
    imported: set[str] = set()
    for source in (ROOT / "player").rglob("*.py"):
        for match in re.finditer(r"PySide6\.(Qt\w+)", source.read_text(encoding="utf-8")):
            imported.add(match.group(1))
    missing = [name for name in sorted(imported) if not any(INTERNAL.glob(f"PySide6/{name}.*"))]
    assert not missing, f"imported in player/ but not bundled: {missing}"
