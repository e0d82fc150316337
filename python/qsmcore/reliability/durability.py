"""Durability of replicated and erasure-coded storage ("eleven nines").

A stripe (an object's set of copies or coded fragments) is n = k + m fragments on n
different devices, any k of which rebuild the data: n replicas are k = 1, m = n - 1;
Reed–Solomon RS(10,4) is k = 10 data + m = 4 parity fragments. The stripe is lost when
more than m fragments are unavailable at the same time.

The Markov model
----------------
Assumptions: (1) each device holding a fragment fails independently, with exponential
lifetime of rate λ; (2) a failed fragment is rebuilt onto a fresh device after an
exponential time of mean ``repair_hours`` (rate μ = 1/repair_hours) — all failed fragments
at once (``repair="parallel"``, the i-th state leaves at iμ) or one at a time
(``repair="serial"``, at μ); (3) failures are the only cause of loss (no latent sector
errors, no correlated bursts, no operator error — real systems add those, which is why
published durability figures are model outputs, not measurements); (4) the stripe starts
intact. The state is i = number of failed fragments, i = 0..m, plus an absorbing loss
state m+1; i → i+1 at rate (n - i)λ.

λ from the annual failure rate (AFR). With ``afr_convention="probability"`` (default)
AFR is read as the probability that a device fails within a year, so
λ = -ln(1 - AFR) / 8766 h makes P(lifetime < 1 year) = AFR exactly. With
``afr_convention="rate"`` AFR is failures per device-year (what fleets report, may exceed
1), λ = AFR / 8766 h. The two agree to first order for small AFR (2% → 0.0202 vs 0.02
per year) and differ a lot for large ones (50% → 0.693 vs 0.5).

The annual loss probability is the entry (0, loss) of exp(Q T), T = 8766 h, Q the
generator, by ``scipy.linalg.expm`` (default). Its guarantee is normwise (error about
1e-16 × ‖exp(QT)‖), not entrywise, and a loss probability of 1e-20 is an entry 1e20 times
smaller than the norm. So ``method="uniformization"`` computes the same exponential in
nonnegative arithmetic: Q is uniformised, P = I + Q/Λ (a nonnegative stochastic matrix,
Λ the largest exit rate), exp(Q h) for a step with Λh <= 64 is the nonnegative series
e^{-Λh} Σ_j (Λh)^j P^j / j!, and exp(Q T) follows by s squarings. Only sums and products
of nonnegative numbers occur, so the tiny entry is never the difference of large ones;
its relative error is about 2^s (m+2) ε ≈ ΛT/64 × (m+2) × 1e-16 (each squaring doubles
it), below 1e-9 for repair times above a minute (Xue & Ye 2008 analyse the entrywise
conditioning). On the chains of the test suite the two methods agree to 1e-8 relative
from 1e-2 down to 1e-65, so SciPy's routine is trustworthy here in practice. Results
below 1e-300 raise ``ValueError`` instead of returning a confident 0 (inf nines).
The mean time to data loss (MTTDL, mean absorption time) comes from the birth–death
first-passage recursion τ_i = (1 + a_i τ_{i-1}) / b_i (b_i failure, a_i repair rate of
state i), MTTDL = Σ τ_i, again a sum of positive terms.

A closed form to check against. To first order in λ/μ (and for T ≫ 1/μ) loss is the
probability flow along 0 → 1 → ... → m+1: the loss rate is nλ Π_{i=1..m} (n-i)λ / a_i,
a_i the repair rate of state i, so p ≈ T · n!/(k-1)! · λ^{m+1} / μ^m with serial repair
(n replicas: T n! λ^n / μ^{n-1}) and that divided by m! with parallel repair (n replicas:
T n λ^n / μ^{n-1}); the relative error is O(nλ/μ) + O(1/(μT)). The MTTDL is the inverse
of that rate to the same order.

Many objects. The expected number of objects lost per year is objects × p, whatever the
dependence. P(at least one object lost) depends on how stripes share devices:
``groups`` independent stripe sets (each an independent copy of the chain), objects
spread over them, give 1 - (1 - p)^groups. ``groups=None`` (default) takes every object
as its own independent stripe (groups = objects); ``groups=1`` is the fully correlated
extreme where all objects live on the same n devices and are lost together (P = p).

References
----------
Gibson, G. A. (1991). *Redundant Disk Arrays*, MIT Press (MTTDL Markov models).
Chen, P. M. et al. (1994). RAID: high-performance, reliable secondary storage.
*ACM Computing Surveys* 26(2). Greenan, K., Plank, J. & Wylie, J. (2010). Mean time to
meaningless: MTTDL, Markov models, and storage system reliability. *HotStorage*.
Xue, J. & Ye, Q. (2008). Entrywise relative perturbation bounds for exponentials of
essentially non-negative matrices. *Numer. Math.* 110.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import scipy.linalg

from qsmcore.reliability._relcalc_common import (
    HOURS_PER_YEAR,
    Result,
    choice,
    integer,
    nines,
    positive,
    real,
)

__all__ = ["DurabilityResult", "durability", "storage_scheme"]

MAX_FRAGMENTS = 1000
# Uniformisation step Λh: each squaring doubles the relative error, so fewer squarings
# (a longer step, more series terms; e^{-64} and e^{64} are both fine in double) is better.
_STEP = 64.0
TINY = 1e-300  # loss probabilities below this are reported as out of range, not as 0


@dataclass(frozen=True, repr=False)
class DurabilityResult(Result):
    """Annual data-loss probability of a storage scheme under the Markov model.

    Attributes
    ----------
    scheme : str
        "3 replicas" or "RS(10,4)".
    data_fragments, parity_fragments : int
        k and m; the stripe has n = k + m fragments and survives m concurrent failures.
    loss_probability : float
        p, probability that one stripe (object) is lost within ``mission_hours``.
    durability : float
        1 - p.
    nines : float
        -log10 p; inf when p underflows to 0.
    mttdl_hours : float
        Mean time to data loss of one stripe (mean absorption time), in hours.
    objects, groups : int
        Objects stored and independent stripe sets they are spread over.
    expected_objects_lost : float
        objects × p per mission.
    p_any_object_lost : float
        1 - (1 - p)^groups.
    failure_rate, repair_rate : float
        λ and μ per hour.
    repair, afr_convention, method : str
    mission_hours : float
    """

    scheme: str
    data_fragments: int
    parity_fragments: int
    loss_probability: float
    durability: float
    nines: float
    mttdl_hours: float
    objects: int
    groups: int
    expected_objects_lost: float
    p_any_object_lost: float
    failure_rate: float
    repair_rate: float
    repair: str
    afr_convention: str
    method: str
    mission_hours: float


_RS = re.compile(r"^\s*(?:rs)?\s*\(?\s*(\d+)\s*[,+]\s*(\d+)\s*\)?\s*$", re.IGNORECASE)
_REPL = re.compile(r"^\s*(\d+)\s*(?:x|replicas?|copies)\s*$", re.IGNORECASE)


def storage_scheme(scheme: int | str | tuple[int, int]) -> tuple[int, int]:
    """(k, m) = (data, parity) fragments of a scheme.

    Parameters
    ----------
    scheme : int, str or (int, int)
        An int n means n replicas (k = 1, m = n - 1); a pair is (data, parity); a string is
        ``"RS(10,4)"``, ``"10+4"`` or ``"3x"`` / ``"3 replicas"``.
    """
    fn = "storage_scheme"
    if isinstance(scheme, str):
        if m := _REPL.match(scheme):
            scheme = int(m.group(1))
        elif m := _RS.match(scheme):
            scheme = (int(m.group(1)), int(m.group(2)))
        else:
            raise ValueError(
                f"{fn}: scheme must be like 'RS(10,4)', '10+4', '3x' or '3 replicas', "
                f"got {scheme!r}"
            )
    if isinstance(scheme, tuple):
        if len(scheme) != 2:
            raise ValueError(f"{fn}: scheme as a tuple must be (data, parity), got {scheme!r}")
        k = integer(fn, "scheme data fragments", scheme[0], low=1, high=MAX_FRAGMENTS)
        m = integer(fn, "scheme parity fragments", scheme[1], low=0, high=MAX_FRAGMENTS - k)
        return k, m
    if isinstance(scheme, bool) or not isinstance(scheme, (int, np.integer)):
        raise TypeError(
            f"{fn}: scheme must be an int (replicas), a (data, parity) tuple or a string "
            f"like 'RS(10,4)', got {scheme!r} ({type(scheme).__name__})"
        )
    n = integer(fn, "scheme (replicas)", scheme, low=1, high=MAX_FRAGMENTS)
    return 1, n - 1


def _rates(k: int, m: int, lam: float, mu: float, repair: str) -> tuple[np.ndarray, np.ndarray]:
    """Failure rates b_i = (n-i)λ and repair rates a_i of the transient states i = 0..m."""
    i = np.arange(m + 1, dtype=np.float64)
    b = (k + m - i) * lam
    a = (i if repair == "parallel" else np.minimum(i, 1.0)) * mu
    return b, a


def _generator(b: np.ndarray, a: np.ndarray) -> np.ndarray:
    """(m+2)×(m+2) generator, state m+1 (loss) absorbing."""
    size = b.size + 1
    q = np.zeros((size, size))
    q[np.arange(size - 1), np.arange(1, size)] = b
    q[np.arange(1, size - 1), np.arange(size - 2)] = a[1:]
    q[np.diag_indices(size)] = -q.sum(axis=1)
    return q


def _expm_nonnegative(q: np.ndarray, t: float) -> np.ndarray:
    """exp(Q t) for a generator Q by uniformisation and squaring (nonnegative arithmetic)."""
    size = q.shape[0]
    lam_max = float(-np.diag(q).min())
    if lam_max == 0.0:
        return np.eye(size)
    p = q / lam_max
    p[np.diag_indices(size)] = 1.0 + np.diag(q) / lam_max
    p = np.clip(p, 0.0, None)  # the fastest state's diagonal is 0, not -1e-17
    s = max(0, math.ceil(math.log2(lam_max * t / _STEP)))
    x = lam_max * t / 2.0**s  # Λh <= _STEP
    # Poisson(x) weights beyond x + 12√x + 40 (+ the m+1 jumps loss needs) are < 1e-30
    terms = math.ceil(x + 12.0 * math.sqrt(x)) + size + 40
    acc = np.eye(size)
    term = np.eye(size)
    for j in range(1, terms):
        term = (term @ p) * (x / j)
        acc += term
    e = acc * math.exp(-x)
    for _ in range(s):
        e = e @ e
    return e


def _mttdl(b: np.ndarray, a: np.ndarray) -> float:
    """Mean absorption time from state 0 by the first-passage recursion (positive terms)."""
    total, tau = 0.0, 0.0
    for bi, ai in zip(b.tolist(), a.tolist(), strict=True):  # Python floats: inf, no warning
        tau = (1.0 + ai * tau) / bi  # mean time to go from i to i+1
        total += tau
    return total


def durability(
    scheme: int | str | tuple[int, int],
    afr: float,
    repair_hours: float,
    *,
    objects: int = 1,
    groups: int | None = None,
    repair: str = "parallel",
    afr_convention: str = "probability",
    mission_hours: float = HOURS_PER_YEAR,
    method: str = "expm",
) -> DurabilityResult:
    """Annual data-loss probability and nines of replicated or erasure-coded storage.

    See the module docstring for the Markov model and its assumptions.

    Parameters
    ----------
    scheme : int, str or (int, int)
        n replicas (int), ``(data, parity)``, or ``"RS(10,4)"`` / ``"10+4"`` / ``"3x"``.
    afr : float
        Annual failure rate of one device: a probability in (0, 1) (default convention)
        or failures per device-year > 0 (``afr_convention="rate"``).
    repair_hours : float
        Mean time to rebuild one failed fragment, 1/μ, in hours (> 0).
    objects : int, default 1
        Objects (stripes) stored, >= 1.
    groups : int or None, default None
        Independent stripe sets the objects are spread over, 1 <= groups <= objects;
        ``None`` means objects (every stripe independent), 1 fully correlated.
    repair : {"parallel", "serial"}, default "parallel"
        Rebuild all failed fragments at once (rate iμ) or one at a time (rate μ).
    afr_convention : {"probability", "rate"}, default "probability"
        λ = -ln(1 - AFR)/8766 h or λ = AFR/8766 h.
    mission_hours : float, default 8766
        T, the horizon of the loss probability (a Julian year).
    method : {"expm", "uniformization"}, default "expm"
        ``scipy.linalg.expm`` of the generator, or the nonnegative uniformisation and
        squaring with a proven entrywise relative error (see the module docstring).

    Returns
    -------
    DurabilityResult

    Examples
    --------
    >>> r = durability(3, afr=0.02, repair_hours=24)
    >>> 9 < r.nines < 10
    True
    """
    fn = "durability"
    k, m = storage_scheme(scheme)
    conv = choice(fn, "afr_convention", afr_convention, ("probability", "rate"))
    if conv == "probability":
        rate_per_year = -math.log1p(-real(fn, "afr", afr, low=0.0, high=1.0))
    else:
        rate_per_year = positive(fn, "afr", afr)
    mu = 1.0 / positive(fn, "repair_hours", repair_hours)
    objects = integer(fn, "objects", objects, low=1)
    groups = objects if groups is None else integer(fn, "groups", groups, low=1, high=objects)
    repair = choice(fn, "repair", repair, ("parallel", "serial"))
    t = positive(fn, "mission_hours", mission_hours)
    method = choice(fn, "method", method, ("expm", "uniformization"))
    lam = rate_per_year / HOURS_PER_YEAR

    b, a = _rates(k, m, lam, mu, repair)
    q = _generator(b, a)
    if method == "expm":
        p = float(scipy.linalg.expm(q * t)[0, -1])
    if method == "uniformization" or not p > TINY:  # expm's noise floor: redo entrywise
        p = float(_expm_nonnegative(q, t)[0, -1])
    if not p > TINY:
        raise ValueError(
            f"{fn}: the loss probability of scheme={scheme!r} with afr={afr!r}, "
            f"repair_hours={repair_hours!r} is below 1e-300, beyond double precision"
        )
    p = min(p, 1.0)

    p_any = -math.expm1(groups * math.log1p(-p)) if p < 1.0 else 1.0
    name = f"{k + m} replica{'s' if k + m > 1 else ''}" if k == 1 else f"RS({k},{m})"
    return DurabilityResult(
        scheme=name,
        data_fragments=k,
        parity_fragments=m,
        loss_probability=p,
        durability=1.0 - p,
        nines=nines(p),
        mttdl_hours=_mttdl(b, a),
        objects=objects,
        groups=groups,
        expected_objects_lost=objects * p,
        p_any_object_lost=p_any,
        failure_rate=lam,
        repair_rate=mu,
        repair=repair,
        afr_convention=conv,
        method=method,
        mission_hours=t,
    )
