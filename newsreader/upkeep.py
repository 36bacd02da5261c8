"""What a refresh does after saving its feeds: retention first (nothing is fetched for an
article about to go), then the full text of full-text feeds' new entries."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from newsreader.store.store import Store


def after_refresh(
    store: Store,
    fed: Sequence[int],
    since: datetime,
    *,
    keep_days: int | None = None,
    per_feed: int | None = None,
) -> list[str]:
    """Clean up by the limits (None: off), then fetch full texts for the full-text feeds that
    brought new entries (`fed`). Returns one line per page that failed (its article keeps
    its feed text)."""
    if keep_days is not None or per_feed is not None:
        from newsreader.store.retention import cleanup

        cleanup(store, keep_days=keep_days, per_feed=per_feed)
    if not fed:
        return []
    from newsreader.fulltext import fetch_new_full_texts

    return fetch_new_full_texts(store, fed, since)[1]
