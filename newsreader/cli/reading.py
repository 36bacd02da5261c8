"""Reading commands for scripts: `list`, `show`, `search`, `unread-count`.

`unread-count` must stay fast (status bars call it): nothing here imports the database stack
(nor the JSON records) at import time, and it never does unless the store is not SQLite.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import click

from newsreader.cli.common import (
    MAX_ID,
    MAX_LIMIT,
    examples,
    fail,
    one_line_errors,
    open_store,
    store_url,
)
from newsreader.cli.output import date, dumps, safe


@click.command(
    "list",
    epilog=examples(
        "newsreader list --unread --limit 20",
        "newsreader list --saved boats --json | jq -r .url",
    ),
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per article.")
@click.option("--limit", type=click.IntRange(1, MAX_LIMIT), help="At most this many articles.")
@click.option("--unread", is_flag=True, help="Only unread articles.")
@click.option("--starred", is_flag=True, help="Only starred articles.")
@click.option("--saved", "saved_name", metavar="NAME", help="Only a saved search's articles.")
@click.pass_context
@one_line_errors
def list_(
    ctx: click.Context,
    as_json: bool,
    limit: int | None,
    unread: bool,
    starred: bool,
    saved_name: str | None,
) -> None:
    """List articles, newest first (a saved search's: best first when it has words)."""
    from newsreader.search.query import Filters

    store = open_store(ctx)
    states = {"unread"} if unread else set()
    if starred:
        states.add("starred")
    filters = Filters(states=frozenset(states))
    if saved_name is not None:
        from newsreader.store.saved import find_saved

        query = find_saved(store, saved_name).query
        ids = store.search(query, limit=limit, within=filters or None).ids
    else:
        ids = store.filtered_ids(filters, limit=limit)
    rows = store.rows(ids)
    stories = _stories(store, ids) if as_json else {}
    details = _details(store, ids) if as_json else {}
    from newsreader.cli.records import ARTICLE_ROW, Listed, record

    for article_id in ids:
        row = rows[article_id]
        if as_json:
            click.echo(
                dumps(
                    record(
                        ARTICLE_ROW,
                        Listed(row, details.get(article_id), story=stories.get(article_id)),
                    )
                )
            )
        else:
            click.echo(
                f"{row.id:>6}  {date(row.published_at):<10}  {safe(row.source)[:24]:<24}  "
                f"{safe(row.title)}"
            )


@click.command(
    epilog=examples("newsreader show 42", "newsreader show 42 --json | jq -r .body"),
)
@click.argument("article_id", metavar="ID", type=click.IntRange(1, MAX_ID))
@click.option("--json", "as_json", is_flag=True, help="The article as a JSON object.")
@click.pass_context
@one_line_errors
def show(ctx: click.Context, article_id: int, as_json: bool) -> None:
    """Print one article."""
    from newsreader.links import only_web_references, web_link

    store = open_store(ctx)
    article = store.article(article_id)
    if article is None:
        fail(f"no article with id {article_id}")
    if as_json:
        from newsreader.cli.records import ARTICLE, Listed, record

        listed = Listed(article, _details(store, [article_id]).get(article_id))
        click.echo(dumps(record(ARTICLE, listed)))
        return
    click.echo(safe(article.title))
    dated = date(article.published_at) if article.published_at else ""
    meta = [m for m in (article.source, article.author, dated) if m]
    click.echo(" · ".join(safe(m) for m in meta) + f" · {article.reading_minutes} min read")
    url = web_link(article.url)
    if url:
        click.echo(safe(url))
    click.echo()
    click.echo(safe(only_web_references(article.body), keep_lines=True))


class _SearchCommand(click.Command):
    """`search --help` lists the qualifiers from the parser's own list (imported only when
    help is asked for: the other commands do not pay for the query parser)."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        from newsreader.search.query import QUALIFIER_HELP

        with formatter.section("Qualifiers (narrow the words; combine freely)"):
            formatter.write_dl(list(QUALIFIER_HELP.values()))
        super().format_epilog(ctx, formatter)


@click.command(
    cls=_SearchCommand,
    epilog=examples(
        "newsreader search 'erdgan s400'              typos are forgiven",
        "newsreader search 'ferry tag:coast is:unread after:7d' --json",
    ),
)
@click.argument("query")
@click.option(
    "--limit",
    type=click.IntRange(1, MAX_LIMIT),
    default=20,
    show_default=True,
    help="At most this many hits.",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per hit.")
@click.pass_context
@one_line_errors
def search(ctx: click.Context, query: str, limit: int, as_json: bool) -> None:
    """Search titles, sources and bodies, typo-tolerant, best first.

    Every word must match (fuzzily); "exact phrase" matches word for word; -word excludes.
    Qualifiers alone list every article they allow."""
    from newsreader.search.query import parse_query
    from newsreader.search.tokens import highlight_spans

    parse_query(query)  # a query that cannot run is refused before a store is made
    store = open_store(ctx)
    result = store.search(query, limit=limit)
    rows = store.rows(result.ids)
    stories = _stories(store, result.ids) if as_json else {}
    details = _details(store, result.ids) if as_json else {}
    from newsreader.cli.records import SEARCH_HIT, Listed, record

    for article_id, score in zip(result.ids, result.scores, strict=True):
        row = rows[article_id]
        if as_json:
            spans = highlight_spans(row.title, result.terms)
            story = stories.get(article_id)
            hit = Listed(row, details.get(article_id), score, spans, story)
            click.echo(dumps(record(SEARCH_HIT, hit)))
        else:
            click.echo(f"{row.id:>6}  {score:6.2f}  {safe(row.source)[:24]:<24}  {safe(row.title)}")
    if not result.ids and not as_json:
        click.echo(f"newsreader: no articles match {safe(query)!r}", err=True)


def _stories(store: Any, ids: list[int]) -> dict[int, int]:
    from newsreader.stories.groups import story_ids

    return story_ids(store, ids)


@click.command(
    "unread-count",
    epilog=examples("newsreader unread-count", "newsreader --db ~/work.db unread-count"),
)
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


def _details(store: Any, ids: Sequence[int]) -> dict[int, Any]:
    from newsreader.store.details import article_details

    return article_details(store, ids)


COMMANDS = (list_, show, search, unread_count)
