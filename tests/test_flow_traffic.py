"""Traffic engineering LPs: known optima, every constraint checked, LP duality
(λ* = 1/U*), agreement with max-flow for one commodity, infeasibility, bad input."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import event, given, settings
from hypothesis import strategies as st
from scipy.sparse.csgraph import maximum_flow

from qsmcore.flow import TrafficResult, generators, max_concurrent_flow, min_max_utilization

REL = 1e-9  # constraint tolerance, relative to the demand volumes


def check_constraints(res: TrafficResult, tails, heads, caps, demands, n):
    """Conservation per commodity, nonnegativity and Σ_k f_k(e) <= bound·u(e)."""
    assert res.success, res.message
    t, h = np.asarray(tails), np.asarray(heads)
    caps = np.asarray(caps, dtype=float)
    d = np.asarray(demands, dtype=float)
    k, m = res.flows.shape
    assert (k, m) == (d.shape[0], t.size)
    assert np.all(res.flows >= 0)
    scale = res.objective if res.problem == "max_concurrent_flow" else 1.0
    for j in range(k):
        s, dst, vol = int(d[j, 0]), int(d[j, 1]), d[j, 2] * scale
        net = np.bincount(t, res.flows[j], minlength=n) - np.bincount(h, res.flows[j], minlength=n)
        want = np.zeros(n)
        want[s], want[dst] = vol, -vol
        np.testing.assert_allclose(net, want, rtol=0, atol=REL * d[:, 2].max())
    load = res.flows.sum(axis=0)
    bound = res.objective if res.problem == "min_max_utilization" else 1.0
    assert np.all(load <= bound * caps * (1 + REL) + REL * d[:, 2].max())
    np.testing.assert_allclose(res.load, load)
    util = np.divide(load, caps, out=np.zeros(m), where=caps > 0)
    np.testing.assert_allclose(res.utilization, util, rtol=1e-12)


def test_two_equal_paths_split_the_demand_evenly():
    # s=0 → {1, 2} → t=3, every link capacity c: U* = d / (2c), λ* = 2c / d.
    t, h, c, d = [0, 0, 1, 2], [1, 2, 3, 3], [10.0] * 4, 6.0
    res = min_max_utilization(t, h, c, [(0, 3, d)])
    assert res.objective == pytest.approx(d / 20, rel=1e-12)
    np.testing.assert_allclose(res.flows[0], [3, 3, 3, 3], rtol=1e-12)
    check_constraints(res, t, h, c, [(0, 3, d)], 4)
    lam = max_concurrent_flow(t, h, c, [(0, 3, d)])
    assert lam.objective == pytest.approx(20 / d, rel=1e-12)
    check_constraints(lam, t, h, c, [(0, 3, d)], 4)


def test_single_path_utilization_is_demand_over_capacity():
    t, h, c = [0, 1, 2], [1, 2, 3], [40.0, 25.0, 50.0]
    res = min_max_utilization(t, h, c, [(0, 3, 10.0)])
    assert res.objective == pytest.approx(10 / 25, rel=1e-12)
    np.testing.assert_allclose(res.utilization, [0.25, 0.4, 0.2], rtol=1e-12)
    assert "U*" in str(res) and "min_max_utilization" in repr(res)
    assert res.to_dict()["flows"] == res.flows.tolist()


def test_two_commodities_share_a_bottleneck():
    # Commodities 0→2 and 1→2 (4 units each) reach 2 through the shared link 3→2
    # (capacity 10) or their private arcs (capacity 2 each). At utilization U these
    # carry at most 10U + 2U + 2U, which must cover 8 units: U* = 8/14.
    t = [0, 1, 3, 0, 1]
    h = [3, 3, 2, 2, 2]
    c = [100.0, 100.0, 10.0, 2.0, 2.0]
    dem = [(0, 2, 4.0), (1, 2, 4.0)]
    res = min_max_utilization(t, h, c, dem)
    assert res.objective == pytest.approx(8 / 14, rel=1e-9)
    check_constraints(res, t, h, c, dem, 4)
    lam = max_concurrent_flow(t, h, c, dem)
    assert lam.objective == pytest.approx(14 / 8, rel=1e-9)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_duality_and_constraints_on_random_instances(seed):
    g = generators.random_sparse(25, 160, max_cap=50, seed=seed)
    rng = np.random.default_rng(100 + seed)
    caps = g.capacities * rng.uniform(0.5, 1.5, g.n_arcs)  # real-valued links
    pairs = []
    while len(pairs) < 6:
        s, t = (int(x) for x in rng.integers(0, g.n_nodes, 2))
        if s != t:
            pairs.append((s, t, float(rng.uniform(1, 30))))
    u = min_max_utilization(g.tails, g.heads, caps, pairs, n_nodes=g.n_nodes)
    lam = max_concurrent_flow(g.tails, g.heads, caps, pairs, n_nodes=g.n_nodes)
    assert u.success and lam.success  # these seeds draw routable pairs
    check_constraints(u, g.tails, g.heads, caps, pairs, g.n_nodes)
    check_constraints(lam, g.tails, g.heads, caps, pairs, g.n_nodes)
    assert lam.objective == pytest.approx(1 / u.objective, rel=1e-8)
    assert u.utilization.max() == pytest.approx(u.objective, rel=1e-12)


@settings(max_examples=60)
@given(
    n=st.integers(2, 6),
    arcs=st.lists(
        st.tuples(st.integers(0, 5), st.integers(0, 5), st.floats(0.5, 100)),
        min_size=1,
        max_size=14,
    ),
    demands=st.lists(
        st.tuples(st.integers(0, 5), st.integers(1, 5), st.floats(0.1, 50)), min_size=1, max_size=4
    ),
)
def test_duality_property_on_small_graphs(n, arcs, demands):
    t = np.array([a[0] % n for a in arcs])
    h = np.array([a[1] % n for a in arcs])
    c = np.array([a[2] for a in arcs])
    dem = np.array([(s % n, (s + d) % n, v) for s, d, v in demands if d % n], dtype=float)
    if dem.size == 0:
        return
    u = min_max_utilization(t, h, c, dem, n_nodes=n)
    lam = max_concurrent_flow(t, h, c, dem, n_nodes=n)
    if u.status == "infeasible":
        event("a demand has no path")
        assert lam.success and lam.objective == 0.0
        return
    event("routable")
    check_constraints(u, t, h, c, dem, n)
    check_constraints(lam, t, h, c, dem, n)
    assert lam.objective * u.objective == pytest.approx(1.0, rel=1e-8)


@pytest.mark.parametrize("family", ["grid", "rlg"])
def test_one_commodity_matches_max_flow(family):
    # One commodity: U* = d / (max s–t flow), the max-flow min-cut theorem.
    g = generators.grid(4, 5, (1, 20), seed=3) if family == "grid" else (
        generators.washington_rlg(5, 4, 30, seed=3))  # fmt: skip
    a = g.to_scipy()
    a = sp.csr_array((a.data.astype(np.int32), a.indices, a.indptr), shape=a.shape)
    value = maximum_flow(a, g.source, g.sink).flow_value
    dem = [(g.source, g.sink, 7.0)]
    res = min_max_utilization(g.tails, g.heads, g.capacities, dem)
    assert res.objective == pytest.approx(7.0 / value, rel=1e-9)
    check_constraints(res, g.tails, g.heads, g.capacities, dem, g.n_nodes)
    lam = max_concurrent_flow(g.tails, g.heads, g.capacities, dem)
    assert lam.objective == pytest.approx(value / 7.0, rel=1e-9)


def test_large_volumes_keep_relative_accuracy():
    # Gbit/s-sized numbers: the LP is scaled, so the answers stay exact to ~1e-12.
    t, h = [0, 0, 1, 2], [1, 2, 3, 3]
    c = [4e10, 6e10, 4e10, 6e10]
    res = min_max_utilization(t, h, c, [(0, 3, 5e10)])
    assert res.objective == pytest.approx(0.5, rel=1e-12)
    check_constraints(res, t, h, c, [(0, 3, 5e10)], 4)


def test_zero_capacity_arcs_and_self_loops_carry_nothing():
    t, h, c = [0, 0, 1, 1], [1, 1, 2, 1], [5.0, 0.0, 5.0, 100.0]
    res = min_max_utilization(t, h, c, [(0, 2, 2.5)])
    assert res.objective == pytest.approx(0.5)
    assert res.flows[0, 1] == 0 and res.flows[0, 3] == 0
    assert res.utilization[1] == 0


def test_unroutable_demand_is_reported():
    t, h, c = [0, 1, 2], [1, 0, 3], [5.0, 5.0, 5.0]
    res = min_max_utilization(t, h, c, [(0, 1, 1.0), (0, 3, 1.0)])
    assert res.status == "infeasible" and not res.success
    assert np.isnan(res.objective) and res.flows is None
    assert "demand 1 (0 -> 3)" in res.message
    lam = max_concurrent_flow(t, h, c, [(0, 1, 1.0), (0, 3, 1.0)])
    assert lam.success and lam.objective == 0.0 and "λ* = 0" in lam.message
    # A path only through capacity-0 arcs is no path.
    res = min_max_utilization([0], [1], [0.0], [(0, 1, 1.0)])
    assert res.status == "infeasible"


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"demands": [(0, 2, -1.0)]}, ValueError, "demands"),
        ({"demands": [(0, 2, 0.0)]}, ValueError, "demands"),
        ({"demands": [(0, 2, float("nan"))]}, ValueError, "demands"),
        ({"demands": [(1, 1, 1.0)]}, ValueError, "demands"),
        ({"demands": [(0, 9, 1.0)]}, ValueError, "demands"),
        ({"demands": [(-1, 2, 1.0)]}, ValueError, "demands"),
        ({"demands": [(0.5, 2, 1.0)]}, ValueError, "demands"),
        ({"demands": [(0, 2)]}, ValueError, "demands"),
        ({"demands": []}, ValueError, "demands"),
        ({"demands": [("a", 2, 1.0)]}, TypeError, "demands"),
        ({"capacities": [1.0, -1.0]}, ValueError, "capacities"),
        ({"capacities": [1.0, float("inf")]}, ValueError, "capacities"),
        ({"capacities": [1.0]}, ValueError, "capacities"),
        ({"capacities": ["a", "b"]}, TypeError, "capacities"),
        ({"tails": [0, -1]}, ValueError, "node ids"),
        ({"heads": [1]}, ValueError, "same length"),
        ({"n_nodes": 2}, ValueError, "out of range"),
    ],
)
@pytest.mark.parametrize("solver", [min_max_utilization, max_concurrent_flow])
def test_bad_input_names_the_parameter(solver, kwargs, exc, match):
    args = {"tails": [0, 1], "heads": [1, 2], "capacities": [1.0, 1.0], "demands": [(0, 2, 1.0)]}
    with pytest.raises(exc, match=match):
        solver(**(args | kwargs))


def test_too_many_variables_is_refused(monkeypatch):
    from qsmcore.flow import traffic

    monkeypatch.setattr(traffic, "MAX_LP_VARIABLES", 5)
    with pytest.raises(ValueError, match="flow variables"):
        min_max_utilization([0, 1, 2], [1, 2, 0], [1.0] * 3, [(0, 2, 1.0), (1, 0, 1.0)])
