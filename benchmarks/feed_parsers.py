"""The fast feed parser against feedparser, on every document the feed tests parse.

    python -m benchmarks.feed_parsers [--bench FILE] [--quiet-tests]

Runs the feed tests (tests/feeds/test_parsing.py, tests/faults/test_ingest.py,
tests/core/test_fuzz.py: their fixtures and the hypothesis examples) with `feed.parse_xml`
recording each RSS/Atom document it is handed, adds the edge cases below, then parses each
document three ways: feedparser alone (the old path), feedparser-rs alone (no fallback) and
`parse_xml` (the fast path with its fallback, the new path). Entries are compared field by
field as drafts (title, link, guid, date, body text, summary, author, categories).

It prints how many documents agree, why each one fell back, and every document where the
fast parser's own drafts differ from feedparser's (the fallback must catch each of those:
a difference on the new path is printed as a failure, and the exit status is 1).
"""

# ruff: noqa: E501 (the edge-case documents read best a line each)

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from newsreader.ingest import feed

FIELDS = ("title", "url", "guid", "published_at", "body", "summary", "author", "tags")

_ITEM = (
    "<item><title>{t}</title><link>https://e.example/1</link><description>{d}</description></item>"
)


def _rss(title: str = "A", body: str = "b", head: str = '<?xml version="1.0"?>') -> bytes:
    return f'{head}<rss version="2.0"><channel><title>T</title>{_ITEM.format(t=title, d=body)}</channel></rss>'.encode()


EDGE_CASES: dict[str, bytes] = {
    "latin-1 declared": _rss("Caf\xe9", head='<?xml version="1.0" encoding="iso-8859-1"?>')
    .decode()
    .encode("latin-1"),
    "windows-1252 declared": _rss(
        "\u201cq\u201d", head='<?xml version="1.0" encoding="windows-1252"?>'
    )
    .decode()
    .encode("cp1252"),
    "utf-16 with BOM": _rss("sixteen", head='<?xml version="1.0" encoding="utf-16"?>')
    .decode()
    .encode("utf-16"),
    "utf-8 BOM": b"\xef\xbb\xbf" + _rss("bom"),
    "utf-8 declared, latin-1 bytes": _rss("Cr\xe8me", head='<?xml version="1.0" encoding="utf-8"?>')
    .decode()
    .encode("latin-1"),
    "HTML entity in XML": _rss("A&nbsp;B &eacute;t&eacute;"),
    "bare ampersand": _rss("A & B"),
    "CDATA with markup": _rss(
        "<![CDATA[Fish & <b>chips</b>]]>", "<![CDATA[<p>one</p><p>two <a href='/x'>x</a></p>]]>"
    ),
    "escaped HTML body": _rss(
        "t",
        "&lt;p&gt;para &amp;amp; &lt;a href=&quot;https://l.example/&quot;&gt;l&lt;/a&gt;&lt;/p&gt;",
    ),
    "numeric references": _rss("&#8220;q&#8221; &#x263A;", "&#169; 2024"),
    "truncated": _rss("cut")[:-30],
    "trailing junk": _rss("junk") + b"<<<",
    "no entries": b'<?xml version="1.0"?><rss version="2.0"><channel><title>Empty</title></channel></rss>',
    "rss categories and dates": b"""<?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>C</title>
<item><title>One</title><guid isPermaLink="true">https://c.example/1</guid><category>World</category><category domain="x">Local News</category>
<pubDate>Tue, 10 Jun 2003 04:00:00 +0200</pubDate><dc:creator>Kim</dc:creator><description>d</description></item>
<item><title>Two</title><guid>two</guid><dc:date>2003-06-10T04:00:00-05:00</dc:date><description>e</description></item>
<item><title>Three</title><pubDate>Tue, 10 Jun 2003 04:00:00 EST</pubDate><author>a@c.example (Al)</author><description>f</description></item>
<item><title>Four</title><pubDate>not a date</pubDate><description>g</description></item></channel></rss>""",
    "rss 1.0 with dc": b"""<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://r.example/"><title>R</title><link>https://r.example/</link></channel>
<item rdf:about="https://r.example/1"><title>One</title><link>https://r.example/1</link><dc:date>2020-02-02T02:02:02Z</dc:date><dc:subject>Sci</dc:subject><description>x</description></item></rdf:RDF>""",
    "rss content:encoded": b"""<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>E</title>
<item><title>Enc</title><link>https://e.example/e</link><description>short</description><content:encoded><![CDATA[<p>long <em>form</em></p><ul><li>a</li></ul>]]></content:encoded></item></channel></rss>""",
    "atom text types": b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title type="text">A &amp; B</title><link href="https://a.example/"/>
<entry><id>urn:a</id><title type="text">1 &lt; 2</title><updated>2021-01-01T00:00:00+01:00</updated><published>2020-12-31T00:00:00Z</published>
<link rel="alternate" href="https://a.example/1"/><link rel="enclosure" href="https://a.example/1.mp3"/><author><name>Ann</name><email>a@a.example</email></author>
<category term="t1" label="L1"/><summary type="text">plain &lt;b&gt;not bold&lt;/b&gt;</summary></entry>
<entry><id>urn:b</id><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">X<b>H</b></div></title><updated>2021-01-02T00:00:00Z</updated>
<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>xhtml <a href="/rel">rel</a></p></div></content></entry>
<entry><id>urn:c</id><title>C</title><updated>2021-01-03T00:00:00Z</updated><content type="text">text content &lt;p&gt;</content><summary>s</summary></entry>
</feed>""",
    "atom xml:base": b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://b.example/dir/"><title>B</title>
<entry><id>urn:1</id><title>Rel</title><link href="page.html"/><updated>2021-01-01T00:00:00Z</updated><content type="html">&lt;a href="x"&gt;x&lt;/a&gt;</content></entry></feed>""",
    "control characters": _rss("Bell&#7; \x1b[31mred", "a&#0;b"),
    "huge character reference": _rss("big &#2000000; ref"),
    "doctype without entities": b'<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">'
    + _rss("dtd")[21:],
    "html page": b"<html><body><p>not a feed</p></body></html>",
}


