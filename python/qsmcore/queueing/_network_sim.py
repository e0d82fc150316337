"""Simulation of open queueing networks: G/G/c/K FIFO nodes with probabilistic routing.

The kernel (``cpp/include/qsm/queue/network.hpp``) is an event-driven simulation: a heap
of external arrivals and service completions, a FIFO queue per node, routing by one
uniform per completion through the cumulative routing matrix. Replication ``r`` draws
only from its own Philox lanes (interarrivals, services, routing), so results do not
depend on the thread count, and runs of replications ``0..k-1`` and ``k..R-1`` combine
(``combine_network``) into exactly the run of ``0..R-1``.
"""

from __future__ import annotations

import itertools
import math
import numbers
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from qsmcore import _core
from qsmcore._backend import check_threads
from qsmcore._seed import SeedLike, philox_key
from qsmcore.queueing._simresult import (
    DEFAULT_QUANTILES,
    SimulationResult,
    _ci_text,
    check_combinable,
    interval,
    row_width,
)
from qsmcore.random import Distribution, as_distribution
from qsmcore.stats import ConfidenceInterval

__all__ = ["NetworkSimulationResult", "combine_network", "simulate_network"]

MAX_NODES = 1 << 24  # node numbers share the 64-bit draw index with 40 bits of counter
MAX_REPLICATIONS = 1 << 24  # the replication number fills 24 bits of the 32-bit lane
MAX_CUSTOMERS = (1 << 40) - 1  # draws per node and stream
MAX_SERVERS = (1 << 31) - 1  # int32 in the kernel
MAX_CAPACITY = (1 << 62) - 1
ROW_SUM_TOLERANCE = 1e-12

Spec = Distribution | str | float


@dataclass(frozen=True, repr=False)
class NetworkSimulationResult:
    """Simulated steady state of an open network, per node and end to end, with CIs.

    ``nodes[i]`` is node i as a station (its visits: Wq, W, L, Lq, ρ, throughput,
    blocking, quantiles). ``end_to_end`` uses the same fields for whole customers:
    ``wait`` the total time queued over all visits, ``response`` the sojourn time from
    entering to leaving the network, ``number_in_system``/``queue_length`` the time-average
    number in the network / waiting anywhere, ``throughput`` completed customers per
    unit time, ``blocking`` the fraction lost at a full node (``utilization`` is NaN).
    ``visits`` is the mean number of node arrivals per customer (Σ of the visit ratios
    λ_i/Σγ when nothing is lost). Every interval is over ``replications`` independent
    replications.
    """

    nodes: tuple[SimulationResult, ...]
    end_to_end: SimulationResult
    visits: ConfidenceInterval
    replications: int
    customers: int
    warmup: int
    first_replication: int
    quantiles: tuple[float, ...]
    confidence: float
    per_replication_visits: np.ndarray = field(repr=False)
    model: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "nodes": [nd.to_dict() for nd in self.nodes],
            "end_to_end": self.end_to_end.to_dict(),
            "visits": self.visits.to_dict(),
            "replications": self.replications,
            "customers": self.customers,
            "warmup": self.warmup,
            "first_replication": self.first_replication,
            "quantiles": list(self.quantiles),
            "confidence": self.confidence,
            "model": self.model,
        }

    def __repr__(self) -> str:
        return (
            f"NetworkSimulationResult(nodes={len(self.nodes)}, replications={self.replications}, "
            f"customers={self.customers}, warmup={self.warmup}, "
            f"sojourn={_ci_text(self.end_to_end.response)}, visits={_ci_text(self.visits)})"
        )

    def __str__(self) -> str:
        e = self.end_to_end
        lines = [
            *([self.model] if self.model else []),
            f"network simulation: {self.replications} replications × {self.customers} "
            f"customers (warm-up {self.warmup}), {self.confidence:.0%} CIs",
            f"  {'node':>5}  {'ρ':>18}  {'Wq':>18}  {'W':>18}  {'L':>18}  {'blocking':>18}",
        ]
        for i, nd in enumerate(self.nodes):
            cells = (nd.utilization, nd.wait, nd.response, nd.number_in_system, nd.blocking)
            lines.append(f"  {i:>5}  " + "  ".join(f"{_ci_text(c):>18}" for c in cells))
        lines += [
            f"  end to end: sojourn W {_ci_text(e.response)}, queued Wq {_ci_text(e.wait)}, "
            f"in network L {_ci_text(e.number_in_system)}",
            f"  visits per customer {_ci_text(self.visits)}, throughput "
            f"{_ci_text(e.throughput)}, lost {_ci_text(e.blocking)}",
        ]
        for q in self.quantiles:
            lines.append(f"  P{100 * q:g} sojourn {_ci_text(e.response_quantiles[q])}")
        return "\n".join(lines)


