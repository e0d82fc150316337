"""compare.py sample: qsmcore.random.sample beside numpy.random.Generator, same n."""

from __future__ import annotations

import numpy as np

import qsmcore
from qsmcore import random as qr

from ._data import SampleCase, mean_is_plausible, numpy_generators, sample_cases
from ._rows import Row
from ._timing import best_of

NOTE = (
    "check: sample mean within 6 standard errors of the exact mean (the streams differ); "
    "qsmcore threads=1 must also equal its all-threads draws bit for bit"
)


def _mean_check(x: np.ndarray, case: SampleCase) -> str:
    return "mean ok" if mean_is_plausible(x, case.dist) else "MEAN OFF"


def case_rows(case: SampleCase, n: int, repeat: int, seed: int = 0) -> list[Row]:
    """qsmcore (all threads, 1 thread) and NumPy Philox / PCG64 drawing ``n`` of one law."""
    label = f"{case.label} ×{n:,}"
    threads = qsmcore.backends()["cpu"]["threads"]
    t_all, x_all = best_of(lambda: qr.sample(case.dist, n, seed=seed, backend="cpu"), repeat)
    t_one, x_one = best_of(
        lambda: qr.sample(case.dist, n, seed=seed, backend="cpu", threads=1), repeat
    )
    same = np.array_equal(x_all, x_one)
    rows = [
        Row(label, f"qsmcore sample, {threads} threads", None, n, n, t_all,
            _mean_check(x_all, case), [NOTE]),
        Row(label, "qsmcore sample, threads=1", None, n, n, t_one,
            _mean_check(x_one, case) if same else "DIFFERS from all-threads draws"),
    ]  # fmt: skip
    for name, gen in numpy_generators(seed).items():
        t, x = best_of(lambda gen=gen: case.numpy_draw(gen, n), repeat)
        impl = f"NumPy {name}.{case.numpy_call}"
        rows.append(Row(label, impl, name, n, n, t, _mean_check(x, case)))
    return rows


def run(scale: int, repeat: int) -> list[Row]:
    """Every distribution of ``sample_cases()`` at 10M/``scale`` draws."""
    n = 10_000_000 // scale
    return [row for case in sample_cases().values() for row in case_rows(case, n, repeat)]
