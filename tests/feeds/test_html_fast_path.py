"""Bare paragraphs skip the parser: the text must be exactly what the full converter writes."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from newsreader.ingest import html as html_module
from newsreader.ingest.html import html_to_text
from newsreader.ingest.sanitize import strip_controls

_REFERENCES = st.sampled_from(["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"])
_TEXT = st.lists(st.one_of(st.text(), _REFERENCES, st.sampled_from([" ", "\n", "\t", "\r"])))
_PARAGRAPHS = st.lists(
    st.tuples(st.sampled_from(["", " ", "\n", " \t\n "]), _TEXT.map("".join)), min_size=1
)


def _full(html: str) -> tuple[str, list[str]]:
    return html_module._rendered(strip_controls(html[: html_module.MAX_HTML_CHARS]), None)


@settings(max_examples=400, deadline=None)
@given(_PARAGRAPHS, st.sampled_from(["", " ", "\n"]))
@example([("", "a &amp;lt; b\u00a0c\u3000d")], "")
@example([("", "\u2028x\x1b[31my\r\nz"), (" ", "")], "\n")
def test_bare_paragraphs_read_as_the_full_converter_reads_them(
    paragraphs: list[tuple[str, str]], end: str
) -> None:
    html = "".join(f"{space}<p>{text}</p>" for space, text in paragraphs) + end
    assert html_to_text(html) == _full(html)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<p>/ &amp;lt;xa\n"))))
def test_any_markup_reads_as_the_full_converter_reads_it(html: str) -> None:
    """Near misses (unclosed, nested, stray `<`/`&`) take whichever path; the text agrees."""
    assert html_to_text(html) == _full(html)


def test_the_fast_path_is_taken_for_bare_paragraphs(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = html_module._rendered

    def spy(html: str, base_url: str | None) -> tuple[str, list[str]]:
        calls.append(html)
        return real(html, base_url)

    monkeypatch.setattr(html_module, "_rendered", spy)
    assert html_to_text("<p>one  two</p>\n<p>three &amp; four</p>") == (
        "one two\n\nthree & four",
        [],
    )
    assert calls == []
    assert html_to_text("<p>a <b>b</b></p>") == ("a b", [])
    assert len(calls) == 1


def test_a_long_paragraph_without_its_end_tag_is_linear() -> None:
    """The fast path's pattern cannot backtrack: an unclosed run falls to the full converter."""
    html = "<p>" + "word &amp; " * 50_000
    assert html_to_text(html)[0].startswith("word & word")
