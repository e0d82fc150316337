"""Exact network reliability: closed forms (series, parallel, the bridge), brute-force
enumeration of every edge and node state on random small graphs, rare failures without
cancellation, and bad input."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qsmcore.reliability.network import all_terminal, two_terminal


def brute(u, v, q, n, s=None, t=None, nq=None):
    """(P(connected), P(not connected)) summed over all element states."""
    m = len(u)
    nq = np.zeros(n) if nq is None else np.asarray(nq)
    free_nodes = s is not None
    ok = bad = 0.0
    for st_ in itertools.product([0, 1], repeat=m + (n if free_nodes else 0)):
        es, ns = st_[:m], (st_[m:] if free_nodes else (1,) * n)
        w = np.prod([q[i] if not es[i] else 1 - q[i] for i in range(m)])
        if free_nodes:
            w *= np.prod([nq[j] if not ns[j] else 1 - nq[j] for j in range(n)])
        g = nx.Graph()
        g.add_nodes_from(j for j in range(n) if ns[j])
        g.add_edges_from((u[i], v[i]) for i in range(m) if es[i] and ns[u[i]] and ns[v[i]])
        up = (ns[s] and ns[t] and nx.has_path(g, s, t)) if free_nodes else nx.is_connected(g)
        ok, bad = (ok + w, bad) if up else (ok, bad + w)
    return ok, bad


def grid(k):
    u, v = [], []
    for r in range(k):
        for c in range(k):
            if c + 1 < k:
                u.append(r * k + c)
                v.append(r * k + c + 1)
            if r + 1 < k:
                u.append(r * k + c)
                v.append((r + 1) * k + c)
    return np.array(u), np.array(v)


def test_series_and_parallel_closed_forms():
    q = np.array([0.1, 0.2, 0.3])
    chain = two_terminal([0, 1, 2], [1, 2, 3], q, 0, 3)
    assert chain.reliability == pytest.approx(0.9 * 0.8 * 0.7, abs=1e-15)
    assert chain.failure_probability == pytest.approx(1 - 0.9 * 0.8 * 0.7, abs=1e-15)
    bundle = two_terminal([0, 0, 0], [1, 1, 1], q, 0, 1)
    assert bundle.failure_probability == pytest.approx(0.1 * 0.2 * 0.3, rel=1e-14)
    # All-terminal of a triangle: connected unless two or three edges fail.
    tri = all_terminal([0, 1, 2], [1, 2, 0], q)
    two_fail = 0.1 * 0.2 * 0.7 + 0.1 * 0.8 * 0.3 + 0.9 * 0.2 * 0.3 + 0.1 * 0.2 * 0.3
    assert tri.failure_probability == pytest.approx(two_fail, rel=1e-14)


def test_bridge_closed_form():
    # s=0, a=1, b=2, t=3; edges A: s-a, B: s-b, E: a-b, C: a-t, D: b-t.
    q = {"A": 0.1, "B": 0.2, "E": 0.5, "C": 0.3, "D": 0.4}
    r = {k: 1 - x for k, x in q.items()}
    works_e = (1 - q["A"] * q["B"]) * (1 - q["C"] * q["D"])
    fails_e = 1 - (1 - r["A"] * r["C"]) * (1 - r["B"] * r["D"])
    exact = r["E"] * works_e + q["E"] * fails_e
    res = two_terminal([0, 0, 1, 1, 2], [1, 2, 2, 3, 3], [q[k] for k in "ABECD"], 0, 3)
    assert res.reliability == pytest.approx(exact, abs=1e-15)
    assert res.reliability + res.failure_probability == pytest.approx(1.0, abs=1e-15)


@st.composite
def small_graphs(draw):
    n = draw(st.integers(2, 6))
    m = draw(st.integers(0, 8))
    node = st.integers(0, n - 1)
    u = draw(st.lists(node, min_size=m, max_size=m))
    v = draw(st.lists(node, min_size=m, max_size=m))
    q = draw(st.lists(st.floats(0, 1), min_size=m, max_size=m))
    return n, np.array(u, dtype=np.int64), np.array(v, dtype=np.int64), np.array(q)


@settings(max_examples=80, deadline=None)
@given(small_graphs())
def test_all_terminal_matches_enumeration(g):
    n, u, v, q = g
    res = all_terminal(u, v, q, n_nodes=n)
    ok, bad = brute(u, v, q, n)
    assert res.reliability == pytest.approx(ok, abs=1e-12)
    assert res.failure_probability == pytest.approx(bad, abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(small_graphs(), st.data())
def test_two_terminal_with_node_failures_matches_enumeration(g, data):
    n, u, v, q = g
    nq = np.array(data.draw(st.lists(st.floats(0, 1), min_size=n, max_size=n)))
    s, t = 0, n - 1
    res = two_terminal(u, v, q, s, t, n_nodes=n, node_p_fail=nq)
    ok, bad = brute(u, v, q, n, s, t, nq)
    assert res.reliability == pytest.approx(ok, abs=1e-12)
    assert res.failure_probability == pytest.approx(bad, abs=1e-12)


def test_rare_failures_keep_their_digits():
    # Two disjoint 3-edge paths: fails when both paths are cut, q_path = 1-(1-q)^3.
    q = 1e-9
    u, v = [0, 1, 2, 0, 4, 5], [1, 2, 3, 4, 5, 3]
    res = two_terminal(u, v, q, 0, 3)
    q_path = -np.expm1(3 * np.log1p(-q))
    assert res.failure_probability == pytest.approx(q_path**2, rel=1e-9)
    assert res.reliability == 1.0


def test_grid_sizes_and_frontier():
    u, v = grid(6)
    res = two_terminal(u, v, 0.1, 0, 35)
    assert 0.97 < res.reliability < 0.98 and res.frontier <= 8
    # Symmetry: the opposite corners give the same answer.
    assert two_terminal(u, v, 0.1, 35, 0).reliability == pytest.approx(res.reliability, 1e-13)
    allt = all_terminal(u, v, 0.1)
    assert allt.reliability < res.reliability


def test_memory_guard():
    u, v = grid(8)
    with pytest.raises(ValueError, match="frontier states"):
        two_terminal(u, v, 0.1, 0, 63, max_states=100)


def test_degenerate_graphs():
    assert two_terminal([0], [1], 0.25, 0, 1, n_nodes=3, node_p_fail=[0.1, 0, 0.5]).reliability == (
        pytest.approx(0.75 * 0.9)
    )
    assert two_terminal([0], [1], 0.25, 0, 2, n_nodes=3).reliability == 0.0  # t isolated
    assert all_terminal([0], [1], 0.25, n_nodes=3).failure_probability == 1.0  # 2 isolated
    assert all_terminal([0], [0], 0.25, n_nodes=1).reliability == 1.0
    assert two_terminal([0, 1], [1, 1], [0.5, 0.5], 0, 1).reliability == 0.5  # self-loop ignored


def test_bad_input():
    with pytest.raises(ValueError, match="edge_p_fail"):
        two_terminal([0], [1], 1.5, 0, 1)
    with pytest.raises(ValueError, match="edge_p_fail"):
        two_terminal([0], [1], float("nan"), 0, 1)
    with pytest.raises(ValueError, match="edge_p_fail"):
        two_terminal([0, 1], [1, 2], [0.1], 0, 2)
    with pytest.raises(ValueError, match="node_p_fail"):
        two_terminal([0], [1], 0.1, 0, 1, node_p_fail=[0.1, -0.2])
    with pytest.raises(ValueError, match="target"):
        two_terminal([0], [1], 0.1, 0, 5)
    with pytest.raises(ValueError, match="node id"):
        two_terminal([0, -1], [1, 2], 0.1, 0, 2)
    with pytest.raises(TypeError, match="source"):
        two_terminal([0], [1], 0.1, 0.5, 1)
    with pytest.raises(ValueError, match="max_states"):
        all_terminal([0], [1], 0.1, max_states=0)


def test_monte_carlo_methods_agree_with_exact():
    u, v = grid(8)
    exact = all_terminal(u, v, 0.01).failure_probability  # ~4.4e-4, dominated by corners
    covered = 0
    for seed in range(5):
        r = all_terminal(u, v, 0.01, method="importance", trials=100_000, seed=seed)
        # Many components and a rare event: the default bias must not hide the few-edge
        # cuts that carry the probability (too much bias gave estimates 100x too low).
        assert abs(r.failure_probability / exact - 1) < 0.35, r
        covered += r.low <= exact <= r.high
    assert covered >= 4
    tt = two_terminal(u, v, 0.1, 0, 63)
    mc = two_terminal(u, v, 0.1, 0, 63, method="monte_carlo", trials=1_000_000, seed=1)
    assert mc.low <= tt.failure_probability <= mc.high and mc.trials == 1_000_000
    # Node failures: the exact DP and the bit-parallel kernel agree.
    nq = np.linspace(0.0, 0.05, 64)
    ex = two_terminal(u, v, 0.1, 0, 63, node_p_fail=nq)
    mc = two_terminal(u, v, 0.1, 0, 63, node_p_fail=nq, method="monte_carlo", trials=10**6)
    assert mc.low <= ex.failure_probability <= mc.high
    with pytest.raises(ValueError, match="method"):
        all_terminal(u, v, 0.1, method="guess")


def test_importance_sampling_with_node_failures():
    u, v = grid(6)
    nq = np.full(36, 1e-4)
    exact = two_terminal(u, v, 1e-4, 0, 35, node_p_fail=nq).failure_probability  # ~2e-4
    covered = 0
    for seed in range(3):
        r = two_terminal(u, v, 1e-4, 0, 35, node_p_fail=nq, method="importance",
                         trials=100_000, seed=seed)  # fmt: skip
        assert abs(r.failure_probability / exact - 1) < 0.15, r
        covered += r.low <= exact <= r.high
    assert covered >= 2
