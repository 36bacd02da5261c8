"""The lock a store's writers take turns by: the store's transactions and the index's
writes both take it, so it lives below both (neither imports the other for it)."""

from __future__ import annotations

from sqlalchemy.engine import Connection

WRITER_LOCK = 0x6E657773
"""The advisory lock class of a store's writers on PostgreSQL ("news"); the key within it is
the store's schema, so stores in two schemas of one database do not wait for each other."""


def lock_writers(conn: Connection) -> None:
    """On PostgreSQL, wait for this store's writer lock; it is held until the transaction
    ends. Writers then take turns as they do on SQLite (BEGIN IMMEDIATE): an index merge, an
    entry update or a schema upgrade never races another writer's. Readers never wait for it.
    Taking it again in the same transaction is free. A no-op on SQLite."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(
            f"SELECT pg_advisory_xact_lock({WRITER_LOCK}, hashtext(coalesce(current_schema(), '')))"
        )
