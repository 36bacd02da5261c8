"""A deterministic generator of news-like articles, and the on-disk cache of what it made.

Why generate instead of shipping a corpus: 100k real articles are ~400 MB and carry licences;
a seeded generator gives the same corpus on every machine in seconds. What matters for search
is reproduced on purpose: a Zipf vocabulary (function words at the head, a long tail of rare
words that are near neighbours of each other), proper nouns with accents, hyphenated codes
(`S-400`), a few dozen sources, dates over two years, and bodies that repeat the title's
names and words the way real articles do.

Everything heavy is numpy: token ids for all bodies are sampled at once and turned into text
with one object-array gather per article.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from benchmarks import words as W

GENERATOR_VERSION = 1
"""Bump when the generator's output changes: it keys the cache."""
SEED = 20240611
CACHE = Path(__file__).resolve().parent / ".cache"
SIZES = {"1k": 1_000, "10k": 10_000, "100k": 100_000, "1m": 1_000_000}
START = datetime(2023, 1, 1, tzinfo=UTC).timestamp()
SPAN = 730 * 86400.0
CHUNK = 5_000
"""Articles generated per numpy pass: bounds memory without changing the output."""


@dataclass(frozen=True, slots=True)
class Article:
    title: str
    source: str
    body: str
    published: float
    """Seconds since the epoch (UTC)."""

    def to_json(self) -> str:
        return json.dumps(
            {"t": self.title, "s": self.source, "p": self.published, "b": self.body},
            ensure_ascii=False,
        )

    @staticmethod
    def from_json(line: str) -> Article:
        d = json.loads(line)
        return Article(d["t"], d["s"], d["b"], d["p"])


def parse_size(text: str) -> int:
    text = text.strip().lower()
    if text in SIZES:
        return SIZES[text]
    if text.endswith(("k", "m")):
        return int(float(text[:-1]) * (1000 if text.endswith("k") else 1_000_000))
    return int(text)


def size_label(n: int) -> str:
    if n % 1_000_000 == 0:
        return f"{n // 1_000_000}m"
    return f"{n // 1000}k" if n % 1000 == 0 else str(n)


def zipf_weights(n: int, s: float, q: float = 2.7) -> np.ndarray:
    """Zipf–Mandelbrot weights 1/(rank+q)^s, normalised (q flattens the very top, as in text)."""
    w: np.ndarray = 1.0 / np.power(np.arange(1, n + 1, dtype=np.float64) + q, s)
    return np.asarray(w / w.sum())


class _Sampler:
    """Fast repeated draws from a fixed discrete distribution (cumsum + searchsorted)."""

    def __init__(self, weights: np.ndarray) -> None:
        self.cdf = np.cumsum(weights)
        self.cdf[-1] = 1.0

    def __call__(self, rng: np.random.Generator, size: int | tuple[int, ...]) -> np.ndarray:
        return np.searchsorted(self.cdf, rng.random(size), side="right").astype(np.int32)


def _pseudo_words(rng: np.random.Generator, count: int, taken: set[str]) -> list[str]:
    """Pronounceable made-up words for the vocabulary's long tail."""
    onsets = "b c d f g h k l m n p r s t v w z b c d l m n p r s t br ch dr gr pl pr st tr".split()
    onsets += [""] * 3
    vowels = "a e i o u a e i o a e i o ai ea ou".split()
    codas = "n r s t l m nd nt st ng".split() + [""] * 16
    suffixes = "tion ment ness ity ing ed er al ist ous ive able ure ance".split() + [""] * 24
    out: list[str] = []
    seen = set(taken)
    while len(out) < count:
        batch = 4096
        syll = rng.integers(2, 4, batch)
        o = rng.integers(0, len(onsets), (batch, 3))
        v = rng.integers(0, len(vowels), (batch, 3))
        c = rng.integers(0, len(codas), (batch, 3))
        sf = rng.integers(0, len(suffixes), batch)
        for i in range(batch):
            word = "".join(
                onsets[o[i, j]] + vowels[v[i, j]] + codas[c[i, j]] for j in range(syll[i])
            )
            word += suffixes[sf[i]]
            if 4 <= len(word) <= 11 and word not in seen:
                seen.add(word)
                out.append(word)
                if len(out) == count:
                    break
    return out


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _base_form(verb: str) -> str:
    return verb[:-3] + "y" if verb.endswith("ies") else verb[:-1]


