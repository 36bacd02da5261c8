"""A story split in two heals: an article confirmed with members of both halves merges
them, so the grouping does not depend on the order its reports arrive in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from newsreader.ingest import ArticleDraft
from newsreader.store.retention import remove_articles
from newsreader.store.store import Store
from newsreader.stories.groups import list_stories, regroup
from tests.stories.test_stories import OTHER, WIRE

FIRST_HALF = " ".join(WIRE.split(". ")[:4]) + "."
SECOND_HALF = ". ".join(WIRE.split(". ")[4:])
MATCH_A = (
    "Harbor City beat Northfield 3-1 on Saturday before a crowd of 41,250 at Kessler Park, "
    "with Lena Vogt scoring twice. Coach Tomas Brandt praised his defence."
)
MATCH_B = (
    "Lena Vogt now has 17 goals this season after her double for Harbor City against "
    "Northfield, who had won 22 of their last 30 matches. Brandt said the team was patient."
)
MATCH_BOTH = (
    "Harbor City won 3-1 against Northfield at Kessler Park, where 41,250 watched Lena Vogt "
    "score twice to reach 17 goals. Northfield had won 22 of their last 30. Coach Tomas "
    "Brandt praised the defence."
)


def _draft(title: str, body: str, source: str, hours: float) -> ArticleDraft:
    when = datetime(2026, 3, 1, tzinfo=UTC) + timedelta(hours=hours)
    return ArticleDraft(title=title, body=body, source=source, origin="t", published_at=when)


def _sizes(store: Store) -> list[int]:
    return sorted(len(s.members) for s in list_stories(store))


def test_a_copy_containing_two_excerpts_merges_their_stories(store: Store) -> None:
    """The named case: two excerpts of one article share too little to be grouped; the
    whole article, arriving later, contains both, and the three are one story."""
    store.add(
        [
            _draft("Bank raises rates", FIRST_HALF, "Feed", 0),
            _draft("Bank raises rates", SECOND_HALF, "Other feed", 1),
        ]
    )
    assert _sizes(store) == []
    store.add([_draft("Bank raises rates", WIRE, "Wire", 2)])
    assert _sizes(store) == [3]
    regroup(store)
    assert _sizes(store) == [3]


def test_a_report_sharing_figures_with_two_reports_merges_their_stories(store: Store) -> None:
    """The named case for close coverage: two reports of a match name different figures
    (so they are two stories); a third names the figures of both."""
    store.add(
        [
            _draft("Vogt double as Harbor City beat Northfield 3-1", MATCH_A, "Courier", 0),
            _draft("Vogt hits 17 as Harbor City beat Northfield", MATCH_B, "Gazette", 2),
        ]
    )
    assert _sizes(store) == []
    store.add([_draft("Harbor City beat Northfield 3-1, Vogt on 17", MATCH_BOTH, "Post", 4)])
    assert _sizes(store) == [3]


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.permutations(range(6)), st.integers(1, 6))
def test_the_stories_do_not_depend_on_the_order_reports_arrive_in(
    store: Store, order: list[int], batch: int
) -> None:
    """The class: whatever order (and batches) the reports come in, the same partition."""
    with store.writing() as conn:
        for table in ("story_member", "story_band", "story_signature", "article"):
            conn.execute(text(f"DELETE FROM {table}"))
    drafts = [
        _draft("Bank raises rates", FIRST_HALF, "Feed", 0),
        _draft("Bank raises rates", SECOND_HALF, "Other feed", 1),
        _draft("Bank raises rates", WIRE, "Wire", 2),
        _draft("Vogt double as Harbor City beat Northfield 3-1", MATCH_A, "Courier", 0),
        _draft("Vogt hits 17 as Harbor City beat Northfield", MATCH_B, "Gazette", 2),
        _draft("Harbor City beat Northfield 3-1, Vogt on 17", MATCH_BOTH, "Post", 4),
    ]
    store.add([drafts[n] for n in order], batch=batch)
    assert _sizes(store) == [3, 3]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sets(st.integers(0, 40), max_size=3), min_size=1, max_size=40))
def test_an_article_and_every_article_it_matched_end_in_one_story(matches: list[set[int]]) -> None:
    """The class, on the decisions alone: an article and each earlier article it matched
    share a story at the end, named by the earliest article of all those linked."""
    from newsreader.stories.grouping import Stories

    stories = Stories()
    story_of: dict[int, int] = {}
    linked = {k: {k} for k in range(len(matches))}  # the reference: linked sets, merged
    for k, found in enumerate(matches):
        earlier = sorted(i for i in found if i < k)
        story_of[k] = stories.join(k, [story_of[i] for i in earlier])
        for i in earlier:
            merged = linked[k] | linked[i]
            for member in merged:
                linked[member] = merged
    for k in range(len(matches)):
        assert stories.find(story_of[k]) == min(linked[k])


def test_a_wire_story_carried_by_many_sources_stays_one_story(store: Store) -> None:
    """A key many stored articles share is too common to store again (a footer's shingle),
    but copies of one wire story share all their keys: the fortieth copy still joins."""
    copies = [
        _draft("Bank raises rates", f"{WIRE} Reported for outlet number {n}.", f"S{n}", n / 10)
        for n in range(40)
    ]
    store.add(copies, batch=4)
    assert _sizes(store) == [40]


def test_a_digest_holding_two_stories_in_full_does_not_merge_them(store: Store) -> None:
    """A roundup that contains two stories whole contains each of them: it joins one, and
    the two stay apart (a wrong merge hides news)."""
    store.add([_draft("Rates up", WIRE, "Wire", 0), _draft("Rates up", WIRE + " More.", "A", 1)])
    store.add([_draft("Minutes", OTHER, "Wire", 2), _draft("Minutes", OTHER + " More.", "B", 3)])
    store.add([_draft("Bank: rates and minutes", WIRE + " " + OTHER, "Digest", 4)])
    assert _sizes(store) == [2, 3]


def test_a_story_whose_first_article_was_removed_takes_new_copies(store: Store) -> None:
    """Retention removes a story's first article (whose id the story keeps); a later copy
    joins the story, and the batch it came in is saved (no row for the removed founder)."""
    store.add([_draft("Rates up", WIRE, "Wire", 0), _draft("Rates up", WIRE + " More.", "A", 1)])
    store.add([_draft("Rates up", WIRE + " Later.", "B", 2)])
    remove_articles(store, [min(store.ids())])
    store.add([_draft("Rates rise", WIRE + " Update.", "C", 3)])
    assert _sizes(store) == [3]
    assert len(store.ids()) == 3