class Recorder:
    """A pytest plugin: every document `feed.parse_xml` is handed during the tests."""

    def __init__(self) -> None:
        self.docs: dict[bytes, str] = {}

    def pytest_sessionstart(self) -> None:
        original = feed.parse_xml

        def recording(data: bytes) -> Any:
            self.docs.setdefault(data, f"test document {len(self.docs) + 1}")
            return original(data)

        feed.parse_xml = recording  # type: ignore[assignment]


def drafts(parsed: Any) -> list[dict[str, Any]] | str:
    if not parsed.get("version") and not parsed["entries"]:
        return "not a feed"
    made, skipped = feed._drafts(parsed["entries"], feed._entry_draft, "S", "o")
    out = [{f: getattr(d, f) for f in FIELDS} for d in made]
    return out + [{"skipped": s} for s in skipped]


def explain(old: Any, fast: Any) -> str:
    """The first field that differs, old vs fast, shortened."""
    if isinstance(old, str) or isinstance(fast, str) or len(old) != len(fast):
        return f"entries: {_short(old)} vs {_short(fast)}"
    for i, (a, b) in enumerate(zip(old, fast, strict=True), 1):
        for key in sorted(set(a) | set(b)):
            if a.get(key) != b.get(key):
                return f"entry {i} {key}: {a.get(key)!r:.90} vs {b.get(key)!r:.90}"
    return "?"


def _short(value: Any) -> str:
    return value if isinstance(value, str) else f"{len(value)} entries"


def fallback_reason(data: bytes) -> str:
    """Why `fast_parse` said no: its checks, in its order."""
    from newsreader.ingest import fast_feed as ff

    if b"xml:base" in data:
        return "xml:base (feedparser resolves links against it)"
    if not ff._plain_utf8(data):
        return "not plain UTF-8"
    if ff._C1_RAW.search(data) or ff._C1_REF.search(data):
        return "C1 control characters"
    if not ff._plain_xml(data):
        return "expat: not well-formed, or markup inside a text field"
    import feedparser_rs

    parsed = feedparser_rs.parse_with_limits(data, sanitize_html=False, resolve_relative_uris=False)
    if parsed.bozo:
        return f"fast parser: ill-formed: {str(parsed.get('bozo_exception'))[:70]}"
    if not parsed.version:
        return "fast parser: unknown format"
    if not parsed.entries:
        return "fast parser: no entries"
    return "Atom author as bare text"


def compare(docs: dict[bytes, str]) -> int:
    from newsreader.ingest.fast_feed import fast_parse

    tally: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    failures = 0
    for data, name in docs.items():
        prepared = feed._CHARREF.sub(feed._charref_in_range, data)
        try:
            old = drafts(feed.parse_slow(prepared))
        except Exception as error:
            old = f"error {type(error).__name__}"
        fast_result = fast_parse(prepared)
        new = drafts(feed.parse_xml(prepared))
        if new != old:
            failures += 1
            print(f"FAIL new path differs on {name}: {explain(old, new)}")
        if fast_result is None:
            tally["fell back to feedparser"] += 1
            reasons[fallback_reason(prepared)] += 1
            continue
        fast = drafts(fast_result)
        if fast == old:
            tally["fast parser agrees"] += 1
        else:
            tally["fast parser taken, differs"] += 1
            print(f"DIFF {name}: {explain(old, fast)}")
    print(f"\n{len(docs)} documents: " + ", ".join(f"{n} {k}" for k, n in tally.items()))
    print(
        f"new path (fast + fallback) agrees with feedparser on {len(docs) - failures}/{len(docs)}"
    )
    for reason, n in reasons.most_common():
        print(f"  fell back x{n}: {reason}")
    return failures


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m benchmarks.feed_parsers", description=__doc__)
    p.add_argument("--bench", type=Path, action="append", default=[], help="more feed files")
    p.add_argument("--quiet-tests", action="store_true", help="pytest's output off")
    opts = p.parse_args()
    import pytest

    recorder = Recorder()
    tests = [
        "tests/feeds/test_parsing.py",
        "tests/faults/test_ingest.py",
        "tests/core/test_fuzz.py",
    ]
    args = ["-q", "-p", "no:cacheprovider", *tests]
    code = pytest.main(
        args + (["-qq", "--no-header"] if opts.quiet_tests else []), plugins=[recorder]
    )
    print(f"tests exit {code}; {len(recorder.docs)} documents recorded")
    docs = {**recorder.docs}
    for name, data in EDGE_CASES.items():
        docs.setdefault(data, name)
    for path in opts.bench:
        docs.setdefault(path.read_bytes(), path.name)
    sys.exit(1 if compare(docs) else 0)


if __name__ == "__main__":
    main()
