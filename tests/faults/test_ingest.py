"""Ingest under hostile input: one bad entry, file or folder is reported and the rest kept;
no depth of nesting exhausts the stack; work grows with the input, not its square.

Timing here is only a hang guard (`_guard`), never a speed assert.
"""

from __future__ import annotations

import html
import json
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from newsreader.importer import ImportReport, import_paths
from newsreader.ingest import IngestError
from newsreader.ingest.document import parse_document
from newsreader.ingest.draft import UNEXPECTED
from newsreader.ingest.feed import MAX_FEED_BYTES, parse_feed
from newsreader.ingest.html import html_to_text
from newsreader.ingest.opml import parse_opml
from newsreader.ingest.page import parse_page
from newsreader.ingest.text import parse_text
from newsreader.store.store import Store

JSON_VERSION = "https://jsonfeed.org/version/1.1"
GOOD_ITEM = {"id": "good", "title": "Good entry", "content_text": "Kept."}


@contextmanager
def _guard(seconds: int = 60) -> Iterator[None]:
    """Fail, rather than hang the run, if the block never finishes (quadratic work on a big
    input is a hang in practice). Generous: a guard, not a timing."""
    if not hasattr(signal, "SIGALRM"):
        pytest.skip("no SIGALRM on this platform: the hang guard cannot run")

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"still working after {seconds} s: not linear in its input")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _json_feed(*items: object) -> bytes:
    return json.dumps({"version": JSON_VERSION, "title": "J", "items": list(items)}).encode()


def _reasons(report: ImportReport) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path, reason in report.skipped:
        found.setdefault(Path(path).name, []).append(reason)
    return found


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    """For the heavy cases: what they test is ingest, not the backend."""
    store = Store(f"sqlite:///{tmp_path / 'heavy.db'}")
    yield store
    store.close()


def _one_line(reason: str) -> None:
    assert reason and "\n" not in reason and "Error" not in reason and reason != UNEXPECTED


# 1. One bad entry, file or feed is reported; everything else is kept.

HOSTILE_ITEMS = {
    "authors-int": {"id": "h", "title": "Hostile", "content_text": "x", "authors": 1},
    "authors-list-of-junk": {"id": "h", "authors": [1, None, [], {"name": 5}], "title": "H"},
    "author-str": {"id": "h", "title": "H", "author": "just a name"},
    "title-object": {"id": "h", "title": {"a": [1]}, "content_html": ["<p>x</p>"]},
    "date-out-of-range": {"id": "h", "title": "H", "date_published": "9999-12-31T23:59:59-10:00"},
    "date-before-year-one": {"id": "h", "title": "H", "date_published": "0001-01-01T00:00+05:00"},
    "date-int": {"id": "h", "title": "H", "date_published": 10**30},
    "url-bad-ipv6": {"id": "h", "title": "H", "url": "http://[::1", "content_html": "<a href=x>"},
    "everything-null": dict.fromkeys(("id", "title", "url", "content_html", "authors")),
}


