"""Network reliability by Monte Carlo: ``network_reliability_mc``.

Edges of an undirected graph fail independently; the network fails when a terminal is
cut off from the others. The kernel (``cpp/include/qsm/reliability/network_mc.hpp``)
draws edge states with the same bit-parallel engine and streams as ``monte_carlo``
(edge ``e`` is event ``e``) and finds connectivity for 64 trials at once by label
propagation on 64-bit words. Estimates, intervals, importance sampling, ``start`` and
:func:`~qsmcore.reliability.combine` work as for ``monte_carlo``.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
import numpy.typing as npt

from qsmcore import _core
from qsmcore._seed import SeedLike
from qsmcore.reliability import _mc_input
from qsmcore.reliability.montecarlo import (
    Method,
    MonteCarloResult,
    Runner,
    _check_options,
    _estimate,
)


def _edges(n_nodes: Any, edges: Any) -> tuple[int, np.ndarray, np.ndarray]:
    if isinstance(n_nodes, bool) or not isinstance(n_nodes, numbers.Integral):
        raise TypeError(f"n_nodes must be an int, got {n_nodes!r}")
    n = int(n_nodes)
    if not 2 <= n < 2**31:
        raise ValueError(f"n_nodes must be in [2, 2**31), got {n}")
    e = np.asarray(edges)
    if e.ndim != 2 or e.shape[1] != 2 or e.shape[0] == 0:
        raise ValueError(f"edges must have shape (m, 2) with m >= 1, got {e.shape}")
    if e.dtype.kind not in "iu":
        raise TypeError(f"edges must hold integer node ids, got dtype {e.dtype}")
    bad = (e < 0) | (e >= n)
    if np.any(bad):
        i = int(np.flatnonzero(bad.any(axis=1))[0])
        raise ValueError(f"edges[{i}] = {e[i].tolist()} has a node id outside [0, {n})")
    if e.shape[0] >= 2**31:
        raise ValueError("edges: too many edges (at most 2**31 - 1)")
    tails = np.ascontiguousarray(e[:, 0], dtype=np.int32)
    heads = np.ascontiguousarray(e[:, 1], dtype=np.int32)
    return n, tails, heads


def _terminals(terminals: Any, n: int) -> np.ndarray:
    if terminals is None:
        return np.arange(n, dtype=np.int32)
    t = np.asarray(terminals)
    if t.ndim != 1 or t.dtype.kind not in "iu":
        raise TypeError(f"terminals must be a sequence of int node ids, got {terminals!r}")
    if t.size < 2:
        raise ValueError(f"terminals must name at least 2 nodes, got {t.tolist()}")
    if np.any((t < 0) | (t >= n)):
        raise ValueError(f"terminals {t.tolist()} must be node ids in [0, {n})")
    if np.unique(t).size != t.size:
        raise ValueError(f"terminals must be distinct, got {t.tolist()}")
    return np.ascontiguousarray(t, dtype=np.int32)


def network_reliability_mc(
    n_nodes: int,
    edges: npt.ArrayLike,
    p_fail: npt.ArrayLike,
    trials: int,
    terminals: npt.ArrayLike | None = None,
    seed: SeedLike = 0,
    method: Method = "naive",
    bias: Any = None,
    confidence: float = 0.95,
    threads: int | None = None,
    start: int = 0,
    node_p_fail: npt.ArrayLike | None = None,
) -> MonteCarloResult:
    """Probability that an undirected network with failing edges disconnects its terminals.

    Parameters
    ----------
    n_nodes : int
        Nodes ``0 .. n_nodes - 1`` (nodes do not fail).
    edges : array_like of int, shape (m, 2)
        Undirected edges; parallel edges and self-loops are allowed.
    p_fail : array_like of float, shape (m,)
        :math:`p_e`, the probability that edge ``e`` is down, independently.
    trials : int
        Number of trials :math:`n \\ge 1`.
    terminals : array_like of int, optional
        The nodes that must stay connected: two nodes :math:`\\{s, t\\}` for two-terminal
        reliability, ``None`` (every node) for all-terminal reliability, or any K of them.
    seed, method, bias, confidence, threads, start
        As for :func:`~qsmcore.reliability.monte_carlo`; ``bias`` is per edge (then per
        node, with ``node_p_fail``).
    node_p_fail : array_like of float, optional
        The probability that each node is down (a down node takes its edges down; a down
        terminal is cut off). Node v draws from stream lane ``m + v``, so the edges' words
        are the same with or without it.

    Returns
    -------
    MonteCarloResult
        ``probability`` is the *unreliability* :math:`1 - R`, the probability that some
        terminal is cut off from ``terminals[0]``; the reliability is
        ``1 - result.probability`` with interval ``[1 - high, 1 - low]``.

    Notes
    -----
    Two-terminal and all-terminal reliability are #P-complete (Valiant 1979; Provan &
    Ball 1983), hence Monte Carlo for large graphs. Connectivity is computed for 64 trials
    per word by label propagation: the root's word is all ones, and every edge :math:`(a,
    b)` that is up passes reached lanes across in both directions, sweeping the edges
    forward and backward until no word changes.
    """
    n, tails, heads = _edges(n_nodes, edges)
    p = _mc_input.probabilities("p_fail", p_fail, tails.size)
    if node_p_fail is not None:
        p = np.concatenate([p, _mc_input.probabilities("node_p_fail", node_p_fail, n)])
    term = _terminals(terminals, n)
    options = _check_options(trials, start, method, confidence, threads)
    nthreads = options["threads"]

    def run(q: np.ndarray | None, key: int, first: int, count: int) -> tuple[int, float, float]:
        q_arr = np.empty(0) if q is None else q
        return _core.reliability_network_mc(
            p, q_arr, tails, heads, n, term, key, start=first, trials=count, threads=nthreads
        )

    runner: Runner = run
    digest = _mc_input.digest((p, tails, heads, term), n)
    return _estimate(runner, p, digest, seed, bias, options)
