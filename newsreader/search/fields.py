"""Field bits carried by each posting, and what a match in each field is worth."""

from __future__ import annotations

import numpy as np

TITLE, SOURCE, BODY = 1, 2, 4


def _weight(flags: int) -> float:
    best = 3.0 if flags & TITLE else 2.0 if flags & SOURCE else 1.0 if flags & BODY else 0.0
    return best + 0.2 * max(0, bin(flags).count("1") - 1)


FIELD_WEIGHT = np.array([_weight(flags) for flags in range(8)], dtype=np.float32)
"""Indexed by a posting's field bits: title > source > body, a little more for each extra."""
