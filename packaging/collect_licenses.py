"""Copy the licences and notices of everything a built bundle ships into its ``licenses/``.

``python packaging/collect_licenses.py dist/story-player`` runs after PyInstaller
(``packaging/build.sh`` does both). It needs the list of collected binaries that
the spec writes (``build/pyinstaller/story-player/bundle-binaries.json``) to find
the libraries PyInstaller took from the build machine; for each of those it copies
the owning Debian package's ``copyright`` file. Licence texts that the Python
packages do not ship themselves come from ``/usr/share/common-licenses`` (Debian
and Ubuntu's ``base-files``). Any notice that cannot be found stops the build: a
bundle without them must not be published.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMON_LICENSES = Path("/usr/share/common-licenses")
DEFAULT_SOURCES = ROOT / "build" / "pyinstaller" / "story-player" / "bundle-binaries.json"


class MissingNotice(Exception):
    """A licence or notice that must ship could not be found."""


@dataclass
class Collected:
    """What went into licenses/, for its index."""

    parts: list[tuple[str, str, str]] = field(default_factory=list)  # folder, part, licence
    system: dict[str, list[str]] = field(default_factory=dict)  # Debian package -> libraries
    unattributed: list[str] = field(default_factory=list)


def _copy(source: Path, target: Path) -> None:
    if not source.is_file():
        raise MissingNotice(f"{source} is missing")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def _common(name: str, target: Path) -> None:
    """A licence text from Debian's common-licenses folder."""
    source = COMMON_LICENSES / name
    if not source.is_file():
        raise MissingNotice(
            f"{source} is missing: build on Debian or Ubuntu (package base-files), "
            "or put the licence texts there"
        )
    _copy(source, target)


#: libraries shipped as Python code, and their licences (checked by the bundle test)
SMALL_LIBRARIES = (
    ("platformdirs", "MIT"),
    ("num2words", "LGPL-2.1-or-later"),
    ("docopt", "MIT"),
    # lameenc's file is its own LGPL-3.0; the LAME it links in is LGPL-2.0-or-later
    ("lameenc", "LGPL-3.0-or-later (LAME inside: LGPL-2.0-or-later)"),
    ("mutagen", "GPL-2.0-or-later"),
    ("emoji", "BSD-3-Clause"),
    # story-player import: trafilatura and what it needs
    ("trafilatura", "Apache-2.0"),
    ("lxml", "BSD-3-Clause"),
    ("lxml_html_clean", "BSD-3-Clause"),
    ("courlan", "Apache-2.0"),
    ("htmldate", "Apache-2.0"),
    ("justext", "BSD-2-Clause"),
    ("dateparser", "BSD-3-Clause"),
    ("python-dateutil", "BSD-3-Clause"),
    ("babel", "BSD-3-Clause"),
    ("regex", "Apache-2.0 AND CNRI-Python"),
    ("tld", "MPL-1.1 OR GPL-2.0-only OR LGPL-2.1-or-later"),
    ("charset_normalizer", "MIT"),
    ("urllib3", "MIT"),
    ("certifi", "MPL-2.0"),
    ("pytz", "MIT"),
    ("tzlocal", "MIT"),
    ("tzdata", "Apache-2.0"),
)


def _dist_licence_files(distribution: str) -> list[Path]:
    """The licence files a installed Python distribution carries in its metadata."""
    dist = metadata.distribution(distribution)
    found: list[Path] = []
    for entry in dist.files or []:
        name = entry.name.upper()
        if ".dist-info" in str(entry) and name.startswith(("LICENSE", "LICENCE", "COPYING")):
            found.append(Path(str(dist.locate_file(entry))))
    return found


def _python_licence() -> Path:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    for candidate in (
        stdlib / "LICENSE.txt",
        Path(f"/usr/share/doc/python{version}/copyright"),
        Path(f"/usr/share/doc/libpython{version}/copyright"),
    ):
        if candidate.is_file():
            return candidate
    raise MissingNotice(f"no licence file of Python {version} found (looked beside {stdlib})")


