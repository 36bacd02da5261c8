"""Feed commands: `feed add|list|remove|tag`, `refresh`, `export --opml`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from newsreader.cli.common import examples, fail, one_line_errors, open_store
from newsreader.cli.output import dumps, safe

if TYPE_CHECKING:
    from newsreader.refresh import Outcome


@click.group(
    epilog=examples("newsreader feed add https://example.org/feed.xml", "newsreader feed list")
)
def feed() -> None:
    """Subscribe to RSS, Atom and JSON feeds, list them, unsubscribe."""


@feed.command(
    "add",
    epilog=examples(
        "newsreader feed add https://example.org/feed.xml --name Example --tag news",
        "newsreader feed add ~/feeds/local.xml",
    ),
)
@click.argument("source", metavar="URL|PATH")
@click.option("--name", default="", help="What to call the feed (default: its own title).")
@click.option("--tag", "tags", multiple=True, metavar="TAG", help="Tag it (repeatable).")
@click.option("--full-text", is_flag=True, help="Fetch each new entry's page for its full text.")
@click.pass_context
@one_line_errors
def feed_add(
    ctx: click.Context, source: str, name: str, tags: tuple[str, ...], full_text: bool
) -> None:
    """Subscribe to a feed (an http/https URL or a local file) and fetch it now.

    A feed whose first fetch fails is not kept: the reason is printed instead.
    """
    from newsreader.links import is_web_link, link_problem
    from newsreader.refresh import refresh
    from newsreader.store.feed_tags import change_feed_tags
    from newsreader.store.feeds import add_feed, find_feed, remove_feed

    if is_web_link(source.strip()):
        source = source.strip()
    elif "://" in source or source.strip().lower().startswith(("http:", "https:")):
        fail(f"{safe(source)}: not a web address: {link_problem(source.strip())}")
    else:
        path = Path(source).expanduser()
        if not path.is_file():
            fail(f"{safe(source)}: not an http(s) URL or a readable feed file")
        source = str(path.resolve())
    store = open_store(ctx)  # only now: a mistyped source makes no store
    feed_id = add_feed(store, source, name)
    change_feed_tags(store, feed_id, tags)  # before the fetch: its articles are tagged at once
    if full_text:
        from newsreader.store.feeds import set_full_text

        set_full_text(store, feed_id, True)
    (outcome,) = refresh(store, [find_feed(store, str(feed_id))])
    if outcome.status == "error":
        remove_feed(store, feed_id)
        fail(f"{safe(source)}: {outcome.error}")
    added = find_feed(store, str(feed_id))
    click.echo(f"subscribed to {safe(added.name)}: {outcome.added} articles")


@feed.command(
    "edit",
    epilog=examples(
        "newsreader feed edit 3 --full-text", "newsreader feed edit Ars --no-full-text"
    ),
)
@click.argument("key", metavar="ID|URL|NAME")
@click.option(
    "--full-text/--no-full-text",
    default=None,
    help="Fetch (or stop fetching) each new entry's page for its full text during refresh.",
)
@click.pass_context
@one_line_errors
def feed_edit(ctx: click.Context, key: str, full_text: bool | None) -> None:
    """Change how a feed is refreshed."""
    from newsreader.store.feeds import find_feed, set_full_text

    store = open_store(ctx)
    info = find_feed(store, key)
    if full_text is not None:
        set_full_text(store, info.id, full_text)
    on = info.full_text if full_text is None else full_text
    click.echo(f"{safe(info.name)}: full text {'on' if on else 'off'}")


@feed.command(
    "list",
    epilog=examples(
        "newsreader feed list", "newsreader feed list --json | jq -r 'select(.error) | .name'"
    ),
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per feed.")
@click.pass_context
@one_line_errors
def feed_list(ctx: click.Context, as_json: bool) -> None:
    """Feeds with their health: last fetch, status, articles, last error."""
    from newsreader.cli.records import FEED, record
    from newsreader.store.feeds import feeds

    for info in feeds(open_store(ctx)):
        if as_json:
            click.echo(dumps(record(FEED, info)))
            continue
        fetched = info.fetched_at.strftime("%Y-%m-%d %H:%M") if info.fetched_at else "never"
        line = (
            f"{info.id:>4}  {safe(info.name)[:32]:<32}  {info.articles:>6} articles  "
            f"{info.unread:>6} unread  {fetched:<16}  {info.status}"
        )
        if info.error:
            line += f": {safe(info.error)}"
        click.echo(line)
        click.echo(f"      {safe(info.url)}")
        if info.tags:
            click.echo("      tags: " + ", ".join(safe(t) for t in info.tags))


@feed.command(
    "remove", epilog=examples("newsreader feed remove 3", "newsreader feed remove 'Le Monde'")
)
@click.argument("key", metavar="ID|URL|NAME")
@click.pass_context
@one_line_errors
def feed_remove(ctx: click.Context, key: str) -> None:
    """Unsubscribe. Its articles go too, except starred ones."""
    from newsreader.store.feeds import find_feed, remove_feed

    store = open_store(ctx)
    info = find_feed(store, key)
    removed, kept = remove_feed(store, info.id)
    tail = f"; {kept} starred kept" if kept else ""
    click.echo(f"unsubscribed from {safe(info.name)}: {removed} articles removed{tail}")


@feed.command(
    "tag",
    context_settings={"ignore_unknown_options": True, "help_option_names": ["--help"]},
    epilog=examples(
        "newsreader feed tag 'Le Monde' +news +france", "newsreader feed tag 3 -old +new"
    ),
)
@click.argument("key", metavar="ID|URL|NAME")
@click.argument("changes", nargs=-1, required=True, metavar="+TAG|-TAG...")
@click.pass_context
@one_line_errors
def feed_tag(ctx: click.Context, key: str, changes: tuple[str, ...]) -> None:
    """Add (+TAG, or TAG) and remove (-TAG) a feed's tags; its articles carry them."""
    from newsreader.ingest.tags import tag_name
    from newsreader.store.feed_tags import change_feed_tags
    from newsreader.store.feeds import find_feed

    add = [c[1:] if c.startswith("+") else c for c in changes if not c.startswith("-")]
    remove = [c[1:] for c in changes if c.startswith("-")]
    empty = [c for c in changes if not tag_name(c[1:] if c[:1] in "+-" else c)]
    if empty:
        fail(f"feed tag: {safe(empty[0])!r} names no tag (use +TAG to add, -TAG to remove)", 2)
    store = open_store(ctx)
    info = find_feed(store, key)
    tags = change_feed_tags(store, info.id, add, remove)
    shown = ", ".join(safe(t) for t in tags) if tags else "no tags"
    click.echo(f"{safe(info.name)}: {shown}")


