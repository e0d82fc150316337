"""Probabilistic data structures (episode 60): HyperLogLog, Count-Min and heavy
hitters, Bloom filters, MinHash and LSH, t-digest.

Every sketch takes batches (``update(values)`` with NumPy arrays of numbers or
sequences of str/bytes, hashed by ``qsmcore.hash64``), merges (``merge``, ``|``),
and stores itself as versioned, checksummed bytes (``to_bytes``/``from_bytes``,
pickle); see ``qsmcore.sketch._format``.
"""

from __future__ import annotations

import importlib
from typing import Any

# Public name -> submodule. Imported on first use, so `import qsmcore` stays fast.
_EXPORTS = {
    "HyperLogLog": "hll",
    "CountMinSketch": "countmin",
    "HeavyHitters": "countmin",
    "CountMinTopK": "countmin",
    "BloomFilter": "bloom",
    "MinHash": "minhash",
    "MinHashLSH": "minhash",
    "TDigest": "tdigest",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'qsmcore.sketch' has no attribute {name!r}")
    return getattr(importlib.import_module(f"qsmcore.sketch.{module}"), name)


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
