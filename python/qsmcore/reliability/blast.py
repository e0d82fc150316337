"""Blast radius: the fraction of users hit when f of N nodes fail, for cell-based
placement and for shuffle sharding.

Both placements give every user a group of g nodes. A user is *fully down* when all g of
its nodes are among the f failed ones, and *partially affected* when at least one is.
The failed set is a uniformly random f-subset of the N nodes (or, equivalently for the
shuffle-sharded case, any fixed f-subset: the users' shards are random).

* **Cells**: the N nodes are split into G = N / c disjoint cells of c nodes; users are
  spread evenly over the cells, so the fraction of users hit is the fraction of cells hit.
  For one user, P(fully down) = C(f, c) / C(N, c) (hypergeometric), but users of a cell
  share their fate, so the count of cells down is lumpy: at most ⌊f / c⌋ cells, and its
  exact distribution is computed by a dynamic programme over the cells (the number of
  failed nodes in each next cell is hypergeometric given the failures left).
* **Shuffle sharding**: each of U users draws its own uniformly random k-subset of the N
  nodes, independently (the usual implementation: a hash of the user id seeds the
  draw; distinct-shard constraints are ignored). Then, for a given failed set, users are
  independent, and the number of fully-down users is *exactly* Binomial(U, p_full) with
  p_full = C(f, k) / C(N, k); the partially affected count is Binomial(U, p_partial),
  p_partial = 1 - C(N - f, k) / C(N, k). Same mean as cells of size k, a much thinner
  tail: P(any user fully down) = 1 - (1 - p_full)^U.

References
----------
MacCárthaigh, C. (2014, 2019). Shuffle sharding: massive and magical fault isolation.
AWS Architecture Blog / Amazon Builders' Library. Feller, W. (1968). *An Introduction to
Probability Theory and Its Applications*, vol. 1, §II.6 (hypergeometric distribution).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.stats
from scipy.special import gammaln

from qsmcore.reliability._relcalc_common import Result, integer, real

__all__ = [
    "CellBlastRadius",
    "ShuffleShardBlastRadius",
    "cell_blast_radius",
    "shuffle_shard_blast_radius",
]

MAX_NODES = 10**9
MAX_DP_WORK = 10**8  # array elements the DP touches; about a second


@dataclass(frozen=True, repr=False)
class CellBlastRadius(Result):
    """Users hit when f of N nodes fail, users spread evenly over G cells of c nodes.

    Attributes
    ----------
    nodes, cell_size, cells, failed : int
        N, c, G = N / c and f.
    expected_fraction_full, expected_fraction_partial : float
        E[fraction of users whose cell has all c (at least one) nodes failed].
    std_fraction_full : float
        Standard deviation of the fully-down fraction.
    tail_quantile : float
        q of the tail fields.
    tail_fraction_full, tail_fraction_partial : float
        Smallest x with P(fraction ≤ x) ≥ q.
    p_any_full : float
        P(at least one cell, hence at least one user, fully down).
    full_cells_pmf, partial_cells_pmf : numpy.ndarray
        P(exactly j cells fully down / partially affected), j = 0, 1, ...
    """

    nodes: int
    cell_size: int
    cells: int
    failed: int
    expected_fraction_full: float
    expected_fraction_partial: float
    std_fraction_full: float
    tail_quantile: float
    tail_fraction_full: float
    tail_fraction_partial: float
    p_any_full: float
    full_cells_pmf: np.ndarray = field(repr=False)
    partial_cells_pmf: np.ndarray = field(repr=False)


@dataclass(frozen=True, repr=False)
class ShuffleShardBlastRadius(Result):
    """Users hit when f of N nodes fail, each of U users on its own random k-node shard.

    Attributes
    ----------
    nodes, shard_size, failed, users : int
        N, k, f and U.
    p_full, p_partial : float
        For one user: P(all k shard nodes failed) = C(f,k)/C(N,k) and P(at least one).
    expected_fraction_full, expected_fraction_partial : float
        Equal to ``p_full`` and ``p_partial``.
    expected_users_full, expected_users_partial : float
        U × p.
    std_fraction_full : float
        sqrt(p_full (1 - p_full) / U).
    tail_quantile : float
    tail_fraction_full, tail_fraction_partial : float
        q-quantile of the binomial user counts, divided by U.
    p_any_full : float
        1 - (1 - p_full)^U.
    shard_overlap_pmf : numpy.ndarray
        P(exactly j of a user's k nodes failed), j = 0..k (hypergeometric).
    """

    nodes: int
    shard_size: int
    failed: int
    users: int
    p_full: float
    p_partial: float
    expected_fraction_full: float
    expected_fraction_partial: float
    expected_users_full: float
    expected_users_partial: float
    std_fraction_full: float
    tail_quantile: float
    tail_fraction_full: float
    tail_fraction_partial: float
    p_any_full: float
    shard_overlap_pmf: np.ndarray = field(repr=False)

    def users_full_distribution(self) -> Any:
        """The exact law of the number of fully-down users, ``scipy.stats.binom(U, p_full)``.

        Binomial because, for a given failed set, the users' shards are independent draws.
        """
        return scipy.stats.binom(self.users, self.p_full)

    def users_partial_distribution(self) -> Any:
        """The exact law of the number of partially affected users, Binomial(U, p_partial)."""
        return scipy.stats.binom(self.users, self.p_partial)


def _common(fn: str, nodes: int, group: int, group_name: str, failed: int, q: float):
    nodes = integer(fn, "nodes", nodes, low=1, high=MAX_NODES)
    group = integer(fn, group_name, group, low=1, high=nodes)
    failed = integer(fn, "failed", failed, low=0, high=nodes)
    q = real(fn, "tail_quantile", q, low=0.0, high=1.0)
    return nodes, group, failed, q


def _quantile(pmf: np.ndarray, q: float) -> int:
    # the 1e-12 slack keeps a cdf that should equal q from missing it by rounding
    return int(np.searchsorted(np.cumsum(pmf), q - 1e-12))


def _log_comb(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """log C(a, b), -inf outside 0 <= b <= a."""
    ok = (b >= 0) & (b <= a)
    a, b = np.where(ok, a, 0), np.where(ok, b, 0)
    out = gammaln(a + 1.0) - gammaln(b + 1.0) - gammaln(a - b + 1.0)
    return np.where(ok, out, -np.inf)


def _hypergeom_pmf(s: np.ndarray, total: int, marked: np.ndarray, draws: int) -> np.ndarray:
    """P(s marked among ``draws`` taken from ``total`` holding ``marked``), vectorised.

    Same as ``scipy.stats.hypergeom.pmf`` (the tests compare them), through gammaln:
    the DP calls it once per cell, where SciPy's per-call cost dominated (seconds).
    """
    return np.exp(
        _log_comb(np.asarray(marked), s)
        + _log_comb(np.asarray(total - marked), draws - s)
        - _log_comb(np.asarray(total), np.asarray(draws))
    )


def _cells_dp(nodes: int, c: int, failed: int, full: bool) -> np.ndarray:
    """pmf of the number of cells with all c (``full``) or >= 1 failed nodes."""
    cells = nodes // c
    top = min(cells, failed // c if full else failed)  # the count can't exceed this
    dist = np.zeros((failed + 1, top + 1))  # dist[u, j]: u failures placed, j cells counted
    dist[0, 0] = 1.0
    used = np.arange(failed + 1)
    svals = np.arange(min(c, failed) + 1)
    for t in range(cells):
        remaining = nodes - t * c
        new = np.zeros_like(dist)
        # w[s, u]: P(s of this cell's c nodes fail | failed - u failures among `remaining`)
        w = _hypergeom_pmf(svals[:, None], remaining, (failed - used)[None, :], c)
        for s in svals:
            rows = slice(0, failed + 1 - s)
            if (s == c) if full else (s >= 1):
                new[s:, 1:] += dist[rows, :-1] * w[s, rows, None]
            else:
                new[s:, :] += dist[rows, :] * w[s, rows, None]
        dist = new
    return np.clip(dist[failed], 0.0, None)


def cell_blast_radius(
    nodes: int, cell_size: int, failed: int, *, tail_quantile: float = 0.99
) -> CellBlastRadius:
    """Blast radius of f random node failures under cell-based placement.

    Parameters
    ----------
    nodes : int
        N, 1 <= N <= 1e9, a multiple of ``cell_size``.
    cell_size : int
        c, nodes per cell (a user lives in one cell), 1 <= c <= N.
    failed : int
        f, nodes failed at once (a uniformly random f-subset), 0 <= f <= N.
    tail_quantile : float, default 0.99
        q in (0, 1) for the tail fractions.

    Returns
    -------
    CellBlastRadius

    Notes
    -----
    The exact distribution costs about G × (c + 1) × f × min(G, f) array operations;
    inputs beyond 1e8 are refused (``ValueError``) rather than run for minutes.
    """
    fn = "cell_blast_radius"
    nodes, c, failed, q = _common(fn, nodes, cell_size, "cell_size", failed, tail_quantile)
    if nodes % c:
        raise ValueError(f"{fn}: nodes must be a multiple of cell_size ({c}), got {nodes}")
    cells = nodes // c
    work = cells * (min(c, failed) + 1) * (failed + 1) * (min(cells, failed) + 1)
    if work > MAX_DP_WORK:
        raise ValueError(
            f"{fn}: nodes={nodes} with failed={failed} needs {work:.3g} DP operations, more "
            f"than {MAX_DP_WORK:.0e}; the exact distribution would take too long"
        )
    full_pmf = _cells_dp(nodes, c, failed, full=True)
    partial_pmf = _cells_dp(nodes, c, failed, full=False)
    frac = np.arange(full_pmf.size) / cells
    var_full = float(full_pmf @ (frac - frac @ full_pmf) ** 2)  # centred: no cancellation
    return CellBlastRadius(
        nodes=nodes,
        cell_size=c,
        cells=cells,
        failed=failed,
        expected_fraction_full=float(scipy.stats.hypergeom.pmf(c, nodes, failed, c)),
        expected_fraction_partial=float(scipy.stats.hypergeom.sf(0, nodes, failed, c)),
        std_fraction_full=math.sqrt(var_full),
        tail_quantile=q,
        tail_fraction_full=_quantile(full_pmf, q) / cells,
        tail_fraction_partial=_quantile(partial_pmf, q) / cells,
        p_any_full=float(full_pmf[1:].sum()),
        full_cells_pmf=full_pmf,
        partial_cells_pmf=partial_pmf,
    )


def shuffle_shard_blast_radius(
    nodes: int,
    shard_size: int,
    failed: int,
    users: int,
    *,
    tail_quantile: float = 0.99,
) -> ShuffleShardBlastRadius:
    """Blast radius of f node failures when each user has a random k-node shard.

    Parameters
    ----------
    nodes : int
        N, 1 <= N <= 1e9.
    shard_size : int
        k, nodes per user's shard, 1 <= k <= N.
    failed : int
        f, nodes failed at once, 0 <= f <= N.
    users : int
        U >= 1 users, shards drawn independently and uniformly among the C(N, k) subsets.
    tail_quantile : float, default 0.99
        q in (0, 1) for the tail fractions.

    Returns
    -------
    ShuffleShardBlastRadius

    Examples
    --------
    With 100 nodes, shards of 5 and 5 nodes down, one user in C(100, 5) ≈ 7.5e7 is fully
    down:

    >>> r = shuffle_shard_blast_radius(100, 5, 5, users=1000)
    >>> round(1 / r.p_full)
    75287520
    """
    fn = "shuffle_shard_blast_radius"
    nodes, k, failed, q = _common(fn, nodes, shard_size, "shard_size", failed, tail_quantile)
    users = integer(fn, "users", users, low=1)
    overlap = scipy.stats.hypergeom(nodes, failed, k)  # failed nodes in one user's shard
    p_full = float(overlap.pmf(k))
    p_partial = float(overlap.sf(0))
    return ShuffleShardBlastRadius(
        nodes=nodes,
        shard_size=k,
        failed=failed,
        users=users,
        p_full=p_full,
        p_partial=p_partial,
        expected_fraction_full=p_full,
        expected_fraction_partial=p_partial,
        expected_users_full=users * p_full,
        expected_users_partial=users * p_partial,
        std_fraction_full=math.sqrt(p_full * (1.0 - p_full) / users),
        tail_quantile=q,
        tail_fraction_full=float(scipy.stats.binom.ppf(q, users, p_full)) / users,
        tail_fraction_partial=float(scipy.stats.binom.ppf(q, users, p_partial)) / users,
        p_any_full=-math.expm1(users * math.log1p(-p_full)) if p_full < 1.0 else 1.0,
        shard_overlap_pmf=overlap.pmf(np.arange(k + 1)),
    )
