"""Bad newsboat files: each gets one line naming the file and the reason, exit 1 where
nothing could be imported, and nothing already stored is lost. The urls-file parser and the
filter translator, fuzzed: only their own one-line refusals, and never a query we refuse."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsreader.cli import main
from newsreader.ingest.draft import UNEXPECTED, IngestError
from newsreader.ingest.newsboat_filter import Untranslatable, translate
from newsreader.ingest.newsboat_urls import parse_urls, tokenize
from newsreader.search.query import parse_query

NEWSBOAT_SCHEMA = """
CREATE TABLE rss_feed (rssurl VARCHAR(1024) PRIMARY KEY NOT NULL, url VARCHAR(1024) NOT NULL,
  title VARCHAR(1024) NOT NULL, lastmodified INTEGER(11) NOT NULL DEFAULT 0,
  is_rtl INTEGER(1) NOT NULL DEFAULT 0, etag VARCHAR(128) NOT NULL DEFAULT "");
CREATE TABLE rss_item (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, guid VARCHAR(64) NOT NULL,
  title VARCHAR(1024) NOT NULL, author VARCHAR(1024) NOT NULL, url VARCHAR(1024) NOT NULL,
  feedurl VARCHAR(1024) NOT NULL, pubDate INTEGER NOT NULL, content VARCHAR(65535) NOT NULL,
  unread INTEGER(1) NOT NULL, enclosure_url VARCHAR(1024), enclosure_type VARCHAR(1024),
  enqueued INTEGER(1) NOT NULL DEFAULT 0, flags VARCHAR(52),
  deleted INTEGER(1) NOT NULL DEFAULT 0, base VARCHAR(128) NOT NULL DEFAULT "");
CREATE TABLE metadata (db_schema_version_major INTEGER NOT NULL,
  db_schema_version_minor INTEGER NOT NULL);
