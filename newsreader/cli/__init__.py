"""The command line: bare `newsreader` opens the app; subcommands serve scripts.

Imports point down only: this module registers the commands; each command module imports
the shared helpers (`common`: the store and one-line errors; `output`: what is printed;
`records`: the JSON fields; `logs`: the log); the helpers import no command module and
nothing here.
"""

from __future__ import annotations

import sys

import click

from newsreader import DIST_NAME, __version__
from newsreader.cli import (
    feeds,
    importing,
    keeping,
    logs,
    maintenance,
    marking,
    reading,
    saved,
    settings,
    stories,
)
from newsreader.cli.common import OneLineUsage, examples, fail, one_line_errors, store_url


@click.group(
    cls=OneLineUsage,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=examples(
        "newsreader                      open the reader",
        "newsreader --db ~/news.db list  a store of your choosing, for one command",
    ),
)
@click.option(
    "--db",
    metavar="PATH|URL",
    envvar="NEWSREADER_DB",
    help="Store: a SQLite file path or a SQLAlchemy URL. [env: NEWSREADER_DB]",
)
@click.option("-v", "--verbose", count=True, help=logs.VERBOSE_HELP)
@click.version_option(
    __version__,
    "--version",
    "-V",
    message=f"newsreader ({DIST_NAME}) %(version)s",
    help="Show the version (and the name it is installed by) and exit.",
)
@click.pass_context
@one_line_errors
def main(ctx: click.Context, db: str | None, verbose: int) -> None:
    """A terminal news reader with typo-tolerant search.

    Run without a command to open the reader.
    """
    logs.configure(verbose)
    ctx.ensure_object(dict)
    ctx.obj["db"] = db
    if ctx.invoked_subcommand is None:
        from newsreader.ui.app import make_app

        logs.quiet_terminal()

        # The app opens (and seeds) the store itself, after its first frame.
        app = make_app(db_url=store_url(ctx))
        app.run()
        if app.error:
            fail(app.error)
        if app.return_code:
            sys.exit(app.return_code)


_GROUPS = (reading, feeds, importing, maintenance, saved, marking, settings, stories, keeping)
for _command in (c for group in _GROUPS for c in group.COMMANDS):
    main.add_command(_command)
del _command


def _every_command(group: click.Group) -> list[click.Command]:
    found: list[click.Command] = []
    for command in group.commands.values():
        found.append(command)
        if isinstance(command, click.Group):
            found.extend(_every_command(command))
    return found


for _command in _every_command(main):  # -v on every command, after its own options
    _short = not _command.context_settings.get("ignore_unknown_options")
    _command.params.append(logs.verbose_option(short=_short))
del _command, _short

__all__ = ["main"]
