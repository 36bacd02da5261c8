"""Fuzzing ingest: any bytes, any text, every input format field by field, and a generated
corpus of malformed files."""

from __future__ import annotations

import codecs
import json
import random
import re
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsreader.importer import import_paths
from newsreader.ingest import ArticleDraft, IngestError
from newsreader.ingest.draft import UNEXPECTED
from newsreader.ingest.feed import parse_feed
from newsreader.ingest.html import html_to_text
from newsreader.ingest.opml import parse_opml
from newsreader.ingest.page import parse_page
from newsreader.ingest.text import parse_text
from newsreader.links import is_web_link
from newsreader.store.health import index_coverage
from newsreader.store.store import Store
from tests.core.hostile import CONTROL_CASES, MARKUP_CASES, unsafe_chars


def _parse_or_refuse(data: bytes, origin: str) -> ArticleDraft | None:
    """Only `IngestError` may escape; anything else fails the test by propagating."""
    try:
        return parse_text(data, origin)
    except IngestError as error:
        assert str(error) and "\n" not in str(error)
        return None


def _assert_inert(draft: ArticleDraft) -> None:
    assert draft.title and not unsafe_chars(draft.title, allowed="")
    for text in (draft.body, draft.summary, draft.source):
        assert not unsafe_chars(text)


@given(st.binary(max_size=2000), st.sampled_from(["a.txt", "a.md"]))
def test_any_bytes_parse_or_are_refused(data: bytes, origin: str) -> None:
    draft = _parse_or_refuse(data, origin)
    if draft is not None:
        _assert_inert(draft)


@given(st.text(max_size=2000), st.sampled_from(["utf-8", "utf-16", "utf-16-le", "utf-8-sig"]))
def test_any_text_in_any_encoding_parses_or_is_refused(text: str, encoding: str) -> None:
    draft = _parse_or_refuse(text.encode(encoding, errors="surrogatepass"), "a.txt")
    if draft is not None:
        _assert_inert(draft)


_WORD = st.text(
    st.characters(
        codec="utf-8",
        exclude_categories=("Cc", "Cf", "Cs", "Co", "Zs", "Zl", "Zp"),
        exclude_characters="[]#-–—*+•",
    ),
    min_size=1,
    max_size=12,
)


@given(
    st.lists(_WORD, min_size=1, max_size=8),
    st.lists(st.lists(_WORD, min_size=1, max_size=30), min_size=1, max_size=5),
)
def test_printable_content_survives_parsing_unchanged(
    title: list[str], paragraphs: list[list[str]]
) -> None:
    body = "\n\n".join(" ".join(words) for words in paragraphs)
    draft = parse_text(f"{' '.join(title)}\n\n{body}\n".encode(), "a.txt")
    assert draft.title == " ".join(title)
    assert draft.body == body
    assert draft.word_count == sum(len(words) for words in paragraphs)


