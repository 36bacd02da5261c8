"""Where what newsreader does is told: a rotating log file always, stderr with `-v`.

The core logs through module loggers (`logging.getLogger(__name__)`) and configures
nothing; only the CLI entry calls `configure`. The file is opened at the first record, so a
command with nothing to tell (`unread-count`, on every status-bar tick) neither imports
`logging.handlers` nor touches the disk. A log that cannot be written never stops a
command: it is said once, at `-v`, and the command goes on without it. Imports no other
module of `newsreader.cli`.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any

import click

MAX_BYTES = 1 * 2**20
"""The log file's size before it is rotated; BACKUPS old ones are kept (4 MB in all)."""
BACKUPS = 3
ON_SCREEN = "on_screen"
"""`extra={ON_SCREEN: True}`: the record's message is already printed; stderr skips it."""

_logger = logging.getLogger("newsreader")
_state: dict[str, Any] = {"verbosity": 0, "handlers": (), "terminal": True}


class _LogFile(logging.Handler):
    """A `RotatingFileHandler`, made at the first record; where it cannot be, nothing."""

    def __init__(self, where: Callable[[], Path]) -> None:
        super().__init__(logging.INFO)
        self._where = where
        self._file: logging.Handler | None = None
        self._broken = False

    def emit(self, record: logging.LogRecord) -> None:
        if self._broken:
            return
        if self._file is None:
            path = None
            try:
                from logging.handlers import RotatingFileHandler

                path = self._where()
                # Its own folder, the person's alone: feed URLs may carry tokens.
                path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                self._file = RotatingFileHandler(
                    path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=False
                )
            except OSError as error:
                self._broken = True
                _cannot_log(path, error)
                return
            self._file.setFormatter(_FileFormat())
            self._file.handleError = self._failed  # type: ignore[method-assign]
        self._file.emit(record)

    def _failed(self, record: logging.LogRecord) -> None:
        """A write that failed (a full disk): said once, never a traceback on stderr."""
        if not self._broken:
            self._broken = True
            _cannot_log(self._where(), sys.exc_info()[1])

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        super().close()


class _FileFormat(logging.Formatter):
    """Time, process, level, logger, message and any traceback; text from outside (feed
    names, errors a server worded) with its control characters taken out, so that reading
    the log in a terminal cannot act on it."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        from newsreader.ingest.sanitize import strip_controls

        return strip_controls(super().format(record))


class _Stderr(logging.Handler):
    """`-v`: one line per record, `newsreader: info: ...`; tracebacks stay in the file."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not getattr(record, ON_SCREEN, False) and super().filter(record)

    def emit(self, record: logging.LogRecord) -> None:
        from newsreader.ingest.sanitize import clean_line

        with suppress(Exception):  # stderr closed, or a message that cannot be formatted
            line = clean_line(record.getMessage())
            click.echo(f"newsreader: {record.levelname.lower()}: {line}", err=True)


def configure(verbosity: int, where: Callable[[], Path] | None = None) -> None:
    """Log to the rotating file (INFO, DEBUG at -vv) and, at `verbosity` 1 or more, to
    stderr. Called again (a test invoking the CLI twice), it replaces what it set."""
    detach()
    if where is None:
        from newsreader.paths import log_path

        where = log_path
    logging.raiseExceptions = False  # a log that fails is a log that fails, never a command
    handlers = (_LogFile(where), _Stderr())
    _state.update(verbosity=0, handlers=handlers, terminal=True)
    for handler in handlers:
        _logger.addHandler(handler)
    set_verbosity(verbosity)


def detach() -> None:
    """Remove and close what `configure` set (a test's teardown; a second `configure`)."""
    for handler in _state["handlers"]:
        _logger.removeHandler(handler)
        handler.close()
    _state.update(handlers=(), verbosity=0, terminal=True)
    _logger.setLevel(logging.NOTSET)


def set_verbosity(verbosity: int) -> None:
    _state["verbosity"] = verbosity
    if not _state["handlers"]:
        return
    log_file, stderr = _state["handlers"]
    detail = logging.DEBUG if verbosity >= 2 else logging.INFO
    _logger.setLevel(detail)
    log_file.setLevel(detail)
    stderr.setLevel(detail if verbosity and _state["terminal"] else logging.CRITICAL + 1)


def more_verbose(ctx: click.Context, param: click.Parameter, count: int) -> None:
    """A subcommand's own `-v`: adds to the group's (`newsreader -v refresh -v`)."""
    if count:
        set_verbosity(_state["verbosity"] + count)


def verbose_option(short: bool = True) -> click.Option:
    """`-v/--verbose` for a subcommand. `short=False` where `-v` is a value (`feed tag
    FEED -v` removes the tag `v`)."""
    return click.Option(
        ["-v", "--verbose"] if short else ["--verbose"],
        count=True,
        expose_value=False,
        callback=more_verbose,
        help=VERBOSE_HELP,
    )


VERBOSE_HELP = "Say what is done on stderr (-vv: debugging detail); the log file has it too."


def _cannot_log(path: Path | None, error: BaseException | None) -> None:
    if _state["verbosity"] < 1 or not _state["terminal"]:
        return
    reason = getattr(error, "strerror", None) or str(error) or "unknown error"
    where = f" in {path.parent}" if path is not None else ""
    with suppress(Exception):
        click.echo(
            f"newsreader: cannot write the log{where}: {reason}; going on without it", err=True
        )


def log_location() -> tuple[Path, str | None]:
    """The log file, and why it cannot be written (None when it can), for `doctor`."""
    import os

    from newsreader.paths import log_path

    path = log_path()
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    target = path if path.exists() else folder
    if not os.access(target, os.W_OK) or (target == folder and not os.access(folder, os.X_OK)):
        return path, f"{target} is not writable"
    if target == folder and not folder.is_dir():
        return path, f"{folder} is not a folder"
    return path, None


def quiet_terminal() -> None:
    """The app owns the terminal: from now on the log goes to its file only."""
    _state["terminal"] = False
    if _state["handlers"]:
        _state["handlers"][1].setLevel(logging.CRITICAL + 1)
