"""`saved add|list|remove`: saved searches, live virtual feeds (`list --saved NAME`)."""

from __future__ import annotations

import click

from newsreader.cli.common import examples, one_line_errors, open_store
from newsreader.cli.output import dumps, safe


@click.group(
    epilog=examples("newsreader saved add boats 'ferry tag:coast'", "newsreader list --saved boats")
)
def saved() -> None:
    """Saved searches: named queries that stay live (`newsreader list --saved NAME`)."""


@saved.command(
    "add",
    epilog=examples(
        "newsreader saved add boats 'ferry tag:coast'",
        "newsreader saved add unread-tech 'tag:tech is:unread'",
    ),
)
@click.argument("name")
@click.argument("query")
@click.pass_context
@one_line_errors
def saved_add(ctx: click.Context, name: str, query: str) -> None:
    """Save QUERY (anything the search bar takes) as NAME."""
    from newsreader.store.saved import check_query, save_search, saved_name

    saved_name(name), check_query(query)  # refused before a store is made
    info = save_search(open_store(ctx), name, query)
    click.echo(f"saved {safe(info.name)}: {safe(info.query)}")


@saved.command("list", epilog=examples("newsreader saved list", "newsreader saved list --json"))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per saved search.")
@click.pass_context
@one_line_errors
def saved_list(ctx: click.Context, as_json: bool) -> None:
    """Saved searches with how many articles match now, and how many are unread."""
    from newsreader.cli.records import SAVED, record
    from newsreader.store.saved import saved_counts, saved_searches

    store = open_store(ctx)
    for info in saved_searches(store):
        counts = saved_counts(store, info.query)
        if as_json:
            click.echo(dumps(record(SAVED, (info, counts))))
        else:
            click.echo(
                f"{safe(info.name)[:24]:<24}  {counts.total:>7} articles  "
                f"{counts.unread:>7} unread  {safe(info.query)}"
            )


@saved.command("remove", epilog=examples("newsreader saved remove boats"))
@click.argument("name")
@click.pass_context
@one_line_errors
def saved_remove(ctx: click.Context, name: str) -> None:
    """Forget a saved search (its articles stay)."""
    from newsreader.store.saved import remove_saved

    info = remove_saved(open_store(ctx), name)
    click.echo(f"removed {safe(info.name)}")


COMMANDS = (saved,)
