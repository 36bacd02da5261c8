"""The command line: bare `newsreader` opens the app; subcommands serve scripts."""

from __future__ import annotations

import errno
import json
import os
import sys
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from newsreader import __version__

F = TypeVar("F", bound=Callable[..., Any])


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

DEBUG_HINT = "run it again with NEWSREADER_DEBUG=1 to see where, and please report it"


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


def fail(message: str, code: int = 1) -> NoReturn:
    from newsreader.ingest.sanitize import clean_line

    click.echo(f"newsreader: {clean_line(message)}", err=True)
    sys.exit(code)


def _reader_went_away() -> None:
    """`newsreader list | head`: the reader closed the pipe; stop quietly, as `cat` does."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    sys.exit(141)


UPGRADING = "newsreader: upgrading the store to this version, once (a big one takes a while)"


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


MAX_LIMIT = 1_000_000
"""`--limit`: more than any screen or script needs, and far below what SQL can count."""
MAX_ID = 2**63 - 1
"""Article ids are SQL integers: a bigger number cannot name one."""


@click.group(
    cls=OneLineUsage,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option(
    "--db",
    metavar="PATH|URL",
    envvar="NEWSREADER_DB",
    help="Store: a SQLite file path or a SQLAlchemy URL. [env: NEWSREADER_DB]",
)
@click.version_option(__version__, "--version", "-V", prog_name="newsreader")
@click.pass_context
@one_line_errors
def main(ctx: click.Context, db: str | None) -> None:
    """A terminal news reader with typo-tolerant search.

    Run without a command to open the reader.
    """
    ctx.ensure_object(dict)
    ctx.obj["db"] = db
    if ctx.invoked_subcommand is None:
        from newsreader.ui.app import make_app

        # The app opens (and seeds) the store itself, after its first frame.
        app = make_app(db_url=store_url(ctx))
        app.run()
        if app.error:
            fail(app.error)
        if app.return_code:
            sys.exit(app.return_code)


@main.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.pass_context
@one_line_errors
def import_(ctx: click.Context, paths: tuple[Path, ...]) -> None:
    """Import files or folders (recursively): text, Markdown, HTML pages, RSS/Atom/JSON
    feeds (their articles) and OPML lists (their feeds are subscribed)."""
    from newsreader.importer import import_paths

    store = open_store(ctx)

    def skipped(path: str, why: str) -> None:
        click.echo(f"skipped {safe(path)}: {safe(why)}", err=True)

    if sys.stderr.isatty():
        with click.progressbar(length=0, label="Importing", file=sys.stderr) as bar:

            def advance(done: int, total: int) -> None:
                bar.length = total
                bar.update(1)

            report = import_paths(store, paths, on_skip=skipped, on_progress=advance)
    else:
        # Not a terminal: a plain line every thousand files, for logs.
        def every_thousand(done: int, total: int) -> None:
            if done % 1000 == 0 or (done == total and total >= 1000):
                click.echo(f"read {done}/{total} files", err=True)

        report = import_paths(store, paths, on_skip=skipped, on_progress=every_thousand)
    click.echo(report.summary())
    if report.failed:
        sys.exit(1)


@main.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per article.")
@click.option("--limit", type=click.IntRange(1, MAX_LIMIT), help="At most this many articles.")
@click.option("--unread", is_flag=True, help="Only unread articles.")
@click.option("--starred", is_flag=True, help="Only starred articles.")
@click.pass_context
@one_line_errors
def list_(
    ctx: click.Context, as_json: bool, limit: int | None, unread: bool, starred: bool
) -> None:
    """List articles, newest first."""
    from newsreader.search.query import Filters

    store = open_store(ctx)
    states = {"unread"} if unread else set()
    if starred:
        states.add("starred")
    ids = store.filtered_ids(Filters(states=frozenset(states)), limit=limit)
    rows = store.rows(ids)
    for article_id in ids:
        row = rows[article_id]
        if as_json:
            click.echo(_dumps(_row_json(row)))
        else:
            click.echo(
                f"{row.id:>6}  {_date(row.published_at):<10}  {safe(row.source)[:24]:<24}  "
                f"{safe(row.title)}"
            )


@main.command()
@click.argument("article_id", metavar="ID", type=click.IntRange(1, MAX_ID))
@click.option("--json", "as_json", is_flag=True, help="The article as a JSON object.")
@click.pass_context
@one_line_errors
def show(ctx: click.Context, article_id: int, as_json: bool) -> None:
    """Print one article."""
    store = open_store(ctx)
    article = store.article(article_id)
    if article is None:
        fail(f"no article with id {article_id}")
        return
    if as_json:
        click.echo(_dumps(_article_json(article)))
        return
    click.echo(safe(article.title))
    dated = _date(article.published_at) if article.published_at else ""
    meta = [m for m in (article.source, article.author, dated) if m]
    click.echo(" · ".join(safe(m) for m in meta) + f" · {article.reading_minutes} min read")
    if article.url:
        click.echo(safe(article.url))
    click.echo()
    click.echo(safe(article.body, keep_lines=True))


@main.command()
@click.argument("query")
@click.option("--limit", type=click.IntRange(1, MAX_LIMIT), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per hit.")
@click.pass_context
@one_line_errors
def search(ctx: click.Context, query: str, limit: int, as_json: bool) -> None:
    """Search titles, sources and bodies, typo-tolerant, best first."""
    from newsreader.search.query import parse_query
    from newsreader.search.tokens import highlight_spans

    parse_query(query)  # a query that cannot run is refused before a store is made
    store = open_store(ctx)
    result = store.search(query, limit=limit)
    rows = store.rows(result.ids)
    for article_id, score in zip(result.ids, result.scores, strict=True):
        row = rows[article_id]
        if as_json:
            record = _row_json(row) | {
                "score": score,
                "title_spans": highlight_spans(row.title, result.terms),
            }
            click.echo(_dumps(record))
        else:
            click.echo(f"{row.id:>6}  {score:6.2f}  {safe(row.source)[:24]:<24}  {safe(row.title)}")
    if not result.ids and not as_json:
        click.echo(f"newsreader: no articles match {safe(query)!r}", err=True)


def _dumps(record: dict[str, Any]) -> str:
    """JSON keeps article text exact, but C1, bidi and zero-width characters go out as
    `\\uXXXX` escapes so that printing the JSON cannot act on the terminal."""
    from newsreader.ingest.sanitize import escape_controls

    line = escape_controls(json.dumps(record, ensure_ascii=False))
    # U+2028/2029 are line breaks to `str.splitlines` and some terminals: one record, one line.
    return line.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


@main.command()
@click.option(
    "--rebuild",
    is_flag=True,
    help="Repair: rebuild the search index, or move a damaged store aside "
    "(<name>.corrupt-<time>) and start a fresh one, re-importing what can be found.",
)
@click.pass_context
@one_line_errors
def doctor(ctx: click.Context, rebuild: bool) -> None:
    """Check the store: its file, integrity, schema version and search index."""
    from newsreader.store.health import check

    url = store_url(ctx)
    findings = check(url)
    for finding in findings:
        status = "ok" if finding.ok else "PROBLEM"
        click.echo(f"{status:<8}{finding.check}: {safe(finding.message)}")
    if rebuild:
        from newsreader.recovery import rebuild as repair

        for line in repair(url):
            click.echo(safe(line))
        return
    repairs = {finding.repair for finding in findings if not finding.ok}
    if repairs & {"rebuild", "reindex"}:
        fail("the store needs repair: run `newsreader doctor --rebuild`")
    elif repairs:
        fail("the store has a problem newsreader cannot repair (see above)")


def safe(text: str, keep_lines: bool = False) -> str:
    """Text from articles, made safe for a terminal (no escape or control bytes)."""
    from newsreader.ingest.sanitize import clean_line, strip_controls

    return strip_controls(text) if keep_lines else clean_line(text)


def _date(moment: datetime | None) -> str:
    return moment.date().isoformat() if moment else "—"


def _row_json(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "title": row.title,
        "source": row.source,
        "published_at": row.published_at.isoformat() if row.published_at else None,
        "is_read": row.is_read,
        "is_starred": row.is_starred,
    }


def _article_json(article: Any) -> dict[str, Any]:
    return {
        "id": article.id,
        "title": article.title,
        "source": article.source,
        "author": article.author,
        "url": article.url,
        "published_at": article.published_at.isoformat() if article.published_at else None,
        "imported_at": article.imported_at.isoformat(),
        "word_count": article.word_count,
        "reading_minutes": article.reading_minutes,
        "is_read": article.is_read,
        "is_starred": article.is_starred,
        "origin": article.origin,
        "body": article.body,
    }


def _register_feed_commands() -> None:
    from newsreader.cli_feeds import export, feed, refresh

    for command in (feed, refresh, export):
        main.add_command(command)


_register_feed_commands()


def _register_reading_commands() -> None:
    from newsreader.cli_reading import config, unread_count

    for command in (unread_count, config):
        main.add_command(command)


_register_reading_commands()
