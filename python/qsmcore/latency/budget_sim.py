"""Latency budget by simulation: components in series, fan-outs that wait for
all N calls (or the k fastest), each latency a ``qsmcore.random`` spec.

The kernel (``cpp/include/qsm/latency/budget.hpp``) draws call j of the N calls
of stage s of request i from Philox stream (index i·N + j, lane s), so the result is a pure
function of (stages, seed, start, n): independent of threads, and split
invariant (requests 0..n-1 in one call equal 0..m-1 then m..n-1 with
``start=m``). See docs/determinism.md, "latency budget".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from qsmcore import _backend, _core, _seed
from qsmcore.latency import _validate
from qsmcore.latency.order_stats import Percentiles, percentiles
from qsmcore.random import Distribution, as_distribution
from qsmcore.stats import ConfidenceInterval, mean_ci

MAX_CALLS = 4096  # qsm::latency::kMaxCalls
MAX_STAGES = 65536  # qsm::latency::kMaxStages (one Philox lane each)
MAX_REQUESTS = 2**40  # qsm::latency::kMaxRequests: start + n
MAX_PER_CALL = 2**30  # n of one call (8 GiB of totals); continue with start= for more
MAX_STAGE_TABLE = 2**28  # n × stages doubles kept for the per-stage breakdown (2 GiB)
BUDGET_QUANTILES = (0.5, 0.95, 0.99, 0.999)


@dataclass(frozen=True)
class FanOut:
    """N parallel calls of ``dist``; the stage ends with the k-th fastest (k = N: all)."""

    dist: Distribution
    n: int
    k: int
    spec: str | None = field(default=None, compare=False)  # as the user wrote it

    def __str__(self) -> str:
        how = "all" if self.k == self.n else f"{self.k}-of-{self.n}"
        return f"fanout({self.spec or self.dist}, n={self.n}, {how})"


def fanout(dist: Distribution | str | float, n: int = 10, k: int | None = None) -> FanOut:
    """A fan-out stage: ``n`` parallel calls of ``dist``, waiting for ``k`` (None = all).

    Parameters
    ----------
    dist : Distribution, str or float
        One call's latency.
    n : int
        Number of calls N, 1 <= N <= 4096.
    k : int, optional
        The stage completes when the k fastest calls have answered (1 <= k <= N);
        None waits for all N (the maximum).
    """
    d = as_distribution(dist)
    n = _validate.integer("n", n, low=1, high=MAX_CALLS)
    k = n if k is None else _validate.integer("k", k, low=1, high=n)
    return FanOut(d, n, k, dist if isinstance(dist, str) else None)


StageLike = FanOut | Distribution | str | float


def _stage(i: int, s: Any) -> FanOut:
    if isinstance(s, FanOut):
        return s
    if isinstance(s, (Distribution, str)) or (
        isinstance(s, (int, float)) and not isinstance(s, bool)
    ):
        try:
            return FanOut(as_distribution(s), 1, 1, s if isinstance(s, str) else None)
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"stages[{i}]: {exc}") from None
    raise TypeError(
        f"stages[{i}] must be a distribution, a spec string, a number or fanout(...), "
        f"got {s!r} ({type(s).__name__})"
    )


@dataclass(frozen=True)
class StageSummary:
    """One stage's share: its mean and P99 (with CIs) as simulated."""

    label: str
    mean: ConfidenceInterval
    p99: Any  # PercentileEstimate

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "mean": self.mean.to_dict(), "p99": self.p99.to_dict()}


@dataclass(frozen=True)
class BudgetResult:
    """End-to-end latency of ``n`` simulated requests.

    ``mean`` is a Student-t interval, ``percentiles`` order-statistic intervals
    (``result.percentiles[0.99]``); ``stages`` the per-stage mean and P99 (None
    when ``per_stage=False``); ``samples`` the n totals when asked for.
    """

    n: int
    seed: Any
    start: int
    stages: tuple[str, ...]
    mean: ConfidenceInterval
    percentiles: Percentiles
    stage_summaries: tuple[StageSummary, ...] | None
    samples: np.ndarray | None = field(default=None, repr=False, compare=False)

    def quantile(self, q: float) -> float:
        return self.percentiles[q].value

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "seed": self.seed if isinstance(self.seed, int) else repr(self.seed),
            "start": self.start,
            "stages": list(self.stages),
            "mean": self.mean.to_dict(),
            "percentiles": self.percentiles.to_dict(),
            "stage_summaries": None
            if self.stage_summaries is None
            else [s.to_dict() for s in self.stage_summaries],
        }

    def __str__(self) -> str:
        lines = [f"latency budget: {self.n} requests through {len(self.stages)} stage(s)"]
        lines.append(f"  mean  {self.mean}")
        lines += [f"  {e}" for e in self.percentiles]
        for s in self.stage_summaries or ():
            lines.append(f"  {s.label}: mean {s.mean.mean:.6g}, P99 {s.p99.value:.6g}")
        return "\n".join(lines)


