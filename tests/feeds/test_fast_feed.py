"""The fast feed parser answers only where it agrees with feedparser; everything else falls
back to feedparser, document by document (`ingest/fast_feed.py`)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsreader.import_work import read_group
from newsreader.ingest import IngestError, fast_feed, feed
from newsreader.ingest.fast_feed import fast_parse
from newsreader.ingest.feed import parse_feed, parse_slow, parse_xml
from tests.core.test_fuzz import xml_feeds
from tests.feeds.test_parsing import ATOM10, RSS091, RSS1, RSS2

FIELDS = ("title", "url", "guid", "published_at", "body", "summary", "author", "tags")


def _drafts(parsed: Any) -> list[tuple[object, ...]]:
    made, skipped = feed._drafts(parsed["entries"], feed._entry_draft, "S", "o")
    return [tuple(getattr(d, f) for f in FIELDS) for d in made] + [(s,) for s in skipped]


def _rss(items: str, head: str = '<?xml version="1.0"?>') -> bytes:
    return f'{head}<rss version="2.0"><channel><title>T</title>{items}</channel></rss>'.encode()


@pytest.mark.parametrize("data", [RSS2, RSS1, RSS091, ATOM10])
def test_well_formed_utf8_feeds_take_the_fast_path_and_agree(data: bytes) -> None:
    fast = fast_parse(data)
    assert fast is not None
    assert _drafts(fast) == _drafts(parse_slow(data))


CATEGORIES = _rss(
    "<item><title>One</title><guid>g1</guid><category>World</category>"
    "<category>Local News</category><pubDate>Tue, 10 Jun 2003 04:00:00 +0200</pubDate>"
    "<description>&lt;p&gt;a &lt;a href='/x'&gt;x&lt;/a&gt;&lt;/p&gt;</description>"
    "<link>https://c.example/1</link></item>"
)
XML_BASE = (
    b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://b.example/d/">'
    b'<title>B</title><entry><id>urn:1</id><title>Rel</title><link href="page.html"/>'
    b"<updated>2021-01-01T00:00:00Z</updated>"
    b'<content type="html">&lt;a href="x"&gt;x&lt;/a&gt;</content></entry></feed>'
)


def test_categories_dates_and_links_agree() -> None:
    data = CATEGORIES
    fast = fast_parse(data)
    assert fast is not None
    assert _drafts(fast) == _drafts(parse_slow(data))


FALLBACKS = {
    "declared latin-1": _rss(
        "<item><title>Caf\xe9</title></item>", '<?xml version="1.0" encoding="iso-8859-1"?>'
    )
    .decode()
    .encode("latin-1"),
    "utf-8 declared, latin-1 bytes": "<rss version='2.0'><channel><item><title>Cr\xe8me</title>"
    "</item></channel></rss>".encode("latin-1"),
    "utf-16": _rss("<item><title>u</title></item>", '<?xml version="1.0" encoding="utf-16"?>')
    .decode()
    .encode("utf-16"),
    "HTML entity": _rss("<item><title>A&nbsp;B</title></item>"),
    "truncated": _rss("<item><title>Half</title><description>cu")[:-25],
    "no entries": _rss(""),
    "xml:base": XML_BASE,
    "entity-like text in a link": _rss("<item><title>t</title><link>&amp;0;</link></item>"),
    "html page": b"<html><body><p>hi</p></body></html>",
}


@pytest.mark.parametrize("name", FALLBACKS)
def test_what_the_fast_parser_cannot_be_trusted_with_goes_to_feedparser(name: str) -> None:
    data = FALLBACKS[name]
    assert fast_parse(data) is None
    try:
        new = _drafts(parse_xml(data))
    except IngestError:
        new = []
    assert new == _drafts(parse_slow(data))


def test_more_entries_than_the_librarys_default_limit_are_all_kept() -> None:
    items = "".join(f"<item><guid>{i}</guid><title>t{i}</title></item>" for i in range(10_050))
    fast = fast_parse(_rss(items))
    assert fast is not None and len(fast["entries"]) == 10_050


def test_a_fast_parser_failure_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    import feedparser_rs

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("parser bug")

    monkeypatch.setattr(feedparser_rs, "parse_with_limits", broken)
    assert fast_parse(RSS2) is None
    assert [e.title for e in parse_feed(RSS2, "t").entries] == ["Ferry resumes", "Storm"]


def test_without_the_library_feedparser_does_it_all(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "feedparser_rs", None)  # import fails
    assert fast_parse(RSS2) is None
    assert [e.title for e in parse_feed(RSS2, "t").entries] == ["Ferry resumes", "Storm"]


def test_one_ill_formed_feed_in_a_group_is_feedparsers_the_rest_fast(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = _rss("<item><guid>g</guid><title>Fast one</title><description>x</description></item>")
    bad = _rss("<item><guid>b</guid><title>Loose&nbsp;one</title><description>y</description>")
    paths = [tmp_path / "a.xml", tmp_path / "b.xml", tmp_path / "c.xml"]
    for path, data in zip(paths, [good, bad, good.replace(b"Fast", b"Also fast")], strict=True):
        path.write_bytes(data)
    slow: list[bytes] = []

    def counting(data: bytes) -> Any:
        slow.append(data)
        return parse_slow(data)

    monkeypatch.setattr(feed, "parse_slow", counting)
    group = read_group(paths)
    assert [d.title for d in group.drafts] == ["Fast one", "Loose one", "Also fast one"]
    assert all(f.error is None for f in group.files)
    assert len(slow) == 1 and b"Loose" in slow[0]


def test_entities_are_refused_before_either_parser() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'
        b"<rss version='2.0'><channel><title>&b;</title><item><title>&b;</title></item>"
        b"</channel></rss>"
    )
    with pytest.raises(IngestError, match="entities"):
        parse_feed(bomb, "t")
    # Past the refusal's window the fast parser still expands nothing (it calls it ill-formed).
    assert fast_parse(bomb) is None


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(xml_feeds(atom=False), xml_feeds(atom=True)))
def test_any_feed_the_fast_parser_answers_agrees_with_feedparser(case: tuple[bytes, bool]) -> None:
    data = feed._CHARREF.sub(feed._charref_in_range, case[0])
    fast = fast_parse(data)
    if fast is not None:
        assert _drafts(fast) == _drafts(parse_slow(data))


def test_the_utf8_check_reads_the_declaration() -> None:
    assert fast_feed._plain_utf8(b"<?xml version='1.0' encoding='UTF-8'?><rss/>")
    assert fast_feed._plain_utf8(b"<rss/>")
    assert not fast_feed._plain_utf8(b"<?xml version='1.0' encoding='koi8-r'?><rss/>")
    assert not fast_feed._plain_utf8(b"<rss>\xff</rss>")


_DAYS = "Mon Tue Wed Thu Fri Sat Sun".split()
_MONTH_NAMES = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def _both(value: str) -> tuple[object, object]:
    """A date read by the fast path and by feedparser, as the drafts store it."""
    from feedparser.datetimes import _parse_date

    return feed._struct_date(fast_feed._date(value, _parse_date)), feed._struct_date(
        _parse_date(value)
    )


@settings(max_examples=300, deadline=None)
@given(
    st.tuples(
        st.sampled_from([1, 2, 99, 1969, 2024, 9998, 9999]) | st.integers(0, 9999),
        st.integers(0, 13),
        st.integers(0, 32),
        st.integers(0, 25),
        st.integers(0, 60),
        st.integers(0, 61),
        st.integers(0, 99),
        st.integers(0, 99),
    ),
    st.sampled_from(["+", "-"]),
    st.sampled_from(["", ".5", ".999999999", ".0000001"]),
    st.sampled_from(["", "Mon, ", "Sat, "]),
)
def test_dates_read_on_the_fast_path_are_feedparsers(
    parts: tuple[int, ...], sign: str, fraction: str, weekday: str
) -> None:
    """The two forms computed without feedparser (RFC 822 and W3DTF, each with offsets
    and values out of range) come out as feedparser's handlers make them."""
    year, month, day, hour, minute, second, zone_h, zone_m = parts
    name = _MONTH_NAMES[month % 12]
    rfc822 = f"{weekday}{day:02} {name} {year:04} {hour:02}:{minute:02}:{second:02}"
    for zone in (f" {sign}{zone_h:02}{zone_m:02}", " GMT"):
        assert _both(rfc822 + zone)[0] == _both(rfc822 + zone)[1]
    w3dtf = f"{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}{fraction}"
    for zone in (f"{sign}{zone_h:02}:{zone_m:02}", "Z"):
        fast, slow = _both(w3dtf + zone)
        assert fast == slow


