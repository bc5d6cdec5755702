"""Announcements reach screen readers as events, and the app's voice only without one."""

from __future__ import annotations

import threading

import a11y_env  # noqa: F401  (offscreen Qt, throwaway settings: before any window)
import pytest
import shiboken6
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from player.gui.announce import Announcer, ScreenReaderWatch
from player.platform.screenreader import ScreenReaderDetector


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[str, QAccessible.AnnouncementPoliteness, QWidget | None]] = []

    def __call__(self, event: QAccessibleAnnouncementEvent) -> None:
        obj = event.object()
        self.events.append(
            (event.message(), event.politeness(), obj if isinstance(obj, QWidget) else None)
        )


@pytest.fixture
def widget(qtbot: QtBot) -> QWidget:
    w = QWidget()
    qtbot.addWidget(w)
    return w


@pytest.mark.parametrize("reader", [True, False, None])
def test_every_announcement_is_posted_as_an_event(widget: QWidget, reader: bool | None) -> None:
    posted = Recorder()
    announcer = Announcer(widget, screen_reader=lambda: reader, post=posted)
    announcer.announce("Public reaction")
    announcer.error("The voice stopped")
    assert posted.events == [
        ("Public reaction", QAccessible.AnnouncementPoliteness.Polite, widget),
        ("The voice stopped", QAccessible.AnnouncementPoliteness.Assertive, widget),
    ]
    assert list(announcer.history) == ["Public reaction", "The voice stopped"]


def test_self_voicing_speaks_only_without_a_screen_reader(widget: QWidget) -> None:
    spoken: list[str] = []
    reader: list[bool | None] = [False]
    announcer = Announcer(
        widget, screen_reader=lambda: reader[0], self_voice=spoken.append,
        self_voicing=True, post=Recorder(),
    )  # fmt: skip
    assert announcer.announce("Paused") is True
    reader[0] = True
    assert announcer.announce("Playing") is False
    reader[0] = None  # unknown: the reader asked for the app's voice, so it speaks
    assert announcer.announce("Bookmark added") is True
    assert spoken == ["Paused", "Bookmark added"]


def test_self_voicing_off_never_speaks(widget: QWidget) -> None:
    spoken: list[str] = []
    announcer = Announcer(
        widget, screen_reader=lambda: False, self_voice=spoken.append, post=Recorder()
    )
    announcer.announce("Paused")
    assert spoken == []


def test_empty_text_is_not_announced(widget: QWidget) -> None:
    posted = Recorder()
    Announcer(widget, screen_reader=lambda: False, post=posted).announce("   ")
    assert posted.events == []


def test_a_broken_detector_does_not_lose_the_message(widget: QWidget) -> None:
    def broken() -> bool:
        raise RuntimeError("bus gone")

    spoken: list[str] = []
    announcer = Announcer(
        widget, screen_reader=broken, self_voice=spoken.append, self_voicing=True, post=Recorder()
    )
    assert announcer.announce("Segment 2") is True and spoken == ["Segment 2"]


def test_the_real_event_can_be_posted(widget: QWidget) -> None:
    Announcer(widget, screen_reader=lambda: True).announce("Playing")


def test_watch_reports_changes_on_the_gui_thread(qtbot: QtBot) -> None:
    answers = iter([True, True, False])
    watch = ScreenReaderWatch(ScreenReaderDetector(lambda: next(answers)))
    seen: list[object] = []
    watch.changed.connect(seen.append)
    with qtbot.waitSignal(watch.changed, timeout=5000):
        watch.refresh()
    assert seen == [True] and watch.running is True
    # The signal can arrive before its thread ends; a check started while it runs would
    # reuse it and take no new answer.
    assert watch.detector.wait(5)
    watch.detector.check_async().join(5)  # True again: no signal
    with qtbot.waitSignal(watch.changed, timeout=5000):
        watch.refresh()
    assert seen == [True, False]


def test_a_watch_deleted_during_a_check_leaves_the_worker_quiet(qtbot: QtBot) -> None:
    """The window can close while a check runs; the answer then has nowhere to go and
    must not end the worker with an exception."""
    release = threading.Event()

    def slow_probe() -> bool:
        release.wait(10)
        return True

    watch = ScreenReaderWatch(ScreenReaderDetector(slow_probe))
    failures: list[BaseException | None] = []
    previous = threading.excepthook
    threading.excepthook = lambda args: failures.append(args.exc_value)
    try:
        watch.refresh()
        worker = watch.detector.check_async()
        shiboken6.delete(watch)
        release.set()
        worker.join(10)
        assert not worker.is_alive()
    finally:
        threading.excepthook = previous
    assert failures == []


def test_a_cue_that_takes_the_message_replaces_the_event(widget: QWidget) -> None:
    """On Linux the window cues Orca 43 through the focused pane; one channel, never both."""
    posted = Recorder()
    cued: list[str] = []
    taking = [True]

    def cue(text: str) -> bool:
        cued.append(text)
        return taking[0]

    announcer = Announcer(widget, screen_reader=lambda: True, post=posted, cue=cue)
    announcer.announce("Public reaction")
    assert cued == ["Public reaction"] and posted.events == []
    taking[0] = False  # the pane has no focus: the announcement event goes out instead
    announcer.announce("Paused")
    assert [m for m, _, _ in posted.events] == ["Paused"]


@pytest.mark.parametrize("heard", [False, True])
def test_a_message_the_screen_reader_says_itself_goes_to_it_no_other_way(
    widget: QWidget, heard: bool
) -> None:
    """After a focus or caret change that reads the heading, neither the cue nor the event:
    Orca 43 hears only the cue, but Orca 48 (Debian 13) and the other screen readers speak
    the event, and said the heading twice."""
    posted = Recorder()
    cued: list[str] = []

    def cue(text: str) -> bool:
        cued.append(text)
        return True

    announcer = Announcer(
        widget, screen_reader=lambda: True, post=posted, cue=cue, announcements_heard=lambda: heard
    )
    announcer.announce("The debate: Leaving prison and the debate", cue=False)
    assert cued == [] and posted.events == []
    assert announcer.history[-1] == "The debate: Leaving prison and the debate"


def test_a_failing_cue_never_loses_the_message(widget: QWidget) -> None:
    posted = Recorder()

    def broken(text: str) -> bool:
        raise RuntimeError("gone")

    Announcer(widget, screen_reader=lambda: True, post=posted, cue=broken).announce("Paused")
    assert [m for m, _, _ in posted.events] == ["Paused"]


def test_without_the_event_only_the_cue_carries_a_message(widget: QWidget) -> None:
    """``event=False``: Orca 43 (no announcement listener) still hears the cue; a screen
    reader that takes events gets nothing from the window, as it speaks the value itself."""
    posted = Recorder()
    cued: list[str] = []
    heard = [False]

    def cue(text: str) -> bool:
        cued.append(text)
        return True

    announcer = Announcer(
        widget,
        screen_reader=lambda: True,
        post=posted,
        cue=cue,
        announcements_heard=lambda: heard[0],
    )
    announcer.announce("Voice: Fake", event=False)
    assert cued == ["Voice: Fake"] and posted.events == []
    heard[0] = True
    announcer.announce("Voice: Fake American", event=False)
    assert cued == ["Voice: Fake"] and posted.events == []
    announcer.announce("Paused")
    assert [m for m, _, _ in posted.events] == ["Paused"]
