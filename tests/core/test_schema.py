"""Stores written by earlier schema versions open, are upgraded in place, and keep state."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from newsreader.importer import import_paths
from newsreader.ingest import ArticleDraft
from newsreader.store import schema
from newsreader.store.engine import StoreError
from newsreader.store.health import check
from newsreader.store.store import Store
from tests.fixtures.make_store_v1 import ARTICLES, fingerprint

FIXTURE = Path(__file__).parents[1] / "fixtures" / "store_v1.db"


@pytest.fixture
def v1_path(tmp_path: Path) -> Path:
    path = tmp_path / "store.db"
    shutil.copyfile(FIXTURE, path)
    return path


def _flags(store: Store) -> dict[str, tuple[bool, bool]]:
    return {r.title: (r.is_read, r.is_starred) for r in store.rows(store.ids()).values()}


EXPECTED_FLAGS = {title: (is_read, is_starred) for title, _, _, is_read, is_starred in ARTICLES}


def test_the_fixture_is_a_version_1_store() -> None:
    import sqlite3

    conn = sqlite3.connect(f"file:{FIXTURE}?mode=ro", uri=True)  # never change the fixture
    try:
        version = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        assert version == ("1",)
        assert conn.execute("SELECT count(*) FROM article").fetchone() == (len(ARTICLES),)
    finally:
        conn.close()


def test_a_version_1_store_opens_with_its_state(v1_path: Path) -> None:
    store = Store(f"sqlite:///{v1_path}")
    try:
        assert _flags(store) == EXPECTED_FLAGS
        for title, *_ in ARTICLES:
            assert [store.rows([i])[i].title for i in store.search(title).ids][:1] == [title]
    finally:
        store.close()
    assert all(finding.ok for finding in check(f"sqlite:///{v1_path}"))


def test_version_2_adds_feeds_to_a_version_1_store(v1_path: Path) -> None:
    store = Store(f"sqlite:///{v1_path}")
    try:
        with store.engine.connect() as conn:
            assert schema.schema_version(conn) >= 2
            columns = {c["name"] for c in inspect(conn).get_columns("article")}
            assert {"feed_id", "guid"} <= columns
            assert inspect(conn).has_table("feed")
            indexes = {i["name"] for i in inspect(conn).get_indexes("article")}
            assert "ux_article_feed_guid" in indexes
        assert _flags(store) == EXPECTED_FLAGS
    finally:
        store.close()


def test_fingerprints_are_stable_so_reimporting_adds_nothing(v1_path: Path, tmp_path: Path) -> None:
    for title, body, source, *_ in ARTICLES:
        draft = ArticleDraft(title=title, body=body, source=source, origin="x")
        assert draft.fingerprint == fingerprint(title, body)
    folder = tmp_path / "files"
    folder.mkdir()
    for n, (title, body, *_) in enumerate(ARTICLES, start=1):
        (folder / f"{n}.txt").write_text(f"{title}\n\n{body}\n")
    store = Store(f"sqlite:///{v1_path}")
    try:
        report = import_paths(store, [folder])
        assert (report.added, report.unchanged) == (0, len(ARTICLES))
        assert _flags(store) == EXPECTED_FLAGS
    finally:
        store.close()


def _add_language_column(conn: Connection) -> None:
    """What a real version-2 step could look like."""
    conn.exec_driver_sql("ALTER TABLE article ADD COLUMN language TEXT NOT NULL DEFAULT ''")


def test_upgrade_applies_the_new_steps_in_order_and_keeps_state(
    v1_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ran: list[str] = []

    def step_2(conn: Connection) -> None:
        ran.append("2")
        _add_language_column(conn)

    def step_3(conn: Connection) -> None:
        ran.append("3")
        assert "language" in {c["name"] for c in inspect(conn).get_columns("article")}
        conn.exec_driver_sql("UPDATE article SET language = 'en'")

    known = len(schema.STEPS)
    monkeypatch.setattr(schema, "STEPS", [*schema.STEPS, step_2, step_3])
    store = Store(f"sqlite:///{v1_path}")
    try:
        assert ran == ["2", "3"]  # step 1 was already applied: not run again
        with store.engine.connect() as conn:
            assert schema.schema_version(conn) == known + 2
            languages = conn.execute(text("SELECT DISTINCT language FROM article")).scalars()
            assert list(languages) == ["en"]
        assert _flags(store) == EXPECTED_FLAGS
    finally:
        store.close()
    Store(f"sqlite:///{v1_path}").close()
    assert ran == ["2", "3"]  # an up-to-date store is not upgraded again


def test_a_failing_step_leaves_the_store_as_it_was(
    v1_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(conn: Connection) -> None:
        _add_language_column(conn)
        raise RuntimeError("step failed half-way")

    Store(f"sqlite:///{v1_path}").close()  # the first open switches the file to WAL
    before = v1_path.read_bytes()
    monkeypatch.setattr(schema, "STEPS", [*schema.STEPS, broken])
    with pytest.raises(RuntimeError):
        Store(f"sqlite:///{v1_path}")
    monkeypatch.undo()
    store = Store(f"sqlite:///{v1_path}")
    try:
        with store.engine.connect() as conn:
            assert schema.schema_version(conn) == len(schema.STEPS)
            assert "language" not in {c["name"] for c in inspect(conn).get_columns("article")}
        assert _flags(store) == EXPECTED_FLAGS
    finally:
        store.close()
    assert v1_path.read_bytes() == before


def test_a_fresh_store_runs_every_step_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ran: list[int] = []
    steps = [*schema.STEPS, _add_language_column]
    recording = [
        (lambda conn, n=n, step=step: (ran.append(n), step(conn))[1])
        for n, step in enumerate(steps, start=1)
    ]
    monkeypatch.setattr(schema, "STEPS", recording)
    Store(f"sqlite:///{tmp_path / 'new.db'}").close()
    assert ran == list(range(1, len(steps) + 1))


def test_a_store_from_a_newer_version_is_refused_untouched(v1_path: Path) -> None:
    store = Store(f"sqlite:///{v1_path}")
    with store.writing() as conn:
        schema.set_meta(conn, "schema_version", "99")
    store.close()
    before = v1_path.read_bytes()
    told: list[str] = []
    with pytest.raises(StoreError, match=r"newer newsreader.*schema 99") as caught:
        Store(f"sqlite:///{v1_path}", on_upgrade=lambda: told.append("upgrading"))
    assert str(v1_path) in str(caught.value)
    assert told == []  # nothing is upgraded, so nothing says it is
    assert v1_path.read_bytes() == before


def test_someone_elses_database_is_not_taken_over(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match=r"not a newsreader store.*invoices"):
        Store(f"sqlite:///{path}")
    assert path.read_bytes() == before


def test_opening_an_older_store_says_so_once(v1_path: Path, tmp_path: Path) -> None:
    calls: list[str] = []
    Store(f"sqlite:///{v1_path}", on_upgrade=lambda: calls.append("old")).close()
    Store(f"sqlite:///{v1_path}", on_upgrade=lambda: calls.append("upgraded")).close()
    Store(f"sqlite:///{tmp_path / 'new.db'}", on_upgrade=lambda: calls.append("new")).close()
    assert calls == ["old"]


def test_the_command_line_says_why_opening_an_older_store_takes_a_while(v1_path: Path) -> None:
    from click.testing import CliRunner

    from newsreader.cli import main

    result = CliRunner().invoke(main, ["--db", str(v1_path), "list", "--json"])
    assert result.exit_code == 0, result.output
    assert (
        result.stderr.strip()
        == "newsreader: upgrading the store to this version, once (a big one takes a while)"
    )
    again = CliRunner().invoke(main, ["--db", str(v1_path), "list", "--json"])
    assert again.exit_code == 0 and again.stderr == ""


def test_opening_a_store_and_listing_never_imports_numpy(tmp_path: Path) -> None:
    """Listing articles must not pay for numpy (~100 ms): only the search index needs it."""
    import subprocess
    import sys

    Store(f"sqlite:///{tmp_path / 'x.db'}").close()  # created (and indexed) here
    code = (
        "import sys\n"
        "from newsreader.store.store import Store\n"
        f"s = Store('sqlite:///{tmp_path / 'x.db'}')\n"
        "s.ids()\n"
        "print('numpy' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_version_6_adds_tags_and_saved_searches_keeping_state(v1_path: Path) -> None:
    store = Store(f"sqlite:///{v1_path}")
    try:
        with store.engine.connect() as conn:
            assert schema.schema_version(conn) >= 6
            tables = set(inspect(conn).get_table_names())
            assert {"feed_tag", "article_tag", "saved_search"} <= tables
        assert _flags(store) == EXPECTED_FLAGS
        assert store.search("tag:anything").ids == []
    finally:
        store.close()
    assert all(finding.ok for finding in check(f"sqlite:///{v1_path}"))


def test_version_8_adds_retention_and_full_text_keeping_state(
    v1_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A store at version 6 (before the step named version 8; see its docstring) gains the
    removed-entry table and the full-text columns, keeping state; a feed is then off."""
    steps = list(schema.STEPS)
    monkeypatch.setattr(schema, "STEPS", steps[:6])
    Store(f"sqlite:///{v1_path}").close()
    monkeypatch.setattr(schema, "STEPS", steps)
    from newsreader.store.feeds import add_feed, feeds

    store = Store(f"sqlite:///{v1_path}")
    try:
        with store.engine.connect() as conn:
            assert schema.schema_version(conn) == len(steps)
            assert "removed_entry" in inspect(conn).get_table_names()
            assert "full_text" in {c["name"] for c in inspect(conn).get_columns("feed")}
            assert "feed_body" in {c["name"] for c in inspect(conn).get_columns("article")}
        assert _flags(store) == EXPECTED_FLAGS
        add_feed(store, "https://x.example/rss")
        assert [f.full_text for f in feeds(store)] == [False]
    finally:
        store.close()
    assert all(finding.ok for finding in check(f"sqlite:///{v1_path}"))


def test_the_retention_step_adds_its_columns_on_both_backends(store_url: str) -> None:
    """Step 8's ALTERs, run for real on SQLite and PostgreSQL: a store as version 7 left it
    (no removed entries, no full-text columns) is upgraded and keeps its articles."""
    store = Store(store_url)
    store.add([ArticleDraft("Kept", "Still here.", "S", "o")])
    with store.writing() as conn:
        conn.exec_driver_sql("DROP TABLE removed_entry")
        conn.exec_driver_sql("ALTER TABLE feed DROP COLUMN full_text")
        conn.exec_driver_sql("ALTER TABLE article DROP COLUMN feed_body")
        before = schema.STEPS.index(schema._add_retention_and_full_text)
        schema.set_meta(conn, "schema_version", str(before))
    store.close()
    store = Store(store_url)
    try:
        with store.engine.connect() as conn:
            assert schema.schema_version(conn) == len(schema.STEPS)
            assert "full_text" in {c["name"] for c in inspect(conn).get_columns("feed")}
        assert len(store.search("kept").ids) == 1
    finally:
        store.close()
