"""Engines with the settings a multi-process reader needs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine, make_url

from newsreader.writer_lock import lock_writers

BUSY_TIMEOUT_MS = 30_000


class StoreError(Exception):
    """A store problem, worded for the user in one line."""


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return _server_engine(url)
    database = parsed.database
    if database and database != ":memory:":
        directory = Path(database).expanduser().parent
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(
                f"cannot create the data folder {directory}: {error.strerror}"
            ) from None
    engine = create_engine(
        url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below emit BEGIN, not pysqlite's own logic.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # WAL is written into the file, so only into a store of ours (or a new one): opening
        # someone else's database by mistake must not change it.
        if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "wal" and _ours_or_empty(cursor):
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Writers take the write lock up front: a deferred transaction that upgrades to a
        # writer later fails with "database is locked" instead of waiting its turn.
        immediate = conn.get_execution_options().get("immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def _ours_or_empty(cursor: Any) -> bool:
    tables = {
        row[0] for row in cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    return not tables or "meta" in tables


def _server_engine(url: str) -> Engine:
    engine = create_engine(url, pool_pre_ping=True)
    if engine.dialect.name != "postgresql":
        return engine

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Times are stored as UTC wall clock (timestamp without time zone), as on SQLite: a
        # server or role set to another TimeZone would shift every aware datetime written.
        with dbapi_conn.cursor() as cursor:
            cursor.execute("SET TIME ZONE 'UTC'")
        dbapi_conn.commit()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # READ COMMITTED (the default) matters: every statement after the lock sees what the
        # writer before us committed.
        if conn.get_execution_options().get("immediate", False):
            lock_writers(conn)

    return engine
