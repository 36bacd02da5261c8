"""PostgreSQL as the shared store: one database, many readers and writers at once.

Everything here runs on a real server (the `pg_url` fixture: an empty schema of its own).
What does not depend on the backend is covered by the `[pg]` runs of the rest of the suite.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    func,
    inspect,
    select,
)
from sqlalchemy.engine import Connection, make_url

from newsreader.ingest import ArticleDraft
from newsreader.refresh import refresh
from newsreader.search.tables import SearchSegment, table_of
from newsreader.store import schema
from newsreader.store.engine import make_engine
from newsreader.store.feeds import AlreadySubscribed, add_feed, feeds
from newsreader.store.health import check
from newsreader.store.models import Article
from newsreader.store.store import Store
from newsreader.store.views import DayCount
from tests.conftest import draft
from tests.feeds.server import FeedServer, serving
from tests.fixtures.make_store_v1 import ARTICLES, IMPORTED, fingerprint, v1_index
from tests.search.indexed import live_postings

_article = table_of(Article)


@pytest.fixture
def server() -> Iterator[FeedServer]:
    yield from serving()


def newsreader(url: str, home: Path, *args: str) -> subprocess.Popen[str]:
    """The real program, in its own process, on the store at `url`."""
    env = {**os.environ, "XDG_DATA_HOME": str(home / "xdg"), "XDG_CONFIG_HOME": str(home / "c")}
    return subprocess.Popen(
        [sys.executable, "-m", "newsreader", "--db", url, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def run(url: str, home: Path, *args: str) -> str:
    proc = newsreader(url, home, *args)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    return out


def only_progress(err: str) -> bool:
    """Standard error holds nothing but the plain progress lines of a large import."""
    return all(re.fullmatch(r"read \d+/\d+ files", line) for line in err.splitlines())


def write_articles(folder: Path, prefix: str, n: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"{prefix}{i:06d}.txt").write_text(
            f"{prefix} story {i}\n\nThe {prefix} body of story {i} mentions tok{prefix}{i}.\n"
        )


def titles(store: Store) -> list[str]:
    with store.engine.connect() as conn:
        return list(conn.execute(select(_article.c.title)).scalars())


def assert_healthy(url: str) -> None:
    findings = check(url)
    assert [f.check for f in findings] == ["schema", "index"], findings
    assert all(f.ok for f in findings), findings


def test_two_imports_at_once_both_finish_without_duplicates(pg_url: str, tmp_path: Path) -> None:
    # A fresh database: the two also race to create the tables and to seed them.
    write_articles(tmp_path / "a", "shared", 1200)
    write_articles(tmp_path / "b", "shared", 1200)
    write_articles(tmp_path / "a", "onlya", 700)
    write_articles(tmp_path / "b", "onlyb", 700)
    procs = [newsreader(pg_url, tmp_path, "import", str(tmp_path / d)) for d in "ab"]
    outcomes = [p.communicate(timeout=180) for p in procs]
    for proc, (out, err) in zip(procs, outcomes, strict=True):
        assert proc.returncode == 0, err
        assert only_progress(err), err
        assert out.endswith(" unchanged, 0 skipped\n")
    assert sum(int(out.split()[0]) for out, _ in outcomes) == 1200 + 700 + 700
    store = Store(pg_url)
    try:
        found = titles(store)
        assert len(found) == len(set(found)) == 2600 + 1  # + the bundled seed article
        for token in ("tokshared0", "tokshared1199", "tokonlya0", "tokonlyb699"):
            assert len(store.search(token).ids) == 1, token
        assert len(store.search("shared").ids) == 1200
    finally:
        store.close()
    assert_healthy(pg_url)


def test_two_readers_see_each_others_articles_and_state(pg_url: str, tmp_path: Path) -> None:
    one, two = Store(pg_url), Store(pg_url)
    try:
        one.add([draft("Harbour reopens", "Ferries sail from the harbour again.")])
        assert two.search("harbour").ids == one.search("harbour").ids != []
        two.add([draft("Nutmeg prices", "Cloves and nutmeg cost more.", day=2)])
        one.index.invalidate()
        (nutmeg,) = one.search("nutmg").ids
        one.set_flag(nutmeg, "is_read", True)
        one.set_flag(nutmeg, "is_starred", True)
        row = two.rows([nutmeg])[nutmeg]
        assert (row.is_read, row.is_starred) == (True, True)
        assert two.counts().unread == 1
        # And a reader in another process, the way a second terminal would see it.
        hits = [
            json.loads(line)
            for line in run(pg_url, tmp_path, "search", "nutmeg", "--json").splitlines()
        ]
        assert [h["id"] for h in hits] == [nutmeg]
        unread = run(pg_url, tmp_path, "list", "--unread", "--json").splitlines()
        assert nutmeg not in {json.loads(line)["id"] for line in unread}
        run(pg_url, tmp_path, "import", str(_one_file(tmp_path, "Saffron harvest", "Crocus.")))
        one.index.invalidate()
        two.index.invalidate()
        assert len(one.search("saffron").ids) == len(two.search("safron").ids) == 1
    finally:
        one.close()
        two.close()


def _one_file(folder: Path, title: str, body: str) -> Path:
    path = folder / "files" / f"{title}.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{title}\n\n{body}\n")
    return path


def rss(prefix: str, n: int) -> bytes:
    items = "".join(
        f"<item><title>{prefix} entry {i}</title><guid>{prefix}-{i}</guid>"
        f"<description>Feed text {i} names feedtok{prefix}{i}.</description></item>"
        for i in range(n)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>{prefix} Times</title>'
        f"{items}</channel></rss>"
    ).encode()


def test_an_import_during_a_refresh(pg_url: str, tmp_path: Path, server: FeedServer) -> None:
    store = Store(pg_url)
    try:
        for name in ("alpha", "beta", "gamma"):
            server.serve(f"/{name}", rss(name, 150))
            add_feed(store, server.url(f"/{name}"))
        write_articles(tmp_path / "files", "filed", 2500)
        importer = newsreader(pg_url, tmp_path, "import", str(tmp_path / "files"))
        outcomes = []
        while importer.poll() is None or not outcomes:
            outcomes.extend(refresh(store))  # again and again while the import writes
        out, err = importer.communicate(timeout=120)
        assert importer.returncode == 0, err
        assert out.startswith("2500 added")
        assert {o.status for o in outcomes} == {"ok"}
        assert sum(o.added for o in outcomes) == 450  # each entry once, however many refreshes
        assert {f.name: f.articles for f in feeds(store)} == {
            "alpha Times": 150,
            "beta Times": 150,
            "gamma Times": 150,
        }
        found = titles(store)
        assert len(found) == len(set(found)) == 2500 + 450 + 1
        store.index.invalidate()
        assert len(store.search("feedtokbeta149").ids) == 1
        assert len(store.search("tokfiled2499").ids) == 1
        assert len(store.search("entry").ids) == 450
    finally:
        store.close()
    assert_healthy(pg_url)


def test_concurrent_writers_never_merge_the_same_segments(pg_url: str) -> None:
    """Many small writes from two stores at once: every write adds a segment and merges a
    full tier, so without the writer lock both would merge the same segments and every
    document in them would be indexed twice."""
    stores = [Store(pg_url), Store(pg_url)]
    start = threading.Barrier(2)

    def write(k: int) -> None:
        start.wait()
        for i in range(40):
            stores[k].add([draft(f"Writer {k} item {i}", f"Common words, then w{k}x{i}.")])

    try:
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(write, range(2)))
        with stores[0].engine.connect() as conn:
            segments = conn.execute(select(func.count()).select_from(table_of(SearchSegment)))
            assert segments.scalar_one() < 80  # tiers were merged along the way
        # each document once, in one live segment
        assert len(live_postings(stores[0])["common"]) == 80
        stores[0].index.invalidate()
        assert len(stores[0].search("common").ids) == 80
    finally:
        for store in stores:
            store.close()
    assert_healthy(pg_url)


def test_two_readers_subscribing_to_one_feed_at_once(pg_url: str) -> None:
    stores = [Store(pg_url) for _ in range(4)]
    start = threading.Barrier(len(stores))

    def subscribe(store: Store) -> int | None:
        start.wait()
        try:
            return add_feed(store, "https://h.example/rss")
        except AlreadySubscribed:
            return None

    try:
        with ThreadPoolExecutor(len(stores)) as pool:
            got = list(pool.map(subscribe, stores))
        assert len([g for g in got if g is not None]) == 1
        assert [f.url for f in feeds(stores[0])] == ["https://h.example/rss"]
    finally:
        for store in stores:
            store.close()


def test_days_are_utc_days_whatever_the_servers_time_zone(pg_url: str) -> None:
    url = make_url(pg_url)
    options = f"{url.query['options']} -c TimeZone=Pacific/Kiritimati"  # UTC+14
    store = Store(url.update_query_dict({"options": options}).render_as_string(False))
    noon = datetime(2024, 1, 1, 12, tzinfo=UTC)  # already 2 January in Kiritimati
    try:
        store.add(
            [ArticleDraft(title="Dated", body="Noon.", source="W", origin="t", published_at=noon)]
        )
        (article_id,) = store.ids()
        article = store.article(article_id)
        assert article is not None
        assert article.published_at == noon
        assert store.per_day() == [DayCount(date(2024, 1, 1), 1)]
        assert store.search("dated after:2024-01-01 before:2024-01-02").ids == [article_id]
        assert store.search("dated after:2024-01-02").ids == []
    finally:
        store.close()


# Schema version 1, frozen: the tables `tests/fixtures/make_store_v1.py` writes, as models.
V1 = MetaData()
V1_SEGMENT = Table(
    "search_segment",
    V1,
    Column("id", Integer, primary_key=True),
    Column("doc_count", Integer, nullable=False),
    Column("docs", LargeBinary, nullable=False),
    Column("dates", LargeBinary, nullable=False),
)
V1_POSTING = Table(
    "search_posting",
    V1,
    Column("term", String(64), primary_key=True),
    Column("segment_id", Integer, primary_key=True, index=True),
    Column("n", Integer, nullable=False),
    Column("docs", LargeBinary, nullable=False),
    Column("flags", LargeBinary, nullable=False),
)
Table(
    "search_tombstone",
    V1,
    Column("doc_id", Integer, primary_key=True, autoincrement=False),
    Column("before_segment", Integer, nullable=False),
)
V1_ARTICLE = Table(
    "article",
    V1,
    Column("id", Integer, primary_key=True),
    Column("fingerprint", String(64), nullable=False, unique=True),
    Column("title", Text, nullable=False),
    Column("source", String(512), nullable=False, index=True),
    Column("author", String(512), nullable=False),
    Column("url", Text),
    Column("published_at", DateTime),
    Column("imported_at", DateTime, nullable=False),
    Column("sorted_at", DateTime, nullable=False, index=True),
    Column("body", Text, nullable=False),
    Column("summary", Text, nullable=False),
    Column("word_count", Integer, nullable=False),
    Column("origin", Text, nullable=False),
    Column("is_read", Boolean, nullable=False, index=True),
    Column("is_starred", Boolean, nullable=False, index=True),
)
V1_META = Table(
    "meta",
    V1,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)


def _create_v1(conn: Connection) -> None:
    V1.create_all(conn)
    for n, (title, body, source, is_read, is_starred) in enumerate(ARTICLES, start=1):
        conn.execute(
            V1_ARTICLE.insert().values(
                fingerprint=fingerprint(title, body),
                title=title,
                source=source,
                author="",
                imported_at=IMPORTED,
                sorted_at=IMPORTED,
                body=body,
                summary=body,
                word_count=len(body.split()),
                origin=f"{n}.txt",
                is_read=is_read,
                is_starred=is_starred,
            )
        )
    segment, postings = v1_index()
    conn.execute(V1_SEGMENT.insert().values(segment))
    conn.execute(V1_POSTING.insert(), postings)
    conn.execute(V1_META.insert().values(key="seeded", value=IMPORTED.isoformat()))


def test_a_version_1_store_is_upgraded_in_place(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as patch:
        patch.setattr(schema, "STEPS", [_create_v1])  # a newsreader that knows only step 1
        Store(pg_url).close()
    engine = make_engine(pg_url)  # look without a Store: opening one upgrades
    with engine.connect() as conn:
        assert schema.schema_version(conn) == 1
        assert not inspect(conn).has_table("feed")
    engine.dispose()
    # Two readers start the new version at once: one upgrades, the other finds it done.
    start = threading.Barrier(2)

    def open_store(_: int) -> Store:
        start.wait()
        return Store(pg_url)

    with ThreadPoolExecutor(2) as pool:
        stores = list(pool.map(open_store, range(2)))
    store = stores[0]
    try:
        with store.engine.connect() as conn:
            assert schema.schema_version(conn) == schema.latest_version()
            assert {"feed_id", "guid"} <= {c["name"] for c in inspect(conn).get_columns("article")}
            assert inspect(conn).has_table("feed")
            indexes = {i["name"] for i in inspect(conn).get_indexes("article")}
            assert "ux_article_feed_guid" in indexes
        flags = {r.title: (r.is_read, r.is_starred) for r in store.rows(store.ids()).values()}
        assert flags == {t: (read, starred) for t, _, _, read, starred in ARTICLES}
        for title, *_ in ARTICLES:
            assert [store.rows([i])[i].title for i in store.search(title).ids][:1] == [title]
        # The upgraded store takes feed entries like a new one.
        feed_id = add_feed(store, "https://h.example/rss")
        result = store.add([draft("Fresh entry", "After the upgrade.")], feed_id=feed_id)
        assert result.added == 1
    finally:
        for s in stores:
            s.close()
    assert_healthy(pg_url)