@pytest.mark.parametrize("item", HOSTILE_ITEMS.values(), ids=HOSTILE_ITEMS)
def test_a_hostile_json_item_keeps_its_feed_and_the_other_files(
    tmp_path: Path, store: Store, item: dict[str, object]
) -> None:
    """The named case: `"authors": 1` in one of 51 files once added nothing at all."""
    for n in range(50):
        (tmp_path / f"note{n:02}.txt").write_text(f"Note {n}\n\nBody {n}.\n")
    (tmp_path / "feed.json").write_bytes(_json_feed(item, GOOD_ITEM))
    report = import_paths(store, [tmp_path])
    assert report.added == 52 and report.skipped == []  # the odd field counts as absent
    titles = {row.title for row in store.rows(store.ids()).values()}
    assert "Good entry" in titles and "Note 49" in titles


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b'{"title": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "nested deeper than 100 levels"),
        (b'{"id": ' + b"9" * 5000 + b', "title": "Huge id"}', None),
        (b'{"id": NaN, "title": Infinity, "content_text": -Infinity}', None),
        (b"1e999", "entry 1: not an object"),
        (b"null", "entry 1: not an object"),
    ],
    ids=["deep-nesting", "huge-int", "nan", "float-overflow", "null"],
)
def test_json_values_of_any_size_or_shape_cost_at_most_their_feed(
    tmp_path: Path, store: Store, body: bytes, reason: str | None
) -> None:
    good = json.dumps(GOOD_ITEM).encode()
    feed = b'{"version": "%s", "items": [%s, %s]}' % (JSON_VERSION.encode(), body, good)
    (tmp_path / "feed.json").write_bytes(feed)
    (tmp_path / "a.txt").write_text("Kept\n\nBody.")
    with _guard():
        report = import_paths(store, [tmp_path])
    for reasons in _reasons(report).values():
        for why in reasons:
            _one_line(why)
    if reason is None:  # the odd value counts as absent; the entry and the feed are kept
        assert (report.added, report.skipped) == (3, [])
    elif reason.startswith("entry"):  # the entry is left out with its reason, the rest kept
        assert report.added == 2 and _reasons(report) == {"feed.json": [reason]}
    else:  # the file cannot be parsed at all: that file's error, the others kept
        assert report.added == 1
        assert _reasons(report) == {"feed.json": [f"not a JSON Feed: {reason}"]}


def test_a_bad_rss_entry_is_left_out_with_its_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    """However an entry fails, it is that entry's reason; its siblings are kept."""
    from newsreader.ingest import feed as feed_module

    real = feed_module._body

    def fussy(content: str, is_html: bool, base_url: str) -> str:
        if "poison" in content:
            raise KeyError("a bug met on this entry only")
        return real(content, is_html, base_url)

    monkeypatch.setattr(feed_module, "_body", fussy)
    items = "".join(
        f"<item><title>T{n}</title><guid>g{n}</guid><description>{word}</description></item>"
        for n, word in enumerate(["fine", "poison", "fine"])
    )
    data = f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>'.encode()
    parsed = parse_feed(data, "o")
    assert [e.title for e in parsed.entries] == ["T0", "T2"]
    assert parsed.skipped == [f"entry 2: {UNEXPECTED}"]


@pytest.mark.parametrize(
    "date",
    [
        "Mon, 01 Apr 99999 10:00:00 GMT",
        "Fri, 31 Dec 9999 23:59:59 -1200",
        "Sat, 01 Jan 0001 00:00:00 +1400",
        "9" * 5000,
    ],
)
def test_rss_dates_off_the_calendar_are_absent(date: str) -> None:
    data = (
        '<?xml version="1.0"?><rss version="2.0"><channel><item><title>D</title>'
        f"<pubDate>{date}</pubDate></item></channel></rss>"
    ).encode()
    [entry] = parse_feed(data, "o").entries
    assert entry.published_at is None or 1 < entry.published_at.year < 9999


def test_a_parser_bug_is_that_files_reason(tmp_path: Path, store: Store) -> None:
    """The last line of defence: an exception no check foresaw is one file's error."""
    (tmp_path / "a.txt").write_text("Kept\n\nBody.")
    (tmp_path / "b.txt").write_text("Boom\n\nBody.")
    from newsreader.ingest import text

    real = text._blocks

    def exploding(body: str) -> list[list[str]]:
        if body.startswith("Boom"):
            raise RecursionError("too deep")
        return real(body)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(text, "_blocks", exploding)
        report = import_paths(store, [tmp_path])
    assert report.added == 1 and _reasons(report) == {"b.txt": [UNEXPECTED]}


# 2. No depth of nesting recurses: folders, HTML, XML, JSON, OPML.


