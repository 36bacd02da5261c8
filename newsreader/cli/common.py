"""What every command shares: its store, and its failures as one line.

The bottom of the CLI: it imports no other module of `newsreader.cli`, and only click and
the standard library at import time, so `unread-count` and the app's start stay lean.
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, NoReturn, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

MAX_LIMIT = 1_000_000
"""`--limit`: more than any screen or script needs, and far below what SQL can count."""
MAX_ID = 2**63 - 1
"""Article ids are SQL integers: a bigger number cannot name one."""

DEBUG_HINT = "run it again with NEWSREADER_DEBUG=1 to see where, and please report it"
UPGRADING = "newsreader: upgrading the store to this version, once (a big one takes a while)"


def one_line_errors(func: F) -> F:
    """Errors reach the user as one line on stderr and a non-zero exit, never a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        # The error classes are imported only once there is an error (an `except` clause is
        # evaluated then): `unread-count` must not pay for importing SQLAlchemy.
        try:
            return func(*args, **kwargs)
        except _usage_errors() as error:  # a value the person typed: the store, the query
            fail(str(error), code=getattr(error, "exit_code", 2))
        except _known_errors() as error:
            fail(str(error))
        except KeyboardInterrupt:
            fail("interrupted", code=130)
        except BrokenPipeError:
            _reader_went_away()
        except OSError as error:
            fail(_os_error(error))
        except click.exceptions.Exit:
            raise
        except click.ClickException:
            raise
        except _database_error() as error:  # a store that failed mid-command (damaged, ...)
            from newsreader.store.errors import describe_error

            ctx = click.get_current_context(silent=True)
            fail(describe_error(store_url(ctx) if ctx else "sqlite://", error))
        except Exception as error:  # the last resort: still one line, and honest about it
            if os.environ.get("NEWSREADER_DEBUG"):
                raise
            fail(f"stopped by a fault in newsreader itself ({_gist(error)}); {DEBUG_HINT}")

    return wrapper  # type: ignore[return-value]


def _os_error(error: OSError) -> str:
    """An OS error names its file; one without a file came from writing the output."""
    reason = error.strerror or _gist(error)
    if error.filename:
        return f"{reason}: {error.filename}"
    return f"cannot write the output: {reason}" if error.errno in _WRITE_ERRNOS else reason


_WRITE_ERRNOS = {errno.ENOSPC, errno.EIO, errno.EFBIG, errno.EDQUOT}


def _gist(error: BaseException) -> str:
    """What an unforeseen error says, without its class name, SQL or a second line."""
    text = str(error).split("[SQL", 1)[0].split("(Background on", 1)[0]
    lines = text.strip().splitlines()
    gist = " ".join(lines[0].split()) if lines else ""
    return gist[:160] or "no details"


def _usage_errors() -> tuple[type[Exception], ...]:
    from newsreader.paths import StoreUrlError
    from newsreader.search.query import QueryError

    return (QueryError, StoreUrlError)


def _known_errors() -> tuple[type[Exception], ...]:
    from newsreader.ingest import IngestError
    from newsreader.store.engine import StoreError

    return (StoreError, IngestError)


def _database_error() -> type[Exception]:
    from sqlalchemy.exc import DatabaseError

    return DatabaseError


def examples(*lines: str) -> str:
    """A command's `epilog`: its examples, kept as written (click rewraps other text)."""
    return "\b\nExamples:\n" + "\n".join(f"  {line}" for line in lines)


def fail(message: str, code: int = 1) -> NoReturn:
    """One line on stderr and exit `code`; the log has the line too, with the traceback of
    the error being handled, if any (a mistyped option needs none)."""
    import logging

    from newsreader.ingest.sanitize import clean_line

    error = sys.exc_info()[1]
    logging.getLogger(__name__).error(
        "%s",
        message,
        exc_info=None if error is None or isinstance(error, click.ClickException) else error,
        extra={"on_screen": True},  # printed below: -v must not say it twice
    )
    click.echo(f"newsreader: {clean_line(message)}", err=True)
    sys.exit(code)


def _reader_went_away() -> None:
    """`newsreader list | head`: the reader closed the pipe; stop quietly, as `cat` does."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    sys.exit(141)


class OneLineUsage(click.Group):
    """Click's own usage errors (a bad option value, a missing argument, an unknown command)
    as one line too, `newsreader: show: ...`, exit 2, instead of usage text and `Error:`."""

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        try:
            return super().make_context(*args, **kwargs)
        except click.ClickException as error:
            _usage_failed(error)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.ClickException as error:
            _usage_failed(error)


def _usage_failed(error: click.ClickException) -> NoReturn:
    if isinstance(error, click.exceptions.NoArgsIsHelpError):
        raise error  # `newsreader feed`: the help is the answer
    message = error.format_message().rstrip(".")
    message = message[:1].lower() + message[1:]
    context = getattr(error, "ctx", None)
    command = " ".join(context.command_path.split()[1:]) if context else ""
    if command:
        message = f"{command}: {message} (see `newsreader {command} --help`)"
    fail(message, code=error.exit_code)


def store_url(ctx: click.Context) -> str:
    """The URL of the store named by --db / NEWSREADER_DB / the default. A value that names
    no usable store ends the command with one line naming where the value came from."""
    from newsreader import paths

    root = ctx.find_root()
    value = (root.obj or {}).get("db")
    try:
        return paths.db_url(value)
    except paths.StoreUrlError as error:
        from click.core import ParameterSource

        if not value:
            where = f"the store {paths.default_db_path()}"
        elif root.get_parameter_source("db") == ParameterSource.ENVIRONMENT:
            where = f"{paths.DB_ENV}={value}"
        else:
            where = f"--db {value}"
        fail(_hide_password(f"{where}: {error}"), code=error.exit_code)


def _hide_password(url: str) -> str:
    import re

    return re.sub(r"(://[^:/@\s]*):[^@/\s]*@", r"\1:***@", url)


def open_store(ctx: click.Context) -> Any:
    """The store named by --db / NEWSREADER_DB / the default, seeded on first use."""
    from newsreader.importer import seed
    from newsreader.store.store import Store

    store = Store(store_url(ctx), on_upgrade=lambda: click.echo(UPGRADING, err=True))
    ctx.call_on_close(store.close)
    seed(store)
    return store
