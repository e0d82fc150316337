"""Minimum-cost flow (network simplex) and the assignment problem built on it.

The kernel is ``cpp/include/qsm/flow/mincost_simplex.hpp``: a primal network simplex
with a big-M artificial root, block search pricing and strongly feasible spanning
trees (Ahuja, Magnanti & Orlin, *Network Flows*, 1993, ch. 11; Király & Kovács,
"Efficient implementations of minimum-cost flow algorithms", 2012).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from qsmcore import _core
from qsmcore.flow import _graph

__all__ = [
    "AssignmentResult",
    "InfeasibleFlowError",
    "MinCostFlowResult",
    "assignment",
    "min_cost_flow",
]

# Potentials are tree-path costs through one artificial arc of cost
# M = (max|c| + 1)(n + 1); keeping M < 2**60 keeps every reduced cost in int64.
_MAX_BIG_M = 2**60


class InfeasibleFlowError(ValueError):
    """The supplies cannot be routed within the capacities (no feasible flow exists)."""


def _arr_repr(a: np.ndarray) -> str:
    return np.array2string(a, threshold=8, edgeitems=3, separator=", ")


@dataclass(frozen=True, repr=False)
class MinCostFlowResult:
    """An optimal flow x and node potentials π (the LP duals).

    ``flow[e]`` is x_e on input arc e; ``total_cost`` = Σ c_e x_e. The potentials
    satisfy complementary slackness: the reduced cost c_ij + π_i − π_j is ≥ 0 on every
    arc with x_ij < u_ij and ≤ 0 on every arc with x_ij > 0 (so = 0 where
    0 < x_ij < u_ij). Potentials are not unique (any optimal dual will do; nodes the
    optimal basis links only through the solver's artificial root can carry large
    offsets). ``pivots`` counts the simplex iterations.
    """

    total_cost: int
    flow: np.ndarray = field(compare=False)
    potentials: np.ndarray = field(compare=False)
    status: str = "optimal"
    method: str = "network_simplex"
    pivots: int = 0

    def reduced_costs(
        self, tails: npt.ArrayLike, heads: npt.ArrayLike, costs: npt.ArrayLike
    ) -> np.ndarray:
        """c_ij + π_i − π_j for the given arcs (int64)."""
        t = np.asarray(tails, dtype=np.int64)
        h = np.asarray(heads, dtype=np.int64)
        return np.asarray(costs, dtype=np.int64) + self.potentials[t] - self.potentials[h]

    def to_dict(self) -> dict[str, Any]:
        return {
            "total_cost": self.total_cost,
            "flow": self.flow.tolist(),
            "potentials": self.potentials.tolist(),
            "status": self.status,
            "method": self.method,
            "pivots": self.pivots,
        }

    def __repr__(self) -> str:
        return (
            f"MinCostFlowResult(total_cost={self.total_cost}, status={self.status!r}, "
            f"method={self.method!r}, arcs={self.flow.size}, nodes={self.potentials.size}, "
            f"flow={_arr_repr(self.flow)}, pivots={self.pivots})"
        )

    __str__ = __repr__


@dataclass(frozen=True, repr=False)
class AssignmentResult:
    """An optimal assignment: row ``row_ind[k]`` gets column ``col_ind[k]``.

    Same layout as ``scipy.optimize.linear_sum_assignment``: ``row_ind`` ascending,
    min(rows, cols) pairs. ``total_cost`` = Σ_k C[row_ind[k], col_ind[k]] (in the
    input's units; an int for integer input).
    """

    row_ind: np.ndarray = field(compare=False)
    col_ind: np.ndarray = field(compare=False)
    total_cost: int
    maximize: bool = False
    method: str = "shortest_augmenting_path"

    def to_dict(self) -> dict[str, Any]:
        return {
            "row_ind": self.row_ind.tolist(),
            "col_ind": self.col_ind.tolist(),
            "total_cost": self.total_cost,
            "maximize": self.maximize,
            "method": self.method,
        }

    def __repr__(self) -> str:
        return (
            f"AssignmentResult(total_cost={self.total_cost}, pairs={self.row_ind.size}, "
            f"maximize={self.maximize}, row_ind={_arr_repr(self.row_ind)}, "
            f"col_ind={_arr_repr(self.col_ind)})"
        )

    __str__ = __repr__


def _supplies(fn: str, supplies: npt.ArrayLike, n_nodes: int | None, top: int) -> np.ndarray:
    b = _graph._int_array(fn, "supplies", supplies)
    if n_nodes is not None:
        n = _graph.node_count(fn, n_nodes)
        if b.size != n:
            raise ValueError(
                f"{fn}: supplies must have one entry per node (n_nodes={n}), got {b.size}"
            )
    else:
        if b.size == 0:
            raise ValueError(f"{fn}: supplies must have one entry per node, got an empty array")
        if top >= b.size:
            raise ValueError(
                f"{fn}: node id {top} is out of range for {b.size} supplies (one per node)"
            )
    if b.size and float(np.abs(b.astype(np.float64)).sum()) >= 2.0**62:
        raise ValueError(f"{fn}: supplies are too large (sum of |b_i| must stay below 2**62)")
    total = int(b.sum())
    if total != 0:
        raise ValueError(
            f"{fn}: unbalanced supplies: they must sum to 0 (supply > 0, demand < 0), "
            f"got sum {total}"
        )
    return b


def min_cost_flow(
    tails: npt.ArrayLike,
    heads: npt.ArrayLike,
    capacities: npt.ArrayLike,
    costs: npt.ArrayLike,
    supplies: npt.ArrayLike,
    n_nodes: int | None = None,
) -> MinCostFlowResult:
    """Minimum-cost flow: minimize Σ c_ij x_ij over arcs (i, j).

    Subject to 0 ≤ x_ij ≤ u_ij and flow conservation Σ_j x_ij − Σ_j x_ji = b_i at every
    node i (b_i > 0 a supply, b_i < 0 a demand, Σ b_i = 0). Negative costs are allowed:
    capacities are finite, so negative cycles are saturated (a min-cost circulation).

    Parameters
    ----------
    tails, heads : array_like of int, shape (m,)
        Arc e goes from ``tails[e]`` to ``heads[e]``; node ids in ``[0, n)``. Parallel
        arcs and self-loops are allowed.
    capacities : array_like of int, shape (m,)
        u_e ≥ 0, with Σ u_e < 2**62.
    costs : array_like of int, shape (m,)
        c_e (any sign), with max|c_e| · Σ u_e < 2**62 and (max|c_e| + 1)(n + 1) < 2**60.
    supplies : array_like of int, shape (n,)
        b_i per node, summing to 0.
    n_nodes : int, optional
        n; defaults to ``len(supplies)``.

    Returns
    -------
    MinCostFlowResult
        ``total_cost``, ``flow`` (int64 per input arc), ``potentials`` π (int64 per node)
        with complementary slackness, ``status="optimal"``.

    Raises
    ------
    InfeasibleFlowError
        When no flow meets the supplies within the capacities (a ``ValueError``).
    ValueError, TypeError
        On malformed input, naming the parameter (unbalanced supplies included).

    Examples
    --------
    >>> r = min_cost_flow([0, 0, 1], [1, 2, 2], [4, 2, 5], [1, 5, 1], [3, 0, -3])
    >>> r.total_cost, r.flow.tolist()
    (6, [3, 0, 3])
    """
    fn = "min_cost_flow"
    t, h, _ = _graph.arcs(fn, tails, heads, n_nodes)
    top = int(max(t.max(), h.max())) if t.size else -1
    b = _supplies(fn, supplies, n_nodes, top)
    n = b.size
    m = t.size
    if n + m >= 2**31 - 1:
        raise ValueError(f"{fn}: n_nodes + number of arcs must be below 2**31 - 1, got {n} + {m}")
    u = _graph.capacities(fn, capacities, m)
    total_cap = int(u.sum()) if m else 0
    c = _graph.costs(fn, costs, m, total_cap)
    max_abs = int(np.abs(c).max()) if m else 0
    if (max_abs + 1) * (n + 1) >= _MAX_BIG_M:
        raise ValueError(
            f"{fn}: (max |costs| + 1) * (n_nodes + 1) = ({max_abs} + 1) * {n + 1} must stay "
            "below 2**60 so that node potentials fit int64"
        )
    positive = int(b[b > 0].sum()) if n else 0
    if positive > total_cap:
        raise InfeasibleFlowError(
            f"{fn}: infeasible: total supply {positive} exceeds the total arc capacity "
            f"{total_cap}, so it cannot be routed"
        )
    ok, total, flow, pi, pivots = _core.mincost_network_simplex(t, h, u, c, b)
    if not ok:
        raise InfeasibleFlowError(
            f"{fn}: infeasible: the supplies cannot be routed to the demands within the "
            "capacities (some supply has no path with spare capacity to a demand)"
        )
    return MinCostFlowResult(
        total_cost=int(total), flow=flow, potentials=pi, status="optimal", pivots=int(pivots)
    )


def assignment(cost_matrix: npt.ArrayLike, maximize: bool = False) -> AssignmentResult:
    """Linear assignment: match rows to columns minimizing (or maximizing) Σ C[i, σ(i)].

    Rectangular matrices are allowed: min(rows, cols) pairs, every row matched when
    rows ≤ cols (every column otherwise), like ``scipy.optimize.linear_sum_assignment``.
    This is the min-cost flow problem on the complete bipartite graph with unit
    supplies; it is solved by a dedicated kernel, shortest augmenting paths with
    dual variables u_i, v_j (Jonker–Volgenant, in Crouse's 2016 rectangular form),
    O(r² k) for r ≤ k, exact in int64.

    Parameters
    ----------
    cost_matrix : array_like, shape (r, c)
        Integer costs, or floats with integral values (scale fractional costs to
        integers first, e.g. ``np.rint(C * 1000)``: the solver is exact in int64).
    maximize : bool
        Maximize instead of minimize.

    Returns
    -------
    AssignmentResult
        ``row_ind`` (ascending), ``col_ind``, ``total_cost``.

    Examples
    --------
    >>> assignment([[4, 1, 3], [2, 0, 5], [3, 2, 2]]).col_ind.tolist()
    [1, 0, 2]
    """
    fn = "assignment"
    if not isinstance(maximize, (bool, np.bool_)):
        raise TypeError(f"{fn}: maximize must be a bool, got {maximize!r}")
    a = np.asarray(cost_matrix)
    if a.ndim != 2:
        raise ValueError(f"{fn}: cost_matrix must be 2-D, got shape {a.shape}")
    rows, cols = a.shape
    if rows == 0 or cols == 0:
        empty = np.zeros(0, dtype=np.int64)
        return AssignmentResult(empty, empty.copy(), 0, bool(maximize))
    w = _graph._int_array(fn, "cost_matrix", a.reshape(-1)).reshape(rows, cols)
    max_abs = float(np.abs(w.astype(np.float64)).max())  # float: |int64 min| overflows
    if (max_abs + 1) * (rows + cols + 1) >= _MAX_BIG_M:
        raise ValueError(
            f"{fn}: cost_matrix values up to {max_abs:.0f} in absolute value are too large: "
            f"(max |C| + 1) * (rows + cols + 1) must stay below 2**60 for exact int64 duals"
        )
    transposed = rows > cols
    work = w.T if transposed else w
    signed = np.ascontiguousarray(-work if maximize else work, dtype=np.int64)
    col4row = _core.mincost_assignment(signed)  # every row of the r <= k problem
    row_ind = np.arange(signed.shape[0], dtype=np.int64)
    col_ind = np.asarray(col4row, dtype=np.int64)
    if transposed:
        order = np.argsort(col_ind, kind="stable")
        row_ind, col_ind = col_ind[order], row_ind[order]
    total = int(w[row_ind, col_ind].sum())
    return AssignmentResult(row_ind, col_ind, total, bool(maximize))
