"""Hostile entry HTML: deep nesting, huge attributes, entity floods, script and style,
broken markup, tables built to blow up when padded. The converter returns text, keeps the
words, and its output stays in proportion to its input."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsreader.ingest.html import MAX_HTML_CHARS, html_to_text
from newsreader.links import is_web_link
from tests.faults.test_ingest import _guard

_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _check(html: str) -> str:
    with _guard():
        text, links = html_to_text(html, "https://base.example/")
    assert not _UNSAFE.search(text)
    assert all(is_web_link(link) for link in links) and len(set(links)) == len(links)
    assert len(text) <= 20 * min(len(html), MAX_HTML_CHARS) + 1000
    return text


@pytest.mark.parametrize(
    ("html", "kept"),
    [
        ("<div>" * 20_000 + "words <a href='/x'>link</a>", ["words", "link [1]"]),
        ("<table><tr><td>" * 3000 + "cell", ["cell"]),
        ("<span><b><i>" * 50_000 + "inline", ["inline"]),
        ('<a href="' + "h" * 1_000_000 + '">big href</a> after', ["big href", "after"]),
        ('<p title="' + "t" * 1_000_000 + '">big title</p>', ["big title"]),
        ("&amp;&lt;&#x41;&nbsp;&bogus;" * 100_000 + "end", ["&<A", "end"]),
        ("<script>" + "evil();" * 100_000 + "</script><p>shown</p>", ["shown"]),
        ("<style>p{}</style><script>x()<p>never closed", []),
        ("<p><b><i></p></b>< < <<>><td><tr></table></li></ul><!-- open comment", ["< < <<>>"]),
        ("<![CDATA[" * 1000 + "<?pi?>" * 1000 + "tail", ["tail"]),
    ],
    ids=[
        "deep-divs", "deep-tables", "deep-inline", "huge-href", "huge-attribute",
        "entity-flood", "long-script", "unclosed-script", "broken", "cdata-and-pis",
    ],
)  # fmt: skip
def test_hostile_html_keeps_its_words(html: str, kept: list[str]) -> None:
    text = _check(html)
    for words in kept:
        assert words in text
    assert "evil" not in text and "x()" not in text and "never closed" not in text


@pytest.mark.parametrize(
    "html",
    [
        # one huge cell over many rows: aligned, it would be rows x cell of spaces
        "<table><tr><td>" + "x" * 100_000 + "</td></tr>" + "<tr><td>y</td></tr>" * 10_000,
        # many columns, and an empty grid of many rows
        "<table><tr>" + "<td>x</td>" * 20_000 + "</tr></table>",
        "<table><tr><td>" + "w" * 90 + "</td></tr>" + "<tr><td></td></tr>" * 20_000,
    ],
    ids=["wide-cell-many-rows", "many-columns", "empty-rows"],
)
def test_tables_never_blow_up_when_padded(html: str) -> None:
    text = _check(html)
    assert len(text) <= 2 * len(html)


_TAGS = "p div span b i a ul ol li table tr td th br img pre blockquote h2 script style".split()
_TOKENS = st.one_of(
    st.sampled_from(_TAGS).map(lambda t: f"<{t}>"),
    st.sampled_from(_TAGS).map(lambda t: f"</{t}>"),
    st.sampled_from(["/rel", "https://e.example/p", "javascript:x()", "data:,x", ""]).map(
        lambda u: f'<a href="{u}">'
    ),
    st.sampled_from(["", "cat", "\x1b[2J", "a\u202eb"]).map(
        lambda alt: f'<img src="/i" alt="{alt}">'
    ),
    st.sampled_from(["&amp;", "&#0;", "&#x110000;", "&#27;", "&nbsp;", "<", ">", "<!--", "-->"]),
    st.text(max_size=8),
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_TOKENS, max_size=60).map("".join), st.integers(0, 80))
def test_any_soup_any_depth_converts(soup: str, depth: int) -> None:
    """Every link and image kept is referred to by its number, whatever surrounds it (a
    decoded ESC must not eat the ` [n]` after it), at any depth (past lxml's 256 too)."""
    html = "<div><ul><li><table><tr><td>" * depth + soup
    text = _check(html)
    references = html_to_text(html)[1]
    for number in range(1, len(references) + 1):
        assert f"[{number}]" in text


_WORD = st.text("abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)
_WRAP = st.sampled_from(
    [("<p>", "</p>"), ("<div>", "</div>"), ("<ul><li>", "</li></ul>"), ("<ol><li>", "</ol>"),
     ("<table><tr><td>", "</td></tr></table>"), ("<blockquote>", "</blockquote>"),
     ("<b>", "</b>"), ("", "<br>"), ("<h3>", "</h3>"), ("<pre>", "</pre>")]
)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_WORD, _WRAP, st.integers(1, 300)), min_size=1, max_size=8))
def test_every_word_survives_any_structure(parts: list[tuple[str, tuple[str, str], int]]) -> None:
    """Words in blocks, lists, tables and quotes nested to any depth (past lxml's limit
    too) all reach the text, in order."""
    html = "".join(
        f"{open_ * depth} {word} {close * depth}" for word, (open_, close), depth in parts
    )
    text = _check(html)
    words = text.split()
    at = 0
    for word, _, _ in parts:
        assert word in words[at:], (word, text[:300])
        at = words.index(word, at) + 1


def test_a_long_paragraph_is_built_in_linear_time() -> None:
    """inscriptis' own line buffer copied the line so far at every piece (400,000 inline
    tags: 30 s); every canvas now starts with ours, which appends to a list."""
    import inscriptis.model.canvas

    from newsreader.ingest.html_render import LinearBlock

    text = _check("<p>" + '<b>x</b> <a href="/l">y</a> ' * 50_000)
    assert text.startswith("x y [1] x y [1]") and text.count("[1]") == 50_000
    assert inscriptis.model.canvas.Canvas().current_block.__class__ is LinearBlock
