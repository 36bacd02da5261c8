"""`mark-read QUERY`: every article a query matches, read at once, from scripts."""

from __future__ import annotations

import click

from newsreader.cli.common import examples, one_line_errors, open_store


@click.command(
    "mark-read",
    epilog=examples(
        "newsreader mark-read 'feed:\"Le Monde\" before:7d'",
        "newsreader mark-read is:unread --dry-run",
    ),
)
@click.argument("query")
@click.option("--dry-run", is_flag=True, help="Only say how many would be marked.")
@click.pass_context
@one_line_errors
def mark_read(ctx: click.Context, query: str, dry_run: bool) -> None:
    """Mark every unread article QUERY matches as read (`is:unread`: all of them)."""
    from newsreader.search.query import parse_query
    from newsreader.store.marking import mark_read as mark

    parse_query(query)  # a query that cannot run is refused before a store is made
    count = mark(open_store(ctx), query, dry_run=dry_run)
    click.echo(f"{count} articles would be marked read" if dry_run else f"{count} marked read")


COMMANDS = (mark_read,)
