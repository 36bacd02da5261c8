"""`--json` records: pinned field names and types per command, documented in the README,
and what the commands print holds to both."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from newsreader.cli import main
from newsreader.cli.records import SCHEMAS, VERSION, Listed, record
from newsreader.store.details import ArticleDetails
from newsreader.store.views import ArticleRow

ROOT = Path(__file__).resolve().parents[2]

_ROW = [
    ("v", "integer"),
    ("id", "integer"),
    ("story", "integer"),
    ("title", "string"),
    ("source", "string"),
    ("url", "string"),
    ("feed_id", "integer"),
    ("feed", "string"),
    ("tags", "array of strings"),
    ("published_at", "string"),
    ("is_read", "boolean"),
    ("is_starred", "boolean"),
]
PINNED = {
    "list": _ROW,
    "search": [*_ROW, ("score", "number"), ("title_spans", "array of [start, end] integer pairs")],
    "show": [
        *_ROW,
        ("author", "string"),
        ("imported_at", "string"),
        ("word_count", "integer"),
        ("reading_minutes", "integer"),
        ("origin", "string"),
        ("body", "string"),
    ],
    "feed list": [
        ("v", "integer"),
        ("id", "integer"),
        ("name", "string"),
        ("url", "string"),
        ("site_url", "string"),
        ("fetched_at", "string"),
        ("status", "string"),
        ("error", "string"),
        ("articles", "integer"),
        ("unread", "integer"),
        ("tags", "array of strings"),
        ("full_text", "boolean"),
    ],
    "saved list": [
        ("v", "integer"),
        ("name", "string"),
        ("query", "string"),
        ("total", "integer"),
        ("unread", "integer"),
    ],
    "stories": [
        ("v", "integer"),
        ("story", "integer"),
        ("sources", "array of strings"),
        ("members", "array of article records (as `list`)"),
    ],
}
"""Changing this is changing what scripts read: deliberate, in the README, maybe a new `v`."""


def test_the_schema_is_pinned() -> None:
    assert VERSION == 1
    assert {cmd: [(f.name, f.kind) for f in fields] for cmd, fields in SCHEMAS.items()} == PINNED


def _readme_tables() -> dict[str, list[tuple[str, str, str]]]:
    """(field, type, null when) rows per command, from the README's JSON section: a table
    belongs to the commands named in backticks on the line before it."""
    text = (ROOT / "README.md").read_text()
    section = text.split("## JSON output", 1)[1].split("\n## ", 1)[0]
    out: dict[str, list[tuple[str, str, str]]] = {}
    for intro, table in re.findall(r"([^\n]+)\n\n((?:\|[^\n]*\n)+)", section):
        commands = [c for c in re.findall(r"`([a-z ]+)`", intro) if c in SCHEMAS]
        assert commands, intro
        rows = [
            tuple(cell.strip().strip("`") for cell in line.strip("|").split("|")[:3])
            for line in table.splitlines()[2:]
        ]
        for command in commands:
            out.setdefault(command, []).extend(rows)  # type: ignore[arg-type]
    return out


def test_the_readme_documents_every_field_with_its_type_and_when_null() -> None:
    tables = _readme_tables()
    for command, fields in SCHEMAS.items():
        documented = [(f.name, f.kind, f.null or "never") for f in fields]
        assert sorted(tables[command]) == sorted(documented), command


def _valid(value: Any, kind: str) -> bool:
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "string":
        return isinstance(value, str)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "array of strings":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if kind == "array of [start, end] integer pairs":
        return isinstance(value, list) and all(
            isinstance(p, list) and len(p) == 2 and all(isinstance(i, int) for i in p)
            for p in value
        )
    raise AssertionError(f"unknown kind {kind}")


def _holds(command: str, line: str) -> dict[str, Any]:
    parsed: dict[str, Any] = json.loads(line)
    fields = SCHEMAS[command]
    assert list(parsed) == [f.name for f in fields], command
    for f in fields:
        value = parsed[f.name]
        assert (value is None and bool(f.null)) or _valid(value, f.kind), (command, f.name, value)
    assert parsed["v"] == VERSION
    for name in ("published_at", "imported_at", "fetched_at"):
        if parsed.get(name) is not None:
            assert datetime.fromisoformat(parsed[name]).utcoffset() == timedelta(0), name
    return parsed


RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour Times</title>
<link>https://harbour.example/</link>
<item><title>Ferry resumes</title><guid>a1</guid><link>https://harbour.example/ferry</link>
<category>Transport</category><pubDate>Mon, 04 Mar 2024 09:30:00 GMT</pubDate>
<description>Boats sail again.</description></item>
</channel></rss>"""


