"""Extremes of size and shape: nothing crashes, nothing is truncated or lost."""

from __future__ import annotations

import time

from newsreader.ingest import ArticleDraft
from newsreader.ingest.text import parse_text
from newsreader.store.store import Store


def test_five_megabyte_article_parses_whole_and_fast() -> None:
    paragraph = "Word " * 199 + "end."
    body = "\n\n".join(f"{i} {paragraph}" for i in range(5 * 2**20 // len(paragraph)))
    data = f"A very long article\n\n{body}\n".encode()
    assert len(data) > 5 * 2**20
    started = time.perf_counter()
    draft = parse_text(data, "long.txt")
    assert time.perf_counter() - started < 5
    assert draft.title == "A very long article"
    assert draft.body == body
    assert draft.word_count == len(body.split())


def test_five_megabyte_single_paragraph_keeps_its_title_short() -> None:
    data = b"Title line\n" + b"x" * (5 * 2**20)
    draft = parse_text(data, "one.txt")
    assert draft.title == "Title line"
    assert len(draft.body) == 5 * 2**20


def test_long_line_and_long_word_are_kept_literally(store: Store) -> None:
    line = " ".join(f"w{i}" for i in range(4000))[:20_000]
    word = "y" * 20_000
    draft = parse_text(f"{word}\n\n{line}\n\n{word}".encode(), "w.txt")
    assert draft.title == word
    assert draft.body == f"{line}\n\n{word}"
    store.add([draft])
    (article_id,) = store.ids()
    stored = store.article(article_id)
    assert stored is not None
    assert (stored.title, stored.body) == (word, draft.body)
    # Over-long words are not index terms, but the article's ordinary words still find it.
    assert store.search("w100").ids == [article_id]


def test_ten_thousand_articles_with_one_title(store: Store) -> None:
    drafts = [
        ArticleDraft(title="Breaking news", body=f"Story {i} body.", source="W", origin=f"{i}")
        for i in range(10_000)
    ]
    assert store.add(drafts).added == 10_000
    assert store.add(drafts).added == 0
    assert store.count() == 10_000
    assert len(store.search("breaking").ids) == 10_000
    rows = store.rows(store.ids())
    assert {row.title for row in rows.values()} == {"Breaking news"}
