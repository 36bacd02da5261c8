"""Engines with the settings a multi-process reader needs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine, make_url

from newsreader.writer_lock import lock_writers

BUSY_TIMEOUT_MS = 30_000
CONNECT_TIMEOUT_S = 10
"""A database server must answer a new connection within this (`connect_timeout` in the
URL overrides it)."""
STATEMENT_TIMEOUT_S = 300
"""The server cancels any statement running longer (an upgrade's rebuild included), unless
the URL's `options` set `statement_timeout` themselves."""
POOL_TIMEOUT_S = 30


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
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return create_engine(url, pool_pre_ping=True, pool_timeout=POOL_TIMEOUT_S)
    # Bounded waits: a server that accepts the connection and never answers ends the
    # command within the connect timeout; a dead peer mid-query is noticed by keepalives.
    defaults: dict[str, Any] = {
        "connect_timeout": CONNECT_TIMEOUT_S,
        "keepalives": 1,
        "keepalives_idle": 30,
        "keepalives_interval": 10,
        "keepalives_count": 3,
    }
    connect_args = {k: v for k, v in defaults.items() if k not in parsed.query}
    # In the startup packet, not a SET after it: no round trip to a server that may be mute.
    options = parsed.query.get("options", "")
    if isinstance(options, str) and "statement_timeout" not in options:
        connect_args["options"] = f"{options} -cstatement_timeout={STATEMENT_TIMEOUT_S}s".strip()
    if parsed.get_driver_name() not in ("psycopg", "psycopg2"):
        connect_args = {}  # the settings above are libpq's
    engine = create_engine(
        url, pool_pre_ping=True, pool_timeout=POOL_TIMEOUT_S, connect_args=connect_args
    )
    server = f"{parsed.host or 'localhost'}:{parsed.port or 5432}"

    @event.listens_for(engine, "do_connect")
    def _do_connect(dialect: Any, _record: Any, cargs: Any, cparams: dict[str, Any]) -> Any:
        try:
            return dialect.connect(*cargs, **cparams)
        except dialect.loaded_dbapi.OperationalError as error:
            if "timeout expired" not in str(error):  # libpq's words, in both drivers
                raise
            waited = cparams.get("connect_timeout", CONNECT_TIMEOUT_S)
            if str(waited).isdigit():
                waited = max(int(waited), 2)  # libpq waits at least 2 s
            raise StoreError(
                f"the database server {server} did not answer within {waited} s"
            ) from None

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
