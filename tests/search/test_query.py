import pytest

from newsreader.search.query import parse_query


def test_words_are_folded_terms() -> None:
    q = parse_query("Lockheed S-400")
    assert q.words == ("lockheed", "s400")
    assert q.prefix_last


def test_trailing_space_ends_the_prefix() -> None:
    assert not parse_query("erdogan ").prefix_last


def test_phrases_and_exclusions() -> None:
    q = parse_query('"lockheed martin" -russia turkey')
    assert q.phrases == (("lockheed", "martin"),)
    assert q.excluded == ("russia",)
    assert q.words == ("turkey",)


def test_unclosed_quote_is_a_phrase_so_far() -> None:
    assert parse_query('"joint produc').phrases == (("joint", "produc"),)


def test_empty_and_punctuation_only_queries_are_empty() -> None:
    assert parse_query("").is_empty
    assert parse_query("  -- !! ").is_empty


# -- qualifiers ---------------------------------------------------------------------------

from datetime import date  # noqa: E402

from newsreader.search.query import Filters, QueryError, parse_date  # noqa: E402


def test_qualifiers_are_filters_not_words() -> None:
    q = parse_query("source:Despardes erdgan is:unread")
    assert q.words == ("erdgan",)
    assert q.filters == Filters(sources=("despardes",), states=frozenset({"unread"}))
    assert not q.lists_only


def test_a_qualifier_alone_lists_without_ranking() -> None:
    q = parse_query("is:starred")
    assert q.is_empty and q.lists_only
    assert q.filters.states == frozenset({"starred"})
    assert not parse_query("").lists_only


def test_dates_and_quoted_values() -> None:
    q = parse_query('after:2019-04-01 before:2020 feed:"Le Monde" -russia')
    assert q.filters.after == date(2019, 4, 1)
    assert q.filters.before == date(2020, 1, 1)
    assert q.filters.feeds == ("le monde",)
    assert q.excluded == ("russia",)
    assert q.words == ()


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("after:2019-13-45", "after:2019-13-45: not a date"),
        ("harbour before:2019-02-30", "before:2019-02-30: not a date"),
        ("after:2019-0", "after:2019-0: not a date"),  # still typing: the app says so
        ("before:x", "before:x: not a date"),
        ("is:bogus", "is:bogus: not a state (use one of is:unread, is:read, is:starred"),
        ("IS:Bogus", "is:Bogus: not a state"),
        ("source:", "source: needs a value"),
        ('feed:""', "feed: needs a value"),
        ('source:"  "', "source: needs a value"),
        ("after:" + "9" * 5000, "characters long; at most 1,000"),
        (" ".join(f"source:s{i}" for i in range(1000)), "characters long; at most 1,000"),
        ("is:read " * 17, "over 16 qualifiers; at most 16"),
        (" ".join(f"w{i}" for i in range(33)), "33 search terms; at most 32"),
        (
            '"' + " ".join(f"w{i}" for i in range(20)) + '" -a -b -c -d -e -f -g -h -i -j -k -l -m',
            "33 search terms",
        ),
    ],
    ids=lambda value: value[:24],
)
def test_a_query_that_cannot_mean_what_it_says_is_refused_with_its_reason(
    text: str, reason: str
) -> None:
    with pytest.raises(QueryError) as raised:
        parse_query(text)
    message = str(raised.value)
    assert reason in message
    assert "\n" not in message and len(message) < 200


def test_a_value_quoted_back_is_one_short_line() -> None:
    with pytest.raises(QueryError) as raised:
        parse_query('is:"un\nread ' + "x" * 100 + '"')
    assert str(raised.value).startswith("is:un read xxx") and "\n" not in str(raised.value)
    assert len(str(raised.value)) < 150


def test_queries_at_the_bounds_run() -> None:
    assert len(parse_query(" ".join(f"w{i}" for i in range(32))).words) == 32
    assert len(parse_query(" ".join(f"source:s{i}" for i in range(16))).filters.sources) == 16


def test_unknown_keys_and_urls_stay_words() -> None:
    assert parse_query("note:this").words == ("notethis",)
    assert parse_query("https://example.com").words == ("httpsexamplecom",)
    assert not parse_query("note:this").filters


def test_prefix_last_ignores_a_trailing_qualifier() -> None:
    assert not parse_query("erdogan is:unread").prefix_last
    assert parse_query("is:unread erdo").prefix_last


def test_parse_date_forms() -> None:
    assert parse_date("2019-04-01") == date(2019, 4, 1)
    assert parse_date("2019-4") == date(2019, 4, 1)
    assert parse_date("2019") == date(2019, 1, 1)
    assert parse_date("2019-02-30") is None
    assert parse_date("19") is None


def test_merging_filters_keeps_every_condition() -> None:
    view = Filters(states=frozenset({"unread"}))
    typed = parse_query("source:ledger is:starred after:2024-01-01 after:2024-02-01").filters
    merged = typed.merged(view)
    assert merged.states == frozenset({"unread", "starred"})
    assert merged.sources == ("ledger",)
    assert merged.after == date(2024, 2, 1)  # the later of two `after:`
    assert not Filters() and bool(view)


# -- any text at all ----------------------------------------------------------------------

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_PIECES = st.sampled_from(
    [
        "source:",
        "feed:",
        "is:",
        "after:",
        "before:",
        "IS:",
        '"',
        "-",
        " ",
        "2019-",
        "13",
        "unread",
        "x",
        "é",
        "\n",
        "\t",
        "\x00",
        "\u202e",
        ":",
        "0",
        "-01",
        "note:",
    ]
)


@given(st.one_of(st.text(max_size=60), st.lists(_PIECES, max_size=40).map("".join)))
def test_any_text_parses_or_is_refused_in_one_line(text: str) -> None:
    try:
        query = parse_query(text)
    except QueryError as error:
        message = str(error)
        assert message and "\n" not in message and "\r" not in message and len(message) < 200
    else:
        assert len(query.words) + len(query.excluded) + sum(map(len, query.phrases)) <= 32
