"""Where the app's log goes: stderr always, a small rotating file in the user's log folder
when something may be written to disk.

Every module logs through ``logging.getLogger(__name__)``; this module only decides the
handlers, once, at start. A library workstation keeps nothing on disk, so there (and in
any memory-only session) the log goes to stderr alone, which the workstation's service
manager keeps. ``--debug`` lowers the level to DEBUG on both.

The folder is the platform's usual one for logs (platformdirs): ``~/.local/state/
story-player/log`` on Linux (``$XDG_STATE_HOME``), ``%LOCALAPPDATA%\\story-player\\Logs``
on Windows and ``~/Library/Logs/story-player`` on macOS. A folder that cannot be made
(a read-only home) leaves the log on stderr, with a warning there.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path
from typing import Final, TextIO

APP_NAME: Final = "story-player"
LOG_FILE_NAME: Final = "story-player.log"
#: one file of this size and two older ones: a few days of a busy workstation's warnings
MAX_BYTES: Final = 1_000_000
BACKUPS: Final = 2
FORMAT: Final = "%(asctime)s %(levelname)s %(name)s: %(message)s"

#: the handlers this module added, so that configuring again replaces them
_installed: list[logging.Handler] = []


def log_dir() -> Path:
    """The platform's folder for this app's logs (not created here)."""
    import platformdirs

    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def configure_logging(
    *,
    debug: bool = False,
    to_disk: bool = True,
    folder: Path | None = None,
    stream: TextIO | None = None,
) -> Path | None:
    """Set up the ``player`` loggers' handlers; the log file's path, or None without one.

    Without ``debug`` stderr shows warnings and errors and the file keeps INFO and above;
    with it both show everything. Calling it again replaces what an earlier call set up.
    """
    reset_logging()
    logger = logging.getLogger("player")
    logger.setLevel(logging.DEBUG if debug else logging.INFO)
    # The app's own handlers only: a host (tests, an embedding program) keeps its root's.
    logger.propagate = False

    console = logging.StreamHandler(stream if stream is not None else sys.stderr)
    console.setLevel(logging.DEBUG if debug else logging.WARNING)
    console.setFormatter(logging.Formatter("story-player: %(levelname)s %(name)s: %(message)s"))
    _add(logger, console)
    if not to_disk:
        return None
    target = (folder if folder is not None else log_dir()) / LOG_FILE_NAME
    file_handler = _LazyFileHandler(target)
    file_handler.setLevel(logging.DEBUG if debug else logging.INFO)
    file_handler.setFormatter(logging.Formatter(FORMAT))
    _add(logger, file_handler)
    return target


class _LazyFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating file made, folder and all, only when there is something to write: a run
    with nothing to report leaves nothing on disk. A file that cannot be made sends that
    record and the ones after it to stderr only."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=True
        )
        self._failed = False

    def emit(self, record: logging.LogRecord) -> None:
        if self._failed:
            return
        if self.stream is None:
            try:
                Path(self.baseFilename).parent.mkdir(parents=True, exist_ok=True)
                self.stream = self._open()
            except OSError as exc:
                self._failed = True
                print(f"story-player: no log file ({exc}); logging to stderr only", file=sys.stderr)
                return
        super().emit(record)


def keep_log_off_disk() -> None:
    """Stop writing the log file, from now on (a session that must leave nothing behind,
    found out after the log was set up). The file is made only when there is something to
    write, so a session that turns it off at start has never made one."""
    logger = logging.getLogger("player")
    for handler in [h for h in _installed if isinstance(h, logging.FileHandler)]:
        logger.removeHandler(handler)
        handler.close()
        _installed.remove(handler)


def reset_logging() -> None:
    """Remove what :func:`configure_logging` set up (tests, a host embedding the app)."""
    logger = logging.getLogger("player")
    for handler in _installed:
        logger.removeHandler(handler)
        handler.close()
    _installed.clear()
    logger.propagate = True
    logger.setLevel(logging.NOTSET)


def _add(logger: logging.Logger, handler: logging.Handler) -> None:
    logger.addHandler(handler)
    _installed.append(handler)
