"""Reading-state commands: `unread-count` for status bars, `config path`.

Registered by `cli.py`. `unread-count` must stay fast: nothing here imports the database
stack unless the store is not SQLite.
"""

from __future__ import annotations

import click

from newsreader.cli import fail, one_line_errors, safe, store_url


@click.command("unread-count")
@click.pass_context
@one_line_errors
def unread_count(ctx: click.Context) -> None:
    """Print the number of unread articles (fast, for status bars)."""
    from newsreader.quick import QuickError
    from newsreader.quick import unread_count as count

    try:
        click.echo(count(store_url(ctx)))
    except QuickError as error:
        fail(str(error))


@click.group()
def config() -> None:
    """Where newsreader keeps its preferences."""


@config.command("path")
def config_path() -> None:
    """Print the preferences file's path (it may not exist yet)."""
    from newsreader import paths

    click.echo(safe(str(paths.preferences_path())))
