"""`cleanup`: retention from the command line (the same limits a refresh applies)."""

from __future__ import annotations

import time

import click

from newsreader.cli.common import examples, one_line_errors, open_store
from newsreader.cli.output import safe

_LIMIT = click.IntRange(min=1)


@click.command(
    epilog=examples("newsreader cleanup --days 90 --dry-run", "newsreader cleanup --per-feed 500")
)
@click.option("--dry-run", is_flag=True, help="Only say how many would go, per feed.")
@click.option("--days", type=_LIMIT, metavar="N", help="Remove feed articles older than N days.")
@click.option(
    "--per-feed", type=_LIMIT, metavar="N", help="Keep only each feed's newest N articles."
)
@click.pass_context
@one_line_errors
def cleanup(ctx: click.Context, dry_run: bool, days: int | None, per_feed: int | None) -> None:
    """Remove old feed articles (starred ones always stay) from the store and its search
    index; a refresh will not bring them back. Files you imported are never removed. Without
    --days or --per-feed, the limits of config.toml (`keep.days`, `keep.per_feed`)."""
    from newsreader.store.retention import cleanup as run

    if days is None and per_feed is None:
        from newsreader import config, paths

        days, per_feed = config.load(paths.config_path()).keep()  # keep.days, keep.per_feed
    if days is None and per_feed is None:
        click.echo("no limit given (--days N, --per-feed N, or keep.* in config.toml)")
        return
    started = time.monotonic()
    done = run(open_store(ctx), keep_days=days, per_feed=per_feed, dry_run=dry_run, vacuum=True)
    for name, count in done.per_feed.items():
        click.echo(f"{count:>7}  {safe(name)}")
    verb = "would be removed" if dry_run else "removed"
    tail = "" if dry_run else f" in {time.monotonic() - started:.1f} s"
    shrunk = "; the store file was compacted" if done.vacuumed else ""
    click.echo(f"{done.removed} articles {verb}{tail}{shrunk}")


COMMANDS = (cleanup,)
