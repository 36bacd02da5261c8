"""`newsreader doctor --rebuild`: repair what the checks found, losing as little as possible.

An index that disagrees with the articles is rebuilt in place (nothing else changes). A store
that is damaged or not a database is moved aside, never deleted or overwritten; a fresh one
takes its place, seeded, with every article whose file still exists re-imported and its
read/starred state carried over. Whatever cannot be recovered is said, not glossed over.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from newsreader.importer import import_paths, seed
from newsreader.store.engine import StoreError
from newsreader.store.errors import sqlite_path
from newsreader.store.health import Finding, check, move_aside, salvage_state
from newsreader.store.store import Store

log = logging.getLogger(__name__)


def rebuild(url: str, *, now: datetime | None = None) -> list[str]:
    """Repair the store at `url`; returns what was done, a line each (logged too)."""
    lines = _repair(url, now)
    for line in lines:
        log.info("doctor --rebuild: %s", line)
    return lines


def _repair(url: str, now: datetime | None) -> list[str]:
    findings = check(url)
    problems = [f for f in findings if not f.ok]
    if not problems:
        return ["the store is healthy: nothing to rebuild"]
    for finding in problems:
        if finding.repair == "upgrade-newsreader":
            raise StoreError(
                f"{finding.check}: {finding.message}; upgrade newsreader (a rebuild would lose "
                "what the newer version stored, so it is refused)"
            )
        if finding.repair == "by-hand":
            raise StoreError(f"{finding.check}: {finding.message}")
    if all(f.repair == "reindex" for f in problems):
        store = Store(url)
        try:
            indexed = store.reindex()
        finally:
            store.close()
        return [f"rebuilt the search index: {indexed} articles can be found"]
    return _replace_store(url, problems, now or datetime.now())


def _replace_store(url: str, problems: list[Finding], now: datetime) -> list[str]:
    path = sqlite_path(url)
    if path is None:
        raise StoreError(
            f"{problems[0].check}: {problems[0].message}; --rebuild only replaces SQLite "
            "files; repair this database with its own tools"
        )
    states, stopped = salvage_state(path)
    moved = move_aside(path, now)
    lines = [f"moved the damaged store aside to {moved}"]
    store = Store(url)
    try:
        seed(store)
        lines.append(f"created a fresh store at {path}, with the bundled articles")
        lines.extend(_reimport(store, states, stopped))
    finally:
        store.close()
    return lines


def _reimport(
    store: Store, states: list[tuple[str, str, bool, bool]], stopped: str | None
) -> list[str]:
    if not states:
        why = f" ({stopped})" if stopped else ""
        return [
            f"no articles could be read from the damaged store{why}: re-import your files "
            "with `newsreader import PATH...`"
        ]
    origins = sorted({origin for origin, *_ in states if origin})
    present = [Path(o) for o in origins if Path(o).is_file()]
    report = import_paths(store, present)
    restored = store.restore_state(
        (fingerprint, is_read, is_starred)
        for _, fingerprint, is_read, is_starred in states
        if is_read or is_starred
    )
    lines = [
        f"re-imported {report.added + report.unchanged} of {len(states)} articles from their "
        f"files; read/starred state restored on {restored}"
    ]
    lost = len(origins) - len(present) + len(report.skipped)
    if lost or stopped:
        partial = f"; the damaged store could be read only in part ({stopped})" if stopped else ""
        lines.append(
            f"{lost} files are gone or unreadable{partial}: re-import what is missing with "
            "`newsreader import PATH...`"
        )
    return lines
