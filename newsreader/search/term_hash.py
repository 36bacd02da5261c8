"""64-bit keys of byte strings, and the distinct ones among many, in numpy: the batch
tokenizer's (`bulk`) way to tell terms apart without making a `str` of each word.

A string of up to 8 bytes is its own key; a longer one is hashed. A second, independent
64-bit value checks that two equal keys really are one string (`Collision` otherwise).
"""

from __future__ import annotations

from typing import Any, TypeAlias

import numpy as np

Array: TypeAlias = np.ndarray[Any, Any]

U64 = np.uint64
MASKS = np.array([(1 << (8 * n)) - 1 for n in range(9)], dtype=U64)
"""The low n bytes of a 64-bit word, by n."""
_BIT6 = U64(0x4040404040404040)
_M1, _M2, _M3 = U64(0x9E3779B97F4A7C15), U64(0xC2B2AE3D27D4EB4F), U64(0x165667B19E3779F9)
_K1, _K2 = U64(0xFF51AFD7ED558CCD), U64(0xC4CEB9FE1A85EC53)
# Multipliers that reshuffle the slots of keys that lost a slot in an earlier round.
_REMIX = [U64(m) for m in (0xD6E8FEB86659FD93, 0xA0761D6478BD642F, 0xE7037ED1A0B428DB)]


def hash_keys(
    window: Array, starts: Array, lengths: Array, extra: int = 0, *, lower: bool
) -> tuple[Array, Array]:
    """A 64-bit hash h of each byte string `window`[start : start + length], and an odd
    check value g.

    A string of up to 8 bytes is its own key (none of its bytes is 0): h is that block
    times an odd constant, a bijection, so these never collide; g is 1. Longer strings mix
    their length and blocks into h and, independently, into g. `lower` lower-cases ASCII
    letters: correct, and used, only on bytes that are ASCII letters and digits. The arrays
    have `extra` items more, left to the caller.
    """
    block = _block(window, starts, lengths, lower)
    h = np.empty(starts.size + extra, dtype=U64)
    np.multiply(block, _M1, out=h[: starts.size])
    g = np.ones(starts.size + extra, dtype=U64)
    rest = np.flatnonzero(lengths > 8)
    if rest.size:
        begin, size = starts[rest] + 8, lengths[rest] - 8
        mix_h = _absorb(size.astype(U64) * _K1, block[rest], _M2, 32)
        mix_g = _absorb(size.astype(U64) * _K2, block[rest], _M3, 29)
        block = _block(window, begin, size, lower)
        _absorb(mix_h, block, _M2, 32)
        _absorb(mix_g, block, _M3, 29)
        more = np.flatnonzero(size > 8)
        begin, size = begin[more], size[more]
        while more.size:  # the few words of over 16 bytes
            begin += 8
            size -= 8
            block = _block(window, begin, size, lower)
            mix_h[more] = _absorb(mix_h[more], block, _M2, 32)
            mix_g[more] = _absorb(mix_g[more], block, _M3, 29)
            keep = size > 8
            more, begin, size = more[keep], begin[keep], size[keep]
        h[rest] = mix_h
        g[rest] = mix_g | U64(1)
    return h, g


def _absorb(state: Array, block: Array, factor: np.uint64, shift: int) -> Array:
    """Mix a block into hash states, in place (and return them)."""
    state ^= block
    state *= factor
    state ^= state >> U64(shift)
    return state


def _block(window: Array, starts: Array, lengths: Array, lower: bool) -> Array:
    block: Array = window[starts] & MASKS[np.minimum(lengths, 8)]
    if lower:  # A-Z have bit 6 set and bit 5 clear; digits have bit 6 clear
        block |= (block & _BIT6) >> U64(1)
    return block


def distinct(
    h: Array, g: Array, slot: Array, size: int, region: Array, base: Array, shift: Array
) -> tuple[Array, Array]:
    """One item per distinct (region, h), and each item's representative.

    Items scatter their index to their slot, base[region] + the top bits of h, and read it
    back: those reading their own index represent their key, those reading an equal key are
    duplicates, the rest (another key won the slot) try again with reshuffled slots. A round
    settles at least each slot's winner, so it ends; the table needs no clearing. A region
    per text keeps the scatters in cache. Sorting would cost ~5x more. Duplicates must agree
    on g too (`Collision` otherwise).
    """
    table = np.empty(size, dtype=np.intp)
    everything = np.arange(h.size)
    table[slot] = everything
    rep = table[slot]
    reps = [np.flatnonzero(rep == everything)]
    items = np.flatnonzero(rep != everything)
    items = items[_unequal(h, g, rep[items], items)]
    attempt = 0
    while items.size:
        key = h[items] * _REMIX[attempt % len(_REMIX)] + U64(attempt)
        attempt += 1
        where = region[items]
        slot = base[where] + (key >> shift[where]).view(np.intp)
        table[slot] = items
        won = table[slot]
        rep[items] = won
        first = won == items
        reps.append(items[first])
        won, items = won[~first], items[~first]
        items = items[_unequal(h, g, won, items)]
    return np.concatenate(reps), rep


def _unequal(h: Array, g: Array, some: Array, others: Array) -> Array:
    """Whether keys differ (by h), checking that equal ones agree on g."""
    unequal: Array = h[some] != h[others]
    if ((g[some] != g[others]) & ~unequal).any():
        raise Collision
    return unequal


class Collision(Exception):
    """Two different terms with the same 64-bit h (seen through g): odds ~1e-10 a batch."""