def test_common_dates_skip_feedparsers_handlers() -> None:
    def no(value: str) -> None:
        raise AssertionError(f"{value} went to feedparser")

    assert fast_feed._date("Sun, 01 Dec 2024 19:49:21 -0530", no) == (2024, 12, 2, 1, 19, 21)
    assert fast_feed._date("2024-12-01T19:49:21.5+01:00", no) == (2024, 12, 1, 18, 49, 21)
    assert fast_feed._date("2024-12-01T19:49:21Z", no) == (2024, 12, 1, 19, 49, 21)


@pytest.mark.parametrize(
    ("item", "dropped"),
    [
        ("<link>http://127.0.0.1/x</link>", True),
        ('<link>https://e.example/1</link><enclosure url="http://10.0.0.1/a.mp3"/>', True),
        ('<link>https://e.example/2</link><media:content url="http://192.168.1.2/v"/>', False),
    ],
)
def test_links_the_fast_parser_empties_send_the_feed_to_feedparser(
    item: str, dropped: bool
) -> None:
    """The fast parser drops some links to private and loopback addresses; feedparser keeps
    them (and the draft decides what is a web link): such a feed is feedparser's."""
    data = (
        '<?xml version="1.0"?><rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/">'
        f"<channel><title>T</title><item><title>t</title>{item}<description>d</description>"
        "</item></channel></rss>"
    ).encode()
    fast = fast_parse(data)
    assert (fast is None) == dropped
    assert _drafts(fast or parse_xml(data)) == _drafts(parse_slow(data))
