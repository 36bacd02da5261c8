"""`import`: files and folders into the store, one line per file that could not be read."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from newsreader.cli.common import examples, fail, one_line_errors, open_store
from newsreader.cli.output import safe


@click.command(
    "import",
    epilog=examples(
        "newsreader import ~/articles notes.md subscriptions.opml",
        "curl -s https://example.org/feed.xml | newsreader import -",
    ),
)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.pass_context
@one_line_errors
def import_(ctx: click.Context, paths: tuple[Path, ...]) -> None:
    """Import files or folders (recursively): text, Markdown, HTML pages, RSS/Atom/JSON
    feeds (their articles), OPML lists (their feeds are subscribed, folders become tags),
    and newsboat's `urls` file and `cache.db` (feeds, tags, queries, articles and state).

    `-` (or /dev/stdin) reads one document or feed from standard input."""
    from newsreader.importer import import_paths
    from newsreader.ingest.local import STDIN_NAMES

    stdin = None
    if any(str(path) in STDIN_NAMES for path in paths):
        stdin = _read_stdin()
        paths = tuple(path for path in paths if str(path) not in STDIN_NAMES)
    store = open_store(ctx)

    def skipped(path: str, why: str) -> None:
        click.echo(f"skipped {safe(path)}: {safe(why)}", err=True)

    if sys.stderr.isatty():
        with click.progressbar(length=0, label="Importing", file=sys.stderr) as bar:

            def advance(done: int, total: int) -> None:
                bar.length = total
                bar.update(1)

            report = import_paths(store, paths, on_skip=skipped, on_progress=advance, stdin=stdin)
    else:
        # Not a terminal: a plain line every thousand files, for logs.
        def every_thousand(done: int, total: int) -> None:
            if done % 1000 == 0 or (done == total and total >= 1000):
                click.echo(f"read {done}/{total} files", err=True)

        report = import_paths(
            store, paths, on_skip=skipped, on_progress=every_thousand, stdin=stdin
        )
    for path, done in report.done:  # newsboat's files: what each one brought
        click.echo(f"{safe(path)}: {safe(done)}")
    click.echo(report.summary())
    if report.failed:
        sys.exit(1)


def _read_stdin() -> bytes:
    """Standard input, read once and capped as a file is; a refusal ends the command here,
    before a store is opened."""
    from newsreader.ingest import IngestError
    from newsreader.ingest.local import read_stdin
    from newsreader.ingest.text import MAX_BYTES

    try:
        return read_stdin(MAX_BYTES)
    except IngestError as error:
        fail(f"-: {error}")


COMMANDS = (import_,)
