"""Fuzzing the importer: any bytes, any text; and a generated corpus of malformed files."""

from __future__ import annotations

import codecs
import random
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsreader.importer import import_paths
from newsreader.ingest import ArticleDraft, IngestError
from newsreader.ingest.text import parse_text
from newsreader.store.health import index_coverage
from newsreader.store.store import Store
from tests.core.hostile import CONTROL_CASES, MARKUP_CASES, unsafe_chars


def _parse_or_refuse(data: bytes, origin: str) -> ArticleDraft | None:
    """Only `IngestError` may escape; anything else fails the test by propagating."""
    try:
        return parse_text(data, origin)
    except IngestError as error:
        assert str(error) and "\n" not in str(error)
        return None


def _assert_inert(draft: ArticleDraft) -> None:
    assert draft.title and not unsafe_chars(draft.title, allowed="")
    for text in (draft.body, draft.summary, draft.source):
        assert not unsafe_chars(text)


@given(st.binary(max_size=2000), st.sampled_from(["a.txt", "a.md"]))
def test_any_bytes_parse_or_are_refused(data: bytes, origin: str) -> None:
    draft = _parse_or_refuse(data, origin)
    if draft is not None:
        _assert_inert(draft)


@given(st.text(max_size=2000), st.sampled_from(["utf-8", "utf-16", "utf-16-le", "utf-8-sig"]))
def test_any_text_in_any_encoding_parses_or_is_refused(text: str, encoding: str) -> None:
    draft = _parse_or_refuse(text.encode(encoding, errors="surrogatepass"), "a.txt")
    if draft is not None:
        _assert_inert(draft)


_WORD = st.text(
    st.characters(
        codec="utf-8",
        exclude_categories=("Cc", "Cf", "Cs", "Co", "Zs", "Zl", "Zp"),
        exclude_characters="[]#-–—*+•",
    ),
    min_size=1,
    max_size=12,
)


@given(
    st.lists(_WORD, min_size=1, max_size=8),
    st.lists(st.lists(_WORD, min_size=1, max_size=30), min_size=1, max_size=5),
)
def test_printable_content_survives_parsing_unchanged(
    title: list[str], paragraphs: list[list[str]]
) -> None:
    body = "\n\n".join(" ".join(words) for words in paragraphs)
    draft = parse_text(f"{' '.join(title)}\n\n{body}\n".encode(), "a.txt")
    assert draft.title == " ".join(title)
    assert draft.body == body
    assert draft.word_count == sum(len(words) for words in paragraphs)


def _malformed_corpus(rng: random.Random) -> dict[str, bytes]:
    """Files a hostile or broken source could hand us, built fresh for every run."""
    hostile = " ".join(raw for raw, _ in CONTROL_CASES) + " " + " ".join(MARKUP_CASES)
    text = "Title " + hostile + "\n\n" + "Body words " + hostile + "\n"
    corpus = {
        "empty.txt": b"",
        "only-bom.txt": codecs.BOM_UTF8,
        "only-nuls.txt": bytes(500),
        "only-newlines.txt": b"\n" * 1000,
        "only-controls.txt": bytes(range(1, 32)) * 20,
        "only-escapes.txt": b"\x1b[31m\x1b]0;x\x07\x1b[2J" * 100,
        "hostile-utf8.txt": text.encode(),
        "hostile-utf16.txt": text.encode("utf-16"),
        "hostile-latin1.txt": text.encode("latin-1", errors="replace") + b"\x81\x9b31m",
        "truncated-utf8.txt": "Ünïcödé title\n\nbody ✓".encode()[:-1],
        "overlong-utf8.txt": b"Title\n\n\xc0\xaf\xe0\x80\xaf body",
        "surrogates.txt": b"Title \xed\xa0\x80\n\nbody \xed\xbf\xbf",
        "odd-utf16.txt": "Title\n\nbody".encode("utf-16-le") + b"\x00",
        "lone-surrogate-utf16.txt": codecs.BOM_UTF16_LE + b"T\x00\x00\xd8\n\x00\n\x00b\x00",
        "nul-after-4k.txt": b"Title\n\n" + b"a " * 3000 + b"\x00\x00\x00binary tail",
        "pdf.txt": b"%PDF-1.5\n" + bytes(rng.randrange(256) for _ in range(300)),
        "zip.md": b"PK\x03\x04" + bytes(rng.randrange(256) for _ in range(300)),
        "cr-only.txt": b"Title\r\rbody line\roverwrite",
        "long-line.txt": b"T\n\n" + b"z" * 50_000,
        "deep-brackets.md": b"# " + b"[" * 5000 + b"\n\n" + b"]" * 5000,
        "many-paragraphs.txt": b"T\n\n" + b"p\n\n" * 20_000,
        "shortcodes-only.txt": b"[the_ad id='1']\n\n[/caption]\n\n[gallery ids=1]",
    }
    for i in range(150):  # random bytes, biased towards text-ish ones
        size = rng.choice([1, 2, 3, 10, 100, 1000, 5000])
        alphabet = rng.choice([range(256), range(32, 127), [0x1B, 0x5B, 0x5D, 0x07, 0x9B, 0x0A]])
        corpus[f"random-{i}.txt"] = bytes(rng.choice(alphabet) for _ in range(size))
    return corpus


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_importer_survives_a_corpus_of_malformed_files(tmp_path: Path, seed: int) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    corpus = _malformed_corpus(random.Random(seed))
    for name, data in corpus.items():
        (folder / name).write_bytes(data)
    store = Store(f"sqlite:///{tmp_path / 'store.db'}")
    try:
        report = import_paths(store, [folder])
        assert report.added + report.unchanged + len(report.skipped) == len(corpus)
        assert report.added > 20 and len(report.skipped) > 20  # the corpus has both kinds
        assert all(reason and "\n" not in reason for _, reason in report.skipped)
        for article_id in store.ids():
            article = store.article(article_id)
            assert article is not None
            assert article.title and not unsafe_chars(article.title, allowed="")
            assert not unsafe_chars(article.body)
        with store.engine.connect() as conn:
            coverage = index_coverage(conn)
        assert (coverage.unindexed, coverage.orphans) == ([], [])
    finally:
        store.close()
