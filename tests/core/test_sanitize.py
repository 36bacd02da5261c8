"""Untrusted text is made inert once, on the way in: escapes, controls, spoofing marks."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsreader.ingest.sanitize import clean_line, escape_controls, strip_controls
from tests.core.hostile import CONTROL_CASES, MARKUP_CASES, assert_terminal_safe, unsafe_chars


@pytest.mark.parametrize(("raw", "seen"), CONTROL_CASES)
def test_escapes_and_controls_vanish_with_their_payload(raw: str, seen: str) -> None:
    assert strip_controls(f"before {raw} after") == f"before {seen} after"
    assert clean_line(f"  {raw}  ") == seen


@pytest.mark.parametrize("markup", MARKUP_CASES)
def test_markup_is_kept_as_literal_text(markup: str) -> None:
    assert strip_controls(markup) == markup
    assert clean_line(markup) == markup


def test_carriage_return_cannot_overwrite_a_line() -> None:
    assert strip_controls("safe text\rEVIL") == "safe text\nEVIL"
    assert clean_line("safe text\rEVIL") == "safe text EVIL"
    assert strip_controls("windows\r\nline") == "windows\nline"


def test_unterminated_osc_stops_at_the_end_of_its_line() -> None:
    """A stray ESC ] must not swallow the rest of an article."""
    assert strip_controls("a\x1b]0;title\nsecond line") == "a\nsecond line"
    assert strip_controls("lone escape at the end\x1b") == "lone escape at the end"


def test_clean_text_is_returned_as_is() -> None:
    text = "Ünïcödé — “quotes”, tabs\tand\nnewlines, emoji 📰, CJK 新闻"
    assert strip_controls(text) is text


def test_escape_controls_keeps_the_data_but_not_the_effect() -> None:
    escaped = escape_controls("a\x9b31m b\u202ec\ud800")
    assert escaped == "a\\u009b31m b\\u202ec\\ud800"
    assert_terminal_safe(escaped)


# -- properties -----------------------------------------------------------------------------

_SAFE = st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Cf", "Zl", "Zp"))
_ESCAPE = st.one_of(
    st.from_regex(r"\A\x1b\[[0-9;?]{0,12}[ -/]{0,2}[@-~]\Z"),  # CSI
    st.from_regex(r"\A\x9b[0-9;]{0,8}[@-~]\Z"),  # 8-bit CSI
    st.builds(  # OSC / DCS / APC ... with any printable payload, BEL or ST terminated
        lambda intro, payload, end: intro + payload + end,
        st.sampled_from(["\x1b]", "\x1bP", "\x1b_", "\x1b^", "\x1bX", "\x9d", "\x90"]),
        st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=40),
        st.sampled_from(["\x07", "\x1b\\", "\x9c"]),
    ),
    st.sampled_from(["\x1b(B", "\x1b)0", "\x1b7", "\x1b8", "\x1bc", "\x1b=", "\x1b>"]),
    # Lone controls (not the C1 string introducers, which rightly swallow up to ST).
    st.sampled_from(["\x07", "\x08", "\x00", "\x0b", "\x0c", "\x7f", "\x85", "\x8a"]),
)


@given(st.text())
def test_output_never_holds_a_control_but_newline_and_tab(text: str) -> None:
    assert not unsafe_chars(strip_controls(text))
    assert not unsafe_chars(clean_line(text), allowed="")


@given(st.text(_SAFE))
def test_printable_text_survives_unchanged(text: str) -> None:
    assert strip_controls(text) == text


@given(st.lists(st.tuples(st.text(_SAFE, max_size=20), _ESCAPE), max_size=8), st.text(_SAFE))
def test_escapes_are_cut_out_and_nothing_else(parts: list[tuple[str, str]], tail: str) -> None:
    hostile = "".join(text + escape for text, escape in parts) + tail
    assert strip_controls(hostile) == "".join(text for text, _ in parts) + tail


@given(st.text())
def test_one_line_stays_one_line_whatever_the_line_breaks(text: str) -> None:
    """U+2028/U+2029, NEL, FS/GS/RS, VT, FF: every break `splitlines` knows is gone."""
    assert len(clean_line(text).splitlines()) <= 1


def test_line_and_paragraph_separators_become_newlines_in_text() -> None:
    assert strip_controls("a\u2028b\u2029c") == "a\nb\nc"


def _clean_line_in_full(text: str) -> str:
    """`clean_line` without its shortcut for text that is one clean line already."""
    from newsreader.ingest.sanitize import normalise_spaces

    return normalise_spaces(strip_controls(text).replace("\n", " ").replace("\t", " "))


@given(st.text() | st.text(" ab\u00a0\u2028\u200b\u00ad\x1b[\t\n\u3000\ud800"))
def test_clean_lines_shortcut_changes_nothing(text: str) -> None:
    assert clean_line(text) == _clean_line_in_full(text)
