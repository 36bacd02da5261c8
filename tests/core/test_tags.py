"""Tags: on feeds (their articles carry them), from OPML folders and entry categories,
`tag:` in queries, and OPML export → import keeping them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from newsreader.cli import main
from newsreader.ingest.feed import parse_feed
from newsreader.ingest.opml import parse_opml
from newsreader.ingest.tags import tag_name
from newsreader.search.query import QueryError, parse_query
from newsreader.store.feed_tags import change_feed_tags
from newsreader.store.feeds import add_feed, feeds
from newsreader.store.store import Store
from tests.conftest import draft

RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour Times</title>
<item><title>Ferry resumes</title><guid>a1</guid><category>Transport</category>
<category>Coast News</category><description>Boats sail.</description></item>
<item><title>Storm warning</title><guid>a2</guid><description>Wind.</description></item>
</channel></rss>"""


def test_tag_is_a_qualifier_in_any_case_with_quotes() -> None:
    q = parse_query('tag:News tag:"Coast  news" ferry')
    assert q.filters.tags == ("news", "coast news") and q.words == ("ferry",)
    with pytest.raises(QueryError, match="tag: needs a value"):
        parse_query("tag:")
    with pytest.raises(QueryError, match="not a tag"):
        parse_query('tag:"\x01"')


def test_a_feeds_tags_are_its_articles_tags(store: Store) -> None:
    feed_id = add_feed(store, "https://h.example/rss", "Harbour")
    store.add([draft("Ferry resumes"), draft("Storm warning")], feed_id=None)
    store.add([draft("Tide tables", "Tide tables."), draft("Quay works")], feed_id=feed_id)
    assert store.search("tag:harbour").ids == []
    assert change_feed_tags(store, feed_id, ["News", "tech"]) == ("News", "tech")
    assert len(store.search("tag:NEWS").ids) == 2
    assert len(store.search("tag:news tide").ids) == 1
    assert store.search("tag:news ferry").ids == []
    assert [f.tags for f in feeds(store)] == [("News", "tech")]
    assert change_feed_tags(store, feed_id, remove=["news"]) == ("tech",)
    assert store.search("tag:news").ids == []  # the cached set was dropped


def test_entry_categories_become_the_articles_tags(store: Store) -> None:
    parsed = parse_feed(RSS, "https://h.example/rss")
    assert parsed.entries[0].tags == ("Transport", "Coast News")
    feed_id = add_feed(store, "https://h.example/rss")
    store.add(parsed.entries, feed_id=feed_id)
    (ferry,) = store.search('tag:"coast news"').ids
    assert store.rows([ferry])[ferry].title == "Ferry resumes"
    assert store.search("tag:transport storm").ids == []


OPML = b"""<?xml version="1.0"?><opml version="2.0"><body>
<outline text="News"><outline text="Tech">
  <outline type="rss" text="A" xmlUrl="https://a.example/rss"/></outline>
  <outline type="rss" text="B" xmlUrl="https://b.example/rss"/></outline>
<outline text="Daily"><outline type="rss" text="B" xmlUrl="https://b.example/rss"/></outline>
<outline type="rss" text="C" xmlUrl="https://c.example/rss"/>
</body></opml>"""


def test_opml_folders_become_tags_and_export_gives_them_back(
    tmp_path: Path, store_url: str
) -> None:
    subs = {s.url: s.tags for s in parse_opml(OPML)}
    assert subs == {
        "https://a.example/rss": ("News", "Tech"),
        "https://b.example/rss": ("News", "Daily"),  # in two folders: both
        "https://c.example/rss": (),
    }
    path = tmp_path / "subs.opml"
    path.write_bytes(OPML)
    first, second = tmp_path / "one.db", tmp_path / "two.db"
    runner = CliRunner()
    assert runner.invoke(main, ["--db", str(first), "import", str(path)]).exit_code == 0
    exported = runner.invoke(main, ["--db", str(first), "export", "--opml"])
    assert exported.exit_code == 0
    path.write_text(exported.stdout)
    assert runner.invoke(main, ["--db", str(second), "import", str(path)]).exit_code == 0

    def listed(db: Path) -> dict[str, tuple[str, list[str]]]:
        out = runner.invoke(main, ["--db", str(db), "feed", "list", "--json"]).stdout
        return {
            r["url"]: (r["name"], sorted(r["tags"])) for r in map(json.loads, out.split("\n")[:-1])
        }

    assert listed(first) == listed(second)
    assert listed(second)["https://b.example/rss"] == ("B", ["Daily", "News"])


def test_cli_feed_add_with_tags_and_feed_tag(tmp_path: Path) -> None:
    feed = tmp_path / "harbour.xml"
    feed.write_bytes(RSS)
    db = str(tmp_path / "cli.db")
    runner = CliRunner()

    def run(*args: str) -> tuple[int, str, str]:
        result = runner.invoke(main, ["--db", db, *args])
        return result.exit_code, result.stdout, result.stderr

    code, out, _ = run("feed", "add", str(feed), "--tag", "news", "--tag", "tech")
    assert code == 0, out
    code, out, _ = run("search", "tag:tech storm")
    assert code == 0 and "Storm warning" in out
    code, out, _ = run("feed", "tag", "Harbour Times", "+Local", "-tech", "weather")
    assert code == 0 and out == "Harbour Times: Local, news, weather\n"
    code, out, _ = run("feed", "list")
    assert "tags: Local, news, weather" in out
    code, _, err = run("feed", "tag", "Harbour Times", "-")
    assert code == 2 and err.startswith("newsreader: feed tag: '-' names no tag")
    code, out, _ = run("search", "tag:tech storm")
    assert "Storm" not in out


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=120))
def test_any_stored_tag_can_be_named_by_a_query(text: str) -> None:
    """Whatever a source calls a tag, `tag:"..."` names exactly that tag's key."""
    name = tag_name(text)
    if not name:
        return
    assert parse_query(f'tag:"{name}"').filters.tags == (name.casefold(),)
