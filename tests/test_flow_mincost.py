"""qsmcore.flow.min_cost_flow / assignment: exact agreement with OR-Tools and NetworkX,
optimality certificates (conservation, capacities, complementary slackness) checked
exactly on every instance, infeasibility, and bad input."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from qsmcore.flow import (
    AssignmentResult,
    InfeasibleFlowError,
    MinCostFlowResult,
    assignment,
    min_cost_flow,
)

min_cost_flow_mod = pytest.importorskip("ortools.graph.python.min_cost_flow")


# ----------------------------------------------------------------------------- helpers


def certify(t, h, u, c, b, r: MinCostFlowResult) -> None:
    """The result is an optimal flow: feasible, and π proves it (LP duality)."""
    t, h, u, c, b = (np.asarray(x, dtype=np.int64) for x in (t, h, u, c, b))
    x = r.flow
    assert x.dtype == np.int64 and r.potentials.dtype == np.int64
    assert x.shape == t.shape and r.potentials.shape == b.shape
    assert np.all(x >= 0) and np.all(x <= u)
    net = np.zeros(b.size, dtype=np.int64)
    np.add.at(net, t, x)
    np.subtract.at(net, h, x)
    assert np.array_equal(net, b)  # conservation: out - in = b_i
    rc = r.reduced_costs(t, h, c)
    assert np.all(rc[x < u] >= 0)  # residual forward arc: no improving direction
    assert np.all(rc[x > 0] <= 0)  # residual backward arc: same
    assert r.total_cost == int(np.dot(c, x))
    assert r.status == "optimal"


def ortools_cost(t, h, u, c, b):
    smcf = min_cost_flow_mod.SimpleMinCostFlow()
    if len(t):
        smcf.add_arcs_with_capacity_and_unit_cost(
            np.asarray(t), np.asarray(h), np.asarray(u), np.asarray(c)
        )
    smcf.set_nodes_supplies(np.arange(len(b)), np.asarray(b))
    status = smcf.solve()
    if status == smcf.OPTIMAL:
        return smcf.optimal_cost()
    return None


def networkx_cost(t, h, u, c, b):
    g = nx.MultiDiGraph()
    for i, bi in enumerate(b):
        g.add_node(i, demand=-int(bi))
    for e in range(len(t)):
        g.add_edge(int(t[e]), int(h[e]), capacity=int(u[e]), weight=int(c[e]))
    cost, _ = nx.network_simplex(g)
    return cost


@st.composite
def routable_instances(draw, max_nodes=9, max_arcs=24, cost_lo=-20, loops=False):
    """Random multigraph with a feasible flow drawn first, supplies read off it."""
    n = draw(st.integers(1, max_nodes))
    m = draw(st.integers(0, max_arcs))
    ids = st.integers(0, n - 1)
    t = np.array(draw(st.lists(ids, min_size=m, max_size=m)), dtype=np.int64)
    h = np.array(draw(st.lists(ids, min_size=m, max_size=m)), dtype=np.int64)
    if not loops and m:
        h = np.where(h == t, (h + 1) % n, h) if n > 1 else h
        keep = h != t
        t, h = t[keep], h[keep]
        m = t.size
    u = np.array(draw(st.lists(st.integers(0, 12), min_size=m, max_size=m)), dtype=np.int64)
    c = np.array(draw(st.lists(st.integers(cost_lo, 30), min_size=m, max_size=m)), dtype=np.int64)
    frac = np.array(draw(st.lists(st.integers(0, 12), min_size=m, max_size=m)), dtype=np.int64)
    x0 = np.minimum(frac, u)
    b = np.zeros(n, dtype=np.int64)
    np.add.at(b, t, x0)
    np.subtract.at(b, h, x0)
    return t, h, u, c, b


# ----------------------------------------------------------------------------- known answers


def test_docstring_example():
    r = min_cost_flow([0, 0, 1], [1, 2, 2], [4, 2, 5], [1, 5, 1], [3, 0, -3])
    assert r.total_cost == 6 and r.flow.tolist() == [3, 0, 3]
    certify([0, 0, 1], [1, 2, 2], [4, 2, 5], [1, 5, 1], [3, 0, -3], r)


def test_capacity_forces_the_expensive_route():
    # 5 units 0 -> 2; the cheap route 0->1->2 holds 3, the direct arc costs 10.
    t, h, u, c, b = [0, 1, 0], [1, 2, 2], [3, 3, 9], [1, 1, 10], [5, 0, -5]
    r = min_cost_flow(t, h, u, c, b)
    assert r.total_cost == 3 * 2 + 2 * 10
    assert r.flow.tolist() == [3, 3, 2]
    certify(t, h, u, c, b, r)


def test_negative_cycle_is_saturated():
    # zero supplies: a circulation; the cycle 0->1->2->0 costs -3 per unit, bottleneck 4.
    t, h, u, c, b = [0, 1, 2, 0], [1, 2, 0, 2], [5, 4, 7, 9], [-1, -1, -1, 5], [0, 0, 0]
    r = min_cost_flow(t, h, u, c, b)
    assert r.total_cost == -12 and r.flow.tolist() == [4, 4, 4, 0]
    certify(t, h, u, c, b, r)


def test_negative_self_loop_is_saturated_positive_is_not():
    t, h, u, c, b = [0, 1, 0], [0, 1, 1], [3, 4, 2], [-2, 5, 1], [2, -2]
    r = min_cost_flow(t, h, u, c, b)
    assert r.flow.tolist() == [3, 0, 2] and r.total_cost == -6 + 2
    certify(t, h, u, c, b, r)


def test_parallel_arcs_fill_cheapest_first():
    t, h, u, c, b = [0, 0, 0], [1, 1, 1], [2, 2, 2], [3, 1, 2], [5, -5]
    r = min_cost_flow(t, h, u, c, b)
    assert r.flow.tolist() == [1, 2, 2] and r.total_cost == 3 + 2 + 4
    certify(t, h, u, c, b, r)


def test_transportation_problem_matches_ortools_and_networkx():
    rng = np.random.default_rng(5)
    s, d = 12, 15
    supply = rng.integers(5, 40, s)
    demand = np.zeros(d, dtype=np.int64)
    np.add.at(demand, rng.integers(0, d, supply.sum()), 1)  # same total, random split
    t = np.repeat(np.arange(s), d)
    h = s + np.tile(np.arange(d), s)
    u = np.full(t.size, supply.sum())
    c = rng.integers(1, 1000, t.size)
    b = np.concatenate([supply, -demand])
    r = min_cost_flow(t, h, u, c, b)
    certify(t, h, u, c, b, r)
    assert r.total_cost == ortools_cost(t, h, u, c, b) == networkx_cost(t, h, u, c, b)


def test_larger_random_graph_matches_ortools():
    # deep spanning trees and many pivots: 3000 nodes, 30000 arcs, mixed-sign costs.
    rng = np.random.default_rng(11)
    n, m = 3000, 30000
    t = rng.integers(0, n, m)
    h = rng.integers(0, n, m)
    u = rng.integers(0, 50, m)
    c = rng.integers(-100, 1000, m)
    x0 = rng.integers(0, 50, m) % (u + 1)
    b = np.zeros(n, dtype=np.int64)
    np.add.at(b, t, x0)
    np.subtract.at(b, h, x0)
    r = min_cost_flow(t, h, u, c, b)
    certify(t, h, u, c, b, r)
    assert r.total_cost == ortools_cost(t, h, u, c, b)


@pytest.mark.parametrize(
    ("n", "m", "seed"), [(31, 60, s) for s in range(3)] + [(5, 40, s) for s in range(8)]
)
def test_costs_near_the_int64_limit_are_certified(n, m, seed):
    # (max|c| + 1)(n + 1) just under 2**60: potentials near the bound; with n=5, seeds
    # 3-5 make the root's potential drift past 2**58 and be re-anchored mid-run (checked
    # with an instrumented build). The certificate must still hold exactly.
    rng = np.random.default_rng(seed)
    big = min(2**60 // (n + 1), 2**62 // m) - 2  # m arcs of capacity <= 1
    t, h = rng.integers(0, n, m), rng.integers(0, n, m)
    u = rng.integers(0, 2, m)
    c = rng.integers(-big, big, m)
    x0 = rng.integers(0, 2, m) % (u + 1)
    b = np.zeros(n, dtype=np.int64)
    np.add.at(b, t, x0)
    np.subtract.at(b, h, x0)
    certify(t, h, u, c, b, min_cost_flow(t, h, u, c, b))


def test_isolated_nodes_and_no_arcs():
    r = min_cost_flow([], [], [], [], [0, 0, 0])
    assert r.total_cost == 0 and r.flow.size == 0 and r.potentials.size == 3
    r = min_cost_flow([0], [1], [3], [2], [0, 0, 0, 0], n_nodes=4)
    assert r.total_cost == 0 and r.flow.tolist() == [0]


def test_deterministic_and_result_api():
    rng = np.random.default_rng(3)
    t, h = rng.integers(0, 50, 400), rng.integers(0, 50, 400)
    u, c = rng.integers(0, 9, 400), rng.integers(-5, 50, 400)
    x0 = rng.integers(0, 9, 400) % (u + 1)
    b = np.zeros(50, dtype=np.int64)
    np.add.at(b, t, x0)
    np.subtract.at(b, h, x0)
    r1, r2 = min_cost_flow(t, h, u, c, b), min_cost_flow(t, h, u, c, b)
    assert np.array_equal(r1.flow, r2.flow) and np.array_equal(r1.potentials, r2.potentials)
    d = r1.to_dict()
    assert d["total_cost"] == r1.total_cost and d["status"] == "optimal"
    assert d["method"] == "network_simplex" and len(d["flow"]) == 400
    assert "MinCostFlowResult(total_cost=" in repr(r1) and str(r1) == repr(r1)
    with pytest.raises(AttributeError):
        r1.total_cost = 0  # frozen


# ----------------------------------------------------------------------------- property tests


@settings(max_examples=150, deadline=None)
@given(routable_instances())
def test_random_instances_match_ortools_and_networkx(inst):
    t, h, u, c, b = inst
    r = min_cost_flow(t, h, u, c, b)
    certify(t, h, u, c, b, r)
    assert r.total_cost == ortools_cost(t, h, u, c, b)
    assert r.total_cost == networkx_cost(t, h, u, c, b)


@settings(max_examples=60, deadline=None)
@given(routable_instances(loops=True, cost_lo=-30))
def test_random_instances_with_self_loops_are_certified(inst):
    t, h, u, c, b = inst
    r = min_cost_flow(t, h, u, c, b)
    certify(t, h, u, c, b, r)


@settings(max_examples=150, deadline=None)
@given(
    routable_instances(max_nodes=7, max_arcs=12),
    st.lists(st.integers(-6, 6), min_size=7, max_size=7),
)
def test_feasibility_agrees_with_ortools(inst, extra):
    # perturb the routable supplies by a balanced random vector: sometimes infeasible.
    t, h, u, c, b = inst
    e = np.array(extra[: b.size], dtype=np.int64)
    e[-1] -= e.sum()
    b2 = b + e
    expected = ortools_cost(t, h, u, c, b2)
    event(
        "infeasible" if expected is None else "feasible"
    )  # both occur (see --hypothesis-show-statistics)
    if expected is None:
        with pytest.raises(InfeasibleFlowError, match="infeasible"):
            min_cost_flow(t, h, u, c, b2)
    else:
        r = min_cost_flow(t, h, u, c, b2)
        certify(t, h, u, c, b2, r)
        assert r.total_cost == expected


def test_infeasible_is_an_error_never_an_answer():
    # disconnected supply and demand
    with pytest.raises(InfeasibleFlowError, match="cannot be routed"):
        min_cost_flow([0, 2], [1, 3], [5, 5], [1, 1], [2, 0, 0, -2])
    # capacity too small on the only path
    with pytest.raises(InfeasibleFlowError):
        min_cost_flow([0, 1], [1, 2], [5, 1], [1, 1], [2, 0, -2])
    # arc points the wrong way
    with pytest.raises(InfeasibleFlowError):
        min_cost_flow([1], [0], [5], [1], [1, -1])
    # supply beyond the total capacity (caught before the kernel)
    with pytest.raises(InfeasibleFlowError, match="exceeds the total arc capacity"):
        min_cost_flow([0], [1], [3], [1], [4, -4])
    assert issubclass(InfeasibleFlowError, ValueError)


# ----------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("args", "kwargs", "exc", "match"),
    [
        (([0], [1], [1], [1], [1, 0]), {}, ValueError, "unbalanced supplies"),
        (([0], [1], [-1], [1], [0, 0]), {}, ValueError, "capacities"),
        (([0], [5], [1], [1], [0, 0]), {}, ValueError, "out of range"),
        (([0], [1], [1], [1], [0, 0]), {"n_nodes": 3}, ValueError, "supplies"),
        (([0], [3], [1], [1], [0, 0, 0, 0]), {"n_nodes": 3}, ValueError, "out of range"),
        (([-1], [1], [1], [1], [0, 0]), {}, ValueError, "node ids"),
        (([0, 1], [1], [1], [1], [0, 0]), {}, ValueError, "same length"),
        (([0], [1], [1, 2], [1], [0, 0]), {}, ValueError, "capacities"),
        (([0], [1], [1], [1, 2], [0, 0]), {}, ValueError, "costs"),
        (([0], [1], [1], [np.nan], [0, 0]), {}, TypeError, "costs"),
        (([0], [1], [1.5], [1], [0, 0]), {}, TypeError, "capacities"),
        (([0], [1], [1], [1], [0.5, -0.5]), {}, TypeError, "supplies"),
        (([0], [1], [1], [1], ["a", "b"]), {}, TypeError, "supplies"),
        (([0], [1], [2**61, 2**61], [1, 1], [0, 0]), {}, ValueError, "capacities"),
        (([0, 0], [1, 1], [2**40, 1], [2**30, 1], [0, 0]), {}, ValueError, "costs"),
        (([0], [1], [1], [2**59], [0, 0]), {}, ValueError, "costs"),
        (([0], [1], [1], [1], [2**62, -(2**62)]), {}, ValueError, "supplies"),
        (([0], [1], [1], [1], []), {}, ValueError, "supplies"),
        (([0], [1], [1], [1], [-(2**63), 2**63 - 1]), {}, ValueError, "supplies"),
        (([0], [1], [1], [1], [0, 0]), {"n_nodes": 0}, ValueError, "n_nodes"),
        (([0], [1], [1], [1], [0, 0]), {"n_nodes": 2.0}, TypeError, "n_nodes"),
        (([[0]], [[1]], [1], [1], [0, 0]), {}, ValueError, "tails"),
    ],
)
def test_bad_input_names_the_parameter(args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        min_cost_flow(*args, **kwargs)


def test_integral_floats_are_accepted():
    r = min_cost_flow([0.0], [1.0], [2.0], [3.0], [2.0, -2.0])
    assert r.total_cost == 6


# ----------------------------------------------------------------------------- assignment


def test_assignment_known_answer():
    r = assignment([[4, 1, 3], [2, 0, 5], [3, 2, 2]])
    assert isinstance(r, AssignmentResult)
    assert r.row_ind.tolist() == [0, 1, 2] and r.col_ind.tolist() == [1, 0, 2]
    assert r.total_cost == 5
    assert assignment([[4, 1, 3], [2, 0, 5], [3, 2, 2]], maximize=True).total_cost == 11
    d = r.to_dict()
    assert d["total_cost"] == 5 and d["col_ind"] == [1, 0, 2]
    assert "AssignmentResult(total_cost=5" in repr(r)


@settings(max_examples=150, deadline=None)
@given(
    st.integers(1, 7),
    st.integers(1, 7),
    st.booleans(),
    st.integers(0, 2**32 - 1),
    st.sampled_from([(0, 9), (-50, 50), (0, 10**6)]),
)
def test_assignment_matches_scipy(rows, cols, maximize, seed, bounds):
    rng = np.random.default_rng(seed)
    cm = rng.integers(bounds[0], bounds[1] + 1, (rows, cols))
    r = assignment(cm, maximize=maximize)
    ri, ci = linear_sum_assignment(cm, maximize=maximize)
    assert r.total_cost == int(cm[ri, ci].sum())
    assert r.row_ind.size == min(rows, cols)
    assert np.all(np.diff(r.row_ind) > 0)  # ascending, distinct rows
    assert np.unique(r.col_ind).size == r.col_ind.size  # distinct columns
    assert r.total_cost == int(cm[r.row_ind, r.col_ind].sum())


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 6), st.integers(1, 6), st.integers(0, 2**32 - 1))
def test_assignment_kernel_agrees_with_network_simplex(rows, cols, seed):
    # the same problem as a transportation instance through sink node: two kernels, one optimum.
    rng = np.random.default_rng(seed)
    cm = rng.integers(-100, 100, (rows, cols))
    r, k = min(rows, cols), max(rows, cols)
    w = cm if rows <= cols else cm.T
    t = np.concatenate([np.repeat(np.arange(r), k), r + np.arange(k)])
    h = np.concatenate([r + np.tile(np.arange(k), r), np.full(k, r + k)])
    b = np.zeros(r + k + 1, dtype=np.int64)
    b[:r], b[-1] = 1, -r
    flow = min_cost_flow(t, h, np.ones(t.size), np.concatenate([w.ravel(), np.zeros(k)]), b)
    assert assignment(cm).total_cost == flow.total_cost


def test_assignment_larger_matches_scipy():
    rng = np.random.default_rng(8)
    for shape in [(120, 120), (60, 150), (150, 40)]:
        cm = rng.integers(0, 10**6, shape)
        ri, ci = linear_sum_assignment(cm)
        assert assignment(cm).total_cost == int(cm[ri, ci].sum())


def test_assignment_integral_floats_and_bad_input():
    assert assignment(np.array([[1.0, 2.0], [3.0, 0.0]])).total_cost == 1
    assert assignment(np.zeros((0, 3))).row_ind.size == 0
    with pytest.raises(TypeError, match="cost_matrix"):
        assignment([[0.5, 1.0], [1.0, 0.0]])
    with pytest.raises(TypeError, match="cost_matrix"):
        assignment([[np.inf, 1.0], [1.0, 0.0]])
    with pytest.raises(ValueError, match="cost_matrix"):
        assignment([1, 2, 3])
    with pytest.raises(TypeError, match="maximize"):
        assignment([[1]], maximize="yes")
    with pytest.raises(ValueError, match="cost_matrix"):
        assignment([[2**60, 1], [1, 1]])
    with pytest.raises(ValueError, match="cost_matrix"):
        assignment(np.array([[np.iinfo(np.int64).min, 1], [1, 1]]))
    with pytest.raises(ValueError, match="cost_matrix"):
        assignment(np.zeros((2, 2, 2)))
