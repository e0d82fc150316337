"""Peer implementations: what a user would write without qsmcore.

- ``xxhash_uint64`` / ``xxhash_strings``: the ``xxhash`` package has no array API,
  so hash item by item; these are the fastest pure-Python loops we found
  (``map`` over ``V8`` items or ``str.encode``, straight into ``np.fromiter``).
- ``splitmix64``: a *different* 64-bit hash (the splitmix64 finalizer) written
  with vectorized NumPy uint64 operations, to show what NumPy alone costs.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

try:
    import xxhash
except ImportError:  # the `peers` extra is optional
    xxhash = None

XXHASH_VERSION: str | None = None if xxhash is None else xxhash.VERSION
_MASK = (1 << 64) - 1


def _xxh3() -> Callable[..., int]:
    if xxhash is None:
        raise RuntimeError("the xxhash package is not installed: pip install '.[peers]'")
    return xxhash.xxh3_64_intdigest  # type: ignore[no-any-return]


def xxhash_uint64(values: np.ndarray) -> np.ndarray:
    """XXH3-64 of each uint64's 8 little-endian bytes, one ``xxhash`` call per value."""
    f = _xxh3()
    words = np.ascontiguousarray(values, dtype="<u8")
    return np.fromiter(map(f, words.view("V8").tolist()), dtype=np.uint64, count=words.size)


def xxhash_strings(strs: list[str]) -> np.ndarray:
    """XXH3-64 of each str's UTF-8 bytes, one ``xxhash`` call per string.

    xxhash 4.x rejects ``str`` ("Strings must be encoded before hashing"), so
    each string is encoded first, as a user must.
    """
    encoded = map(str.encode, strs)
    return np.fromiter(map(_xxh3(), encoded), dtype=np.uint64, count=len(strs))


def splitmix64(values: np.ndarray) -> np.ndarray:
    """The splitmix64 finalizer of each uint64, vectorized in NumPy (wrapping uint64 math)."""
    z = values + np.uint64(0x9E3779B97F4A7C15)
    z ^= z >> np.uint64(30)
    z *= np.uint64(0xBF58476D1CE4E5B9)
    z ^= z >> np.uint64(27)
    z *= np.uint64(0x94D049BB133111EB)
    z ^= z >> np.uint64(31)
    return z


def splitmix64_scalar(x: int) -> int:
    """Reference splitmix64 finalizer in Python ints, to check ``splitmix64``."""
    z = (x + 0x9E3779B97F4A7C15) & _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)
