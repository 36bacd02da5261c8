"""An entry's media (RSS enclosure, Atom rel=enclosure, media:content, JSON Feed
attachments) become numbered links with their type, after the text's own links; only web
links, and a type only when it is one."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from newsreader.ingest.feed import parse_feed
from newsreader.ingest.media import media_type, with_media
from newsreader.links import numbered_links, only_web_references

RSS = b"""<?xml version="1.0"?><rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/">
<channel><title>Pod</title><item><guid>1</guid><title>Episode</title>
<description>&lt;p&gt;Show &lt;a href="https://p.example/notes"&gt;notes&lt;/a&gt;.&lt;/p&gt;</description>
<enclosure url="https://p.example/ep1.mp3" type="audio/mpeg" length="1"/>
<media:content url="https://p.example/ep1.mp4" type="video/mp4"/>
<media:content url="javascript:alert(1)" type="video/mp4"/>
</item></channel></rss>"""
ATOM = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>
<entry><id>urn:1</id><title>Talk</title><updated>2024-01-01T00:00:00Z</updated>
<link rel="alternate" href="https://a.example/talk"/>
<link rel="enclosure" href="https://a.example/talk.ogg" type="audio/ogg; codecs=vorbis"/>
<content type="text">Words.</content></entry></feed>"""


def test_rss_enclosure_and_media_content_follow_the_text_links() -> None:
    (entry,) = parse_feed(RSS, "o").entries
    assert entry.body.endswith(
        "Links:\n[1] https://p.example/notes\n[2] audio/mpeg https://p.example/ep1.mp3\n"
        "[3] video/mp4 https://p.example/ep1.mp4"
    )
    assert numbered_links(entry.body) == {
        1: "https://p.example/notes",
        2: "https://p.example/ep1.mp3",
        3: "https://p.example/ep1.mp4",
    }


def test_atom_enclosure_link() -> None:
    (entry,) = parse_feed(ATOM, "o").entries
    assert entry.body == "Words.\n\nLinks:\n[1] audio/ogg https://a.example/talk.ogg"


def test_json_feed_attachments() -> None:
    doc = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "J",
        "items": [
            {
                "id": "1",
                "content_text": "Hi.",
                "attachments": [
                    {"url": "https://j.example/a.m4a", "mime_type": "audio/x-m4a"},
                    {"url": "ftp://j.example/b", "mime_type": "audio/mpeg"},
                    {"url": "https://j.example/c", "mime_type": "\x1b[31mred"},
                ],
            }
        ],
    }
    (entry,) = parse_feed(json.dumps(doc).encode(), "o").entries
    assert (
        entry.body
        == "Hi.\n\nLinks:\n[1] audio/x-m4a https://j.example/a.m4a\n[2] https://j.example/c"
    )


def test_typed_references_that_are_no_web_links_stay_inert() -> None:
    body = "x\n\nLinks:\n[1] audio/mpeg javascript:alert(1)\n[2] video/mp4 https://v.example/"
    assert only_web_references(body).endswith(
        "[1] audio/mpeg (not-a-web-link)\n[2] video/mp4 https://v.example/"
    )


URLS = st.integers(0, 10**6).map(lambda n: f"https://m.example/{n}")
TYPES = st.sampled_from(["", "audio/mpeg", "video/mp4", "image/png"]) | st.text(max_size=12)


@given(
    text_links=st.lists(URLS, max_size=4, unique=True),
    media=st.lists(st.tuples(TYPES, URLS), max_size=6),
)
def test_media_are_numbered_after_the_text_links(
    text_links: list[str], media: list[tuple[str, str]]
) -> None:
    body = "Text."
    if text_links:
        body += "\n\nLinks:\n" + "\n".join(f"[{i}] {u}" for i, u in enumerate(text_links, 1))
    shown = with_media(body, [(media_type(kind), url) for kind, url in media])
    expected = list(text_links)
    for _, url in media:
        if url not in expected:
            expected.append(url)
    assert numbered_links(shown) == dict(enumerate(expected, 1))
    assert only_web_references(shown) == shown
