"""`config show|check|path`: the person's config.toml, as newsreader reads it."""

from __future__ import annotations

import sys

import click

from newsreader.cli.common import examples, one_line_errors
from newsreader.cli.output import safe


@click.group(epilog=examples("newsreader config check", "newsreader config show"))
def config() -> None:
    """Your settings (config.toml): where, what is in force, what is wrong."""


@config.command("path", epilog=examples('"$EDITOR" "$(newsreader config path)"'))
@click.option("--state", is_flag=True, help="The file the app remembers its state in instead.")
def config_path(state: bool) -> None:
    """Print the config file's path (it may not exist yet)."""
    from newsreader import paths

    click.echo(safe(str(paths.state_path() if state else paths.config_path())))


@config.command("show", epilog=examples("newsreader config show"))
@one_line_errors
def config_show() -> None:
    """Every setting in force, with where it comes from (file or default)."""
    from newsreader import config as settings
    from newsreader import paths
    from newsreader.ui.keymap import binding_ids, checked

    keymap, loaded = checked(settings.load(paths.config_path()))
    missing = loaded.path is None or not loaded.path.exists()
    click.echo(f"# {safe(str(loaded.path))}" + (" (no file: defaults)" if missing else ""))
    click.echo(f"# remembered by the app (not settings): {safe(str(paths.state_path()))}")
    for key, declared in settings.SETTINGS.items():
        if key.endswith(".*"):
            continue
        source = loaded.source(key)
        value = settings.toml_value(loaded.raw[key]) if source == "file" else declared.shown
        _row(key, value, source)
    for ident, default, _ in binding_ids():
        keys = keymap.get(ident)
        _row(f"keys.{ident}", settings.toml_value(keys or default), "file" if keys else "default")
    if (summary := loaded.summary()) is not None:
        click.echo(f"newsreader: {safe(summary)}", err=True)


def _row(key: str, value: str, source: str) -> None:
    click.echo(f"{safe(f'{key} = {value}'):<48}  # {source}")


@config.command("check", epilog=examples("newsreader config check"))
@one_line_errors
def config_check() -> None:
    """Check config.toml: one line per problem (line, key, why); exits 1 if any."""
    from newsreader import config as settings
    from newsreader import paths
    from newsreader.ui.keymap import checked

    path = paths.config_path()
    _, loaded = checked(settings.load(path))
    if not loaded.problems:
        what = "no file (every setting is its default)" if not path.exists() else "ok"
        click.echo(f"{safe(str(path))}: {what}")
        return
    for problem in sorted(loaded.problems, key=lambda p: (p.line or 0, p.key)):
        line = f":{problem.line}" if problem.line else ""
        key = f" {problem.key}:" if problem.key else ""
        click.echo(f"{safe(str(path))}{line}:{key} {safe(problem.reason)}")
    sys.exit(1)


COMMANDS = (config,)
