"""Statistics for chaos engineering: how sure are we about a failure rate, and how many
experiments does it take to see a change in it.

* ``failure_rate_bound(k, n)``: exact (Clopper–Pearson) bounds on a failure probability
  after k failures in n independent trials — the two-sided interval and the one-sided
  upper bound. Clopper–Pearson inverts the exact binomial test, so its coverage is at
  least the nominal level for every true p (it is conservative, never liberal).
* ``poisson_rate_bound(k, exposure)``: exact (Garwood) bounds on a failure *rate* after k
  events in an exposure (hours, requests...): [χ²_{α/2}(2k) / 2E, χ²_{1-α/2}(2k+2) / 2E].
* The *rule of three*: with no failure in n trials the one-sided 95% upper bound is
  1 - 0.05^{1/n} ≈ -ln(0.05)/n ≈ 3/n (and 2.996/E for a Poisson exposure E); both
  bounds above reduce to it at k = 0 with ``confidence=0.95``.
* ``experiments_needed(p0, p1)``: the smallest n at which the exact binomial test of
  H0: p = p0 at level α rejects with probability >= power when p = p1.
* ``experiments_needed_two_sample(p_control, p_experiment)``: trials per group to tell
  an experiment group from a control group, by the arcsine (Cohen's h) approximation.

References
----------
Clopper, C. J. & Pearson, E. S. (1934). The use of confidence or fiducial limits
illustrated in the case of the binomial. *Biometrika* 26(4). Garwood, F. (1936). Fiducial
limits for the Poisson distribution. *Biometrika* 28. Hanley, J. A. & Lippman-Hand, A.
(1983). If nothing goes wrong, is everything all right? *JAMA* 249 (rule of three).
Chernick, M. R. & Liu, C. Y. (2002). The saw-toothed behavior of power versus sample size
and software solutions. *The American Statistician* 56(2). Cohen, J. (1988). *Statistical
Power Analysis for the Behavioral Sciences*, 2nd ed., ch. 6 (h = 2 arcsin√p1 - 2 arcsin√p2).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.stats

from qsmcore.reliability._relcalc_common import Result, integer, positive, probability, real

__all__ = [
    "BinomialBound",
    "PoissonBound",
    "SampleSize",
    "TwoSampleSize",
    "experiments_needed",
    "experiments_needed_two_sample",
    "failure_rate_bound",
    "poisson_rate_bound",
]

MAX_TRIALS = 10**8


@dataclass(frozen=True, repr=False)
class BinomialBound(Result):
    """Exact (Clopper–Pearson) confidence bounds on a failure probability.

    Attributes
    ----------
    failures, trials : int
        k and n.
    estimate : float
        k / n.
    confidence : float
        1 - α.
    lower, upper : float
        Two-sided interval: B(α/2; k, n-k+1) and B(1-α/2; k+1, n-k) (beta quantiles),
        0 when k = 0 and 1 when k = n.
    upper_one_sided : float
        B(1-α; k+1, n-k): P(p <= this) >= 1 - α. At k = 0 it is 1 - α^{1/n}.
    """

    failures: int
    trials: int
    estimate: float
    confidence: float
    lower: float
    upper: float
    upper_one_sided: float


@dataclass(frozen=True, repr=False)
class PoissonBound(Result):
    """Exact (Garwood) confidence bounds on a Poisson failure rate.

    Attributes
    ----------
    events : int
        k.
    exposure : float
        E, in the unit the rate is wanted per (hours, requests, machine-days...).
    rate : float
        k / E.
    confidence : float
    lower, upper : float
        χ²(α/2; 2k) / 2E (0 at k = 0) and χ²(1-α/2; 2k+2) / 2E.
    upper_one_sided : float
        χ²(1-α; 2k+2) / 2E; -ln(α)/E at k = 0.
    """

    events: int
    exposure: float
    rate: float
    confidence: float
    lower: float
    upper: float
    upper_one_sided: float


@dataclass(frozen=True, repr=False)
class SampleSize(Result):
    """Trials needed by the exact one-sample binomial test.

    Attributes
    ----------
    trials : int
        Smallest n whose exact test reaches ``power_target``.
    p0, p1 : float
        Failure probability under H0 (baseline) and under the alternative.
    alpha, power_target : float
    power : float
        Exact power at ``trials``.
    attained_alpha : float
        Exact size of the test at ``trials`` (<= α: discreteness).
    rejection_region : str
        In terms of X, failures in ``trials`` trials, e.g. ``"X >= 7"``.
    one_sided : bool
    trials_normal : int
        The normal-approximation answer, as a cross-check.
    """

    trials: int
    p0: float
    p1: float
    alpha: float
    power_target: float
    power: float
    attained_alpha: float
    rejection_region: str
    one_sided: bool
    trials_normal: int


@dataclass(frozen=True, repr=False)
class TwoSampleSize(Result):
    """Trials per group for a control-vs-experiment comparison (arcsine approximation).

    Attributes
    ----------
    trials_per_group, total_trials : int
    p_control, p_experiment : float
    effect_size : float
        Cohen's h = 2 arcsin√p_experiment - 2 arcsin√p_control.
    alpha, power_target : float
    power : float
        Approximate power at ``trials_per_group``: Φ(|h| √(n/2) - z).
    one_sided : bool
    """

    trials_per_group: int
    total_trials: int
    p_control: float
    p_experiment: float
    effect_size: float
    alpha: float
    power_target: float
    power: float
    one_sided: bool


def _confidence(fn: str, confidence: float) -> float:
    return real(fn, "confidence", confidence, low=0.0, high=1.0)


def failure_rate_bound(k: int, n: int, confidence: float = 0.95) -> BinomialBound:
    """Exact Clopper–Pearson bounds on a failure probability after k failures in n trials.

    Parameters
    ----------
    k : int
        Failures observed, 0 <= k <= n.
    n : int
        Trials (experiments), n >= 1.
    confidence : float, default 0.95
        1 - α in (0, 1), for the two-sided interval and for the one-sided bound.

    Returns
    -------
    BinomialBound

    Examples
    --------
    The rule of three: no failure in 100 trials bounds p below about 3%.

    >>> round(failure_rate_bound(0, 100).upper_one_sided, 4)
    0.0295
    """
    fn = "failure_rate_bound"
    n = integer(fn, "n", n, low=1)
    k = integer(fn, "k", k, low=0, high=n)
    conf = _confidence(fn, confidence)
    two = scipy.stats.binomtest(k, n).proportion_ci(conf, method="exact")
    one = scipy.stats.binomtest(k, n, alternative="less").proportion_ci(conf, method="exact")
    return BinomialBound(
        failures=k,
        trials=n,
        estimate=k / n,
        confidence=conf,
        lower=float(two.low),
        upper=float(two.high),
        upper_one_sided=float(one.high),
    )


def poisson_rate_bound(k: int, exposure: float, confidence: float = 0.95) -> PoissonBound:
    """Exact (Garwood, chi-square) bounds on a Poisson failure rate after k events.

    Parameters
    ----------
    k : int
        Events (failures) observed, k >= 0.
    exposure : float
        E > 0: total observation (machine-hours, requests...); the rate is per unit of E.
    confidence : float, default 0.95
        1 - α in (0, 1).

    Returns
    -------
    PoissonBound

    Examples
    --------
    >>> round(poisson_rate_bound(0, 1000.0).upper_one_sided * 1000, 4)  # rule of three
    2.9957
    """
    fn = "poisson_rate_bound"
    k = integer(fn, "k", k, low=0)
    e = positive(fn, "exposure", exposure)
    conf = _confidence(fn, confidence)
    alpha = 1.0 - conf
    chi2 = scipy.stats.chi2
    lower = chi2.ppf(alpha / 2.0, 2 * k) / (2.0 * e) if k > 0 else 0.0
    return PoissonBound(
        events=k,
        exposure=e,
        rate=k / e,
        confidence=conf,
        lower=float(lower),
        upper=float(chi2.ppf(1.0 - alpha / 2.0, 2 * k + 2) / (2.0 * e)),
        upper_one_sided=float(chi2.ppf(conf, 2 * k + 2) / (2.0 * e)),
    )


def _critical_upper(n: np.ndarray, p0: float, a: float) -> np.ndarray:
    """Smallest c with P0(X >= c) <= a, per n (n + 1 when no c qualifies)."""
    c = scipy.stats.binom.isf(a, n, p0) + 1.0  # isf: smallest x with P0(X > x) <= a
    c = np.where(scipy.stats.binom.sf(c - 1, n, p0) > a, c + 1, c)  # guard rounding in isf
    return np.minimum(c, n + 1)


def _critical_lower(n: np.ndarray, p0: float, a: float) -> np.ndarray:
    """Largest c with P0(X <= c) <= a, per n (-1 when no c qualifies)."""
    c = scipy.stats.binom.ppf(a, n, p0)  # smallest x with P0(X <= x) >= a
    return np.where(scipy.stats.binom.cdf(c, n, p0) > a, c - 1, c)


def _exact_power(
    n: np.ndarray, p0: float, p1: float, alpha: float, one_sided: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(power, size, lower critical value, upper critical value) of the exact test per n."""
    binom = scipy.stats.binom
    a = alpha if one_sided else alpha / 2.0  # two-sided: equal tails
    hi = _critical_upper(n, p0, a) if (p1 > p0 or not one_sided) else n + 1.0
    lo = _critical_lower(n, p0, a) if (p1 < p0 or not one_sided) else np.full(n.shape, -1.0)
    power = binom.sf(hi - 1, n, p1) + np.where(lo >= 0, binom.cdf(lo, n, p1), 0.0)
    size = binom.sf(hi - 1, n, p0) + np.where(lo >= 0, binom.cdf(lo, n, p0), 0.0)
    return power, size, lo, hi


