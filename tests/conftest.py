"""Shared fixtures: every test gets its own store, and never the user's real data dir.

`store` (and `seeded`, built on it) runs each test on both backends: `sqlite` (a file in the
test's temp dir) and `pg` (an empty schema of its own on one PostgreSQL server per
session). The server is `NEWSREADER_TEST_PG` when set (`.ci/run` starts one), else a
throwaway `TempPostgres` when the server binaries are on the machine; with neither, the `pg`
tests skip and say why, except under CI (`CI` set), where they fail instead.
"""

from __future__ import annotations

import itertools
import os
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine, make_url

from newsreader.cli import logs
from newsreader.importer import seed
from newsreader.ingest import ArticleDraft
from newsreader.store.store import Store
from tests.postgres import ENV, TempPostgres

BACKENDS = [pytest.param("sqlite", id="sqlite"), pytest.param("pg", id="pg")]


@pytest.fixture(autouse=True)
def _isolated_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))  # the log
    monkeypatch.delenv("NEWSREADER_DB", raising=False)
    yield
    logs.detach()  # a command run in-process leaves its log handlers: not into the next test


class PostgresServer:
    """The session's server; `new_store_url()` gives a test an empty schema of its own.

    A schema (picked by the URL's `search_path`) rather than a database: creating one costs
    under a millisecond where `CREATE DATABASE` costs a fifth of a second.
    """

    def __init__(self, url: str) -> None:
        self.url = make_url(url)
        self.admin: Engine = create_engine(self.url, isolation_level="AUTOCOMMIT")
        self._names = (f"newsreader_test_{os.getpid()}_{n}" for n in itertools.count())

    def new_store_url(self) -> str:
        name = next(self._names)
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{name}"')
        url = self.url.update_query_dict({"options": f"-csearch_path={name}"})
        return url.render_as_string(hide_password=False)

    def drop(self, url: str) -> None:
        options = make_url(url).query["options"]
        assert isinstance(options, str)
        name = options.removeprefix("-csearch_path=")
        with self.admin.connect() as conn:
            # A test that left a transaction open must not hang the suite here.
            conn.exec_driver_sql("SET lock_timeout = '10s'")
            conn.exec_driver_sql(f'DROP SCHEMA "{name}" CASCADE')


def _no_server(reason: str) -> None:
    reason = (
        f"no PostgreSQL server for the pg tests: set {ENV} to a postgresql+psycopg:// URL or "
        f"install the server binaries (initdb, pg_ctl); {reason}"
    )
    if os.environ.get("CI"):
        pytest.fail(f"CI is set, so this fails rather than skips: {reason}", pytrace=False)
    pytest.skip(f"SKIPPED ON POSTGRESQL: {reason}")


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """The PostgreSQL server the `pg` tests run on (see the module's docstring)."""
    started: TempPostgres | None = None
    url = os.environ.get(ENV)
    if not url:
        try:
            started = TempPostgres()
        except subprocess.CalledProcessError as error:
            _no_server(f"starting one failed: {error}: {(error.stderr or b'').decode()[-500:]}")
        except (RuntimeError, OSError) as error:
            _no_server(f"cannot start one: {error}")
        assert started is not None
        url = started.url
    server = PostgresServer(url)
    try:
        with server.admin.connect():
            pass
    except Exception as error:
        server.admin.dispose()
        if started is not None:
            started.stop()
        _no_server(f"cannot connect to {url}: {error}")
    try:
        yield server
    finally:
        server.admin.dispose()
        if started is not None:
            started.stop()


@pytest.fixture
def pg_url(postgres: PostgresServer) -> Iterator[str]:
    """A new, empty PostgreSQL store location for one test, dropped after it."""
    url = postgres.new_store_url()
    yield url
    postgres.drop(url)


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a test's store lives: a new SQLite file, or a new PostgreSQL schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    s = Store(store_url)
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
