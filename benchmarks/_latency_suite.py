"""compare.py latency: the budget simulation beside a vectorized NumPy Monte Carlo,
and the coordinated-omission correction beside NumPy and the ``hdrhistogram`` package."""

from __future__ import annotations

import math

import numpy as np

import qsmcore
from qsmcore import latency
from qsmcore import random as qr

from ._rows import Row
from ._timing import best_of

try:
    from hdrh.histogram import HdrHistogram
except ImportError:  # the peers extra is optional
    HdrHistogram = None

TITLE = "latency: budget vs NumPy Monte Carlo; coordinated omission vs NumPy and hdrhistogram"

BUDGET_NOTE = (
    "budget check: mean within 6 standard errors of the exact mean (the streams differ); "
    "qsmcore threads=1 must equal its all-threads result bit for bit"
)
CO_NOTE = (
    "correction: qsmcore and NumPy return the corrected array, hdrhistogram records it into "
    "its histogram (record_corrected_value, a Python loop, timed on a prefix); check = same "
    "values (NumPy) or same total count (hdrhistogram)"
)

LOGNORMAL = qr.lognormal(mean=2.0, scv=1.0)
CALLS = 10


def _mean_check(x: np.ndarray, exact: float) -> str:
    se = x.std() / math.sqrt(x.size)
    return "mean ok" if abs(x.mean() - exact) <= 6 * se else "MEAN OFF"


def _numpy_budget(n: int, k: int | None, seed: int) -> np.ndarray:
    """lognormal + (max or k-th smallest of 10 exponentials), vectorized in NumPy."""
    rng = np.random.default_rng(seed)
    mu, sigma = LOGNORMAL.mu, LOGNORMAL.sigma
    calls = rng.exponential(1.0, size=(n, CALLS))
    stage = calls.max(axis=1) if k is None else np.partition(calls, k - 1, axis=1)[:, k - 1]
    return rng.lognormal(mu, sigma, n) + stage


def _exact_mean(k: int | None) -> float:
    # E[k-th smallest of N exp(1)] = sum_{j=N-k+1}^{N} 1/j (Rényi's representation).
    kk = CALLS if k is None else k
    return LOGNORMAL.mean + sum(1.0 / j for j in range(CALLS - kk + 1, CALLS + 1))


def budget_rows(n: int, repeat: int, k: int | None) -> list[Row]:
    how = "all" if k is None else f"{k}-of-{CALLS}"
    case = f"lognormal + fan-out {CALLS} exp ({how}) ×{n:,}"
    stages = [LOGNORMAL, latency.fanout("exp:1", CALLS, k)]
    threads = qsmcore.backends()["cpu"]["threads"]
    exact = _exact_mean(k)
    t_all, x_all = best_of(lambda: latency.simulate(stages, n, seed=0)[0], repeat)
    t_one, x_one = best_of(lambda: latency.simulate(stages, n, seed=0, threads=1)[0], repeat)
    t_np, x_np = best_of(lambda: _numpy_budget(n, k, 0), repeat)
    same = np.array_equal(x_all, x_one)
    return [
        Row(case, f"qsmcore simulate, {threads} threads", None, n, n, t_all,
            _mean_check(x_all, exact), [BUDGET_NOTE]),
        Row(case, "qsmcore simulate, threads=1", None, n, n, t_one,
            _mean_check(x_one, exact) if same else "DIFFERS from all-threads result"),
        Row(case, "NumPy vectorized (PCG64)", "NumPy", n, n, t_np, _mean_check(x_np, exact)),
    ]  # fmt: skip


def _recorded(n: int) -> np.ndarray:
    """Integer microsecond latencies: ~1 ms typical, a heavy tail of stalls."""
    rng = np.random.default_rng(5)
    return np.round(rng.lognormal(6.5, 1.3, n)).astype(np.int64) + 1


def _numpy_correction(v: np.ndarray, interval: float) -> np.ndarray:
    """The Python-package rule (v - kI while > 0) with np.repeat."""
    extra = np.ceil(v / interval).astype(np.int64) - 1
    extra[v <= interval] = 0
    start = np.repeat(np.cumsum(extra + 1) - (extra + 1), extra + 1)
    k = np.arange(start.size) - start
    return np.repeat(v.astype(np.float64), extra + 1) - k * interval


def correction_rows(n: int, repeat: int) -> list[Row]:
    interval = 1000.0
    v = _recorded(n)
    case = f"correct ×{n:,} (interval 1 ms)"
    t_q, out = best_of(
        lambda: latency.correct_coordinated_omission(v, interval, rule="python"), repeat
    )
    t_np, out_np = best_of(lambda: _numpy_correction(v, interval), repeat)
    rows = [
        Row(case, "qsmcore correct_coordinated_omission", None, n, n, t_q,
            f"{out.size:,} values out", [CO_NOTE]),
        Row(case, "NumPy repeat/arange", "NumPy", n, n, t_np,
            "= qsmcore" if np.array_equal(out, out_np) else "MISMATCH vs qsmcore"),
    ]  # fmt: skip
    if HdrHistogram is not None:
        m = max(1, n // 20)
        values = v[:m].tolist()

        def hdr() -> HdrHistogram:
            h = HdrHistogram(1, 10**9, 3)
            for x in values:
                h.record_corrected_value(x, int(interval))
            return h

        t_h, h = best_of(hdr, min(repeat, 2))
        ours = latency.correct_coordinated_omission(v[:m], interval, rule="python").size
        check = "= qsmcore count" if h.get_total_count() == ours else "MISMATCH vs qsmcore"
        note = f"hdrhistogram timed on the first {m:,} of {n:,} values (items/s is per item)"
        rows.append(Row(case, "hdrhistogram record_corrected_value loop", "hdrhistogram",
                        n, m, t_h, check, [note]))  # fmt: skip
    return rows


def run(scale: int, repeat: int) -> list[Row]:
    n = 2_000_000 // scale
    return [
        *budget_rows(n, repeat, None),
        *budget_rows(n, repeat, 9),
        *correction_rows(n, repeat),
    ]
