"""Network reliability: the probability that a graph whose links (and nodes) fail
independently stays connected — between two terminals, or everywhere.

Graphs are undirected edge lists ``(u[i], v[i])`` with node ids in ``[0, n)``; parallel
edges are allowed, self-loops ignored. Exact evaluation is the frontier dynamic
programme of ``cpp/include/qsm/reliability/network_exact.hpp`` (the state space of
Hardy, Lucet & Limnios's BDD method), exponential only in the frontier width of a
breadth-first edge order: grids up to about 12 wide and sparse graphs of hundreds of
edges are exact in well under a second.
"""

from __future__ import annotations

import numbers
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from qsmcore import _core
from qsmcore.flow import _graph

DEFAULT_MAX_STATES = 2_000_000


@dataclass(frozen=True)
class NetworkReliabilityResult:
    """Connectivity probability of a network with failing elements.

    ``reliability`` = P(connected) and ``failure_probability`` = P(not connected). Exact:
    each summed over its own states (no 1 − x cancellation: a failure probability of
    1e-15 keeps its digits); ``states`` / ``frontier`` size the computation (the largest
    number of distinct partial states, the widest frontier). Monte Carlo: the estimate,
    with ``low`` / ``high`` the confidence interval on the failure probability (see
    :func:`~qsmcore.reliability.monte_carlo` for the interval used) and ``trials``.
    ``method`` says which solver ran.
    """

    reliability: float
    failure_probability: float
    terminals: str
    method: str
    states: int = 0
    frontier: int = 0
    low: float | None = None
    high: float | None = None
    trials: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __repr__(self) -> str:
        size = (
            f"states={self.states:,}, frontier={self.frontier}"
            if self.trials is None
            else f"95% CI on failure=[{self.low:.6g}, {self.high:.6g}], trials={self.trials:,}"
        )
        return (
            f"NetworkReliabilityResult({self.terminals}: reliability={self.reliability:.12g}, "
            f"failure={self.failure_probability:.6g}, method={self.method!r}, {size})"
        )


def _probabilities(fn: str, name: str, values: npt.ArrayLike, size: int) -> np.ndarray:
    a = (
        np.asarray(values, dtype=np.float64)
        if not np.isscalar(values)
        else np.full(
            size,
            float(values),  # type: ignore[arg-type]
        )
    )
    if a.dtype.kind not in "fiu":
        raise TypeError(f"{fn}: {name} must hold numbers")
    a = np.ascontiguousarray(np.broadcast_to(a, (size,)) if a.ndim == 0 else a, np.float64)
    if a.shape != (size,):
        raise ValueError(f"{fn}: {name} must have length {size}, got shape {a.shape}")
    if not np.all((a >= 0.0) & (a <= 1.0)):  # NaN fails too
        raise ValueError(f"{fn}: {name} must be probabilities in [0, 1] (no NaN)")
    return a