def _malformed_corpus(rng: random.Random) -> dict[str, bytes]:
    """Files a hostile or broken source could hand us, built fresh for every run."""
    hostile = " ".join(raw for raw, _ in CONTROL_CASES) + " " + " ".join(MARKUP_CASES)
    text = "Title " + hostile + "\n\n" + "Body words " + hostile + "\n"
    corpus = {
        "empty.txt": b"",
        "only-bom.txt": codecs.BOM_UTF8,
        "only-nuls.txt": bytes(500),
        "only-newlines.txt": b"\n" * 1000,
        "only-controls.txt": bytes(range(1, 32)) * 20,
        "only-escapes.txt": b"\x1b[31m\x1b]0;x\x07\x1b[2J" * 100,
        "hostile-utf8.txt": text.encode(),
        "hostile-utf16.txt": text.encode("utf-16"),
        "hostile-latin1.txt": text.encode("latin-1", errors="replace") + b"\x81\x9b31m",
        "truncated-utf8.txt": "Ünïcödé title\n\nbody ✓".encode()[:-1],
        "overlong-utf8.txt": b"Title\n\n\xc0\xaf\xe0\x80\xaf body",
        "surrogates.txt": b"Title \xed\xa0\x80\n\nbody \xed\xbf\xbf",
        "odd-utf16.txt": "Title\n\nbody".encode("utf-16-le") + b"\x00",
        "lone-surrogate-utf16.txt": codecs.BOM_UTF16_LE + b"T\x00\x00\xd8\n\x00\n\x00b\x00",
        "nul-after-4k.txt": b"Title\n\n" + b"a " * 3000 + b"\x00\x00\x00binary tail",
        "pdf.txt": b"%PDF-1.5\n" + bytes(rng.randrange(256) for _ in range(300)),
        "zip.md": b"PK\x03\x04" + bytes(rng.randrange(256) for _ in range(300)),
        "cr-only.txt": b"Title\r\rbody line\roverwrite",
        "long-line.txt": b"T\n\n" + b"z" * 50_000,
        "deep-brackets.md": b"# " + b"[" * 5000 + b"\n\n" + b"]" * 5000,
        "many-paragraphs.txt": b"T\n\n" + b"p\n\n" * 20_000,
        "shortcodes-only.txt": b"[the_ad id='1']\n\n[/caption]\n\n[gallery ids=1]",
    }
    for i in range(150):  # random bytes, biased towards text-ish ones
        size = rng.choice([1, 2, 3, 10, 100, 1000, 5000])
        alphabet = rng.choice([range(256), range(32, 127), [0x1B, 0x5B, 0x5D, 0x07, 0x9B, 0x0A]])
        corpus[f"random-{i}.txt"] = bytes(rng.choice(alphabet) for _ in range(size))
    return corpus


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_importer_survives_a_corpus_of_malformed_files(tmp_path: Path, seed: int) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    corpus = _malformed_corpus(random.Random(seed))
    for name, data in corpus.items():
        (folder / name).write_bytes(data)
    store = Store(f"sqlite:///{tmp_path / 'store.db'}")
    try:
        report = import_paths(store, [folder])
        assert report.added + report.unchanged + len(report.skipped) == len(corpus)
        assert report.added > 20 and len(report.skipped) > 20  # the corpus has both kinds
        assert all(reason and "\n" not in reason for _, reason in report.skipped)
        for article_id in store.ids():
            article = store.article(article_id)
            assert article is not None
            assert article.title and not unsafe_chars(article.title, allowed="")
            assert not unsafe_chars(article.body)
        with store.engine.connect() as conn:
            coverage = index_coverage(conn)
        assert (coverage.unindexed, coverage.orphans) == ([], [])
    finally:
        store.close()


# Every input format, fuzzed field by field: a parser returns drafts (or subscriptions) or
# raises `IngestError` with a one-line reason of its own; never anything else, and never the
# last-resort `UNEXPECTED` (that would mean a failure no check foresaw).

_FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_EXCEPTION_NAME = re.compile(r"\b[A-Z]\w*(?:Error|Exception|Warning)\b")


def _refusal_ok(error: IngestError) -> None:
    reason = str(error)
    assert reason and "\n" not in reason and reason != UNEXPECTED
    assert not _EXCEPTION_NAME.search(reason), reason


def _drafts_ok(drafts: list[ArticleDraft]) -> None:
    for draft in drafts:
        _assert_inert(draft)
        assert draft.published_at is None or (
            draft.published_at.utcoffset() is not None and 1 < draft.published_at.year < 9999
        )
        assert draft.url is None or is_web_link(draft.url)


_HOSTILE_TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from([raw for raw, _ in CONTROL_CASES] + MARKUP_CASES),
    st.sampled_from(["<script>alert(1)</script>", "<b>bold</b>", "&amp;&lt;&#0;&#x110000;"]),
)
_URLS = st.one_of(
    st.sampled_from(
        [
            "https://ok.example/a",
            "/relative",
            "javascript:alert(1)",
            "data:text/html,x",
            "file:///etc/passwd",
            "http://[::1",
            "http://[zz]/",
            "https://" + "a" * 3000,
            "",
            " http://spaced.example ",
        ]
    ),
    st.text(max_size=30),
)
_DATES = st.one_of(
    st.sampled_from(
        [
            "9999-12-31T23:59:59-10:00",
            "0001-01-01T00:00:00+14:00",
            "2021-02-30T00:00:00Z",
            "Mon, 01 Apr 99999 10:00:00 GMT",
            "Fri, 31 Dec 9999 23:59:59 -1200",
            "Sat, 01 Jan 0001 00:00:00 +1400",
            "1e999",
            "9" * 5000,
            "2021-05-01T00:00:00Z",
        ]
    ),
    st.text(max_size=30),
)


# JSON Feed: any value of any type in any field, including huge ints, NaN and nesting.

_JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**60), max_value=10**60)
    | st.floats(allow_nan=True, allow_infinity=True)
    | _HOSTILE_TEXT
    | _URLS
    | _DATES,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)
_JSON_FIELDS = (
    "id url external_url title content_html content_text summary date_published "
    "date_modified author authors tags image"
).split()
_JSON_ITEMS = st.one_of(
    st.dictionaries(st.sampled_from(_JSON_FIELDS), _JSON_VALUES, max_size=8),
    _JSON_VALUES,
)
GOOD_JSON_ITEM = {"id": "good", "title": "Good entry", "content_text": "Kept."}


