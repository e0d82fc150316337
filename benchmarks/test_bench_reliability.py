"""pytest-benchmark: qsmcore.reliability's Monte Carlo beside the vectorized NumPy baseline
on compare.py reliability's cases, at reduced size.

Run with ``python -m pytest benchmarks -q --benchmark-only``. NumPy runs an eighth of
qsmcore's trials (compare the times per trial). Each benchmark checks its estimate
against the exact answer (within 6 standard errors); none asserts a speed.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from pytest_benchmark.fixture import BenchmarkFixture as Bench

from qsmcore.reliability import monte_carlo, network_reliability_mc, two_terminal

from ._reliability_suite import (
    GRID,
    _grid_edges,
    _numpy_grid,
    _numpy_program,
    _series_parallel,
    _two_of_three,
)

PROGRAMS = {"2of3": (_two_of_three, 1_000_000), "sp": (_series_parallel, 125_000)}
GRID_P, GRID_TRIALS = 0.3, 32_768


def _close(estimate: float, exact: float, n: int) -> bool:
    return abs(estimate - exact) <= 6 * math.sqrt(exact * (1 - exact) / n)


@pytest.mark.parametrize("case", list(PROGRAMS))
@pytest.mark.parametrize("threads", [None, 1])
def test_program_qsmcore(benchmark: Bench, case: str, threads: int | None) -> None:
    make, n = PROGRAMS[case]
    prog, exact = make()
    benchmark.group = f"reliability {case}"
    r = benchmark(monte_carlo, prog, n, seed=0, threads=threads)
    assert _close(r.probability, exact, n)


@pytest.mark.parametrize("case", list(PROGRAMS))
def test_program_numpy(benchmark: Bench, case: str) -> None:
    make, n = PROGRAMS[case]
    _, exact = make()
    benchmark.group = f"reliability {case}"
    n //= 8
    assert _close(benchmark(_numpy_program, n, 0, case) / n, exact, n)


def _grid_exact(edges: np.ndarray) -> float:
    r = two_terminal(edges[:, 0], edges[:, 1], GRID_P, 0, GRID * GRID - 1)
    return r.failure_probability


@pytest.mark.parametrize("threads", [None, 1])
def test_grid_qsmcore(benchmark: Bench, threads: int | None) -> None:
    edges = _grid_edges(GRID)
    p = np.full(edges.shape[0], GRID_P)
    benchmark.group = "reliability grid"
    r = benchmark(
        network_reliability_mc, GRID * GRID, edges, p, GRID_TRIALS,
        terminals=[0, GRID * GRID - 1], threads=threads,
    )  # fmt: skip
    assert _close(r.probability, _grid_exact(edges), GRID_TRIALS)


def test_grid_numpy(benchmark: Bench) -> None:
    edges = _grid_edges(GRID)
    benchmark.group = "reliability grid"
    n = GRID_TRIALS // 8
    assert _close(benchmark(_numpy_grid, n, 0, edges, GRID_P) / n, _grid_exact(edges), n)
