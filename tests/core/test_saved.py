"""Saved searches are live virtual feeds; `mark-read` marks what a query matches."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsreader.cli import main
from newsreader.search.query import QueryError
from newsreader.store.engine import StoreError
from newsreader.store.feed_tags import change_feed_tags
from newsreader.store.feeds import add_feed
from newsreader.store.marking import mark_read
from newsreader.store.saved import (
    AlreadySaved,
    SavedCounts,
    check_query,
    find_saved,
    remove_saved,
    save_search,
    saved_counts,
    saved_searches,
)
from newsreader.store.store import Store
from tests.conftest import draft


def test_a_saved_search_is_live(store: Store) -> None:
    store.add([draft("Ferry resumes"), draft("Storm warning", source="Coast")])
    save_search(store, "Ferries", "ferry is:unread")
    save_search(store, "Coast", "source:coast")
    assert [s.name for s in saved_searches(store)] == ["Coast", "Ferries"]
    assert saved_counts(store, "ferry is:unread") == SavedCounts(1, 1)
    store.add([draft("Second ferry", "A ferry again.")])  # imported later: in it at once
    assert saved_counts(store, find_saved(store, "ferries").query).total == 2
    (storm,) = store.search("source:coast").ids
    store.set_flag(storm, "is_read", True)
    assert saved_counts(store, "source:coast") == SavedCounts(1, 0)
    with pytest.raises(AlreadySaved, match="exists already"):
        save_search(store, "FERRIES", "x")
    assert remove_saved(store, "ferries").name == "Ferries"
    with pytest.raises(StoreError, match="no saved search"):
        find_saved(store, "Ferries")


def test_a_saved_tag_search_sees_tags_given_later(store: Store) -> None:
    feed_id = add_feed(store, "https://h.example/rss", "Harbour")
    store.add([draft("Tide tables")], feed_id=feed_id)
    save_search(store, "News", "tag:news")
    assert saved_counts(store, "tag:news").total == 0
    change_feed_tags(store, feed_id, ["news"])
    assert saved_counts(store, "tag:news").total == 1


@pytest.mark.parametrize(
    ("query", "reason"),
    [("is:bogus", "not a state"), ("after:2019-13-45", "not a date"), ("-x", "needs words")],
)
def test_an_invalid_query_is_refused_with_its_reason(store: Store, query: str, reason: str) -> None:
    with pytest.raises(QueryError, match=reason):
        save_search(store, "Bad", query)
    assert saved_searches(store) == []


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=80))
def test_any_query_is_saved_or_refused_in_one_line(text: str) -> None:
    try:
        check_query(text)
    except QueryError as error:
        assert "\n" not in str(error) and str(error)


def test_mark_read_marks_what_a_query_matches(store: Store) -> None:
    store.add([draft("Ferry resumes"), draft("Ferry late"), draft("Storm", source="Coast")])
    assert mark_read(store, "ferry", dry_run=True) == 2
    assert store.counts().unread == 3  # a dry run changes nothing
    assert mark_read(store, "ferry") == 2
    assert mark_read(store, "ferry") == 0  # already read: not counted again
    assert mark_read(store, "source:coast -storm") == 0
    assert mark_read(store, "is:unread") == 1
    assert store.counts().unread == 0
    with pytest.raises(QueryError, match="say which articles"):
        mark_read(store, "  ")


def test_cli_saved_and_mark_read(tmp_path: Path) -> None:
    db = str(tmp_path / "cli.db")
    runner = CliRunner()

    def run(*args: str) -> tuple[int, str, str]:
        result = runner.invoke(main, ["--db", db, *args])
        return result.exit_code, result.stdout, result.stderr

    doc = tmp_path / "a.txt"
    doc.write_text("Harbour reopens\n\nCoast Post — The harbour reopened.\n")
    assert run("import", str(doc))[0] == 0
    assert run("saved", "add", "Harbour", "harbour is:unread")[0] == 0
    code, out, _ = run("saved", "list", "--json")
    assert code == 0
    assert json.loads(out) == {
        "v": 1,
        "name": "Harbour",
        "query": "harbour is:unread",
        "total": 1,
        "unread": 1,
    }
    code, out, _ = run("list", "--saved", "harbour", "--json")
    assert code == 0 and json.loads(out)["title"] == "Harbour reopens"
    code, _, err = run("saved", "add", "Bad", "is:bogus")
    assert code == 2 and err.count("\n") == 1 and "is:bogus: not a state" in err
    code, out, _ = run("mark-read", "harbour", "--dry-run")
    assert (code, out) == (0, "1 articles would be marked read\n")
    code, out, _ = run("mark-read", "harbour")
    assert (code, out) == (0, "1 marked read\n")
    code, out, _ = run("saved", "list")
    assert code == 0 and "0 unread" in out
    code, out, _ = run("list", "--saved", "Harbour")
    assert code == 0 and "Harbour reopens" not in out  # its query says is:unread
    code, _, err = run("list", "--saved", "Nope")
    assert code == 1 and "no saved search 'Nope'" in err
    assert run("saved", "remove", "harbour") == (0, "removed Harbour\n", "")
