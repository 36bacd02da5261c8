"""What each backend would store differently, stored the same way on both.

PostgreSQL refuses NUL in text, enforces VARCHAR lengths and caps index keys; SQLite does
none of that. The store cuts drafts the same way on both, so an article is the same
article (fingerprint, feed entry) wherever it lives. Runs on `sqlite` and `pg`.
"""

from __future__ import annotations

import random

from newsreader.ingest import ArticleDraft
from newsreader.store.feeds import add_feed
from newsreader.store.store import SHORT_TEXT, Store


def test_nul_characters_are_dropped_and_the_article_found(store: Store) -> None:
    nul = ArticleDraft(title="Null\x00 island", body="At 0\x00N 0E.", source="Ge\x00o", origin="o")
    assert store.add([nul]).added == 1
    (article_id,) = store.ids()
    article = store.article(article_id)
    assert article is not None
    assert (article.title, article.body, article.source) == ("Null island", "At 0N 0E.", "Geo")
    assert store.search("island").ids == [article_id]
    clean = ArticleDraft(title="Null island", body="At 0N 0E.", source="Geo", origin="o")
    assert store.add([clean]).added == 0  # the same article


def test_overlong_source_and_author_are_cut_to_their_columns(store: Store) -> None:
    long = ArticleDraft(title="T", body="B.", source="s" * 600, author="a" * 600, origin="o")
    assert store.add([long]).added == 1
    (article_id,) = store.ids()
    article = store.article(article_id)
    assert article is not None
    assert (article.source, article.author) == ("s" * SHORT_TEXT, "a" * SHORT_TEXT)


def test_an_overlong_guid_is_one_entry_updated_in_place(store: Store) -> None:
    feed_id = add_feed(store, "https://h.example/rss")
    rng = random.Random(7)  # 4000 bytes that do not compress: over any index key limit
    guid = "".join(chr(rng.randrange(0x20000, 0x2A6DF)) for _ in range(1000))
    first = ArticleDraft(title="Entry", body="First text.", source="S", origin="o", guid=guid)
    assert store.add([first], feed_id=feed_id).added == 1
    (article_id,) = store.ids()
    store.set_flag(article_id, "is_starred", True)
    edited = ArticleDraft(title="Entry", body="Edited text.", source="S", origin="o", guid=guid)
    result = store.add([edited], feed_id=feed_id)
    assert (result.added, result.updated) == (0, 1)
    assert store.ids() == [article_id]
    article = store.article(article_id)
    assert article is not None
    assert (article.body, article.is_starred) == ("Edited text.", True)
