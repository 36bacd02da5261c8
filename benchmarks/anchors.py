"""Anchors: other ways to search the same corpus with the same queries, for ratios and quality.

- fzf --filter: a fast fuzzy finder used the way shell scripts use it (one process per query,
  reading the lines file). Given `id<TAB>title<TAB>source<TAB>first FZF_BODY_CHARS of the body`
  and told to match fields 2.. only, so it searches bodies too (but only their start: full
  bodies would make it far slower and hide nothing about our speed).
- SQLite FTS5: exact words (diacritics folded), the last word as a prefix (`*`) unless the query
  ends in a space, ranked by bm25 with title 10 > source 5 > body 1, prefix indexes on 2 and 3
  characters. Built once per size in its own DB and cached.
- rapidfuzz: `process.extract(query, titles, scorer=WRatio, limit=20)` over every title, with
  titles pre-processed once by `utils.default_process` (lower case, punctuation stripped),
  which is what `processor=default_process` would do per call.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process, utils

from benchmarks.corpus import CACHE, GENERATOR_VERSION, read_corpus, size_label
from benchmarks.queries import typed

FZF_BODY_CHARS = 500
FZF = shutil.which("fzf") or ("/usr/bin/fzf" if Path("/usr/bin/fzf").exists() else None)
_PART = re.compile(r"[^\W_]+")


def fzf_version() -> str | None:
    if FZF is None:
        return None
    out = subprocess.run([FZF, "--version"], capture_output=True, text=True, check=False)
    return out.stdout.strip() or None


def fzf_lines(corpus: Path, n: int) -> Path:
    """The cached fzf input file for a corpus."""
    path = CACHE / f"fzf-{size_label(n)}-g{GENERATOR_VERSION}-b{FZF_BODY_CHARS}.txt"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8") as fh:
            for i, a in enumerate(read_corpus(corpus)):
                body = " ".join(a.body[:FZF_BODY_CHARS].split())
                fh.write(f"{i}\t{a.title}\t{a.source}\t{body}\n")
        tmp.replace(path)
    return path


def fzf_query(text: str) -> str:
    """fzf has no phrase syntax: quotes are dropped, the words stay (AND of fuzzy terms)."""
    return text.replace('"', "")


def fzf_time(lines: Path, text: str) -> float:
    assert FZF is not None
    with lines.open("rb") as fh:
        t = time.perf_counter()
        subprocess.run(
            [FZF, "--filter", fzf_query(text), "--delimiter", "\t", "--nth", "2.."],
            stdin=fh,
            stdout=subprocess.DEVNULL,
            check=False,
        )
        return time.perf_counter() - t


def fzf_top(lines: Path, text: str, limit: int = 20) -> list[int]:
    assert FZF is not None
    with lines.open("rb") as fh:
        out = subprocess.run(
            [FZF, "--filter", fzf_query(text), "--delimiter", "\t", "--nth", "2.."],
            stdin=fh,
            capture_output=True,
            check=False,
        )
    ids = []
    for line in out.stdout.split(b"\n", limit)[:limit]:
        if line:
            ids.append(int(line.split(b"\t", 1)[0]))
    return ids


class Fts5:
    """An FTS5 copy of the corpus; rowid = corpus index + 1 (the store's ids)."""

    def __init__(self, corpus: Path, n: int) -> None:
        self.path = CACHE / f"fts5-{size_label(n)}-g{GENERATOR_VERSION}.db"
        self.build_s: float | None = None
        if not self.path.exists():
            self.build_s = self._build(corpus)
        self.db = sqlite3.connect(self.path)

    def _build(self, corpus: Path) -> float:
        tmp = self.path.with_suffix(".tmp")
        tmp.unlink(missing_ok=True)
        db = sqlite3.connect(tmp)
        t = time.perf_counter()
        db.execute(
            "CREATE VIRTUAL TABLE doc USING fts5(title, source, body, "
            "tokenize='unicode61 remove_diacritics 2', prefix='2 3')"
        )
        rows = ((i + 1, a.title, a.source, a.body) for i, a in enumerate(read_corpus(corpus)))
        db.executemany("INSERT INTO doc(rowid, title, source, body) VALUES (?,?,?,?)", rows)
        db.commit()
        elapsed = time.perf_counter() - t
        db.close()
        tmp.replace(self.path)
        return elapsed

    @staticmethod
    def match(text: str) -> str | None:
        """Our query syntax as an FTS5 MATCH: every word a phrase of its parts, last one `*`."""
        prefix = bool(text) and not text[-1].isspace()
        terms: list[str] = []
        for m in re.finditer(r'"([^"]*)"?|(\S+)', text):
            phrase, word = m.groups()
            parts = _PART.findall(typed(phrase if phrase is not None else word))
            if parts:
                terms.append('"' + " ".join(parts) + '"')
        if not terms:
            return None
        if prefix and not text.rstrip().endswith('"'):
            terms[-1] += "*"
        return " ".join(terms)

    def search(self, text: str, limit: int = 20) -> list[int]:
        match = self.match(text)
        if match is None:
            return []
        rows = self.db.execute(
            "SELECT rowid FROM doc WHERE doc MATCH ? ORDER BY bm25(doc, 10.0, 5.0, 1.0) LIMIT ?",
            (match, limit),
        )
        return [r[0] for r in rows]

    def count(self, text: str) -> int:
        match = self.match(text)
        if match is None:
            return 0
        row = self.db.execute("SELECT count(*) FROM doc WHERE doc MATCH ?", (match,)).fetchone()
        return int(row[0])

    def close(self) -> None:
        self.db.close()


class Titles:
    """rapidfuzz over every title (pre-processed once)."""

    def __init__(self, titles: Iterable[str]) -> None:
        self.choices = [utils.default_process(t) for t in titles]

    def search(self, text: str, limit: int = 20) -> list[int]:
        found = process.extract(
            utils.default_process(text),
            self.choices,
            scorer=fuzz.WRatio,
            processor=None,
            limit=limit,
        )
        return [i + 1 for _, _, i in found]

    def top_many(self, texts: list[str], limit: int = 20) -> list[list[int]]:
        """The same ranking for many queries at once (both cores): for the quality eval only."""
        out: list[list[int]] = []
        queries = [utils.default_process(t) for t in texts]
        for start in range(0, len(queries), 64):
            scores = process.cdist(
                queries[start : start + 64],
                self.choices,
                scorer=fuzz.WRatio,
                processor=None,
                dtype=np.float32,
                workers=-1,
            )
            for row in scores:
                top = (
                    np.argpartition(-row, limit)[:limit]
                    if len(row) > limit
                    else np.arange(len(row))
                )
                top = top[np.lexsort((top, -row[top]))]
                out.append([int(i) + 1 for i in top if row[i] > 0])
        return out
