"""The seed format: title, blank line, paragraphs; a dateline names the source."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsreader import paths
from newsreader.ingest import ArticleDraft, IngestError
from newsreader.ingest.text import parse_file, parse_text, split_dateline


@pytest.fixture(scope="module")
def seed_article() -> ArticleDraft:
    (seed_file,) = sorted(paths.seeds_dir().glob("*.txt"))
    return parse_file(seed_file)


def test_title_and_source(seed_article: ArticleDraft) -> None:
    assert seed_article.title == (
        "Turkey, Russia Get Closer, Discuss Joint Production of Defense Systems"
    )
    assert seed_article.source == "DESPARDES News Monitor"


def test_shortcode_alone_on_a_line_is_dropped(seed_article: ArticleDraft) -> None:
    assert "[the_ad" not in seed_article.body
    assert "2023" not in seed_article.body


def test_bracketed_prose_is_kept(seed_article: ArticleDraft) -> None:
    assert "They [US] are passing the ball" in seed_article.body
    assert "[The US] not delivering them is not an option." in seed_article.body


def test_dateline_removed_but_its_sentence_kept(seed_article: ArticleDraft) -> None:
    assert "DESPARDES" not in seed_article.body
    assert seed_article.body.startswith(
        "Turkish President Recep Tayyip Erdogan said Turkey and Russia would discuss"
    )


def test_summary_is_the_first_paragraph(seed_article: ArticleDraft) -> None:
    first = seed_article.body.split("\n\n")[0]
    assert seed_article.summary == first
    assert seed_article.summary.endswith("local media reported Sunday.")


def test_word_count_and_reading_time(seed_article: ArticleDraft) -> None:
    assert seed_article.word_count == len(seed_article.body.split())
    assert 300 < seed_article.word_count < 400
    assert seed_article.reading_minutes == 2


def test_mid_sentence_shortcode_stays_as_text() -> None:
    draft = parse_text(b"Title\n\nThey said [the_ad id='7'] and left.", "a.txt")
    assert draft.body == "They said [the_ad id='7'] and left."


@pytest.mark.parametrize(
    "paragraph",
    [
        "Mr. Smith - who spoke - said so.",  # sentence punctuation: not a source
        "the wire — lower case is prose",
        "No dash here at all",
    ],
)
def test_prose_is_not_mistaken_for_a_dateline(paragraph: str) -> None:
    assert split_dateline(paragraph) == ("", paragraph)


def test_folder_name_is_the_source_without_a_dateline(tmp_path: Path) -> None:
    folder = tmp_path / "Reuters"
    folder.mkdir()
    (folder / "a.txt").write_text("A title\n\nPlain body.\n")
    assert parse_file(folder / "a.txt").source == "Reuters"


def test_title_only_and_hard_wrapped_title() -> None:
    only = parse_text(b"Only a title\n", "a.txt")
    assert (only.title, only.body, only.summary, only.word_count) == ("Only a title", "", "", 0)
    wrapped = parse_text(b"The title\nbody straight after\nwrapped line", "a.txt")
    assert wrapped.title == "The title"
    assert wrapped.body == "body straight after wrapped line"


@pytest.mark.parametrize("data", [b"", b"   \n\t \n\n  ", "\u200b\u202e\n\n".encode(), b"\x1b[2J"])
def test_documents_without_text_are_refused(data: bytes) -> None:
    with pytest.raises(IngestError, match=r"empty|no title"):
        parse_text(data, "a.txt")


def test_markdown_heading_title() -> None:
    draft = parse_text(b"# A heading\n\n- one\n- two\n\nText.", "a.md")
    assert draft.title == "A heading"
    assert draft.body == "- one\n- two\n\nText."
    with pytest.raises(IngestError, match="no title"):
        parse_text(b"#\n\nbody", "a.md")
