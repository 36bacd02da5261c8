"""Bytes to text: accept what is text in any common encoding, refuse what is not text."""

from __future__ import annotations

import codecs
import re

from newsreader.ingest.draft import IngestError

_MAGIC = {
    b"%PDF-": "a PDF document",
    b"PK\x03\x04": "a ZIP archive (or Office document)",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\x7fELF": "an executable",
    b"\x1f\x8b": "a gzip archive",
    b"SQLite format 3": "a SQLite database",
}


# Controls that text does not use (tab, newlines, form feed and ESC are left out), and C1.
_BINARY_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f-\x9f]")
# The same in ASCII, as bytes to delete: counting them so is ~3x cheaper than the regex.
_ASCII_BINARY = bytes([*range(0x09), 0x0B, *range(0x0E, 0x1B), *range(0x1C, 0x20), 0x7F])


def decode(data: bytes) -> str:
    """Decode document bytes, or raise `IngestError` saying why they are not text."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace")
    for bom, codec in ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be")):
        if data.startswith(bom):
            return data[4:].decode(codec, errors="replace")
    for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return data[2:].decode(codec, errors="replace")
    for magic, kind in _MAGIC.items():
        if data.startswith(magic):
            raise IngestError(f"not text: looks like {kind}")
    sample = data[:4096]
    if b"\x00" in sample:
        utf16 = _bomless_utf16(sample)
        if utf16 is None:
            raise IngestError("not text: binary data (NUL bytes)")
        return data.decode(utf16, errors="replace")
    text: str
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        # Not UTF-8: Windows-1252 is what stray "ANSI" text almost always is; bytes it
        # leaves undefined fall back to Latin-1 so nothing is rejected.
        text = data.decode("cp1252", errors="replace")
        if "\ufffd" in text:
            text = data.decode("latin-1")
    if _mostly_controls(text[:4096]):
        raise IngestError("not text: binary data (control bytes)")
    return text


def _bomless_utf16(sample: bytes) -> str | None:
    """UTF-16 without a BOM shows NULs in every other byte of ASCII-heavy text."""
    even, odd = sample[0::2], sample[1::2]
    if len(sample) < 4:
        return None
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def _mostly_controls(text: str) -> bool:
    """Binary that slipped through as Latin-1: C0 and C1 controls where text has letters."""
    if text.isascii():  # a flag, not a scan
        found = len(text) - len(text.encode().translate(None, _ASCII_BINARY))
    else:
        found = len(_BINARY_CONTROLS.findall(text))
    return found > 0.1 * len(text)
