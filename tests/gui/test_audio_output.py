"""Play > Audio Output and the administrator's volume cap, in the window.

The first tests give the menu a device list of their own, so they run on any machine.
The last ones need a PulseAudio server (``.ci/services.sh`` starts one with a null
sink): they add a second null sink, "StoryPhones", play into it and unload it after.
"""

from __future__ import annotations

import array
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from fakes import FakePlayback, make_story, open_window
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtMultimedia import QtAudio
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from player.core.audiodevice import DeviceChoice, DeviceInfo, choice_from
from player.core.playback.stream import PcmStream, Piece
from player.core.settings import MemoryStore, Settings, SettingsLocations
from player.gui.audio_output import LOCKED_TEXT
from player.gui.window import MainWindow
from player.qtaudio import ROUTE, AudioRoute, QtAudioOutput

PHONES = DeviceInfo("usb-phones", "Headphones")
SPEAKERS = DeviceInfo("pci-speakers", "Speakers")


@pytest.fixture(autouse=True)
def clean_route() -> Iterator[None]:
    """The process-wide route goes back to the default device and no cap after each test."""
    yield
    ROUTE.set_choice(DeviceChoice())
    ROUTE.set_cap(1.0)


def _window(
    qtbot: QtBot, settings: Settings, devices: list[DeviceInfo] | None = None
) -> tuple[MainWindow, list[FakePlayback]]:
    playbacks: list[FakePlayback] = []
    window = open_window(qtbot, settings, make_story(), playbacks)
    if devices is not None:
        window.audio_output.list_devices = lambda: list(devices)
    return window, playbacks


def _entries(window: MainWindow) -> list[tuple[str, bool, bool]]:
    """The Audio Output menu as (text, enabled, checked), filled as when it opens."""
    menu = window.audio_output.menu
    assert menu is not None
    menu.aboutToShow.emit()
    return [(a.text(), a.isEnabled(), a.isChecked()) for a in menu.actions()]


def test_the_cap_stops_the_louder_keys_and_the_slider(qtbot: QtBot) -> None:
    settings = Settings(MemoryStore({"volume": 0.3}), system={"max_volume": 60})
    window, playbacks = _window(qtbot, settings)
    assert window.transport.volume.maximum() == 60
    assert playbacks[-1].volume == 0.3
    window.pane.setFocus()
    for _ in range(6):
        QTest.keyClick(window.pane, Qt.Key.Key_PageUp, Qt.KeyboardModifier.AltModifier
                       | Qt.KeyboardModifier.ShiftModifier)  # fmt: skip
    assert settings.volume == 0.6 and playbacks[-1].volume == 0.6
    assert window.transport.volume.value() == 60
    assert window.message_label.text() == "Volume 60 percent, the loudest allowed here"
    QTest.keyClick(window.pane, "0")  # the single key for Louder
    assert settings.volume == 0.6 and playbacks[-1].volume == 0.6
    window.transport.volume.setFocus()
    QTest.keyClick(window.transport.volume, Qt.Key.Key_End)
    assert settings.volume == 0.6
    slider = QAccessible.queryAccessibleInterface(window.transport.volume)
    assert "at most 60" in slider.text(QAccessible.Text.Description)
    assert ROUTE.cap == 0.6  # the sink, and so the interface voice, is capped as well
    window.close()


def test_without_a_cap_volume_up_goes_to_full(qtbot: QtBot) -> None:
    settings = Settings(MemoryStore({"volume": 0.9}))
    window, playbacks = _window(qtbot, settings)
    window.pane.setFocus()
    QTest.keyClick(window.pane, "0")
    assert settings.volume == 1.0 and playbacks[-1].volume == 1.0
    assert window.message_label.text() == "Volume 100 percent"
    window.close()


