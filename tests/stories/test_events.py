"""Close coverage: independent reports of one event are one story; the same people's
other events are not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from newsreader.ingest import ArticleDraft
from newsreader.store.store import Store
from newsreader.stories.events import same_event, terms
from newsreader.stories.groups import list_stories

FOOTER = " Copyright {0} all rights reserved. Read more at {0} Daily, with Reuters and AFP."
A = (
    "Striker Lena Vogt scored twice as Harbor City beat Northfield 3-1 on Saturday before "
    "a crowd of 41,250 at Kessler Park. Coach Tomas Brandt praised his defence, and Vogt "
    "now has 17 goals this season. Northfield, who had won six in a row, fell to fourth."
)
B = (
    "Harbor City won 3-1 against Northfield, with two goals from Lena Vogt, whose tally "
    "rose to 17. The attendance at Kessler Park was 41,250, a record. Brandt said the "
    "team had been patient; Northfield slip to fourth after their winning run ended."
)
NEXT_MATCH = (
    "Harbor City drew 0-0 with Easton Rovers at Kessler Park on Wednesday in front of "
    "38,900 fans. Lena Vogt hit the post twice and coach Tomas Brandt rotated his squad "
    "with 4 changes, resting players before the cup tie. Rovers climb to ninth."
)


def _draft(title: str, body: str, source: str, hours: float) -> ArticleDraft:
    when = datetime(2026, 3, 1, tzinfo=UTC) + timedelta(hours=hours)
    body += FOOTER.format(source)
    return ArticleDraft(title=title, body=body, source=source, origin="t", published_at=when)


def test_independent_reports_of_one_match_are_one_story_and_the_next_match_is_not(
    store: Store,
) -> None:
    store.add(
        [
            _draft("Vogt double as Harbor City beat Northfield 3-1", A, "Courier", 0),
            _draft("Harbor City 3 Northfield 1: Vogt hits 17", B, "Gazette", 5),
            _draft("Harbor City held 0-0 by Easton Rovers as Vogt hits post", NEXT_MATCH,
                   "Courier", 24 * 4),
        ]
    )  # fmt: skip
    stories = list_stories(store)
    assert len(stories) == 1 and len(stories[0].members) == 2


def test_a_sources_name_is_no_event_term() -> None:
    body = "Officials in Vale said 12 people were hurt." + FOOTER.format("Courier")
    assert "courier" not in terms(body, "Courier") and "#12" in terms(body, "Courier")


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from(["Vogt", "Brandt", "Kessler", "Park", "Harbor"]), max_size=8),
    st.lists(st.integers(10, 99), max_size=3),
    st.lists(st.integers(10, 99), max_size=3),
)
def test_reports_sharing_no_figure_are_never_one_event(
    names: list[str], ours: list[int], theirs: list[int]
) -> None:
    """The class: the same people and places, other figures: another event."""
    theirs = [t for t in theirs if t not in ours]
    a = terms("Said " + " met ".join(names + [str(n) for n in ours]))
    b = terms("Said " + " met ".join(names + [str(n) for n in theirs]))
    assert not same_event(a, "Vogt and Brandt", b, "Vogt and Brandt")


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from(["Vogt", "Brandt", "Kessler", "Park", "Harbor"]), max_size=8),
    st.lists(st.sampled_from(["Lindqvist", "Vale", "Northfield"]), max_size=8),
    st.lists(st.integers(10, 99), max_size=4),
)
def test_event_keys_come_from_figures_only(
    ours: list[str], theirs: list[str], figures: list[int]
) -> None:
    """Reports must share two figures to be one event, so names make no candidates: the
    same figures give the same keys whatever the names, and fewer than two figures none."""
    from newsreader.stories.events import keys

    numbers = " met ".join(str(n) for n in figures)
    a = keys(terms(f"Said {' met '.join(ours)} met {numbers}"))
    b = keys(terms(f"Said {' met '.join(theirs)} met {numbers}"))
    assert a == b
    assert (len(a) > 0) == (len(set(figures)) >= 2)


def test_digits_ending_a_word_are_no_figure() -> None:
    """`A320`, `F-35`, `cop29`: a model or an edition names the topic, not the event; a
    figure stands alone (`3-1`, `41,250`, `8.4%`)."""
    from newsreader.stories.events import figures

    found = figures("Said the A320 and F-35 at cop29 won 3-1 before 41,250, up 8.4% in 2024.")
    assert set(found) == {"#3-1", "#41,250", "#8.4%"}
