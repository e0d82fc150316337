"""Summaries with honest uncertainty: means with Student-t confidence intervals.

The C++ core (``qsm/core/stats.hpp``) accumulates with Welford's algorithm,
merges per-chunk partials in a fixed order (so the result does not depend on the
thread count), and computes the t quantile from the regularized incomplete beta
function. Simulation kernels report their estimates through the same code.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from qsmcore import _backend, _core


@dataclass(frozen=True)
class ConfidenceInterval:
    """A two-sided Student-t confidence interval for a mean.

    ``mean`` ± ``half_width`` = [``low``, ``high``] covers the true mean with
    probability ``confidence`` when the ``n`` values are i.i.d. and roughly normal
    (replication means are, by the central limit theorem). ``std`` is the sample
    standard deviation (n - 1 denominator).
    """

    mean: float
    half_width: float
    low: float
    high: float
    std: float
    n: int
    confidence: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __contains__(self, value: float) -> bool:
        return self.low <= value <= self.high

    def __str__(self) -> str:
        return f"{self.mean:.6g} ± {self.half_width:.3g} ({self.confidence:.0%} CI, n={self.n})"


def _check_confidence(confidence: Any) -> float:
    if isinstance(confidence, bool) or not isinstance(confidence, numbers.Real):
        raise TypeError(f"confidence must be a float in (0, 1), got {confidence!r}")
    confidence = float(confidence)
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    return confidence


def mean_ci(
    values: Any, confidence: float = 0.95, *, threads: int | None = None
) -> ConfidenceInterval:
    """Mean of ``values`` with a Student-t confidence interval (needs n >= 2 finite values)."""
    confidence = _check_confidence(confidence)
    nthreads = _backend.check_threads(threads)
    array = np.asarray(values)
    if array.dtype.kind not in "iuf":
        raise TypeError(f"values must be numeric, got dtype {array.dtype}")
    array = np.ascontiguousarray(array.ravel(), dtype=np.float64)
    if array.size < 2:
        raise ValueError(f"values must hold at least 2 numbers for an interval, got {array.size}")
    n, mean, m2 = _core.welford(array, nthreads)
    if not math.isfinite(mean) or not math.isfinite(m2):
        raise ValueError("values must be finite (found NaN or inf)")
    return ConfidenceInterval(
        *_core.t_interval(n, mean, m2, confidence), n=n, confidence=confidence
    )


def student_t_quantile(p: float, df: float) -> float:
    """Quantile of Student's t distribution with ``df`` degrees of freedom, p in (0, 1)."""
    if not 0.0 < p < 1.0:
        raise ValueError(f"p must be in (0, 1), got {p}")
    if not df > 0:
        raise ValueError(f"df must be > 0, got {df}")
    return _core.student_t_quantile(float(p), float(df))
