"""Bytes to text: common encodings are repaired (decoded), what is not text is refused."""

from __future__ import annotations

import codecs

import pytest

from newsreader.ingest import IngestError
from newsreader.ingest.decode import decode

TEXT = "Café “crème” — naïve façade, 5 €\nsecond line\n" * 20


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
        TEXT.encode("utf-16-le"),  # no BOM
        TEXT.encode("utf-16-be"),  # no BOM
        codecs.BOM_UTF32_LE + TEXT.encode("utf-32-le"),
        TEXT.encode("cp1252"),
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "utf16le", "utf16be", "utf32", "cp1252"],
)
def test_text_in_common_encodings_is_decoded(data: bytes) -> None:
    assert decode(data) == TEXT


def test_latin1_bytes_cp1252_leaves_undefined_fall_back_to_latin1() -> None:
    data = "Señor Müller ".encode("latin-1") * 10 + b"\x81"
    assert decode(data).startswith("Señor Müller Señor")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>", "PDF"),
        (b"PK\x03\x04\x14\x00\x06\x00" + bytes(100), "ZIP"),
        (b"\x89PNG\r\n\x1a\n" + bytes(64), "PNG"),
        (b"\x7fELF\x02\x01\x01" + bytes(64), "executable"),
        (b"\x1f\x8b\x08\x00" + bytes(64), "gzip"),
        (b"SQLite format 3\x00" + bytes(100), "SQLite"),
        (bytes(range(256)) * 8, "binary"),
        (b"text at first\n" + b"\x00\x01\x02\x03\xff\xfe" * 300, "binary"),
        (bytes([0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x0E, 0x0F]) * 200, "binary"),
    ],
    ids=["pdf", "zip", "png", "elf", "gzip", "sqlite", "all-bytes", "nul-heavy", "c0-heavy"],
)
def test_what_is_not_text_is_refused_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(IngestError, match=reason) as caught:
        decode(data)
    assert "\n" not in str(caught.value)


def test_latin1_decoded_binary_with_c1_controls_is_refused() -> None:
    data = bytes(range(0x80, 0xA0)) * 100  # no NULs, not UTF-8, all C1 once decoded
    with pytest.raises(IngestError, match="binary"):
        decode(data)


def test_empty_and_tiny_inputs() -> None:
    assert decode(b"") == ""
    assert decode(codecs.BOM_UTF8) == ""
    assert decode(b"\xff\xfe") == ""
    assert decode(b"a") == "a"
