"""The accuracy simulator behind ``qsm sketch accuracy``: measured error against
memory for every sketch, over independent trials, beside the error theory
promises. The sketches do the work in C++; this module only sets up trials."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class AccuracyRow:
    structure: str
    setting: str
    memory: int  # bytes of the stored sketch
    measured: float
    theory: float  # nan where theory gives no single number
    metric: str


def _distinct(n: int, trial: int) -> np.ndarray:
    """n distinct keys, disjoint between trials."""
    return np.arange(n, dtype=np.uint64) + np.uint64(trial) * np.uint64(n)


def _hll(trials: int, n: int) -> list[AccuracyRow]:
    from qsmcore.sketch import HyperLogLog

    rows = []
    for p in (6, 8, 10, 12, 14):
        errors = []
        for t in range(trials):
            h = HyperLogLog(precision=p, seed=t)
            h.update(_distinct(n, t))
            errors.append(h.estimate() / n - 1.0)
        rmse = math.sqrt(float(np.mean(np.square(errors))))
        rows.append(
            AccuracyRow(
                "HyperLogLog", f"p={p}", len(h.to_bytes()), rmse, 1.04 / math.sqrt(2**p),
                "relative RMSE of the count",
            )
        )  # fmt: skip
    return rows


def _countmin(trials: int, n: int) -> list[AccuracyRow]:
    from qsmcore.sketch import CountMinSketch

    rows = []
    delta = 0.05
    for eps in (1e-2, 1e-3, 1e-4):
        quantiles = []
        for t in range(trials):
            keys = np.random.default_rng(t).zipf(1.2, size=n).astype(np.uint64)
            cms = CountMinSketch(epsilon=eps, delta=delta, seed=t)
            cms.update(keys)
            uniq, true = np.unique(keys, return_counts=True)
            over = (cms.query(uniq).astype(np.int64) - true) / n
            quantiles.append(float(np.quantile(over, 1.0 - delta)))
        rows.append(
            AccuracyRow(
                "Count-Min", f"ε={eps:g}, δ={delta:g}", len(cms.to_bytes()),
                float(np.mean(quantiles)), eps, "(1-δ)-quantile of over-count / N",
            )
        )  # fmt: skip
    return rows


def _bloom(trials: int, n: int) -> list[AccuracyRow]:
    from qsmcore.sketch import BloomFilter

    rows = []
    for kind in ("classic", "split-block"):
        for rate in (0.05, 0.01, 0.001):
            fprs = []
            for t in range(trials):
                f = BloomFilter(n, rate, kind=kind, seed=t)
                f.add(_distinct(n, 2 * t))
                fprs.append(float(np.mean(f.contains(_distinct(n, 2 * t + 1)))))
            rows.append(
                AccuracyRow(
                    f"Bloom ({kind})", f"p={rate:g} at capacity", len(f.to_bytes()),
                    float(np.mean(fprs)), rate, "false-positive rate",
                )
            )  # fmt: skip
    return rows


def _minhash(trials: int, n: int) -> list[AccuracyRow]:
    from qsmcore.sketch import MinHash

    size = max(n // 10, 100)
    jaccard = 0.5  # |A ∩ B| / |A ∪ B| with A, B of `size` items sharing 2/3 of them
    shared = 2 * size // 3
    rows = []
    for k in (32, 128, 512):
        errors = []
        for t in range(trials):
            base = _distinct(size + size - shared, t)
            a, b = MinHash(k, seed=t), MinHash(k, seed=t)
            a.update(base[:size])
            b.update(base[size - shared :])
            exact = shared / (2 * size - shared)
            errors.append(a.jaccard(b) - exact)
        rmse = math.sqrt(float(np.mean(np.square(errors))))
        rows.append(
            AccuracyRow(
                "MinHash", f"k={k}", len(a.to_bytes()), rmse,
                math.sqrt(jaccard * (1 - jaccard) / k), "RMSE of Jaccard ≈ 0.5",
            )
        )  # fmt: skip
    return rows


def _tdigest(trials: int, n: int) -> list[AccuracyRow]:
    from qsmcore import random as qr
    from qsmcore.sketch import TDigest

    rows = []
    for c in (50, 100, 200):
        errors = []
        for t in range(trials):
            x = qr.sample(qr.lognormal(mean=1.0, scv=4.0), n, seed=t)
            d = TDigest(c)
            d.update(x)
            est = d.quantile(0.99)
            errors.append(float(np.mean(x <= est)) - 0.99)  # rank error at p99
        rmse = math.sqrt(float(np.mean(np.square(errors))))
        rows.append(
            AccuracyRow(
                "t-digest", f"compression={c}", len(d.to_bytes()), rmse, math.nan,
                "RMSE of the rank of p99",
            )
        )  # fmt: skip
    return rows


def simulate(trials: int = 10, n: int = 100_000) -> list[AccuracyRow]:
    """Every structure at a few memory sizes, ``trials`` independent runs each."""
    rows: list[AccuracyRow] = []
    for family in (_hll, _countmin, _bloom, _minhash, _tdigest):
        rows += family(trials, n)
    return rows


def plot(rows: list[AccuracyRow], path: Path) -> None:
    """Measured (dots) and theoretical (line) error against memory, one panel per structure."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(dict.fromkeys(r.structure for r in rows))
    fig, axes = plt.subplots(1, len(names), figsize=(3.2 * len(names), 3.2), squeeze=False)
    for ax, name in zip(axes[0], names, strict=True):
        sel = [r for r in rows if r.structure == name]
        mem = [r.memory for r in sel]
        ax.loglog(mem, [r.measured for r in sel], "o", label="measured")
        if not all(math.isnan(r.theory) for r in sel):
            ax.loglog(mem, [r.theory for r in sel], "-", label="theory")
        ax.set_title(name, fontsize=9)
        ax.set_xlabel("bytes")
        ax.set_ylabel(sel[0].metric, fontsize=7)
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
