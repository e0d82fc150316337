"""Seed handling shared by every random kernel.

A user's ``seed`` (an ``int`` >= 0 or a :class:`numpy.random.SeedSequence`) is
turned into the 64-bit Philox key that the C++ kernels use:
``SeedSequence(seed).generate_state(2, uint32)`` gives ``(k0, k1)`` and the key is
``k0 | k1 << 32``. The same seed therefore gives the same key on every machine,
and ``SeedSequence.spawn`` children give independent keys.
"""

from __future__ import annotations

import functools
import numbers

import numpy as np

SeedLike = int | np.random.SeedSequence


def philox_key(seed: SeedLike) -> int:
    """Return the 64-bit Philox key for ``seed``."""
    if isinstance(seed, np.random.SeedSequence):
        return _sequence_key(seed)
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"seed must be an int >= 0 or a numpy.random.SeedSequence, got {seed!r}")
    if seed < 0:
        raise ValueError(f"seed must be >= 0, got {seed}")
    return _int_key(int(seed))


@functools.lru_cache(maxsize=1024)
def _int_key(seed: int) -> int:
    # A pure function of the int; cached because SeedSequence's hashing costs ~10 us,
    # a visible part of a small kernel call.
    return _sequence_key(np.random.SeedSequence(seed))


def _sequence_key(seq: np.random.SeedSequence) -> int:
    k0, k1 = (int(w) for w in seq.generate_state(2, dtype=np.uint32))
    return k0 | (k1 << 32)
