"""The loader and the text edits of `benchmarks/stories_public` (no corpus needed)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from benchmarks.stories_public import load, parse, sentences, swap_synonyms


def test_parse_title_line_then_paragraphs() -> None:
    text = "Ad sales boost profit\r\n\r\nFirst  line\nof one paragraph.\n\n\n  Second.  \n"
    assert parse(text) == ("Ad sales boost profit", "First line of one paragraph.\n\nSecond.")


def test_load_reads_topic_folders_in_order_and_skips_empty_files(tmp_path: Path) -> None:
    (tmp_path / "tech").mkdir()
    (tmp_path / "sport").mkdir()
    (tmp_path / "sport" / "002.txt").write_text("B title\n\nB body.\n", encoding="utf-8")
    (tmp_path / "sport" / "001.txt").write_text("A title\n\nA body.\n", encoding="utf-8")
    (tmp_path / "tech" / "001.txt").write_text("Only a title\n", encoding="utf-8")
    (tmp_path / "tech" / "notes.md").write_text("Not\n\nan article.\n", encoding="utf-8")
    got = load(tmp_path)
    assert [(a.name, a.title, a.body) for a in got] == [
        ("sport/001.txt", "A title", "A body."),
        ("sport/002.txt", "B title", "B body."),
    ]


def test_sentences_do_not_end_inside_figures_and_keep_closing_quotes() -> None:
    body = 'Profits rose 76% to $1.13bn. "It hurts." He ran 9.87 seconds.\n\nNext.'
    assert sentences(body) == [
        "Profits rose 76% to $1.13bn.",
        '"It hurts."',
        "He ran 9.87 seconds.",
        "Next.",
    ]


def test_synonyms_keep_case_and_count() -> None:
    rng = np.random.default_rng(1)
    assert swap_synonyms(rng, "However the firm said so.", 5) == "But the company stated so."
    assert swap_synonyms(rng, "Nothing to swap here.", 5) == "Nothing to swap here."
    swapped = swap_synonyms(rng, "said " * 10, 3).split()
    assert swapped.count("stated") == 3


TOKENS = ["a", "B", "a.", 'a."', "a.'", "a?", '"B', "(B", "$1.13bn.", "9.87", "\n\n"]


@given(st.lists(st.sampled_from(TOKENS), max_size=40).map(" ".join))
def test_sentences_lose_no_word(body: str) -> None:
    """Splitting only cuts between words: every word comes back, in order."""
    assert " ".join(sentences(body)).split() == body.split()
