"""The command line: bare `newsreader` opens the app; subcommands serve scripts."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from newsreader import __version__

F = TypeVar("F", bound=Callable[..., Any])


def one_line_errors(func: F) -> F:
    """Errors reach the user as one line on stderr and a non-zero exit, never a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from newsreader.ingest import IngestError
        from newsreader.store import StoreError

        try:
            return func(*args, **kwargs)
        except (StoreError, IngestError) as error:
            fail(str(error))
        except KeyboardInterrupt:
            fail("interrupted", code=130)
        except OSError as error:
            fail(f"{error.strerror or error}{f': {error.filename}' if error.filename else ''}")
        except click.exceptions.Exit:
            raise
        except click.ClickException:
            raise
        except Exception as error:  # the last resort: still one line, and honest about it
            fail(f"unexpected error: {type(error).__name__}: {error}")

    return wrapper  # type: ignore[return-value]


def fail(message: str, code: int = 1) -> None:
    from newsreader.ingest.sanitize import clean_line

    click.echo(f"newsreader: {clean_line(message)}", err=True)
    sys.exit(code)


def open_store(ctx: click.Context) -> Any:
    """The store named by --db / NEWSREADER_DB / the default, seeded on first use."""
    from newsreader import paths
    from newsreader.importer import seed
    from newsreader.store import Store

    store = Store(paths.db_url(ctx.obj["db"]))
    ctx.call_on_close(store.close)
    seed(store)
    return store


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
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
        store = open_store(ctx)
        from newsreader.ui.app import make_app

        make_app(store).run()


@main.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.pass_context
@one_line_errors
def import_(ctx: click.Context, paths: tuple[Path, ...]) -> None:
    """Import text and Markdown files, or folders of them (recursively)."""
    from newsreader.importer import import_paths

    store = open_store(ctx)
    report = import_paths(
        store, paths, on_skip=lambda path, why: click.echo(f"skipped {safe(path)}: {why}", err=True)
    )
    click.echo(report.summary())
    if report.failed:
        sys.exit(1)


@main.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per article.")
@click.option("--limit", type=click.IntRange(min=1), help="At most this many articles.")
@click.pass_context
@one_line_errors
def list_(ctx: click.Context, as_json: bool, limit: int | None) -> None:
    """List articles, newest first."""
    store = open_store(ctx)
    ids = store.ids()[:limit] if limit else store.ids()
    rows = store.rows(ids)
    for article_id in ids:
        row = rows[article_id]
        if as_json:
            click.echo(json.dumps(_row_json(row), ensure_ascii=False))
        else:
            click.echo(f"{row.id:>6}  {_date(row.published_at):<10}  {safe(row.source)[:24]:<24}  "
                       f"{safe(row.title)}")


@main.command()
@click.argument("article_id", metavar="ID", type=int)
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
        click.echo(json.dumps(_article_json(article), ensure_ascii=False))
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
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per hit.")
@click.pass_context
@one_line_errors
def search(ctx: click.Context, query: str, limit: int, as_json: bool) -> None:
    """Search titles, sources and bodies, typo-tolerant, best first."""
    from newsreader.search import highlight_spans

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
            click.echo(json.dumps(record, ensure_ascii=False))
        else:
            click.echo(f"{row.id:>6}  {score:6.2f}  {safe(row.source)[:24]:<24}  {safe(row.title)}")
    if not result.ids and not as_json:
        click.echo(f"no articles match {safe(query)!r}", err=True)


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
