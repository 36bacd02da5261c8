"""Stories: coverage of one story grouped as it is saved, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.stories_eval import drafts, generate, pair_scores
from newsreader.cli import main
from newsreader.ingest import ArticleDraft
from newsreader.store.feeds import add_feed
from newsreader.store.store import Store
from newsreader.stories.groups import (
    group_hits,
    group_list,
    list_stories,
    mark_story_read,
    regroup,
    story_ids,
    story_members,
)

WIRE = (
    "The central bank raised its benchmark interest rate by a quarter point on Tuesday, "
    "citing persistent inflation in housing and services. Governor Maria Lindqvist told "
    "reporters the board expected further tightening before the summer recess. Bond yields "
    "climbed sharply after the announcement while the currency gained against the dollar. "
    "Economists polled last week had predicted a pause, noting slowing retail sales figures. "
    "Opposition lawmakers criticised the decision, warning mortgage holders faced painful "
    "monthly payments. The next policy meeting is scheduled for early June in Stockholm."
)
OTHER = (
    "The central bank published minutes showing board members split over housing policy. "
    "Deputy governor Erik Sandberg argued commercial property lending deserved closer "
    "supervision, while two colleagues favoured waiting for quarterly stress tests. Shares "
    "of regional lenders fell modestly in afternoon trading. Lindqvist is due to testify "
    "before parliament's finance committee next month about bank capital requirements."
)


def _draft(title: str, body: str, source: str, hours: float = 0) -> ArticleDraft:
    when = datetime(2026, 3, 1, tzinfo=UTC) + timedelta(hours=hours)
    return ArticleDraft(title=title, body=body, source=source, origin="t", published_at=when)


def _partition(store: Store) -> set[frozenset[int]]:
    ids = store.ids()
    stories = story_ids(store, ids)
    by: dict[int, set[int]] = {}
    for i in ids:
        by.setdefault(stories.get(i, i), set()).add(i)
    return {frozenset(members) for members in by.values()}


def test_the_small_evaluation_meets_the_floors_and_a_rebuild_groups_alike(store: Store) -> None:
    """Fixed seed, ~150 articles in batches of 7: a real check of precision and recall, and
    that regrouping everything gives the very groups the batches made."""
    items = generate(topics=5, stories_per_topic=8, seed=3)
    store.add(drafts(items), batch=7)
    ids = sorted(store.ids())
    assert len(ids) == len(items)
    stories = story_ids(store, ids)
    precision, recall, true_pairs, _ = pair_scores(
        [i.story for i in items], [stories.get(i, i) for i in ids]
    )
    assert true_pairs > 50
    assert precision >= 0.95 and recall >= 0.85, (precision, recall)
    before = _partition(store)
    regroup(store)
    assert _partition(store) == before


def test_copies_are_grouped_and_other_coverage_of_the_topic_is_not(store: Store) -> None:
    sentences = WIRE.split(". ")
    excerpt = ". ".join(sentences[:4]) + "."
    reordered = ". ".join(sentences[3:] + sentences[:3])
    store.add(
        [
            _draft("Bank raises rates again", WIRE, "Wire"),
            _draft("Rates up a quarter point", f"STOCKHOLM (Daily) — {reordered}", "Daily", 5),
            _draft("Central bank lifts rates", excerpt, "Feed", 9),
            _draft("Bank minutes show split", OTHER, "Wire", 10),
        ]
    )
    first, second, third, other = sorted(store.ids())
    assert _partition(store) == {frozenset({first, second, third}), frozenset({other})}
    [group] = list_stories(store)
    assert group.story == first and group.members == (first, second, third)
    assert group.sources == ("Wire", "Daily", "Feed")


def test_copies_far_apart_in_time_are_separate_stories(store: Store) -> None:
    store.add([_draft("Rates", WIRE, "A"), _draft("Rates", WIRE + " Later.", "B", 24 * 30)])
    assert list_stories(store) == []


def test_the_list_shows_one_row_per_story_represented_by_its_earliest(store: Store) -> None:
    store.add(
        [
            _draft("Bank raises rates", WIRE, "A", 0),
            _draft("Minutes", OTHER, "B", 1),
            _draft("Rates rise", WIRE.replace("Tuesday", "Monday"), "C", 2),
        ]
    )
    first, minutes, copy = sorted(store.ids())
    rows = group_list(store, store.ids())  # newest first: the copy, then the minutes
    assert [(g.members, g.more) for g in rows] == [((first, copy), 1), ((minutes,), 0)]
    assert rows[0].representative == first and rows[0].sources == ("A", "C")
    # A filter that hides a member hides it in its group too.
    assert [g.members for g in group_list(store, [copy, minutes])] == [(copy,), (minutes,)]
    # Search: the best hit represents its story, which comes once, at that hit's rank.
    hits = group_hits(store, [copy, minutes, first])
    assert [g.members for g in hits] == [(copy, first), (minutes,)]
    assert hits[0].representative == copy


def test_marking_a_story_read_marks_every_member_and_nothing_else(store: Store) -> None:
    store.add(
        [_draft("A", WIRE, "A"), _draft("B", WIRE + " More.", "B", 1), _draft("C", OTHER, "C")]
    )
    first, copy, other = sorted(store.ids())
    assert story_members(store, copy) == [first, copy] == story_members(store, first)
    assert mark_story_read(store, first) == 2
    rows = store.rows([first, copy, other])
    assert (rows[first].is_read, rows[copy].is_read, rows[other].is_read) == (True, True, False)
    assert story_members(store, other) == [other]


def test_an_entry_whose_text_changed_leaves_its_story(store: Store) -> None:
    feed = add_feed(store, "https://feed.example/rss")
    entry = replace(_draft("R", WIRE, "F", 2), guid="g1")
    store.add([_draft("Rates", WIRE + " Extra.", "W")])
    store.add([entry], feed_id=feed)
    assert len(list_stories(store)) == 1
    changed = replace(entry, body=OTHER)
    assert store.add([changed], feed_id=feed).updated == 1
    assert list_stories(store) == []  # a group of one is no group
    assert store.add([entry], feed_id=feed).updated == 1
    assert len(list_stories(store)) == 1


def test_the_cli_lists_stories_and_carries_story_ids(store: Store) -> None:
    store.add(
        [_draft("A", WIRE, "A"), _draft("B", WIRE + " More.", "B", 1), _draft("C", OTHER, "C")]
    )
    first, copy, other = sorted(store.ids())
    runner = CliRunner()
    args = ["--db", store.url]
    listed = runner.invoke(main, [*args, "list", "--json"])
    assert listed.exit_code == 0, listed.output
    stories = {r["id"]: r["story"] for r in map(json.loads, listed.output.splitlines())}
    assert {i: stories[i] for i in (first, copy, other)} == {
        first: first,
        copy: first,
        other: other,
    }
    found = runner.invoke(main, [*args, "search", "--json", "central bank"])
    assert {json.loads(line)["story"] for line in found.output.splitlines()} <= {first, other}
    out = runner.invoke(main, [*args, "stories", "--json"])
    assert out.exit_code == 0, out.output
    [record] = map(json.loads, out.output.splitlines())
    assert record["story"] == first and [m["id"] for m in record["members"]] == [first, copy]
    assert runner.invoke(main, [*args, "stories", "--since", "2026-03-02"]).output == ""
    rebuilt = runner.invoke(main, [*args, "stories", "--rebuild"])
    assert rebuilt.exit_code == 0 and f"story {first}: 2 articles" in rebuilt.output
    bad = runner.invoke(main, [*args, "stories", "--since", "yesterday"])
    assert bad.exit_code == 2 and "Traceback" not in bad.output


def test_a_store_of_the_version_before_groups_its_articles_on_upgrade(tmp_path: object) -> None:
    from sqlalchemy import create_engine

    from newsreader.store.schema import STEPS, _add_stories

    url = f"sqlite:///{tmp_path}/old.db"
    store = Store(url)
    store.add([_draft("A", WIRE, "A"), _draft("B", WIRE + " More.", "B", 1)])
    store.close()
    engine = create_engine(url)
    with engine.begin() as conn:
        for table in ("story_member", "story_signature", "story_band"):
            conn.exec_driver_sql(f"DROP TABLE {table}")
        conn.exec_driver_sql(
            f"UPDATE meta SET value = '{STEPS.index(_add_stories)}' WHERE key = 'schema_version'"
        )
    engine.dispose()
    store = Store(url)
    assert len(list_stories(store)) == 1
    store.close()


def test_a_store_grouped_with_the_keys_before_is_grouped_again_on_upgrade(tmp_path: object) -> None:
    """Version 9's band keys (two-row bands) find nothing now: the step after regroups."""
    from sqlalchemy import create_engine

    from newsreader.store.schema import STEPS, _regroup_stories

    url = f"sqlite:///{tmp_path}/old.db"
    store = Store(url)
    store.add([_draft("A", WIRE, "A"), _draft("B", WIRE + " More.", "B", 1)])
    store.close()
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM story_member")
        conn.exec_driver_sql("INSERT INTO story_band (key, article_id) VALUES (12345, 1)")
        conn.exec_driver_sql(
            f"UPDATE meta SET value = '{STEPS.index(_regroup_stories)}'"
            " WHERE key = 'schema_version'"
        )
    engine.dispose()
    store = Store(url)
    assert len(list_stories(store)) == 1
    with store.writing() as conn:
        assert (
            conn.exec_driver_sql("SELECT count(*) FROM story_band WHERE key = 12345").scalar() == 0
        )
    store.close()


