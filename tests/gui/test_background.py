"""The background helper: work on a worker thread, its result (or exception) on the GUI thread,
stale results and results for deleted receivers dropped."""

from __future__ import annotations

import threading
from concurrent.futures import Future

import pytest
import shiboken6
from PySide6.QtCore import QObject
from pytestqt.qtbot import QtBot

from player.gui.background import Generation, deliver_to, run_in_background


class Receiver(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.got: list[tuple[str, object]] = []

    def done(self, future: Future[str]) -> None:
        self.got.append((threading.current_thread().name, future.result()))


def test_the_result_arrives_on_the_gui_thread(qtbot: QtBot) -> None:
    receiver = Receiver()
    worker = run_in_background(
        lambda: threading.current_thread().name, receiver.done, receiver=receiver, name="w1"
    )
    qtbot.waitUntil(lambda: bool(receiver.got))
    worker.join(5)
    assert receiver.got == [(threading.main_thread().name, "w1")]


def test_an_exception_is_delivered_not_lost(qtbot: QtBot) -> None:
    errors: list[BaseException | None] = []

    def fail() -> str:
        raise ValueError("disk on fire")

    worker = run_in_background(fail, lambda future: errors.append(future.exception()))
    qtbot.waitUntil(lambda: bool(errors))
    worker.join(5)
    assert isinstance(errors[0], ValueError) and str(errors[0]) == "disk on fire"


def test_only_the_newest_of_a_generation_is_delivered(qtbot: QtBot) -> None:
    generation = Generation()
    release = threading.Event()
    got: list[str] = []

    def slow() -> str:
        release.wait(5)
        return "older"

    first = run_in_background(slow, lambda f: got.append(f.result()), generation=generation)
    second = run_in_background(
        lambda: "newer", lambda f: got.append(f.result()), generation=generation
    )
    qtbot.waitUntil(lambda: got == ["newer"])
    release.set()
    first.join(5)
    second.join(5)
    qtbot.wait(50)  # the older result has arrived by now, and was dropped
    assert got == ["newer"]


@pytest.mark.parametrize("bound", [True, False], ids=["bound method", "lambda"])
def test_a_receiver_deleted_meanwhile_gets_nothing(qtbot: QtBot, bound: bool) -> None:
    release = threading.Event()
    receiver = Receiver()
    calls: list[object] = []
    on_done = receiver.done if bound else (lambda future: calls.append(future.result()))
    failures: list[BaseException | None] = []
    previous = threading.excepthook
    threading.excepthook = lambda args: failures.append(args.exc_value)
    try:
        worker = run_in_background(lambda: release.wait(5) and "late", on_done, receiver=receiver)
        shiboken6.delete(receiver)  # the window closes while the work runs
        release.set()
        worker.join(5)
        assert not worker.is_alive()
    finally:
        threading.excepthook = previous
    qtbot.wait(50)
    assert failures == [] and calls == []


def test_deliver_to_hands_over_every_call_in_order(qtbot: QtBot) -> None:
    receiver = Receiver()
    seen: list[int] = []
    post = deliver_to(seen.append, receiver=receiver)
    threads = [threading.Thread(target=lambda: [post(n) for n in range(5)])]
    for thread in threads:
        thread.start()
        thread.join(5)
    qtbot.waitUntil(lambda: len(seen) == 5)
    assert seen == [0, 1, 2, 3, 4]
    shiboken6.delete(receiver)
    post(99)
    qtbot.wait(50)
    assert seen == [0, 1, 2, 3, 4]
