"""Are the system libraries the window's Qt needs installed? A fast check before Qt loads.

The PySide6 wheels bring Qt itself but link to libraries every Linux desktop is
expected to have: GLib, OpenGL/EGL, fontconfig, X11, xkbcommon, D-Bus, PulseAudio
and, for the X11 ("xcb") platform plugin, a dozen small xcb libraries. On a
minimal machine (a server image, a container, a fresh Debian 12 "minbase") a plain
``pip install`` then fails at the first Qt import with a raw ``ImportError`` naming
one library, or, for the xcb libraries, Qt aborts in C++ with "Could not load the
Qt platform plugin xcb" and names none of them.

:func:`missing_libraries` tries to ``dlopen`` each library of :data:`LIBRARIES` by
its soname, as Qt's own loading would, and gives the ones that fail; it costs a
few milliseconds (about 2 ms with everything present: the libraries are then
mapped once and stay mapped for Qt). :func:`missing_message` turns them into one
message naming each library, the package that provides it on this distribution
(from ``/etc/os-release``) and the install command.

How the table was made (PySide6 6.11, Debian 12 minbase chroot, see
tests/platform/test_qtlibs.py which keeps it in step with the installed Qt):
the entries are the direct ``DT_NEEDED`` dependencies, outside the wheel, of
QtCore/QtGui/QtWidgets/QtMultimedia/QtDBus and their Qt libraries (``CORE``) and
of ``platforms/libqxcb.so`` with ``libQt6XcbQpa`` (``XCB``). On the minimal
machine each was reported missing by ``ldd``, its Debian package was found by
installing packages one at a time until the window started, and ``dpkg -S``.
libpulse is needed for sound only (without it the window opens but plays on a
silent clock), which is why it is checked: the player's purpose is speaking.
Package names for Fedora, openSUSE and Arch follow those distributions' naming;
they were not installed here.

Libraries the Qt plugins load later and only for features the player does not use
(the FFmpeg media plugin's libXrandr, the GLX integration's libxcb-glx) are left
out on purpose. Nothing here imports Qt.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Iterable, Mapping, Sequence

#: Distribution families, in the order the "unknown distribution" message lists them.
FAMILIES = ("debian", "fedora", "suse", "arch")

#: What the message calls each family.
FAMILY_NAMES: Mapping[str, str] = {
    "debian": "Debian/Ubuntu",
    "fedora": "Fedora/RHEL",
    "suse": "openSUSE",
    "arch": "Arch",
}

#: The command that installs packages in each family.
INSTALL_COMMANDS: Mapping[str, str] = {
    "debian": "sudo apt install",
    "fedora": "sudo dnf install",
    "suse": "sudo zypper install",
    "arch": "sudo pacman -S",
}

#: os-release ``ID``/``ID_LIKE`` words that name each family.
_FAMILY_IDS: Mapping[str, str] = {
    "debian": "debian",
    "ubuntu": "debian",
    "linuxmint": "debian",
    "pop": "debian",
    "raspbian": "debian",
    "fedora": "fedora",
    "rhel": "fedora",
    "centos": "fedora",
    "rocky": "fedora",
    "almalinux": "fedora",
    "opensuse": "suse",
    "opensuse-leap": "suse",
    "opensuse-tumbleweed": "suse",
    "suse": "suse",
    "sles": "suse",
    "arch": "arch",
    "manjaro": "arch",
    "endeavouros": "arch",
}


class SystemLibrary:
    """One shared library by its soname, with the package providing it per family.

    A plain class, not a dataclass: this module runs before every window start, and
    importing dataclasses (with inspect) would cost more than the whole check.
    """

    __slots__ = ("packages", "soname")

    def __init__(self, soname: str, packages: Mapping[str, str]) -> None:
        self.soname = soname
        self.packages = dict(packages)

    def package(self, family: str) -> str:
        """The package name in ``family`` (one of :data:`FAMILIES`)."""
        return self.packages[family]

    def __repr__(self) -> str:
        return f"SystemLibrary({self.soname!r}, {self.packages!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SystemLibrary):
            return NotImplemented
        return (self.soname, self.packages) == (other.soname, other.packages)

    def __hash__(self) -> int:
        return hash(self.soname)


def _lib(soname: str, debian: str, fedora: str, suse: str, arch: str) -> SystemLibrary:
    return SystemLibrary(soname, {"debian": debian, "fedora": fedora, "suse": suse, "arch": arch})


#: Needed by QtCore/QtGui/QtWidgets/QtMultimedia/QtDBus whatever the platform plugin.
CORE: tuple[SystemLibrary, ...] = (
    _lib("libglib-2.0.so.0", "libglib2.0-0", "glib2", "libglib-2_0-0", "glib2"),
    _lib("libgthread-2.0.so.0", "libglib2.0-0", "glib2", "libgthread-2_0-0", "glib2"),
    _lib("libGL.so.1", "libgl1", "libglvnd-glx", "libGL1", "libglvnd"),
    _lib("libEGL.so.1", "libegl1", "libglvnd-egl", "libEGL1", "libglvnd"),
    _lib("libfontconfig.so.1", "libfontconfig1", "fontconfig", "libfontconfig1", "fontconfig"),
    _lib("libfreetype.so.6", "libfreetype6", "freetype", "libfreetype6", "freetype2"),
    _lib("libX11.so.6", "libx11-6", "libX11", "libX11-6", "libx11"),
    _lib("libxkbcommon.so.0", "libxkbcommon0", "libxkbcommon", "libxkbcommon0", "libxkbcommon"),
    _lib("libdbus-1.so.3", "libdbus-1-3", "dbus-libs", "libdbus-1-3", "dbus"),
    _lib("libpulse.so.0", "libpulse0", "pulseaudio-libs", "libpulse0", "libpulse"),
    # libQt6Network's (QtMultimedia links to it); already there wherever Python is
    # packaged (Debian's python3 pulls in libgssapi-krb5-2), listed for other minimal images.
    _lib("libgssapi_krb5.so.2", "libgssapi-krb5-2", "krb5-libs", "krb5", "krb5"),
    _lib("libbrotlidec.so.1", "libbrotli1", "libbrotli", "libbrotlidec1", "brotli"),
)

#: Needed by the X11 platform plugin (plugins/platforms/libqxcb.so and libQt6XcbQpa).
XCB: tuple[SystemLibrary, ...] = (
    _lib("libxcb.so.1", "libxcb1", "libxcb", "libxcb1", "libxcb"),
    _lib("libX11-xcb.so.1", "libx11-xcb1", "libX11-xcb", "libX11-xcb1", "libx11"),
    _lib(
        "libxkbcommon-x11.so.0",
        "libxkbcommon-x11-0",
        "libxkbcommon-x11",
        "libxkbcommon-x11-0",
        "libxkbcommon-x11",
    ),
    _lib(
        "libxcb-cursor.so.0",
        "libxcb-cursor0",
        "xcb-util-cursor",
        "libxcb-cursor0",
        "xcb-util-cursor",
    ),
    _lib("libxcb-icccm.so.4", "libxcb-icccm4", "xcb-util-wm", "libxcb-icccm4", "xcb-util-wm"),
    _lib("libxcb-util.so.1", "libxcb-util1", "xcb-util", "libxcb-util1", "xcb-util"),
    _lib("libxcb-image.so.0", "libxcb-image0", "xcb-util-image", "libxcb-image0", "xcb-util-image"),
    _lib(
        "libxcb-keysyms.so.1",
        "libxcb-keysyms1",
        "xcb-util-keysyms",
        "libxcb-keysyms1",
        "xcb-util-keysyms",
    ),
    _lib(
        "libxcb-render-util.so.0",
        "libxcb-render-util0",
        "xcb-util-renderutil",
        "libxcb-render-util0",
        "xcb-util-renderutil",
    ),
    _lib("libxcb-randr.so.0", "libxcb-randr0", "libxcb", "libxcb-randr0", "libxcb"),
    _lib("libxcb-render.so.0", "libxcb-render0", "libxcb", "libxcb-render0", "libxcb"),
    _lib("libxcb-shape.so.0", "libxcb-shape0", "libxcb", "libxcb-shape0", "libxcb"),
    _lib("libxcb-shm.so.0", "libxcb-shm0", "libxcb", "libxcb-shm0", "libxcb"),
    _lib("libxcb-sync.so.1", "libxcb-sync1", "libxcb", "libxcb-sync1", "libxcb"),
    _lib("libxcb-xfixes.so.0", "libxcb-xfixes0", "libxcb", "libxcb-xfixes0", "libxcb"),
    _lib("libxcb-xkb.so.1", "libxcb-xkb1", "libxcb", "libxcb-xkb1", "libxcb"),
)

#: Every library the window may need, core first.
LIBRARIES: tuple[SystemLibrary, ...] = CORE + XCB

_BY_SONAME: Mapping[str, SystemLibrary] = {lib.soname: lib for lib in LIBRARIES}


def uses_xcb(environ: Mapping[str, str] | None = None) -> bool:
    """Whether Qt will load its xcb (X11) platform plugin.

    ``QT_QPA_PLATFORM`` decides when set (a ``;``-separated list of plugins, each
    with optional ``:options``; xcb counts when any of them is xcb). Unset, Qt
    takes wayland in a Wayland session and xcb otherwise (also with no display at
    all: the plugin loads before it looks for one).
    """
    env = os.environ if environ is None else environ
    chosen = env.get("QT_QPA_PLATFORM", "").strip()
    if chosen:
        names = {part.split(":", 1)[0].strip().lower() for part in chosen.split(";")}
        return "xcb" in names
    wayland = env.get("XDG_SESSION_TYPE", "") == "wayland" and bool(env.get("WAYLAND_DISPLAY"))
    return not wayland


def required_libraries(environ: Mapping[str, str] | None = None) -> tuple[SystemLibrary, ...]:
    """The libraries to check: :data:`CORE`, plus :data:`XCB` when Qt will use xcb."""
    return LIBRARIES if uses_xcb(environ) else CORE


def bundled_sonames(bundle: str | os.PathLike[str] | None = None) -> frozenset[str]:
    """Sonames of :data:`LIBRARIES` that a PyInstaller bundle carries itself.

    ``bundle`` defaults to ``sys._MEIPASS`` (the bundle's ``_internal`` folder) and
    is None outside a bundle. The bundle's copies are the ones Qt loads (they sit
    beside the Qt libraries that link to them), so the system's are not needed.
    """
    folder = getattr(sys, "_MEIPASS", None) if bundle is None else bundle
    if not folder:
        return frozenset()
    places = (os.fspath(folder), os.path.join(folder, "PySide6", "Qt", "lib"))
    return frozenset(
        lib.soname
        for lib in LIBRARIES
        if any(os.path.exists(os.path.join(place, lib.soname)) for place in places)
    )


def can_load(soname: str) -> bool:
    """Whether the dynamic loader finds and loads ``soname`` (and what it links to)."""
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def missing_libraries(
    environ: Mapping[str, str] | None = None,
    *,
    skip: Iterable[str] = (),
) -> list[SystemLibrary]:
    """The required libraries (see :func:`required_libraries`) that cannot be loaded.

    ``skip`` names sonames not to check (those a bundle carries). Only Linux has
    the table; elsewhere the answer is always empty.
    """
    if not sys.platform.startswith("linux"):
        return []
    skipped = set(skip)
    return [
        lib
        for lib in required_libraries(environ)
        if lib.soname not in skipped and not can_load(lib.soname)
    ]


def read_os_release(
    paths: Sequence[str] = ("/etc/os-release", "/usr/lib/os-release"),
) -> dict[str, str]:
    """The key=value pairs of the first os-release file that exists (quotes removed)."""
    for path in paths:
        try:
            with open(path, encoding="utf-8", errors="replace") as file:
                text = file.read()
        except OSError:
            continue
        values: dict[str, str] = {}
        for line in text.splitlines():
            key, sep, value = line.strip().partition("=")
            if sep and key and not key.startswith("#"):
                values[key] = value.strip().strip("\"'")
        return values
    return {}


def distribution_family(os_release: Mapping[str, str] | None = None) -> str | None:
    """The family (one of :data:`FAMILIES`) from os-release's ``ID``, then ``ID_LIKE``.

    None when neither names a known distribution.
    """
    values = read_os_release() if os_release is None else os_release
    words = [values.get("ID", ""), *values.get("ID_LIKE", "").split()]
    for word in words:
        family = _FAMILY_IDS.get(word.strip().lower())
        if family:
            return family
    return None


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def missing_message(
    missing: Sequence[SystemLibrary],
    family: str | None,
    program: str = "story-player",
) -> str:
    """One message naming each missing library, its package and the install command.

    For an unknown family (None) it gives the packages of every family instead,
    one short line each.
    """
    if not missing:
        return ""
    head = f"{program}: the window needs system libraries that are missing: "
    if family is not None and family in FAMILY_NAMES:
        label = FAMILY_NAMES[family]
        named = [f"{missing[0].soname} ({label} package {missing[0].package(family)})"]
        named += [f"{lib.soname} (package {lib.package(family)})" for lib in missing[1:]]
        packages = " ".join(_unique(lib.package(family) for lib in missing))
        return f"{head}{', '.join(named)}. Install them with: {INSTALL_COMMANDS[family]} {packages}"
    lines = [f"{head}{', '.join(lib.soname for lib in missing)}. Install them with:"]
    for fam in FAMILIES:
        packages = " ".join(_unique(lib.package(fam) for lib in missing))
        lines.append(f"  {FAMILY_NAMES[fam]}: {INSTALL_COMMANDS[fam]} {packages}")
    return "\n".join(lines)


def library_for(soname: str) -> SystemLibrary | None:
    """The table's entry for ``soname``, if it has one."""
    return _BY_SONAME.get(soname)


