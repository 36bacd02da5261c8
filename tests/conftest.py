"""Shared fixtures: every test gets its own store, and never the user's real data dir."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsreader.importer import seed
from newsreader.ingest import ArticleDraft
from newsreader.store.store import Store


@pytest.fixture(autouse=True)
def _isolated_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.delenv("NEWSREADER_DB", raising=False)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(f"sqlite:///{tmp_path / 'store.db'}")
    yield s
    s.close()


@pytest.fixture
def seeded(store: Store) -> Store:
    seed(store)
    return store


def draft(title: str, body: str = "", source: str = "Wire", day: int = 1) -> ArticleDraft:
    return ArticleDraft(
        title=title,
        body=body or f"{title}.",
        source=source,
        origin="test",
        published_at=datetime(2024, 1, day, tzinfo=UTC),
    )
