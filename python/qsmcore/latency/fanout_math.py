"""Fan-out tail math: closed forms for a request that waits for N parallel calls.

If one call finishes within t with probability p = F(t), and the N calls are
independent, the request that waits for all of them finishes within t with
probability p^N, and the one that needs only the k fastest with
P(Bin(N, p) >= k) = I_p(k, N - k + 1) (the k-th order statistic). So the
request's q-quantile is the single call's q^(1/N)-quantile (wait for all), or
its F⁻¹(β_q)-quantile with β_q the q-quantile of Beta(k, N - k + 1) (k-of-N):
"P99 of one call" is what 1 - 0.99^100 ≈ 63% of 100-way requests exceed
(Dean & Barroso, "The Tail at Scale", CACM 2013).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from qsmcore import _core
from qsmcore.latency import _validate
from qsmcore.random import Distribution, as_distribution

MAX_CALLS = 1_000_000_000  # closed forms: any N; the simulation caps N at 4096


def _k(k: Any, n: int) -> int:
    return n if k is None else _validate.integer("k", k, low=1, high=n)


def fanout_probability(p: float, n: int, k: int | None = None) -> float:
    """P(the request finishes within t) from p = P(one call finishes within t).

    Parameters
    ----------
    p : float
        Probability p = F(t) in [0, 1] that one call takes at most t.
    n : int
        Number N >= 1 of independent parallel calls.
    k : int, optional
        The request needs the k fastest calls (1 <= k <= N); None means all N.

    Returns
    -------
    float
        p^N for k = N, else P(Bin(N, p) >= k).
    """
    p = _validate.real("p", p, low=0.0, low_open=False, high=1.0, high_open=False)
    n = _validate.integer("n", n, low=1, high=MAX_CALLS)
    k = _k(k, n)
    if p in (0.0, 1.0):
        return p
    if k == n:
        return p**n
    return 1.0 - float(_core.latency_binom_cdf(k - 1, n, p))


def _single_call_level(q: float, n: int, k: int) -> float:
    """The single-call probability level β with P(request <= F⁻¹(β)) = q."""
    if k == n:
        return q ** (1.0 / n)  # solves β^N = q
    # P(Bin(N, β) >= k) is increasing in β: bisect to double precision.
    lo, hi = 0.0, 1.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if mid in (lo, hi):
            break
        if 1.0 - _core.latency_binom_cdf(k - 1, n, mid) < q:
            lo = mid
        else:
            hi = mid
    return hi


def quantile_of(dist: Distribution, level: float) -> float:
    """The generalized inverse F⁻¹(level) = inf{t : F(t) >= level} by bisection on the cdf."""
    lo, hi = _bracket(dist, level)
    for _ in range(2000):
        mid = 0.5 * (lo + hi)
        if mid in (lo, hi):
            break
        if dist.cdf(mid) >= level:
            hi = mid
        else:
            lo = mid
    return hi


def _bracket(dist: Distribution, level: float) -> tuple[float, float]:
    m = dist.mean
    scale = dist.std if math.isfinite(dist.std) and dist.std > 0 else max(abs(m), 1.0)
    if not math.isfinite(m):
        m, scale = 0.0, 1.0
    lo, hi = m - scale, m + scale
    while dist.cdf(hi) < level:
        hi = m + 2.0 * (hi - m)
        if not math.isfinite(hi):
            raise ValueError(f"the {level!r}-quantile of {dist} is not finite")
    while lo > -math.inf and dist.cdf(lo) >= level:
        lo = m - 2.0 * (m - lo)
    return lo, hi


def fanout_quantile(
    dist: Distribution | str | float, n: int, q: float = 0.99, k: int | None = None
) -> float:
    """The request latency t with P(request <= t) = q, for N parallel calls of ``dist``.

    Parameters
    ----------
    dist : Distribution, str or float
        One call's latency distribution (a ``qsmcore.random`` spec).
    n : int
        Fan-out N >= 1.
    q : float
        Probability in (0, 1), e.g. 0.99 for the request's P99.
    k : int, optional
        The request completes with the k-th fastest call; None = all N.

    Returns
    -------
    float
        F⁻¹(q^(1/N)) for k = N, else F⁻¹(β) with I_β(k, N - k + 1) = q.
    """
    d = as_distribution(dist)
    n = _validate.integer("n", n, low=1, high=MAX_CALLS)
    q = _validate.real("q", q, low=0.0, high=1.0)
    k = _k(k, n)
    return quantile_of(d, _single_call_level(q, n, k))


@dataclass(frozen=True)
class FanoutRow:
    """One row of the amplification table for fan-out N at single-call quantile q.

    ``p_all_fast`` = q^N: every call is under the single-call q-quantile;
    ``p_slow`` = 1 - q^N: at least one call is slower; ``call_level`` = q^(1/N):
    the single-call quantile that becomes the request's q-quantile;
    ``request_quantile`` / ``single_quantile`` are those latencies when a
    distribution was given (else NaN), and ``amplification`` their ratio.
    """

    n: int
    q: float
    p_all_fast: float
    p_slow: float
    call_level: float
    single_quantile: float
    request_quantile: float

    @property
    def amplification(self) -> float:
        if not (math.isfinite(self.single_quantile) and self.single_quantile != 0):
            return math.nan
        return self.request_quantile / self.single_quantile

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["amplification"] = self.amplification
        return d


def fanout_table(
    dist: Distribution | str | float | None = None,
    n: tuple[int, ...] | list[int] = (1, 10, 100, 1000),
    q: float = 0.99,
) -> tuple[FanoutRow, ...]:
    """What happens to the single-call q-quantile as the fan-out N grows.

    With q = 0.99 and N = 100: 1 - 0.99^100 ≈ 63.4% of requests wait for at least
    one call slower than the single-call P99, and the request's P99 is the
    single call's P99.99 (0.99^(1/100) ≈ 0.9999).
    """
    q = _validate.real("q", q, low=0.0, high=1.0)
    ns = [_validate.integer("n", v, low=1, high=MAX_CALLS) for v in n]
    if not ns:
        raise ValueError("n must hold at least one fan-out")
    d = None if dist is None else as_distribution(dist)
    single = math.nan if d is None else quantile_of(d, q)
    rows = []
    for ni in ns:
        level = q ** (1.0 / ni)
        rows.append(
            FanoutRow(
                n=ni,
                q=q,
                p_all_fast=q**ni,
                p_slow=-math.expm1(ni * math.log(q)),
                call_level=level,
                single_quantile=single,
                request_quantile=math.nan if d is None else quantile_of(d, level),
            )
        )
    return tuple(rows)
