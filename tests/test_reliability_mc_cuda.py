"""The reliability Monte Carlo kernel's GPU path.

The GPU runs ``group_failures`` (``mc_program.hpp``) once per group of 64 blocks: scalar
Philox streams and the portable deposit. ``_core.reliability_mc_scalar`` runs that same
QSM_HD path on the CPU, so its failure counts must equal the SIMD-batched CPU kernel's
exactly — checked here everywhere, with or without a GPU. On a machine with a GPU the
device's counts are compared with the CPU's too.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qsmcore import _core
from qsmcore._seed import philox_key
from qsmcore.reliability import (
    Component,
    _mc_input,
    compile_structure,
    k_of_n,
    monte_carlo,
    not_gate,
    parallel,
    series,
    vote_gate,
)

from .gpu import requires_gpu


def mixed_program():
    ps = [0.1, 0.0, 1.0, 1e-9, 0.37, 0.5, 2.0**-40, 0.999]
    c = [Component(f"c{i}", p) for i, p in enumerate(ps)]
    return compile_structure(
        series(
            k_of_n(2, c[0], c[3], c[4]),
            parallel(c[1], c[5], c[6]),
            not_gate(c[2]),
            vote_gate(2, c[4], c[7], c[0]),
        )
    )


def scalar_failures(prog, seed, start, trials):
    p, op, k, off, inp = _mc_input.checked_arrays(prog)
    return _core.reliability_mc_scalar(
        p, op, k, off, inp, prog.top, philox_key(seed), start, trials
    )


@pytest.mark.parametrize("start", [0, 37, 2**40 + 5])
@pytest.mark.parametrize("trials", [1, 64, 100_003])
def test_scalar_path_equals_the_cpu_kernel(start, trials):
    prog = mixed_program()
    for seed in (0, 1, 12345):
        cpu = monte_carlo(prog, trials, seed=seed, start=start).failures
        assert scalar_failures(prog, seed, start, trials) == cpu


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.floats(0, 1), min_size=1, max_size=12),
    st.integers(0, 2**32),
    st.integers(0, 10_000),
    st.integers(1, 5_000),
)
def test_scalar_path_equals_the_cpu_kernel_on_random_systems(ps, seed, start, trials):
    parts = [Component(f"x{i}", p) for i, p in enumerate(ps)]
    prog = compile_structure(k_of_n(max(1, len(parts) // 2), *parts))
    cpu = monte_carlo(prog, trials, seed=seed, start=start).failures
    assert scalar_failures(prog, seed, start, trials) == cpu


def test_backend_arguments():
    prog = mixed_program()
    with pytest.raises(ValueError, match="backend"):
        monte_carlo(prog, 1000, backend="gpu")
    with pytest.raises(ValueError, match="naive"):
        monte_carlo(prog, 1000, method="importance", backend="cuda")
    # "auto" with importance sampling stays on the CPU: same result as backend="cpu".
    a = monte_carlo(prog, 10_000, method="importance", backend="auto")
    b = monte_carlo(prog, 10_000, method="importance", backend="cpu")
    assert (a.failures, a.sum_w) == (b.failures, b.sum_w)


@requires_gpu
@pytest.mark.parametrize("start", [0, 999, 2**40 + 5])
def test_cuda_failure_counts_equal_the_cpu(start):
    prog = mixed_program()
    for seed in (0, 7):
        cpu = monte_carlo(prog, 3_000_017, seed=seed, start=start, backend="cpu")
        gpu = monte_carlo(prog, 3_000_017, seed=seed, start=start, backend="cuda")
        assert gpu.failures == cpu.failures
        assert (gpu.low, gpu.high) == (cpu.low, cpu.high)


@requires_gpu
def test_cuda_large_program():
    rng = np.random.default_rng(3)
    parts = [Component(f"y{i}", float(p)) for i, p in enumerate(rng.random(300) * 0.2)]
    groups = [parallel(*parts[i : i + 3]) for i in range(0, 300, 3)]
    prog = compile_structure(series(*groups))
    cpu = monte_carlo(prog, 1_000_000, seed=2, backend="cpu")
    gpu = monte_carlo(prog, 1_000_000, seed=2, backend="cuda")
    assert gpu.failures == cpu.failures
