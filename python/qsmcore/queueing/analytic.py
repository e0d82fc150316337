"""Closed-form single-station queueing models: M/M/1, Erlang B/C, M/M/c, M/M/c/K, M/G/1,
M/D/1, Kingman's G/G/1 and Allen–Cunneen's G/G/c approximations, and Little's law.

Notation: λ arrival rate, μ service rate per server, c servers, K system capacity,
a = λ/μ offered load (Erlangs), ρ = λ/(cμ) utilization. ``wait`` is the mean time in
queue Wq, ``response`` the mean time in system W = Wq + 1/μ, ``queue_length`` Lq = λWq,
``number_in_system`` L = λW (Little's law).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from qsmcore._result import Result as _Result
from qsmcore.random import Distribution, as_distribution

__all__ = [
    "ErlangResult",
    "LittleResult",
    "MMcKResult",
    "MMcResult",
    "QueueResult",
    "erlang_b",
    "erlang_c",
    "gg1",
    "ggc",
    "littles_law",
    "md1",
    "mg1",
    "mm1",
    "mmc",
    "mmck",
]

MAX_SERVERS = 10**6  # servers / capacity beyond this would make the O(c) recursions slow


# --------------------------------------------------------------------------- validation


def _real(fn: str, name: str, value: object, rule: str, ok: Any, allow_inf: bool = False) -> float:
    what = f"a finite real number {rule}" if not allow_inf else f"a real number {rule}"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{fn}: {name} must be {what}, got {value!r} ({type(value).__name__})")
    x = float(value)
    if math.isnan(x) or (math.isinf(x) and not allow_inf) or not ok(x):
        raise ValueError(f"{fn}: {name} must be {what}, got {value!r}")
    return x


def _positive(fn: str, name: str, value: object) -> float:
    return _real(fn, name, value, "> 0", lambda x: x > 0)


def _nonneg(fn: str, name: str, value: object) -> float:
    return _real(fn, name, value, ">= 0", lambda x: x >= 0)


def _prob_open(fn: str, name: str, value: object) -> float:
    return _real(fn, name, value, "in the open interval (0, 1)", lambda x: 0 < x < 1)


def _int(fn: str, name: str, value: object, lo: int = 1, hi: int = MAX_SERVERS) -> int:
    rule = f"an integer in [{lo}, {hi}]"
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{fn}: {name} must be {rule}, got {value!r} ({type(value).__name__})")
    n = int(value)
    if not lo <= n <= hi:
        raise ValueError(f"{fn}: {name} must be {rule}, got {value!r}")
    return n


def _unstable(fn: str, rho: float, what: str = "λ/(cμ)") -> ValueError:
    hint = " (use mmck for a finite buffer)" if fn in ("mm1", "mmc", "erlang_c") else ""
    return ValueError(
        f"{fn}: the queue is unstable, ρ = {what} = {rho:.6g} ≥ 1; a steady state exists only "
        f"for ρ < 1{hint}"
    )


def _dist(fn: str, name: str, x: object) -> Distribution:
    """A distribution of a nonnegative time with a finite positive mean and finite variance."""
    try:
        d = as_distribution(x, f"{fn}: {name}")  # type: ignore[arg-type]
    except ValueError as exc:  # a malformed spec string: say which parameter it was
        raise ValueError(f"{fn}: {name}: {exc}") from None
    m, v = d.mean, d.variance
    if not (math.isfinite(m) and m > 0):
        raise ValueError(f"{fn}: {name} must have a finite mean > 0, got {d} (mean {m!r})")
    if d.cdf(-1e-300) > 0:
        raise ValueError(f"{fn}: {name} must be a distribution of times >= 0, got {d}")
    if not math.isfinite(v):
        raise ValueError(
            f"{fn}: {name} must have a finite variance (the mean wait is infinite otherwise), "
            f"got {d}"
        )
    return d


# --------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True, repr=False)
class QueueResult(_Result):
    """Steady-state metrics of a single-station queue (times in the rates' time unit).

    ``approximate`` is True when the numbers come from an approximation (Kingman,
    Allen–Cunneen) rather than an exact formula.
    """

    model: str
    arrival_rate: float  # λ
    service_rate: float  # μ (per server)
    servers: int  # c
    utilization: float  # ρ = λ/(cμ)
    wait: float  # Wq
    response: float  # W
    queue_length: float  # Lq
    number_in_system: float  # L
    p_wait: float  # P(an arrival waits)
    approximate: bool = False


@dataclass(frozen=True, slots=True, repr=False)
class MMcResult(_Result):
    """M/M/c (and M/M/1) steady state, with the exponential tail of the queueing time:
    P(Wq > t) = C e^{-(cμ-λ)t}, C = P(wait) (Erlang C; ρ for c = 1)."""

    model: str
    arrival_rate: float
    service_rate: float
    servers: int
    utilization: float
    wait: float
    response: float
    queue_length: float
    number_in_system: float
    p_wait: float
    approximate: bool = False

    def p_wait_exceeds(self, t: float) -> float:
        """P(Wq > t) = C exp(-(cμ - λ) t) for t >= 0."""
        t = _real("p_wait_exceeds", "t", t, ">= 0", lambda x: x >= 0, allow_inf=True)
        theta = self.servers * self.service_rate - self.arrival_rate
        return self.p_wait * math.exp(-theta * t) if t > 0 else self.p_wait

    def wait_quantile(self, q: float) -> float:
        """The q-quantile of the queueing time Wq: 0 if q <= 1 - C, else ln(C/(1-q))/(cμ-λ)."""
        q = _real("wait_quantile", "q", q, "in [0, 1)", lambda x: 0 <= x < 1)
        if 1.0 - q >= self.p_wait:
            return 0.0
        theta = self.servers * self.service_rate - self.arrival_rate
        return math.log(self.p_wait / (1.0 - q)) / theta


@dataclass(frozen=True, slots=True, repr=False)
class MMcKResult(_Result):
    """M/M/c/K steady state: ``probabilities[n]`` = P(N = n), n = 0..K; ``blocking`` = p_K
    (an arrival finding K in the system is lost); ``throughput`` λ_eff = λ(1 - p_K).
    ``wait``/``response`` are per admitted customer (Little with λ_eff); ``p_wait`` is the
    probability that an admitted customer waits."""

    model: str
    arrival_rate: float
    service_rate: float
    servers: int
    capacity: int
    utilization: float  # server utilization λ_eff/(cμ)
    offered_utilization: float  # λ/(cμ), may be >= 1
    blocking: float
    throughput: float
    wait: float
    response: float
    queue_length: float
    number_in_system: float
    p_wait: float
    probabilities: np.ndarray = field(repr=False, compare=False)
    approximate: bool = False


@dataclass(frozen=True, slots=True, repr=False)
class ErlangResult(_Result):
    """Erlang B (``kind='B'``, blocking probability of M/M/c/c) or Erlang C (``kind='C'``,
    probability of waiting in M/M/c) for c servers and offered load a = λ/μ."""

    kind: str
    servers: int
    offered_load: float
    probability: float

    def __float__(self) -> float:
        return self.probability


@dataclass(frozen=True, slots=True, repr=False)
class LittleResult(_Result):
    """L = λ W, with ``solved_for`` naming the quantity computed from the other two."""

    L: float
    arrival_rate: float
    W: float
    solved_for: str


# --------------------------------------------------------------------------- Erlang


def _erlang_b(c: int, a: float) -> float:
    b = 1.0
    for k in range(1, c + 1):
        ab = a * b
        b = ab / (k + ab)
    return b


def _erlang_c_from_b(c: int, a: float, b: float) -> float:
    return c * b / (c - a * (1.0 - b))


def erlang_b(servers: int, offered_load: float) -> ErlangResult:
    """Erlang B: blocking probability B(c, a) of the M/M/c/c loss system.

    Computed with the stable recursion B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1)),
    which never overflows (fine for thousands of servers).

    Parameters
    ----------
    servers : int
        c >= 1.
    offered_load : float
        a = λ/μ >= 0 (Erlangs); any value, no stability requirement.
    """
    c = _int("erlang_b", "servers", servers)
    a = _nonneg("erlang_b", "offered_load", offered_load)
    return ErlangResult("B", c, a, _erlang_b(c, a))


def erlang_c(servers: int, offered_load: float) -> ErlangResult:
    """Erlang C: probability C(c, a) that an arrival waits in M/M/c.

    From Erlang B: C = c B / (c - a (1 - B)), numerically stable for thousands of servers.

    Parameters
    ----------
    servers : int
        c >= 1.
    offered_load : float
        a = λ/μ, 0 <= a < c (ρ = a/c < 1, else ValueError).
    """
    c = _int("erlang_c", "servers", servers)
    a = _nonneg("erlang_c", "offered_load", offered_load)
    if a >= c:
        raise _unstable("erlang_c", a / c, "a/c")
    return ErlangResult("C", c, a, _erlang_c_from_b(c, a, _erlang_b(c, a)))


# --------------------------------------------------------------------------- M/M/1, M/M/c


def _mmc(lam: float, mu: float, c: int, model: str) -> MMcResult:
    """M/M/c without validation (λ >= 0, ρ < 1 assumed)."""
    a = lam / mu
    rho = a / c
    pw = _erlang_c_from_b(c, a, _erlang_b(c, a)) if lam > 0 else 0.0
    wq = pw / (c * mu - lam)
    w = wq + 1.0 / mu
    return MMcResult(model, lam, mu, c, rho, wq, w, lam * wq, lam * w, pw)


def mm1(arrival_rate: float, service_rate: float) -> MMcResult:
    """M/M/1 queue, exact closed forms.

    ρ = λ/μ, Wq = ρ/(μ - λ), W = 1/(μ - λ), Lq = ρ²/(1 - ρ), L = ρ/(1 - ρ),
    P(wait) = ρ, P(Wq > t) = ρ e^{-(μ-λ)t}.

    Parameters
    ----------
    arrival_rate : float
        λ >= 0.
    service_rate : float
        μ > 0, with ρ = λ/μ < 1 (else ValueError mentioning ρ).
    """
    lam = _nonneg("mm1", "arrival_rate", arrival_rate)
    mu = _positive("mm1", "service_rate", service_rate)
    rho = lam / mu
    if rho >= 1:
        raise _unstable("mm1", rho, "λ/μ")
    w = 1.0 / (mu - lam)
    wq = rho * w
    return MMcResult("M/M/1", lam, mu, 1, rho, wq, w, rho * rho / (1 - rho), rho / (1 - rho), rho)


def mmc(arrival_rate: float, service_rate: float, servers: int) -> MMcResult:
    """M/M/c queue, exact (Erlang C).

    With a = λ/μ, ρ = a/c and C = C(c, a): Wq = C/(cμ - λ), W = Wq + 1/μ, Lq = λ Wq,
    L = λ W, P(wait) = C, P(Wq > t) = C e^{-(cμ-λ)t}.

    Parameters
    ----------
    arrival_rate : float
        λ >= 0.
    service_rate : float
        μ > 0 (per server).
    servers : int
        c >= 1, with ρ = λ/(cμ) < 1 (else ValueError mentioning ρ).
    """
    lam = _nonneg("mmc", "arrival_rate", arrival_rate)
    mu = _positive("mmc", "service_rate", service_rate)
    c = _int("mmc", "servers", servers)
    rho = lam / (c * mu)
    if rho >= 1:
        raise _unstable("mmc", rho)
    return _mmc(lam, mu, c, f"M/M/{c}")


def mmck(arrival_rate: float, service_rate: float, servers: int, capacity: int) -> MMcKResult:
    """M/M/c/K queue: c servers, at most K customers in the system (K - c waiting places).

    The stationary distribution p_n ∝ a^n/n! (n <= c), p_c ρ^{n-c} (c < n <= K) is
    computed in log space and normalized with log-sum-exp, so it is stable for any ρ
    (no stability requirement). Blocking p_K, throughput λ_eff = λ(1 - p_K),
    L = Σ n p_n, Lq = Σ (n - c)⁺ p_n, W = L/λ_eff, Wq = Lq/λ_eff (Little).

    Parameters
    ----------
    arrival_rate : float
        λ >= 0.
    service_rate : float
        μ > 0 (per server).
    servers : int
        c >= 1.
    capacity : int
        K >= c (total places, in service plus waiting).
    """
    lam = _nonneg("mmck", "arrival_rate", arrival_rate)
    mu = _positive("mmck", "service_rate", service_rate)
    c = _int("mmck", "servers", servers)
    k = _int("mmck", "capacity", capacity, lo=c)
    n = np.arange(k + 1, dtype=np.float64)
    if lam == 0:
        p = np.zeros(k + 1)
        p[0] = 1.0
    else:
        a = lam / mu
        lg = np.array([math.lgamma(x + 1.0) for x in range(c + 1)])
        logp = np.empty(k + 1)
        logp[: c + 1] = n[: c + 1] * math.log(a) - lg
        logp[c + 1 :] = logp[c] + (n[c + 1 :] - c) * math.log(a / c)
        logp -= logp.max()
        p = np.exp(logp)
        p /= p.sum()
    pk = float(p[k])
    lam_eff = lam * (1.0 - pk)
    big_l = float(n @ p)
    lq = float(np.maximum(n - c, 0.0) @ p)
    if lam_eff > 0:
        w, wq = big_l / lam_eff, lq / lam_eff
        pw = float(p[c:k].sum()) / (1.0 - pk)
    else:
        w, wq, pw = 1.0 / mu, 0.0, 0.0
    p.setflags(write=False)
    return MMcKResult(
        f"M/M/{c}/{k}",
        lam,
        mu,
        c,
        k,
        lam_eff / (c * mu),
        lam / (c * mu),
        pk,
        lam_eff,
        wq,
        w,
        lq,
        big_l,
        pw,
        p,
    )


# --------------------------------------------------------------------------- M/G/1


def mg1(arrival_rate: float, service: Distribution | str | float) -> QueueResult:
    """M/G/1 queue, exact (Pollaczek–Khinchine mean-value formula).

    ρ = λ E[S], Wq = λ E[S²] / (2(1 - ρ)) with E[S²] = Var[S] + E[S]², W = Wq + E[S],
    P(wait) = ρ.

    Parameters
    ----------
    arrival_rate : float
        λ >= 0 (Poisson arrivals).
    service : Distribution, spec string or number
        Service time S, e.g. ``"exp:2"``, ``"lognormal:mean=1,scv=4"``, or a number
        (deterministic). Needs a finite mean and variance; ρ < 1.
    """
    lam = _nonneg("mg1", "arrival_rate", arrival_rate)
    d = _dist("mg1", "service", service)
    return _pk(lam, d, "mg1", "M/G/1")


def _pk(lam: float, d: Distribution, fn: str, model: str) -> QueueResult:
    es = d.mean
    rho = lam * es
    if rho >= 1:
        raise _unstable(fn, rho, "λ E[S]")
    es2 = d.variance + es * es
    wq = lam * es2 / (2.0 * (1.0 - rho))
    w = wq + es
    return QueueResult(model, lam, 1.0 / es, 1, rho, wq, w, lam * wq, lam * w, rho)


def md1(arrival_rate: float, service_time: float) -> QueueResult:
    """M/D/1 queue, exact: Wq = ρ / (2μ(1 - ρ)) (P-K with E[S²] = E[S]²), half the
    M/M/1 wait at the same ρ.

    Parameters
    ----------
    arrival_rate : float
        λ >= 0.
    service_time : float
        The constant service time D = 1/μ > 0; ρ = λ D < 1.
    """
    lam = _nonneg("md1", "arrival_rate", arrival_rate)
    s = _positive("md1", "service_time", service_time)
    return _pk(lam, as_distribution(s), "md1", "M/D/1")


# --------------------------------------------------------------------------- G/G/1, G/G/c


def _gg_inputs(fn: str, arrival: object, service: object) -> tuple[float, float, float, float]:
    da = _dist(fn, "arrival", arrival)
    ds = _dist(fn, "service", service)
    return 1.0 / da.mean, 1.0 / ds.mean, da.scv, ds.scv


def gg1(arrival: Distribution | str | float, service: Distribution | str | float) -> QueueResult:
    """G/G/1 queue, Kingman's (heavy-traffic) approximation — ``approximate=True``.

    Wq ≈ (ρ/(1 - ρ)) ((ca² + cs²)/2) E[S], with ca², cs² the squared coefficients of
    variation of the interarrival and service times. Exact for M/M/1 and M/G/1
    (ca² = 1). ``p_wait`` is reported as ρ (exact only for Poisson arrivals).

    Parameters
    ----------
    arrival : Distribution, spec string or number
        Interarrival time A (λ = 1/E[A]).
    service : Distribution, spec string or number
        Service time S (μ = 1/E[S]); ρ = λ/μ < 1.
    """
    lam, mu, ca2, cs2 = _gg_inputs("gg1", arrival, service)
    rho = lam / mu
    if rho >= 1:
        raise _unstable("gg1", rho, "E[S]/E[A]")
    wq = rho / (1.0 - rho) * (ca2 + cs2) / 2.0 / mu
    w = wq + 1.0 / mu
    return QueueResult("G/G/1", lam, mu, 1, rho, wq, w, lam * wq, lam * w, rho, approximate=True)


def ggc(
    arrival: Distribution | str | float, service: Distribution | str | float, servers: int
) -> QueueResult:
    """G/G/c queue, Allen–Cunneen approximation — ``approximate=True``.

    Wq ≈ (C(c, a)/(cμ - λ)) (ca² + cs²)/2: the M/M/c wait scaled by the variability.
    ``p_wait`` is reported as the Erlang C probability C(c, a).

    Parameters
    ----------
    arrival : Distribution, spec string or number
        Interarrival time A (λ = 1/E[A]).
    service : Distribution, spec string or number
        Service time S (μ = 1/E[S]).
    servers : int
        c >= 1; ρ = λ/(cμ) < 1.
    """
    lam, mu, ca2, cs2 = _gg_inputs("ggc", arrival, service)
    c = _int("ggc", "servers", servers)
    a = lam / mu
    rho = a / c
    if rho >= 1:
        raise _unstable("ggc", rho)
    pw = _erlang_c_from_b(c, a, _erlang_b(c, a))
    wq = pw / (c * mu - lam) * (ca2 + cs2) / 2.0
    w = wq + 1.0 / mu
    return QueueResult(f"G/G/{c}", lam, mu, c, rho, wq, w, lam * wq, lam * w, pw, approximate=True)


# --------------------------------------------------------------------------- Little


def littles_law(
    L: float | None = None, arrival_rate: float | None = None, W: float | None = None
) -> LittleResult:
    """Little's law L = λ W: give exactly two of ``L``, ``arrival_rate`` (λ), ``W`` and get
    the third (``solved_for``).

    Parameters
    ----------
    L : float, optional
        Mean number in the system, >= 0.
    arrival_rate : float, optional
        λ >= 0 (λ > 0 when solving for W).
    W : float, optional
        Mean time in the system, >= 0 (> 0 when solving for λ).
    """
    given = {"L": L, "arrival_rate": arrival_rate, "W": W}
    missing = [k for k, v in given.items() if v is None]
    if len(missing) != 1:
        got = ", ".join(f"{k}={v!r}" for k, v in given.items() if v is not None) or "none"
        raise TypeError(f"littles_law: give exactly two of L=, arrival_rate=, W= (got {got})")
    vals = {k: _nonneg("littles_law", k, v) for k, v in given.items() if v is not None}
    if missing[0] == "L":
        return LittleResult(vals["arrival_rate"] * vals["W"], vals["arrival_rate"], vals["W"], "L")
    if missing[0] == "W":
        lam = _positive("littles_law", "arrival_rate", arrival_rate)
        return LittleResult(vals["L"], lam, vals["L"] / lam, "W")
    w = _positive("littles_law", "W", W)
    return LittleResult(vals["L"], vals["L"] / w, w, "arrival_rate")
