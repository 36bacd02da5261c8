"""Ranking, typo tolerance and incremental persistence of the search index."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, select

from newsreader.search.expansion import max_edits
from newsreader.search.postings import Layout
from newsreader.search.query import Query, parse_query
from newsreader.search.ranking import top
from newsreader.search.result import Ranked, SearchCancelled
from newsreader.search.tables import SearchBlock, SearchSegment, table_of
from newsreader.search.text_match import phrase_pattern
from newsreader.search.writer import (
    IndexDoc,
    _Blocks,
    delete_documents,
    index_documents,
    merge_segments,
)
from newsreader.store.models import Article
from newsreader.store.reindex import rebuild_index
from newsreader.store.store import Store
from tests.conftest import draft
from tests.search.indexed import live_postings, small_blocks

DECOYS = [
    draft("Parliament debates the budget", "Members argued over taxes and spending.", day=2),
    draft("Storm hits the northern coast", "Winds reached 120 km/h overnight.", day=3),
    draft("Central bank holds rates", "The bank kept its main rate unchanged.", day=4),
    draft("Erdington council opens library", "A new library opened in Erdington.", day=5),
    draft("Martinique tourism rebounds", "Visitors returned to Martinique this year.", day=6),
]


@pytest.fixture
def corpus(seeded: Store) -> Store:
    seeded.add(DECOYS)
    return seeded


def top_title(store: Store, query: str) -> str:
    result = store.search(query)
    assert result.ids, f"{query!r} found nothing"
    return store.rows(result.ids[:1])[result.ids[0]].title


SEED_TITLE = "Turkey, Russia Get Closer, Discuss Joint Production of Defense Systems"


@pytest.mark.parametrize(
    "query",
    [
        "erdgan",
        "Erdogan",
        "ERDOGAN",
        "s400",
        "S-400",
        "lockheed martn",
        "erdog",
        "f35",
        "turky russia",
        "despardes",
        "joint prodcution",
        "Erdoğan",
    ],
)
def test_typos_prefixes_and_punctuation_find_the_seed(corpus: Store, query: str) -> None:
    assert top_title(corpus, query) == SEED_TITLE


def test_a_prefix_finds_every_word_it_starts(corpus: Store) -> None:
    result = corpus.search("erdo")
    titles = [corpus.rows(result.ids)[i].title for i in result.ids]
    # The title match outranks the body match; both are found.
    assert titles == ["Erdington council opens library", SEED_TITLE]


def test_every_word_must_match(corpus: Store) -> None:
    assert corpus.search("erdogan budget").ids == []
    assert set(corpus.search("the ").ids) == {1, 2, 3, 4}  # not the last two decoys
    assert corpus.search("xyzzy").ids == []


def test_title_beats_body(store: Store) -> None:
    store.add(
        [draft("Quiet day", "The harbour was calm.", day=9), draft("Harbour fire", "Smoke.", day=1)]
    )
    assert top_title(store, "harbour") == "Harbour fire"


def test_exact_beats_typo(store: Store) -> None:
    store.add([draft("Martin returns", day=1), draft("Marten spotted", day=9)])
    assert top_title(store, "martin ") == "Martin returns"


def test_recency_breaks_ties(store: Store) -> None:
    store.add([draft("Floods in the valley", day=1), draft("Floods in the valley again", day=20)])
    result = store.search("floods valley")
    titles = [store.rows(result.ids)[i].title for i in result.ids]
    assert titles == ["Floods in the valley again", "Floods in the valley"]


def test_words_standing_together_rank_higher(store: Store) -> None:
    store.add(
        [
            draft("Report", "Lockheed said nothing. Much later, Martin spoke.", day=20),
            draft("Report", "The Lockheed Martin jets arrived.", day=1),
        ]
    )
    result = store.search("lockheed martin")
    assert "Lockheed Martin jets" in store.texts(result.ids[:1])[result.ids[0]][1]


def test_quoted_phrase_is_exact_and_ordered(corpus: Store) -> None:
    assert corpus.search('"lockheed martin"').ids == [1]
    assert corpus.search('"martin lockheed"').ids == []
    assert corpus.search('"lockhed martin"').ids == []


def test_excluded_words(corpus: Store) -> None:
    assert 1 not in corpus.search("the -erdogan").ids


def test_matched_terms_highlight(corpus: Store) -> None:
    from newsreader.search.tokens import highlight_spans

    result = corpus.search("erdgan s400")
    body = corpus.article(1).body  # type: ignore[union-attr]
    words = {body[a:b] for a, b in highlight_spans(body, result.terms)}
    assert words == {"Erdogan", "S-400"} | ({"S-400s"} & words)


def test_tolerance_depends_on_length() -> None:
    assert [max_edits(w) for w in ("at", "cat", "s400", "spain", "lockheed")] == [0, 1, 0, 1, 2]
    assert max_edits("cat", known=True) == 0  # a real 3-letter word is taken as typed


def test_a_three_letter_typo_of_an_unknown_word_is_forgiven(store: Store) -> None:
    store.add([draft("Pima county budget", day=1), draft("Cat show", day=2)])
    assert top_title(store, "pma ") == "Pima county budget"
    assert top_title(store, "cat ") == "Cat show"
    assert store.search("cta ").ids  # transposed, not a corpus word


def test_letters_without_marks_fold_to_ascii(store: Store) -> None:
    store.add([draft("Kılıç and Łódź talks", "Søren met Æsir fans.")])
    for query in ("kilic", "lodz", "soren", "aesir", "KILIÇ"):
        assert store.search(query).ids == [1], query


def test_rare_terms_outrank_common_ones_a_typo_away(store: Store) -> None:
    common = [draft(f"Tabs report {n}", day=n % 28 + 1) for n in range(30)]
    store.add([draft("Saba election", day=1), *common])
    assert top_title(store, "sabs ") == "Saba election"


def test_new_articles_are_found_without_a_rebuild_and_after_a_restart(
    seeded: Store, tmp_path: Path
) -> None:
    def segments(store: Store) -> list[int]:
        with store.engine.connect() as conn:
            return list(conn.execute(select(SearchSegment.__table__.c.id)).scalars())

    before = segments(seeded)
    assert seeded.search("erdogan").ids == [1]
    seeded.add([draft("Zanzibar spice harvest", "Cloves and nutmeg.")])
    assert seeded.search("zanzbar").ids == [2]  # same process, index refreshed
    assert segments(seeded)[: len(before)] == before  # old segments untouched: no rebuild
    reopened = Store(seeded.url)
    assert segments(reopened) == segments(seeded)  # opening does not rebuild either
    assert reopened.search("zanzbar").ids == [2]
    reopened.close()


def test_other_process_writes_are_seen(seeded: Store) -> None:
    other = Store(seeded.url)
    assert seeded.search("nutmeg").ids == []
    other.add([draft("Spice", "Cloves and nutmeg.")])
    seeded.index.invalidate()
    assert seeded.search("nutmeg").ids == [2]
    other.close()


def test_merging_segments_keeps_results(store: Store) -> None:
    for day in range(1, 25):
        store.add(
            [draft(f"Dispatch number {day}", f"Harbour report {day} from Valparaiso.", day=day)]
        )
    with store.engine.connect() as conn:
        count = conn.execute(select(func.count()).select_from(SearchSegment.__table__)).scalar_one()
    assert count < 24  # tiers of ten were merged
    before = store.search("valparaso").ids
    with store.writing() as conn:
        merge_segments(conn, force=True)
    store.index.invalidate()
    assert store.search("valparaso").ids == before
    assert len(before) == 24
    with store.engine.connect() as conn:
        count = conn.execute(select(func.count()).select_from(SearchSegment.__table__)).scalar_one()
    assert count == 1


def test_reindexed_and_deleted_documents(store: Store) -> None:
    store.add([draft("Old headline", "Alpha text.")])
    with store.writing() as conn:
        index_documents(
            conn, [IndexDoc(1, "New headline", "Wire", "Beta text.", 0.0)], replaces=True
        )
    store.index.invalidate()
    assert store.search("alpha").ids == []
    assert store.search("beta").ids == [1]
    with store.writing() as conn:
        merge_segments(conn, force=True)
    store.index.invalidate()
    assert store.search("alpha").ids == []
    assert store.search("beta").ids == [1]
    with store.writing() as conn:
        delete_documents(conn, [1])
    store.index.invalidate()
    assert store.search("beta").ids == []


def test_a_cancelled_search_stops(corpus: Store) -> None:
    with pytest.raises(SearchCancelled):
        corpus.index.search(parse_query("the"), cancelled=lambda: True)


@pytest.mark.parametrize("text", ["erdogan s-400", "is:unread -erdogan -turkey", '"joint" -x'])
def test_a_query_is_parsed_once(corpus: Store, monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    """The store parses, the index takes the parsed query, and exclusions are a call: the
    text is never parsed again (nor rebuilt into query text and parsed a third time)."""
    calls: list[str] = []

    def counted(typed: str) -> Query:
        calls.append(typed)
        return parse_query(typed)

    for name, module in list(sys.modules.items()):
        if name.startswith("newsreader") and getattr(module, "parse_query", None) is parse_query:
            monkeypatch.setattr(module, "parse_query", counted)
    result = corpus.search(text)
    assert calls == [text] and result.query == text


def test_exclusions_alone_drop_the_articles_holding_the_words(corpus: Store) -> None:
    everything = corpus.search("is:unread").ids
    holding = set(corpus.search('"turkey"').ids)
    assert holding and set(everything) > holding
    assert corpus.search("is:unread -turkey").ids == [i for i in everything if i not in holding]
    assert corpus.index.holding(["turkey", "nosuchterm"]) == holding


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.text(max_size=40), body=st.text(max_size=200))
def test_arbitrary_queries_and_texts_never_raise(store: Store, query: str, body: str) -> None:
    from newsreader.search.query import QueryError

    store.add([draft(body[:30] or "t", body or "b")])
    try:
        result = store.search(query)
    except QueryError as error:  # a qualifier that cannot run (`is:x`): its one-line reason
        assert "\n" not in str(error)
        return
    assert len(result.ids) == len(result.scores)
    assert len(set(result.ids)) == len(result.ids)


def test_a_merge_by_another_process_is_seen_at_once(seeded: Store) -> None:
    """A reader whose snapshot predates another writer's merge must not miss documents
    for words it knows but has not fetched yet, even inside the re-check interval."""
    reader = Store(seeded.url)
    try:
        assert reader.search("erdogan").ids == [1]  # snapshot taken now
        writer = Store(seeded.url)
        writer.add([draft(f"Dispatch {n}", f"Turkey harbour report {n}.") for n in range(12)])
        with writer.writing() as conn:
            merge_segments(conn, force=True)  # every segment the reader knew is gone
        writer.close()
        # No invalidate(): the reader learns of the change from the postings it fetches.
        assert len(reader.search("turkey ").ids) == 13
        assert reader.search("erdogan").ids == [1]
    finally:
        reader.close()


def test_a_long_ranking_sorts_its_tail_when_read(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the head is ranked up front; reading past it gives what a full sort gives."""
    store.add(
        draft(f"Harbour report {i}", "harbour " * (i % 7) + "news", day=1 + i % 20)
        for i in range(60)
    )
    full = store.search("harbour")
    monkeypatch.setattr("newsreader.search.index.HEAD", 5)
    store.index.load()
    lazy = store.search("harbour")
    assert isinstance(lazy.ids, Ranked) and len(lazy.ids) == 60
    assert lazy.ids[:5] == list(full.ids[:5])
    assert lazy.ids[-1] == full.ids[-1]
    assert lazy.ids == full.ids and list(lazy.scores) == list(full.scores)
    assert store.search("harbour", limit=7).ids == list(full.ids[:7])


