"""Instance generators: determinism, documented sizes and structure, valid max-flow /
min-cost instances (checked with SciPy and NetworkX)."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
from scipy.sparse.csgraph import maximum_flow

from qsmcore.flow import FlowGraph, generators

FAMILIES = {
    "grid": lambda seed: generators.grid(5, 7, (1, 50), seed=seed),
    "rmf": lambda seed: generators.rmf(3, 4, 1, 30, seed=seed),
    "rlg": lambda seed: generators.washington_rlg(6, 5, 100, seed=seed),
    "sparse": lambda seed: generators.random_sparse(40, 400, 100, seed=seed),
    "transportation": lambda seed: generators.transportation(5, 7, 60, seed=seed),
}


def scipy_max_flow(g: FlowGraph) -> int:
    a = g.to_scipy()
    a = sp.csr_array((a.data.astype(np.int32), a.indices, a.indptr), shape=a.shape)
    return int(maximum_flow(a, g.source, g.sink).flow_value)


@pytest.mark.parametrize("family", FAMILIES)
def test_same_seed_same_arrays_other_seed_other_arrays(family):
    make = FAMILIES[family]
    a, b, c = make(1), make(1), make(2)
    assert a == b
    assert not (a == c)
    ss = np.random.SeedSequence(5)
    assert make(ss) == make(np.random.SeedSequence(5))


@pytest.mark.parametrize("family", ["grid", "rmf", "rlg", "sparse"])
def test_max_flow_families_are_valid_and_agree_with_networkx(family):
    g = FAMILIES[family](3)
    assert g.source is not None and g.sink is not None and g.costs is None
    value = scipy_max_flow(g)
    assert 0 < value < int(g.capacities.sum())
    # Parallel arcs (random_sparse may draw some) summed: NetworkX takes no multigraphs.
    ng = nx.from_scipy_sparse_array(
        g.to_scipy(), create_using=nx.DiGraph, edge_attribute="capacity"
    )
    assert nx.maximum_flow_value(ng, g.source, g.sink) == value


def test_grid_shape_and_arcs():
    rows, cols = 4, 6
    g = generators.grid(rows, cols, (3, 9), seed=0)
    assert g.n_nodes == rows * cols + 2
    assert g.n_arcs == 2 * rows * (cols - 1) + 2 * (rows - 1) * cols + 2 * rows
    assert g.capacities.min() >= 3 and g.capacities.max() <= 9
    s, t = g.source, g.sink
    assert (s, t) == (rows * cols, rows * cols + 1)
    pix = (g.tails < s) & (g.heads < s)
    r1, c1 = np.divmod(g.tails[pix], cols)
    r2, c2 = np.divmod(g.heads[pix], cols)
    assert np.all(np.abs(r1 - r2) + np.abs(c1 - c2) == 1)  # 4-neighbours only
    assert set(g.heads[g.tails == s].tolist()) == {r * cols for r in range(rows)}
    assert set(g.tails[g.heads == t].tolist()) == {r * cols + cols - 1 for r in range(rows)}
    pairs = set(zip(g.tails[pix].tolist(), g.heads[pix].tolist(), strict=True))
    assert all((v, u) in pairs for u, v in pairs)  # both directions present
    # One column: the flow is the sum over rows of min(source arc, sink arc), as the
    # only moves are vertical.
    g1 = generators.grid(1, 1, (2, 2), seed=0)
    assert g1.n_arcs == 2 and scipy_max_flow(g1) == 2


def test_rmf_structure():
    a, b, c1, c2 = 3, 5, 2, 40
    g = generators.rmf(a, b, c1, c2, seed=7)
    a2 = a * a
    assert g.n_nodes == a2 * b
    assert g.n_arcs == 4 * a * (a - 1) * b + a2 * (b - 1)
    assert (g.source, g.sink) == (0, a2 * b - 1)
    frame_t, frame_h = g.tails // a2, g.heads // a2
    inside = frame_t == frame_h
    assert np.all(g.capacities[inside] == c2 * a2)
    between = ~inside
    assert np.all(frame_h[between] == frame_t[between] + 1)
    assert np.all((g.capacities[between] >= c1) & (g.capacities[between] <= c2))
    for f in range(b - 1):  # a permutation between each pair of frames
        sel = between & (frame_t == f)
        assert sorted((g.tails[sel] % a2).tolist()) == list(range(a2))
        assert sorted((g.heads[sel] % a2).tolist()) == list(range(a2))
    # In-frame arcs join grid neighbours.
    p, q = g.tails[inside] % a2, g.heads[inside] % a2
    assert np.all(np.abs(p // a - q // a) + np.abs(p % a - q % a) == 1)
    # The frames never bottleneck: the flow is at most one frame-to-frame cut.
    assert scipy_max_flow(g) <= min(
        int(g.capacities[between & (frame_t == f)].sum()) for f in range(b - 1)
    )


def test_washington_rlg_structure_and_uniform_choice():
    rows, cols, cap = 10, 400, 1000
    g = generators.washington_rlg(rows, cols, cap, seed=1)
    k = 3
    assert g.n_nodes == rows * cols + 2
    assert g.n_arcs == 2 * rows + k * rows * (cols - 1)
    s, t = g.source, g.sink
    mid = (g.tails != s) & (g.heads != t)
    assert np.all(g.heads[mid] // rows == g.tails[mid] // rows + 1)  # next level only
    tails = g.tails[mid].reshape(-1, k)
    heads = g.heads[mid].reshape(-1, k)
    assert np.all(tails == tails[:, :1])
    assert np.all(np.diff(np.sort(heads, axis=1), axis=1) > 0)  # k distinct targets
    assert g.capacities.min() >= 1 and g.capacities.max() <= cap
    # Every row of the next level is a target with probability k/rows, independently
    # over the rows·(cols−1) choosing nodes: counts within 5 binomial standard errors.
    counts = np.bincount((heads % rows).ravel(), minlength=rows)
    trials = rows * (cols - 1)
    p = k / rows
    se = math.sqrt(trials * p * (1 - p))
    assert np.all(np.abs(counts - trials * p) < 5 * se)
    # Fewer rows than 3: every node of the next level is a target.
    g2 = generators.washington_rlg(2, 3, 5, seed=0)
    assert g2.n_arcs == 2 * 2 + 2 * 2 * 2


def test_random_sparse_shape_and_no_self_loops():
    g = generators.random_sparse(50, 1000, 7, seed=2)
    assert (g.n_nodes, g.n_arcs, g.source, g.sink) == (50, 1000, 0, 49)
    assert np.all(g.tails != g.heads)
    assert g.capacities.min() >= 1 and g.capacities.max() <= 7
    # Heads are uniform on the other 49 nodes: the head count of each node is within
    # 5 binomial standard errors of m/n.
    counts = np.bincount(g.heads, minlength=50)
    p = 1 / 50
    assert np.all(np.abs(counts - 1000 * p) < 5 * math.sqrt(1000 * p * (1 - p)))
    assert generators.random_sparse(2, 0, seed=0).n_arcs == 0


def test_transportation_is_balanced_and_capacities_never_bind():
    ns, nt = 6, 9
    g = generators.transportation(ns, nt, max_cost=40, seed=4, max_supply=30)
    assert g.n_nodes == ns + nt and g.n_arcs == ns * nt
    assert g.supplies.sum() == 0
    assert np.all(g.supplies[:ns] >= 1) and np.all(g.supplies[:ns] <= 30)
    assert np.all(g.supplies[ns:] <= -1)
    assert np.all(g.tails == np.repeat(np.arange(ns), nt))
    assert np.all(g.heads == np.tile(np.arange(ns, ns + nt), ns))
    assert g.costs.min() >= 0 and g.costs.max() <= 40
    ng = g.to_networkx()
    capped = nx.min_cost_flow_cost(ng)
    for _, _, d in ng.edges(data=True):
        del d["capacity"]  # uncapacitated: the same optimum
    assert nx.min_cost_flow_cost(ng) == capped
    # A supply total below the number of sinks leaves some sinks without demand.
    small = generators.transportation(1, 5, seed=0, max_supply=2)
    assert small.supplies.sum() == 0 and np.all(small.supplies[1:] <= 0)


@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        (lambda: generators.grid(0, 3), ValueError, "rows"),
        (lambda: generators.grid(3, -1), ValueError, "cols"),
        (lambda: generators.grid(2.0, 3), TypeError, "rows"),
        (lambda: generators.grid(2, 3, (5, 1)), ValueError, "capacity"),
        (lambda: generators.grid(2, 3, (-1, 1)), ValueError, "capacity"),
        (lambda: generators.grid(2, 3, 5), TypeError, "capacity"),
        (lambda: generators.grid(2, 3, seed=None), TypeError, "seed"),
        (lambda: generators.grid(2, 3, seed=-1), ValueError, "seed"),
        (lambda: generators.grid(2, 3, seed=1.5), TypeError, "seed"),
        (lambda: generators.grid(100_000, 100_000), ValueError, "arcs"),
        (lambda: generators.rmf(0, 3, 1, 2), ValueError, "a"),
        (lambda: generators.rmf(2, 1, 1, 2), ValueError, "b"),
        (lambda: generators.rmf(2, 3, 5, 2), ValueError, "c1"),
        (lambda: generators.rmf(2, 3, 0, 2), ValueError, "c1"),
        (lambda: generators.washington_rlg(3, 3, 0), ValueError, "max_cap"),
        (lambda: generators.washington_rlg(True, 3, 1), TypeError, "rows"),
        (lambda: generators.random_sparse(1, 3), ValueError, "n"),
        (lambda: generators.random_sparse(5, -3), ValueError, "m"),
        (lambda: generators.random_sparse(5, 3, 0), ValueError, "max_cap"),
        (lambda: generators.transportation(0, 3), ValueError, "n_sources"),
        (lambda: generators.transportation(2, 3, -1), ValueError, "max_cost"),
        (lambda: generators.transportation(2, 3, max_supply=0), ValueError, "max_supply"),
    ],
)
def test_bad_parameters_are_named(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
