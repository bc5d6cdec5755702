"""The notice collector's reading of ``dpkg-query -S``, as Debian 12 and 13 print it."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "packaging" / "collect_licenses.py"


@pytest.fixture(scope="module")
def collector() -> ModuleType:
    spec = importlib.util.spec_from_file_location("collect_licenses", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # its dataclasses look their module up by name while the class is made
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


def test_plain_owner_without_architecture(collector: ModuleType) -> None:
    output = "libreadline8:amd64: /lib/x86_64-linux-gnu/libreadline.so.8\n"
    assert collector.package_from_dpkg_search(output) == "libreadline8"


def test_several_owners_give_the_first(collector: ModuleType) -> None:
    output = "libfoo1:amd64, libfoo-common: /usr/share/doc/libfoo1\n"
    assert collector.package_from_dpkg_search(output) == "libfoo1"


def test_diversions_alone_name_no_package(collector: ModuleType) -> None:
    # Debian 13, the pre-/usr path of a library its time_t transition moved (seen in a chroot)
    output = (
        "diversion by libreadline8t64 from: /lib/x86_64-linux-gnu/libreadline.so.8\n"
        "diversion by libreadline8t64 to: /lib/x86_64-linux-gnu/libreadline.so.8.usr-is-merged\n"
    )
    assert collector.package_from_dpkg_search(output) is None


def test_owner_after_diversions(collector: ModuleType) -> None:
    output = (
        "diversion by libreadline8t64 from: /lib/x86_64-linux-gnu/libhistory.so.8\n"
        "diversion by libreadline8t64 to: /lib/x86_64-linux-gnu/libhistory.so.8.usr-is-merged\n"
        "libreadline8t64:amd64: /usr/lib/x86_64-linux-gnu/libreadline.so.8\n"
    )
    assert collector.package_from_dpkg_search(output) == "libreadline8t64"


def test_a_moved_library_is_attributed_to_its_package(
    collector: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before, the diversion line's text was taken as the package, and the build then failed."""
    old = "/lib/x86_64-linux-gnu/libreadline.so.8"
    answers = {
        old: "diversion by libreadline8t64 from: /lib/x86_64-linux-gnu/libreadline.so.8\n",
        "/usr" + old: "libreadline8t64:amd64: /usr/lib/x86_64-linux-gnu/libreadline.so.8\n",
    }

    def dpkg_query(args: list[str], **_: object) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess(args, 0, answers.get(args[-1], ""), "")

    monkeypatch.setattr(collector.shutil, "which", lambda name: "/usr/bin/" + name)
    monkeypatch.setattr(collector.subprocess, "run", dpkg_query)
    assert collector._owning_package(Path(old)) == "libreadline8t64"