def test_every_command_prints_what_the_schema_says(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    feed = tmp_path / "harbour.xml"
    feed.write_bytes(RSS)
    note = tmp_path / "note.txt"
    note.write_text("Council budget\n\nThe council approved the budget.\n")
    runner = CliRunner()

    def run(*args: str) -> list[str]:
        result = runner.invoke(main, ["--db", db, *args])
        assert result.exit_code == 0, result.output
        return result.stdout.splitlines()

    run("feed", "add", str(feed), "--tag", "Coast")
    run("import", str(note))
    run("saved", "add", "boats", "ferry")
    listed = {r["title"]: r for r in (_holds("list", line) for line in run("list", "--json"))}
    ferry, council = listed["Ferry resumes"], listed["Council budget"]
    assert ferry["url"] == "https://harbour.example/ferry"
    assert isinstance(ferry["feed_id"], int) and ferry["feed"] == "Harbour Times"
    assert ferry["tags"] == ["Coast", "Transport"]
    assert ferry["published_at"] == "2024-03-04T09:30:00+00:00"
    assert (council["url"], council["feed_id"], council["feed"], council["tags"]) == (
        None,
        None,
        None,
        [],
    )
    (hit,) = [_holds("search", line) for line in run("search", "--json", "ferry")]
    assert hit["feed"] == "Harbour Times" and hit["title_spans"] == [[0, 5]]
    shown = _holds("show", run("show", "--json", str(ferry["id"]))[0])
    assert shown["tags"] == ["Coast", "Transport"] and shown["body"].startswith("Boats")
    (feed_record,) = [_holds("feed list", line) for line in run("feed", "list", "--json")]
    assert feed_record["id"] == ferry["feed_id"]
    (saved,) = [_holds("saved list", line) for line in run("saved", "list", "--json")]
    assert (saved["name"], saved["total"]) == ("boats", 1)


_text = st.text(max_size=20)
_when = st.none() | st.datetimes(min_value=datetime(1900, 1, 1))
_details = st.none() | st.builds(
    ArticleDetails,
    url=st.none() | st.sampled_from(["https://a.example/x", "javascript:alert(1)", "ftp://f"]),
    feed_id=st.none() | st.integers(1, 2**31),
    feed=st.none() | _text,
    tags=st.lists(_text, max_size=3).map(tuple),
)


@settings(max_examples=60, deadline=None)
@given(
    st.builds(
        ArticleRow,
        id=st.integers(1, 2**62),
        title=_text,
        source=_text,
        published_at=_when,
        is_read=st.booleans(),
        is_starred=st.booleans(),
    ),
    _details,
    st.floats(0, 1e6),
    st.lists(st.tuples(st.integers(0, 99), st.integers(0, 99)), max_size=3),
)
def test_any_article_row_makes_a_record_of_the_pinned_shape(
    row: ArticleRow, details: ArticleDetails | None, score: float, spans: list[tuple[int, int]]
) -> None:
    for command in ("list", "search"):
        line = json.dumps(record(SCHEMAS[command], Listed(row, details, score, spans)))
        parsed = _holds(command, line)
        assert parsed["url"] in (None, "https://a.example/x")  # only web links, ever