def test_choosing_a_device_is_said_and_remembered_across_a_restart(
    qtbot: QtBot, tmp_path: Path
) -> None:
    locations = SettingsLocations(tmp_path / "system", tmp_path / "user", tmp_path / "state")
    window, _ = _window(qtbot, Settings.load(locations), [SPEAKERS, PHONES])
    assert _entries(window) == [
        ("System &Default", True, True),
        ("&1 Speakers", True, False),
        ("&2 Headphones", True, False),
    ]
    menu = window.audio_output.menu
    assert menu is not None
    menu.actions()[2].trigger()
    assert window.message_label.text() == "Audio output: Headphones"
    assert ROUTE.choice == DeviceChoice("usb-phones", "Headphones")
    window.close()  # writes the settings
    saved = json.loads(locations.user_file.read_text(encoding="utf-8"))
    assert saved["audio_device"] == "usb-phones" and saved["audio_device_name"] == "Headphones"

    ROUTE.set_choice(DeviceChoice())
    again, _ = _window(qtbot, Settings.load(locations), [SPEAKERS, PHONES])
    again.audio_output.start()
    assert ROUTE.choice == DeviceChoice("usb-phones", "Headphones")
    assert [checked for _, _, checked in _entries(again)] == [False, False, True]
    again.close()


def test_a_device_whose_id_changed_is_found_by_name_after_a_restart(qtbot: QtBot) -> None:
    settings = Settings(MemoryStore({"audio_device": "old-id", "audio_device_name": "Headphones"}))
    window, _ = _window(qtbot, settings, [SPEAKERS, PHONES])
    assert [checked for _, _, checked in _entries(window)] == [False, False, True]
    window.close()


def test_a_locked_device_disables_the_menu_and_says_why(qtbot: QtBot) -> None:
    settings = Settings(
        MemoryStore(), system={"audio_device": "Speakers", "locked": ["audio_device"]}
    )
    window, _ = _window(qtbot, settings, [SPEAKERS, PHONES])
    entries = _entries(window)
    assert entries[0] == (LOCKED_TEXT, False, False)
    assert [enabled for _, enabled, _ in entries] == [False, False, False, False]
    assert [checked for _, _, checked in entries] == [False, False, True, False]
    window.audio_output.choose(PHONES)  # a way round the disabled entries changes nothing
    assert choice_from(settings) == DeviceChoice("Speakers")
    assert "set by the administrator" in window.message_label.text()
    window.close()


def test_an_unplugged_device_falls_back_with_a_message_and_is_used_when_back(
    qtbot: QtBot,
) -> None:
    devices = [SPEAKERS, PHONES]
    window, _ = _window(qtbot, Settings(MemoryStore()), devices)
    window.audio_output.choose(PHONES)
    devices.remove(PHONES)
    window.audio_output.devices_changed()
    assert window.message_label.text() == (
        "Headphones is not connected. Playing through the system default."
    )
    assert [checked for _, _, checked in _entries(window)] == [True, False]
    assert choice_from(window.settings) == DeviceChoice("usb-phones", "Headphones")  # kept
    devices.append(PHONES)
    window.audio_output.devices_changed()
    assert window.message_label.text() == "Audio output: Headphones (connected again)"
    assert [checked for _, _, checked in _entries(window)] == [False, False, True]
    window.close()


# With a sound server


def _pactl(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["pactl", *args], capture_output=True, text=True, timeout=10, check=False)


@pytest.fixture
def phones_sink() -> Iterator[str]:
    """A second null sink, "StoryPhones"; its module is unloaded after the test."""
    if shutil.which("pactl") is None:
        pytest.skip("pactl is not installed (apt-get install pulseaudio-utils)")
    if _pactl("info").returncode != 0:
        pytest.skip("no PulseAudio server is running (.ci/services.sh starts one)")
    loaded = _pactl(
        "load-module",
        "module-null-sink",
        "sink_name=storyplayer_phones",
        "sink_properties=device.description=StoryPhones",
    )
    if loaded.returncode != 0:
        pytest.skip(f"a second null sink could not be made: {loaded.stderr.strip()}")
    try:
        yield "storyplayer_phones"
    finally:
        # By name: a test may have unloaded it and loaded it again as another module.
        for line in _pactl("list", "short", "modules").stdout.splitlines():
            if "sink_name=storyplayer_phones" in line:
                _pactl("unload-module", line.split("\t")[0])