"""


def make_cache(path: Path, version: tuple[int, int] = (2, 11), items: int = 3) -> Path:
    """A cache.db as newsboat 2.21 lays it out (its schema, copied from a real one)."""
    with sqlite3.connect(path) as db:
        db.executescript(NEWSBOAT_SCHEMA)
        db.execute("INSERT INTO metadata VALUES (?, ?)", version)
        db.execute(
            "INSERT INTO rss_feed (rssurl, url, title) VALUES "
            "('https://h.example/rss', 'https://h.example/', 'Harbour')"
        )
        db.executemany(
            "INSERT INTO rss_item (guid, title, author, url, feedurl, pubDate, content, unread) "
            "VALUES (?, ?, '', '', 'https://h.example/rss', 1704103200, ?, 1)",
            [(f"g{n}", f"Item {n}", f"<p>Body {n} {'words ' * 400}</p>") for n in range(items)],
        )
    db.close()
    return path


@pytest.fixture
def db(tmp_path: Path) -> str:
    """A store holding one article already: whatever an import does, it stays."""
    path = tmp_path / "store.db"
    doc = tmp_path / "kept.txt"
    doc.write_text("Kept article\n\nIt was here before.\n")
    assert CliRunner().invoke(main, ["--db", str(path), "import", str(doc)]).exit_code == 0
    return str(path)


def _import(db: str, path: Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--db", db, "import", str(path)])
    return result.exit_code, result.stdout, result.stderr


def _kept(db: str) -> bool:
    out = CliRunner().invoke(main, ["--db", db, "search", "kept article"]).stdout
    return "Kept article" in out


URL = b"https://h.example/rss news\n"


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (b"https://h.example/" + b"x" * 10_000, "line 1: longer than 4,096 characters"),
        (b"https://h.example/a\x00b news", "line 1: holds a NUL byte"),
        (b"https://h.example/\xff\xfe news", "line 1: not valid UTF-8"),
        (b'https://h.example/a "news', "line 1: a quote is not closed"),
        (b'"query:Odd:bogus = \\"x\\""', "line 1: query 'Odd': unknown attribute 'bogus'"),
    ],
)
def test_a_bad_urls_line_is_one_line_and_alone_fails(
    db: str, tmp_path: Path, line: bytes, reason: str
) -> None:
    path = tmp_path / "urls"
    path.write_bytes(line + b"\n")
    code, _, err = _import(db, path)
    assert (code, err) == (1, f"skipped {path}: {reason}\n")
    path.write_bytes(b"# mine\n" + URL + line + b"\n")  # with a good line: that one counts
    code, out, err = _import(db, path)
    assert code == 0 and "1 feeds added" in out
    assert err == f"skipped {path}: {reason.replace('line 1', 'line 3')}\n"
    assert _kept(db)


def test_a_cache_that_is_not_newsboats(db: str, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE notes (x)")
    conn.close()
    code, _, err = _import(db, other)
    assert (code, err) == (
        1,
        f"skipped {other}: not a newsboat cache (it has no rss_feed and rss_item tables)\n",
    )
    code, _, err = _import(db, Path(db))  # our own store is not newsboat's either
    assert code == 1 and "not a newsboat cache" in err and err.count("\n") == 1
    assert _kept(db)


def test_a_cache_of_an_unknown_schema_version(db: str, tmp_path: Path) -> None:
    cache = make_cache(tmp_path / "cache.db", version=(3, 0))
    code, _, err = _import(db, cache)
    assert (code, err) == (
        1,
        f"skipped {cache}: a newsboat cache of schema version 3.0; "
        "this newsreader reads version 2.x\n",
    )


def test_a_truncated_cache(db: str, tmp_path: Path) -> None:
    cache = make_cache(tmp_path / "cache.db", items=40)
    data = cache.read_bytes()
    cache.write_bytes(data[: len(data) // 3])
    code, _, err = _import(db, cache)
    assert code == 1 and err.count("\n") == 1, err
    assert err.startswith(f"skipped {cache}: a damaged or truncated SQLite file")
    assert _kept(db)


def test_a_cache_locked_by_a_running_newsboat_does_not_hang(db: str, tmp_path: Path) -> None:
    cache = make_cache(tmp_path / "cache.db")
    holder = sqlite3.connect(cache, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # what newsboat holds while it writes a reload
    try:
        code, _, err = _import(db, cache)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert (code, err) == (
        1,
        f"skipped {cache}: locked by a running newsboat (close it, or wait for its reload, "
        "and try again)\n",
    )
    code, out, _ = _import(db, cache)  # once it lets go: imported, and never changed
    assert code == 0 and "3 articles added" in out
    assert _kept(db)


def test_a_cache_is_never_written(db: str, tmp_path: Path) -> None:
    cache = make_cache(tmp_path / "cache.db")
    before = cache.read_bytes()
    cache.chmod(0o444)
    code, out, _ = _import(db, cache)
    assert code == 0 and "1 feeds (1 new), 3 articles added" in out
    assert cache.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("cache")) == ["cache.db"]


# -- fuzzing -----------------------------------------------------------------------------

_WORDS = st.sampled_from(
    ["title", "content", "tags", "feedtitle", "unread", "flags", "age", "date", "pubDate",
     "author", "bogus", "and", "or", "(", ")", "=", "!=", "=~", "!~", "#", "!#", "<", ">",
     "<=", ">=", "between", '"yes"', '"no"', '"tech"', '"a b"', '"^x"', '"2024-01-01"',
     "7", "0:10", '"', "\\", "-3", '""', '"s"']
)  # fmt: skip
_EXPRESSIONS = st.one_of(st.text(max_size=60), st.lists(_WORDS, max_size=12).map(" ".join))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_EXPRESSIONS)
def test_the_translator_refuses_in_one_line_or_gives_a_query_we_take(expression: str) -> None:
    try:
        query = translate(expression)
    except Untranslatable as error:
        assert str(error) and "\n" not in str(error)
        return
    parse_query(query)  # never a query our parser refuses


_LINES = st.one_of(
    st.binary(max_size=80),
    st.lists(
        st.sampled_from(
            [b"https://h.example/rss", b"http://h.example/a b", b'"~Name"', b"tag", b'"query:Q:',
             b'unread = \\"yes\\""', b'"exec:rm -rf /"', b"filter:x:y", b"#", b'"', b"\\",
             b"\x00", b"\xff", b"file:///tmp/f.xml", b"~", b"!hidden", b"query:x", b"\t"]
        ),
        max_size=8,
    ).map(b" ".join),
)  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_LINES, max_size=6).map(b"\n".join))
def test_the_urls_parser_never_fails_but_in_its_own_words(data: bytes) -> None:
    try:
        parsed = parse_urls(data)
    except IngestError as error:
        assert str(error) != UNEXPECTED
        raise
    for reason in parsed.skipped:
        assert reason.startswith("line ") and "\n" not in reason
    for query in parsed.queries:
        parse_query(query.query)
    for feed in parsed.feeds:
        assert feed.url.startswith(("https://", "http://", "/"))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_tokenize_is_total(line: str) -> None:
    try:
        tokenize(line)
    except ValueError as error:
        assert str(error) == "a quote is not closed"
