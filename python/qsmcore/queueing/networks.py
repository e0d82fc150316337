"""Multi-class and multi-node models: priority M/G/1 (Cobham; preemptive resume) and open
Jackson networks."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from qsmcore.queueing.analytic import (
    MAX_SERVERS,
    MMcResult,
    _dist,
    _int,
    _mmc,
    _Result,
    _unstable,
)
from qsmcore.random import Distribution

__all__ = ["JacksonResult", "PriorityResult", "jackson", "priority_mg1"]

_MAX_NODES = 10_000


def _vector(fn: str, name: str, x: object, rule: str, ok: object) -> np.ndarray:
    if isinstance(x, (str, bytes)):
        raise TypeError(f"{fn}: {name} must be a sequence of real numbers, got {x!r}")
    try:
        arr = np.asarray(x)
    except Exception as exc:
        raise TypeError(f"{fn}: {name} must be a sequence of real numbers, got {x!r}") from exc
    if arr.dtype == bool or not (
        np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)
    ):
        raise TypeError(f"{fn}: {name} must be a sequence of real numbers, got {x!r}")
    arr = arr.astype(np.float64)
    bad = ~np.isfinite(arr) | ~ok(arr)  # type: ignore[operator]
    if bad.any():
        i = tuple(int(j) for j in np.argwhere(bad)[0])
        idx = i[0] if len(i) == 1 else i
        raise ValueError(f"{fn}: {name} must be finite and {rule}, got {name}[{idx}] = {arr[i]!r}")
    return arr


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class PriorityResult(_Result):
    """Per-class steady state of a priority M/G/1 queue; class 0 has the highest priority.

    Arrays are indexed by class: ``waits`` (Wq_k), ``responses`` (W_k), ``queue_lengths``
    (Lq_k = λ_k Wq_k), ``numbers_in_system`` (L_k = λ_k W_k), ``utilizations`` (ρ_k).
    ``wait`` and ``response`` are the arrival-weighted means over classes, ``queue_length``
    and ``number_in_system`` the totals. For preemptive resume, Wq_k = W_k - E[S_k]
    (the time in system not spent in service).
    """

    preemptive: bool
    arrival_rates: np.ndarray
    utilizations: np.ndarray
    waits: np.ndarray
    responses: np.ndarray
    queue_lengths: np.ndarray
    numbers_in_system: np.ndarray
    utilization: float
    wait: float
    response: float
    queue_length: float
    number_in_system: float
    approximate: bool = False


def priority_mg1(
    arrival_rates: npt.ArrayLike,
    services: Sequence[Distribution | str | float] | Distribution | str | float,
    preemptive: bool = False,
) -> PriorityResult:
    """M/G/1 with static priority classes (class 0 = highest), exact.

    With σ_k = ρ_0 + ... + ρ_k, ρ_i = λ_i E[S_i]:

    - non-preemptive (Cobham): Wq_k = W0 / ((1 - σ_{k-1})(1 - σ_k)),
      W0 = Σ_i λ_i E[S_i²]/2 over all classes; W_k = Wq_k + E[S_k];
    - preemptive resume: W_k = E[S_k]/(1 - σ_{k-1}) + R_k/((1 - σ_{k-1})(1 - σ_k)),
      R_k = Σ_{i<=k} λ_i E[S_i²]/2.

    Parameters
    ----------
    arrival_rates : array_like
        λ_k >= 0 per class (Poisson).
    services : distribution or sequence of them
        Service time S_k per class (one spec is used for every class); finite mean and
        variance. The total load ρ = Σ ρ_k must be < 1.
    preemptive : bool
        Preemptive resume if True, else non-preemptive.
    """
    fn = "priority_mg1"
    lam = _vector(fn, "arrival_rates", arrival_rates, ">= 0", lambda a: a >= 0)
    if lam.ndim != 1 or not 1 <= lam.size <= _MAX_NODES:
        raise ValueError(
            f"{fn}: arrival_rates must be a 1-d sequence of 1 to {_MAX_NODES} rates, "
            f"got shape {lam.shape}"
        )
    if not isinstance(preemptive, bool):
        raise TypeError(f"{fn}: preemptive must be a bool, got {preemptive!r}")
    if isinstance(services, np.ndarray):
        services = services.tolist()
    if isinstance(services, (Distribution, str)) or not isinstance(services, Sequence):
        services = [services] * lam.size  # type: ignore[list-item]
    if len(services) != lam.size:
        raise ValueError(
            f"{fn}: services must have one entry per class ({lam.size}), got {len(services)}"
        )
    ds = [_dist(fn, f"services[{i}]", s) for i, s in enumerate(services)]
    es = np.array([d.mean for d in ds])
    es2 = np.array([d.variance + d.mean**2 for d in ds])
    rho_k = lam * es
    sigma = np.cumsum(rho_k)
    total = float(sigma[-1])
    if total >= 1:
        raise _unstable(fn, total, "Σ λ_k E[S_k]")
    sigma_prev = np.concatenate(([0.0], sigma[:-1]))
    r = lam * es2 / 2.0
    denom = (1.0 - sigma_prev) * (1.0 - sigma)
    if preemptive:
        resp = es / (1.0 - sigma_prev) + np.cumsum(r) / denom
        wq = resp - es
    else:
        wq = r.sum() / denom
        resp = wq + es
    lq, big_l = lam * wq, lam * resp
    lt = float(lam.sum())
    for a in (lam, rho_k, wq, resp, lq, big_l):
        a.setflags(write=False)
    return PriorityResult(
        preemptive,
        lam,
        rho_k,
        wq,
        resp,
        lq,
        big_l,
        total,
        float(lq.sum()) / lt if lt > 0 else 0.0,
        float(big_l.sum()) / lt if lt > 0 else 0.0,
        float(lq.sum()),
        float(big_l.sum()),
    )


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class JacksonResult(_Result):
    """Open Jackson network steady state.

    ``arrival_rates`` are the total node rates λ solving λ = γ + Pᵀλ, ``visit_ratios``
    λ / Σγ (mean visits per job), ``utilizations`` ρ_i = λ_i/(c_i μ_i), ``nodes`` the
    per-node M/M/c results. ``number_in_system`` L and ``queue_length`` Lq are network
    totals; ``response`` W = L/Σγ is the mean end-to-end sojourn time and ``wait`` the
    mean total queueing time per job, Lq/Σγ (Little).
    """

    external_rates: np.ndarray
    arrival_rates: np.ndarray
    visit_ratios: np.ndarray
    utilizations: np.ndarray
    nodes: tuple[MMcResult, ...]
    throughput: float
    wait: float
    response: float
    queue_length: float
    number_in_system: float
    approximate: bool = False


def jackson(
    arrival_rates: npt.ArrayLike,
    service_rates: npt.ArrayLike,
    routing: npt.ArrayLike,
    servers: int | Sequence[int] = 1,
) -> JacksonResult:
    """Open Jackson network of M/M/c nodes, exact (product form).

    Solves the traffic equations λ = γ + Pᵀλ, then treats node i as an M/M/c_i queue
    with arrival rate λ_i; L = Σ L_i and the end-to-end sojourn W = L / Σ γ_i.

    Parameters
    ----------
    arrival_rates : array_like, shape (n,)
        External Poisson arrival rates γ_i >= 0, Σ γ > 0.
    service_rates : array_like, shape (n,)
        μ_i > 0 per server at node i.
    routing : array_like, shape (n, n)
        P[i, j] = probability a job leaving i goes to j; entries >= 0, row sums <= 1
        (1 - row sum leaves the network). Every job must eventually leave.
    servers : int or sequence of int
        c_i >= 1 per node (one int for all nodes). Every node needs ρ_i < 1.
    """
    fn = "jackson"
    gamma = _vector(fn, "arrival_rates", arrival_rates, ">= 0", lambda a: a >= 0)
    if gamma.ndim != 1 or not 1 <= gamma.size <= _MAX_NODES:
        raise ValueError(
            f"{fn}: arrival_rates must be a 1-d sequence of 1 to {_MAX_NODES} rates, "
            f"got shape {gamma.shape}"
        )
    n = gamma.size
    if gamma.sum() <= 0:
        raise ValueError(f"{fn}: arrival_rates must have a positive total, got {gamma.tolist()}")
    mu = _vector(fn, "service_rates", service_rates, "> 0", lambda a: a > 0)
    if mu.shape != (n,):
        raise ValueError(f"{fn}: service_rates must have shape ({n},), got {mu.shape}")
    p = _vector(fn, "routing", routing, ">= 0 and <= 1", lambda a: (a >= 0) & (a <= 1))
    if p.shape != (n, n):
        raise ValueError(f"{fn}: routing must have shape ({n}, {n}), got {p.shape}")
    rows = p.sum(axis=1)
    if (rows > 1 + 1e-9).any():
        i = int(np.argmax(rows > 1 + 1e-9))
        raise ValueError(f"{fn}: routing row sums must be <= 1, got row {i} summing to {rows[i]!r}")
    if isinstance(servers, np.ndarray):
        servers = servers.tolist()
    if isinstance(servers, Sequence):
        cs = [_int(fn, f"servers[{i}]", s, hi=MAX_SERVERS) for i, s in enumerate(servers)]
        if len(cs) != n:
            raise ValueError(f"{fn}: servers must have one entry per node ({n}), got {len(cs)}")
    else:
        cs = [_int(fn, "servers", servers)] * n
    if n > 0 and float(np.max(np.abs(np.linalg.eigvals(p)))) >= 1 - 1e-12:
        raise ValueError(
            f"{fn}: routing traps jobs (spectral radius of P >= 1): some set of nodes "
            f"routes with probability 1 among itself, so no steady state exists"
        )
    lam = np.linalg.solve(np.eye(n) - p.T, gamma)
    lam = np.maximum(lam, 0.0)
    nodes = []
    for i in range(n):
        rho = lam[i] / (cs[i] * mu[i])
        if rho >= 1:
            raise ValueError(
                f"{fn}: node {i} is unstable, ρ = λ/(cμ) = {rho:.6g} ≥ 1 "
                f"(λ = {lam[i]:.6g}, μ = {mu[i]:.6g}, c = {cs[i]})"
            )
        nodes.append(_mmc(float(lam[i]), float(mu[i]), cs[i], f"M/M/{cs[i]}"))
    tot = float(gamma.sum())
    big_l = math.fsum(r.number_in_system for r in nodes)
    lq = math.fsum(r.queue_length for r in nodes)
    util = np.array([r.utilization for r in nodes])
    visits = lam / tot
    for a in (gamma, lam, visits, util):
        a.setflags(write=False)
    return JacksonResult(
        gamma, lam, visits, util, tuple(nodes), tot, lq / tot, big_l / tot, lq, big_l
    )