def _sink_of_our_stream(app: QApplication) -> str:
    """The name of the sink this process's playback stream is on, per the server."""
    sinks = {
        line.split("\t")[0]: line.split("\t")[1]
        for line in _pactl("list", "short", "sinks").stdout.splitlines()
    }
    ours = [
        block
        for block in _pactl("list", "sink-inputs").stdout.split("\n\n")
        if f'application.process.id = "{os.getpid()}"' in block
    ]
    assert len(ours) == 1, ours
    for line in ours[0].splitlines():
        if line.strip().startswith("Sink:"):
            return sinks[line.split(":", 1)[1].strip()]
    raise AssertionError("no sink in the server's answer")


def _wait(qtbot: QtBot, condition: object, timeout_ms: int = 5000) -> None:
    qtbot.waitUntil(condition, timeout=timeout_ms)  # type: ignore[arg-type]


def _playing(output: QtAudioOutput, seconds: float) -> PcmStream:
    stream = PcmStream(output.sample_rate)
    stream.write(b"\0\1" * int(output.sample_rate * seconds), Piece(0))
    stream.finish()
    output.start(stream)
    return stream


def test_the_sink_volume_never_exceeds_the_cap(qtbot: QtBot, phones_sink: str) -> None:
    route = AudioRoute()
    route.set_cap(0.5)
    output = QtAudioOutput(22050, route=route)
    try:
        output.set_volume(1.0)
        _playing(output, 2)

        def linear(volume: float) -> float:
            return QtAudio.convertVolume(
                volume,
                QtAudio.VolumeScale.LogarithmicVolumeScale,
                QtAudio.VolumeScale.LinearVolumeScale,
            )

        sink = output._host.sink
        assert sink is not None
        _wait(qtbot, lambda: abs(sink.volume() - linear(0.5)) < 1e-3)
        route.set_cap(1.0)
        _wait(qtbot, lambda: abs(sink.volume() - 1.0) < 1e-3)
        output.set_volume(0.2)
        route.set_cap(0.5)  # under the cap the reader's own volume stands
        _wait(qtbot, lambda: abs(sink.volume() - linear(0.2)) < 1e-3)
    finally:
        output.close()


def test_choosing_a_device_moves_the_live_sound_without_losing_its_place(
    qtbot: QtBot, phones_sink: str, qapp: QApplication
) -> None:
    window, _ = _window(qtbot, Settings(MemoryStore()))
    output = QtAudioOutput(22050)  # on the process route, as the window's playback is
    try:
        stream = _playing(output, 20)
        _wait(qtbot, lambda: output.frames_played() > 0, 8000)
        assert _sink_of_our_stream(qapp) != phones_sink
        entries = _entries(window)
        texts = [text for text, _, _ in entries]
        assert any(text.endswith("StoryPhones") for text in texts), texts
        menu = window.audio_output.menu
        assert menu is not None
        menu.actions()[next(i for i, t in enumerate(texts) if t.endswith("StoryPhones"))].trigger()
        assert window.message_label.text() == "Audio output: StoryPhones"
        _wait(qtbot, lambda: output.current_device == "StoryPhones")
        before = output.frames_played()
        assert before > 0  # the clock did not start again
        _wait(qtbot, lambda: _sink_of_our_stream(qapp) == phones_sink)
        _wait(qtbot, lambda: output.frames_played() > before + 2205, 8000)
        assert stream.frames_read < 20 * 22050  # the same stream goes on, not a new one
    finally:
        output.close()
        window.close()


