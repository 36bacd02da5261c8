"""The ASCII fast paths of sanitizing and decoding answer exactly as the regexes they skip."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from newsreader.ingest import decode, sanitize

# Every ASCII character, and a few of the non-ASCII ones the regexes treat specially.
_CHARS = st.characters(codec="ascii") | st.sampled_from("\u00a0\u2028\u0085\u200b\x9b\u3000é")
_TEXTS = st.text(_CHARS, max_size=60)


def _old_strip(text: str) -> str:
    if sanitize._CONTROLS.search(text) is None:
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    return sanitize._CONTROLS.sub("", sanitize._ESCAPES.sub("", text))


def _old_spaces(line: str) -> str:
    if "  " in line or sanitize._ODD_SPACE.search(line):
        line = sanitize._SPACES.sub(" ", line)
    return line.strip()


def _old_mostly(text: str) -> bool:
    return len(decode._BINARY_CONTROLS.findall(text)) > 0.1 * len(text)


@given(_TEXTS)
def test_strip_controls_as_the_regex(text: str) -> None:
    assert sanitize.strip_controls(text) == _old_strip(text)


@given(_TEXTS)
def test_normalise_spaces_as_the_regex(text: str) -> None:
    assert sanitize.normalise_spaces(text) == _old_spaces(text)


@given(_TEXTS)
def test_mostly_controls_as_the_regex(text: str) -> None:
    assert decode._mostly_controls(text) == _old_mostly(text)


def test_every_ascii_control_is_seen() -> None:
    """Each ASCII character alone, so that none is missed by the byte tables."""
    for code in range(128):
        char = chr(code)
        assert sanitize.strip_controls(f"a{char}b") == _old_strip(f"a{char}b"), code
        assert sanitize.normalise_spaces(f"a{char} b") == _old_spaces(f"a{char} b"), code
        assert decode._mostly_controls(char * 3) == _old_mostly(char * 3), code
