"""tantivy (0.27, Python bindings) beside the library search: same corpus, same queries.

Set up as someone who knows tantivy would for search-as-you-type with typos:
- one analyzer for title, source and body: simple tokenizer (splits at non-alphanumerics),
  lower case, ASCII folding (`Erdoğan` -> `erdogan`), tokens over 40 bytes dropped;
- per query word a MUST clause; inside it, per field, the exact term scored by BM25 (boosts
  title 3, source 1.5, body 1) OR a fuzzy term query (constant score, well below an exact
  hit: title 1, others 0.3), so exact matches rank by BM25 and typos still match;
- the fuzzy distance is ours (`max_edits`): 0 under 4 letters or with a digit, 1 for 4–7
  letters, 2 from 8; transpositions cost 1; the last word, while still being typed (no
  trailing space), is a prefix (`prefix=True`) — so `e` matches every word starting with e;
- a quoted phrase is a phrase query (on title OR body); a code `s-400` is its parts, each
  a MUST word (the tokenizer splits it the same way);
- `searcher.search(query, limit=20, count=True)`, then the 20 stored ids are read: the top
  of the list and the number of hits, which is what the app shows.
Indexing: 2 threads (the machine's cores), 256 MB heap, one commit, merges waited for;
reading the corpus is timed with it (as for our import).

Runs as a child phase (`python -m benchmarks.child tantivy ...`): its own process and RSS.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import tantivy

from benchmarks.corpus import read_corpus
from benchmarks.queries import typed

FIELDS = {"title": 3.0, "source": 1.5, "body": 1.0}
FUZZY_BOOST = {"title": 1.0, "source": 0.3, "body": 0.3}
LIMIT = 20
_PART = re.compile(r"[^\W_]+")
_TOKEN = re.compile(r'"([^"]*)"?|(\S+)')


def distance(word: str) -> int:
    """Our typo budget (newsreader.search.index.max_edits), without its corpus look-up."""
    if any(ch.isdigit() for ch in word) or len(word) < 4:
        return 0
    return 1 if len(word) < 8 else 2


class Tantivy:
    def __init__(self, folder: Path) -> None:
        b = tantivy.SchemaBuilder()
        b.add_unsigned_field("id", stored=True, indexed=False)
        for name in FIELDS:
            b.add_text_field(name, stored=False, tokenizer_name="folded")
        self.schema = b.build()
        self.index = tantivy.Index(self.schema, path=str(folder))
        analyzer = (
            tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
            .filter(tantivy.Filter.remove_long(40))
            .filter(tantivy.Filter.lowercase())
            .filter(tantivy.Filter.ascii_fold())
            .build()
        )
        self.index.register_tokenizer("folded", analyzer)
        self.searcher: Any = None

    def build(self, corpus: Path) -> tuple[int, float]:
        """Index the corpus; (documents, seconds)."""
        t = time.perf_counter()
        writer = self.index.writer(heap_size=256_000_000, num_threads=min(2, os.cpu_count() or 1))
        n = 0
        for i, a in enumerate(read_corpus(corpus)):
            writer.add_document(
                tantivy.Document(id=i + 1, title=a.title, source=a.source, body=a.body)
            )
            n += 1
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        self.searcher = self.index.searcher()
        return n, time.perf_counter() - t

    def _word(self, word: str, prefix: bool) -> Any:
        edits = distance(word)
        clauses = []
        for field, boost in FIELDS.items():
            exact = tantivy.Query.term_query(self.schema, field, word)
            clauses.append((tantivy.Occur.Should, tantivy.Query.boost_query(exact, boost)))
            if edits or prefix:
                fuzzy = tantivy.Query.fuzzy_term_query(
                    self.schema, field, word, distance=edits, prefix=prefix
                )
                clauses.append(
                    (tantivy.Occur.Should, tantivy.Query.boost_query(fuzzy, FUZZY_BOOST[field]))
                )
        return tantivy.Query.boolean_query(clauses)

    def _phrase(self, parts: list[str]) -> Any:
        return tantivy.Query.boolean_query(
            [
                (
                    tantivy.Occur.Should,
                    tantivy.Query.phrase_query(self.schema, f, list[str | tuple[int, str]](parts)),
                )
                for f in ("title", "body")
            ]
        )

    def query(self, text: str) -> Any | None:
        typing_last = bool(text) and not text[-1].isspace()
        units: list[tuple[list[str], bool]] = []
        for m in _TOKEN.finditer(text):
            phrase, word = m.groups()
            parts = _PART.findall(typed(phrase if phrase is not None else word))
            if parts:
                units.append((parts, phrase is not None))
        if not units:
            return None
        must = []
        for u, (parts, quoted) in enumerate(units):
            if quoted and len(parts) > 1:
                must.append((tantivy.Occur.Must, self._phrase(parts)))
                continue
            for p, part in enumerate(parts):
                last = typing_last and not quoted and u == len(units) - 1 and p == len(parts) - 1
                must.append((tantivy.Occur.Must, self._word(part, last)))
        return tantivy.Query.boolean_query(must)

    def search(self, text: str) -> tuple[list[int], int]:
        """The top ids and the number of hits."""
        q = self.query(text)
        if q is None:
            return [], 0
        result = self.searcher.search(q, limit=LIMIT, count=True)
        ids = [self.searcher.doc(addr)["id"][0] for _, addr in result.hits]
        return ids, result.count


def phase(args: dict[str, Any]) -> dict[str, Any]:
    """Build, then the latency pass in order and the eval ranks (args as for `search`)."""
    from benchmarks.child import _rank, peak_rss_mb

    folder = Path(tempfile.mkdtemp(prefix="tantivy-", dir=args.get("tmp")))
    try:
        engine = Tantivy(folder)
        docs, build_s = engine.build(Path(args["corpus"]))
        index_mb = sum(f.stat().st_size for f in folder.iterdir()) / 2**20
        after_build = peak_rss_mb()
        times, hits = [], []
        for text in args["queries"]:
            t = time.perf_counter()
            _, count = engine.search(text)
            times.append(time.perf_counter() - t)
            hits.append(count)
        evals: dict[str, list[int]] = {}
        for variant, texts in args["eval"].items():
            evals[variant] = [
                _rank(engine.search(text)[0], target + 1)
                for text, target in zip(texts, args["eval_targets"], strict=True)
            ]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {
        "version": str(getattr(tantivy, "__version__", "?")).split(",")[0],
        "docs": docs,
        "build_s": build_s,
        "index_mb": index_mb,
        "times": times,
        "hits": hits,
        "eval": evals,
        "rss_after_build": after_build,
        **peak_rss_mb(),
    }
