"""The CLI applies the one web-link rule (`newsreader.links`): `feed add` refuses what is not
a web link before any fetch, and nothing it prints or exports carries a non-web link as one
(a store written under the old, scheme-only rule may hold such links)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsreader.cli import main
from newsreader.importer import seed
from newsreader.ingest import ArticleDraft
from newsreader.links import INERT, is_web_link
from newsreader.store.feeds import add_feed
from newsreader.store.store import Store

# Each passes the old scheme-only rule, and none is a web link.
NOT_WEB = [
    "http:",
    "https://",
    "http:///x",
    "http:/feed.xml",
    "http://good.example@evil.example/feed",
    "http://good.example\\@evil.example/feed",
    "http://ｅｖｉｌ.example/feed",
    "http://0x7f.1/feed",
    "https://evil.example/\u202elmx.dee",
]


def run(db: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--db", str(db), *args])


@pytest.fixture
def no_fetch(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every fetch the command tries, refused: a non-web link must never get that far."""
    tried: list[str] = []

    def fetch(url: str, **_: Any) -> Any:
        tried.append(url)
        raise AssertionError("fetched")

    monkeypatch.setattr("newsreader.refresh.fetch", fetch)
    return tried


@pytest.mark.parametrize("url", NOT_WEB)
def test_feed_add_refuses_what_is_not_a_web_link_in_one_line(
    tmp_path: Path, no_fetch: list[str], url: str
) -> None:
    db = tmp_path / "s.db"
    result = run(db, "feed", "add", url)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert ": not a web address: " in result.stderr
    assert no_fetch == [] and not db.exists()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(["http:", "https:", "HTTP:", "http://", "https://"]),
    st.text(max_size=20),
)
def test_feed_add_takes_an_http_address_only_when_it_is_a_web_link(
    tmp_path_factory: pytest.TempPathFactory, scheme: str, rest: str
) -> None:
    url = scheme + rest
    if is_web_link(url.strip()):
        return  # a real address: covered by the feed tests, which serve one
    db = tmp_path_factory.mktemp("any") / "s.db"
    tried: list[str] = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("newsreader.refresh.fetch", lambda url, **_: tried.append(url))
        result = run(db, "feed", "add", url)
    assert result.exit_code != 0 and len(result.stderr.splitlines()) == 1
    assert tried == []
    assert not db.exists()


def _store_with_links(db: Path) -> dict[str, int]:
    """One article per bad link, its body ending in a `Links:` section that mixes a good
    reference with the bad one, written as a looser rule would have stored them."""
    store = Store(f"sqlite:///{db}")
    try:
        seed(store)
        drafts = [
            ArticleDraft(
                title=f"Linked {i}",
                body=f"Words [1] [2].\n\nLinks:\n[1] https://good.example/{i}\n[2] {url}",
                source="Wire",
                origin="test",
                url=f"https://placeholder.example/{i}",
            )
            for i, url in enumerate(NOT_WEB)
        ]
        store.add(drafts)
        ids = {row.title: row.id for row in store.rows(store.ids()).values()}
        add_feed(store, "https://feeds.example/good.xml", "Good")
        for i, url in enumerate(NOT_WEB):
            add_feed(store, url, f"Bad {i}")
    finally:
        store.close()
    with sqlite3.connect(db) as conn:
        for i, url in enumerate(NOT_WEB):
            conn.execute("UPDATE article SET url = ? WHERE id = ?", (url, ids[f"Linked {i}"]))
        conn.execute("UPDATE feed SET site_url = url")
    return {f"Linked {i}": ids[f"Linked {i}"] for i in range(len(NOT_WEB))}


def _links_in(text: str) -> list[str]:
    """Every word that a terminal or a person would take for a web address."""
    return [word for word in text.split() if word.lower().startswith(("http:", "https:"))]


def test_show_and_json_never_print_a_non_web_link_as_a_link(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    ids = _store_with_links(db)
    listed = run(db, "list", "--json")
    assert listed.exit_code == 0
    for line in listed.stdout.splitlines():
        assert not {v for v in json.loads(line).values() if isinstance(v, str)} & set(NOT_WEB)
    for i in range(len(NOT_WEB)):
        shown = run(db, "show", str(ids[f"Linked {i}"]))
        assert shown.exit_code == 0, shown.output
        assert _links_in(shown.stdout) == [f"https://good.example/{i}"]
        assert f"[1] https://good.example/{i}\n[2] {INERT}\n" in shown.stdout
        record = json.loads(run(db, "show", "--json", str(ids[f"Linked {i}"])).stdout)
        assert record["url"] is None
        assert record["body"].endswith(f"[1] https://good.example/{i}\n[2] {INERT}")


def test_feed_list_and_export_carry_only_web_links(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    _store_with_links(db)
    listed = [json.loads(line) for line in run(db, "feed", "list", "--json").stdout.splitlines()]
    sites = {record["name"]: record["site_url"] for record in listed}
    assert sites.pop("Good") == "https://feeds.example/good.xml"
    assert set(sites.values()) == {None}
    exported = run(db, "export", "--opml")
    assert exported.exit_code == 0
    assert "https://feeds.example/good.xml" in exported.stdout
    assert exported.stdout.count("xmlUrl=") == 1
