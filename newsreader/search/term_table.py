"""Term ids by key across the chunks of one batch, and the names of new terms: the batch
tokenizer's (`bulk`) vocabulary, an open-addressing table in numpy."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from newsreader.search.term_hash import U64, Array, Collision, distinct

PROBE = np.arange(8)
WAITING = 1 << 16
"""Keys not found that wait before they are added in one go."""


class Naming(Protocol):
    """Names some pairs of a chunk while their terms wait."""

    def of(self, items: Array) -> list[str]:
        """The names of items (indices into those given)."""
        ...


@dataclass(slots=True)
class Part:
    """One chunk's distinct pairs."""

    text: Array
    """int32: the input index of each pair."""
    ids: Array
    """int32: the term of each pair; -1 while its key waits in `_Vocabulary`."""


class Vocabulary:
    """Term ids by h across the chunks of one call, with the names in id order: an open-
    addressing table with linear probing, kept at most half full, rows holding h and id + 1
    (0: empty). A look-up must also agree on g, kept per id (`Collision` otherwise).

    Keys not found wait until WAITING of them have come (or the call ends), then are added
    in one go: adding costs a few rounds of small numpy calls, too many to pay per chunk.
    """

    def __init__(self) -> None:
        self.names: list[str] = []
        self.bits = 0
        self.rows = np.zeros((1, 2), dtype=U64)
        self.h: list[Array] = []
        self.g: Array = np.zeros(0, dtype=U64)
        self.waiting: list[tuple[Part, Array, Array, Array, Naming]] = []
        self.waiting_count = 0

    def lookup(self, part: Part, h: Array, g: Array) -> Array:
        """Set `part.ids` from the keys (h, g) of its pairs; the pairs whose key is not
        found (their id is -1)."""
        rows = np.take(self.rows, (h >> U64(64 - self.bits)).view(np.intp), axis=0)
        ids = rows[:, 1].view(np.intp) - 1
        hit = rows[:, 0] == h
        hit &= ids >= 0
        if self.names and ((self.g[ids] != g) & hit).any():
            raise Collision
        part.ids = ids.astype(np.int32)
        return np.flatnonzero(~hit)

    def wait(self, part: Part, miss: Array, h: Array, g: Array, names: Naming) -> None:
        """Queue keys not found, to be added (and named) with others."""
        self.waiting.append((part, miss, h, g, names))
        self.waiting_count += miss.size
        if self.waiting_count >= WAITING or not self.names:
            self.add_waiting()

    def add_waiting(self) -> None:
        """Resolve the keys waiting, adding the missing ones (and naming them)."""
        if not self.waiting:
            return
        h = np.concatenate([w[2] for w in self.waiting])
        g = np.concatenate([w[3] for w in self.waiting])
        bits = np.array([int(h.size).bit_length() + 1])
        shift = (64 - bits).astype(U64)
        one = np.zeros(h.size, dtype=np.intp)
        slot = (h >> shift[0]).view(np.intp)
        first, rep = distinct(h, g, slot, 1 << int(bits[0]), one, one[:1], shift)
        found, added = self._find_or_add(h[first], g[first])
        position = np.empty(h.size, dtype=np.intp)
        position[first] = np.arange(first.size)
        ids = found[position[rep]]
        if not (self.g[ids] == g).all():
            raise Collision
        # Back to the parts, and names for the new terms from the part each came from.
        new = first[added]
        names = np.empty(new.size, dtype=object)
        start = 0
        for part, miss, _, _, naming in self.waiting:
            end = start + miss.size
            part.ids[miss] = ids[start:end]
            mine = np.flatnonzero((new >= start) & (new < end))
            if mine.size:
                names[mine] = np.array(naming.of(new[mine] - start), dtype=object)
            start = end
        self.names.extend(names.tolist())
        self.waiting, self.waiting_count = [], 0

    def _find_or_add(self, h: Array, g: Array) -> tuple[Array, Array]:
        """Ids of distinct keys, adding the missing ones; and which were added, in id order.

        Reads PROBE rows per round, since a round costs a dozen numpy calls. A missing key
        claims the first empty row by writing its position there; of keys claiming one row,
        the one that reads its own position back takes it, the others probe on.
        """
        self._grow(len(self.names) + h.size)
        mask = (1 << self.bits) - 1
        ids = np.empty(h.size, dtype=np.intp)
        added = []
        items = np.arange(h.size)
        slot = (h >> U64(64 - self.bits)).view(np.intp)
        claimed = U64(1 << 63)
        while items.size:
            window = (slot[:, None] + PROBE) & mask
            rows = np.take(self.rows, window, axis=0)
            hit = (rows[:, :, 0] == h[items, None]) & (rows[:, :, 1] != 0)
            stop = hit | (rows[:, :, 1] == 0)
            at = stop.argmax(axis=1)
            line = np.arange(items.size)
            found = hit[line, at]
            ids[items[found]] = rows[found, at[found], 1].view(np.intp) - 1
            empty = stop[line, at] & ~found
            claim, where = items[empty], window[empty, at[empty]]
            mark = claim.astype(U64) | claimed
            self.rows[where, 1] = mark
            won = self.rows[where, 1] == mark
            self.rows[where[won], 0] = h[claim[won]]
            added.append(np.stack([claim[won], where[won]], axis=1))
            go_on = ~found & ~empty
            # Keys that lost a claim read that row again next round.
            slot = np.concatenate([(window[go_on, -1] + 1) & mask, where[~won]])
            items = np.concatenate([items[go_on], claim[~won]])
        new = np.concatenate(added)
        ids[new[:, 0]] = np.arange(len(self.names), len(self.names) + new.shape[0])
        self.rows[new[:, 1], 1] = ids[new[:, 0]] + 1
        self.h.append(h[new[:, 0]])
        self.g = np.concatenate([self.g, g[new[:, 0]]])
        return ids, new[:, 0]

    def _grow(self, count: int) -> None:
        """Make room for `count` terms."""
        if 2 * count <= 1 << self.bits:
            return
        while 2 * count > 1 << self.bits:
            self.bits += 1
        self.rows = np.zeros((1 << self.bits, 2), dtype=U64)
        if self.h:
            # Distinct keys with known ids: place each in the first free row.
            self.h = [np.concatenate(self.h)]
            mask = (1 << self.bits) - 1
            items = np.arange(self.h[0].size)
            slot = (self.h[0] >> U64(64 - self.bits)).view(np.intp)
            while items.size:
                free = self.rows[slot, 1] == 0
                self.rows[slot[free], 1] = items[free] + 1
                placed = free & (self.rows[slot, 1] == items + 1)
                self.rows[slot[placed], 0] = self.h[0][items[placed]]
                items, slot = items[~placed], (slot[~placed] + 1) & mask
