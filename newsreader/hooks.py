"""Hooks: the person's commands run when something happened (`hooks.*` in config.toml).

`hooks.new_articles` runs after a refresh that added articles, from the app and from
`newsreader refresh` alike, through `programs.run_bounded` (argv, no shell, 10 s at most,
output discarded). Core module: no textual.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from newsreader.config import HOOK_NEW_ARTICLES, Config, fill
from newsreader.ingest.sanitize import clean_line
from newsreader.programs import HOOK_SECONDS, run_bounded

if TYPE_CHECKING:
    from newsreader.refresh import Outcome

MAX_NAMES = 300
"""Characters of feed names handed to a hook: a notification, not a report."""


def new_articles(config: Config, outcomes: Iterable[Outcome]) -> str | None:
    """Run `hooks.new_articles` when `outcomes` added articles: None when it ran well (or
    there was nothing to run), else one line saying why it failed."""
    argv = config.get(HOOK_NEW_ARTICLES)
    brought = [outcome for outcome in outcomes if outcome.added]
    if not argv or not brought:
        return None
    names = ", ".join(clean_line(outcome.feed.name) for outcome in brought)
    values = {
        "count": str(sum(outcome.added for outcome in brought)),
        "feeds": str(len(brought)),
        "names": names if len(names) <= MAX_NAMES else names[: MAX_NAMES - 1] + "…",
    }
    problem = run_bounded(fill(argv, values), HOOK_SECONDS)
    return None if problem is None else f"hooks.new_articles: {problem}"