def test_a_device_that_comes_back_gets_the_sound_again(
    qtbot: QtBot, phones_sink: str, qapp: QApplication
) -> None:
    settings = Settings(
        MemoryStore({"audio_device": phones_sink, "audio_device_name": "StoryPhones"})
    )
    window, _ = _window(qtbot, settings)
    output = QtAudioOutput(22050)
    try:
        _playing(output, 30)
        _wait(qtbot, lambda: _sink_of_our_stream(qapp) == phones_sink)
        module = next(
            line.split("\t")[0]
            for line in _pactl("list", "short", "modules").stdout.splitlines()
            if "sink_name=storyplayer_phones" in line
        )
        _pactl("unload-module", module)
        # PulseAudio moves the stream to the default itself (Qt 6.12 says nothing of it).
        _wait(qtbot, lambda: _sink_of_our_stream(qapp) != phones_sink)
        again = _pactl(
            "load-module",
            "module-null-sink",
            "sink_name=storyplayer_phones",
            "sink_properties=device.description=StoryPhones",
        )
        assert again.returncode == 0, again.stderr
        _wait(qtbot, lambda: _sink_of_our_stream(qapp) == phones_sink, 8000)
        assert output.failure() is None
    finally:
        output.close()
        window.close()


def test_a_paused_voice_stays_paused_on_the_new_device(
    qtbot: QtBot, phones_sink: str, qapp: QApplication
) -> None:
    route = AudioRoute()
    output = QtAudioOutput(22050, route=route)
    try:
        _playing(output, 20)
        _wait(qtbot, lambda: output.frames_played() > 0, 8000)
        output.pause()
        qtbot.wait(300)
        paused_at = output.frames_played()
        route.set_choice(DeviceChoice(phones_sink))
        _wait(qtbot, lambda: output.current_device == "StoryPhones")
        qtbot.wait(500)
        # Nothing is heard while paused; the frames the old sink held count as skipped.
        assert paused_at <= output.frames_played() <= paused_at + 2205 * 2
        held = output.frames_played()
        qtbot.wait(300)
        assert output.frames_played() == held
        output.resume()
        _wait(qtbot, lambda: output.frames_played() > held + 2205, 8000)
        assert _sink_of_our_stream(qapp) == phones_sink
    finally:
        output.close()


def test_what_the_device_really_plays_is_capped(qtbot: QtBot, phones_sink: str) -> None:
    """The sound on the sink's monitor, not only the sink's setting: a square wave at 8,000
    played at full volume under a 50 % cap arrives at 8,000 x the cap's linear gain."""
    if shutil.which("parec") is None:
        pytest.skip("parec is not installed (apt-get install pulseaudio-utils)")
    route = AudioRoute()
    route.set_choice(DeviceChoice(phones_sink))
    route.set_cap(0.5)
    output = QtAudioOutput(22050, route=route)
    recorder = subprocess.Popen(
        ["parec", "-d", f"{phones_sink}.monitor", "--format=s16le", "--channels=1",
         "--rate=22050", "--raw", "--latency-msec=20"],
        stdout=subprocess.PIPE,
    )  # fmt: skip
    try:
        output.set_volume(1.0)
        stream = PcmStream(22050)
        period = array.array("h", [8000] * 50 + [-8000] * 50).tobytes()
        periods = 22050 * 3 // 100
        stream.write(period * periods, Piece(0))
        stream.finish()
        output.start(stream)
        # The null sink holds a new stream up to 2 s before it plays it (speech-facts.md).
        _wait(qtbot, lambda: output.frames_played() >= periods * 100, 10_000)
        qtbot.wait(300)
    finally:
        recorder.terminate()
        data, _ = recorder.communicate(timeout=10)
        output.close()
    samples = array.array("h")
    samples.frombytes(data[: len(data) // 2 * 2])
    levels = sorted(abs(x) for x in samples)
    assert len(levels) > 22050, "nothing was recorded from the sink's monitor"
    level = levels[int(len(levels) * 0.9)]
    expected = 8000 * QtAudio.convertVolume(
        0.5, QtAudio.VolumeScale.LogarithmicVolumeScale, QtAudio.VolumeScale.LinearVolumeScale
    )
    assert 0.8 * expected < level < 1.2 * expected, (level, expected)
