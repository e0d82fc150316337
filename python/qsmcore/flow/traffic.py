"""Traffic engineering: multi-commodity flow as linear programs solved by HiGHS.

A commodity k is a demand (s_k, t_k, d_k): d_k units from node s_k to node t_k, split
over any paths. With f_k(e) >= 0 the flow of commodity k on arc e, conservation reads

    Σ_{e ∈ out(v)} f_k(e) − Σ_{e ∈ in(v)} f_k(e) = d_k·([v = s_k] − [v = t_k])   ∀ k, v.

Two classic objectives on the same polytope:

* :func:`min_max_utilization` — minimize U subject to Σ_k f_k(e) <= U·u(e) (route
  everything, keep the busiest link as idle as possible);
* :func:`max_concurrent_flow` — maximize λ subject to Σ_k f_k(e) <= u(e) when every
  commodity ships λ·d_k (how much can all demands grow together).

They are dual views of one another: scaling a min-max routing by 1/U* gives a
concurrent flow with λ* = 1/U*, and conversely (tested). Both are LPs with k·m + 1
variables, k·n equality rows and m capacity rows, built as scipy.sparse matrices
and solved by ``scipy.optimize.linprog(method="highs")``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from qsmcore.flow import _graph

__all__ = ["TrafficResult", "max_concurrent_flow", "min_max_utilization"]

# k·m flow variables at most: HiGHS holds a few nonzeros per variable, so this caps
# a single LP at a few GiB. Larger studies aggregate commodities by source first.
MAX_LP_VARIABLES = 2**25

# HiGHS's tightest primal/dual feasibility tolerances: the problem is scaled so that
# volumes are <= 1, which makes these (absolute) tolerances relative ones.
_HIGHS_OPTIONS = {"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10}

_STATUS = {
    0: "optimal",
    1: "iteration_limit",
    2: "infeasible",
    3: "unbounded",
    4: "numerical_difficulties",
}


@dataclass(frozen=True, eq=False, repr=False)
class TrafficResult:
    """The solution of a multi-commodity flow LP.

    Attributes
    ----------
    problem : str
        ``"min_max_utilization"`` or ``"max_concurrent_flow"``.
    status : str
        ``"optimal"``, ``"infeasible"`` (some demand cannot be routed at all),
        ``"unbounded"``, ``"iteration_limit"`` or ``"numerical_difficulties"``.
    objective : float
        U* (the smallest achievable maximum utilization) or λ* (the largest common
        demand multiplier); NaN unless optimal.
    flows : ndarray, shape (k, m), or None
        f_k(e), the flow of commodity k on arc e (None unless optimal). For the
        concurrent flow, commodity k ships λ*·d_k.
    utilization : ndarray, shape (m,), or None
        Σ_k f_k(e) / u(e) per arc (0 on arcs of capacity 0, which carry nothing).
    message : str
        Why the status is what it is (HiGHS's message, or the unroutable commodity).
    """

    problem: str
    status: str
    objective: float
    flows: np.ndarray | None
    utilization: np.ndarray | None
    message: str = ""

    @property
    def success(self) -> bool:
        """True when an optimal solution was found."""
        return self.status == "optimal"

    @property
    def load(self) -> np.ndarray | None:
        """Σ_k f_k(e), the total flow per arc."""
        return None if self.flows is None else self.flows.sum(axis=0)

    def to_dict(self) -> dict[str, Any]:
        """The fields as plain Python values (arrays become lists)."""
        return {
            f.name: (v.tolist() if isinstance(v, np.ndarray) else v)
            for f in dataclasses.fields(self)
            for v in [getattr(self, f.name)]
        }

    def __repr__(self) -> str:
        shape = (
            ""
            if self.flows is None
            else f", commodities={self.flows.shape[0]}, arcs={self.flows.shape[1]}"
        )
        return (
            f"TrafficResult(problem={self.problem!r}, status={self.status!r}, "
            f"objective={self.objective:.6g}{shape})"
        )

    def __str__(self) -> str:
        symbol = "U*" if self.problem == "min_max_utilization" else "λ*"
        lines = [f"{self.problem}: {self.status}", f"  {symbol} = {self.objective:.6g}"]
        if self.utilization is not None and self.utilization.size:
            busiest = int(np.argmax(self.utilization))
            lines.append(f"  busiest arc {busiest}: utilization {self.utilization[busiest]:.6g}")
        if self.message:
            lines.append(f"  {self.message}")
        return "\n".join(lines)


# --------------------------------------------------------------------------- inputs


def _float_capacities(fn: str, values: npt.ArrayLike, m: int) -> np.ndarray:
    a = np.asarray(values)
    if a.ndim != 1:
        raise ValueError(f"{fn}: capacities must be a 1-D array, got shape {a.shape}")
    if a.size and (a.dtype.kind == "b" or a.dtype.kind not in "iuf"):
        raise TypeError(f"{fn}: capacities must be real numbers, got dtype {a.dtype}")
    a = a.astype(np.float64)
    if a.size != m:
        raise ValueError(f"{fn}: capacities must have one entry per arc ({m}), got {a.size}")
    if a.size and not np.all(np.isfinite(a)):
        raise ValueError(f"{fn}: capacities must be finite (arc {int(np.argmin(np.isfinite(a)))})")
    if a.size and a.min() < 0:
        raise ValueError(f"{fn}: capacities must be >= 0 (arc {int(np.argmin(a))} is {a.min()})")
    return a


def _demands(fn: str, demands: Any, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    try:
        d = np.asarray(demands, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(
            f"{fn}: demands must be (source, target, volume) triples of numbers"
        ) from None
    if d.ndim != 2 or d.shape[1] != 3 or d.shape[0] == 0:
        raise ValueError(
            f"{fn}: demands must be a non-empty list of (source, target, volume) triples, "
            f"got shape {d.shape}"
        )
    src, dst, vol = d[:, 0], d[:, 1], d[:, 2]
    for name, col in (("source", src), ("target", dst)):
        bad = np.flatnonzero(~np.isfinite(col) | (col != np.round(col)))
        if bad.size:
            k = int(bad[0])
            raise ValueError(f"{fn}: demands[{k}] {name} must be an integer node id, got {col[k]}")
        bad = np.flatnonzero((col < 0) | (col >= n))
        if bad.size:
            k = int(bad[0])
            raise ValueError(
                f"{fn}: demands[{k}] {name} {int(col[k])} is not a node (ids are in [0, {n}))"
            )
    same = np.flatnonzero(src == dst)
    if same.size:
        k = int(same[0])
        raise ValueError(f"{fn}: demands[{k}] has source == target == {int(src[k])}")
    bad = np.flatnonzero(~np.isfinite(vol) | (vol <= 0))
    if bad.size:
        k = int(bad[0])
        raise ValueError(f"{fn}: demands[{k}] volume must be finite and > 0, got {vol[k]}")
    return src.astype(np.int64), dst.astype(np.int64), vol


# --------------------------------------------------------------------------- the LP


def _unroutable(
    t: np.ndarray, h: np.ndarray, cap: np.ndarray, n: int, src: np.ndarray, dst: np.ndarray
) -> int:
    """The first commodity whose target cannot be reached over arcs of capacity > 0, or -1."""
    import scipy.sparse as sp
    from scipy.sparse.csgraph import breadth_first_order

    use = cap > 0
    adj = sp.csr_array((np.ones(int(use.sum())), (t[use], h[use])), shape=(n, n))
    reach: dict[int, np.ndarray] = {}
    for k, (s, d) in enumerate(zip(src.tolist(), dst.tolist(), strict=True)):
        if s not in reach:
            seen = np.zeros(n, dtype=bool)
            seen[breadth_first_order(adj, s, directed=True, return_predecessors=False)] = True
            reach[s] = seen
        if not reach[s][d]:
            return k
    return -1


def _solve(
    fn: str,
    tails: Any,
    heads: Any,
    capacities: Any,
    demands: Any,
    n_nodes: int | None,
    concurrent: bool,
) -> TrafficResult:
    t, h, n = _graph.arcs(fn, tails, heads, n_nodes)
    m = t.size
    cap = _float_capacities(fn, capacities, m)
    src, dst, vol = _demands(fn, demands, n)
    k = src.size
    if k * m > MAX_LP_VARIABLES:
        raise ValueError(
            f"{fn}: {k} commodities × {m} arcs = {k * m} flow variables, more than the "
            f"{MAX_LP_VARIABLES} one LP may have"
        )
    problem = "max_concurrent_flow" if concurrent else "min_max_utilization"
    try:  # SciPy is an optional dependency of qsmcore; only the LPs need it
        import scipy.sparse as sp
        from scipy.optimize import linprog
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(f"{fn} needs SciPy (HiGHS): pip install scipy") from exc
    bad = _unroutable(t, h, cap, n, src, dst)
    if bad >= 0:
        why = f"demand {bad} ({src[bad]} -> {dst[bad]}) has no path of arcs with capacity > 0"
        if concurrent:  # λ = 0 is optimal: nothing can grow together with it
            zeros = np.zeros((k, m))
            return TrafficResult(problem, "optimal", 0.0, zeros, np.zeros(m), why + ": λ* = 0")
        return TrafficResult(problem, "infeasible", float("nan"), None, None, why)

    # Scale volumes to <= 1 and capacities by the same factor: U and λ are unchanged,
    # and HiGHS's absolute tolerances become relative to the demands.
    scale = float(vol.max())
    v, u = vol / scale, cap / scale
    kk = np.arange(k, dtype=np.int64)[:, None]
    e = np.arange(m, dtype=np.int64)[None, :]
    cols = (kk * m + e).ravel()
    z = k * m  # the column of U (or λ)
    rows_eq = np.concatenate([(kk * n + t).ravel(), (kk * n + h).ravel()])
    vals_eq = np.concatenate([np.ones(k * m), -np.ones(k * m)])
    cols_eq = np.concatenate([cols, cols])
    rhs = np.zeros(k * n)
    b_rows = np.concatenate([np.arange(k) * n + src, np.arange(k) * n + dst])
    b_vals = np.concatenate([v, -v])
    if concurrent:
        # Σ_out f − Σ_in f − λ·d_k·([v = s_k] − [v = t_k]) = 0
        rows_eq = np.concatenate([rows_eq, b_rows])
        cols_eq = np.concatenate([cols_eq, np.full(2 * k, z)])
        vals_eq = np.concatenate([vals_eq, -b_vals])
    else:
        np.add.at(rhs, b_rows, b_vals)
    a_eq = sp.csr_array((vals_eq, (rows_eq, cols_eq)), shape=(k * n, z + 1))
    # Σ_k f_k(e) − U·u(e) <= 0, or Σ_k f_k(e) <= u(e)
    rows_ub = np.tile(np.arange(m, dtype=np.int64), k)
    if concurrent:
        a_ub = sp.csr_array((np.ones(k * m), (rows_ub, cols)), shape=(m, z + 1))
        b_ub = u
    else:
        a_ub = sp.csr_array(
            (
                np.concatenate([np.ones(k * m), -u]),
                (np.concatenate([rows_ub, np.arange(m)]), np.concatenate([cols, np.full(m, z)])),
            ),
            shape=(m, z + 1),
        )
        b_ub = np.zeros(m)
    # Self-loops and arcs of capacity 0 can carry nothing useful: fix them at 0.
    upper = np.where((t == h) | (cap == 0), 0.0, np.inf)
    bounds = np.column_stack([np.zeros(z + 1), np.append(np.tile(upper, k), np.inf)])
    c = np.zeros(z + 1)
    c[z] = -1.0 if concurrent else 1.0
    res = linprog(
        c,
        A_ub=a_ub,
        b_ub=b_ub,
        A_eq=a_eq,
        b_eq=rhs,
        bounds=bounds,
        method="highs",
        options=_HIGHS_OPTIONS,
    )
    status = _STATUS.get(res.status, "numerical_difficulties")
    if res.status != 0:
        return TrafficResult(problem, status, float("nan"), None, None, str(res.message))
    flows = np.maximum(res.x[:z].reshape(k, m), 0.0) * scale
    load = flows.sum(axis=0)
    util = np.divide(load, cap, out=np.zeros(m), where=cap > 0)
    if concurrent:
        lam = float(res.x[z])
        # Shrink by the worst capacity excess HiGHS's tolerance allowed (a factor
        # 1 + O(1e-10)): conservation is homogeneous in (f, λ), capacities then hold.
        over = float(util.max()) if m else 0.0
        if over > 1.0:
            flows, util, lam = flows / over, util / over, lam / over
        return TrafficResult(problem, status, lam, flows, util, str(res.message))
    # Report the U the flows achieve (the LP's U within its tolerance), so that
    # Σ_k f_k(e) <= U·u(e) holds exactly for the returned numbers.
    return TrafficResult(
        problem, status, float(util.max()) if m else 0.0, flows, util, str(res.message)
    )


def min_max_utilization(
    tails: npt.ArrayLike,
    heads: npt.ArrayLike,
    capacities: npt.ArrayLike,
    demands: Any,
    n_nodes: int | None = None,
) -> TrafficResult:
    """Route every demand, minimizing the maximum link utilization U.

    Solves  min U  s.t.  conservation of each commodity (module docstring),
    Σ_k f_k(e) <= U·u(e) for every arc e, f >= 0.

    Parameters
    ----------
    tails, heads : array of int, shape (m,)
        Arc e runs tails[e] → heads[e]; node ids in [0, n_nodes).
    capacities : array of float, shape (m,)
        u(e) >= 0 (link capacities in any unit shared with the volumes).
    demands : array-like, shape (k, 3)
        (s_k, t_k, d_k) rows: integer nodes s_k != t_k and volume d_k > 0.
    n_nodes : int, optional
        n; by default one more than the largest id in the arcs.

    Returns
    -------
    TrafficResult
        ``objective`` = U* (> 1 means the demands do not fit), ``flows`` (k × m),
        ``utilization`` per arc. Status ``"infeasible"`` when some demand has no
        path of arcs with capacity > 0 (then no U works).
    """
    return _solve("min_max_utilization", tails, heads, capacities, demands, n_nodes, False)


def max_concurrent_flow(
    tails: npt.ArrayLike,
    heads: npt.ArrayLike,
    capacities: npt.ArrayLike,
    demands: Any,
    n_nodes: int | None = None,
) -> TrafficResult:
    """Maximize λ such that every demand can ship λ·d_k at once within capacities.

    Solves  max λ  s.t.  commodity k conserves flow with net outflow λ·d_k at s_k
    (and inflow λ·d_k at t_k), Σ_k f_k(e) <= u(e), f >= 0. Parameters as for
    :func:`min_max_utilization`; λ* = 1/U* on the same instance.

    Returns
    -------
    TrafficResult
        ``objective`` = λ* (>= 1 means the demands fit as they are), ``flows`` for
        the scaled demands λ*·d_k, ``utilization`` per arc. A demand with no path
        gives λ* = 0 (status ``"optimal"``, the message names it).
    """
    return _solve("max_concurrent_flow", tails, heads, capacities, demands, n_nodes, True)
