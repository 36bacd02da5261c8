"""`terms` for a whole batch of texts at once, in numpy: the import path's tokenizer.

`terms` costs ~0.2 ms per article body, nearly all of it making, hashing and set-inserting
millions of short `str` objects. Here a chunk of texts is one UTF-8 buffer: words are runs of
word bytes found by vectorized scans, keyed by a 64-bit hash of their lower-cased bytes (the
bytes themselves for words of up to 8), and (text, term) pairs are deduplicated with numpy
scatter/gather tables: sorting ~1.5M words a batch would cost about what `terms` does. Python
sees only what is rare (words holding non-ASCII characters, compounds) and handles it with
the functions `terms` uses, so the result is the same set of pairs. A second 64-bit value
checks every merge of two keys; should two different terms ever share a hash, the batch
falls back to `terms` itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz.utils import default_process

from newsreader.search.term_hash import MASKS, U64, Array, Collision, distinct, hash_keys
from newsreader.search.term_table import Part, Vocabulary
from newsreader.search.tokens import MAX_TERM_LENGTH, compounds, fold, terms

CHUNK_CHARS = 1 << 19
"""Characters tokenized per numpy pass. Bounds temporaries: ~80 B a character at worst (a
word every other character), ~40 MB; a 2,500-article batch peaks at ~20 MB besides its
result. Larger chunks fall out of cache, smaller ones pay more per-call overhead."""

# A text longer than a chunk is cut before a character that neither rapidfuzz nor the
# compound regexes join to anything: not alphanumeric, not a joiner.
_CUT = re.compile(r"[^\w\-'’.·/]|_")
# The non-ASCII joiners' UTF-8 bytes, little-endian, as `_NonAscii.codes` holds them.
_APOSTROPHE = int.from_bytes("’".encode(), "little")
_MIDDLE_DOT = int.from_bytes("·".encode(), "little")
_FOLD_CACHE_SIZE = 200_000


@dataclass(frozen=True, slots=True)
class TermPairs:
    names: list[str]
    """Distinct terms, each exactly once."""
    text: Array
    """int64, one per pair: the index of the text in the input."""
    term: Array
    """uint32, one per pair: index into `names`."""


def term_pairs(texts: Sequence[str]) -> TermPairs:
    """The distinct (text, term) pairs of `texts`: exactly
    {(i, t) for i, x in enumerate(texts) for t in terms(x)}, computed in numpy."""
    try:
        return _term_pairs(texts)
    except Collision:
        return _exact_pairs(texts)


def _exact_pairs(texts: Sequence[str]) -> TermPairs:
    """`terms` text by text: for the (astronomically rare) batch where two terms share h."""
    ids: dict[str, int] = {}
    text: list[int] = []
    term: list[int] = []
    for i, x in enumerate(texts):
        for t in terms(x):
            text.append(i)
            term.append(ids.setdefault(t, len(ids)))
    return TermPairs(list(ids), np.array(text, dtype=np.int64), np.array(term, dtype=np.uint32))


def _term_pairs(texts: Sequence[str]) -> TermPairs:
    vocab = Vocabulary()
    parts: list[Part] = []
    split: list[int] = []
    for chunk in _chunks(texts, split):
        part = _chunk_pairs(chunk, vocab)
        if part is not None:
            parts.append(part)
    if not parts:
        return TermPairs([], np.zeros(0, np.int64), np.zeros(0, np.uint32))
    vocab.add_waiting()
    text = np.concatenate([part.text for part in parts], dtype=np.int64)
    term = np.concatenate([part.ids for part in parts], dtype=np.uint32, casting="unsafe")
    if split:  # a text cut into pieces can have a term in two of them
        mine = np.isin(text, split)
        key = np.unique(text[mine] * len(vocab.names) + term[mine].astype(np.int64))
        text = np.concatenate([text[~mine], key // len(vocab.names)])
        term = np.concatenate([term[~mine], (key % len(vocab.names)).astype(np.uint32)])
    return TermPairs(vocab.names, text, term)


@dataclass(slots=True)
class _Chunk:
    ids: list[int]
    """The input index of each piece."""
    pieces: list[str]


def _chunks(texts: Sequence[str], split: list[int]) -> Iterator[_Chunk]:
    """Texts grouped into chunks of about CHUNK_CHARS; a longer text is cut into chunks of
    its own (its index is added to `split`)."""
    chunk = _Chunk([], [])
    size = 0
    for i, text in enumerate(texts):
        if len(text) > CHUNK_CHARS:
            pieces = _cut(text)
            if len(pieces) > 1:
                split.append(i)
                if chunk.ids:
                    yield chunk
                    chunk, size = _Chunk([], []), 0
                for piece in pieces:
                    yield _Chunk([i], [piece])
                continue
        chunk.ids.append(i)
        chunk.pieces.append(text)
        size += len(text) + 1
        if size >= CHUNK_CHARS:
            yield chunk
            chunk, size = _Chunk([], []), 0
    if chunk.ids:
        yield chunk


def _cut(text: str) -> list[str]:
    pieces = []
    start = 0
    while len(text) - start > CHUNK_CHARS:
        at = _CUT.search(text, start + CHUNK_CHARS)
        if at is None:
            break
        pieces.append(text[start : at.start()])
        start = at.start()
    pieces.append(text[start:])
    return pieces


def _chunk_pairs(chunk: _Chunk, vocab: Vocabulary) -> Part | None:
    """The distinct pairs of one chunk; their terms come from `vocab`."""
    encoded = [piece.encode("utf-8", "surrogatepass") for piece in chunk.pieces]
    # A space before, between and after the pieces: no word or compound spans two of them,
    # and the padding lets an 8-byte read start at any word.
    data = b" ".join([b"", *encoded, b" " * 16])
    octets = np.frombuffer(data, dtype=np.uint8)
    window = np.ndarray((len(data) - 7,), dtype="<u8", buffer=data, strides=(1,))
    offsets = np.cumsum([1] + [len(b) + 1 for b in encoded])

    # Word bytes: ASCII letters and digits, and the bytes of non-ASCII word characters.
    word = (octets - np.uint8(48)) < 10
    word |= ((octets | np.uint8(32)) - np.uint8(97)) < 26
    chars = _NonAscii(octets, window, word, offsets) if not data.isascii() else None
    boundaries = np.flatnonzero(word[1:] != word[:-1]) + 1
    starts, ends = boundaries[0::2].copy(), boundaries[1::2].copy()
    lengths = ends - starts
    counts = np.diff(np.searchsorted(starts, offsets))
    words = _Words(data, octets, starts, ends, lengths, counts)

    # Terms made in Python: words holding non-ASCII characters, and compounds.
    python = _PythonTerms()
    non_ascii = np.zeros(0, dtype=np.intp)
    if chars is not None:
        non_ascii = _unique_sorted(np.searchsorted(starts, chars.word_bytes, side="right") - 1)
        python.add_words(words, non_ascii)
    _add_compounds(chunk, words, word, chars, python)
    py_region, py_h, py_g = python.arrays()

    # Keys of the words, then of the Python terms. g is odd for a term; 0 marks words that
    # are not one (too long, or non-ASCII: done in Python).
    h, g = hash_keys(
        window, starts, np.minimum(lengths, MAX_TERM_LENGTH + 1), py_h.size, lower=True
    )
    h[starts.size :] = py_h
    g[starts.size :] = py_g
    g[: starts.size][lengths > MAX_TERM_LENGTH] = 0
    g[non_ascii] = 0

    # Each piece gets a region of the pair table, at least twice its items; non-terms get
    # the last region, so they meet no term.
    dropped = np.flatnonzero(g == 0)
    sizes = np.bincount(py_region, minlength=counts.size + 1)
    sizes[:-1] += counts
    sizes[-1] += dropped.size
    bits = np.ceil(np.log2(np.maximum(2 * sizes, 1))).astype(np.intp)
    sizes = np.left_shift(1, bits)
    base = np.cumsum(sizes) - sizes
    shift = (64 - bits).astype(U64)
    region = np.repeat(np.arange(counts.size), counts)
    region[dropped] = counts.size
    slot = np.empty(h.size, dtype=np.intp)
    slot[: starts.size] = np.repeat(base[:-1], counts)
    slot[: starts.size] += (h[: starts.size] >> np.repeat(shift[:-1], counts)).view(np.intp)
    if py_region.size:
        region = np.concatenate([region, py_region])
    if not h.size:
        return None
    if dropped.size or py_region.size:
        moved = np.concatenate([dropped, np.arange(starts.size, h.size)])
        where = region[moved]
        slot[moved] = base[where] + (h[moved] >> shift[where]).view(np.intp)
    reps = distinct(h, g, slot, int(sizes.sum()), region, base, shift)[0]
    reps = reps[region[reps] != counts.size]
    part = Part(np.asarray(chunk.ids, dtype=np.int32)[region[reps]], np.zeros(0, np.int32))
    h, g = h[reps], g[reps]
    miss = vocab.lookup(part, h, g)
    if miss.size:
        vocab.wait(part, miss, h[miss], g[miss], _Names(words, python, reps[miss]))
    return part


@dataclass(slots=True)
class _Words:
    data: bytes
    octets: Array
    starts: Array
    ends: Array
    lengths: Array
    counts: Array
    """Words per piece."""

    def piece(self, which: Array) -> Array:
        return np.searchsorted(np.cumsum(self.counts), which, side="right")


class _NonAscii:
    """The non-ASCII characters of a chunk. Unmarks in `word` the bytes of those rapidfuzz
    treats as separators, and finds the pieces holding a character where rapidfuzz and
    Python (the compound regexes) disagree on what is alphanumeric."""

    def __init__(self, octets: Array, window: Array, word: Array, offsets: Array) -> None:
        high = np.flatnonzero(octets >= 0x80)
        lead = octets[high] >= 0xC0
        self.leads = high[lead]
        top = octets[self.leads]
        size = 2 + (top >= 0xE0).astype(np.intp) + (top >= 0xF0)
        self.codes = window[self.leads] & MASKS[size]
        distinct = _unique_sorted(np.sort(self.codes))
        if len(_KINDS) > _FOLD_CACHE_SIZE:
            _KINDS.clear()
        kinds = np.array([_kind(code) for code in distinct.tolist()], dtype=np.uint8)
        kinds = kinds[np.searchsorted(distinct, self.codes)]
        kept = (kinds & 1).astype(bool)
        word[high] = kept[np.cumsum(lead) - 1]  # every byte takes its character's kind
        self.word_bytes = high[word[high]]
        odd = self.leads[(kinds & 2) != 0]
        self.fallback: list[int] = _unique_sorted(
            np.searchsorted(offsets, odd, side="right") - 1
        ).tolist()


def _unique_sorted(values: Array) -> Array:
    """`np.unique` of sorted values, without its sort (slow here)."""
    keep = np.ones(values.size, dtype=bool)
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


_KINDS: dict[int, int] = {}


def _kind(code: int) -> int:
    """Bit 1: rapidfuzz keeps the character (it is a word character); bit 2: Python's
    `isalnum`, which the compound regexes use, says otherwise (~500 letters newer than
    rapidfuzz's tables). `code` is the character's UTF-8 bytes, little-endian."""
    kind = _KINDS.get(code)
    if kind is None:
        char = code.to_bytes(8, "little").rstrip(b"\0").decode("utf-8", "surrogatepass")
        kept = default_process(char) != ""
        kind = _KINDS[code] = int(kept) | 2 * int(kept != char.isalnum())
    return kind


class _Names:
    """What names some pairs of a chunk while their terms wait: the chunk's bytes and the
    span of each word, or the Python term."""

    def __init__(self, words: _Words, python: _PythonTerms, items: Array) -> None:
        self.octets = words.octets
        self.is_word = items < words.starts.size
        which = items[self.is_word]
        self.starts, self.lengths = words.starts[which], words.lengths[which]
        self.python = [
            python.distinct[i]
            for i in python.index[items[~self.is_word] - words.starts.size].tolist()
        ]

    def of(self, items: Array) -> list[str]:
        """The names of items (indices into those given)."""
        is_word = self.is_word[items]
        which = np.cumsum(self.is_word)[items[is_word]] - 1
        decoded: list[str] = []
        if which.size:
            size = self.lengths[which] + 1
            ends = np.cumsum(size)
            at = np.repeat(self.starts[which] - (ends - size), size)
            at += np.arange(int(ends[-1]))
            text = self.octets[at]
            text[ends - 1] = 32
            decoded = text.tobytes().decode("ascii").lower().split(" ")[:-1]
        if which.size == items.size:
            return decoded
        names = np.empty(items.size, dtype=object)
        names[is_word] = np.array(decoded, dtype=object)
        others = np.cumsum(~self.is_word)[items[~is_word]] - 1
        names[~is_word] = np.array([self.python[i] for i in others.tolist()], dtype=object)
        return list(names.tolist())


_FOLDED: dict[bytes, str] = {}
"""Term of each non-ASCII word seen lately, by its UTF-8 bytes: names recur across texts."""


class _PythonTerms:
    """Terms of one chunk made in Python, with their piece."""

    def __init__(self) -> None:
        self.regions: list[Array] = []
        self.strings: list[str] = []
        self.distinct: list[str] = []
        self.index: Array = np.zeros(0, dtype=np.intp)

    def extend(self, regions: Array, strings: list[str]) -> None:
        self.regions.append(regions)
        self.strings.extend(strings)

    def add_words(self, words: _Words, which: Array) -> None:
        """Words with a non-ASCII character, exactly as `terms` treats them."""
        if len(_FOLDED) > _FOLD_CACHE_SIZE:
            _FOLDED.clear()
        data = words.data
        raws = [
            data[start:end]
            for start, end in zip(
                words.starts[which].tolist(), words.ends[which].tolist(), strict=True
            )
        ]
        found: list[str] = []
        for raw in raws:
            term = _FOLDED.get(raw)
            if term is None:
                word = default_process(raw.decode("utf-8", "surrogatepass"))
                term = _FOLDED[raw] = word if word.isascii() else fold(word)
            found.append(term)
        self.extend(words.piece(which), found)

    def arrays(self) -> tuple[Array, Array, Array]:
        """Piece, h and g of each term added (too long ones dropped); `distinct` and
        `index` name them."""
        if not self.strings:
            empty = np.zeros(0, dtype=np.intp)
            return empty, empty.astype(U64), empty.astype(U64)
        positions: dict[str, int] = {}
        index = np.array(
            [positions.setdefault(term, len(positions)) for term in self.strings], dtype=np.intp
        )
        self.distinct = list(positions)
        regions = np.concatenate(self.regions)
        short = np.array([len(term) <= MAX_TERM_LENGTH for term in self.distinct])[index]
        regions, self.index = regions[short], index[short]
        encoded = [term.encode("utf-8", "surrogatepass") for term in self.distinct]
        data = b"".join([*encoded, b"\0" * 8])
        window = np.ndarray((len(data) - 7,), dtype="<u8", buffer=data, strides=(1,))
        lengths = np.array([len(b) for b in encoded], dtype=np.intp)
        h, g = hash_keys(window, np.cumsum(lengths) - lengths, lengths, lower=False)
        return regions, h[self.index], g[self.index]


def _add_compounds(
    chunk: _Chunk, words: _Words, word: Array, chars: _NonAscii | None, python: _PythonTerms
) -> None:
    """Joined terms: words separated by exactly one joiner character are parts of one
    compound (`_COMPOUND`). Words are runs of rapidfuzz word characters, which are the
    runs of `[^\\W_]` unless the piece has a character the two disagree on: such pieces
    run `terms`' own scan."""
    octets = words.octets
    inner = octets[1:-1]
    joiner = (inner - np.uint8(45)) < 3  # - . /
    joiner |= inner == 39  # '
    joiner &= word[:-2]
    joiner &= word[2:]
    links = np.flatnonzero(joiner) + 1
    fallback: list[int] = []
    if chars is not None:
        wide = chars.leads[(chars.codes == _APOSTROPHE) | (chars.codes == _MIDDLE_DOT)]
        wide = wide[word[wide - 1] & word[wide + np.where(octets[wide] == 0xC2, 2, 3)]]
        links = np.sort(np.concatenate([links, wide]))
        fallback = chars.fallback
    # A link joins word k (which ends at the joiner) to word k + 1.
    links = np.searchsorted(words.starts, links, side="right") - 1
    if fallback:
        links = links[~np.isin(words.piece(links), fallback)]
        for piece in fallback:
            for term in compounds(chunk.pieces[piece]):
                python.extend(np.array([piece]), [term])
    if not links.size:
        return
    # A chain of links (word k joined to k + 1) is one compound, usually all ASCII.
    runs = np.flatnonzero(np.diff(links) != 1) + 1
    firsts = links[np.concatenate([[0], runs])]
    lasts = links[np.concatenate([runs - 1, [links.size - 1]])] + 1
    if chars is not None:
        spans = np.stack([words.starts[firsts], words.ends[lasts]], axis=1)
        wide = np.searchsorted(spans.ravel(), chars.leads, side="right") % 2 == 1
        odd = np.zeros(firsts.size, dtype=bool)
        odd[np.searchsorted(spans[:, 0], chars.leads[wide], side="right") - 1] = True
        _odd_compounds(words, firsts[odd], lasts[odd], python)
        firsts, lasts = firsts[~odd], lasts[~odd]
    if firsts.size:
        python.extend(words.piece(firsts), _ascii_compounds(words, firsts, lasts))


def _ascii_compounds(words: _Words, firsts: Array, lasts: Array) -> list[str]:
    """The joined, lower-cased text of ASCII word chains, gathered in one pass."""
    per_chain = lasts - firsts + 1
    # Each chain is its words then a one-byte separator (the space at offset 0).
    slots = per_chain + 1
    chain_at = np.cumsum(slots) - slots
    within = np.arange(int(per_chain.sum())) - np.repeat(
        np.cumsum(per_chain) - per_chain, per_chain
    )
    which = np.repeat(firsts, per_chain) + within
    source = np.zeros(int(slots.sum()), dtype=np.intp)
    size = np.ones(source.size, dtype=np.intp)
    target = np.repeat(chain_at, per_chain) + within
    source[target] = words.starts[which]
    size[target] = words.lengths[which]
    ends = np.cumsum(size)
    at = np.repeat(source - (ends - size), size) + np.arange(int(ends[-1]))
    text = words.octets[at].tobytes().decode("ascii").lower()
    return text.split(" ")[:-1]


def _odd_compounds(words: _Words, firsts: Array, lasts: Array, python: _PythonTerms) -> None:
    """Chains with a non-ASCII character: `fold` of the parts, joined."""
    data = words.data
    for first, last, piece in zip(
        firsts.tolist(), lasts.tolist(), words.piece(firsts).tolist(), strict=True
    ):
        begin = words.starts[first : last + 1].tolist()
        end = words.ends[first : last + 1].tolist()
        text = b"".join([data[b:e] for b, e in zip(begin, end, strict=True)])
        python.extend(np.array([piece]), [fold(text.decode("utf-8", "surrogatepass"))])