def _title_case(title: str) -> str:
    small = {"a", "an", "and", "as", "at", "for", "in", "of", "on", "the", "to", "with", "what"}
    parts = title.split(" ")
    return " ".join(
        p if (i and p in small) or not p[:1].islower() else p[:1].upper() + p[1:]
        for i, p in enumerate(parts)
    )


class Generator:
    """Holds the vocabulary and entity tables; `articles(n)` yields the corpus of size n."""

    def __init__(self, seed: int = SEED) -> None:
        rng = np.random.default_rng(seed)
        real = _unique([*W.STOPWORDS, *W.NEWS_WORDS])
        self.n_stop = len(W.STOPWORDS)
        tail = _pseudo_words(rng, 48_000, set(real))
        self.words: list[str] = real + tail
        n_words = len(self.words)
        pseudo = iter(_pseudo_words(rng, 4_000, set(self.words)))

        people = list(W.FAMOUS_PEOPLE)
        combos = rng.integers(0, [len(W.FIRST_NAMES), len(W.LAST_NAMES)], (6000, 2))
        people += [f"{W.FIRST_NAMES[a]} {W.LAST_NAMES[b]}" for a, b in combos]
        self.people = _unique(people)[:3000]
        self.places = _unique([*W.COUNTRIES, *W.CITIES])
        kinds = ["Holding", "Group", "Systems", "Bank", "Energy", "Motors", "Labs", "Airways"]
        orgs = list(W.ORGANISATIONS)
        orgs += [f"{next(pseudo).capitalize()} {kinds[i % len(kinds)]}" for i in range(800)]
        self.orgs = _unique(orgs)
        letters = "ABCDEFGHJKLMNPRSTVXZ"
        codes = list(W.CODES)
        for _ in range(600):
            a, b = rng.integers(0, len(letters), 2)
            prefix = letters[a] + (letters[b] if rng.random() < 0.6 else "")
            sep = "-" if rng.random() < 0.8 else ""
            codes.append(f"{prefix}{sep}{int(rng.integers(2, 999))}")
        self.codes = _unique(codes)
        self.cities = list(W.CITIES)
        self.city_place = [self.places.index(c) for c in self.cities]

        # One token space: words, then every entity; variants are gathered by offset.
        entities = self.people + self.places + self.orgs + self.codes
        self.ent_base = n_words
        self.off_people = n_words
        self.off_places = self.off_people + len(self.people)
        self.off_orgs = self.off_places + len(self.places)
        self.off_codes = self.off_orgs + len(self.orgs)
        tokens = self.words + entities
        self.n_tokens = len(tokens)
        cap = [t[:1].upper() + t[1:] for t in tokens]
        variants = [
            tokens,
            cap,
            [t + "." for t in tokens],
            [t + ".\n\n" for t in tokens],
            [t + "," for t in tokens],
        ]
        self.variants = np.array([v for vs in variants for v in vs], dtype=object)

        self.body_words = _Sampler(zipf_weights(n_words, 1.07))
        content = n_words - self.n_stop
        self.title_words = _Sampler(zipf_weights(content, 1.0, q=5.0))
        self.pick_person = _Sampler(zipf_weights(len(self.people), 1.0, q=1.0))
        self.pick_place = _Sampler(zipf_weights(len(self.places), 0.9, q=3.0))
        self.pick_city = _Sampler(zipf_weights(len(self.cities), 0.9, q=3.0))
        self.pick_org = _Sampler(zipf_weights(len(self.orgs), 1.0, q=2.0))
        self.pick_code = _Sampler(zipf_weights(len(self.codes), 1.0, q=2.0))
        self.pick_source = _Sampler(zipf_weights(len(W.SOURCES), 0.9, q=1.0))
        self.templates = W.TITLE_TEMPLATES

    def articles(self, n: int, seed: int = SEED) -> Iterator[Article]:
        rng = np.random.default_rng([seed, n])
        for start in range(0, n, CHUNK):
            yield from self._chunk(rng, min(CHUNK, n - start))

    def _chunk(self, rng: np.random.Generator, n: int) -> list[Article]:
        # Entities per article: two people, two countries/places, a city, an org, a code.
        ppl = self.pick_person(rng, (n, 2))
        plc = self.pick_place(rng, (n, 2))
        city = self.pick_city(rng, n)
        org = self.pick_org(rng, n)
        code = self.pick_code(rng, n)
        source = self.pick_source(rng, n)
        dates = START + rng.random(n) * SPAN
        template = rng.integers(0, len(self.templates), n)
        tword = self.title_words(rng, (n, 6)) + self.n_stop
        verb = rng.integers(0, len(W.HEAD_VERBS), (n, 2))
        titlecase = rng.random(n) < 0.5

        titles: list[str] = []
        topics = np.full((n, 11), -1, dtype=np.int64)
        for i in range(n):
            used: list[int] = []
            k = 0

            def word(i: int = i, used: list[int] = used) -> str:
                nonlocal k
                w = int(tword[i, k % 6])
                k += 1
                used.append(w)
                return self.words[w]

            fill = {
                "P": self.people[ppl[i, 0]],
                "P2": self.people[ppl[i, 1]],
                "C": self.places[plc[i, 0]],
                "C2": self.places[plc[i, 1]],
                "X": self.cities[city[i]],
                "O": self.orgs[org[i]],
                "K": self.codes[code[i]],
                "v": _base_form(W.HEAD_VERBS[verb[i, 0]]),
                "v3": W.HEAD_VERBS[verb[i, 1]],
            }
            text = self.templates[template[i]]
            parts = text.split("{")
            pieces = [parts[0]]
            for part in parts[1:]:
                key, rest = part.split("}", 1)
                pieces.append((word() if key == "n" else fill[key]) + rest)
            title = "".join(pieces)
            title = _title_case(title) if titlecase[i] else title[:1].upper() + title[1:]
            titles.append(title)
            row = [
                self.off_people + ppl[i, 0],
                self.off_people + ppl[i, 1],
                self.off_places + plc[i, 0],
                self.off_places + plc[i, 1],
                self.off_places + self.city_place[city[i]],
                self.off_orgs + org[i],
                self.off_codes + code[i],
                *used[:4],
            ]
            topics[i, : len(row)] = row

        # Bodies: Zipf tokens, with the article's names and title words mentioned throughout.
        lengths = rng.integers(300, 901, n)
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        total = int(lengths.sum())
        toks = self.body_words(rng, total).astype(np.int64)
        mentions = np.maximum(4, (lengths / 45).astype(np.int64))
        art = np.repeat(np.arange(n), mentions)
        valid = (topics >= 0).sum(axis=1)
        col = (rng.random(len(art)) * valid[art]).astype(np.int64)
        pos = starts[art] + (rng.random(len(art)) * lengths[art]).astype(np.int64)
        toks[pos] = topics[art, col]

        # Sentence and paragraph punctuation as variant offsets into `self.variants`.
        variant = np.zeros(total, dtype=np.int64)
        variant[rng.random(total) < 0.06] = 4
        ends = np.cumsum(rng.integers(8, 29, total // 8 + 2))
        ends = ends[ends < total] - 1
        para = rng.random(len(ends)) < 0.22
        variant[ends] = np.where(para, 3, 2)
        starts_of_sentences = np.concatenate([[0], ends + 1])
        starts_of_sentences = starts_of_sentences[starts_of_sentences < total]
        variant[starts_of_sentences] = 1
        variant[starts] = 1
        variant[starts + lengths - 1] = 2
        gathered = self.variants[variant * self.n_tokens + toks]

        out: list[Article] = []
        for i in range(n):
            a = int(starts[i])
            body = " ".join(gathered[a : a + int(lengths[i])].tolist()).replace("\n\n ", "\n\n")
            out.append(Article(titles[i], W.SOURCES[source[i]], body, float(dates[i])))
        return out


def corpus_path(n: int) -> Path:
    return CACHE / f"corpus-{size_label(n)}-g{GENERATOR_VERSION}.jsonl"


def ensure_corpus(n: int) -> tuple[Path, float | None]:
    """The cached corpus file for size n, generating it if missing; (path, seconds or None)."""
    import time

    path = corpus_path(n)
    if path.exists():
        return path, None
    CACHE.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for article in Generator().articles(n):
            fh.write(article.to_json())
            fh.write("\n")
    tmp.replace(path)
    return path, time.perf_counter() - t0


def read_corpus(path: Path) -> Iterator[Article]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            yield Article.from_json(line)


def to_draft(article: Article, number: int) -> object:
    """The `ArticleDraft` the store ingests (imported lazily: the generator needs no core)."""
    from newsreader.ingest import ArticleDraft

    return ArticleDraft(
        title=article.title,
        body=article.body,
        source=article.source,
        origin=f"benchmark:{number}",
        published_at=datetime.fromtimestamp(article.published, UTC),
    )