@st.composite
def json_feeds(draw: st.DrawFn) -> bytes:
    items = draw(st.lists(_JSON_ITEMS, max_size=3))
    items.insert(draw(st.integers(0, len(items))), GOOD_JSON_ITEM)
    feed = {"version": "https://jsonfeed.org/version/1.1", "items": items}
    feed.update(draw(st.dictionaries(st.sampled_from(["title", "home_page_url"]), _JSON_VALUES)))
    text = json.dumps(feed)  # NaN and Infinity come out as JSON's common extension
    if draw(st.booleans()):  # an integer longer than Python converts
        text = text.replace('"good"', '"good", "n": ' + "9" * 5000, 1)
    return text.encode()


@_FUZZ
@given(json_feeds())
def test_json_feed_any_field_any_type(data: bytes) -> None:
    parsed = parse_feed(data, "o")  # this feed is well formed: it must parse
    assert "Good entry" in [entry.title for entry in parsed.entries]
    _drafts_ok(parsed.entries)
    assert all(reason.startswith("entry ") and "\n" not in reason for reason in parsed.skipped)
    assert UNEXPECTED not in " ".join(parsed.skipped)


# RSS and Atom: hostile values in every element, escaped (well formed) or raw (broken).

_RSS_FIELDS = ["title", "link", "guid", "pubDate", "description", "author", "category"]
_ATOM_FIELDS = ["title", "id", "updated", "published", "summary", "content", "author"]


@st.composite
def xml_feeds(draw: st.DrawFn, atom: bool) -> tuple[bytes, bool]:
    """(feed bytes, whether it is well formed XML), with one good entry among hostile ones."""
    escaped = draw(st.booleans())
    fields = _ATOM_FIELDS if atom else _RSS_FIELDS
    value = st.one_of(_HOSTILE_TEXT, _URLS, _DATES, st.just("<p>" * 200))
    entries = []
    for _ in range(draw(st.integers(0, 3))):
        chosen = draw(st.dictionaries(st.sampled_from(fields), value, max_size=6))
        parts = []
        for tag, text in chosen.items():
            if escaped:
                text = xml_escape(_XML_ILLEGAL.sub("", text))
            parts.append(f"<{tag}>{text}</{tag}>")
        if atom and draw(st.booleans()):
            parts.append(f'<link href="{xml_escape(draw(_URLS), {chr(34): "&quot;"})}"/>')
        entries.append("".join(parts))
    good = (
        "<title>Good entry</title><id>urn:good</id><content type='html'>&lt;p&gt;Kept.&lt;/p&gt;</content>"
        if atom
        else "<title>Good entry</title><guid>good</guid><description>Kept.</description>"
    )
    entries.insert(draw(st.integers(0, len(entries))), good)
    wrap = "entry" if atom else "item"
    body = "".join(f"<{wrap}>{e}</{wrap}>" for e in entries)
    if atom:
        doc = f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>F</title>{body}</feed>'
    else:
        doc = f'<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>{body}</channel></rss>'
    return doc.encode("utf-8", errors="surrogatepass"), escaped


_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@_FUZZ
@given(st.one_of(xml_feeds(atom=False), xml_feeds(atom=True)))
def test_rss_and_atom_any_field(case: tuple[bytes, bool]) -> None:
    data, well_formed = case
    try:
        parsed = parse_feed(data, "o")
    except IngestError as error:
        assert not well_formed, f"a well-formed feed was refused: {error}"
        _refusal_ok(error)
        return
    _drafts_ok(parsed.entries)
    assert UNEXPECTED not in " ".join(parsed.skipped)
    if well_formed:
        assert "Good entry" in [entry.title for entry in parsed.entries]


# HTML: tag soup, for entry HTML (our converter) and saved pages (trafilatura, then ours).

_TAGS = (
    "p div span a ul ol li blockquote pre script style title h1 table tr td br img article".split()
)
_HTML_TOKENS = st.one_of(
    st.sampled_from(_TAGS).map(lambda t: f"<{t}>"),
    st.sampled_from(_TAGS).map(lambda t: f"</{t}>"),
    _URLS.map(lambda u: f'<a href="{u}">'),
    _HOSTILE_TEXT.map(lambda t: f'<img alt="{t}">'),
    _HOSTILE_TEXT,
    st.sampled_from(["<!--", "-->", "<![CDATA[", "&#0;", "&#x110000;", "&nbsp;", "<", ">"]),
)
_HTML = st.lists(_HTML_TOKENS, max_size=40).map("".join)


