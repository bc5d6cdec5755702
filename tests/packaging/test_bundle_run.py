"""The built bundle (dist/story-player, made by ``bash packaging/build.sh``) on its own.

Runs it as a machine without Python would: a clean environment whose PATH holds
nothing, HOME in a temporary folder and no display. ``--smoke
--hold-for-inspection`` makes it open the bundled story, synthesise a sentence,
start Qt, print its report and READY, then wait, so the test can read
``/proc/PID/maps`` and see where every library came from. espeak-ng reads its
voice data with ``open()`` and closes it again, so the data folder is checked
through what the library itself reports (``espeak_data``).

Skipped unless the bundle exists; ``STORY_PLAYER_BUNDLE`` points at another one.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = Path(os.environ.get("STORY_PLAYER_BUNDLE", ROOT / "dist" / "story-player")).resolve()
EXECUTABLE = BUNDLE / "story-player"
TIMEOUT = 60.0

pytestmark = [
    pytest.mark.bundle,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc (Linux)"),
    pytest.mark.skipif(
        not EXECUTABLE.is_file(),
        reason=f"no bundle at {BUNDLE}: build it with `bash packaging/build.sh`",
    ),
]

# Libraries that must be mapped, each only from inside the bundle.
REQUIRED_INSIDE = (
    "libespeak-ng.so",
    "libQt6Core.so",
    "libQt6Gui.so",
    "libQt6Widgets.so",
    "libQt6Multimedia.so",
    "libpyside6.abi3.so",
    "libshiboken6.abi3.so",
    "libpython3",
    "libffmpegmediaplugin.so",
)
# Families of which no copy may come from outside the bundle.
NEVER_OUTSIDE = ("libespeak", "libQt6", "libpyside6", "libshiboken6", "libpython3", "libav")


@dataclass
class Inspection:
    """What a held bundle process showed: its report and the files it had mapped."""

    report: dict[str, object]
    mapped: set[Path]
    open_files: set[Path]


def _clean_env(tmp: Path, **extra: str) -> dict[str, str]:
    empty = tmp / "empty-path"
    empty.mkdir(exist_ok=True)
    assert shutil.which("python3", path=str(empty)) is None
    home = tmp / "home"
    home.mkdir(exist_ok=True)
    return {"PATH": str(empty), "HOME": str(home), "QT_QPA_PLATFORM": "offscreen", **extra}


def _reader(stream: object, lines: queue.Queue[str | None]) -> None:
    for line in stream:  # type: ignore[attr-defined]
        lines.put(line)
    lines.put(None)


def _inspect(pid: int) -> tuple[set[Path], set[Path]]:
    mapped: set[Path] = set()
    for line in Path(f"/proc/{pid}/maps").read_text().splitlines():
        fields = line.split(maxsplit=5)
        if len(fields) == 6 and fields[5].startswith("/"):
            mapped.add(Path(fields[5].removesuffix(" (deleted)")))
    open_files: set[Path] = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:  # closed meanwhile
            continue
        if target.startswith("/"):
            open_files.add(Path(target))
    return mapped, open_files


def _run_held(env: dict[str, str], *args: str) -> Inspection:
    process = subprocess.Popen(
        [str(EXECUTABLE), "--smoke", "--hold-for-inspection", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=env["HOME"],
    )
    assert process.stdin is not None and process.stdout is not None
    lines: queue.Queue[str | None] = queue.Queue()
    threading.Thread(target=_reader, args=(process.stdout, lines), daemon=True).start()
    output: list[str] = []
    try:
        while True:
            line = lines.get(timeout=TIMEOUT)
            if line is None:
                break
            output.append(line)
            if line.strip() == "READY":
                break
        if not output or output[-1].strip() != "READY":
            process.wait(timeout=TIMEOUT)
            stderr = process.stderr.read() if process.stderr else ""
            pytest.fail(f"the bundle exited {process.returncode} before READY:\n{stderr}")
        mapped, open_files = _inspect(process.pid)
        process.stdin.write("\n")
        process.stdin.flush()
        assert process.wait(timeout=TIMEOUT) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    report = json.loads(output[0])
    return Inspection(report, mapped, open_files)


def _inside(path: Path) -> bool:
    return path.resolve().is_relative_to(BUNDLE)


@pytest.fixture(scope="module")
def offscreen(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Inspection]:
    yield _run_held(_clean_env(tmp_path_factory.mktemp("bundle")))


def test_bundle_reads_the_story_and_speaks(offscreen: Inspection) -> None:
    report = offscreen.report
    assert report["ok"] is True
    assert report["frozen"] is True
    assert isinstance(report["sentences"], int) and report["sentences"] > 0
    assert isinstance(report["pcm_bytes"], int) and report["pcm_bytes"] > 0
    assert report["sample_rate"] == 22050
    assert report["engine"] == "espeak-ng"
    assert report["qt_platform"] == "offscreen"


def test_speech_library_and_data_come_from_the_bundle(offscreen: Inspection) -> None:
    report = offscreen.report
    data = Path(str(report["espeak_data"]))
    assert _inside(data), f"espeak-ng reads its data from {data}, outside {BUNDLE}"
    assert (data / "phondata").is_file()
    assert _inside(Path(str(report["speech_library"])))
    for path in offscreen.open_files:
        assert "espeak-ng-data" not in str(path) or _inside(path), path


def test_every_needed_library_is_mapped_from_the_bundle(offscreen: Inspection) -> None:
    for name in REQUIRED_INSIDE:
        matches = [path for path in offscreen.mapped if path.name.startswith(name)]
        assert matches, f"{name} was not loaded"
        outside = [str(path) for path in matches if not _inside(path)]
        assert not outside, f"{name} loaded from outside the bundle: {outside}"


def test_nothing_of_python_or_qt_comes_from_the_system(offscreen: Inspection) -> None:
    outside = [
        str(path)
        for path in offscreen.mapped
        if path.name.startswith(NEVER_OUTSIDE) and not _inside(path)
    ]
    assert not outside, outside
    leaked = [str(p) for p in offscreen.mapped if "site-packages" in str(p) and not _inside(p)]
    assert not leaked, leaked
    assert Path(str(offscreen.report["qt_plugins"])).resolve().is_relative_to(BUNDLE)


def test_offscreen_platform_plugin_is_the_bundled_one(offscreen: Inspection) -> None:
    plugins = [path for path in offscreen.mapped if path.name == "libqoffscreen.so"]
    assert plugins and all(_inside(path) for path in plugins)


def test_x11_platform_with_its_accessibility_bridge_loads(tmp_path: Path) -> None:
    display = os.environ.get("DISPLAY", "")
    if not display.startswith(":") or not Path(f"/tmp/.X11-unix/X{display[1:]}").exists():
        pytest.skip("no local X display (.ci/test starts Xvfb)")
    env = _clean_env(tmp_path, DISPLAY=display)
    if "XAUTHORITY" in os.environ:
        env["XAUTHORITY"] = os.environ["XAUTHORITY"]
    held = _run_held(env, "--platform", "xcb")
    assert held.report["qt_platform"] == "xcb"
    # Qt's AT-SPI bridge lives in libQt6Gui and is driven by the xcb platform library.
    for name in ("libqxcb.so", "libQt6XcbQpa.so", "libQt6DBus.so"):
        matches = [path for path in held.mapped if path.name.startswith(name)]
        assert matches and all(_inside(path) for path in matches), name


@pytest.mark.parametrize("page", ["en-feature.html", "split"])
def test_the_bundle_imports_a_page_as_the_window_runs_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, page: str
) -> None:
    """The window of a bundle imports with its own executable (``story-player import
    --json``): the extractor's data files must be in the bundle, the second opinion's
    (jusText, on the split page) too."""
    from player.core.importer.child import ImportRun
    from player.core.review import read_review
    from tests.benchmarks.import_page import build_page

    source = (
        build_page(tmp_path, split=True)
        if page == "split"
        else ROOT / "tests" / "data" / "import" / page
    )
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(EXECUTABLE))
    run = ImportRun(source, tmp_path / "library", timeout_s=TIMEOUT)
    assert run.command[:2] == [str(EXECUTABLE), "import"]
    review = run.run()
    assert review == read_review(review.path)
    assert review.title.startswith("River town counts the cost")
