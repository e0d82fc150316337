"""Validation of a :class:`Program` and of probability vectors before a kernel reads them.

The Monte Carlo kernels index node words by ``inputs`` and ``top``; a Program built by
hand (or by a buggy compiler) must be rejected here with a message naming the array,
never reach C++ with an out-of-range id.
"""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np

from qsmcore.reliability._program import check_program


def probabilities(name: str, values: Any, n: int) -> np.ndarray:
    """A float64 vector of ``n`` finite probabilities in [0, 1]."""
    a = np.asarray(values)
    if a.dtype.kind not in "iuf" or a.dtype == bool:
        raise TypeError(f"{name} must hold real numbers, got dtype {a.dtype}")
    a = np.ascontiguousarray(a, dtype=np.float64)
    if a.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},), got {a.shape}")
    bad = ~(np.isfinite(a) & (a >= 0.0) & (a <= 1.0))
    if np.any(bad):
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"{name}[{i}] = {a[i]!r} is not a probability in [0, 1]")
    return a


def checked_arrays(program: Any) -> tuple[np.ndarray, ...]:
    """``(p, op, k, offsets, inputs)`` as contiguous arrays, after checking the layout
    (``_program.check_program``, shared with the exact solvers)."""
    return check_program("monte_carlo", program)[:5]


def digest(arrays: tuple[np.ndarray, ...], top: int) -> str:
    """A short fingerprint of the structure and probabilities (combine checks it)."""
    h = hashlib.sha256()
    for a in arrays:
        h.update(a.tobytes())
        h.update(b"|")
    h.update(str(int(top)).encode())
    return h.hexdigest()[:16]


def program_digest(program: Any) -> str:
    """``digest`` of a checked Program's arrays and top, kept on the (immutable) Program."""
    cached = program.__dict__.get("_digest")
    if cached is None:
        p, op, k, offsets, inputs, top = check_program("monte_carlo", program)
        cached = digest((p, op, k, offsets, inputs), top)
        object.__setattr__(program, "_digest", cached)
    return cached
