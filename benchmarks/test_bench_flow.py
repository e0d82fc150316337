"""pytest-benchmark: qsmcore.flow beside OR-Tools (and SciPy) on the same instances.

Run with ``python -m pytest benchmarks -q --benchmark-only``. Each benchmark checks
that the optimum it timed equals qsmcore's; none asserts a speed. Instances are
compare.py flow's at --quick size.
"""

from __future__ import annotations

import numpy as np
import pytest
from pytest_benchmark.fixture import BenchmarkFixture as Bench

from qsmcore import flow

from . import _flow_peers as peers
from ._flow_suite import Instance, max_flow_instances, min_cost_instances

QUICK = 10
MAX = {i.case: i for i in max_flow_instances(QUICK) if i.case.startswith(("grid", "GENRMF"))}
MIN = {i.case: i for i in min_cost_instances(QUICK)[:2]}


def _max_args(i: Instance) -> tuple:
    return (i.tails, i.heads, i.capacities, i.source, i.sink, i.n)


def _ours_max(i: Instance) -> int:
    return flow.max_flow(*_max_args(i)[:5], n_nodes=i.n).value


@pytest.mark.parametrize("case", list(MAX))
def test_max_flow_qsmcore(benchmark: Bench, case: str) -> None:
    benchmark.group = f"max_flow {case}"
    i = MAX[case]
    assert benchmark(_ours_max, i) > 0


@pytest.mark.parametrize("case", list(MAX))
@pytest.mark.parametrize("peer", ["OR-Tools", "SciPy"])
def test_max_flow_peer(benchmark: Bench, case: str, peer: str) -> None:
    fn = peers.MAX_FLOW[peer]
    if fn is None:
        pytest.skip(f"{peer} is not installed (the peers extra)")
    benchmark.group = f"max_flow {case}"
    i = MAX[case]
    assert benchmark(fn, *_max_args(i)).value == _ours_max(i)


def _min_args(i: Instance) -> tuple:
    return (i.tails, i.heads, i.capacities, i.costs, i.supplies)


@pytest.mark.parametrize("case", list(MIN))
def test_min_cost_qsmcore(benchmark: Bench, case: str) -> None:
    benchmark.group = f"min_cost_flow {case}"
    i = MIN[case]
    r = benchmark(flow.min_cost_flow, *_min_args(i), n_nodes=i.n)
    assert np.array_equal(
        np.bincount(i.tails, r.flow, i.n) - np.bincount(i.heads, r.flow, i.n), i.supplies
    )


@pytest.mark.parametrize("case", list(MIN))
def test_min_cost_ortools(benchmark: Bench, case: str) -> None:
    if peers.MIN_COST["OR-Tools"] is None:
        pytest.skip("OR-Tools is not installed (the peers extra)")
    benchmark.group = f"min_cost_flow {case}"
    i = MIN[case]
    ours = flow.min_cost_flow(*_min_args(i), n_nodes=i.n).total_cost
    assert benchmark(peers.MIN_COST["OR-Tools"], *_min_args(i)).value == ours