def _normal_trials(p0: float, p1: float, alpha: float, power: float, one_sided: bool) -> int:
    z_a = scipy.stats.norm.isf(alpha if one_sided else alpha / 2.0)
    z_b = scipy.stats.norm.ppf(power)
    root = z_a * math.sqrt(p0 * (1 - p0)) + z_b * math.sqrt(p1 * (1 - p1))
    return math.ceil((root / (p1 - p0)) ** 2)


def experiments_needed(
    p0: float,
    p1: float,
    power: float = 0.8,
    alpha: float = 0.05,
    one_sided: bool = True,
    *,
    max_trials: int = 10**7,
) -> SampleSize:
    """Trials needed to detect a change of failure probability from p0 to p1.

    The exact binomial test of H0: p = p0 with X failures in n trials rejects, one-sided,
    when X >= c (p1 > p0) or X <= c (p1 < p0), c the most extreme critical value with
    exact size <= α; two-sided, when either tail (α/2 each) is reached. Its power at p1 is
    summed from ``scipy.stats.binom``. The returned n is the smallest for which it
    reaches ``power``, found by evaluating every n = 1, 2, ... in vectorised blocks.

    Exact power is saw-toothed in n (the critical value moves in integer steps, so the
    size, and with it the power, drops each time it does; Chernick & Liu 2002): some
    m > n may have power below the target again. The returned n is the first to reach
    it, and every smaller n falls short.

    The normal approximation n ≈ [(z_α √(p0 q0) + z_β √(p1 q1)) / (p1 - p0)]² is returned
    as ``trials_normal``: a cross-check that is good when n p0 and n p1 are large and
    poor for rare failures (where it tends to undershoot the exact answer).

    Parameters
    ----------
    p0 : float
        Baseline failure probability, in (0, 1).
    p1 : float
        Failure probability to detect, in (0, 1), p1 != p0.
    power : float, default 0.8
        1 - β, in (0, 1).
    alpha : float, default 0.05
        Test level α, in (0, 1).
    one_sided : bool, default True
        Test in the direction of p1 only, or two-sided.
    max_trials : int, default 1e7
        Give up (``ValueError``) beyond this many trials; at most 1e8.

    Returns
    -------
    SampleSize

    Examples
    --------
    >>> r = experiments_needed(0.01, 0.05)
    >>> r.power >= 0.8
    True
    """
    fn = "experiments_needed"
    p0 = probability(fn, "p0", p0, open_low=True, open_high=True)
    p1 = probability(fn, "p1", p1, open_low=True, open_high=True)
    if p1 == p0:
        raise ValueError(f"{fn}: p1 must differ from p0, got p0 = p1 = {p0!r}")
    target = probability(fn, "power", power, open_low=True, open_high=True)
    alpha = probability(fn, "alpha", alpha, open_low=True, open_high=True)
    if not isinstance(one_sided, (bool, np.bool_)):
        raise TypeError(f"{fn}: one_sided must be a bool, got {one_sided!r}")
    max_trials = integer(fn, "max_trials", max_trials, low=1, high=MAX_TRIALS)

    start, block = 1, 1024
    while start <= max_trials:
        n = np.arange(start, min(start + block, max_trials + 1), dtype=np.float64)
        pw, size, lo, hi = _exact_power(n, p0, p1, alpha, bool(one_sided))
        hit = np.flatnonzero(pw >= target)
        if hit.size:
            i = int(hit[0])
            region = []
            if lo[i] >= 0:
                region.append(f"X <= {int(lo[i])}")
            if hi[i] <= n[i]:
                region.append(f"X >= {int(hi[i])}")
            return SampleSize(
                trials=int(n[i]),
                p0=p0,
                p1=p1,
                alpha=alpha,
                power_target=target,
                power=float(pw[i]),
                attained_alpha=float(size[i]),
                rejection_region=" or ".join(region),
                one_sided=bool(one_sided),
                trials_normal=_normal_trials(p0, p1, alpha, target, bool(one_sided)),
            )
        start += n.size
        block = min(2 * block, 1 << 20)
    raise ValueError(
        f"{fn}: no n <= max_trials={max_trials} reaches power {target} for p0={p0}, p1={p1}; "
        "raise max_trials or detect a larger change"
    )


