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

from newsreader.search.query import Filters, parse_date  # noqa: E402


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


def test_partial_or_unknown_values_are_left_out_while_typing() -> None:
    for text in ("after:2019-0", "after:2019-13-01", "is:bogus", "source:", "before:x"):
        q = parse_query(text)
        assert not q.filters, text
        assert q.words == (), text  # never searched as a word either


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
