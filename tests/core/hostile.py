"""Hostile text and an independent oracle for what must never reach a terminal.

The oracle uses Unicode categories, not the sanitiser's own patterns, so a gap in the
sanitiser shows up as a failing test rather than being mirrored by it.
"""

from __future__ import annotations

import unicodedata

# (raw, what a reader must see): terminal escapes and controls vanish, payload and all.
CONTROL_CASES: list[tuple[str, str]] = [
    ("\x1b[31mred\x1b[0m", "red"),
    ("\x1b[2J\x1b[Hcleared", "cleared"),
    ("\x1b[10A\x1b[5Cmoved", "moved"),
    ("\x1b]0;pwned-title\x07osc0", "osc0"),
    ("\x1b]2;pwned-title\x1b\\osc2", "osc2"),
    ("\x1b]8;;http://evil.example/\x1b\\linked\x1b]8;;\x1b\\", "linked"),
    ("\x1b]52;c;ZWNobyBwd25lZA==\x07clip", "clip"),
    ("\x9b31mcsi1", "csi1"),
    ("\x9d0;c1-title\x9cc1osc", "c1osc"),
    ("bell\x07", "bell"),
    ("back\x08\x08space", "backspace"),
    ("del\x7fete", "delete"),
    ("nel\x85line", "nelline"),
    ("\u202eevil", "evil"),
    ("zero\u200bwidth\u200d", "zerowidth"),
    ("\u2066iso\u2069late", "isolate"),
    ("\ufeffbom", "bom"),
]
# Markup is text: Rich/Textual tags, links, actions, shortcodes mid-sentence, `[US]`.
MARKUP_CASES: list[str] = [
    "[bold red]x[/]",
    "[/]",
    "[link=file:///etc/passwd]x[/link]",
    "[@click=app.quit]click me[/]",
    "they said [the_ad id=’2023′] mid-sentence",
    "[US] and [The US]",
]
_BIDI_AND_INVISIBLE = {
    "\u061c",
    "\u200b",
    "\u200c",
    "\u200d",
    "\u200e",
    "\u200f",
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2060",
    "\u2061",
    "\u2062",
    "\u2063",
    "\u2064",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\ufeff",
}


def unsafe_chars(text: str, allowed: str = "\n\t") -> list[str]:
    """Characters that must not reach a terminal: controls (C0, DEL, C1, including ESC),
    bidi overrides and zero-width marks, lone surrogates."""
    return [
        ch
        for ch in text
        if ch not in allowed
        and (unicodedata.category(ch) in ("Cc", "Cs") or ch in _BIDI_AND_INVISIBLE)
    ]


def assert_terminal_safe(text: str, allowed: str = "\n\t") -> None:
    bad = unsafe_chars(text, allowed)
    assert not bad, f"unsafe characters reached the output: {sorted(set(bad))!r}"


def assert_bytes_safe(data: bytes) -> None:
    """The raw bytes written: no ESC, no C0 but newline/tab, no C1 as UTF-8 (C2 80-9F)."""
    for byte in set(data):
        assert byte >= 0x20 or byte in b"\n\t", f"control byte {byte:#04x} in the output"
        assert byte != 0x7F, "DEL in the output"
    for c1 in range(0x80, 0xA0):
        assert bytes([0xC2, c1]) not in data, f"C1 control U+{c1:04X} in the output"
