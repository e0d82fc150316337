"""Chaos-engineering statistics: Clopper–Pearson and Garwood bounds against beta/gamma
quantiles, exact coverage, the rule of three, sample sizes whose power is recomputed
independently, properties and bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import beta, binom, gamma, norm, poisson

import qsmcore.reliability as rel

# --------------------------------------------------------------------------- binomial bounds


def test_clopper_pearson_zero_of_ten():
    r = rel.failure_rate_bound(0, 10)
    # no failure: the bounds solve (1 - p)^10 = α/2 (two-sided) or α (one-sided)
    assert r.upper == pytest.approx(1 - 0.025**0.1, rel=1e-10)  # 0.3085
    assert r.upper_one_sided == pytest.approx(1 - 0.05**0.1, rel=1e-10)  # 0.2589
    assert r.upper == pytest.approx(0.3085, abs=5e-5)
    assert r.upper_one_sided == pytest.approx(0.2589, abs=5e-5)
    assert r.lower == 0.0 and r.estimate == 0.0


@pytest.mark.parametrize(("k", "n"), [(1, 10), (3, 50), (10, 10), (7, 1000), (500, 1000)])
@pytest.mark.parametrize("conf", [0.9, 0.95, 0.99])
def test_clopper_pearson_is_the_beta_quantile(k, n, conf):
    a = 1 - conf
    r = rel.failure_rate_bound(k, n, conf)
    lower = beta.ppf(a / 2, k, n - k + 1) if k > 0 else 0.0
    upper = beta.ppf(1 - a / 2, k + 1, n - k) if k < n else 1.0
    one = beta.ppf(1 - a, k + 1, n - k) if k < n else 1.0
    assert r.lower == pytest.approx(lower, rel=1e-9, abs=1e-15)
    assert r.upper == pytest.approx(upper, rel=1e-9)
    assert r.upper_one_sided == pytest.approx(one, rel=1e-9)


@pytest.mark.parametrize("n", [5, 20, 60])
def test_clopper_pearson_exact_coverage_is_at_least_nominal(n):
    # coverage(p) = Σ_k P(X = k | p) 1[p inside the interval for k]: conservative everywhere
    bounds = [rel.failure_rate_bound(k, n) for k in range(n + 1)]
    lo = np.array([b.lower for b in bounds])
    hi = np.array([b.upper for b in bounds])
    one = np.array([b.upper_one_sided for b in bounds])
    k = np.arange(n + 1)
    for p in np.linspace(0.001, 0.999, 101):
        pmf = binom.pmf(k, n, p)
        assert pmf[(lo <= p) & (p <= hi)].sum() >= 0.95 - 1e-12
        assert pmf[p <= one].sum() >= 0.95 - 1e-12


@pytest.mark.parametrize("n", [100, 300, 1000, 10_000])
def test_rule_of_three(n):
    # (1 - p)^n = 0.05 → p = 1 - 0.05^{1/n} ≈ -ln(0.05)/n = 2.9957/n ≈ 3/n
    r = rel.failure_rate_bound(0, n)
    assert r.upper_one_sided == pytest.approx(-math.expm1(math.log(0.05) / n), rel=1e-10)
    assert r.upper_one_sided == pytest.approx(3 / n, rel=0.02)


# --------------------------------------------------------------------------- Poisson bounds


@pytest.mark.parametrize("k", [0, 1, 5, 30])
@pytest.mark.parametrize("exposure", [1.0, 250.0, 1e6])
def test_poisson_bounds_are_gamma_quantiles(k, exposure):
    # Garwood: the χ²(2k)/2 quantile is the Gamma(k, 1) quantile
    r = rel.poisson_rate_bound(k, exposure, 0.95)
    lower = gamma.ppf(0.025, k) / exposure if k > 0 else 0.0
    assert r.lower == pytest.approx(lower, rel=1e-9)
    assert r.upper == pytest.approx(gamma.ppf(0.975, k + 1) / exposure, rel=1e-9)
    assert r.upper_one_sided == pytest.approx(gamma.ppf(0.95, k + 1) / exposure, rel=1e-9)
    assert r.rate == k / exposure


def test_poisson_rule_of_three():
    r = rel.poisson_rate_bound(0, 1000.0)
    assert r.upper_one_sided * 1000 == pytest.approx(-math.log(0.05), rel=1e-10)  # 2.9957


def test_poisson_exact_coverage_is_at_least_nominal():
    bounds = [rel.poisson_rate_bound(k, 1.0) for k in range(200)]
    lo = np.array([b.lower for b in bounds])
    hi = np.array([b.upper for b in bounds])
    k = np.arange(200)
    for mu in np.linspace(0.01, 60.0, 150):
        pmf = poisson.pmf(k, mu)
        assert pmf[(lo <= mu) & (mu <= hi)].sum() >= 0.95 - 1e-12


# --------------------------------------------------------------------------- sample sizes


def _power(n: int, p0: float, p1: float, alpha: float, one_sided: bool) -> float:
    """Exact power, critical values found by walking the pmf (not binom.isf/ppf)."""
    k = np.arange(n + 1)
    pmf0, pmf1 = binom.pmf(k, n, p0), binom.pmf(k, n, p1)
    a = alpha if one_sided else alpha / 2
    reject = np.zeros(n + 1, dtype=bool)
    if p1 > p0 or not one_sided:
        tail = np.cumsum(pmf0[::-1])[::-1]  # P0(X >= k)
        reject |= tail <= a * (1 + 1e-12)
    if p1 < p0 or not one_sided:
        reject |= np.cumsum(pmf0) <= a * (1 + 1e-12)
    return float(pmf1[reject].sum())


@pytest.mark.parametrize(
    ("p0", "p1", "one_sided"),
    [(0.01, 0.05, True), (0.05, 0.01, True), (0.01, 0.05, False), (0.2, 0.3, True),
     (0.5, 0.4, False), (0.001, 0.01, True)],
)  # fmt: skip
def test_experiments_needed_is_the_smallest_n_reaching_power(p0, p1, one_sided):
    r = rel.experiments_needed(p0, p1, power=0.8, alpha=0.05, one_sided=one_sided)
    n = r.trials
    assert r.power == pytest.approx(_power(n, p0, p1, 0.05, one_sided), rel=1e-9)
    assert r.power >= 0.8
    assert r.attained_alpha <= 0.05
    # every smaller n falls short (exact power is saw-toothed, so check them all)
    assert all(_power(m, p0, p1, 0.05, one_sided) < 0.8 for m in range(1, n))


def test_exact_power_is_saw_toothed():
    # Chernick & Liu (2002): power can drop as n grows, when the critical value steps up
    # (p0 = 0.05 → p1 = 0.2: n = 27 reaches 80%, n = 29..32 do not)
    p0, p1 = 0.05, 0.2
    n = rel.experiments_needed(p0, p1).trials
    powers = [_power(m, p0, p1, 0.05, True) for m in range(n, n + 10)]
    assert min(powers) < 0.8 <= powers[0]  # some larger n has less power than the answer


@pytest.mark.parametrize(("p0", "p1"), [(0.2, 0.3), (0.4, 0.5), (0.1, 0.05)])
def test_normal_approximation_cross_check(p0, p1):
    # for moderate n p the normal formula lands within ~15% of the exact search
    r = rel.experiments_needed(p0, p1)
    z = norm.isf(0.05) * math.sqrt(p0 * (1 - p0)) + norm.ppf(0.8) * math.sqrt(p1 * (1 - p1))
    assert r.trials_normal == math.ceil((z / (p1 - p0)) ** 2)
    assert r.trials == pytest.approx(r.trials_normal, rel=0.15)


def test_two_sample_cohen_table():
    # Cohen (1988) Table 6.4.1: h = 0.20, two-sided α = 0.05, power 0.80 → n = 392 per group
    p_c = 0.5
    p_e = math.sin(math.asin(math.sqrt(p_c)) + 0.1) ** 2  # 2 arcsin √p_e - 2 arcsin √p_c = 0.2
    r = rel.experiments_needed_two_sample(p_c, p_e, one_sided=False)
    assert r.effect_size == pytest.approx(0.2, rel=1e-12)
    assert abs(r.trials_per_group - 392) <= 1
    assert r.total_trials == 2 * r.trials_per_group and r.power >= 0.8


def _two_sample_exact_power(n, pc, pe, alpha, one_sided):
    """Power of the arcsine z-test summed over both binomials (no approximation)."""
    k = np.arange(n + 1)
    phi = 2 * np.arcsin(np.sqrt(k / n))
    z = (phi[None, :] - phi[:, None]) * math.sqrt(n / 2)  # rows: control, cols: experiment
    crit = norm.isf(alpha if one_sided else alpha / 2)
    sign = 1.0 if pe > pc else -1.0
    reject = (sign * z >= crit) if one_sided else (np.abs(z) >= crit)
    return float(binom.pmf(k, n, pc) @ reject @ binom.pmf(k, n, pe))


@pytest.mark.parametrize(("pc", "pe"), [(0.1, 0.2), (0.3, 0.2), (0.05, 0.12)])
def test_two_sample_power_holds_up_exactly(pc, pe):
    r = rel.experiments_needed_two_sample(pc, pe)
    exact = _two_sample_exact_power(r.trials_per_group, pc, pe, 0.05, True)
    assert exact == pytest.approx(0.8, abs=0.03)  # the approximation's honest error
    swapped = rel.experiments_needed_two_sample(pe, pc)
    assert swapped.trials_per_group == r.trials_per_group


# --------------------------------------------------------------------------- properties


@settings(max_examples=40)
@given(n=st.integers(1, 500), data=st.data(), conf=st.floats(0.5, 0.999))
def test_bounds_nest(n, data, conf):
    k = data.draw(st.integers(0, n))
    r = rel.failure_rate_bound(k, n, conf)
    assert 0 <= r.lower <= r.estimate <= r.upper <= 1
    assert r.upper_one_sided <= r.upper + 1e-12
    wider = rel.failure_rate_bound(k, n, min(conf + 0.0005, 0.9995))
    assert wider.upper >= r.upper - 1e-12 and wider.lower <= r.lower + 1e-12


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("fn", "args", "kwargs", "exc", "match"),
    [
        (rel.failure_rate_bound, (11, 10), {}, ValueError, "k must be"),
        (rel.failure_rate_bound, (-1, 10), {}, ValueError, "k must be"),
        (rel.failure_rate_bound, (1, 0), {}, ValueError, "n must be"),
        (rel.failure_rate_bound, (1.0, 10), {}, TypeError, "k must be"),
        (rel.failure_rate_bound, (1, 10, 1.0), {}, ValueError, "confidence"),
        (rel.failure_rate_bound, (1, 10, math.nan), {}, ValueError, "confidence"),
        (rel.poisson_rate_bound, (-1, 10.0), {}, ValueError, "k must be"),
        (rel.poisson_rate_bound, (1, 0.0), {}, ValueError, "exposure"),
        (rel.poisson_rate_bound, (1, math.inf), {}, ValueError, "exposure"),
        (rel.poisson_rate_bound, (1, 5.0, 0.0), {}, ValueError, "confidence"),
        (rel.experiments_needed, (0.1, 0.1), {}, ValueError, "p1 must differ"),
        (rel.experiments_needed, (0.0, 0.1), {}, ValueError, "p0"),
        (rel.experiments_needed, (0.1, 1.0), {}, ValueError, "p1"),
        (rel.experiments_needed, (0.1, math.nan), {}, ValueError, "p1"),
        (rel.experiments_needed, (0.1, 0.2), {"power": 1.0}, ValueError, "power"),
        (rel.experiments_needed, (0.1, 0.2), {"alpha": 0.0}, ValueError, "alpha"),
        (rel.experiments_needed, (0.1, 0.2), {"one_sided": "yes"}, TypeError, "one_sided"),
        (rel.experiments_needed, (0.1, 0.2), {"max_trials": 0}, ValueError, "max_trials"),
        (rel.experiments_needed, (0.1, 0.1001), {"max_trials": 1000}, ValueError, "max_trials"),
        (rel.experiments_needed_two_sample, (0.2, 0.2), {}, ValueError, "differ"),
        (rel.experiments_needed_two_sample, (1.2, 0.2), {}, ValueError, "p_control"),
        (rel.experiments_needed_two_sample, (0.1, -0.2), {}, ValueError, "p_experiment"),
        (rel.experiments_needed_two_sample, (0.1, 0.2), {"power": 0}, ValueError, "power"),
    ],
)
def test_bad_input(fn, args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        fn(*args, **kwargs)


def test_result_api():
    r = rel.experiments_needed(0.01, 0.05)
    assert r.rejection_region == "X >= 4" and r.to_dict()["trials"] == r.trials
    assert repr(r).startswith("SampleSize(trials=")
    b = rel.failure_rate_bound(3, 50)
    assert b.to_dict() == {
        "failures": 3, "trials": 50, "estimate": 0.06, "confidence": 0.95,
        "lower": b.lower, "upper": b.upper, "upper_one_sided": b.upper_one_sided,
    }  # fmt: skip