# --------------------------------------------------------------------------- validation


def _int(name: str, value: object, lo: int, hi: int) -> int:
    rule = f"an integer in [{lo}, {hi}]"
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be {rule}, got {value!r} ({type(value).__name__})")
    v = int(value)
    if not lo <= v <= hi:
        raise ValueError(f"{name} must be {rule}, got {v}")
    return v


def _nonnegative_law(name: str, spec: object) -> Distribution:
    try:
        d = as_distribution(spec, name)  # type: ignore[arg-type]
    except ValueError as exc:  # the law's own message, prefixed with where it came from
        raise ValueError(f"{name}: {exc}") from None
    # P(X < 0) > 0 would make time run backwards; the cdf just below 0 says so exactly.
    if float(d.cdf(-5e-324)) > 0.0:
        raise ValueError(f"{name} must be a law of non-negative times, got {d} (P(X < 0) > 0)")
    return d


def _per_node(name: str, value: object, n: int) -> list[object]:
    """A per-node sequence of length n, or one value broadcast to every node."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
        if len(value) != n:
            raise ValueError(f"{name} must have one entry per node ({n}), got {len(value)}")
        return list(value)
    return [value] * n


def _routing(routing: object, n: int) -> np.ndarray:
    try:
        p = np.array(routing, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"routing must be an (n, n) array of probabilities: {exc}") from None
    if p.shape != (n, n):
        raise ValueError(f"routing must have shape ({n}, {n}) (one row per node), got {p.shape}")
    if np.isnan(p).any():
        i, j = (int(k) for k in np.argwhere(np.isnan(p))[0])
        raise ValueError(f"routing must not contain NaN, got routing[{i}, {j}] = nan")
    if (p < 0).any() or not np.isfinite(p).all():
        i, j = (int(k) for k in np.argwhere((p < 0) | ~np.isfinite(p))[0])
        raise ValueError(f"routing entries must be in [0, 1], got routing[{i}, {j}] = {p[i, j]!r}")
    rows = p.sum(axis=1)
    if (rows > 1 + ROW_SUM_TOLERANCE).any():
        i = int(np.argmax(rows > 1 + ROW_SUM_TOLERANCE))
        raise ValueError(f"routing row sums must be <= 1, got row {i} summing to {rows[i]!r}")
    return p


def _reachable(p: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Nodes reachable from the `start` mask along positive routing probabilities."""
    seen = start.copy()
    frontier = list(np.flatnonzero(start))
    while frontier:
        i = frontier.pop()
        for j in np.flatnonzero(p[i] > 0):
            if not seen[j]:
                seen[j] = True
                frontier.append(int(j))
    return seen


def _check_exits(p: np.ndarray, entry: np.ndarray) -> np.ndarray:
    """Raise unless every node reachable from an entry can reach the exit; return the
    reachable mask. (A reachable closed class makes I - P singular there: customers
    would circulate forever and the run would never end.)"""
    reach = _reachable(p, entry)
    exits = p.sum(axis=1) < 1 - ROW_SUM_TOLERANCE  # the kernel treats the rest as closed
    can_leave = _reachable(p.T, exits)  # nodes from which some exit node is reachable
    trapped = np.flatnonzero(reach & ~can_leave)
    if trapped.size:
        raise ValueError(
            f"routing traps customers: nodes {trapped.tolist()} are reachable from an entry "
            f"node but no path from them leaves the network (I - P is singular there); "
            f"give some row among them a sum < 1"
        )
    return reach


