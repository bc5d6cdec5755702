"""The .desktop launcher and AppStream metainfo: validated by the freedesktop tools and
consistent with each other, with the icon and with the project's version."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "packaging" / "linux"
APP_ID = "org.storyplayer.StoryPlayer"
DESKTOP = LINUX / f"{APP_ID}.desktop"
METAINFO = LINUX / f"{APP_ID}.metainfo.xml"


def _desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(DESKTOP, encoding="utf-8")
    return parser["Desktop Entry"]


def _metainfo() -> ET.Element:
    return ET.parse(METAINFO).getroot()


def test_desktop_file_passes_desktop_file_validate() -> None:
    tool = shutil.which("desktop-file-validate")
    if tool is None:
        pytest.skip("desktop-file-validate is not installed (Debian package desktop-file-utils)")
    result = subprocess.run([tool, str(DESKTOP)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    # hints are advice, but errors and warnings are not acceptable
    for line in (result.stdout + result.stderr).splitlines():
        assert "error:" not in line and "warning:" not in line, line


def test_metainfo_passes_appstreamcli_validate() -> None:
    tool = shutil.which("appstreamcli")
    if tool is None:
        pytest.skip("appstreamcli is not installed (Debian package appstream)")
    result = subprocess.run(
        [tool, "validate", "--no-net", str(METAINFO)],
        capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip
    output = result.stdout + result.stderr
    # AppStream 1.0 (Debian 13) also warns when no homepage is given, and the project has no
    # public address yet; that one warning is allowed, nothing else (errors: E:, warnings: W:).
    problems = [
        line
        for line in output.splitlines()
        if line.startswith(("E:", "W:")) and "url-homepage-missing" not in line
    ]
    assert problems == [], output
    assert result.returncode == 0 or "url-homepage-missing" in output, output


def test_desktop_entry_launches_the_command_with_the_app_icon() -> None:
    entry = _desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Exec"] == "story-player %f"
    assert entry["Icon"] == APP_ID
    assert "accessibility" in entry["Keywords"].split(";")
    assert {"AudioVideo", "Audio"} <= set(entry["Categories"].split(";"))


def test_metainfo_names_the_launcher_binary_and_licences() -> None:
    root = _metainfo()
    assert root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.findtext("metadata_license") == "CC0-1.0"
    assert root.findtext("project_license") == "GPL-3.0-or-later"
    launchable = root.find("launchable")
    assert launchable is not None and launchable.get("type") == "desktop-id"
    assert launchable.text == DESKTOP.name
    assert root.findtext("provides/binary") == "story-player"
    assert root.find("content_rating") is not None
    assert root.findtext("icon") == _desktop_entry()["Icon"]
    assert (root.findtext("description/p") or "").strip()


def test_metainfo_lists_the_current_version_first() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    releases = _metainfo().findall("releases/release")
    assert releases, "no release listed"
    assert releases[0].get("version") == project["version"]
    assert releases[0].get("date")


def test_app_id_matches_the_package() -> None:
    from player import APP_ID as package_app_id

    assert package_app_id == APP_ID
