"""``sample``: draws in C++ (or CUDA) on the Philox stream of a seed."""

from __future__ import annotations

import numbers

import numpy as np

from qsmcore import _backend, _seed
from qsmcore.random.distributions import Distribution
from qsmcore.random.spec import as_distribution

# --------------------------------------------------------------------------- sampling


def _count(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int >= 0, got {value!r} ({type(value).__name__})")
    if value < 0:
        raise ValueError(f"{name} must be an int >= 0, got {value!r}")
    return int(value)


def sample(
    dist: Distribution | str | float,
    n: int,
    seed: int | np.random.SeedSequence = 0,
    start: int = 0,
    backend: str = "auto",
    threads: int | None = None,
) -> np.ndarray:
    """Draw ``n`` variates of ``dist`` in C++ (or CUDA), exactly and reproducibly.

    Parameters
    ----------
    dist : Distribution, str or float
        The distribution, a spec string (``"exp:2.0"``) or a constant.
    n : int
        Number of draws, >= 0.
    seed : int or numpy.random.SeedSequence
        Selects the Philox key; the same seed gives the same stream everywhere.
    start : int
        Index of the first draw: element ``i`` of the result is draw ``start + i``,
        so consecutive calls with ``start`` advanced by ``n`` continue one stream.
        ``start + n`` must be <= 2**64.
    backend : {"auto", "cpu", "cuda"}
        Where to run; see ``qsmcore.backends()``.
    threads : int, optional
        CPU threads (default: ``QSM_NUM_THREADS`` or all cores). The result does
        not depend on it.

    Returns
    -------
    numpy.ndarray
        float64 array of length ``n``.
    """
    d = as_distribution(dist)
    n = _count("n", n)
    start = _count("start", start)
    if start + n > 2**64:
        raise ValueError(f"start + n must be <= 2**64, got start={start}, n={n}")

    key = _seed.philox_key(seed)
    threads_ = _backend.check_threads(threads)
    _, module = _backend.resolve(backend, n)
    if n == 0:  # also covers start == 2**64, which no kernel counter can hold
        return np.empty(0, dtype=np.float64)
    kind, params, data = d._kernel_args()
    return module.sample(kind, params, data, n, key, start, 0, threads_)  # type: ignore[no-any-return]