def check(environ: Mapping[str, str] | None = None) -> str | None:
    """The message for the libraries missing on this machine, or None when none are.

    Libraries a PyInstaller bundle carries are not checked (see :func:`bundled_sonames`).
    """
    missing = missing_libraries(environ, skip=bundled_sonames())
    if not missing:
        return None
    return missing_message(missing, distribution_family())


def display_problem(environ: Mapping[str, str] | None = None) -> str | None:
    """The message for a window that has no X display to open on, or None.

    With the libraries all present, Qt's xcb plugin still aborts in C++ when
    ``DISPLAY`` is empty (a console, an ssh session without X forwarding), and its
    message blames a library. Only when xcb is the sole plugin Qt would try.
    """
    env = os.environ if environ is None else environ
    if env.get("DISPLAY") or not uses_xcb(env):
        return None
    chosen = env.get("QT_QPA_PLATFORM", "").strip()
    names = {part.split(":", 1)[0].strip().lower() for part in chosen.split(";")} - {""}
    if names - {"xcb"}:  # another plugin is listed and may take over
        return None
    return (
        "story-player: there is no display to open the window on (DISPLAY is not set). "
        "Start it in a desktop session, or use a command that needs no window: "
        "story-player outline|check|voices|export|say (see story-player outline --help)."
    )