@settings(max_examples=150, deadline=None)
@given(_HTML, _URLS)
def test_entry_html_any_soup(html: str, base: str) -> None:
    text, links = html_to_text(html, base if is_web_link(base) else None)
    assert not unsafe_chars(text)
    assert all(is_web_link(link) for link in links) and len(set(links)) == len(links)
    for number in range(1, len(links) + 1):
        assert f"[{number}]" in text


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_HTML, st.sampled_from(["utf-8", "utf-16", "latin-1"]))
def test_saved_page_any_soup(html: str, encoding: str) -> None:
    data = f"<html><head><title>T</title></head><body>{html}</body></html>".encode(
        encoding, errors="replace"
    )
    try:
        _drafts_ok([parse_page(data, "p.html")])
    except IngestError as error:
        _refusal_ok(error)


# OPML: outlines nested anyhow, any attribute values.


@st.composite
def opml_files(draw: st.DrawFn) -> bytes:
    out = []
    for _ in range(draw(st.integers(0, 6))):
        attrs = draw(
            st.dictionaries(
                st.sampled_from(["xmlUrl", "xmlurl", "text", "title"]),
                st.one_of(_URLS, _HOSTILE_TEXT),
                max_size=4,
            )
        )
        rendered = " ".join(f"{k}={quoteattr(_XML_ILLEGAL.sub('', v))}" for k, v in attrs.items())
        out.append(
            draw(st.sampled_from([f"<outline {rendered}>", f"<outline {rendered}/>", "</outline>"]))
        )
    body = "".join(out)
    if draw(st.booleans()):
        body += "</outline>" * body.count("/>")  # often unbalanced: broken XML too
    return f'<?xml version="1.0"?><opml version="2.0"><body>{body}</body></opml>'.encode()


@_FUZZ
@given(opml_files())
def test_opml_any_outlines(data: bytes) -> None:
    try:
        subscriptions = parse_opml(data)
    except IngestError as error:
        _refusal_ok(error)
        return
    assert all(is_web_link(sub.url) and not unsafe_chars(sub.title, "") for sub in subscriptions)


# Plain text, Markdown and the seed format: title, dateline, paragraphs, lists, shortcodes.

_LINES = st.one_of(
    _HOSTILE_TEXT,
    st.sampled_from(["", "  ", "- item", "1. first", "[the_ad id='1']", "[/caption]", "# Head"]),
    st.builds(
        lambda name, dash, rest: f"{name} {dash} {rest}",
        _HOSTILE_TEXT,
        st.sampled_from(["—", "–", "--", "-"]),
        _HOSTILE_TEXT,
    ),
)


@_FUZZ
@given(st.lists(_LINES, max_size=30), st.sampled_from(["seed.txt", "note.md", "a.markdown"]))
def test_text_markdown_and_seed_format_any_lines(lines: list[str], origin: str) -> None:
    data = "\n".join(lines).encode("utf-8", errors="surrogatepass")
    try:
        draft = parse_text(data, origin)
    except IngestError as error:
        _refusal_ok(error)
        return
    _drafts_ok([draft])


# An import of a folder holding one hostile file of any format and good files: every good
# file is added, the hostile one is added or reported, and nothing aborts.

_HOSTILE_FILES = st.one_of(
    json_feeds().map(lambda d: ("feed.json", d)),
    xml_feeds(atom=False).map(lambda c: ("feed.rss", c[0])),
    xml_feeds(atom=True).map(lambda c: ("feed.atom", c[0])),
    opml_files().map(lambda d: ("subs.opml", d)),
    _HTML.map(lambda h: ("page.html", f"<html><body>{h}".encode("utf-8", "replace"))),
    st.lists(_LINES, max_size=10).map(
        lambda ls: ("note.md", "\n".join(ls).encode("utf-8", "replace"))
    ),
    st.binary(max_size=500).map(lambda b: ("junk.xml", b)),
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_HOSTILE_FILES)
def test_import_with_one_hostile_file_keeps_every_good_one(hostile: tuple[str, bytes]) -> None:
    import tempfile

    name, data = hostile
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        for n in range(3):
            (folder / f"good{n}.txt").write_text(f"Good file {n}\n\nBody {n}.\n")
        (folder / name).write_bytes(data)
        store = Store(f"sqlite:///{Path(tmp) / 'store.db'}")
        try:
            report = import_paths(store, [folder])
            titles = {row.title for row in store.rows(store.ids()).values()}
        finally:
            store.close()
    assert {f"Good file {n}" for n in range(3)} <= titles
    for path, reason in report.skipped:
        assert Path(path).name == name
        assert reason and "\n" not in reason and UNEXPECTED not in reason
        assert not _EXCEPTION_NAME.search(reason)
