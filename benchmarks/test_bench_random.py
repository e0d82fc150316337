"""pytest-benchmark: qsmcore.random.sample beside numpy.random.Generator (Philox, PCG64).

Run with ``python -m pytest benchmarks -q --benchmark-only``. Each benchmark
checks what it timed (plausible mean; qsmcore: the same draws on any thread
count); none asserts a speed.
"""

from __future__ import annotations

import numpy as np
import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from qsmcore import random as qr

from ._data import mean_is_plausible, numpy_generators, sample_cases

N = 1_000_000
CASES = sample_cases()


@pytest.mark.parametrize("threads", [None, 1])
@pytest.mark.parametrize("name", list(CASES))
def test_qsmcore_sample(benchmark: BenchmarkFixture, name: str, threads: int | None) -> None:
    case = CASES[name]
    benchmark.group = f"sample {case.label} ×{N:,}"
    benchmark.extra_info["items"] = N
    out = benchmark(qr.sample, case.dist, N, seed=0, backend="cpu", threads=threads)
    assert out.dtype == np.float64 and out.shape == (N,)
    assert mean_is_plausible(out, case.dist)
    assert np.array_equal(out, qr.sample(case.dist, N, seed=0, backend="cpu", threads=3))


@pytest.mark.parametrize("bitgen", ["Philox", "PCG64"])
@pytest.mark.parametrize("name", list(CASES))
def test_numpy_sample(benchmark: BenchmarkFixture, name: str, bitgen: str) -> None:
    case = CASES[name]
    gen = numpy_generators(0)[bitgen]
    benchmark.group = f"sample {case.label} ×{N:,}"
    benchmark.extra_info["items"] = N
    out = benchmark(case.numpy_draw, gen, N)
    assert out.dtype == np.float64 and out.shape == (N,)
    assert mean_is_plausible(out, case.dist)
