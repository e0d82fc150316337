"""Deterministic flow instances for benchmarking and teaching.

Every generator is a pure function of its arguments: the random numbers come from
``numpy.random.default_rng(seed)`` (``seed`` an int >= 0 or a ``SeedSequence``), drawn
in a fixed, documented order, so the same call gives the same arrays on every machine
and NumPy version that keeps ``Generator``'s stream (NumPy guarantees it for
``integers`` and ``permutation`` within a major version). Node ids and arc order are
documented per family so that results (flows, cuts) can be read back.

The max-flow families follow the DIMACS Implementation Challenge generators:

* :func:`grid` — the vision-style 4-neighbour grid (Boykov–Kolmogorov benchmarks),
* :func:`rmf` — GENRMF (Goldfarb & Grigoriadis 1988, DIMACS ``genrmf``),
* :func:`washington_rlg` — the Washington Random Level Graph (R. Anderson's
  ``washington.c``, function 2),

plus :func:`random_sparse` and, for min-cost flow, :func:`transportation`.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from qsmcore.flow import _graph
from qsmcore.flow._flowgraph import FlowGraph, check_seed

__all__ = ["grid", "random_sparse", "rmf", "transportation", "washington_rlg"]

# Generated instances are for machines with memory: refuse anything above 2**28 arcs
# (~ 8 GiB of int64 arrays) before allocating.
MAX_GENERATED_ARCS = 2**28


def _count(fn: str, name: str, value: Any, low: int, high: int = _graph.MAX_NODES) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{fn}: {name} must be an int, got {value!r}")
    v = int(value)
    if not low <= v <= high:
        raise ValueError(f"{fn}: {name} must be in [{low}, {high}], got {v}")
    return v


def _arc_budget(fn: str, m: int, n: int) -> None:
    if m > MAX_GENERATED_ARCS or n > _graph.MAX_NODES:
        raise ValueError(
            f"{fn}: the instance would have {m} arcs and {n} nodes; at most "
            f"{MAX_GENERATED_ARCS} arcs are generated"
        )


def grid(
    rows: int,
    cols: int,
    capacity: tuple[int, int] = (1, 100),
    seed: int | np.random.SeedSequence = 0,
) -> FlowGraph:
    """A ``rows × cols`` 4-neighbour grid with the source left and the sink right.

    Pixel (r, c) is node ``r·cols + c``; the source s is node ``rows·cols`` and the
    sink t is ``rows·cols + 1``. Arcs, in this order: rightward (r, c)→(r, c+1),
    leftward (r, c+1)→(r, c), downward (r, c)→(r+1, c), upward (r+1, c)→(r, c)
    (each block row-major), then s→(r, 0) and (r, cols−1)→t for r = 0..rows−1.
    Every capacity is an independent uniform integer in ``[capacity[0], capacity[1]]``,
    drawn in arc order. n = rows·cols + 2, m = 2·rows·(cols−1) + 2·(rows−1)·cols + 2·rows.
    """
    fn = "grid"
    r = _count(fn, "rows", rows, 1)
    c = _count(fn, "cols", cols, 1)
    lo, hi = _range(fn, "capacity", capacity, 0)
    n = r * c + 2
    m = 2 * r * (c - 1) + 2 * (r - 1) * c + 2 * r
    _arc_budget(fn, m, n)
    if hi * m >= _graph.MAX_TOTAL:
        raise ValueError(f"{fn}: capacity[1]·m = {hi * m} would overflow int64 capacity sums")
    rng = check_seed(fn, seed)
    ids = np.arange(r * c, dtype=np.int64).reshape(r, c)
    left, right = ids[:, :-1].ravel(), ids[:, 1:].ravel()
    up, down = ids[:-1, :].ravel(), ids[1:, :].ravel()
    s, t = r * c, r * c + 1
    first, last = ids[:, 0], ids[:, -1]
    tails = np.concatenate([left, right, up, down, np.full(r, s, np.int64), last])
    heads = np.concatenate([right, left, down, up, first, np.full(r, t, np.int64)])
    caps = rng.integers(lo, hi, size=m, endpoint=True, dtype=np.int64)
    return FlowGraph(tails, heads, caps, n_nodes=n, source=s, sink=t)


def rmf(a: int, b: int, c1: int, c2: int, seed: int | np.random.SeedSequence = 0) -> FlowGraph:
    """GENRMF (Goldfarb & Grigoriadis 1988): ``b`` frames of ``a × a`` grids.

    Node (f, i, j) — frame f, row i, column j — is ``f·a² + i·a + j``. Inside a frame,
    each node has arcs to its 4 grid neighbours with capacity c2·a² (so the frames
    never bottleneck); between frames f and f+1, a fresh random permutation π_f
    of the a² positions gives the arcs (f, p) → (f+1, π_f(p)), with capacities
    uniform integers in [c1, c2]. The source is node 0 (first node of the first
    frame), the sink node a²·b − 1 (last node of the last frame).

    Arcs, in this order: the in-frame arcs of frame 0, 1, ... (each frame: rightward,
    leftward, downward, upward, row-major), then the inter-frame arcs frame by frame
    in position order. Random draws: π_0, its capacities, π_1, its capacities, ...
    n = a²·b, m = 4·a·(a−1)·b + a²·(b−1). "Long" instances have small a and large b,
    "wide" ones large a and small b.
    """
    fn = "rmf"
    a_ = _count(fn, "a", a, 1, 1 << 15)
    b_ = _count(fn, "b", b, 2)
    lo = _count(fn, "c1", c1, 1, 2**40)
    hi = _count(fn, "c2", c2, 1, 2**40)
    if lo > hi:
        raise ValueError(f"{fn}: c1 must be <= c2, got c1={lo}, c2={hi}")
    a2 = a_ * a_
    n = a2 * b_
    m = 4 * a_ * (a_ - 1) * b_ + a2 * (b_ - 1)
    _arc_budget(fn, m, n)
    frame_cap = hi * a2
    if frame_cap * m >= _graph.MAX_TOTAL:
        raise ValueError(f"{fn}: c2·a² = {frame_cap} is too large: capacities would overflow")
    rng = check_seed(fn, seed)
    ids = np.arange(a2, dtype=np.int64).reshape(a_, a_)
    ft = np.concatenate(
        [ids[:, :-1].ravel(), ids[:, 1:].ravel(), ids[:-1].ravel(), ids[1:].ravel()]
    )
    fh = np.concatenate(
        [ids[:, 1:].ravel(), ids[:, :-1].ravel(), ids[1:].ravel(), ids[:-1].ravel()]
    )
    offsets = np.arange(b_, dtype=np.int64)[:, None] * a2
    in_t, in_h = (ft + offsets).ravel(), (fh + offsets).ravel()
    perms = np.empty((b_ - 1, a2), dtype=np.int64)
    between = np.empty((b_ - 1, a2), dtype=np.int64)
    for f in range(b_ - 1):
        perms[f] = rng.permutation(a2)
        between[f] = rng.integers(lo, hi, size=a2, endpoint=True, dtype=np.int64)
    pos = np.arange(a2, dtype=np.int64)
    x_t = (pos + offsets[:-1]).ravel()
    x_h = (perms + offsets[1:]).ravel()
    tails = np.concatenate([in_t, x_t])
    heads = np.concatenate([in_h, x_h])
    caps = np.concatenate([np.full(in_t.size, frame_cap, np.int64), between.ravel()])
    return FlowGraph(tails, heads, caps, n_nodes=n, source=0, sink=n - 1)


def washington_rlg(
    rows: int, cols: int, max_cap: int = 10_000, seed: int | np.random.SeedSequence = 0
) -> FlowGraph:
    """The Washington Random Level Graph: ``cols`` levels of ``rows`` nodes each.

    Node (i, j) — row i of level j — is ``j·rows + i``; the source is ``rows·cols``
    and the sink ``rows·cols + 1``. Arcs, in this order: s → every node of level 0;
    each node of level j < cols−1 → k = min(3, rows) distinct nodes of level j+1
    chosen uniformly at random (level by level, row by row); every node of the last
    level → t. Every capacity is a uniform integer in [1, max_cap], drawn after the
    structure, in arc order. n = rows·cols + 2, m = 2·rows + k·rows·(cols−1).
    """
    fn = "washington_rlg"
    r = _count(fn, "rows", rows, 1)
    c = _count(fn, "cols", cols, 1)
    cap = _count(fn, "max_cap", max_cap, 1, 2**40)
    k = min(3, r)
    n = r * c + 2
    m = 2 * r + k * r * (c - 1)
    _arc_budget(fn, m, n)
    if cap * m >= _graph.MAX_TOTAL:
        raise ValueError(f"{fn}: max_cap·m = {cap * m} would overflow int64 capacity sums")
    rng = check_seed(fn, seed)
    s, t = r * c, r * c + 1
    count = r * (c - 1)
    # k distinct rows out of r, uniformly: draw x0 in [0, r), x1 in [0, r-1) and x2
    # in [0, r-2), then skip over the rows already taken (a bijection onto the rest).
    picks = np.empty((count, k), dtype=np.int64)
    for j in range(k):
        x = rng.integers(0, r - j, size=count, dtype=np.int64)
        taken = np.sort(picks[:, :j], axis=1)
        for q in range(j):
            x += x >= taken[:, q]
        picks[:, j] = x
    src_nodes = np.arange(count, dtype=np.int64)  # level j row i is j·r + i for j < c−1
    level = src_nodes // r
    mid_t = np.repeat(src_nodes, k)
    mid_h = ((level + 1) * r)[:, None].repeat(k, axis=1).ravel() + picks.ravel()
    first = np.arange(r, dtype=np.int64)
    last = (c - 1) * r + first
    tails = np.concatenate([np.full(r, s, np.int64), mid_t, last])
    heads = np.concatenate([first, mid_h, np.full(r, t, np.int64)])
    caps = rng.integers(1, cap, size=m, endpoint=True, dtype=np.int64)
    return FlowGraph(tails, heads, caps, n_nodes=n, source=s, sink=t)


def random_sparse(
    n: int, m: int, max_cap: int = 1000, seed: int | np.random.SeedSequence = 0
) -> FlowGraph:
    """``m`` arcs between uniformly random distinct end points of ``n`` nodes.

    Tails are uniform on [0, n); heads uniform on the other n − 1 nodes (no
    self-loops; parallel arcs may occur). Capacities are uniform integers in
    [1, max_cap]. Draws: all tails, all heads, all capacities. The source is node 0 and
    the sink node n − 1; with m well above n·ln n the sink is almost surely reachable,
    but a sparse draw may leave it cut off (max flow 0).
    """
    fn = "random_sparse"
    n_ = _count(fn, "n", n, 2)
    m_ = _count(fn, "m", m, 0, MAX_GENERATED_ARCS)
    cap = _count(fn, "max_cap", max_cap, 1, 2**40)
    if cap * m_ >= _graph.MAX_TOTAL:
        raise ValueError(f"{fn}: max_cap·m = {cap * m_} would overflow int64 capacity sums")
    rng = check_seed(fn, seed)
    tails = rng.integers(0, n_, size=m_, dtype=np.int64)
    heads = rng.integers(0, n_ - 1, size=m_, dtype=np.int64)
    heads += heads >= tails  # skip the tail itself: uniform over the other nodes
    caps = rng.integers(1, cap, size=m_, endpoint=True, dtype=np.int64)
    return FlowGraph(tails, heads, caps, n_nodes=n_, source=0, sink=n_ - 1)


def transportation(
    n_sources: int,
    n_sinks: int,
    max_cost: int = 100,
    seed: int | np.random.SeedSequence = 0,
    max_supply: int = 100,
) -> FlowGraph:
    """A balanced transportation problem on the complete bipartite graph.

    Sources are nodes ``0 .. n_sources−1``, sinks ``n_sources .. n_sources+n_sinks−1``;
    arc ``i·n_sinks + j`` runs source i → sink j. Draws, in order: supplies
    b(i) uniform in [1, max_supply]; the total B = Σ b(i) split over the sinks as
    d = 1 + Multinomial(B − n_sinks, uniform) when B >= n_sinks (every sink demands
    something), else Multinomial(B, uniform); costs uniform integers in [0, max_cost].
    Supplies are b(i) for sources and −d(j) for sinks, so Σ b = 0. The capacity of
    arc (i, j) is min(b(i), d(j)), which no feasible flow can exceed: the problem is
    effectively uncapacitated, with small capacity sums.
    """
    fn = "transportation"
    s = _count(fn, "n_sources", n_sources, 1)
    k = _count(fn, "n_sinks", n_sinks, 1)
    cmax = _count(fn, "max_cost", max_cost, 0, 2**40)
    bmax = _count(fn, "max_supply", max_supply, 1, 2**40)
    m = s * k
    _arc_budget(fn, m, s + k)
    if float(bmax) * s * max(cmax, 1) >= _graph.MAX_TOTAL:
        raise ValueError(f"{fn}: max_supply·n_sources·max_cost would overflow int64 cost sums")
    rng = check_seed(fn, seed)
    supply = rng.integers(1, bmax, size=s, endpoint=True, dtype=np.int64)
    total = int(supply.sum())
    p = np.full(k, 1.0 / k)
    if total >= k:
        demand = 1 + rng.multinomial(total - k, p).astype(np.int64)
    else:
        demand = rng.multinomial(total, p).astype(np.int64)
    costs = rng.integers(0, cmax, size=m, endpoint=True, dtype=np.int64)
    tails = np.repeat(np.arange(s, dtype=np.int64), k)
    heads = np.tile(np.arange(s, s + k, dtype=np.int64), s)
    caps = np.minimum(supply[tails], demand[heads - s])
    return FlowGraph(
        tails, heads, caps, costs=costs, n_nodes=s + k, supplies=np.concatenate([supply, -demand])
    )


def _range(fn: str, name: str, value: Any, low: int) -> tuple[int, int]:
    try:
        lo, hi = value
    except (TypeError, ValueError):
        raise TypeError(f"{fn}: {name} must be a pair (low, high) of ints, got {value!r}") from None
    lo = _count(fn, f"{name}[0]", lo, low, 2**40)
    hi = _count(fn, f"{name}[1]", hi, low, 2**40)
    if lo > hi:
        raise ValueError(f"{fn}: {name} must have low <= high, got ({lo}, {hi})")
    return lo, hi
