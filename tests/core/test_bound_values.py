"""The SQLite insert binds each distinct value once (`saving._bound_values`): what it binds
must be what SQLAlchemy binds value by value."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.dialects import sqlite

from newsreader.store.saving import _COLUMNS, _bound_values, _c

_ZONES = st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
_MOMENTS = st.one_of(
    st.none(),
    st.datetimes(datetime(1900, 1, 1), datetime(2100, 1, 1), timezones=_ZONES),
)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(_MOMENTS, st.booleans(), st.booleans()), min_size=1, max_size=30))
def test_binding_once_per_value_is_binding_each_value(cases: list[Any]) -> None:
    dialect = sqlite.dialect()
    now = datetime.now(UTC)
    rows = [
        {
            **dict.fromkeys(_COLUMNS),
            "fingerprint": str(i),
            "published_at": published,
            "imported_at": now,
            "sorted_at": published or now,
            "is_read": read,
            "is_starred": starred,
        }
        for i, (published, read, starred) in enumerate(cases)
    ]
    processors = [_c[n].type.dialect_impl(dialect).bind_processor(dialect) for n in _COLUMNS]
    each = [
        tuple(row[n] if p is None else p(row[n]) for n, p in zip(_COLUMNS, processors, strict=True))
        for row in rows
    ]
    assert _bound_values(dialect, rows) == each
