"""Steady-state availability of repairable systems.

A component alternates between up periods of mean MTTF (time to failure, failure rate
λ = 1/MTTF) and down periods of mean MTTR (time to repair, repair rate μ = 1/MTTR). Its
steady-state (limiting) availability is A = MTTF / (MTTF + MTTR), for any up- and
down-time distributions (alternating renewal theorem); the mean up and down times of a
system of such components follow from the frequency-and-duration method. For a k-out-of-n
system with a limited number r of repair crews the components are no longer independent,
and the system is the continuous-time Markov chain (CTMC) on the number of failed
components, which this module builds and solves (GTH state reduction).

Functions: ``availability`` (one component), ``series_availability`` and
``parallel_availability`` (independent components, each with its own repair),
``k_of_n_availability`` (the CTMC). Every result carries the availability A, the
unavailability U = 1 - A (computed without cancellation), the number of nines -log10 U
and the expected downtime per (Julian, 8766 h) year.

References
----------
Billinton, R. & Allan, R. N. (1992). *Reliability Evaluation of Engineering Systems*,
2nd ed., ch. 9–11 (frequency and duration). Trivedi, K. S. (2002). *Probability and
Statistics with Reliability, Queuing and Computer Science Applications*, 2nd ed., §8.4
(availability models as CTMCs). Rausand, M. & Høyland, A. (2004). *System Reliability
Theory*, 2nd ed., ch. 8. Grassmann, W. K., Taksar, M. I. & Heyman, D. P. (1985). Regenerative
analysis and steady state distributions for Markov chains. *Oper. Res.* 33(5).
O'Cinneide, C. A. (1993). Entrywise perturbation theory and error analysis for Markov
chains. *Numer. Math.* 65.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from qsmcore.reliability._relcalc_common import (
    MINUTES_PER_YEAR,
    Result,
    integer,
    nines,
    positive,
    real,
)

__all__ = [
    "AvailabilityResult",
    "KofNAvailabilityResult",
    "availability",
    "k_of_n_availability",
    "parallel_availability",
    "series_availability",
]

MAX_COMPONENTS = 1000  # the O(n³) GTH reduction takes about a second at n = 1000


@dataclass(frozen=True, repr=False)
class AvailabilityResult(Result):
    """Steady-state availability of a repairable component or system.

    Attributes
    ----------
    availability : float
        A, the long-run fraction of time the system is up.
    unavailability : float
        U = 1 - A, computed directly (not as 1 - A) so that 1e-12 keeps its digits.
    nines : float
        -log10 U ("five nines" is U = 1e-5); inf when U = 0.
    downtime_minutes_per_year : float
        U × 525,960 (minutes in a 365.25-day year).
    mean_up_time, mean_down_time : float or None
        MUT and MDT of the system, in the time unit of the inputs; ``None`` where only
        availabilities (no MTTF/MTTR) were given.
    failure_frequency : float or None
        ν = A / MUT = U / MDT, system failures per unit time in the long run.
    model : str
        Which formula produced the result.
    """

    availability: float
    unavailability: float
    nines: float
    downtime_minutes_per_year: float
    mean_up_time: float | None
    mean_down_time: float | None
    failure_frequency: float | None
    model: str


@dataclass(frozen=True, repr=False)
class KofNAvailabilityResult(Result):
    """Steady state of a k-out-of-n system with r repair crews (a birth–death CTMC).

    Attributes
    ----------
    availability, unavailability, nines, downtime_minutes_per_year
        As in :class:`AvailabilityResult`.
    mttf : float
        Mean time to the first system failure starting with all n components up
        (mean first-passage time from state 0 to the failed set {i > n - k}).
    mean_up_time, mean_down_time : float
        MUT = A / ν and MDT = U / ν: mean duration of a system up (down) period in the long
        run. MUT < ``mttf`` because an up period starts with n - k components failed.
    failure_frequency : float
        ν, system failures per unit time (probability flow from up into down states).
    state_probabilities : numpy.ndarray
        π_i, the stationary probability that i components are failed, i = 0..n.
    k, n, repair_crews : int
        The system: up while at least k of n components are up; r repair crews.
    """

    availability: float
    unavailability: float
    nines: float
    downtime_minutes_per_year: float
    mttf: float
    mean_up_time: float
    mean_down_time: float
    failure_frequency: float
    state_probabilities: np.ndarray = field(repr=False)
    k: int
    n: int
    repair_crews: int


def _finish(
    fn_model: str, a: float, u: float, mut: float | None, mdt: float | None, nu: float | None
) -> AvailabilityResult:
    return AvailabilityResult(
        availability=a,
        unavailability=u,
        nines=nines(u),
        downtime_minutes_per_year=u * MINUTES_PER_YEAR,
        mean_up_time=mut,
        mean_down_time=mdt,
        failure_frequency=nu,
        model=fn_model,
    )


def availability(mttf: float, mttr: float) -> AvailabilityResult:
    """Steady-state availability of one repairable component, A = MTTF / (MTTF + MTTR).

    Parameters
    ----------
    mttf : float
        Mean time to failure (mean up time), > 0, in any time unit.
    mttr : float
        Mean time to repair (mean down time), >= 0, in the same unit.

    Returns
    -------
    AvailabilityResult
        With MUT = MTTF, MDT = MTTR and ν = 1 / (MTTF + MTTR).

    Notes
    -----
    Holds for any up- and down-time distributions with these means (alternating renewal
    process), not only exponential ones.

    Examples
    --------
    >>> round(availability(mttf=999.0, mttr=1.0).nines, 6)
    3.0
    """
    fn = "availability"
    up = positive(fn, "mttf", mttf)
    down = real(fn, "mttr", mttr, low=0.0, low_open=False)
    cycle = up + down
    return _finish("single", up / cycle, down / cycle, up, down, 1.0 / cycle)


def _components(fn: str, components: Sequence[float | AvailabilityResult]) -> list:
    if isinstance(components, np.ndarray) and components.ndim == 1:
        components = components.tolist()
    if isinstance(components, (str, bytes)) or not isinstance(components, Sequence):
        raise TypeError(
            f"{fn}: components must be a sequence of availabilities in [0, 1] or "
            f"AvailabilityResult objects, got {type(components).__name__}"
        )
    if not components:
        raise ValueError(f"{fn}: components must hold at least one component")
    out = []
    for i, c in enumerate(components):
        if isinstance(c, (AvailabilityResult, KofNAvailabilityResult)):
            out.append(c)
        else:
            a = real(fn, f"components[{i}]", c, low=0.0, low_open=False, high=1.0, high_open=False)
            out.append(a)
    return out


def _unavail(c: float | AvailabilityResult | KofNAvailabilityResult) -> float:
    return c.unavailability if not isinstance(c, float) else 1.0 - c


def series_availability(
    components: Sequence[float | AvailabilityResult | KofNAvailabilityResult] | np.ndarray,
) -> AvailabilityResult:
    """Availability of independent components in series (up only when all are up).

    A = Π A_i, computed as U = -expm1(Σ log1p(-U_i)) so that tiny unavailabilities keep
    their digits.

    Parameters
    ----------
    components : sequence of float or AvailabilityResult, or a 1-D array
        Component availabilities A_i in [0, 1], or results of :func:`availability` (or of
        this module's other functions). Each component has its own repair (independence).

    Returns
    -------
    AvailabilityResult
        When every component is a result with MUT/MDT, also the system's
        ν = A Σ_i 1/MUT_i (a system failure is the first failure among up components),
        MUT = 1 / Σ_i 1/MUT_i and MDT = U / ν (Billinton & Allan §11.3).
    """
    fn = "series_availability"
    comps = _components(fn, components)
    us = [_unavail(c) for c in comps]
    if max(us) >= 1.0:
        a, u = 0.0, 1.0
    else:
        log_a = sum(math.log1p(-x) for x in us)
        a, u = math.exp(log_a), -math.expm1(log_a)
    mut = mdt = nu = None
    if all(not isinstance(c, float) and c.mean_up_time for c in comps) and a > 0:
        lam = sum(1.0 / c.mean_up_time for c in comps)
        mut, nu = 1.0 / lam, a * lam
        mdt = u / nu
    return _finish("series", a, u, mut, mdt, nu)


def parallel_availability(
    components: Sequence[float | AvailabilityResult | KofNAvailabilityResult] | np.ndarray,
) -> AvailabilityResult:
    """Availability of independent components in parallel (down only when all are down).

    U = Π U_i.

    Parameters
    ----------
    components : sequence of float or AvailabilityResult, or a 1-D array
        Component availabilities A_i in [0, 1], or results with MUT/MDT. Each component has
        its own repair crew (independence; see :func:`k_of_n_availability` for shared crews).

    Returns
    -------
    AvailabilityResult
        When every component has an MDT, also MDT = 1 / Σ_i 1/MDT_i (the down period ends
        with the first repair), ν = U / MDT and MUT = A / ν.
    """
    fn = "parallel_availability"
    comps = _components(fn, components)
    us = [_unavail(c) for c in comps]
    u = math.prod(us)
    a = -math.expm1(sum(math.log(x) for x in us)) if u > 0 else 1.0
    mut = mdt = nu = None
    if all(not isinstance(c, float) and c.mean_down_time for c in comps) and u > 0:
        mu = sum(1.0 / c.mean_down_time for c in comps)
        mdt, nu = 1.0 / mu, u * mu
        mut = a / nu
    return _finish("parallel", a, u, mut, mdt, nu)


def _generator(n: int, lam: float, mu: float, crews: int) -> np.ndarray:
    """Q of the birth–death chain on i = number failed: i→i+1 at (n-i)λ, i→i-1 at min(i,r)μ."""
    i = np.arange(n + 1, dtype=np.float64)
    q = np.zeros((n + 1, n + 1))
    q[np.arange(n), np.arange(1, n + 1)] = (n - i[:-1]) * lam
    q[np.arange(1, n + 1), np.arange(n)] = np.minimum(i[1:], crews) * mu
    q[np.diag_indices(n + 1)] = -q.sum(axis=1)
    return q


def _stationary(q: np.ndarray) -> np.ndarray:
    """π with π Q = 0, Σ π = 1, by GTH state reduction (Grassmann, Taksar & Heyman 1985).

    Why not ``scipy.linalg.solve``: LU on the generator forms its pivots as differences of
    rates, and loses the small probabilities — with 30 components and one crew, π_0 is
    1e-33 (λ = μ) or 1e-20 (λ/μ = 1.3/3.7), and LU returns it wrong by factors of 30 to 1e14
    depending on which balance equation the normalisation replaces and on how the rates
    round, where GTH is correct to 1e-15. GTH eliminates states one by one using only off-diagonal
    rates (never the diagonal), so it adds and multiplies nonnegative numbers only and
    every π_i has a small relative error (O'Cinneide 1993). SciPy has no such routine;
    the tests compare this one with ``scipy.linalg.solve`` where LU is accurate.
    """
    a = np.array(q, dtype=np.float64)
    n = a.shape[0]
    for k in range(n - 1, 0, -1):
        out = a[k, :k].sum()  # rate from state k into the states not yet eliminated
        if out <= 0.0 or not math.isfinite(out):
            raise _Underflow
        a[:k, k] /= out
        a[:k, :k] += np.outer(a[:k, k], a[k, :k])  # paths through k, diagonal unused
    pi = np.zeros(n)
    pi[0] = 1.0
    for j in range(1, n):
        pi[j] = pi[:j] @ a[:j, j]
        if pi[j] > 1e250:  # relative to the mode, what falls below 1e-308 is beyond reach
            pi[: j + 1] *= 1e-250
    return pi / pi.sum()


class _Underflow(ArithmeticError):
    """A rate of the (scaled) chain underflowed: probabilities beyond double range."""


def k_of_n_availability(
    k: int,
    n: int,
    mttf: float,
    mttr: float,
    *,
    repair_crews: int = 1,
) -> KofNAvailabilityResult:
    """Steady-state availability of a k-out-of-n:G system with r repair crews, as a CTMC.

    States i = 0..n count failed components. Each up component fails at rate λ = 1/MTTF
    (exponential, independent), so i → i+1 at rate (n - i)λ; failed components wait for one
    of r crews, each repairing at rate μ = 1/MTTR, so i → i-1 at rate min(i, r)μ. The
    system is up in states i ≤ n - k. Components keep failing while the system is down
    (they are separate machines), so with r = n crews the components are independent and
    A is the binomial sum Σ_{j≥k} C(n,j) a^j (1-a)^{n-j}, a = MTTF/(MTTF+MTTR).

    The stationary distribution π solves π Q = 0, Σ π = 1, by GTH state reduction, which
    keeps every π_i to about machine precision relative to itself, down to 1e-300 (LU,
    ``scipy.linalg.solve``, does not: see ``_stationary``). The system MTTF from all-up is
    the mean first-passage time from state 0 to the failed set. It is obtained from a
    second stationary solve rather than from -Q_TT m = 1 (whose condition number is about
    MTTF × μ, 1e20 for a good system): in the chain where every jump into the failed set
    returns to state 0 instead, state 0 is a regeneration point, and renewal–reward gives
    MTTF = 1 / (π'_{n-k} kλ).

    Parameters
    ----------
    k : int
        Components that must be up, 1 <= k <= n.
    n : int
        Components, 1 <= n <= 1000.
    mttf, mttr : float
        Component mean time to failure (> 0) and to repair (> 0), same time unit.
    repair_crews : int, default 1
        r, 1 <= r <= n; r = n means every failed component is repaired at once.

    Returns
    -------
    KofNAvailabilityResult

    Raises
    ------
    ValueError
        For invalid parameters, and when A or U is below 1e-308 (rather than report a
        confident 0 or infinitely many nines).

    Examples
    --------
    1-out-of-2 with one crew: MTTF = (3λ + μ) / (2λ²).

    >>> r = k_of_n_availability(1, 2, mttf=100.0, mttr=1.0)
    >>> round(r.mttf, 6)
    5150.0
    """
    fn = "k_of_n_availability"
    n = integer(fn, "n", n, low=1, high=MAX_COMPONENTS)
    k = integer(fn, "k", k, low=1, high=n)
    lam = 1.0 / positive(fn, "mttf", mttf)
    mu = 1.0 / positive(fn, "mttr", mttr)
    crews = integer(fn, "repair_crews", repair_crews, low=1, high=n)

    # the time unit is free: rescale the rates by a power of two (exact) to near 1
    scale = 2.0 ** -math.frexp(max(n * lam, crews * mu))[1]
    q = _generator(n, lam * scale, mu * scale, crews)
    last_up = n - k
    try:
        pi = _stationary(q)
        # regenerative chain on the up states: the jump n-k → n-k+1 goes back to state 0
        up = q[: last_up + 1, : last_up + 1].copy()
        up[last_up, 0] += k * lam * scale
        pi_up = _stationary(up)
    except _Underflow:
        pi = np.zeros(n + 1)
    u = float(pi[last_up + 1 :].sum())
    a = float(pi[: last_up + 1].sum())
    nu = float(pi[last_up] * k * lam)  # only state n-k leads into the failed set
    if nu == 0.0 or u == 0.0 or a == 0.0 or not math.isfinite(nu):
        raise ValueError(
            f"{fn}: with k={k}, n={n}, mttf={mttf!r}, mttr={mttr!r} the availability or the "
            "unavailability is below the double-precision range (1e-308); the model can't "
            "quantify it"
        )
    mttf_sys = 1.0 / float(pi_up[last_up] * k * lam)

    return KofNAvailabilityResult(
        availability=a,
        unavailability=u,
        nines=nines(u),
        downtime_minutes_per_year=u * MINUTES_PER_YEAR,
        mttf=mttf_sys,
        mean_up_time=a / nu,
        mean_down_time=u / nu,
        failure_frequency=nu,
        state_probabilities=pi,
        k=k,
        n=n,
        repair_crews=crews,
    )
