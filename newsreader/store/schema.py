"""Schema versions and the ordered steps that upgrade a store in place.

A step is a function applied inside one transaction; it must keep every reader's data
(read and starred state above all). Add a step, bump nothing else: the version is the
number of steps.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import inspect, select
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

from newsreader.search.tables import table_of
from newsreader.store.engine import StoreError
from newsreader.store.models import Meta

Step = Callable[[Connection], None]


def _create_v1(conn: Connection) -> None:
    SQLModel.metadata.create_all(conn)


STEPS: list[Step] = [_create_v1]
SCHEMA_VERSION = len(STEPS)

_meta = table_of(Meta)


def schema_version(conn: Connection) -> int:
    if not inspect(conn).has_table("meta"):
        return 0
    value = conn.execute(select(_meta.c.value).where(_meta.c.key == "schema_version")).scalar()
    return int(value) if value is not None else 0


def upgrade(conn: Connection) -> int:
    """Bring the schema to `SCHEMA_VERSION`; returns the version it started from."""
    found = schema_version(conn)
    if found > SCHEMA_VERSION:
        raise StoreError(
            f"this store was written by a newer newsreader (schema {found}, "
            f"this one knows {SCHEMA_VERSION}): upgrade newsreader"
        )
    for step in STEPS[found:]:
        step(conn)
    if found != SCHEMA_VERSION:
        set_meta(conn, "schema_version", str(SCHEMA_VERSION))
    return found


def get_meta(conn: Connection, key: str) -> str | None:
    return conn.execute(select(_meta.c.value).where(_meta.c.key == key)).scalar()


def set_meta(conn: Connection, key: str, value: str) -> None:
    if get_meta(conn, key) is None:
        conn.execute(_meta.insert().values(key=key, value=value))
    else:
        conn.execute(_meta.update().where(_meta.c.key == key).values(value=value))