def _write(target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


def _qt_readme(version: str) -> str:
    return f"""Qt {version} and Qt for Python (PySide6 {version}, Shiboken6)
{"=" * 60}

This bundle ships Qt libraries and plugins and the PySide6/Shiboken6 bindings from
the PySide6 wheels on PyPI, unmodified. They are used under the GNU Lesser General
Public License, version 3 (LGPL-3.0-only): LGPL-3.0.txt, which builds on
GPL-3.0.txt. Qt is also offered under GPL-2.0 and GPL-3.0 (GPL-2.0.txt).

The Qt libraries are separate files in _internal/PySide6/Qt/lib and can be replaced
by compatible builds of your own, as the LGPL allows.

Source code: https://code.qt.io/ (Qt) and https://code.qt.io/cgit/pyside/pyside-setup.git/
(PySide6), or the source archives at https://download.qt.io/official_releases/.
Qt includes third-party components under their own permissive licences; they are
listed at https://doc.qt.io/qt-6/licenses-used-in-qt.html.
"""


FFMPEG_README = """FFmpeg
======

Qt Multimedia's FFmpeg backend (_internal/PySide6/Qt/lib/libav*.so, libsw*.so) is a
build of FFmpeg shipped in the PySide6 wheels, licensed under the GNU Lesser General
Public License, version 2.1 or later: LGPL-2.1.txt.

Source code: https://ffmpeg.org/download.html (the version is printed by Qt at
start-up: "Using Qt multimedia with FFmpeg version ...").
"""

ESPEAK_README = """eSpeak NG
=========

The speech engine: _internal/espeakng_loader/libespeak-ng.so and its voice data
_internal/espeakng_loader/espeak-ng-data/, from the espeakng-loader wheel, unmodified.
Copyright (C) 2005-2014 Jonathan Duddington, (C) 2015-2024 Reece H. Dunn and
the eSpeak NG contributors. Licensed under the GNU General Public License,
version 3 or later: COPYING (GPL-3.0). Some data files are under other
GPL-compatible licences; see the COPYING* files of the source.

Source code: https://github.com/espeak-ng/espeak-ng
"""

LOADER_README = """espeakng-loader
===============

The small Python package that locates the eSpeak NG library and data above
(_internal/espeakng_loader). Its code is under the MIT licence; the eSpeak NG build
it carries is under GPL-3.0-or-later (see ../espeak-ng).

Source code: https://github.com/thewh1teagle/espeakng-loader
"""

PYINSTALLER_README = """PyInstaller bootloader
======================

The story-player executable is PyInstaller's bootloader. It is licensed under the
GNU General Public License, version 2 or later, with an exception that allows it to
be distributed with programs under any licence: COPYING.txt.

Source code: https://github.com/pyinstaller/pyinstaller
"""


def _owning_package(path: Path) -> str | None:
    """The Debian package that installed ``path`` (tried with and without /usr)."""
    if shutil.which("dpkg-query") is None:
        return None
    candidates = [str(path), str(path.resolve())]
    for text in list(candidates):
        if text.startswith("/usr/lib/"):
            candidates.append(text[len("/usr") :])
        elif text.startswith("/lib/"):
            candidates.append("/usr" + text)
    for candidate in dict.fromkeys(candidates):
        result = subprocess.run(
            ["dpkg-query", "-S", candidate], capture_output=True, text=True, check=False
        )
        package = package_from_dpkg_search(result.stdout) if result.returncode == 0 else None
        if package is not None:
            return package
    return None


def package_from_dpkg_search(output: str) -> str | None:
    """The first package named by ``dpkg-query -S`` output, without its architecture.

    Debian 13's 64-bit time transition left diversions (``diversion by PKG from: PATH``) for
    libraries moved from /lib to /usr/lib; for the old path dpkg reports only those, and they
    name no installed file, so they are skipped and the caller tries the /usr path.
    """
    for line in output.splitlines():
        if line.startswith("diversion by ") or ": " not in line:
            continue
        owners = line.split(": ", 1)[0]
        first = owners.split(",", 1)[0].strip()
        return first.split(":", 1)[0] or None
    return None


def _is_python_part(source: Path) -> bool:
    """Files of the Python packages and of the interpreter have their notices elsewhere."""
    text = str(source.resolve())
    prefixes = {
        sys.prefix,
        sys.base_prefix,
        sysconfig.get_paths()["purelib"],
        sysconfig.get_paths()["stdlib"],
    }
    libpython = sysconfig.get_config_var("LDLIBRARY") or ""
    if libpython and source.name.startswith(libpython.split(".so")[0]):
        return True
    # Debian's own Python lives under /usr: only its lib/pythonX.Y tree counts as Python
    return (
        any(
            text.startswith(os.path.join(prefix, "")) and prefix not in ("/usr", "/")
            for prefix in prefixes
        )
        or "/python3" in text
    )


def _system_libraries(sources: Path, licenses: Path, collected: Collected) -> None:
    entries = json.loads(sources.read_text(encoding="utf-8"))
    for dest, src in entries:
        source = Path(src)
        if _is_python_part(source):
            continue
        package = _owning_package(source)
        if package is None:
            collected.unattributed.append(f"{dest} (from {src})")
            continue
        collected.system.setdefault(package, []).append(dest)
    for package, libraries in sorted(collected.system.items()):
        _copy(
            Path("/usr/share/doc") / package / "copyright",
            licenses / "system" / f"{package}.copyright",
        )
        collected.parts.append(
            (f"system/{package}.copyright", ", ".join(sorted(libraries)), "Debian copyright file")
        )


def collect(bundle: Path, sources: Path) -> Collected:
    """Fill ``bundle/licenses``; raises :class:`MissingNotice` when a notice is missing."""
    licenses = bundle / "licenses"
    if licenses.exists():
        shutil.rmtree(licenses)
    collected = Collected()

    _copy(ROOT / "LICENSE", licenses / "story-player" / "LICENSE")
    _copy(ROOT / "THIRD-PARTY-NOTICES.md", licenses / "story-player" / "THIRD-PARTY-NOTICES.md")
    collected.parts.append(("story-player", "Story Player", "GPL-3.0-or-later"))

    _copy(_python_licence(), licenses / "python" / "LICENSE.txt")
    collected.parts.append(("python", f"Python {sys.version.split()[0]}", "PSF-2.0"))

    qt_version = metadata.version("PySide6-Essentials")
    _write(licenses / "qt-pyside6" / "README.txt", _qt_readme(qt_version))
    _common("LGPL-3", licenses / "qt-pyside6" / "LGPL-3.0.txt")
    _common("GPL-3", licenses / "qt-pyside6" / "GPL-3.0.txt")
    _common("GPL-2", licenses / "qt-pyside6" / "GPL-2.0.txt")
    collected.parts.append(("qt-pyside6", f"Qt and PySide6 {qt_version}", "LGPL-3.0-only"))

    _write(licenses / "ffmpeg" / "README.txt", FFMPEG_README)
    _common("LGPL-2.1", licenses / "ffmpeg" / "LGPL-2.1.txt")
    collected.parts.append(("ffmpeg", "FFmpeg (Qt Multimedia backend)", "LGPL-2.1-or-later"))

    pyttsx3 = _dist_licence_files("pyttsx3")
    if not pyttsx3:
        raise MissingNotice("the pyttsx3 distribution carries no licence file")
    for path in pyttsx3:
        _copy(path, licenses / "pyttsx3" / path.name)
    collected.parts.append(("pyttsx3", f"pyttsx3 {metadata.version('pyttsx3')}", "MPL-2.0"))

    # Pure-Python libraries the app imports, each with the notice its wheel carries.
    for distribution, licence in SMALL_LIBRARIES:
        files = _dist_licence_files(distribution)
        if not files:
            raise MissingNotice(f"the {distribution} distribution carries no licence file")
        for path in files:
            _copy(path, licenses / distribution / path.name)
        version = metadata.version(distribution)
        collected.parts.append((distribution, f"{distribution} {version}", licence))

    _write(licenses / "espeak-ng" / "README.txt", ESPEAK_README)
    _common("GPL-3", licenses / "espeak-ng" / "COPYING")
    collected.parts.append(("espeak-ng", "eSpeak NG library and voice data", "GPL-3.0-or-later"))
    _write(licenses / "espeakng-loader" / "README.txt", LOADER_README)
    loader_version = metadata.version("espeakng-loader")
    collected.parts.append(("espeakng-loader", f"espeakng-loader {loader_version}", "MIT"))

    bootloader = _dist_licence_files("pyinstaller")
    if not bootloader:
        raise MissingNotice("the PyInstaller distribution carries no licence file")
    _write(licenses / "pyinstaller" / "README.txt", PYINSTALLER_README)
    for path in bootloader:
        _copy(path, licenses / "pyinstaller" / path.name)
    collected.parts.append(
        ("pyinstaller", "PyInstaller bootloader", "GPL-2.0-or-later WITH Bootloader-exception")
    )

    if sources.is_file():
        _system_libraries(sources, licenses, collected)
    else:
        raise MissingNotice(
            f"{sources} is missing: run PyInstaller with packaging/story-player.spec"
        )

    lines = [
        "Licences of what this bundle ships",
        "==================================",
        "",
        "Story Player is free software under GPL-3.0-or-later. Each folder here holds",
        "the licence and notices of one part of the bundle:",
        "",
    ]
    lines += [f"{folder:<32} {part} ({licence})" for folder, part, licence in collected.parts]
    if collected.unattributed:
        lines += ["", "Libraries whose origin the build could not attribute:"]
        lines += [f"  {entry}" for entry in collected.unattributed]
    _write(licenses / "README.txt", "\n".join(lines) + "\n")
    return collected


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("bundle", type=Path, help="the bundle folder, e.g. dist/story-player")
    parser.add_argument("--sources", type=Path, default=DEFAULT_SOURCES)
    args = parser.parse_args()
    try:
        collected = collect(args.bundle, args.sources)
    except MissingNotice as exc:
        print(f"collect_licenses: {exc}", file=sys.stderr)
        return 1
    for entry in collected.unattributed:
        print(f"collect_licenses: warning: no package owns {entry}", file=sys.stderr)
    print(
        f"collect_licenses: {len(collected.parts)} notices in {args.bundle / 'licenses'}"
        f" ({len(collected.system)} system packages)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
