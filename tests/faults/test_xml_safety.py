"""Every XML we parse (feeds, OPML) refuses entity bombs, external entities and DTD
retrieval: in the first bytes (our early check) and anywhere past them (the parser itself,
defusedxml's expat reader)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsreader.ingest.draft import IngestError
from newsreader.ingest.feed import parse_feed
from newsreader.ingest.opml import parse_opml
from tests.feeds.server import FeedServer

SECRET = "s3cr3t-file-content"
LAUGHS = (
    '<!ENTITY a "AAAAAAAAAA"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
    '<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">'
    '<!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">'
)
PAST_THE_EARLY_CHECK = "<!--" + "x" * 70_000 + "-->"
"""A comment may stand before the DOCTYPE: it pushes the declarations past the 64 KB that
the early check reads, so only the parser can refuse them."""


def _feed(doctype: str, pad: str = "") -> bytes:
    return (
        f'<?xml version="1.0"?>{pad}{doctype}<rss version="2.0"><channel><title>T</title>'
        "<item><title>t</title><description>&h;&x;&secret;</description></item></channel></rss>"
    ).encode()


def _opml(doctype: str, pad: str = "") -> bytes:
    return (
        f'<?xml version="1.0"?>{pad}{doctype}<opml version="2.0"><body>'
        '<outline text="&h;&x;&secret;" xmlUrl="https://f.example/rss"/></body></opml>'
    ).encode()


def _refused_or_inert(parse: object, data: bytes) -> None:
    """Refused with a reason about entities, or read with nothing expanded or fetched."""
    try:
        result = parse(data)  # type: ignore[operator]
    except IngestError as error:
        assert "entit" in str(error) or "not valid OPML" in str(error), error
        return
    shown = repr(result)
    assert SECRET not in shown and "AAAAAAAAAA" not in shown


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text(SECRET)
    return path


@pytest.mark.parametrize("pad", ["", PAST_THE_EARLY_CHECK], ids=["early", "past-64k"])
@pytest.mark.parametrize("kind", ["feed", "opml"])
def test_billion_laughs_is_refused(kind: str, pad: str) -> None:
    doctype = f"<!DOCTYPE {'rss' if kind == 'feed' else 'opml'} [{LAUGHS}]>"
    with pytest.raises(IngestError, match="entities"):
        if kind == "feed":
            parse_feed(_feed(doctype, pad), "t")
        else:
            parse_opml(_opml(doctype, pad))


@pytest.mark.parametrize("pad", ["", PAST_THE_EARLY_CHECK], ids=["early", "past-64k"])
@pytest.mark.parametrize("kind", ["feed", "opml"])
def test_external_entity_never_reads_a_file(kind: str, pad: str, secret_file: Path) -> None:
    root = "rss" if kind == "feed" else "opml"
    doctype = f'<!DOCTYPE {root} [<!ENTITY secret SYSTEM "file://{secret_file}">]>'
    with pytest.raises(IngestError, match="entities"):
        if kind == "feed":
            parse_feed(_feed(doctype, pad), "t")
        else:
            parse_opml(_opml(doctype, pad))


@pytest.mark.parametrize("kind", ["feed", "opml"])
def test_an_external_dtd_is_never_retrieved(kind: str, tmp_path: Path) -> None:
    """A DTD by URL (http, file) and a parameter entity pulling one in: nothing is fetched,
    nothing it declares is expanded."""
    dtd = tmp_path / "evil.dtd"
    dtd.write_text(f'<!ENTITY secret "{SECRET}">')
    root = "rss" if kind == "feed" else "opml"
    parse = (lambda d: parse_feed(d, "t")) if kind == "feed" else parse_opml
    make = _feed if kind == "feed" else _opml
    with FeedServer() as server:
        server.serve("/evil.dtd", dtd.read_bytes())
        for doctype in (
            f'<!DOCTYPE {root} SYSTEM "{server.url("/evil.dtd")}">',
            f'<!DOCTYPE {root} SYSTEM "file://{dtd}">',
            f'<!DOCTYPE {root} [<!ENTITY % ext SYSTEM "{server.url("/evil.dtd")}"> %ext;]>',
            f'<!DOCTYPE {root} [<!ENTITY % ext SYSTEM "file://{dtd}"> %ext;]>',
        ):
            _refused_or_inert(parse, make(doctype, PAST_THE_EARLY_CHECK))
            _refused_or_inert(parse, make(doctype))
        assert server.hits("/evil.dtd") == []


def test_a_public_doctype_without_entities_still_reads() -> None:
    """RSS 0.91 feeds name Netscape's DTD; it is never fetched, and the feed reads."""
    data = (
        b'<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"'
        b' "http://127.0.0.1:9/rss-0.91.dtd"><rss version="0.91"><channel><title>Old</title>'
        b"<item><title>Item</title><link>https://o.example/1</link>"
        b"<description>Body</description></item></channel></rss>"
    )
    (entry,) = parse_feed(data, "t").entries
    assert (entry.title, entry.body) == ("Item", "Body")
    opml = (
        b'<?xml version="1.0"?><!DOCTYPE opml SYSTEM "http://127.0.0.1:9/opml.dtd">'
        b'<opml version="1.0"><body><outline text="F" xmlUrl="https://f.example/rss"/></body></opml>'
    )
    assert [s.url for s in parse_opml(opml)] == ["https://f.example/rss"]


_NAMES = st.sampled_from(["a", "x", "secret", "h"])
_DECLS = st.one_of(
    st.tuples(_NAMES, st.text("AB&;a", max_size=20)).map(lambda t: f'<!ENTITY {t[0]} "{t[1]}">'),
    _NAMES.map(lambda n: f'<!ENTITY {n} SYSTEM "file:///etc/hostname">'),
    _NAMES.map(lambda n: f'<!ENTITY % {n} SYSTEM "file:///etc/hostname"> %{n};'),
    _NAMES.map(lambda n: f'<!ENTITY {n} PUBLIC "-//x//y" "http://127.0.0.1:9/{n}">'),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_DECLS, min_size=1, max_size=5), st.booleans(), st.booleans())
def test_any_entity_declaration_is_refused(decls: list[str], opml: bool, padded: bool) -> None:
    """Whatever the declarations and wherever they stand, the document is refused."""
    pad = PAST_THE_EARLY_CHECK if padded else ""
    doctype = f"<!DOCTYPE {'opml' if opml else 'rss'} [{''.join(decls)}]>"
    with pytest.raises(IngestError, match=r"entities|not valid OPML"):
        if opml:
            parse_opml(_opml(doctype, pad))
        else:
            parse_feed(_feed(doctype, pad), "t")