def _traffic(
    arrivals: list[Distribution | None],
    services: list[Distribution],
    p: np.ndarray,
    reach: np.ndarray,
    servers: list[int],
    capacity: list[int | None],
) -> None:
    """Warn about nodes the traffic equations λ = γ + Pᵀλ say are overloaded."""
    idx = np.flatnonzero(reach)
    gamma = np.array([0.0 if a is None else 1.0 / a.mean for a in arrivals])[idx]
    sub = p[np.ix_(idx, idx)]
    lam = np.linalg.solve(np.eye(idx.size) - sub.T, gamma)
    for k, i in enumerate(idx):
        if capacity[i] is not None:
            continue  # a finite buffer turns overload into losses, not growth
        rho = lam[k] * services[i].mean / servers[i]
        if not rho < 1:
            warnings.warn(
                f"simulate_network: node {i} is overloaded, ρ = λ E[S]/c = {rho:.6g} ≥ 1 by "
                f"the traffic equations (λ = {lam[k]:.6g}, c = {servers[i]}); its queue grows "
                f"through the run and the results describe that transient, not a steady state",
                RuntimeWarning,
                stacklevel=3,
            )


def _quantiles(quantiles: object) -> tuple[float, ...]:
    if isinstance(quantiles, (str, bytes)) or not isinstance(quantiles, Sequence):
        raise TypeError(f"quantiles must be a sequence of probabilities, got {quantiles!r}")
    out = []
    for q in quantiles:
        if isinstance(q, bool) or not isinstance(q, numbers.Real):
            raise TypeError(f"quantiles must hold real numbers in (0, 1), got {q!r}")
        if not 0.0 < float(q) < 1.0:
            raise ValueError(f"quantiles must be in (0, 1), got {q!r}")
        out.append(float(q))
    if any(b <= a for a, b in itertools.pairwise(out)):
        raise ValueError(f"quantiles must be strictly increasing, got {out}")
    return tuple(out)


def _confidence(confidence: object) -> float:
    if isinstance(confidence, bool) or not isinstance(confidence, numbers.Real):
        raise TypeError(f"confidence must be a float in (0, 1), got {confidence!r}")
    if not 0.0 < float(confidence) < 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence!r}")
    return float(confidence)


# --------------------------------------------------------------------------- the API