def simulate(
    stages: Sequence[StageLike],
    n: int = 1_000_000,
    seed: int | np.random.SeedSequence = 0,
    *,
    start: int = 0,
    per_stage: bool = False,
    threads: int | None = None,
) -> tuple[np.ndarray, np.ndarray | None]:
    """The raw simulation: ``(totals, per_stage_table or None)``, n requests from ``start``."""
    if isinstance(stages, (str, bytes, FanOut, Distribution)) or not isinstance(stages, Sequence):
        raise TypeError(f"stages must be a list of stages, got {stages!r}")
    if not 1 <= len(stages) <= MAX_STAGES:
        raise ValueError(f"stages must hold between 1 and {MAX_STAGES} stages, got {len(stages)}")
    plan = [_stage(i, s) for i, s in enumerate(stages)]
    n = _validate.integer("n", n, low=1, high=MAX_PER_CALL)
    start = _validate.integer("start", start, low=0, high=MAX_REQUESTS - n)
    if not isinstance(per_stage, bool):
        raise TypeError(f"per_stage must be a bool, got {per_stage!r}")
    if per_stage and n * len(plan) > MAX_STAGE_TABLE:
        raise ValueError(
            f"per_stage=True keeps n × stages = {n * len(plan)} doubles, more than "
            f"{MAX_STAGE_TABLE}; lower n or pass per_stage=False"
        )
    key = _seed.philox_key(seed)
    nthreads = _backend.check_threads(threads)
    args = [(*st.dist._kernel_args(), st.n, st.k) for st in plan]
    totals, table = _core.latency_budget(args, key, start, n, per_stage, nthreads)
    return totals, table


def budget(
    stages: Sequence[StageLike],
    n: int = 1_000_000,
    seed: int | np.random.SeedSequence = 0,
    quantiles: float | Sequence[float] = BUDGET_QUANTILES,
    confidence: float = 0.95,
    *,
    start: int = 0,
    per_stage: bool = True,
    keep_samples: bool = False,
    threads: int | None = None,
) -> BudgetResult:
    """Simulate ``n`` requests through ``stages`` and summarize the end-to-end latency.

    Parameters
    ----------
    stages : list
        In series, each a latency spec (``"lognormal:mean=2,scv=1"``, a
        Distribution or a constant) or ``fanout(spec, n=N, k=k)``.
    n : int
        Requests to simulate, 1 <= n <= 2**30 (1e6 takes well under a second);
        run more in parts with ``start``.
    seed : int or numpy.random.SeedSequence
        Philox key; the same seed gives the same requests on every machine.
    quantiles : float or sequence of float
        Probabilities for the percentile table.
    confidence : float
        Coverage of every interval.
    start : int
        Index of the first request, start + n <= 2**40 (continue a run: split
        invariance).
    per_stage : bool
        Also report each stage's mean and P99 (keeps an n × stages table).
    keep_samples : bool
        Keep the n totals in ``result.samples``.
    threads : int, optional
        CPU threads; results do not depend on it.

    Returns
    -------
    BudgetResult
    """
    qs = _validate.quantiles(quantiles, "quantiles")
    confidence = _validate.confidence(confidence)
    if not isinstance(keep_samples, bool):
        raise TypeError(f"keep_samples must be a bool, got {keep_samples!r}")
    totals, table = simulate(stages, n, seed, start=start, per_stage=per_stage, threads=threads)
    plan = [_stage(i, s) for i, s in enumerate(stages)]
    labels = tuple((st.spec or str(st.dist)) if st.n == 1 else str(st) for st in plan)
    summaries = None
    if table is not None and totals.size >= 2:
        summaries = tuple(
            StageSummary(
                label=labels[j],
                mean=mean_ci(table[:, j], confidence, threads=threads),
                p99=percentiles(table[:, j], 0.99, confidence)[0.99],
            )
            for j in range(len(plan))
        )
    mean = (
        mean_ci(totals, confidence, threads=threads)
        if totals.size >= 2
        else ConfidenceInterval(
            float(totals[0]), math.inf, -math.inf, math.inf, math.nan, 1, confidence
        )
    )
    return BudgetResult(
        n=int(totals.size),
        seed=seed,
        start=start,
        stages=labels,
        mean=mean,
        percentiles=percentiles(totals, qs, confidence),
        stage_summaries=summaries,
        samples=totals if keep_samples else None,
    )