def test_signatures_do_not_depend_on_the_batch_or_sentence_order() -> None:
    from newsreader.stories.signature import sign

    sentences = WIRE.split(". ")
    shuffled = ". ".join(sentences[i] for i in np.random.default_rng(1).permutation(len(sentences)))
    alone = sign([WIRE])
    batch = sign([OTHER, "\x01 x", WIRE, "", shuffled])
    assert batch.which == [0, 2, 4]
    assert (batch.sigs[1] == alone.sigs[0]).all()
    assert (batch.shingles(2) == alone.shingles(0)).all()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(min_size=0, max_size=400), min_size=1, max_size=6), st.integers(0, 5))
def test_one_body_never_changes_another_bodys_signature(bodies: list[str], at: int) -> None:
    """Whatever the other bodies of a batch hold (joining bytes, odd scripts, huge words),
    a body's shingles and signature are the ones it has alone."""
    from newsreader.stories.signature import sign

    body = " ".join(["Reporters said the long awaited summit opened in Geneva today."] * 3)
    batch = [*bodies[:at], body, *bodies[at:]]
    alone, together = sign([body]), sign(batch)
    n = together.which.index(min(at, len(bodies)))
    assert (together.sigs[n] == alone.sigs[0]).all()
    assert (together.shingles(n) == alone.shingles(0)).all()