def experiments_needed_two_sample(
    p_control: float,
    p_experiment: float,
    power: float = 0.8,
    alpha: float = 0.05,
    one_sided: bool = True,
) -> TwoSampleSize:
    """Trials per group to tell an experiment group's failure probability from a control's.

    Arcsine approximation: φ = 2 arcsin √p̂ has variance ≈ 1/n whatever p (the
    variance-stabilising transform of a binomial proportion), so the difference of two
    groups of n trials has variance 2/n and the z-test of H0: p_control = p_experiment has
    power Φ(|h| √(n/2) - z_α), with Cohen's h = φ(p_experiment) - φ(p_control). Solving,
    n = 2 (z_α + z_β)² / h² per group (z_{α/2} when two-sided), rounded up. It is an
    approximation (good for n p and n (1-p) above ~5 in both groups); for an exact
    design simulate or use Fisher's exact test.

    Parameters
    ----------
    p_control, p_experiment : float
        Failure probabilities in (0, 1), different.
    power : float, default 0.8
    alpha : float, default 0.05
    one_sided : bool, default True

    Returns
    -------
    TwoSampleSize

    Examples
    --------
    Cohen's (1988) Table 6.4.1: h = 0.2, two-sided α = 0.05, power 0.8 → n = 392.

    >>> import math
    >>> p2 = math.sin(math.asin(math.sqrt(0.5)) + 0.1) ** 2  # h = 0.2 from p = 0.5
    >>> experiments_needed_two_sample(0.5, p2, one_sided=False).trials_per_group
    393
    """
    fn = "experiments_needed_two_sample"
    pc = probability(fn, "p_control", p_control, open_low=True, open_high=True)
    pe = probability(fn, "p_experiment", p_experiment, open_low=True, open_high=True)
    if pc == pe:
        raise ValueError(f"{fn}: p_experiment must differ from p_control, got both {pc!r}")
    target = probability(fn, "power", power, open_low=True, open_high=True)
    alpha = probability(fn, "alpha", alpha, open_low=True, open_high=True)
    if not isinstance(one_sided, (bool, np.bool_)):
        raise TypeError(f"{fn}: one_sided must be a bool, got {one_sided!r}")
    h = 2.0 * math.asin(math.sqrt(pe)) - 2.0 * math.asin(math.sqrt(pc))
    z_a = scipy.stats.norm.isf(alpha if one_sided else alpha / 2.0)
    z_b = scipy.stats.norm.ppf(target)
    n = math.ceil(2.0 * ((z_a + z_b) / h) ** 2)
    achieved = float(scipy.stats.norm.cdf(abs(h) * math.sqrt(n / 2.0) - z_a))
    return TwoSampleSize(
        trials_per_group=n,
        total_trials=2 * n,
        p_control=pc,
        p_experiment=pe,
        effect_size=h,
        alpha=alpha,
        power_target=target,
        power=achieved,
        one_sided=bool(one_sided),
    )