def _max_states(fn: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or int(value) < 1:
        raise ValueError(f"{fn}: max_states must be a positive int, got {value!r}")
    return int(value)


def two_terminal(
    u: npt.ArrayLike,
    v: npt.ArrayLike,
    edge_p_fail: npt.ArrayLike,
    source: int,
    target: int,
    n_nodes: int | None = None,
    node_p_fail: npt.ArrayLike | None = None,
    max_states: int = DEFAULT_MAX_STATES,
    method: str = "exact",
    trials: int = 1_000_000,
    seed: Any = 0,
) -> NetworkReliabilityResult:
    """Probability that ``source`` and ``target`` are joined by working elements.

    Parameters
    ----------
    u, v : array_like of int
        Undirected edges ``u[i] — v[i]``.
    edge_p_fail : float or array_like
        Failure probability of each edge (a scalar applies to all).
    source, target : int
        The terminals (they must work too: their ``node_p_fail`` counts).
    n_nodes : int, optional
        Number of nodes; by default one more than the largest id.
    node_p_fail : float or array_like, optional
        Failure probability of each node (default: nodes never fail). A failed node
        disconnects all its edges.
    max_states : int
        Memory guard: more distinct frontier states than this raise ``ValueError``.
    method : {"exact", "monte_carlo", "importance"}
        ``"exact"``: the frontier dynamic programme. ``"monte_carlo"`` /
        ``"importance"``: :func:`network_reliability_mc` with ``trials`` and ``seed``
        (naive, or importance sampling for rare disconnection).

    Returns
    -------
    NetworkReliabilityResult
    """
    fn = "two_terminal"
    a, b, n = _graph.arcs(fn, u, v, n_nodes)
    q = _probabilities(fn, "edge_p_fail", edge_p_fail, a.size)
    nq = np.zeros(n) if node_p_fail is None else _probabilities(fn, "node_p_fail", node_p_fail, n)
    s = _graph.node(fn, "source", source, n)
    t = _graph.node(fn, "target", target, n)
    if _method(fn, method) != "exact":
        return _monte_carlo(a, b, q, n, [s, t], method, trials, seed, "two-terminal", nq)
    cap = _max_states(fn, max_states)
    out = _core.reliability_network_exact(a, b, q, nq, s, t, 0, cap)
    return _result(*out, "two-terminal")


def all_terminal(
    u: npt.ArrayLike,
    v: npt.ArrayLike,
    edge_p_fail: npt.ArrayLike,
    n_nodes: int | None = None,
    max_states: int = DEFAULT_MAX_STATES,
    method: str = "exact",
    trials: int = 1_000_000,
    seed: Any = 0,
) -> NetworkReliabilityResult:
    """Probability that every node is connected to every other through working edges
    (nodes do not fail here: with failing nodes "all nodes connected" is rarely the
    question; use ``two_terminal`` per pair). ``method`` as in :func:`two_terminal`."""
    fn = "all_terminal"
    a, b, n = _graph.arcs(fn, u, v, n_nodes)
    q = _probabilities(fn, "edge_p_fail", edge_p_fail, a.size)
    if _method(fn, method) != "exact":
        return _monte_carlo(a, b, q, n, None, method, trials, seed, "all-terminal")
    cap = _max_states(fn, max_states)
    out = _core.reliability_network_exact(a, b, q, np.zeros(n), 0, 0, 1, cap)
    return _result(*out, "all-terminal")


def _result(
    r: float, f: float, states: int, frontier: int, terminals: str
) -> NetworkReliabilityResult:
    return NetworkReliabilityResult(
        reliability=min(max(float(r), 0.0), 1.0),
        failure_probability=min(max(float(f), 0.0), 1.0),
        terminals=terminals,
        method="exact (frontier DP)",
        states=int(states),
        frontier=int(frontier),
    )


METHODS = ("exact", "monte_carlo", "importance")


def _method(fn: str, method: object) -> str:
    if method not in METHODS:
        raise ValueError(f"{fn}: method must be one of {METHODS}, got {method!r}")
    return str(method)


def _monte_carlo(
    a: np.ndarray,
    b: np.ndarray,
    q: np.ndarray,
    n: int,
    terminals: list[int] | None,
    method: str,
    trials: int,
    seed: Any,
    kind: str,
    node_q: np.ndarray | None = None,
) -> NetworkReliabilityResult:
    from qsmcore.reliability.network_mc import network_reliability_mc

    keep = a != b  # self-loops never matter
    mc = network_reliability_mc(
        max(n, 2),
        np.column_stack([a[keep], b[keep]]),
        q[keep],
        trials,
        terminals=terminals,
        seed=seed,
        method="naive" if method == "monte_carlo" else "importance",
        node_p_fail=None if node_q is None or not np.any(node_q) else node_q,
    )
    return NetworkReliabilityResult(
        reliability=1.0 - mc.probability,
        failure_probability=mc.probability,
        terminals=kind,
        method=f"monte carlo ({mc.estimator})",
        low=mc.low,
        high=mc.high,
        trials=mc.trials,
    )
