"""`stories`: the groups of articles that report one story (issue 18)."""

from __future__ import annotations

from datetime import datetime

import click

from newsreader.cli.common import MAX_LIMIT, examples, one_line_errors, open_store
from newsreader.cli.output import date, dumps, safe


@click.command(
    epilog=examples("newsreader stories --since 2026-11-01", "newsreader stories --json")
)
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
    from newsreader.cli.records import ARTICLE_ROW, STORY, Listed, record
    from newsreader.store.details import article_details
    from newsreader.stories.groups import list_stories, regroup

    store = open_store(ctx)
    if rebuild:
        joined = regroup(store)
        click.echo(f"newsreader: regrouped; {joined} articles joined another's story", err=True)
    groups = list_stories(store, since=since, limit=limit)
    ids = [i for group in groups for i in group.members]
    rows = store.rows(ids)
    details = article_details(store, ids) if as_json else {}
    for group in groups:
        members = [rows[i] for i in group.members if i in rows]
        if as_json:
            listed = [Listed(row, details.get(row.id), story=group.story) for row in members]
            told = [record(ARTICLE_ROW, item) for item in listed]
            click.echo(dumps(record(STORY, (group, told))))
            continue
        sources = ", ".join(safe(s) for s in group.sources)
        click.echo(f"story {group.story}: {len(members)} articles · {sources}")
        for row in members:
            click.echo(
                f"  {row.id:>6}  {date(row.published_at):<10}  {safe(row.source)[:24]:<24}  "
                f"{safe(row.title)}"
            )


COMMANDS = (stories,)