def test_a_short_article_does_not_join_another_story_by_its_sources_footer(store: Store) -> None:
    """The class: boilerplate (a source's footer, stock sentences) shared with candidates of
    different stories is left out, so a short article is matched on its own words. (The two
    earlier ones are three weeks apart: each is a story of its own.)"""
    footer = (
        " Copyright Wire all rights reserved. Sign up for the Wire morning briefing newsletter "
        "to get the top stories delivered to your inbox every weekday morning."
    )
    texts = (
        "Harbour pilots ended their strike after ministers promised new tugboat crews.",
        "Snowfall closed mountain passes overnight and stranded hundreds of lorry drivers.",
        "Museum curators unveiled restored medieval tapestries depicting royal hunting scenes.",
    )
    store.add(
        [
            _draft("Strike ends", texts[0] + footer, "Wire", 0),
            _draft("Snow", texts[1] + footer, "Wire", 24 * 21),
            _draft("Tapestries", texts[2] + footer, "Wire", 24 * 10),
        ]
    )
    assert list_stories(store) == []


def test_choose_leaves_out_what_is_shared_with_several_stories() -> None:
    from newsreader.stories.grouping import Candidate, choose

    boiler = np.arange(100, 120, dtype=np.uint64)
    own = np.arange(1000, 1008, dtype=np.uint64)
    article = np.union1d(boiler, own)
    a = Candidate(1, 1, "x", np.union1d(boiler, np.arange(2000, 2010, dtype=np.uint64)))
    b = Candidate(2, 2, "y", np.union1d(boiler, np.arange(3000, 3010, dtype=np.uint64)))
    assert choose(article, "t", [a, b]) == []
    c = Candidate(3, 3, "z", np.union1d(own, np.arange(4000, 4004, dtype=np.uint64)))
    assert choose(article, "t", [a, b, c]) == [3]
    # Alone, the footer cannot be told from the story: one candidate is judged on all of it.
    assert choose(article, "t", [a]) == [1]