@contextmanager
def _deep_folder(parent: Path, levels: int, bottom: bytes | None = None) -> Iterator[None]:
    """`parent/d/d/.../d`, `levels` deep (with `bottom.txt` at the bottom), made and removed
    level by level through descriptors: pathlib, os.makedirs and shutil.rmtree all recurse,
    and a path this long may be more than the system takes in one piece."""
    fds = [os.open(parent, os.O_RDONLY)]
    try:
        for _ in range(levels):
            os.mkdir("d", dir_fd=fds[-1])
            fds.append(os.open("d", os.O_RDONLY, dir_fd=fds[-1]))
        if bottom is not None:
            fd = os.open("bottom.txt", os.O_WRONLY | os.O_CREAT, dir_fd=fds[-1])
            os.write(fd, bottom)
            os.close(fd)
        yield
    finally:
        if bottom is not None:
            os.unlink("bottom.txt", dir_fd=fds[-1])
        while len(fds) > 1:
            os.close(fds.pop())
            os.rmdir("d", dir_fd=fds[-1])
        os.close(fds.pop())


def test_a_folder_1000_deep_keeps_its_siblings(tmp_path: Path, sqlite_store: Store) -> None:
    """The named case: a RecursionError once aborted the whole import."""
    (tmp_path / "a.txt").write_text("Before\n\nBody.")
    (tmp_path / "z.txt").write_text("After\n\nBody.")
    with _deep_folder(tmp_path, 1000, b"Bottom\n\nBody."):
        report = import_paths(sqlite_store, [tmp_path])
    assert (report.added, report.skipped) == (3, [])


def test_a_folder_too_deep_to_name_is_that_folders_error(
    tmp_path: Path, sqlite_store: Store
) -> None:
    """Past PATH_MAX a folder cannot be listed by name: it is reported, the rest kept."""
    (tmp_path / "a.txt").write_text("Kept\n\nBody.")
    with _deep_folder(tmp_path, 2100):  # 2 bytes a level: past Linux's 4096-byte PATH_MAX
        report = import_paths(sqlite_store, [tmp_path])
    assert report.added == 1
    [(path, reason)] = report.skipped
    assert reason.startswith("cannot read folder: ") and path.endswith("/d")
    _one_line(reason)


def test_deep_nesting_in_every_format_is_no_crash() -> None:
    n = 20 * sys.getrecursionlimit()
    rss_deep = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><item><title>Deep</title>'
        + b"<x>" * n
        + b"</x>" * n
        + b"</item></channel></rss>"
    )
    escaped = html.escape("<div>" * n + "words" + "</div>" * n).encode()
    rss_deep_html = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><item><title>Deep</title>'
        b"<description>" + escaped + b"</description></item></channel></rss>"
    )
    opml = b'<opml version="2.0"><body>' + b'<outline text="a">' * n + b"</outline>" * n
    with _guard():
        assert [e.title for e in parse_feed(rss_deep, "o").entries] == ["Deep"]
        assert "words" in parse_feed(rss_deep_html, "o").entries[0].body
        assert "words" in html_to_text("<ul><li>" * n + "words")[0]
        assert "words" in parse_page(b"<html><body>" + b"<div>" * n + b"words", "p.html").body
        assert parse_opml(opml + b"</body></opml>") == []
        assert parse_text(b"T\n\n" + b"> " * n + b"[" * n, "a.md").title == "T"


def test_deep_json_never_reaches_the_recursing_parser() -> None:
    limit = sys.getrecursionlimit()
    for depth in (limit // 2, limit * 2, 10**6):
        data = b'{"version": "%s", "items": %s}' % (
            JSON_VERSION.encode(),
            b"[" * depth + b"]" * depth,
        )
        with pytest.raises(IngestError, match="nested deeper than 100 levels"):
            parse_feed(data, "o")
    # brackets inside strings are text, not depth
    text = "[{" * 10_000
    [entry] = parse_feed(_json_feed({"id": "1", "content_text": text}), "o").entries
    assert entry.body == text


# 4. Linear work: a hang guard around inputs that quadratic code never finishes.


def test_an_item_with_70000_links_imports(tmp_path: Path, sqlite_store: Store) -> None:
    """The named case: 40 s of CPU, from numbering links with `list.index`."""
    links = "".join(f'<a href="https://e.example/{i}">l{i}</a> ' for i in range(70_000))
    links += '<a href="https://e.example/0">again</a>'
    rss = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item>'
        f"<title>Links</title><guid>l</guid><description>{html.escape(links)}</description>"
        "</item></channel></rss>"
    )
    (tmp_path / "links.rss").write_text(rss)
    with _guard():
        report = import_paths(sqlite_store, [tmp_path])
    assert (report.added, report.skipped) == (1, [])
    [article_id] = sqlite_store.ids()
    article = sqlite_store.article(article_id)
    assert article is not None
    assert "again [1]" in article.body and "[70000] https://e.example/69999" in article.body


