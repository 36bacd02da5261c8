from newsreader.search.tokens import fold, highlight_spans, query_term, term_sequence, terms


def test_punctuation_inside_words_is_joined_and_split() -> None:
    assert {"s400s", "s", "400s", "f35", "f", "35"} <= terms("S-400s and F-35")


def test_possessive_yields_the_name() -> None:
    assert {"erdogans", "erdogan"} <= terms("Erdogan's plan")


def test_accents_and_case_fold() -> None:
    assert fold("Erdoğan São Paulo ÇA") == "erdogan sao paulo ca"
    assert "erdogan" in terms("ERDOĞAN")


def test_query_terms_join_punctuation() -> None:
    assert query_term("S-400") == "s400"
    assert query_term("F-35") == "f35"
    assert query_term("--") == ""


def test_overlong_tokens_are_not_terms() -> None:
    assert terms("x" * 20_000) == set()


def test_term_sequence_keeps_order() -> None:
    assert term_sequence("Lockheed-Martin built the F-35") == [
        "lockheedmartin",
        "built",
        "the",
        "f35",
    ]


def test_highlight_spans_cover_joined_and_part_matches() -> None:
    text = "The S-400s and Erdogan's F-35"
    spans = highlight_spans(text, {"s400s", "erdogan", "f35"})
    assert [text[a:b] for a, b in spans] == ["S-400s", "Erdogan", "F-35"]


def test_highlight_spans_match_accented_text() -> None:
    text = "President Erdoğan said"
    assert [text[a:b] for a, b in highlight_spans(text, {"erdogan"})] == ["Erdoğan"]
