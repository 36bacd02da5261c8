"""Looking after the store: `doctor` (check, repair)."""

from __future__ import annotations

import click

from newsreader.cli.common import examples, fail, one_line_errors, store_url
from newsreader.cli.logs import log_location
from newsreader.cli.output import safe


@click.command(epilog=examples("newsreader doctor", "newsreader doctor --rebuild"))
@click.option(
    "--rebuild",
    is_flag=True,
    help="Repair: rebuild the search index, or move a damaged store aside "
    "(<name>.corrupt-<time>) and start a fresh one, re-importing what can be found.",
)
@click.pass_context
@one_line_errors
def doctor(ctx: click.Context, rebuild: bool) -> None:
    """Check the store: its file, integrity, schema version and search index; and say
    where the log is."""
    from newsreader.store.health import check

    url = store_url(ctx)
    findings = check(url)
    for finding in findings:
        status = "ok" if finding.ok else "PROBLEM"
        click.echo(f"{status:<8}{finding.check}: {safe(finding.message)}")
    log, unwritable = log_location()  # not the store's health: it changes no exit status
    if unwritable:
        click.echo(f"{'PROBLEM':<8}log: {safe(str(log))}: {safe(unwritable)} (commands go on)")
    else:
        click.echo(f"{'ok':<8}log: {safe(str(log))}")
    if rebuild:
        from newsreader.recovery import rebuild as repair

        for line in repair(url):
            click.echo(safe(line))
        return
    repairs = {finding.repair for finding in findings if not finding.ok}
    if repairs & {"rebuild", "reindex"}:
        fail("the store needs repair: run `newsreader doctor --rebuild`")
    elif repairs:
        fail("the store has a problem newsreader cannot repair (see above)")


COMMANDS = (doctor,)
