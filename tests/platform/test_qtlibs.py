"""The system-library check before the window starts (player.platform.qtlibs).

Three kinds of test:

* the message, the distribution family and the xcb decision, on made-up input;
* the table against the installed Qt: every library that ``ldd`` lists for the
  PySide6 modules the window loads and for the xcb platform plugin, and that the
  wheel does not carry, is in the table, is pulled in by a library of the table,
  or is one of a few base libraries every Linux has; and every table entry is
  still a dependency. A new Qt that links to something new fails here;
* the window started with each library of the table made unloadable in turn (a
  private mount namespace with an empty file bound over the library's file): it
  must exit with status 1 and one message naming that library and its package.
  Needs root and ``unshare``.
"""

from __future__ import annotations

import ctypes
import importlib.abc
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from player.cli import main
from player.platform import qtlibs

ROOT = Path(__file__).resolve().parents[2]
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")

#: Present on every Linux system (C and C++ runtimes, the loader, zlib and zstd, which
#: even a Debian "minbase" or a Fedora container has): not worth a table entry.
BASE_LIBRARIES = {
    "linux-vdso.so.1",
    "libc.so.6",
    "libresolv.so.2",
    "libm.so.6",
    "libdl.so.2",
    "libpthread.so.0",
    "librt.so.1",
    "libstdc++.so.6",
    "libgcc_s.so.1",
    "libz.so.1",
    "libzstd.so.1",
}


def _is_base(soname: str) -> bool:
    return soname in BASE_LIBRARIES or soname.startswith("ld-linux")


# --- the message, the family, the platform --------------------------------------------


def test_one_library_one_line_with_its_package_and_command() -> None:
    lib = qtlibs.library_for("libxcb-cursor.so.0")
    assert lib is not None
    assert qtlibs.missing_message([lib], "debian") == (
        "story-player: the window needs system libraries that are missing: "
        "libxcb-cursor.so.0 (Debian/Ubuntu package libxcb-cursor0). "
        "Install them with: sudo apt install libxcb-cursor0"
    )


@pytest.mark.parametrize(
    ("family", "command", "packages"),
    [
        ("debian", "sudo apt install", "libglib2.0-0 libxcb-cursor0"),
        ("fedora", "sudo dnf install", "glib2 xcb-util-cursor"),
        ("suse", "sudo zypper install", "libglib-2_0-0 libgthread-2_0-0 libxcb-cursor0"),
        ("arch", "sudo pacman -S", "glib2 xcb-util-cursor"),
    ],
)
def test_several_libraries_each_named_packages_once(
    family: str, command: str, packages: str
) -> None:
    missing = [
        lib
        for name in ("libglib-2.0.so.0", "libgthread-2.0.so.0", "libxcb-cursor.so.0")
        if (lib := qtlibs.library_for(name)) is not None
    ]
    message = qtlibs.missing_message(missing, family)
    assert "\n" not in message
    for lib in missing:
        assert f"{lib.soname} (" in message
        assert lib.package(family) in message
    assert message.endswith(f"Install them with: {command} {packages}")


def test_unknown_family_lists_every_family() -> None:
    lib = qtlibs.library_for("libxcb-cursor.so.0")
    assert lib is not None
    message = qtlibs.missing_message([lib], None)
    lines = message.splitlines()
    assert lines[0] == (
        "story-player: the window needs system libraries that are missing: "
        "libxcb-cursor.so.0. Install them with:"
    )
    assert lines[1:] == [
        "  Debian/Ubuntu: sudo apt install libxcb-cursor0",
        "  Fedora/RHEL: sudo dnf install xcb-util-cursor",
        "  openSUSE: sudo zypper install libxcb-cursor0",
        "  Arch: sudo pacman -S xcb-util-cursor",
    ]


def test_nothing_missing_no_message() -> None:
    assert qtlibs.missing_message([], "debian") == ""


@pytest.mark.parametrize(
    ("os_release", "family"),
    [
        ({"ID": "debian"}, "debian"),
        ({"ID": "ubuntu", "ID_LIKE": "debian"}, "debian"),
        ({"ID": "linuxmint", "ID_LIKE": "ubuntu debian"}, "debian"),
        ({"ID": "fedora"}, "fedora"),
        ({"ID": "rocky", "ID_LIKE": "rhel centos fedora"}, "fedora"),
        ({"ID": "opensuse-tumbleweed", "ID_LIKE": "opensuse suse"}, "suse"),
        ({"ID": "sles", "ID_LIKE": "suse"}, "suse"),
        ({"ID": "arch"}, "arch"),
        ({"ID": "endeavouros", "ID_LIKE": "arch"}, "arch"),
        ({"ID": "someos", "ID_LIKE": "ubuntu"}, "debian"),
        ({"ID": "gentoo"}, None),
        ({}, None),
    ],
)
def test_distribution_family(os_release: dict[str, str], family: str | None) -> None:
    assert qtlibs.distribution_family(os_release) == family


