"""Make untrusted text inert: no control bytes, no escape sequences, tidy whitespace.

Sanitising happens once, on the way in, so everything downstream holds clean text; the CLI
applies it again on the way out, in case a store holds text from elsewhere.
"""

from __future__ import annotations

import re

# ANSI/ECMA-48 sequences: CSI (ESC [ or 0x9B), OSC/DCS/APC/PM/SOS strings (terminated by BEL
# or ST), and two-byte escapes. Removed whole, so their payload (e.g. an OSC 52 clipboard
# write or an OSC 8 link target) never reaches the text either. An unterminated string stops
# at the end of its line: a stray ESC ] must not swallow the rest of an article.
_ESCAPES = re.compile(
    r"""
    (?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?            # CSI ... final byte
    | (?:\x1b[\]P_^X]|[\x90\x98\x9d\x9e\x9f])     # OSC, DCS, SOS, PM, APC introducers
      [^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?     # ... up to BEL or ST (or the line's end)
    | \x1b[ -/]*[0-~]?                            # other ESC sequences
    """,
    re.VERBOSE,
)
# C0 except tab and newline, DEL, C1; bidi marks, overrides and isolates and zero-width
# characters that can spoof or hide text in titles; lone surrogates, which cannot be encoded
# for output at all. The line and paragraph separators are line breaks (Python's splitlines
# and some terminals treat them so): they become newlines, so one line stays one line.
_UNSAFE_CLASS = (
    "\u2028\u2029\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ud800-\udfff"
)
_CONTROLS = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_UNSAFE_CLASS}]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
# A space `_SPACES` would change on its own (one plain space it leaves as it is). Looking for
# these first is ~10x cheaper than substituting every space of a line with itself.
_ODD_SPACE = re.compile(r"[\t\u00a0\u2000-\u200a\u202f\u205f\u3000]")
# What `_CONTROLS` matches in ASCII text: deleting these bytes (`bytes.translate`) finds them
# ~3x faster than the regex scan, on the hot path of every text file.
_ASCII_CONTROLS = bytes([*range(0x09), *range(0x0B, 0x20), 0x7F])


def strip_controls(text: str) -> str:
    """Remove escape sequences and control characters, keeping newlines and tabs.

    Carriage returns (and U+2028/U+2029) become newlines, so `\\r` cannot overwrite what a
    line showed.
    """
    if text.isascii():  # a flag, not a scan
        if len(text.encode().translate(None, _ASCII_CONTROLS)) == len(text):
            return text
    elif _CONTROLS.search(text) is None:  # one scan, not two substitutions: the hot path
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    return _CONTROLS.sub("", _ESCAPES.sub("", text))


def clean_line(text: str) -> str:
    """One line of display text: no controls, single spaces, no line breaks."""
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text  # a line already: `isprintable` is false for controls and odd spaces
    return normalise_spaces(strip_controls(text).replace("\n", " ").replace("\t", " "))


def normalise_spaces(line: str) -> str:
    """Runs of spaces as one plain space, none at either end."""
    # In ASCII (a flag, not a scan) the only odd space is a tab: `in` beats the regex 20x.
    if "  " in line or ("\t" in line if line.isascii() else _ODD_SPACE.search(line)):
        line = _SPACES.sub(" ", line)
    return line.strip()


def escape_controls(text: str) -> str:
    """Write each control character as a `\\uXXXX` escape: for JSON, where the data must
    survive exactly but must not act on the terminal that shows it."""
    return _CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
