"""What the commands print: article text made safe for a terminal, and JSON lines (their
fields are declared in `records`). Imports no other module of `newsreader.cli`."""

from __future__ import annotations

from datetime import datetime
from typing import Any


def safe(text: str, keep_lines: bool = False) -> str:
    """Text from articles, made safe for a terminal (no escape or control bytes)."""
    from newsreader.ingest.sanitize import clean_line, strip_controls

    return strip_controls(text) if keep_lines else clean_line(text)


def dumps(record: dict[str, Any]) -> str:
    """JSON keeps article text exact, but C1, bidi and zero-width characters go out as
    `\\uXXXX` escapes so that printing the JSON cannot act on the terminal."""
    import json

    from newsreader.ingest.sanitize import escape_controls

    line = escape_controls(json.dumps(record, ensure_ascii=False))
    # U+2028/2029 are line breaks to `str.splitlines` and some terminals: one record, one line.
    return line.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def date(moment: datetime | None) -> str:
    return moment.date().isoformat() if moment else "—"
