"""Sets of document numbers as Python integers (bit n set = document n), and numpy conversions."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np


def from_ids(ids: Iterable[int] | np.ndarray, size: int) -> int:
    """Return the bitset of ``ids`` (each below ``size``)."""
    flags = np.zeros(size, dtype=bool)
    array = np.fromiter(ids, dtype=np.int64) if not isinstance(ids, np.ndarray) else ids
    if array.size:
        flags[array] = True
    return from_flags(flags)


def from_flags(flags: np.ndarray) -> int:
    """Return the bitset of the true positions of a boolean array."""
    return int.from_bytes(np.packbits(flags, bitorder="little").tobytes(), "little")


def to_ids(bits: int, size: int) -> np.ndarray:
    """Return the sorted document numbers in ``bits`` as an int64 array."""
    if not bits:
        return np.empty(0, dtype=np.int64)
    raw = np.frombuffer(bits.to_bytes((size + 7) // 8, "little"), dtype=np.uint8)
    return np.flatnonzero(np.unpackbits(raw, bitorder="little")[:size])


def full(size: int) -> int:
    """Return the bitset of every document number below ``size``."""
    return (1 << size) - 1