def _big_rss(target: int) -> bytes:
    """Just under `target` bytes of ordinary entries: paragraphs, a list, a few links."""
    words = " ".join(f"word{i % 97}" for i in range(60))
    entry = (
        f"<p>{words} &amp; more.</p>" * 4
        + "<ul><li>one</li><li>two</li></ul>"
        + "".join(f'<a href="/p{i}">link {i}</a> ' for i in range(3))
    )
    escaped = html.escape(entry)
    parts = ['<?xml version="1.0"?><rss version="2.0"><channel><title>Big</title>']
    size, n = len(parts[0]), 0
    while True:
        item = (
            f"<item><title>Entry {n}</title><link>https://b.example/{n}</link>"
            f"<guid>b{n}</guid><description>{escaped} {n}</description></item>"
        )
        if size + len(item) + 30 > target:
            break
        parts.append(item)
        size += len(item)
        n += 1
    parts.append("</channel></rss>")
    return "".join(parts).encode()


def test_a_20_mb_feed_imports(tmp_path: Path, sqlite_store: Store) -> None:
    data = _big_rss(MAX_FEED_BYTES - 1024)
    assert MAX_FEED_BYTES - 4096 < len(data) <= MAX_FEED_BYTES
    (tmp_path / "big.rss").write_bytes(data)
    with _guard():
        report = import_paths(sqlite_store, [tmp_path])
    assert report.skipped == [] and report.added == data.count(b"<item>")


@pytest.mark.parametrize(
    "body",
    [
        b"T\n\n" + b"word\n" * 1_200_000,  # one hard-wrapped paragraph of many lines
        b"T\n\n" + b"p\n\n" * 50_000,  # many paragraphs
        b"T\n\n" + b"x" * 5_000_000,  # one long line
        b"T\n\n" + b"- item\n" * 50_000,  # many list items
        b"T\n\n[" + b"a " * 1_000_000 + b"\n",  # a would-be shortcode that never closes
        b"T\n\nName " + b" " * 1_000_000 + b"- rest",  # a would-be dateline
    ],
    ids=["wrapped", "paragraphs", "long-line", "list", "shortcode", "dateline"],
)
def test_text_parsing_is_linear(body: bytes) -> None:
    with _guard():
        assert parse_text(body, "a.txt").title == "T"


@pytest.mark.parametrize(
    "fragment",
    [
        "".join(f'<a href="https://e.example/{i}">x</a>' for i in range(150_000)),
        "<ul>" + "<li>item</li>" * 100_000 + "</ul>",
        "<ul><li>x" * 150_000,
        "<p>para</p>" * 50_000,
        "&amp;&lt;&#x41;" * 100_000,
        "<blockquote>" * 100_000 + "q",
        "<a href='https://e.example/'>" * 100_000 + "x" + "</a>" * 100_000,
    ],
    ids=["links", "list-items", "nested-lists", "paragraphs", "entities", "quotes", "nested-links"],
)
def test_html_conversion_is_linear(fragment: str) -> None:
    with _guard():
        text, _ = html_to_text(fragment)
    assert text


def test_document_sniffing_of_every_format_survives_junk(tmp_path: Path) -> None:
    """Each kind of file with junk in it is read or refused with a reason of its own."""
    cases = {
        "a.json": b'{"version": "https://jsonfeed.org/version/1", "items": {"no": "list"}}',
        "b.opml": b"<opml><body><outline xmlUrl='http://[::1'/></body>",
        "c.html": b"<html><body>" + b"<p>" * 1000,
        "d.rss": b'<?xml version="1.0"?><rss version="2.0"><channel><item><title>',
        "e.md": b"# " + b"\xff" * 100,
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        try:
            parse_document(tmp_path / name)
        except IngestError as error:
            _one_line(str(error))