def simulate_network(
    arrivals: Sequence[Spec | None],
    services: Sequence[Spec] | Spec,
    routing: npt.ArrayLike,
    servers: int | Sequence[int] = 1,
    *,
    capacity: int | Sequence[int | None] | None = None,
    customers: int = 100_000,
    warmup: int | None = None,
    replications: int = 30,
    seed: SeedLike = 0,
    first_replication: int = 0,
    quantiles: Sequence[float] = DEFAULT_QUANTILES,
    confidence: float = 0.95,
    threads: int | None = None,
) -> NetworkSimulationResult:
    """Simulate an open network of G/G/c/K FIFO nodes with Markov routing.

    A customer enters at node i (external interarrival times A_i), is served FIFO by one
    of the c_i servers (service times S_i), then goes to node j with probability P[i, j]
    or leaves with probability 1 - Σ_j P[i, j]. A customer who reaches a node already
    holding K_i customers is lost (counted as blocked there) and leaves the network.

    Parameters
    ----------
    arrivals : sequence of spec or None, length n
        Interarrival law A_i of the external (renewal) arrivals at node i, as a
        ``qsmcore.random`` distribution, spec string (``"exp:1"``) or number; None for a
        node without external arrivals. At least one node needs arrivals.
    services : sequence of spec, length n, or one spec for every node
        Service-time law S_i at node i (non-negative).
    routing : array_like, shape (n, n)
        P[i, j] >= 0, row sums <= 1 (within 1e-12); from every node reachable from an
        entry some path must leave the network.
    servers : int or sequence of int
        c_i >= 1.
    capacity : None, int or sequence of (int or None)
        K_i >= c_i, the most customers at node i (in service plus waiting); None is
        unlimited.
    customers : int
        External arrivals per replication, all entry nodes together (>= 1).
    warmup : int, optional
        The first ``warmup`` external arrivals are not measured (default
        ``customers // 10``); 0 <= warmup < customers. The window of replication r is
        [T0, T1] from the arrival of customer ``warmup`` to that of the last customer;
        node statistics cover visits that start in it and time averages are clipped to
        it; end-to-end statistics cover customers who entered in it, followed to exit.
    replications : int
        R in [2, 2**24] independent replications; intervals are Student-t over them.
    seed : int or numpy.random.SeedSequence
        Determines every draw (with the replication number).
    first_replication : int
        Number of the first replication (to run a study in parts; see
        ``combine_network``); first_replication + replications <= 2**24.
    quantiles : sequence of float
        Increasing probabilities in (0, 1) for per-replication wait and response
        quantiles (relative resolution 2⁻¹¹).
    confidence : float
        Level of the intervals, in (0, 1).
    threads : int, optional
        Worker threads (None: ``QSM_NUM_THREADS`` or all cores); never changes results.

    Returns
    -------
    NetworkSimulationResult

    Warns
    -----
    RuntimeWarning
        When a node with unlimited capacity has ρ_i = λ_i E[S_i] / c_i >= 1 by the
        traffic equations λ = γ + Pᵀλ (γ_i = 1 / E[A_i]): it is simulated, as a transient.

    Notes
    -----
    Streams of replication r (``cpp/include/qsm/queue/streams.hpp``): the k-th
    interarrival at node j, the k-th service started at node j, and the routing uniform
    after the k-th completion at node j are draws (j, k) of lanes (r, arrival),
    (r, service) and (r, routing).
    """
    if isinstance(arrivals, (str, bytes)) or not isinstance(arrivals, Sequence):
        raise TypeError(
            f"arrivals must be a sequence with one interarrival spec (or None) per node, "
            f"got {arrivals!r}"
        )
    n = len(arrivals)
    if not 1 <= n <= MAX_NODES:
        raise ValueError(f"arrivals must have 1 to {MAX_NODES} entries (one per node), got {n}")
    arr: list[Distribution | None] = []
    for i, a in enumerate(arrivals):
        if a is None:
            arr.append(None)
            continue
        d = _nonnegative_law(f"arrivals[{i}]", a)
        if not 0.0 < d.mean < math.inf:
            raise ValueError(f"arrivals[{i}] must have a mean in (0, inf), got {d} (mean {d.mean})")
        arr.append(d)
    entry = np.array([a is not None for a in arr])
    if not entry.any():
        raise ValueError("arrivals must give at least one node external arrivals, got all None")
    svc = [
        _nonnegative_law(f"services[{i}]", s)
        for i, s in enumerate(_per_node("services", services, n))
    ]
    p = _routing(routing, n)
    cs = [
        _int(f"servers[{i}]", c, 1, MAX_SERVERS)
        for i, c in enumerate(_per_node("servers", servers, n))
    ]
    ks: list[int | None] = []
    for i, k in enumerate(_per_node("capacity", capacity, n)):
        if k is None:
            ks.append(None)
            continue
        ks.append(_int(f"capacity[{i}]", k, 1, MAX_CAPACITY))
        if ks[-1] < cs[i]:  # type: ignore[operator]
            raise ValueError(f"capacity[{i}] must be >= servers[{i}] = {cs[i]}, got {k}")
    customers = _int("customers", customers, 1, MAX_CUSTOMERS)
    if warmup is None:
        warmup = customers // 10
    warmup = _int("warmup", warmup, 0, MAX_CUSTOMERS)
    if warmup >= customers:
        raise ValueError(f"warmup must be < customers = {customers}, got {warmup}")
    replications = _int("replications", replications, 2, MAX_REPLICATIONS)
    first_replication = _int(
        "first_replication", first_replication, 0, MAX_REPLICATIONS - replications
    )
    qs = _quantiles(quantiles)
    confidence = _confidence(confidence)
    nthreads = check_threads(threads)
    key = philox_key(seed)
    reach = _check_exits(p, entry)
    _traffic(arr, svc, p, reach, cs, ks)

    rows, visits = _core.simulate_network(
        [None if a is None else a._kernel_args() for a in arr],
        [s._kernel_args() for s in svc],
        p,
        np.array(cs, dtype=np.int32),
        np.array([-1 if k is None else k for k in ks], dtype=np.int64),
        customers,
        warmup,
        np.array(qs, dtype=np.float64),
        key,
        first_replication,
        replications,
        nthreads,
    )
    return _assemble(
        rows,
        visits,
        customers,
        warmup,
        first_replication,
        qs,
        confidence,
        _describe(arr, svc, cs, ks),
    )


