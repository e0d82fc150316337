"""qsmcore.flow.max_flow: exactness (conservation, capacities, strong duality, the
peers' values), agreement of the methods, known answers and bad input."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import scipy.sparse
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse.csgraph import maximum_flow as scipy_maximum_flow

from qsmcore.flow import MaxFlowResult, generators, max_flow

METHODS = ("push_relabel", "dinic", "bk")


def check_flow(tails, heads, caps, s, t, r: MaxFlowResult) -> None:
    """Capacity constraints, conservation and value == cut capacity, all exact."""
    tails, heads, caps = (np.asarray(x, dtype=np.int64) for x in (tails, heads, caps))
    n = r.source_side.size
    f = r.flow
    assert f.dtype == np.int64 and f.shape == caps.shape
    assert np.all(f >= 0) and np.all(f <= caps)
    assert np.all(f[tails == heads] == 0)
    net = np.zeros(n, dtype=np.int64)
    np.add.at(net, tails, f)
    np.subtract.at(net, heads, f)
    assert net[s] == r.value and net[t] == -r.value
    others = np.ones(n, dtype=bool)
    others[[s, t]] = False
    assert np.all(net[others] == 0)
    side = r.source_side
    assert side[s] and not side[t]
    cut = np.flatnonzero(side[tails] & ~side[heads])
    assert np.array_equal(cut, r.cut_arcs)
    assert int(caps[cut].sum()) == r.value  # strong duality
    # The cut arcs are saturated and the arcs back into S are empty.
    assert np.all(f[cut] == caps[cut])
    assert np.all(f[~side[tails] & side[heads]] == 0)


def nx_value(tails, heads, caps, n, s, t) -> int:
    g = nx.DiGraph()
    g.add_nodes_from(range(n))
    for u, v, c in zip(tails, heads, caps, strict=True):
        if u == v:
            continue
        if g.has_edge(u, v):
            g[u][v]["capacity"] += int(c)
        else:
            g.add_edge(u, v, capacity=int(c))
    return int(nx.maximum_flow_value(g, s, t))


def scipy_value(tails, heads, caps, n, s, t) -> int:
    keep = np.asarray(tails) != np.asarray(heads)
    # csr_matrix sums duplicate (parallel) arcs; SciPy needs int32 capacities.
    a = scipy.sparse.csr_matrix(
        (
            np.asarray(caps, dtype=np.int32)[keep],
            (np.asarray(tails)[keep], np.asarray(heads)[keep]),
        ),
        shape=(n, n),
    )
    a.sum_duplicates()
    return int(scipy_maximum_flow(a, s, t).flow_value)


def solve_all(tails, heads, caps, s, t, n=None) -> list[MaxFlowResult]:
    results = [max_flow(tails, heads, caps, s, t, n_nodes=n, method=m) for m in METHODS]
    for r in results:
        check_flow(tails, heads, caps, s, t, r)
    # The minimum cut closest to s is unique: every method returns the same one.
    assert len({r.value for r in results}) == 1
    for r in results[1:]:
        assert np.array_equal(r.source_side, results[0].source_side)
    return results


def grid(rows: int, cols: int, seed: int, cmax: int = 100):
    """4-neighbour grid, source -> first column, last column -> sink."""
    rng = np.random.default_rng(seed)
    idx = np.arange(rows * cols).reshape(rows, cols)
    right = (idx[:, :-1].ravel(), idx[:, 1:].ravel())
    down = (idx[:-1, :].ravel(), idx[1:, :].ravel())
    tails = np.concatenate([right[0], right[1], down[0], down[1]])
    heads = np.concatenate([right[1], right[0], down[1], down[0]])
    s, t = rows * cols, rows * cols + 1
    tails = np.concatenate([tails, np.full(rows, s), idx[:, -1]])
    heads = np.concatenate([heads, idx[:, 0], np.full(rows, t)])
    caps = rng.integers(1, cmax, size=tails.size)
    caps[-2 * rows :] = cmax * 4
    return tails, heads, caps, s, t, rows * cols + 2


def random_sparse(n: int, m: int, seed: int, cmax: int = 1000):
    rng = np.random.default_rng(seed)
    tails = rng.integers(0, n, m)
    heads = rng.integers(0, n, m)
    caps = rng.integers(0, cmax, m)
    return tails, heads, caps


# ---- known answers -------------------------------------------------------------


def test_clrs_figure_26_1():
    # s=0, v1..v4 = 1..4, t=5 (CLRS 3rd ed., figure 26.1): maximum flow 23.
    tails = [0, 0, 1, 2, 2, 3, 3, 4, 4]
    heads = [1, 2, 3, 1, 4, 2, 5, 3, 5]
    caps = [16, 13, 12, 4, 14, 9, 20, 7, 4]
    for r in solve_all(tails, heads, caps, 0, 5):
        assert r.value == 23
        # The minimum cut is ({s, v1, v2, v4}, {v3, t}): 12 + 7 + 4.
        assert r.source_side.tolist() == [True, True, True, False, True, False]


def test_single_arc_and_disconnected():
    for r in solve_all([0], [1], [7], 0, 1):
        assert r.value == 7 and r.flow.tolist() == [7] and r.cut_arcs.tolist() == [0]
    for r in solve_all([0, 2], [1, 3], [5, 5], 0, 3):
        assert r.value == 0 and r.flow.tolist() == [0, 0]
        assert r.source_side.tolist() == [True, True, False, False]
    # A sink with no arcs at all, and n_nodes larger than the ids.
    for r in solve_all([0], [1], [5], 0, 4, n=5):
        assert r.value == 0 and r.cut_arcs.size == 0


def test_parallel_arcs_self_loops_and_antiparallel():
    tails = [0, 0, 0, 1, 1, 1, 2]
    heads = [1, 1, 0, 1, 2, 0, 2]
    caps = [3, 4, 100, 100, 5, 9, 100]
    for r in solve_all(tails, heads, caps, 0, 2):
        assert r.value == 5
        assert r.flow[2] == 0 and r.flow[3] == 0 and r.flow[6] == 0


def test_no_arcs():
    r = max_flow([], [], [], 0, 1, n_nodes=2)
    assert r.value == 0 and r.flow.size == 0 and r.source_side.tolist() == [True, False]


def test_result_is_frozen_and_readable():
    r = max_flow([0, 1], [1, 2], [4, 3], 0, 2)
    with pytest.raises(AttributeError):
        r.value = 1  # type: ignore[misc]
    d = r.to_dict()
    assert d["value"] == 3 and d["flow"] == [3, 3] and d["cut_arcs"] == [1]
    assert "value=3" in repr(r) and r.method in METHODS


def test_integral_floats_accepted():
    assert max_flow([0, 1], [1, 2], np.array([4.0, 3.0]), 0, 2).value == 3


# ---- peers ---------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(3))
def test_grids_match_networkx_and_scipy(seed):
    tails, heads, caps, s, t, n = grid(12, 15, seed)
    results = solve_all(tails, heads, caps, s, t)
    assert results[0].value == nx_value(tails, heads, caps, n, s, t)
    assert results[0].value == scipy_value(tails, heads, caps, n, s, t)


def test_vision_grid_auto_and_scipy():
    # Every pixel tied to both terminals: the shape "auto" sends to BK.
    rng = np.random.default_rng(5)
    tails, heads, caps, s, t, n = grid(40, 40, 5)
    pixels = np.arange(40 * 40)
    tails = np.concatenate([tails, np.full(pixels.size, s), pixels])
    heads = np.concatenate([heads, pixels, np.full(pixels.size, t)])
    caps = np.concatenate([caps, rng.integers(0, 60, 2 * pixels.size)])
    r = max_flow(tails, heads, caps, s, t)
    assert r.method == "bk"
    check_flow(tails, heads, caps, s, t, r)
    results = solve_all(tails, heads, caps, s, t)
    assert r.value == results[0].value == scipy_value(tails, heads, caps, n, s, t)


@pytest.mark.parametrize("seed", range(3))
def test_random_sparse_match_scipy(seed):
    n, m = 3000, 15000
    tails, heads, caps = random_sparse(n, m, seed)
    results = solve_all(tails, heads, caps, 0, n - 1, n=n)
    assert results[0].value == scipy_value(tails, heads, caps, n, 0, n - 1)
    assert max_flow(tails, heads, caps, 0, n - 1, n_nodes=n).method == "push_relabel"


def test_random_sparse_match_networkx():
    n, m = 200, 1500
    tails, heads, caps = random_sparse(n, m, 11)
    results = solve_all(tails, heads, caps, 3, 7, n=n)
    assert results[0].value == nx_value(tails, heads, caps, n, 3, 7)


def test_layered_long_paths():
    # Long paths exercise the iterative searches and phase 2's excess return.
    rng = np.random.default_rng(2)
    layers, width = 300, 6
    n = layers * width + 2
    s, t = n - 2, n - 1
    tails, heads = [], []
    for k in range(layers - 1):
        for i in range(width):
            for j in rng.choice(width, 3, replace=False):
                tails.append(k * width + i)
                heads.append((k + 1) * width + j)
    tails += [s] * width + list(range((layers - 1) * width, layers * width))
    heads += list(range(width)) + [t] * width
    caps = rng.integers(1, 50, len(tails))
    results = solve_all(tails, heads, caps, s, t)
    assert results[0].value == scipy_value(tails, heads, caps, n, s, t)


@st.composite
def small_graphs(draw):
    n = draw(st.integers(2, 9))
    m = draw(st.integers(0, 30))
    node = st.integers(0, n - 1)
    tails = draw(st.lists(node, min_size=m, max_size=m))
    heads = draw(st.lists(node, min_size=m, max_size=m))
    caps = draw(st.lists(st.integers(0, 20), min_size=m, max_size=m))
    s = draw(node)
    t = draw(node.filter(lambda v: v != s))
    return tails, heads, caps, s, t, n


@settings(max_examples=150, deadline=None)
@given(small_graphs())
def test_random_small_graphs_match_peers(g):
    tails, heads, caps, s, t, n = g
    results = solve_all(tails, heads, caps, s, t, n=n)
    value = results[0].value
    assert value == nx_value(tails, heads, caps, n, s, t)
    assert value == scipy_value(tails, heads, caps, n, s, t)


def test_large_capacities_exact():
    big = 2**60
    tails, heads, caps = [0, 0, 1, 2], [1, 2, 3, 3], [big, big - 1, big, 3]
    for r in solve_all(tails, heads, caps, 0, 3):
        assert r.value == big + 3


def test_deterministic_and_input_order_only():
    tails, heads, caps, s, t, _ = grid(10, 10, 1)
    for m in METHODS:
        a = max_flow(tails, heads, caps, s, t, method=m)
        b = max_flow(tails, heads, caps, s, t, method=m)
        assert np.array_equal(a.flow, b.flow)


# ---- bad input -----------------------------------------------------------------


def test_bad_input():
    ok = ([0, 1], [1, 2], [3, 4])
    with pytest.raises(ValueError, match="capacities"):
        max_flow([0, 1], [1, 2], [3, -1], 0, 2)
    with pytest.raises(ValueError, match="node id"):
        max_flow([0, -1], [1, 2], [3, 4], 0, 2)
    with pytest.raises(ValueError, match="out of range"):
        max_flow([0, 5], [1, 2], [3, 4], 0, 2, n_nodes=3)
    with pytest.raises(ValueError, match="source and sink"):
        max_flow(*ok, 1, 1)
    with pytest.raises(ValueError, match="sink"):
        max_flow(*ok, 0, 3)
    with pytest.raises(ValueError, match="source"):
        max_flow(*ok, -1, 2)
    with pytest.raises(ValueError, match="tails and heads"):
        max_flow([0, 1], [1], [3, 4], 0, 1)
    with pytest.raises(ValueError, match="capacities"):
        max_flow([0, 1], [1, 2], [3], 0, 2)
    with pytest.raises(ValueError, match="capacities"):
        max_flow([0, 1], [1, 2], [2**61, 2**61], 0, 2)
    with pytest.raises(TypeError, match=r"capacities.*[Ss]cale"):
        max_flow([0, 1], [1, 2], [0.5, 1.0], 0, 2)
    with pytest.raises(TypeError, match="capacities"):
        max_flow([0, 1], [1, 2], [np.nan, 1.0], 0, 2)
    with pytest.raises(TypeError, match="capacities"):
        max_flow([0, 1], [1, 2], ["a", "b"], 0, 2)
    with pytest.raises(TypeError, match="tails"):
        max_flow([0.5, 1], [1, 2], [3, 4], 0, 2)
    with pytest.raises(TypeError, match="source"):
        max_flow(*ok, 0.0, 2)
    with pytest.raises(TypeError, match="sink"):
        max_flow(*ok, 0, True)
    with pytest.raises(ValueError, match="method"):
        max_flow(*ok, 0, 2, method="simplex")
    with pytest.raises(ValueError, match="n_nodes"):
        max_flow(*ok, 0, 2, n_nodes=0)


# ---- the generator families and phase 2 ----------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda: generators.grid(20, 30, seed=1),
        lambda: generators.rmf(4, 12, 1, 1000, seed=2),
        lambda: generators.rmf(8, 3, 1, 1000, seed=3),
        lambda: generators.washington_rlg(24, 16, 10_000, seed=4),
        lambda: generators.random_sparse(500, 4000, 1000, seed=5),
    ],
    ids=["grid", "rmf-long", "rmf-wide", "washington-rlg", "random-sparse"],
)
def test_generator_families_match_peers(make):
    g = make()
    args = (g.tails, g.heads, g.capacities, g.source, g.sink)
    results = solve_all(*args, n=g.n_nodes)
    assert results[0].value == nx_value(*args[:3], g.n_nodes, g.source, g.sink)
    assert results[0].value == scipy_value(*args[:3], g.n_nodes, g.source, g.sink)


def test_dense_cyclic_multigraphs_conserve_flow():
    # Dense random multigraphs with antiparallel and parallel arcs strand excess on
    # flow cycles, which phase 2 must cancel before returning the excess to s.
    rng = np.random.default_rng(7)
    for _ in range(300):
        n = int(rng.integers(2, 25))
        m = int(rng.integers(0, 150))
        tails = rng.integers(0, n, m)
        heads = rng.integers(0, n, m)
        caps = rng.integers(0, int(rng.choice([2, 10, 1000])), m)
        results = solve_all(tails, heads, caps, 0, n - 1, n=n)  # checks each flow and cut
        assert results[0].value == scipy_value(tails, heads, caps, n, 0, n - 1)
