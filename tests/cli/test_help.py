"""Help that teaches: every command shows one or two examples that parse, every option says
what it does, `search --help` lists the parser's own qualifiers, completion is documented."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from newsreader.cli import main
from newsreader.search.query import _EXAMPLES, QUALIFIER_HELP, QUALIFIERS, parse_query

ROOT = Path(__file__).resolve().parents[2]


def every_command() -> list[tuple[str, click.Command]]:
    found: list[tuple[str, click.Command]] = []

    def walk(path: str, command: click.Command) -> None:
        found.append((path, command))
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                walk(f"{path} {name}", sub)

    walk("newsreader", main)
    return found


COMMANDS = every_command()


def help_of(path: str) -> str:
    result = CliRunner().invoke(main, [*path.split()[1:], "--help"])
    assert result.exit_code == 0, result.output
    return result.stdout


def examples_in(text: str) -> list[str]:
    block = text.split("Examples:\n", 1)[1]
    return [line.strip() for line in block.splitlines() if line.strip()]


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS])
def test_every_command_shows_one_or_two_examples(path: str) -> None:
    examples = examples_in(help_of(path))
    assert 1 <= len(examples) <= 2, examples
    assert all("newsreader" in line for line in examples)


def _resolves(args: list[str]) -> None:
    """Parse `args` as the CLI would, every level, without running anything."""
    ctx = main.make_context("newsreader", list(args))
    command: click.Command = main
    rest = [*ctx._protected_args, *ctx.args]
    while isinstance(command, click.Group) and rest:
        name, sub, rest = command.resolve_command(ctx, rest)
        assert sub is not None and name is not None
        ctx = sub.make_context(name, rest, parent=ctx)
        command, rest = sub, [*ctx._protected_args, *ctx.args]
    assert not rest or not isinstance(command, click.Group)


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS])
def test_every_example_parses(path: str) -> None:
    for line in examples_in(help_of(path)):
        if not line.startswith("newsreader"):
            continue  # `"$EDITOR" "$(newsreader config path)"`
        command = line.split("|")[0].split("  ")[0]  # no pipe, no comment
        _resolves(shlex.split(command)[1:])


def test_every_option_has_help() -> None:
    missing = []
    for path, command in COMMANDS:
        ctx = click.Context(command, info_name=path.split()[-1])
        for param in command.get_params(ctx):
            if isinstance(param, click.Option) and not (param.help or "").strip():
                missing.append(f"{path} {'/'.join(param.opts)}")
    assert missing == []


def test_search_help_lists_the_parsers_qualifiers() -> None:
    assert set(QUALIFIER_HELP) == QUALIFIERS == set(_EXAMPLES)
    text = help_of("newsreader search")
    for usage, meaning in QUALIFIER_HELP.values():
        assert usage in text
        assert " ".join(meaning.split()[:3]) in " ".join(text.split())
    for key in QUALIFIER_HELP:  # each one is a qualifier to the parser, not a word
        query = parse_query(_EXAMPLES[key])
        assert query.filters and not query.words, key


def test_readme_documents_completion_for_bash_zsh_and_fish() -> None:
    text = (ROOT / "README.md").read_text()
    for shell in ("bash", "zsh", "fish"):
        lines = [line for line in text.splitlines() if f"={shell}_source newsreader" in line]
        assert any(f"# {shell}" in line for line in lines), shell
        script = CliRunner().invoke(
            main, [], prog_name="newsreader", env={"_NEWSREADER_COMPLETE": f"{shell}_source"}
        )
        assert script.exit_code == 0 and "_NEWSREADER_COMPLETE" in script.stdout, shell
        assert re.search(r"complete|compdef", script.stdout), shell
