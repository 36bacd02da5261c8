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


# Tidy paragraphs (`<p>a b</p><p>c</p>`) are read by string methods alone, before the
# pattern above: any word (markup, references, controls and odd spaces included) and the
# text must still be what the full converter writes, whichever path takes it.
_LETTERS = st.text("ab\u00e9\u201c\u4e2d", min_size=1)
_ANY_WORD = st.text("ab<>&;/p", min_size=1) | st.text(min_size=1).filter(lambda w: " " not in w)


def _tidy(word: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    paragraphs = st.lists(st.lists(word, min_size=1).map(" ".join), min_size=1)
    return paragraphs.map(lambda ps: "".join(f"<p>{p}</p>" for p in ps))


_TIDY = _tidy(_LETTERS | _REFERENCES) | _tidy(_LETTERS | _REFERENCES | _ANY_WORD)


@settings(max_examples=200, deadline=None)
@given(_TIDY)
@example("<p>a &amp;lt; b</p><p>c&quot;d &#39;e&gt;</p>")
@example("<p>a\u00a0b</p>")
@example("<p>a\x1b[31mb</p>")
@example("<p>a \ud800</p>")
@example("<p>a</p><p>b<br>c</p>")
@example("<p>a &nbsp; b</p>")
def test_tidy_paragraphs_read_as_the_full_converter_reads_them(html: str) -> None:
    assert html_to_text(html) == _full(html)
    tidy = html_module._tidy_paragraphs(html)
    assert tidy is None or tidy == html_module._plain_paragraphs(html)


def test_tidy_paragraphs_skip_the_word_splitting(monkeypatch: pytest.MonkeyPatch) -> None:
    def no(html: str) -> str:
        raise AssertionError("tidy paragraphs took the word-splitting path")

    monkeypatch.setattr(html_module, "_plain_paragraphs", no)
    assert html_to_text("<p>Caf\u00e9 &amp;lt; \u201cq\u201d</p><p>two words</p>") == (
        "Caf\u00e9 &lt; \u201cq\u201d\n\ntwo words",
        [],
    )


def test_the_tidy_path_sees_every_character_that_needs_work() -> None:
    """It reads a paragraph's text as it stands when all of it is printable: no character
    that `isprintable` passes may be one that `strip_controls` removes, or a space other
    than the plain one (which `_plain_paragraphs` would fold)."""
    printable = "".join(c for c in map(chr, range(0x110000)) if c.isprintable())
    assert strip_controls(printable) == printable
    assert [c for c in printable if c.isspace()] == [" "]
