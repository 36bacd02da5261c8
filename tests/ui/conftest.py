"""UI fixtures: stores with the seed and fixed decoys. Every app comes from `make_app`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from newsreader.importer import seed
from newsreader.store.store import Store
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
