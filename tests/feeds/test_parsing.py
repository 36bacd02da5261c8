"""Feeds, entry HTML and OPML into drafts; hostile feeds refused or defused."""

from __future__ import annotations

import pytest

from newsreader.ingest import IngestError
from newsreader.ingest.feed import MAX_FEED_BYTES, parse_feed, sniff
from newsreader.ingest.html import html_to_text, with_references
from newsreader.ingest.opml import Subscription, parse_opml, write_opml

RSS2 = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Harbour Times</title><link>https://harbour.example/</link>
<item><title>Ferry resumes</title><link>https://harbour.example/ferry</link><guid>ferry-1</guid>
<pubDate>Mon, 01 Apr 2019 10:00:00 GMT</pubDate><author>ed@harbour.example (Ed)</author>
<description>&lt;p&gt;The &lt;a href="/boats"&gt;ferry&lt;/a&gt; is back.&lt;/p&gt;</description></item>
<item><title>Storm</title><link>javascript:alert(1)</link><description>Winds.</description></item>
</channel></rss>"""

RSS1 = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
<channel rdf:about="https://r.example/"><title>RDF News</title><link>https://r.example/</link></channel>
<item rdf:about="https://r.example/1"><title>One</title><link>https://r.example/1</link>
<description>First.</description></item></rdf:RDF>"""

RSS091 = b"""<?xml version="1.0"?><rss version="0.91"><channel><title>Old</title>
<link>https://o.example/</link><item><title>Ancient</title><link>https://o.example/a</link>
<description>Text.</description></item></channel></rss>"""

ATOM03 = b"""<?xml version="1.0"?><feed version="0.3" xmlns="http://purl.org/atom/ns#">
<title>Atom Zero</title><entry><title>Early</title><id>tag:a,2004:1</id>
<issued>2004-01-01T00:00:00Z</issued><content type="text/plain" mode="escaped">Plain.</content>
</entry></feed>"""