def _describe(
    arr: list[Distribution | None],
    svc: list[Distribution],
    cs: list[int],
    ks: list[int | None],
) -> str:
    parts = []
    for i, (a, s, c, k) in enumerate(zip(arr, svc, cs, ks, strict=True)):
        ext = f"arrivals {a}, " if a is not None else ""
        cap = f", K={k}" if k is not None else ""
        parts.append(f"node {i}: {ext}service {s}, c={c}{cap}")
    return f"open network of {len(svc)} nodes (" + "; ".join(parts) + ")"


def _assemble(
    rows: np.ndarray,
    visits: np.ndarray,
    customers: int,
    warmup: int,
    first_replication: int,
    qs: tuple[float, ...],
    confidence: float,
    model: str,
) -> NetworkSimulationResult:
    common = dict(
        customers=customers,
        warmup=warmup,
        first_replication=first_replication,
        quantiles=qs,
        confidence=confidence,
    )
    n = rows.shape[1] - 1
    nodes = tuple(
        SimulationResult.from_rows(rows[:, i, :], model=f"node {i}", **common)  # type: ignore[arg-type]
        for i in range(n)
    )
    e2e = SimulationResult.from_rows(rows[:, n, :], model="end to end", **common)  # type: ignore[arg-type]
    visits = np.ascontiguousarray(visits, dtype=np.float64)
    visits.setflags(write=False)
    return NetworkSimulationResult(
        nodes=nodes,
        end_to_end=e2e,
        visits=interval(visits, confidence),
        replications=int(rows.shape[0]),
        per_replication_visits=visits,
        model=model,
        **common,  # type: ignore[arg-type]
    )


def combine_network(results: Sequence[NetworkSimulationResult]) -> NetworkSimulationResult:
    """Concatenate runs of consecutive replications of one network into one result.

    ``simulate_network(..., replications=a)`` followed by ``first_replication=a``
    runs combine into exactly the single run of all replications (split invariance).
    """
    if isinstance(results, NetworkSimulationResult) or not isinstance(results, Sequence):
        raise TypeError("results must be a sequence of NetworkSimulationResult")
    for r in results:
        if not isinstance(r, NetworkSimulationResult):
            raise TypeError(f"results must hold NetworkSimulationResult, got {type(r).__name__}")
    check_combinable(results, ("customers", "warmup", "quantiles", "confidence", "model"))
    first = results[0]
    n = len(first.nodes)
    w = row_width(len(first.quantiles))
    rows = np.empty((sum(r.replications for r in results), n + 1, w))
    at = 0
    for r in results:
        for i, nd in enumerate((*r.nodes, r.end_to_end)):
            rows[at : at + r.replications, i, :] = nd.per_replication
        at += r.replications
    visits = np.concatenate([r.per_replication_visits for r in results])
    return _assemble(
        rows,
        visits,
        first.customers,
        first.warmup,
        first.first_replication,
        first.quantiles,
        first.confidence,
        first.model,
    )
