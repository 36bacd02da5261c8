"""`newsreader doctor`'s checks: is the file a database, is it intact, is it ours, and can
every article be found. Read-only: a check never changes the store it looks at.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal
from urllib.parse import quote

import numpy as np
from sqlalchemy import create_engine, inspect, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DatabaseError
from sqlalchemy.pool import NullPool

from newsreader.search.segments import findable_documents
from newsreader.search.tables import table_of
from newsreader.store.errors import sqlite_path
from newsreader.store.models import Article
from newsreader.store.schema import latest_version, schema_version

SQLITE_MAGIC = b"SQLite format 3\x00"

Repair = Literal["rebuild", "reindex", "upgrade-newsreader", "by-hand"]
"""What fixes a problem: a fresh store, a fresh index, a newer program, or the user."""


@dataclass(frozen=True, slots=True)
class Finding:
    check: str
    message: str
    repair: Repair | None = None
    """None: the check passed."""

    @property
    def ok(self) -> bool:
        return self.repair is None


@dataclass(frozen=True, slots=True)
class IndexCoverage:
    articles: int
    unindexed: list[int]
    """Articles the search index does not hold: search cannot find them."""
    orphans: list[int]
    """Index entries without an article."""


def check(url: str) -> list[Finding]:
    """Every check that applies, in order; stops where the next would be meaningless."""
    path = sqlite_path(url)
    findings: list[Finding] = []
    if path is not None:
        finding = _check_file(path)
        findings.append(finding)
        if not finding.ok or not path.exists():
            return findings
    try:
        with _read_only(url) as conn:
            if path is not None:
                finding = _check_integrity(conn)
                findings.append(finding)
                if not finding.ok:
                    return findings
            finding, current = _check_schema(conn)
            findings.append(finding)
            if current:
                findings.append(_check_index(conn))
    except DatabaseError as error:
        text = " ".join(str(error.orig or error).split())
        findings.append(Finding("integrity", f"the database cannot be read: {text}", "rebuild"))
    return findings


def index_coverage(conn: Connection) -> IndexCoverage:
    """Compare the articles with the documents the index holds (tombstones applied)."""
    article_ids = np.fromiter(
        conn.execute(select(table_of(Article).c.id)).scalars(), dtype=np.int64
    )
    indexed = findable_documents(conn)
    return IndexCoverage(
        articles=len(article_ids),
        unindexed=np.setdiff1d(article_ids, indexed).tolist(),
        orphans=np.setdiff1d(indexed, article_ids).tolist(),
    )


def move_aside(path: Path, moment: datetime) -> Path:
    """Rename a damaged store (and its -wal/-shm/-journal) to `<name>.corrupt-<time>`.

    Never overwrites: an earlier move in the same second gets a numbered name.
    """
    stamp = moment.strftime("%Y%m%dT%H%M%S")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
    path.rename(target)
    for suffix in ("-wal", "-shm", "-journal"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            side.rename(target.with_name(target.name + suffix))
    return target


def salvage_state(path: Path) -> tuple[list[tuple[str, str, bool, bool]], str | None]:
    """What can still be read of a damaged store: (origin, fingerprint, is_read, is_starred)
    per article, and why reading stopped early (None if it did not). The state tables are
    read first, each on its own, so a damaged one loses only its own state; a store from
    before schema 7 keeps the flags in `article`."""
    rows: list[tuple[str, str, bool, bool]] = []
    try:
        conn = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True)
    except sqlite3.Error as error:
        return rows, str(error)
    stopped: str | None = None
    try:
        flagged: list[set[int]] = []
        for table in ("article_read", "article_starred"):
            ids: set[int] = set()
            try:
                ids.update(i for (i,) in conn.execute(f"SELECT article_id FROM {table}"))
            except sqlite3.Error as error:
                if "no such table" not in str(error):
                    stopped = str(error)
            flagged.append(ids)
        read, starred = flagged
        try:
            cursor = conn.execute(
                "SELECT id, origin, fingerprint, is_read, is_starred FROM article"
            )
        except sqlite3.OperationalError as error:
            if "no such column" not in str(error):
                raise
            cursor = conn.execute("SELECT id, origin, fingerprint, 0, 0 FROM article")
        for i, origin, fingerprint, is_read, is_starred in cursor:
            state = (bool(is_read) or i in read, bool(is_starred) or i in starred)
            rows.append((str(origin or ""), str(fingerprint), *state))
    except sqlite3.Error as error:
        return rows, str(error)
    finally:
        conn.close()
    return rows, stopped


@contextmanager
def _read_only(url: str) -> Iterator[Connection]:
    """A connection that refuses writes. Not SQLite's `mode=ro`: that leaves empty -wal and
    -shm files behind, where a normal close tidies them away."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("PRAGMA query_only = ON")
            elif conn.dialect.name == "postgresql":
                conn.exec_driver_sql("SET TRANSACTION READ ONLY")
            yield conn
    finally:
        engine.dispose()


def _check_file(path: Path) -> Finding:
    if not path.exists():
        return Finding("file", f"no store at {path} yet: one is created on first use")
    if path.is_dir():
        return Finding(
            "file", f"{path} is a folder, not a store file: point --db at a file", "by-hand"
        )
    try:
        with path.open("rb") as file:
            header = file.read(len(SQLITE_MAGIC))
    except OSError as error:
        return Finding("file", f"cannot read {path}: {error.strerror}", "by-hand")
    if header and header != SQLITE_MAGIC:
        return Finding("file", f"{path} is not a SQLite database (wrong header)", "rebuild")
    return Finding("file", f"{path} is a SQLite database")


def _check_integrity(conn: Connection) -> Finding:
    problems = [str(row[0]) for row in conn.exec_driver_sql("PRAGMA integrity_check(5)")]
    if problems == ["ok"]:
        return Finding("integrity", "ok")
    return Finding("integrity", f"damaged: {'; '.join(problems)[:300]}", "rebuild")


def _check_schema(conn: Connection) -> tuple[Finding, bool]:
    """The finding, and whether the schema is the current one (so the index can be read)."""
    target = latest_version()
    found = schema_version(conn)
    if found == 0:
        if inspect(conn).get_table_names():
            return Finding(
                "schema", "not a newsreader store (no version recorded)", "by-hand"
            ), False
        return Finding("schema", "empty: set up on first use"), False
    if found > target:
        message = f"version {found} is newer than this newsreader knows ({target})"
        return Finding("schema", message, "upgrade-newsreader"), False
    if found < target:
        return Finding("schema", f"version {found}: upgraded to {target} when next opened"), False
    return Finding("schema", f"version {found} (current)"), True


def _check_index(conn: Connection) -> Finding:
    coverage = index_coverage(conn)
    if not coverage.unindexed and not coverage.orphans:
        return Finding("index", f"every one of {coverage.articles} articles can be found")
    parts = []
    if coverage.unindexed:
        parts.append(f"{len(coverage.unindexed)} articles missing from the search index")
    if coverage.orphans:
        parts.append(f"{len(coverage.orphans)} index entries without an article")
    return Finding("index", ", ".join(parts), "reindex")