@click.command(epilog=examples("newsreader refresh", "newsreader refresh 'Le Monde' 3 -v"))
@click.argument("keys", nargs=-1, metavar="[FEED]...")
@click.option(
    "--workers",
    type=click.IntRange(1, 32),
    default=8,
    show_default=True,
    help="Feeds fetched at once.",
)
@click.pass_context
@one_line_errors
def refresh(ctx: click.Context, keys: tuple[str, ...], workers: int) -> None:
    """Fetch every feed (or the ones named), in parallel. Exits 1 if any feed failed.

    Then runs `hooks.new_articles` from config.toml when articles were added."""
    from newsreader import config, paths
    from newsreader.hooks import new_articles
    from newsreader.refresh import refresh as run
    from newsreader.store.feeds import feeds, find_feed

    settings = config.load(paths.config_path())
    if (summary := settings.summary()) is not None:
        click.echo(f"newsreader: {safe(summary)}", err=True)  # said once, then on we go
    store = open_store(ctx)
    keep_days, per_feed = settings.keep()
    targets = [find_feed(store, key) for key in keys] if keys else feeds(store)
    if not targets:
        click.echo("no feeds yet: `newsreader feed add URL` subscribes to one")
        return
    if sys.stderr.isatty():
        with click.progressbar(
            length=len(targets), label="Refreshing", file=sys.stderr, show_pos=True
        ) as bar:
            outcomes = run(
                store,
                targets,
                workers=workers,
                on_done=lambda _: bar.update(1),
                keep_days=keep_days,
                per_feed=per_feed,
            )
    else:
        outcomes = run(
            store, targets, workers=workers, on_done=_report, keep_days=keep_days, per_feed=per_feed
        )
    added = sum(o.added for o in outcomes)
    updated = sum(o.updated for o in outcomes)
    failed = [o for o in outcomes if o.status == "error"]
    if sys.stderr.isatty():
        for outcome in failed:
            _report(outcome)
    for outcome in outcomes:
        if outcome.note:
            click.echo(f"{safe(outcome.feed.name)}: {safe(outcome.note)}", err=True)
    if (problem := new_articles(settings, outcomes)) is not None:
        click.echo(f"newsreader: {safe(problem)}", err=True)
    click.echo(
        f"{len(outcomes)} feeds: {added} new articles, {updated} updated, {len(failed)} failed"
    )
    if failed:
        sys.exit(1)


@click.command(
    epilog=examples("newsreader export --opml feeds.opml", "newsreader export --opml | less")
)
@click.option("--opml", "as_opml", is_flag=True, required=True, help="Subscriptions as OPML.")
@click.argument("output", type=click.Path(dir_okay=False, allow_dash=True), default="-")
@click.pass_context
@one_line_errors
def export(ctx: click.Context, as_opml: bool, output: str) -> None:
    """Write your subscriptions as an OPML file (to OUTPUT, or standard output).

    OUTPUT is replaced whole or not at all: a full disk leaves the old file as it was."""
    from newsreader.ingest.opml import Subscription, write_opml
    from newsreader.links import is_web_link
    from newsreader.store.feeds import feeds

    every = feeds(open_store(ctx))
    subs = [Subscription(f.url, f.name, f.tags) for f in every if is_web_link(f.url)]
    text = write_opml(subs)
    if output == "-":
        click.echo(text, nl=False)
        return
    try:
        write_whole(Path(output), text.encode())
    except OSError as error:
        fail(f"cannot write {safe(output)}: {error.strerror or error}")


def write_whole(path: Path, data: bytes) -> None:
    """Replace the regular file at `path` (or create it) atomically: write a temporary file
    beside it, fsync, rename over. Anything else already there (a device such as /dev/full,
    a pipe) is written into directly: renaming over it would replace the node itself."""
    import os
    import stat
    import tempfile

    path = Path(os.path.realpath(path))  # a link stays a link: its target is replaced
    try:
        mode: int | None = path.stat().st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        with path.open("wb") as stream:
            stream.write(data)
        return
    if mode is None:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fchmod(stream.fileno(), stat.S_IMODE(mode))
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)  # the rename itself survives a crash
    finally:
        os.close(directory)


def _report(outcome: Outcome) -> None:
    name = safe(outcome.feed.name)
    if outcome.status == "error":
        click.echo(f"{name}: failed: {safe(outcome.error or '')}", err=True)
    elif outcome.status == "not modified":
        click.echo(f"{name}: not modified", err=True)
    elif outcome.status == "waiting":
        click.echo(f"{name}: {safe(outcome.error or '')}", err=True)
    else:
        click.echo(f"{name}: {outcome.added} new, {outcome.updated} updated", err=True)


COMMANDS = (feed, refresh, export)
