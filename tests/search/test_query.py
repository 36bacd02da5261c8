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
