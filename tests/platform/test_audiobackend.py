"""The audio backend asked of Qt Multimedia on Linux (player.platform.audiobackend).

Qt 6.12.0's PipeWire probe ends the process with a segmentation fault where the
PipeWire library is installed and no server runs (a fresh Debian 13); the crash
itself needs that Qt and that machine (the fresh-machine run checks it through the
bundle's self-check). Here: the rule on made-up environments, and that the module
every sink and device list goes through applies it before Qt could choose.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from player.platform.audiobackend import FALLBACK, VARIABLE, choose_audio_backend

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def listening(tmp_path: Path) -> Iterator[Path]:
    """A runtime folder with a socket where a PipeWire server's would be."""
    folder = tmp_path / "run"
    folder.mkdir()
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(folder / "pipewire-0"))
    try:
        yield folder
    finally:
        server.close()


def test_no_server_asks_for_pulseaudio(tmp_path: Path) -> None:
    env = {"XDG_RUNTIME_DIR": str(tmp_path)}
    assert choose_audio_backend(env, "linux") == FALLBACK
    assert env[VARIABLE] == FALLBACK


def test_no_runtime_folder_at_all_asks_for_pulseaudio() -> None:
    env: dict[str, str] = {}
    assert choose_audio_backend(env, "linux") == FALLBACK


def test_a_listening_server_leaves_qt_its_choice(listening: Path) -> None:
    env = {"XDG_RUNTIME_DIR": str(listening)}
    assert choose_audio_backend(env, "linux") is None
    assert VARIABLE not in env


def test_pipewire_runtime_dir_comes_before_xdg(listening: Path, tmp_path: Path) -> None:
    # libpipewire looks only in the first folder that is set
    env = {"PIPEWIRE_RUNTIME_DIR": str(tmp_path), "XDG_RUNTIME_DIR": str(listening)}
    assert choose_audio_backend(env, "linux") == FALLBACK
    env = {"PIPEWIRE_RUNTIME_DIR": str(listening), "XDG_RUNTIME_DIR": str(tmp_path)}
    assert choose_audio_backend(env, "linux") is None


def test_a_plain_file_is_no_server(tmp_path: Path) -> None:
    (tmp_path / "pipewire-0").write_text("", encoding="utf-8")
    assert choose_audio_backend({"XDG_RUNTIME_DIR": str(tmp_path)}, "linux") == FALLBACK


def test_a_named_remote_leaves_qt_its_choice(tmp_path: Path) -> None:
    env = {"PIPEWIRE_REMOTE": "pipewire-1", "XDG_RUNTIME_DIR": str(tmp_path)}
    assert choose_audio_backend(env, "linux") is None


def test_a_backend_someone_chose_stays(tmp_path: Path) -> None:
    env = {VARIABLE: "alsa", "XDG_RUNTIME_DIR": str(tmp_path)}
    assert choose_audio_backend(env, "linux") is None
    assert env[VARIABLE] == "alsa"


@pytest.mark.parametrize("platform", ["win32", "darwin"])
def test_other_systems_are_left_alone(platform: str) -> None:
    env: dict[str, str] = {}
    assert choose_audio_backend(env, platform) is None
    assert env == {}


def _backend_after_import(module: str, runtime: Path) -> str | None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIPEWIRE")}
    env.pop(VARIABLE, None)
    env["XDG_RUNTIME_DIR"] = str(runtime)
    env["QT_QPA_PLATFORM"] = "offscreen"
    code = f"import os, json, {module}; print(json.dumps(os.environ.get({VARIABLE!r})))"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    value: str | None = json.loads(result.stdout.strip().splitlines()[-1])
    return value


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux's audio servers")
def test_the_audio_module_chooses_before_any_sink(tmp_path: Path, listening: Path) -> None:
    assert _backend_after_import("player.qtaudio", tmp_path) == FALLBACK
    assert _backend_after_import("player.qtaudio", listening) is None