def test_os_release_file_parsed(tmp_path: Path) -> None:
    path = tmp_path / "os-release"
    path.write_text(
        'PRETTY_NAME="Ubuntu 24.04 LTS"\n# a comment\nID=ubuntu\nID_LIKE=debian\n\n'
        "VERSION_ID='24.04'\n",
        encoding="utf-8",
    )
    values = qtlibs.read_os_release([str(tmp_path / "absent"), str(path)])
    assert values["ID"] == "ubuntu"
    assert values["VERSION_ID"] == "24.04"
    assert values["PRETTY_NAME"] == "Ubuntu 24.04 LTS"
    assert qtlibs.distribution_family(values) == "debian"
    assert qtlibs.read_os_release([str(tmp_path / "absent")]) == {}


@pytest.mark.parametrize(
    ("environ", "xcb"),
    [
        ({}, True),
        ({"DISPLAY": ":0"}, True),
        ({"QT_QPA_PLATFORM": "xcb"}, True),
        ({"QT_QPA_PLATFORM": "wayland;xcb"}, True),
        ({"QT_QPA_PLATFORM": "xcb:nomitshm"}, True),
        ({"QT_QPA_PLATFORM": "offscreen"}, False),
        ({"QT_QPA_PLATFORM": "wayland"}, False),
        ({"QT_QPA_PLATFORM": "minimal"}, False),
        ({"XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-0"}, False),
        ({"XDG_SESSION_TYPE": "wayland"}, True),
        ({"XDG_SESSION_TYPE": "x11", "WAYLAND_DISPLAY": "wayland-0"}, True),
    ],
)
def test_xcb_checked_only_when_qt_uses_it(environ: dict[str, str], xcb: bool) -> None:
    assert qtlibs.uses_xcb(environ) is xcb
    assert qtlibs.required_libraries(environ) == (qtlibs.LIBRARIES if xcb else qtlibs.CORE)


def test_table_has_every_family_and_unique_sonames() -> None:
    sonames = [lib.soname for lib in qtlibs.LIBRARIES]
    assert len(sonames) == len(set(sonames))
    for lib in qtlibs.LIBRARIES:
        assert set(lib.packages) == set(qtlibs.FAMILIES)
        assert all(lib.packages.values())


@linux_only
def test_missing_libraries_uses_the_loader(monkeypatch: pytest.MonkeyPatch) -> None:
    absent = {"libxcb-cursor.so.0", "libpulse.so.0"}
    monkeypatch.setattr(qtlibs, "can_load", lambda soname: soname not in absent)
    names = [lib.soname for lib in qtlibs.missing_libraries({})]
    assert names == ["libpulse.so.0", "libxcb-cursor.so.0"]
    offscreen = {"QT_QPA_PLATFORM": "offscreen"}
    assert [lib.soname for lib in qtlibs.missing_libraries(offscreen)] == ["libpulse.so.0"]
    assert qtlibs.missing_libraries({}, skip=absent) == []


@linux_only
def test_can_load() -> None:
    assert qtlibs.can_load("libc.so.6")
    assert not qtlibs.can_load("libstory-player-no-such-library.so.0")


def test_bundle_libraries_not_checked(tmp_path: Path) -> None:
    (tmp_path / "libglib-2.0.so.0").write_bytes(b"")
    (tmp_path / "PySide6" / "Qt" / "lib").mkdir(parents=True)
    (tmp_path / "PySide6" / "Qt" / "lib" / "libxcb-cursor.so.0").write_bytes(b"")
    (tmp_path / "libQt6Core.so.6").write_bytes(b"")
    assert qtlibs.bundled_sonames(tmp_path) == {"libglib-2.0.so.0", "libxcb-cursor.so.0"}
    assert qtlibs.bundled_sonames() == frozenset()  # not frozen: nothing bundled


# --- the command --------------------------------------------------------------------