ATOM10 = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Atom One</title>
<entry><id>urn:1</id><title type="html">&lt;b&gt;Bold&lt;/b&gt; move</title>
<updated>2020-01-02T03:04:05Z</updated><link href="https://a.example/1"/>
<content type="html">&lt;ul&gt;&lt;li&gt;one&lt;/li&gt;&lt;li&gt;two&lt;/li&gt;&lt;/ul&gt;</content></entry></feed>"""

JSON11 = (
    b'{"version":"https://jsonfeed.org/version/1.1","title":"Jay","home_page_url":"https://j.example/",'
    b'"items":[{"id":"1","title":"Jot","content_html":"<p>hi <script>x()</script></p>",'
    b'"date_published":"2021-05-01T00:00:00Z","url":"https://j.example/1",'
    b'"authors":[{"name":"Jo"}]}]}'
)


@pytest.mark.parametrize(
    ("data", "title", "entry_titles"),
    [
        (RSS2, "Harbour Times", ["Ferry resumes", "Storm"]),
        (RSS1, "RDF News", ["One"]),
        (RSS091, "Old", ["Ancient"]),
        (ATOM03, "Atom Zero", ["Early"]),
        (ATOM10, "Atom One", ["Bold move"]),
        (JSON11, "Jay", ["Jot"]),
    ],
)
def test_every_feed_format_parses(data: bytes, title: str, entry_titles: list[str]) -> None:
    feed = parse_feed(data, "test")
    assert feed.title == title
    assert [e.title for e in feed.entries] == entry_titles
    assert all(e.source == title for e in feed.entries)


def test_rss_entry_fields() -> None:
    first, second = parse_feed(RSS2, "test").entries
    assert first.guid == "ferry-1"
    assert first.url == "https://harbour.example/ferry"
    assert first.published_at is not None and first.published_at.year == 2019
    assert first.body == "The ferry [1] is back.\n\nLinks:\n[1] https://harbour.example/boats"
    assert second.url is None  # javascript: links are never kept as the article's link


def test_json_feed_fields_and_scripts_dropped() -> None:
    (entry,) = parse_feed(JSON11, "test").entries
    assert entry.body == "hi"
    assert entry.author == "Jo"
    assert entry.guid == "1"


def test_name_overrides_feed_title() -> None:
    assert parse_feed(RSS2, "t", name="My Harbour").entries[0].source == "My Harbour"


def test_html_keeps_structure_and_numbers_links() -> None:
    text, links = html_to_text(
        '<p>Read <a href="https://x.example/a">this</a> and <a href="data:text/html,hi">that</a>'
        ' and <a href="file:///etc/passwd">those</a>.</p><ol><li>a</li><li>b</li></ol>'
        "<style>p{}</style><script>evil()</script>"
    )
    assert text == "Read this [1] and that and those.\n\n1. a\n2. b"
    assert links == ["https://x.example/a"]
    assert with_references(text, links).endswith("Links:\n[1] https://x.example/a")


@pytest.mark.parametrize(
    "title",
    [
        b"Bell\x07 and \x1b]0;owned\x07 title",
        b"Bell&#7; and &#27;]0;owned&#7; title",
        b"Bell and \x1b[2J\x1b[31m title",
    ],
)
def test_escape_bytes_in_titles_never_survive(title: bytes) -> None:
    data = (
        b"<rss version='2.0'><channel><title>T</title><item><title>" + title + b"</title>"
        b"<description>x</description></item></channel></rss>"
    )
    (entry,) = parse_feed(data, "t").entries
    assert "\x1b" not in entry.title and "\x07" not in entry.title
    assert entry.title.startswith("Bell")


def test_entity_bombs_and_external_entities_are_refused() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'
        b"<rss><channel><title>&b;</title></channel></rss>"
    )
    external = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<rss><channel><title>&x;</title></channel></rss>"
    )
    for data in (bomb, external):
        with pytest.raises(IngestError, match="entities"):
            parse_feed(data, "t")


def test_oversize_feed_is_refused() -> None:
    data = RSS2 + b" " * MAX_FEED_BYTES
    with pytest.raises(IngestError, match="too large"):
        parse_feed(data, "t")


def test_not_a_feed() -> None:
    with pytest.raises(IngestError, match="not a feed"):
        parse_feed(b"<html><body>hello</body></html>", "t")
    with pytest.raises(IngestError, match="JSON Feed"):
        parse_feed(b'{"version": "https://jsonfeed.org/version/1", "items": 3}', "t")


def test_wrong_declared_encoding_is_survived() -> None:
    data = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Caf\xe9</title>'
        "<item><title>Cr\xe8me</title><description>d</description></item></channel></rss>"
    )
    feed = parse_feed(data.encode("latin-1"), "t")
    assert len(feed.entries) == 1 and feed.entries[0].title.startswith("Cr")


def test_malformed_xml_still_yields_what_it_can() -> None:
    cut = b"<rss version='2.0'><channel><title>T</title><item><title>Half</title><description>cu"
    feed = parse_feed(cut, "t")
    assert [e.title for e in feed.entries] == ["Half"]


def test_sniffing() -> None:
    assert sniff(RSS2) == sniff(RSS1) == sniff(ATOM10) == "feed"
    assert sniff(JSON11) == "json-feed"
    assert sniff(b"<?xml version='1.0'?><opml version='2.0'></opml>") == "opml"
    assert sniff(b"<!DOCTYPE html><html></html>") == "html"
    assert sniff(b"Just text") is None


def test_opml_round_trip() -> None:
    subs = [
        Subscription("https://a.example/feed", "A & B"),
        Subscription("https://b.example/rss", ""),
    ]
    parsed = parse_opml(write_opml(subs).encode())
    assert parsed == [
        Subscription("https://a.example/feed", "A & B"),
        Subscription("https://b.example/rss", "https://b.example/rss"),
    ]


def test_opml_nested_outlines_and_unsafe_urls() -> None:
    data = b"""<opml version="1.0"><body><outline text="Folder">
    <outline text="One" xmlUrl="https://one.example/rss"/>
    <outline text="Evil" xmlUrl="file:///etc/passwd"/></outline>
    <outline text="One again" xmlUrl="https://one.example/rss"/></body></opml>"""
    assert parse_opml(data) == [Subscription("https://one.example/rss", "One", ("Folder",))]
    with pytest.raises(IngestError):
        parse_opml(b"<opml><body>")
