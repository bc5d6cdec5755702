"""Orca 43 driving the app under Xvfb, checked on what Orca says (its speech log).

Orca is started after the app, as a reader does with Super+Alt+S. Each message the
app sends (its --debug log has a line per message) must be spoken exactly once,
whichever pane has focus, and the app's own voice must stay silent from the moment
the screen reader is noticed. Needs the Debian packages orca, speech-dispatcher,
python3-speechd and dconf-gsettings-backend besides those of the AT-SPI tests.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import a11y_env  # noqa: F401  (offscreen Qt, throwaway settings: before any window)
import pytest
from a11y_desktop import DesktopSession
from orca_run import orca_missing, orca_turn, start_orca, start_speech_dispatcher, stop_orca

pytestmark = [
    pytest.mark.atspi,
    pytest.mark.skipif(bool(orca_missing()), reason=f"missing: {', '.join(orca_missing())}"),
]

MESSAGE = re.compile(r"player\.gui\.announce: message: (.*)$")
SELF_VOICED = "player.gui.announce: self-voiced: "
NOTICED = "player.gui.announce: screen reader running: True"


def flat(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


@dataclass
class Run:
    """The app with Orca started after it; ``step`` sends keys and reports what was said."""

    session: DesktopSession
    spoken: Path
    window: str
    said_lines: int = 0
    log_lines: int = 0
    steps: list[tuple[str, list[str], str]] = field(default_factory=list)

    def app_log(self) -> list[str]:
        return self.session.log("app.log").splitlines()

    def step(self, *keys: str, pause: float = 1.8) -> tuple[list[str], str]:
        """Press ``keys``; the app's messages and Orca's speech since the last step."""
        self.session.keys(*keys, pause=pause)
        said = self.spoken.read_text(errors="replace").splitlines()
        log = self.app_log()
        messages = [m.group(1) for line in log[self.log_lines :] if (m := MESSAGE.search(line))]
        speech = flat(" ".join(said[self.said_lines :]))
        self.said_lines, self.log_lines = len(said), len(log)
        self.steps.append((" ".join(keys), messages, speech))
        return messages, speech

    def said_once(self, *keys: str) -> list[str]:
        """Press ``keys``; each message they sent must be spoken exactly once."""
        messages, speech = self.step(*keys)
        assert messages, f"{keys}: no message sent; Orca said {speech!r}"
        for message in set(messages):
            count = speech.count(flat(message))
            assert count == messages.count(message), (keys, message, speech, self.steps)
        return messages


@pytest.fixture
def orca_run() -> Iterator[Run]:
    with orca_turn(45) as free, DesktopSession() as session:
        if not free:
            pytest.skip("another Orca of this user is running (Orca allows one per user)")
        spoken = start_speech_dispatcher(session)
        app = session.start_app("--debug")
        window = session.window_id(app.pid, timeout=60)
        session.focus(window)
        time.sleep(1.5)
        run = Run(session, spoken, window)
        session.keys("ctrl+shift+g", pause=1.0)  # self-voicing on, before any screen reader
        orca = start_orca(session)
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not any(NOTICED in x for x in run.app_log()):
                time.sleep(0.3)
            time.sleep(4)  # Orca speaks the window it found
            session.focus(window)
            time.sleep(1.5)
            run.said_lines = len(spoken.read_text(errors="replace").splitlines())
            run.log_lines = len(run.app_log())
            yield run
            log = run.app_log()
            assert app.poll() is None, "\n".join(log[-40:])
        finally:
            stop_orca(session, orca)
            app.terminate()
            app.wait(10)
        noticed = next((i for i, line in enumerate(log) if NOTICED in line), None)
        assert noticed is not None, "Orca started after the app was never noticed"
        # Self-voicing was on and did speak before Orca came; never once it ran.
        assert any(SELF_VOICED in line for line in log[:noticed])
        assert not [line for line in log[noticed:] if SELF_VOICED in line]


def test_every_pane_hears_each_message_once(orca_run: Run) -> None:
    # The window opens in the contents list.
    assert any(m.startswith("Introduction") for m in orca_run.said_once("ctrl+shift+k"))
    orca_run.said_once("ctrl+shift+r")  # a jump
    # Alt alone does not take the keyboard to the menu bar: Page Down stays in the list.
    _, speech = orca_run.step("alt", "Next")
    assert "File" not in speech, orca_run.steps
    # A command from a menu: Orca hears the keyboard come back, then the message.
    orca_run.step("alt+g")
    orca_run.said_once("Return")  # Go > Next Segment
    orca_run.step("Down")  # moving in the list is Orca's to say; then
    orca_run.said_once("ctrl+shift+k")  # messages go to the row Orca has as focus
    orca_run.step("Tab")  # the story text
    orca_run.said_once("ctrl+shift+k")
    # Orca reads the line at the caret after Alt+Page Up (the segment's heading) by itself;
    # the window leaves the message out there, so the title is heard once, not twice.
    (message,), speech = orca_run.step("alt+Prior")
    title = message.partition(": ")[2]
    assert title and speech.count(title) == 1, orca_run.steps
    orca_run.step("Tab")  # the photo card
    orca_run.said_once("ctrl+shift+k")
    orca_run.step("Tab")  # the first transport button
    orca_run.said_once("ctrl+shift+k")
    assert orca_run.said_once("ctrl+shift+r")


def test_the_list_after_a_choice_and_the_voice_list(orca_run: Run) -> None:
    # Down to the third row (a heading counts), Enter goes there and on to the text.
    _, speech = orca_run.step("Down", "Down", "Down", pause=0.8)
    assert speech.endswith("Brenda Armenta and Justin."), orca_run.steps
    _, speech = orca_run.step("Return")
    assert "Story text" in speech, orca_run.steps
    # Back in the list, Orca names the row chosen, which is the one being read.
    for keys in (("shift+Tab",), ("Tab", "shift+Tab")):
        _, speech = orca_run.step(*keys)
        assert speech.endswith("Brenda Armenta and Justin, being read."), speech
        # Orca 43 names the list as focus enters it; Orca 48 (Debian 13) names the row only.
        assert "tree" not in speech or "Contents tree Brenda" in speech, speech
        assert "Introduction" not in speech
    # The voice list, by its label's mnemonic: Down changes the voice, said in words.
    orca_run.step("alt+c")
    messages = orca_run.said_once("Down")
    assert len(messages) == 1 and messages[0].startswith("Voice: "), orca_run.steps