def test_window_path_stops_with_the_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(qtlibs, "check", lambda environ=None: "story-player: missing libfoo")

    class NoWindow(importlib.abc.MetaPathFinder):
        def find_spec(self, name: str, path: object, target: object = None) -> None:
            assert name != "player.gui.app", "the window was imported despite the message"

    monkeypatch.setattr(sys, "meta_path", [NoWindow(), *sys.meta_path])
    monkeypatch.delitem(sys.modules, "player.gui.app", raising=False)
    import player.gui

    monkeypatch.delattr(player.gui, "app", raising=False)
    assert main([]) == 1
    assert capsys.readouterr().err == "story-player: missing libfoo\n"


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (
            ImportError(
                "libxcb-cursor.so.0: cannot open shared object file: No such file or directory",
                name="PySide6.QtGui",
            ),
            "libxcb-cursor.so.0 (",
        ),
        (
            ImportError(
                "libfoo.so.3: cannot open shared object file: No such file or directory",
                name="PySide6.QtCore",
            ),
            "story-player: the window cannot start, Qt failed to load: libfoo.so.3: ",
        ),
        (ImportError("No module named 'PySide6'", name="PySide6"), "Qt failed to load"),
    ],
)
def test_qt_import_error_becomes_one_message(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    error: ImportError,
    expected: str,
) -> None:
    monkeypatch.setattr(qtlibs, "check", lambda environ=None: None)
    monkeypatch.setattr(qtlibs, "display_problem", lambda environ=None: None)

    class Broken(importlib.abc.MetaPathFinder):
        def find_spec(self, name: str, path: object, target: object = None) -> None:
            if name == "player.gui.app":
                raise error

    monkeypatch.setattr(sys, "meta_path", [Broken(), *sys.meta_path])
    monkeypatch.delitem(sys.modules, "player.gui.app", raising=False)
    import player.gui

    monkeypatch.delattr(player.gui, "app", raising=False)
    assert main([]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert expected in err
    assert "Traceback" not in err


def test_other_import_errors_are_not_hidden(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(qtlibs, "check", lambda environ=None: None)
    monkeypatch.setattr(qtlibs, "display_problem", lambda environ=None: None)

    class Broken(importlib.abc.MetaPathFinder):
        def find_spec(self, name: str, path: object, target: object = None) -> None:
            if name == "player.gui.app":
                raise ImportError("cannot import name 'x' from 'player.core'", name="player.core")

    monkeypatch.setattr(sys, "meta_path", [Broken(), *sys.meta_path])
    monkeypatch.delitem(sys.modules, "player.gui.app", raising=False)
    import player.gui

    monkeypatch.delattr(player.gui, "app", raising=False)
    with pytest.raises(ImportError, match=r"player\.core"):
        main([])


def test_subcommands_do_not_pay_for_the_check() -> None:
    code = (
        "import sys\n"
        "from player.cli import main\n"
        "assert main(['outline']) == 0\n"
        "assert main(['--version']) == 0\n"
        "print('player.platform.qtlibs' in sys.modules, 'ctypes' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "False False"


# --- the table against the installed Qt ---------------------------------------------


def _pyside_dir() -> Path:
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("PySide6 is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def _ldd(path: Path) -> dict[str, str | None]:
    """soname -> resolved path (None: not found) for everything ``ldd`` lists."""
    done = subprocess.run(["ldd", str(path)], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    found: dict[str, str | None] = {}
    for line in done.stdout.splitlines():
        m = re.match(r"\s*(\S+)\s+=>\s+(not found|\S+)", line)
        if m:
            found[Path(m[1]).name] = None if m[2] == "not found" else m[2]
        elif m := re.match(r"\s*(\S+)\s+\(0x", line):
            found[Path(m[1]).name] = m[1]
    return found


def _window_binaries(pyside: Path) -> tuple[list[Path], list[Path]]:
    """(what the window loads whatever the platform, what the xcb plugin adds)."""
    core = [
        *(
            p
            for name in ("QtCore", "QtGui", "QtWidgets", "QtMultimedia", "QtDBus")
            for p in pyside.glob(f"{name}.*so")
        ),
    ]
    xcb = [
        pyside / "Qt" / "plugins" / "platforms" / "libqxcb.so",
        pyside / "Qt" / "lib" / "libQt6XcbQpa.so.6",
    ]
    return core, [p for p in xcb if p.exists()]


def _outside_wheel(deps: dict[str, str | None], wheels: tuple[Path, ...]) -> dict[str, str | None]:
    def bundled(path: str | None) -> bool:
        real = os.path.realpath(path) if path else ""
        return any(real.startswith(str(w.resolve()) + os.sep) for w in wheels)

    return {name: path for name, path in deps.items() if not bundled(path)}


@linux_only
def test_table_covers_what_qt_links_to() -> None:
    if shutil.which("ldd") is None:
        pytest.skip("no ldd on this machine")
    pyside = _pyside_dir()
    wheels = (pyside, pyside.parent / "shiboken6")
    core_bins, xcb_bins = _window_binaries(pyside)
    assert len(core_bins) == 5, core_bins
    assert len(xcb_bins) == 2, xcb_bins

    groups: dict[str, dict[str, str | None]] = {"core": {}, "xcb": {}}
    for group, binaries in (("core", core_bins), ("xcb", xcb_bins)):
        for binary in binaries:
            groups[group].update(_outside_wheel(_ldd(binary), wheels))
    needed = {**groups["core"], **groups["xcb"]}

    def pulled_in_by(sonames: set[str]) -> set[str]:
        """What these libraries of the table link to: it comes with their packages."""
        found: set[str] = set()
        for soname in sonames:
            resolved = needed.get(soname)
            if resolved:
                found |= set(_ldd(Path(resolved))) - {soname}
        return found

    core_table = {lib.soname for lib in qtlibs.CORE}
    xcb_table = {lib.soname for lib in qtlibs.XCB}
    table = core_table | xcb_table
    pulled_in = pulled_in_by(table)
    unexplained = sorted(
        name
        for name in needed
        if name not in table and name not in pulled_in and not _is_base(name)
    )
    assert not unexplained, (
        f"Qt links to system libraries that player/platform/qtlibs.py does not know: "
        f"{unexplained}; add them (with their packages) to CORE or XCB"
    )
    # Nothing in the table is stale.
    assert core_table <= groups["core"].keys(), core_table - groups["core"].keys()
    assert xcb_table <= groups["xcb"].keys(), xcb_table - groups["xcb"].keys()
    # Without xcb only CORE is checked: what the core modules need must be in CORE or
    # come with a CORE library (libX11 brings libxcb, libpulse brings libX11-xcb).
    core_unexplained = sorted(
        name
        for name in groups["core"]
        if name in xcb_table and name not in pulled_in_by(core_table)
    )
    assert not core_unexplained, f"move to CORE: {core_unexplained}"


# --- each library taken away in turn ------------------------------------------------


def _loaded_file(soname: str) -> str | None:
    """The real file the loader maps for ``soname`` here, or None when it cannot."""
    try:
        ctypes.CDLL(soname)
    except OSError:
        return None
    with open("/proc/self/maps", encoding="utf-8") as maps:
        for line in maps:
            path = line.split(maxsplit=5)[-1].strip() if line.count(" ") >= 5 else ""
            if path.startswith("/") and os.path.basename(path).startswith(soname):
                return os.path.realpath(path)
    return None


def _can_unshare() -> str | None:
    """Why the take-away test cannot run here, or None when it can."""
    if not sys.platform.startswith("linux"):
        return "Linux only"
    if os.geteuid() != 0:
        return "needs root, to bind-mount over a library in a private mount namespace"
    if shutil.which("unshare") is None or shutil.which("mount") is None:
        return "needs unshare and mount (util-linux)"
    done = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "true"],
        capture_output=True,
        text=True,
        timeout=10,
    )
    if done.returncode != 0:
        return f"unshare --mount fails here: {done.stderr.strip()}"
    return None


@pytest.mark.slow
@pytest.mark.parametrize("how", ["bind-mount", "shadow"])
@pytest.mark.parametrize("soname", [lib.soname for lib in qtlibs.LIBRARIES])
def test_window_names_each_library_taken_away(soname: str, how: str, tmp_path: Path) -> None:
    """``bind-mount``: an empty file over the library's own file, in a private mount
    namespace (root only; not in a chroot, whose / is no mount point to make private).
    ``shadow``: an empty file of that name first on LD_LIBRARY_PATH; the loader stops
    at it ("file too short"), so this one runs anywhere."""
    real = _loaded_file(soname)
    if real is None:
        pytest.skip(f"{soname} is not installed here")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY", "XDG_SESSION_TYPE")
    }
    env["DISPLAY"] = os.environ.get("DISPLAY") or ":99"
    env["PYTHONPATH"] = str(ROOT)
    command = [sys.executable, "-m", "player"]
    if how == "bind-mount":
        reason = _can_unshare()
        if reason:
            pytest.skip(reason)
        empty = tmp_path / "empty"
        empty.write_bytes(b"")
        script = 'mount --bind "$1" "$2" && shift 2 && exec "$@"'
        unshare = ["unshare", "--mount", "--propagation", "private"]
        command = [*unshare, "sh", "-c", script, "sh", str(empty), real, *command]
    else:
        shadow = tmp_path / "shadow"
        shadow.mkdir()
        (shadow / soname).write_bytes(b"")
        env["LD_LIBRARY_PATH"] = os.pathsep.join(
            filter(None, [str(shadow), os.environ.get("LD_LIBRARY_PATH")])
        )
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1, (done.returncode, done.stderr[-2000:])
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith(
        "story-player: the window needs system libraries that are missing: "
    ), done.stderr
    lib = qtlibs.library_for(soname)
    assert lib is not None
    family = qtlibs.distribution_family()
    assert re.search(rf"[ :,]{re.escape(soname)}[ ,.(]", done.stderr), done.stderr
    families = [family] if family else list(qtlibs.FAMILIES)
    for fam in families:
        assert lib.package(fam) in done.stderr


BUNDLE = Path(os.environ.get("STORY_PLAYER_BUNDLE", ROOT / "dist" / "story-player")).resolve()


@pytest.mark.bundle
@pytest.mark.slow
def test_bundle_checks_only_what_it_does_not_carry(tmp_path: Path) -> None:
    """The bundle carries libxcb-cursor (taking the system's away changes nothing) but
    not libxcb, which must match the host's X libraries (taking it away is named)."""
    executable = BUNDLE / "story-player"
    if not executable.exists():
        pytest.skip(f"no bundle at {BUNDLE}: build it with `bash packaging/build.sh`")
    sources = (ROOT / "player" / "platform" / "qtlibs.py", ROOT / "player" / "cli" / "__init__.py")
    if executable.stat().st_mtime < max(source.stat().st_mtime for source in sources):
        pytest.skip(f"the bundle at {BUNDLE} is older than the check: rebuild it")
    reason = _can_unshare()
    if reason:
        pytest.skip(reason)
    internal = BUNDLE / "_internal"
    assert "libxcb-cursor.so.0" in qtlibs.bundled_sonames(internal)
    assert "libxcb.so.1" not in qtlibs.bundled_sonames(internal)
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY", "XDG_SESSION_TYPE")
    }
    env["DISPLAY"] = ":4711"  # no such display: Qt stops at once if the check lets it start
    script = 'mount --bind "$1" "$2" && shift 2 && exec "$@"'
    outcomes = {}
    for soname in ("libxcb-cursor.so.0", "libxcb.so.1"):
        real = _loaded_file(soname)
        if real is None:
            pytest.skip(f"{soname} is not installed here")
        done = subprocess.run(
            [
                "unshare",
                "--mount",
                "--propagation",
                "private",
                "sh",
                "-c",
                script,
                "sh",
                str(empty),
                real,
                str(executable),
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        outcomes[soname] = done
    carried = outcomes["libxcb-cursor.so.0"]
    assert "needs system libraries" not in carried.stderr, carried.stderr
    host = outcomes["libxcb.so.1"]
    assert host.returncode == 1, (host.returncode, host.stderr[-2000:])
    assert "libxcb.so.1 (" in host.stderr
    assert "libxcb-cursor" not in host.stderr


@pytest.mark.parametrize(
    ("environ", "problem"),
    [
        ({}, True),
        ({"DISPLAY": ":0"}, False),
        ({"QT_QPA_PLATFORM": "xcb"}, True),
        ({"QT_QPA_PLATFORM": "offscreen"}, False),
        ({"QT_QPA_PLATFORM": "wayland;xcb", "WAYLAND_DISPLAY": "wayland-0"}, False),
        ({"XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-0"}, False),
        # Qt picks xcb outside a Wayland session even when a compositor socket exists.
        ({"WAYLAND_DISPLAY": "wayland-0"}, True),
    ],
)
def test_no_display_is_named_before_qt_aborts(environ: dict[str, str], problem: bool) -> None:
    message = qtlibs.display_problem(environ)
    assert (message is not None) == problem
    if message:
        assert "DISPLAY is not set" in message and "\n" not in message


def test_window_without_a_display_says_so_instead_of_aborting() -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DISPLAY", "QT_QPA_PLATFORM", "WAYLAND_DISPLAY", "XDG_SESSION_TYPE")
    }
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        [sys.executable, "-m", "player"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 1, (done.returncode, done.stderr[-2000:])
    assert done.stderr.startswith("story-player: there is no display"), done.stderr
