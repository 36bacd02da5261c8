"""Keeping the stories' tables in step with the articles: what goes leaves no row behind."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any as A

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from newsreader.ingest import ArticleDraft
from newsreader.store.retention import remove_articles
from newsreader.store.store import Store
from newsreader.stories import signature as S
from newsreader.stories.groups import list_stories
from tests.stories.test_stories import OTHER, WIRE


def _draft(title: str, body: str, source: str, hours: float = 0) -> ArticleDraft:
    when = datetime(2026, 3, 1, tzinfo=UTC) + timedelta(hours=hours)
    return ArticleDraft(title=title, body=body, source=source, origin="t", published_at=when)


def _orphans(store: Store) -> tuple[int, int, int]:
    """(band rows, signature rows, member rows) of articles that are gone, and stories of
    fewer than two members."""
    with store.writing() as conn:
        bands = conn.execute(
            text("SELECT count(*) FROM story_band WHERE article_id NOT IN (SELECT id FROM article)")
        ).scalar_one()
        sigs = conn.execute(
            text(
                "SELECT count(*) FROM story_signature"
                " WHERE article_id NOT IN (SELECT id FROM article)"
            )
        ).scalar_one()
        small = conn.execute(
            text(
                "SELECT count(*) FROM (SELECT story_id FROM story_member"
                " GROUP BY story_id HAVING count(*) < 2) AS s"
            )
        ).scalar_one()
    return bands, sigs, small


def _copies() -> list[ArticleDraft]:
    return [
        _draft("Rates up", WIRE, "Wire", 0),
        _draft("Bank raises rates", WIRE.replace("Tuesday", "Monday"), "Daily", 2),
        _draft("Rates: a quarter point", WIRE + " More follows.", "Post", 3),
        _draft("Minutes", OTHER, "Wire", 5),
    ]


def test_removing_articles_removes_their_band_rows_and_breaks_up_a_lone_story(
    store: Store,
) -> None:
    """The named case: retention deleted the article rows; `story_band` (no foreign key)
    kept theirs, and a story left with one member still had its row."""
    store.add(_copies())
    ids = store.ids()
    assert len(list_stories(store)) == 1
    remove_articles(store, ids[1:3])
    assert _orphans(store) == (0, 0, 0)
    assert list_stories(store) == []


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sets(st.integers(0, 3)))
def test_any_removal_leaves_no_stories_rows_of_gone_articles(store: Store, gone: set[int]) -> None:
    with store.writing() as conn:
        for table in ("story_member", "story_band", "story_signature"):
            conn.execute(text(f"DELETE FROM {table}"))
        conn.execute(text("DELETE FROM article"))
    store.add(_copies())
    ids = store.ids()
    remove_articles(store, [ids[i] for i in gone])
    assert _orphans(store) == (0, 0, 0)
    kept = [i for n, i in enumerate(ids) if n not in gone]
    members = sum(len(s.members) for s in list_stories(store))
    assert members <= len(kept)


def test_an_import_groups_with_the_signatures_its_workers_made(
    store: Store, tmp_path: Path
) -> None:
    from newsreader.importer import import_paths

    for n, (title, body) in enumerate([("Rates up", WIRE), ("Minutes", OTHER), ("Up", WIRE)]):
        (tmp_path / f"{n}.md").write_text(f"# {title}\n\n{body}\n")
    import_paths(store, [tmp_path])
    assert [len(s.members) for s in list_stories(store)] == [2]


@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.permutations(range(5)))
def test_signatures_given_in_any_order_group_as_signing_here_does(order: list[int]) -> None:
    """The writer sorts a batch by id: signatures made by the workers, row for row with
    the drafts, must follow their rows."""
    from sqlalchemy import create_engine

    from newsreader.search.tables import table_of
    from newsreader.stories import signature as S
    from newsreader.stories.keeping import StoryDoc, group_new
    from newsreader.stories.tables import StoryBand, StoryMember, StorySignature

    bodies = [WIRE, OTHER, WIRE + " Later more.", OTHER + " Updated.", "too short"]
    docs = [StoryDoc(10 + order[n], "t", bodies[n], 0.0) for n in range(5)]
    found = []
    for given_ in (None, S.signatures(bodies)):
        engine = create_engine("sqlite://")
        tables = [table_of(t) for t in (StoryMember, StorySignature, StoryBand)]
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE article (id INTEGER PRIMARY KEY)")
            for table in tables:
                table.create(conn)
            group_new(conn, docs, signatures=given_)
            found.append(sorted(conn.exec_driver_sql("SELECT * FROM story_member").all()))
            found.append(sorted(conn.exec_driver_sql("SELECT * FROM story_band").all()))
    assert found[0] == found[2] and found[1] == found[3]
    assert len(found[0]) == 4


def test_signing_ahead_falls_back_to_the_writer_when_no_worker_signs() -> None:
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool

    from newsreader.stories import signature as S

    def done(work: Callable[[A], S.Signatures], arg: A) -> Future[S.Signatures]:
        future: Future[S.Signatures] = Future()
        future.set_result(work(arg))  # as a worker would
        return future

    def broken(work: object, arg: object) -> Future[S.Signatures]:
        future: Future[S.Signatures] = Future()
        future.set_exception(BrokenProcessPool("killed"))
        return future

    made = S.signed_ahead(done, [WIRE, "short"], ["Wire", "Wire"])()
    assert made is not None and made.signed.tolist() == [True, False]
    assert S.signed_ahead(broken, [WIRE], ["Wire"])() is None
    assert S.signed_ahead(None, [WIRE], ["Wire"])() is None


def _done(work: Callable[[A], S.Signatures], arg: A) -> Future[S.Signatures]:
    future: Future[S.Signatures] = Future()
    future.set_result(work(arg))  # as a worker would
    return future


def test_a_rebuild_whose_workers_sign_groups_as_one_that_signs_here(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`stories --rebuild` hands each batch's signing, in halves, to worker processes while
    the batch before is grouped: the groups are those of signing in the writer."""
    from benchmarks.stories_eval import drafts, generate
    from newsreader.stories import keeping

    store.add(drafts(generate(topics=2, stories_per_topic=6, seed=5, events=3)), batch=9)
    monkeypatch.setattr(keeping, "REBUILD_BATCH", 11)  # several batches, odd halves
    monkeypatch.setattr(keeping, "PARALLEL_MIN", 1)
    found = []
    for start in (None, _done):
        with store.writing() as conn:
            keeping.rebuild(conn, start)
            found.append(sorted(conn.exec_driver_sql("SELECT * FROM story_member").all()))
    assert found[0] == found[1] and len(found[0]) > 4


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.integers(-(2**62), 2**62), max_size=10), min_size=1, max_size=6))
def test_a_signatures_blob_gives_back_its_signature_and_event_keys(keys: list[list[int]]) -> None:
    rows = np.zeros((len(keys), 10), dtype=np.int64)
    for n, row in enumerate(keys):
        rows[n, : len(row)] = row
    sigs = np.arange(len(keys) * S.PERMS, dtype=np.uint32).reshape(len(keys), S.PERMS)
    for n, blob in enumerate(S.encode_rows(sigs, rows)):
        assert S.decode(blob).tolist() == sigs[n].tolist()
        assert S.decode_events(blob).tolist() == [k for k in keys[n] if k]
