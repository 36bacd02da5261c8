"""`stories`: the groups of articles that report one story (issue 18)."""

from __future__ import annotations

from datetime import datetime

import click

from newsreader.cli.common import MAX_LIMIT, one_line_errors, open_store
from newsreader.cli.output import date, dumps, row_json, safe


@click.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object per story.")
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="DATE",
    help="Only stories with coverage on or after DATE (YYYY-MM-DD, UTC).",
)
@click.option("--limit", type=click.IntRange(1, MAX_LIMIT), help="At most this many stories.")
@click.option("--rebuild", is_flag=True, help="Group every article again, then list.")
@click.pass_context
@one_line_errors
def stories(
    ctx: click.Context,
    as_json: bool,
    since: datetime | None,
    limit: int | None,
    rebuild: bool,
) -> None:
    """List stories told by several articles, latest coverage first, with their members."""
    from newsreader.stories.groups import list_stories, regroup

    store = open_store(ctx)
    if rebuild:
        joined = regroup(store)
        click.echo(f"newsreader: regrouped; {joined} articles joined another's story", err=True)
    groups = list_stories(store, since=since, limit=limit)
    rows = store.rows([i for group in groups for i in group.members])
    for group in groups:
        members = [rows[i] for i in group.members if i in rows]
        if as_json:
            record = {"story": group.story, "sources": list(group.sources)}
            click.echo(dumps(record | {"members": [row_json(row) for row in members]}))
            continue
        sources = ", ".join(safe(s) for s in group.sources)
        click.echo(f"story {group.story}: {len(members)} articles · {sources}")
        for row in members:
            click.echo(
                f"  {row.id:>6}  {date(row.published_at):<10}  {safe(row.source)[:24]:<24}  "
                f"{safe(row.title)}"
            )


COMMANDS = (stories,)
