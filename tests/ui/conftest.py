"""UI fixtures: stores with the seed and fixed decoys. Every app comes from `make_app`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsreader.importer import seed
from newsreader.ingest import ArticleDraft
from newsreader.store.store import Store
from newsreader.stories.groups import list_stories
from tests.stories.test_stories import OTHER, WIRE
from tests.ui.helpers import numbered_drafts


@pytest.fixture
def seeded_store(tmp_path: Path) -> Iterator[Store]:
    """The bundled seed only (undated: its list row shows a dash)."""
    store = Store(f"sqlite:///{tmp_path}/seed.db")
    seed(store)
    yield store
    store.close()


@pytest.fixture
def store_50(tmp_path: Path) -> Iterator[Store]:
    """The seed first (undated, so newest), then Story 49 .. Story 1 by date."""
    store = Store(f"sqlite:///{tmp_path}/fifty.db")
    seed(store)
    store.add(numbered_drafts(49))
    yield store
    store.close()


REPRESENTATIVE = "Bank raises rates again"
COPIES = ("Rates up a quarter point", "Central bank lifts rates")


def _draft(title: str, body: str, source: str, hours: float) -> ArticleDraft:
    when = datetime(2026, 3, 1, tzinfo=UTC) + timedelta(hours=hours)
    return ArticleDraft(title=title, body=body, source=source, origin="t", published_at=when)


@pytest.fixture
def story_store(tmp_path: Path) -> Iterator[Store]:
    """One story from three outlets (Wire first), and two articles of their own."""
    sentences = WIRE.split(". ")
    store = Store(f"sqlite:///{tmp_path}/stories.db")
    store.add(
        [
            _draft(REPRESENTATIVE, WIRE, "Wire", 0),
            _draft(
                COPIES[0], "STOCKHOLM — " + ". ".join(sentences[3:] + sentences[:3]), "Daily", 5
            ),
            _draft(COPIES[1], ". ".join(sentences[:4]) + ".", "[b]Feed[/b]", 9),
            _draft("Bank minutes show split", OTHER, "Wire", 10),
            _draft(
                "Orchard frost losses", "Growers counted the frost damage in the valley.", "Ag", 11
            ),
        ]
    )
    assert len(list_stories(store)) == 1  # the core grouped the copies
    yield store
    store.close()
