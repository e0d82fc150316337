"""Results of queue simulations: per-replication rows turned into confidence intervals.

The C++ kernels (``cpp/include/qsm/queue/metrics.hpp``) write one row per replication
and per group (the whole station, each priority class, each network node): the fixed
columns of ``COLUMNS`` and then the wait and the response quantiles. Every figure a
result reports is the mean over replications with a Student-t interval, so its
uncertainty is honest whatever the autocorrelation inside one replication. The rows
are kept (``per_replication``), which is what makes results combinable: runs of
replications ``0..k-1`` and ``k..R-1`` concatenate into the run of ``0..R-1``
exactly (``combine``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from qsmcore.stats import ConfidenceInterval, mean_ci

# Column order of one row, as cpp/include/qsm/queue/metrics.hpp's enum Col.
COLUMNS = (
    "arrivals",
    "served",
    "blocked",
    "wait",
    "response",
    "prob_wait",
    "utilization",
    "number_in_system",
    "queue_length",
    "throughput",
    "blocking",
    "window",
)
DEFAULT_QUANTILES = (0.5, 0.95, 0.99, 0.999)


def row_width(n_quantiles: int) -> int:
    return len(COLUMNS) + 2 * n_quantiles


def interval(values: np.ndarray, confidence: float) -> ConfidenceInterval:
    """``mean_ci`` over replications; NaN fields when a replication had no data."""
    values = np.asarray(values, dtype=np.float64)
    if values.size >= 2 and np.all(np.isfinite(values)):
        return mean_ci(values, confidence)
    nan = math.nan
    mean = float(values.mean()) if values.size and np.all(np.isfinite(values)) else nan
    return ConfidenceInterval(mean, nan, nan, nan, nan, n=int(values.size), confidence=confidence)


def _ci_text(ci: ConfidenceInterval) -> str:
    if math.isnan(ci.half_width):
        return f"{ci.mean:.6g}"
    return f"{ci.mean:.6g} ± {ci.half_width:.2g}"


@dataclass(frozen=True)
class SimulationResult:
    """Simulated steady-state metrics of one station (or class, or node), with CIs.

    Each metric is a ``ConfidenceInterval`` over ``replications`` independent
    replications of ``customers`` arrivals each, the first ``warmup`` of which are
    discarded: ``wait`` (Wq), ``response`` (W), ``prob_wait`` (P(Wq > 0)),
    ``utilization`` (ρ, busy servers / servers), ``number_in_system`` (L, time
    average), ``queue_length`` (Lq, time average), ``throughput`` (served per unit
    time), ``blocking`` (fraction of arrivals lost to a full station).
    ``wait_quantiles[p]`` and ``response_quantiles[p]`` are per-replication
    quantiles (relative resolution 2⁻¹¹) averaged over replications.
    ``per_replication`` holds the raw rows; ``classes`` the per-class results of a
    priority station (highest priority first); ``trace`` the customer trace of the
    first replication when it was asked for.
    """

    wait: ConfidenceInterval
    response: ConfidenceInterval
    prob_wait: ConfidenceInterval
    utilization: ConfidenceInterval
    number_in_system: ConfidenceInterval
    queue_length: ConfidenceInterval
    throughput: ConfidenceInterval
    blocking: ConfidenceInterval
    wait_quantiles: Mapping[float, ConfidenceInterval]
    response_quantiles: Mapping[float, ConfidenceInterval]
    replications: int
    customers: int
    warmup: int
    first_replication: int
    quantiles: tuple[float, ...]
    confidence: float
    per_replication: np.ndarray = field(repr=False)
    classes: tuple[SimulationResult, ...] = ()
    trace: Any = field(default=None, repr=False)
    model: str = ""

    @classmethod
    def from_rows(
        cls,
        rows: np.ndarray,
        *,
        customers: int,
        warmup: int,
        first_replication: int,
        quantiles: Sequence[float],
        confidence: float,
        classes: tuple[SimulationResult, ...] = (),
        trace: Any = None,
        model: str = "",
    ) -> SimulationResult:
        """Build a result from an (R, row_width) array of per-replication rows."""
        rows = np.ascontiguousarray(rows, dtype=np.float64)
        quantiles = tuple(float(q) for q in quantiles)
        nq = len(quantiles)
        if rows.ndim != 2 or rows.shape[1] != row_width(nq):
            raise ValueError(f"rows must have shape (R, {row_width(nq)}), got {rows.shape}")
        rows.setflags(write=False)
        col = {name: rows[:, i] for i, name in enumerate(COLUMNS)}
        base = len(COLUMNS)

        def ci(name: str) -> ConfidenceInterval:
            return interval(col[name], confidence)

        wq = {q: interval(rows[:, base + j], confidence) for j, q in enumerate(quantiles)}
        rq = {q: interval(rows[:, base + nq + j], confidence) for j, q in enumerate(quantiles)}
        return cls(
            wait=ci("wait"),
            response=ci("response"),
            prob_wait=ci("prob_wait"),
            utilization=ci("utilization"),
            number_in_system=ci("number_in_system"),
            queue_length=ci("queue_length"),
            throughput=ci("throughput"),
            blocking=ci("blocking"),
            wait_quantiles=MappingProxyType(wq),
            response_quantiles=MappingProxyType(rq),
            replications=int(rows.shape[0]),
            customers=int(customers),
            warmup=int(warmup),
            first_replication=int(first_replication),
            quantiles=quantiles,
            confidence=float(confidence),
            per_replication=rows,
            classes=classes,
            trace=trace,
            model=model,
        )

    def column(self, name: str) -> np.ndarray:
        """The per-replication values of one column of ``COLUMNS``."""
        if name not in COLUMNS:
            raise ValueError(f"name must be one of {COLUMNS}, got {name!r}")
        return self.per_replication[:, COLUMNS.index(name)]

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            name: getattr(self, name).to_dict()
            for name in (
                "wait",
                "response",
                "prob_wait",
                "utilization",
                "number_in_system",
                "queue_length",
                "throughput",
                "blocking",
            )
        }
        out["wait_quantiles"] = {str(q): ci.to_dict() for q, ci in self.wait_quantiles.items()}
        out["response_quantiles"] = {
            str(q): ci.to_dict() for q, ci in self.response_quantiles.items()
        }
        out.update(
            replications=self.replications,
            customers=self.customers,
            warmup=self.warmup,
            first_replication=self.first_replication,
            quantiles=list(self.quantiles),
            confidence=self.confidence,
            model=self.model,
        )
        if self.classes:
            out["classes"] = [c.to_dict() for c in self.classes]
        return out

    def __str__(self) -> str:
        lines = [
            *([self.model] if self.model else []),
            f"simulation: {self.replications} replications × {self.customers} customers "
            f"(warm-up {self.warmup}), {self.confidence:.0%} CIs",
            f"  utilization ρ     {_ci_text(self.utilization)}",
            f"  wait Wq           {_ci_text(self.wait)}",
            f"  response W        {_ci_text(self.response)}",
            f"  queue length Lq   {_ci_text(self.queue_length)}",
            f"  in system L       {_ci_text(self.number_in_system)}",
            f"  P(wait > 0)       {_ci_text(self.prob_wait)}",
            f"  throughput        {_ci_text(self.throughput)}",
            f"  blocking          {_ci_text(self.blocking)}",
        ]
        for q in self.quantiles:
            lines.append(
                f"  P{100 * q:g} wait / response  {_ci_text(self.wait_quantiles[q])} / "
                f"{_ci_text(self.response_quantiles[q])}"
            )
        return "\n".join(lines)


def check_combinable(results: Sequence[Any], fields: Sequence[str]) -> None:
    """Raise ValueError unless ``results`` are consecutive runs of one experiment."""
    if len(results) == 0:
        raise ValueError("results must hold at least one result")
    first = results[0]
    for r in results[1:]:
        for name in fields:
            if getattr(r, name) != getattr(first, name):
                raise ValueError(
                    f"results differ in {name} ({getattr(first, name)!r} vs "
                    f"{getattr(r, name)!r}); only runs of the same model combine"
                )
    expected = first.first_replication
    for r in results:
        if r.first_replication != expected:
            raise ValueError(
                f"results must cover consecutive replications: expected first_replication="
                f"{expected}, got {r.first_replication}"
            )
        expected += r.replications
