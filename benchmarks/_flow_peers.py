"""The peer solvers of compare.py flow, each timed as build and solve separately.

Every function takes one instance as arc arrays (int64 tails, heads, capacities, and
costs/supplies for min-cost flow) and returns ``PeerRun(value, build_s, solve_s)``:
the optimum it found and the seconds spent building its graph object and solving.
A missing package makes the function None, and the suite says which were skipped.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

try:
    from ortools.graph.python import max_flow as ort_max_flow
    from ortools.graph.python import min_cost_flow as ort_min_cost_flow
except ImportError:  # pragma: no cover - depends on the peers extra
    ort_max_flow = ort_min_cost_flow = None
try:
    from ortools.graph.python import linear_sum_assignment as ort_lsa
except ImportError:  # pragma: no cover - depends on the peers extra
    ort_lsa = None
try:
    import scipy.sparse as sp
    from scipy.optimize import linear_sum_assignment as scipy_lsa
    from scipy.sparse.csgraph import maximum_flow as scipy_maximum_flow
except ImportError:  # pragma: no cover
    scipy_maximum_flow = scipy_lsa = None
try:
    import igraph
except ImportError:  # pragma: no cover
    igraph = None
try:
    import maxflow as pymaxflow
except ImportError:  # pragma: no cover
    pymaxflow = None
try:
    import networkx as nx
except ImportError:  # pragma: no cover
    nx = None


@dataclass(frozen=True)
class PeerRun:
    value: int
    build_s: float
    solve_s: float


def _clock() -> float:
    return time.perf_counter()


def ortools_max(t: np.ndarray, h: np.ndarray, c: np.ndarray, s: int, k: int, n: int) -> PeerRun:
    t0 = _clock()
    g = ort_max_flow.SimpleMaxFlow()
    g.add_arcs_with_capacity(t, h, c)
    t1 = _clock()
    status = g.solve(s, k)
    t2 = _clock()
    if status != g.OPTIMAL:
        raise RuntimeError(f"OR-Tools SimpleMaxFlow status {status}")
    return PeerRun(int(g.optimal_flow()), t1 - t0, t2 - t1)


def scipy_max(t: np.ndarray, h: np.ndarray, c: np.ndarray, s: int, k: int, n: int) -> PeerRun:
    # SciPy wants an int32 CSR matrix; parallel arcs are summed, self-loops dropped.
    t0 = _clock()
    keep = t != h
    m = sp.csr_matrix((c[keep].astype(np.int32), (t[keep], h[keep])), shape=(n, n))
    m.sum_duplicates()
    t1 = _clock()
    value = scipy_maximum_flow(m, s, k, method="dinic").flow_value
    t2 = _clock()
    return PeerRun(int(value), t1 - t0, t2 - t1)


def igraph_max(t: np.ndarray, h: np.ndarray, c: np.ndarray, s: int, k: int, n: int) -> PeerRun:
    t0 = _clock()
    g = igraph.Graph(n=n, edges=np.column_stack([t, h]).tolist(), directed=True)
    caps = c.tolist()
    t1 = _clock()
    value = g.maxflow_value(s, k, capacity=caps)
    t2 = _clock()
    return PeerRun(round(value), t1 - t0, t2 - t1)


def pymaxflow_max(t: np.ndarray, h: np.ndarray, c: np.ndarray, s: int, k: int, n: int) -> PeerRun:
    # PyMaxflow (Boykov–Kolmogorov) has no source/sink nodes: arcs out of s and into t
    # become terminal capacities, an arc s -> t adds to the flow directly.
    t0 = _clock()
    g = pymaxflow.Graph[int](n, len(t))
    g.add_nodes(n)
    inner = (t != s) & (h != k) & (t != k) & (h != s) & (t != h)
    zero = np.zeros(int(inner.sum()), dtype=np.int64)
    g.add_edges(t[inner], h[inner], c[inner], zero)
    direct = int(c[(t == s) & (h == k)].sum())
    src = (t == s) & (h != k) & (h != s)
    for v, cap in zip(h[src].tolist(), c[src].tolist(), strict=True):
        g.add_tedge(v, cap, 0)
    snk = (h == k) & (t != s) & (t != k)
    for u, cap in zip(t[snk].tolist(), c[snk].tolist(), strict=True):
        g.add_tedge(u, 0, cap)
    t1 = _clock()
    value = g.maxflow() + direct
    t2 = _clock()
    return PeerRun(int(value), t1 - t0, t2 - t1)


def networkx_max(t: np.ndarray, h: np.ndarray, c: np.ndarray, s: int, k: int, n: int) -> PeerRun:
    t0 = _clock()
    g = nx.DiGraph()
    g.add_nodes_from(range(n))
    for u, v, cap in zip(t.tolist(), h.tolist(), c.tolist(), strict=True):
        if u == v:
            continue
        if g.has_edge(u, v):
            g[u][v]["capacity"] += cap
        else:
            g.add_edge(u, v, capacity=cap)
    t1 = _clock()
    value = nx.maximum_flow_value(g, s, k)
    t2 = _clock()
    return PeerRun(int(value), t1 - t0, t2 - t1)


def ortools_min_cost(
    t: np.ndarray, h: np.ndarray, c: np.ndarray, w: np.ndarray, supplies: np.ndarray
) -> PeerRun:
    t0 = _clock()
    g = ort_min_cost_flow.SimpleMinCostFlow()
    g.add_arcs_with_capacity_and_unit_cost(t, h, c, w)
    g.set_nodes_supplies(np.arange(supplies.size), supplies)
    t1 = _clock()
    status = g.solve()
    t2 = _clock()
    if status != g.OPTIMAL:
        raise RuntimeError(f"OR-Tools SimpleMinCostFlow status {status}")
    return PeerRun(int(g.optimal_cost()), t1 - t0, t2 - t1)


def networkx_min_cost(
    t: np.ndarray, h: np.ndarray, c: np.ndarray, w: np.ndarray, supplies: np.ndarray
) -> PeerRun:
    # network_simplex takes a MultiDiGraph, so parallel arcs stay as they are.
    t0 = _clock()
    g = nx.MultiDiGraph()
    for v, b in enumerate(supplies.tolist()):
        g.add_node(v, demand=-b)
    for u, v, cap, cost in zip(t.tolist(), h.tolist(), c.tolist(), w.tolist(), strict=True):
        g.add_edge(u, v, capacity=cap, weight=cost)
    t1 = _clock()
    cost, _ = nx.network_simplex(g)
    t2 = _clock()
    return PeerRun(int(cost), t1 - t0, t2 - t1)


def scipy_assignment(cost: np.ndarray) -> PeerRun:
    t0 = _clock()
    rows, cols = scipy_lsa(cost)
    t1 = _clock()
    return PeerRun(int(cost[rows, cols].sum()), 0.0, t1 - t0)


def ortools_assignment(cost: np.ndarray) -> PeerRun:
    # SimpleLinearSumAssignment: left node i, right node j, one arc per matrix cell.
    t0 = _clock()
    n_rows, n_cols = cost.shape
    g = ort_lsa.SimpleLinearSumAssignment()
    left = np.repeat(np.arange(n_rows, dtype=np.int64), n_cols)
    right = np.tile(np.arange(n_cols, dtype=np.int64), n_rows)
    g.add_arcs_with_cost(left, right, cost.ravel())
    t1 = _clock()
    status = g.solve()
    t2 = _clock()
    if status != g.OPTIMAL:
        raise RuntimeError(f"OR-Tools SimpleLinearSumAssignment status {status}")
    return PeerRun(int(g.optimal_cost()), t1 - t0, t2 - t1)


MAX_FLOW = {
    "OR-Tools": ortools_max if ort_max_flow else None,
    "SciPy": scipy_max if scipy_maximum_flow else None,
    "igraph": igraph_max if igraph else None,
    "PyMaxflow": pymaxflow_max if pymaxflow else None,
    "NetworkX": networkx_max if nx else None,
}
MIN_COST = {
    "OR-Tools": ortools_min_cost if ort_min_cost_flow else None,
    "NetworkX": networkx_min_cost if nx else None,
}
ASSIGNMENT = {
    "SciPy": scipy_assignment if scipy_lsa else None,
    "OR-Tools": ortools_assignment if ort_lsa else None,
}


def versions() -> dict[str, str]:
    out = {}
    for name, mod in (
        ("ortools", "ortools"),
        ("scipy", "scipy"),
        ("igraph", "igraph"),
        ("PyMaxflow", "maxflow"),
        ("networkx", "networkx"),
    ):
        try:
            out[name] = __import__(mod).__version__
        except (ImportError, AttributeError):
            out[name] = "not installed"
    return out