def test_a_merge_in_small_slices_keeps_every_live_posting(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Merged a few postings at a time (a term's never split), terms spanning several blocks,
    dead documents dropped: the merged index holds exactly the live postings it held."""
    small_blocks(monkeypatch)
    for start in range(0, 40, 10):
        store.add(
            draft(f"Story {i} harbour", f"body {i} storm{i % 4} shared words", day=1 + i % 9)
            for i in range(start, start + 10)
        )
    with store.writing() as conn:
        index_documents(
            conn,
            [IndexDoc(i, f"Rewritten {i}", "Wire", "fresh text", 0.0) for i in (3, 17, 25)],
            replaces=True,
        )
        delete_documents(conn, [8, 30])
    before = live_postings(store)
    monkeypatch.setattr("newsreader.search.writer.MERGE_POSTINGS", 5)
    with store.writing() as conn:
        merge_segments(conn, force=True)
    after = live_postings(store)
    assert after == before and len(before) > 20
    harbour = {doc for doc, _ in before["harbour"]}
    assert 3 not in harbour and 8 not in harbour and 30 not in harbour and 5 in harbour
    with store.engine.connect() as conn:
        (counts,) = conn.execute(select(SearchSegment.__table__.c.counts)).one()
        blocks = conn.execute(select(func.count()).select_from(SearchBlock)).scalar()
    block_of = Layout.of(np.frombuffer(counts, "<u4")).block_of
    assert blocks == block_of[-1] + 1 and 1 < blocks < len(block_of)  # small terms share


@pytest.mark.parametrize("seed", range(5))
def test_blocks_written_in_slices_are_cut_as_the_layout_says(
    store: Store, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    """A merge writes a segment's postings a slice of terms at a time; the blocks must be
    the ones a reader finds terms in, as `Layout.of` computes them from all the counts."""
    small_blocks(monkeypatch, 8)
    rng = np.random.default_rng(seed)
    counts = rng.choice([1, 2, 3, 7, 8, 9, 20], size=60)
    docs = rng.integers(0, 100, int(counts.sum())).astype(np.uint32)
    flags = rng.integers(1, 8, len(docs)).astype(np.uint8)
    cuts = np.sort(rng.choice(np.arange(1, 60), size=6, replace=False))
    with store.writing() as conn:
        blocks = _Blocks(conn, 999, 100)
        ends = np.cumsum(counts)
        for lo, hi in zip([0, *cuts], [*cuts, 60], strict=True):
            start, end = (ends[lo - 1] if lo else 0), ends[hi - 1]
            blocks.add(docs[start:end], flags[start:end], counts[lo:hi])
        blocks.close()
        rows = conn.execute(
            select(SearchBlock.__table__.c.block, SearchBlock.__table__.c.docs)
            .where(SearchBlock.__table__.c.segment_id == 999)
            .order_by(SearchBlock.__table__.c.block)
        ).all()
    starts = Layout.of(counts).block_start
    bounds = [*starts.tolist(), len(docs)]
    assert [r.block for r in rows] == list(range(len(starts)))
    for row, start, end in zip(rows, bounds, bounds[1:], strict=False):
        assert np.array_equal(np.frombuffer(row.docs, "<u2"), docs[start:end])


def test_phrase_pattern_boundaries() -> None:
    pattern = phrase_pattern(("martin", "lockheed"))
    assert pattern.search("a martin-lockheed b") and pattern.search("martin lockheed")
    for text in ("xmartin lockheed", "émartin lockheed", "martin lockheedx", "lockheed martin"):
        assert not pattern.search(text), text
    assert phrase_pattern(("s400", "deal")).search("the s-400 deal")


def test_phrases_match_in_accented_and_plain_text(store: Store) -> None:
    store.add(
        [
            draft("Talks in São Paulo", "Crowds gathered in SÃO PAULO."),
            draft("Sao Paulo votes", "Plain ASCII title."),
            draft("Paulo and Sao", "Reversed: paulo sao."),
            draft("Nearby", "The aSão Paulo typo stays out."),
            draft("Kiev", "Łódź and Gdańsk signed; the łódź gdańsk line."),
        ]
    )
    titles = {row.title for row in store.rows(store.search('"sao paulo"').ids).values()}
    assert titles == {"Talks in São Paulo", "Sao Paulo votes"}
    assert len(store.search('"lodz gdansk"').ids) == 1


def test_the_head_is_what_a_full_stable_sort_puts_first_ties_included() -> None:
    """Scores take few values, so many keys tie at the cut: the head must still be exactly
    the first k of a stable sort, or `--limit` and the app would list different articles."""
    rng = np.random.default_rng(1)
    for _ in range(200):
        keys = rng.integers(0, 5, 3000).astype(np.float64)
        k = int(rng.integers(1, 1000))
        head, rest = top(keys, k)
        full = np.argsort(-keys, kind="stable")
        assert np.array_equal(head, full[:k])
        assert np.array_equal(np.sort(rest), np.sort(full[k:]))


def test_a_rebuild_by_another_process_is_never_read_through_an_old_snapshot(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rebuild deletes every segment: new ones must not take the old ids, or a reader
    would read their blocks through its old term lists and document numbers."""
    store.add([draft(f"alpha {i}", f"body{i} zed") for i in range(3)])
    store.add([draft(f"beta {i}", f"body{i} alpha") for i in range(3, 6)])
    store.add([draft("gamma 6", "gamma")])
    reader = Store(store.url)
    try:
        assert sorted(reader.search("alpha").ids) == [1, 2, 3, 4, 5, 6]  # snapshot taken
        monkeypatch.setattr("newsreader.store.reindex.BATCH", 2)
        with store.writing() as conn:
            conn.execute(delete(table_of(Article)).where(table_of(Article).c.id == 1))
            rebuild_index(conn)
        reader.index._postings.clear()
        assert sorted(reader.search("alpha").ids) == [2, 3, 4, 5, 6]
        assert sorted(reader.search("zed").ids) == [2, 3]
    finally:
        reader.close()
