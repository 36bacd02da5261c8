"""A word's kept scores in one byte a document, exactly.

At a million articles a word's scores are a 4 MB float32 vector, so the memory kept for them
(`index.GROUP_BYTES`) held 9 first letters and the others were read cold on a keystroke
(100-300 ms). A word's scores take few distinct values (field weights times the
similarities of its terms), so a code per document and a table of the values give the same
floats back, bit for bit, in a quarter of the memory.
"""

from __future__ import annotations

import numpy as np

from newsreader.search.expansion import Expansion
from newsreader.search.fields import FIELD_WEIGHT


class Packed:
    """Scores as `table[codes]`."""

    __slots__ = ("codes", "table")

    def __init__(self, codes: np.ndarray, table: np.ndarray) -> None:
        self.codes = codes
        self.table = table

    @property
    def nbytes(self) -> int:
        return int(self.codes.nbytes + self.table.nbytes)

    def unpacked(self) -> np.ndarray:
        """The scores, a new array (callers may not write into a kept one anyway)."""
        out: np.ndarray = self.table[self.codes]
        return out


def packed_best(
    size: int, group: list[Expansion], read: dict[str, tuple[np.ndarray, np.ndarray]]
) -> tuple[Packed, int] | None:
    """What `index._best` gives for a word's terms (`read`: their article ids and field
    bits), packed, made in codes directly (packing a million scores after cost 60 ms): the
    table holds every value a posting can score (a field weight times a term's similarity,
    the same float32 product), so the highest code is the highest score. None if more than
    256 values."""
    values = [FIELD_WEIGHT * exp.similarity for exp in group]
    table = np.unique(np.concatenate([np.zeros(1, np.float32), *values]))
    if len(table) > 256:
        return None
    codes = np.zeros(size, dtype=np.uint8)
    count = 0
    for exp, value in zip(group, values, strict=True):
        docs, bits = read[exp.term]
        term_codes = np.searchsorted(table, value).astype(np.uint8)[bits]
        codes[docs] = np.maximum(codes[docs], term_codes)
        count += len(docs)
    return Packed(codes, table), count
