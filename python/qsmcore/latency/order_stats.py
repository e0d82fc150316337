"""Sample percentiles with exact, distribution-free confidence intervals.

For n i.i.d. latencies with true q-quantile ξ_q, the count B of samples below ξ_q
is Binomial(n, q), so for the order statistics x_(1) <= ... <= x_(n)

    P(x_(l) <= ξ_q < x_(u)) = P(l <= B < u)

whatever the latency distribution (Hahn & Meeker, *Statistical Intervals*, §5.2).
The ranks l, u are chosen equal-tailed (each tail misses with probability at
most α/2, α = 1 - confidence); the achieved coverage is reported exactly. When
n is too small for one end (P99.9 from 100 samples: P(B = n) = 0.999¹⁰⁰ ≈ 0.90),
that end is unbounded (``high = inf`` or ``low = -inf``), the other end gets all
of α, and ``bounded`` is False: a one-sided interval, never a fake two-sided one.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt

from qsmcore import _core
from qsmcore.latency import _validate


@dataclass(frozen=True)
class PercentileEstimate:
    """The q-quantile of a sample, x_(r) with r = ⌈n q⌉, and its confidence interval.

    ``low`` = x_(low_rank), ``high`` = x_(high_rank), with x_(0) = -inf and
    x_(n+1) = +inf; ``coverage`` = P(low_rank <= B < high_rank), B ~ Bin(n, q),
    is the exact coverage for continuous data (>= ``confidence``; at least that
    for data with ties).
    """

    q: float
    value: float
    low: float
    high: float
    low_rank: int
    high_rank: int
    coverage: float
    confidence: float
    n: int

    @property
    def bounded(self) -> bool:
        """True when both ends are sample values (n was large enough)."""
        return 1 <= self.low_rank and self.high_rank <= self.n

    @property
    def sided(self) -> str:
        """'two-sided', 'lower bound only', 'upper bound only' or 'unbounded'."""
        lo, hi = self.low_rank >= 1, self.high_rank <= self.n
        return {
            (True, True): "two-sided",
            (True, False): "lower bound only",
            (False, True): "upper bound only",
            (False, False): "unbounded",
        }[(lo, hi)]

    def __contains__(self, value: float) -> bool:
        return self.low <= value <= self.high

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["bounded"] = self.bounded
        return d

    def __str__(self) -> str:
        note = "" if self.bounded else f", {self.sided}: n={self.n} is too small"
        return (
            f"P{_label(self.q)} = {self.value:.6g} "
            f"[{self.low:.6g}, {self.high:.6g}] ({self.coverage:.1%} coverage{note})"
        )


@dataclass(frozen=True)
class Percentiles:
    """Percentile estimates of one sample; index by q: ``result[0.99]``."""

    n: int
    confidence: float
    estimates: tuple[PercentileEstimate, ...]

    def __getitem__(self, q: float) -> PercentileEstimate:
        for e in self.estimates:
            if e.q == q:
                return e
        raise KeyError(f"no estimate for q={q!r}; have {[e.q for e in self.estimates]}")

    def __iter__(self) -> Any:
        return iter(self.estimates)

    def __len__(self) -> int:
        return len(self.estimates)

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "confidence": self.confidence,
            "estimates": [e.to_dict() for e in self.estimates],
        }

    def __str__(self) -> str:
        head = f"{self.n} samples, {self.confidence:.0%} order-statistic intervals"
        return "\n".join([head, *(f"  {e}" for e in self.estimates)])


def _label(q: float) -> str:
    """0.99 -> '99', 0.999 -> '99.9', 0.5 -> '50'."""
    return f"{100 * q:.10g}"


def point_rank(n: int, q: float) -> int:
    """r = ⌈n q⌉ (at least 1), computed exactly: the inverted-cdf sample quantile."""
    return max(1, math.ceil(Fraction(q) * n))


def order_ranks(n: int, q: float, confidence: float = 0.95) -> tuple[int, int, float]:
    """``(l, u, coverage)``: the ranks of the interval [x_(l), x_(u)] for the q-quantile.

    ``l = 0`` means unbounded below, ``u = n + 1`` unbounded above; ``coverage`` is
    P(l <= B < u) for B ~ Binomial(n, q).
    """
    n = _validate.integer("n", n, low=1)
    q = _validate.real("q", q, low=0.0, high=1.0)
    confidence = _validate.confidence(confidence)
    low, high, coverage = _core.latency_order_ranks(n, q, confidence)
    return int(low), int(high), float(coverage)


def min_samples(q: float, confidence: float = 0.95) -> int:
    """The smallest n for which the q-quantile gets a two-sided interval.

    Both ends are bounded iff P(B = 0) = (1 - q)^n <= α/2 and P(B = n) = q^n <= α/2,
    i.e. n >= ln(α/2) / ln(max(q, 1 - q)); e.g. 2995 samples for P99.9 at 95%.
    """
    q = _validate.real("q", q, low=0.0, high=1.0)
    confidence = _validate.confidence(confidence)
    n = max(1, math.ceil(math.log((1 - confidence) / 2) / math.log(max(q, 1 - q))))
    # The logs round; settle the boundary with the exact ranks.
    while n > 1 and _bounded(n - 1, q, confidence):
        n -= 1
    while not _bounded(n, q, confidence):
        n += 1
    return n


def _bounded(n: int, q: float, confidence: float) -> bool:
    low, high, _ = _core.latency_order_ranks(n, q, confidence)
    return low >= 1 and high <= n


def percentiles(
    samples: npt.ArrayLike,
    q: float | tuple[float, ...] | list[float] = _validate.DEFAULT_QUANTILES,
    confidence: float = 0.95,
) -> Percentiles:
    """Percentiles of ``samples`` with distribution-free confidence intervals.

    Parameters
    ----------
    samples : array-like of float
        Latencies (any shape; flattened). NaN is rejected; ±inf is allowed (e.g.
        timeouts recorded as inf) and simply sorts to an end.
    q : float or sequence of float
        Probabilities in (0, 1), e.g. 0.99 for P99.
    confidence : float
        Nominal coverage 1 - α of every interval, in (0, 1).

    Returns
    -------
    Percentiles
        For each q: the point estimate x_(⌈nq⌉) (``numpy.quantile(...,
        method="inverted_cdf")``), the interval [x_(l), x_(u)] and its exact
        coverage; ``bounded`` is False where n is too small for a two-sided
        interval (see ``min_samples``).

    Notes
    -----
    Selection is O(n) per distinct rank (``numpy.partition``), no full sort.
    The intervals assume independent samples; latencies of consecutive requests
    are often correlated, which makes any interval from one run optimistic.
    """
    qs = _validate.quantiles(q)
    confidence = _validate.confidence(confidence)
    x = _validate.samples(samples)
    n = int(x.size)
    plans = []
    for qi in qs:
        low, high, coverage = _core.latency_order_ranks(n, qi, confidence)
        plans.append((qi, point_rank(n, qi), int(low), int(high), float(coverage)))
    kth = sorted({r - 1 for p in plans for r in (p[1], p[2], p[3]) if 1 <= r <= n})
    part = np.partition(x, kth)

    def at(rank: int) -> float:
        if rank < 1:
            return -math.inf
        if rank > n:
            return math.inf
        return float(part[rank - 1])

    estimates = tuple(
        PercentileEstimate(
            q=qi,
            value=at(r),
            low=at(low),
            high=at(high),
            low_rank=low,
            high_rank=high,
            coverage=cov,
            confidence=confidence,
            n=n,
        )
        for qi, r, low, high, cov in plans
    )
    return Percentiles(n=n, confidence=confidence, estimates=estimates)
