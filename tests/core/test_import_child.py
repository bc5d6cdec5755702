"""An import in a child process: the review it gives, and every way it can go wrong in words."""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

import pytest

from player.core.importer import ImportFailure, import_file
from player.core.importer.child import ImportRun, ImportStopped, import_command
from player.core.review import read_review

CORPUS = Path(__file__).resolve().parents[1] / "data" / "import"
ROOT = Path(__file__).resolve().parents[2]
posix_only = pytest.mark.skipif(sys.platform == "win32", reason="signals are POSIX")


def python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_the_import_runs_in_another_process_and_gives_its_review(tmp_path: Path) -> None:
    run = ImportRun(CORPUS / "de-liveblog.html", tmp_path / "library")
    review = run.run()
    assert run.pid is not None and run.pid != os.getpid()
    assert review.path.parent.parent == tmp_path / "library"
    assert review == read_review(review.path)
    assert review.language.startswith("de") and len(review.headings) > 1
    assert run.finished.is_set()


@pytest.mark.parametrize("name", ["gone.html", "notes.pdf"])
def test_a_failure_gives_the_importers_own_words(tmp_path: Path, name: str) -> None:
    source = tmp_path / name
    with pytest.raises(ImportFailure) as here:
        import_file(source)
    with pytest.raises(ImportFailure) as there:
        ImportRun(source, tmp_path / "library").run()
    assert str(there.value) == str(here.value)
    assert not (tmp_path / "library").exists()


@posix_only
def test_a_killed_importer_is_said_in_words(tmp_path: Path) -> None:
    command = python("import os, signal; os.kill(os.getpid(), signal.SIGKILL)")
    with pytest.raises(ImportFailure) as failure:
        ImportRun(tmp_path / "page.html", tmp_path, command=command).run()
    assert str(failure.value) == (
        f"{tmp_path / 'page.html'}: the import ended before it finished: the importing "
        "process was stopped by SIGKILL (signal 9)"
    )


def test_an_importer_that_crashes_gives_no_traceback(tmp_path: Path) -> None:
    command = python("print('half an answer'); raise RuntimeError('boom')")
    with pytest.raises(ImportFailure) as failure:
        ImportRun(tmp_path / "page.html", tmp_path, command=command).run()
    message = str(failure.value)
    assert "exited with status 1" in message
    assert "Traceback" not in message and "boom" not in message


def test_an_answer_that_is_not_a_review_is_said_in_words(tmp_path: Path) -> None:
    command = python('print(\'{"folder": "x", "review": {"story": "x"}}\')')
    with pytest.raises(ImportFailure, match="the importer's answer was not understood"):
        ImportRun(tmp_path / "page.html", tmp_path, command=command).run()


def test_a_hanging_importer_is_killed_after_its_time(tmp_path: Path) -> None:
    run = ImportRun(
        tmp_path / "page.html",
        tmp_path,
        timeout_s=0.5,
        command=python("import time; time.sleep(60)"),
    )
    start = time.monotonic()
    with pytest.raises(ImportFailure, match=r"took longer than 0\.5 seconds and was stopped"):
        run.run()
    assert time.monotonic() - start < 10
    assert run.pid is not None and gone(run.pid)


def test_stop_ends_the_importer_from_another_thread(tmp_path: Path) -> None:
    run = ImportRun(tmp_path / "page.html", tmp_path, command=python("import time; time.sleep(60)"))
    failures: list[str] = []
    stopped: list[bool] = []

    def wait() -> None:
        try:
            run.run()
        except ImportFailure as exc:
            failures.append(str(exc))
            stopped.append(isinstance(exc, ImportStopped))

    worker = threading.Thread(target=wait)
    worker.start()
    assert run.started.wait(10)
    run.stop()
    worker.join(10)
    assert not worker.is_alive()
    assert failures == [f"{tmp_path / 'page.html'}: the import was stopped"]
    assert stopped == [True]
    assert run.pid is not None and gone(run.pid)
    run.stop()  # again, once it has ended: nothing happens


def test_a_stopped_import_never_starts(tmp_path: Path) -> None:
    run = ImportRun(tmp_path / "page.html", tmp_path, command=python("raise SystemExit(3)"))
    run.stop()
    with pytest.raises(ImportStopped, match="the import was stopped"):
        run.run()
    assert run.pid is None


def test_the_bundle_runs_the_import_as_its_own_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A frozen app has no ``-m``: the command is the bundle itself, and the bundle's entry
    point (packaging/launcher.py) must hand it to ``story-player import``."""
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", "/opt/story-player/story-player")
    source = CORPUS / "en-notes.md"
    command = import_command(source, tmp_path)
    assert command == [
        "/opt/story-player/story-player",
        "import",
        "--out",
        str(tmp_path),
        "--json",
        "--",
        str(source),
    ]
    monkeypatch.syspath_prepend(str(ROOT / "packaging"))
    import launcher  # type: ignore[import-not-found]

    monkeypatch.setattr(sys, "argv", command)
    assert launcher.main() == 0
    answer = capsys.readouterr().out.strip().splitlines()[-1]
    assert '"folder": ' in answer and str(tmp_path) in answer


def test_the_child_runs_this_checkout_and_never_puts_site_packages_first(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from player.core.importer import child

    monkeypatch.setenv("PYTHONPATH", "/elsewhere")
    assert child._environment()["PYTHONPATH"] == os.pathsep.join([str(ROOT), "/elsewhere"])
    installed = tmp_path / "lib" / "site-packages" / "player" / "core" / "importer" / "child.py"
    monkeypatch.setattr(child, "__file__", str(installed))
    assert child._environment()["PYTHONPATH"] == "/elsewhere"
    monkeypatch.setattr(child, "__file__", str(ROOT / "player" / "core" / "importer" / "child.py"))
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert child._environment()["PYTHONPATH"] == "/elsewhere"


def test_an_import_stopped_as_it_finished_gives_no_review(tmp_path: Path) -> None:
    run = ImportRun(CORPUS / "en-notes.md", tmp_path / "library")
    real = run._outcome

    def stopped_meanwhile(status: int, out: str, err: str) -> object:
        run.stop()  # the window closed just as the answer came
        return real(status, out, err)

    run._outcome = stopped_meanwhile  # type: ignore[method-assign,assignment]
    with pytest.raises(ImportStopped):
        run.run()
