"""Tokenizing for the index: batches split, joined and analysed by worker processes."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np
import pytest

from newsreader.search import analysis
from newsreader.search.analysis import Analysed, analyse
from newsreader.search.fields import BODY, SOURCE, TITLE
from newsreader.search.postings import group_order
from newsreader.search.tokens import terms
from newsreader.store.store import Store
from tests.conftest import draft
from tests.search.indexed import live_postings

TEXTS = [
    ("Erdogan meets Putin", "Wire", "Talks on the S-400 deal went on."),
    ("Harbour storm", "Coast News", "The storm hit the harbour overnight."),
    ("Erdogan meets Putin", "Wire", "Talks on the S-400 deal went on."),
    ("", "", ""),
    ("Kılıç wins", "Spor", "Kılıç won the final in İzmir."),
]


def postings(a: Analysed) -> list[set[tuple[str, int]]]:
    """Per document: its (term, field bits) pairs."""
    out: list[set[tuple[str, int]]] = [set() for _ in a.identities]
    base = 0
    for piece in a.pieces:
        assert piece.names == sorted(set(piece.names))
        terms = np.repeat(np.arange(len(piece.names)), piece.counts)
        for term, doc, bits in zip(
            terms.tolist(), piece.docs.tolist(), piece.flags.tolist(), strict=True
        ):
            out[base + doc].add((piece.names[term], bits))
        base += piece.size
    assert base == len(out)
    return out


def test_join_and_select_keep_each_documents_terms() -> None:
    whole = analyse(TEXTS)
    joined = Analysed.join([analyse(TEXTS[:2]), analyse(TEXTS[2:3]), analyse(TEXTS[3:])])
    assert postings(joined) == postings(whole)
    assert joined.identities == whole.identities
    assert [p.size for p in joined.pieces] == [2, 1, 2]
    picked = whole.select([1, 4])
    assert postings(picked) == [postings(whole)[1], postings(whole)[4]]
    assert picked.identities == [whole.identities[1], whole.identities[4]]
    assert ("s400", 4) in postings(whole)[0] and ("erdogan", 1) in postings(whole)[0]
    assert postings(whole)[3] == set()


def test_each_documents_terms_and_fields_are_the_tokenizers() -> None:
    texts = [
        *TEXTS,
        ("S-400 and s400", "Wire-Service", "The S-400s, s400 and Erdogan’s"),
        ("ÉCOLE", "École", "école ecole x" + "y" * 40),
    ]
    expected = []
    for title, source, body in texts:
        fields = [(TITLE, terms(title)), (SOURCE, terms(source)), (BODY, terms(body))]
        found = set().union(*(words for _, words in fields))
        expected.append({(t, sum(bit for bit, words in fields if t in words)) for t in found})
    assert postings(analyse(texts)) == expected
    assert ("ecole", TITLE | SOURCE | BODY) in expected[-1]


def test_group_order_is_a_stable_sort_of_32_bit_keys() -> None:
    rng = np.random.default_rng(3)
    for high in (50, 70_000, 2**32 - 1):
        keys = rng.integers(0, high, 5000, dtype=np.uint64).astype(np.uint32)
        assert np.array_equal(group_order(keys), np.argsort(keys, kind="stable"))


@pytest.fixture
def pools(monkeypatch: pytest.MonkeyPatch) -> list[ProcessPoolExecutor]:
    """Small batches go to two worker processes; the pools made are listed."""
    made: list[ProcessPoolExecutor] = []

    class Recorded(ProcessPoolExecutor):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(analysis, "PARALLEL_MIN", 10)
    monkeypatch.setattr(analysis, "workers", lambda: 2)
    monkeypatch.setattr(analysis, "ProcessPoolExecutor", Recorded)
    return made


def test_worker_processes_index_what_the_main_process_would(
    tmp_path: object, pools: list[ProcessPoolExecutor]
) -> None:
    drafts = [
        draft(f"Story {i} on {w}", f"{w} body text {i} with S-{i} codes", source=f"Src{i % 3}")
        for i, w in enumerate(["harbour", "erdogan", "storm", "kilic"] * 15)
    ]
    drafts += drafts[:5]  # duplicates inside the batches are skipped alike
    here = Store(f"sqlite:///{tmp_path}/here.db")
    there = Store(f"sqlite:///{tmp_path}/there.db")
    inline = here.add(drafts, batch=25)
    parallel = there.add(drafts, batch=25, parallel=True)
    assert len(pools) == 1, "the batches did not go to worker processes"
    assert pools[0]._shutdown_thread, "the workers were not stopped when the import ended"
    assert inline == parallel and parallel.added == 60 and parallel.unchanged == 5
    assert live_postings(there) == live_postings(here) != {}
    assert there.search("erdgan").ids == here.search("erdgan").ids != []
