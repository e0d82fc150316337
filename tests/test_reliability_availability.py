"""Steady-state availability: closed forms, the k-of-n CTMC against product-form and
textbook MTTF formulas, properties, bad input."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
import scipy.linalg
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import comb

import qsmcore.reliability as rel

# --------------------------------------------------------------------------- single component


def test_single_component_closed_form():
    r = rel.availability(mttf=999.0, mttr=1.0)
    assert r.availability == pytest.approx(0.999, rel=1e-15)
    assert r.unavailability == pytest.approx(0.001, rel=1e-15)
    assert r.nines == pytest.approx(3.0, rel=1e-12)
    # 0.1% of a 365.25-day year is 525.96 minutes
    assert r.downtime_minutes_per_year == pytest.approx(525.96, rel=1e-12)
    assert (r.mean_up_time, r.mean_down_time) == (999.0, 1.0)
    assert r.failure_frequency == pytest.approx(1e-3)


def test_unavailability_keeps_digits_where_one_minus_a_would_not():
    r = rel.availability(mttf=1e15, mttr=1.0)
    assert r.unavailability == pytest.approx(1e-15, rel=1e-12)  # 1 - A would be 1.1e-15
    assert r.nines == pytest.approx(15.0, rel=1e-12)


def test_zero_mttr_is_always_up():
    r = rel.availability(10.0, 0.0)
    assert r.availability == 1.0 and r.unavailability == 0.0 and math.isinf(r.nines)


def test_result_is_frozen_with_dict_and_repr():
    r = rel.availability(99.0, 1.0)
    with pytest.raises(AttributeError):
        r.availability = 0.5  # type: ignore[misc]
    d = r.to_dict()
    assert d["availability"] == pytest.approx(0.99) and d["model"] == "single"
    assert repr(r).startswith("AvailabilityResult(availability=0.99,")


# --------------------------------------------------------------------------- series / parallel


def test_series_and_parallel_products():
    a = [0.99, 0.999, 0.9]
    s = rel.series_availability(a)
    p = rel.parallel_availability(a)
    assert s.availability == pytest.approx(0.99 * 0.999 * 0.9, rel=1e-14)
    assert p.unavailability == pytest.approx(0.01 * 0.001 * 0.1, rel=1e-12)
    assert s.mean_up_time is None and p.mean_down_time is None  # availabilities only
    assert rel.series_availability(np.array(a)).availability == s.availability  # NumPy in
    # subsystems compose: a k-of-n result is a component like any other
    sub = rel.k_of_n_availability(2, 3, 100.0, 1.0)
    both = rel.series_availability([sub, rel.availability(1000.0, 1.0)])
    assert both.availability == pytest.approx(sub.availability * 1000 / 1001, rel=1e-14)
    assert both.mean_up_time == pytest.approx(1 / (1 / sub.mean_up_time + 1 / 1000))


def test_series_frequency_duration():
    # Billinton & Allan §11.3: series λ_s = Σλ_i, ν = A_s λ_s
    c1, c2 = rel.availability(100.0, 2.0), rel.availability(400.0, 8.0)
    s = rel.series_availability([c1, c2])
    assert s.mean_up_time == pytest.approx(1.0 / (1 / 100 + 1 / 400))
    assert s.failure_frequency == pytest.approx(s.availability * (1 / 100 + 1 / 400))
    assert s.mean_down_time == pytest.approx(s.unavailability / s.failure_frequency)


def test_parallel_of_two_equals_ctmc_with_two_crews():
    # two independent repairable units in parallel = 1-of-2 with a crew each
    c = rel.availability(50.0, 5.0)
    p = rel.parallel_availability([c, c])
    k = rel.k_of_n_availability(1, 2, 50.0, 5.0, repair_crews=2)
    assert p.unavailability == pytest.approx(k.unavailability, rel=1e-12)
    assert p.mean_down_time == pytest.approx(k.mean_down_time, rel=1e-12)  # 1/(2μ)
    assert p.mean_up_time == pytest.approx(k.mean_up_time, rel=1e-12)


def test_series_of_many_tiny_unavailabilities():
    s = rel.series_availability([1.0 - 1e-12] * 1000)
    assert s.unavailability == pytest.approx(1e-9, rel=1e-3)  # input 1 - 1e-12 rounds at 1e-4


# --------------------------------------------------------------------------- k-of-n CTMC


def _product_form(k: int, n: int, lam: Fraction, mu: Fraction, r: int) -> list[Fraction]:
    """Birth–death stationary law in exact rational arithmetic (independent of the solver)."""
    w = [Fraction(1)]
    for i in range(n):
        w.append(w[-1] * (n - i) * lam / (min(i + 1, r) * mu))
    total = sum(w)
    return [x / total for x in w]


@pytest.mark.parametrize(
    ("k", "n", "mttf", "mttr", "r"),
    [(1, 1, 10, 1, 1), (1, 2, 100, 1, 1), (2, 3, 1000, 2, 1), (3, 5, 50, 5, 2),
     (1, 6, 10_000, 1, 1), (4, 10, 1e6, 1, 3), (1, 8, 1e6, 10, 8),
     # the likeliest state is "all failed": the small ones are at the other end (1e-33)
     (5, 10, 1, 1, 1), (1, 30, 1, 1, 1), (20, 40, 1, 2, 3),
     # rates that round (LU loses π_0 ≈ 1e-33 here by orders of magnitude; GTH does not)
     (1, 30, 1e-100, 1e-100, 1), (1, 30, 3.7, 1.3, 1), (7, 60, 0.37, 1.9, 7)],
)  # fmt: skip
def test_ctmc_matches_exact_product_form(k, n, mttf, mttr, r):
    res = rel.k_of_n_availability(k, n, mttf, mttr, repair_crews=r)
    exact = _product_form(k, n, Fraction(1) / Fraction(mttf), Fraction(1) / Fraction(mttr), r)
    u_exact = float(sum(exact[n - k + 1 :]))
    # small probabilities (down to ~1e-60 here) keep full relative precision
    np.testing.assert_allclose(res.state_probabilities, [float(x) for x in exact], rtol=1e-9)
    assert res.unavailability == pytest.approx(u_exact, rel=1e-9)
    assert res.availability + res.unavailability == pytest.approx(1.0, abs=1e-15)


def test_agrees_with_scipy_lu_where_lu_is_accurate():
    # moderate probabilities: π Q = 0 with Σ π = 1 replacing the last equation, by LU
    n, k, mttf, mttr, r = 6, 3, 20.0, 2.0, 2
    res = rel.k_of_n_availability(k, n, mttf, mttr, repair_crews=r)
    i = np.arange(n + 1)
    q = np.zeros((n + 1, n + 1))
    q[i[:-1], i[1:]] = (n - i[:-1]) / mttf
    q[i[1:], i[:-1]] = np.minimum(i[1:], r) / mttr
    q[i, i] = -q.sum(axis=1)
    a = q.T.copy()
    a[-1] = 1.0
    pi = scipy.linalg.solve(a, np.eye(n + 1)[-1])
    np.testing.assert_allclose(res.state_probabilities, pi, rtol=1e-10)


def test_large_system_runs():
    res = rel.k_of_n_availability(250, 300, 100.0, 1.0, repair_crews=5)
    assert res.state_probabilities.sum() == pytest.approx(1.0)
    assert 0 < res.unavailability < 1e-3


def test_independent_crews_give_the_binomial_sum():
    n, k, mttf, mttr = 7, 4, 30.0, 3.0
    a = mttf / (mttf + mttr)
    binom = sum(comb(n, j, exact=True) * a**j * (1 - a) ** (n - j) for j in range(k, n + 1))
    res = rel.k_of_n_availability(k, n, mttf, mttr, repair_crews=n)
    assert res.availability == pytest.approx(binom, rel=1e-13)


@pytest.mark.parametrize(("lam", "mu"), [(0.01, 1.0), (1e-6, 1.0), (1e-9, 0.5)])
def test_mttf_textbook_formulas(lam, mu):
    # one repair crew: 1-of-2 MTTF = (3λ + μ)/(2λ²); 2-of-3 MTTF = (5λ + μ)/(6λ²)
    # (Trivedi 2002, §8.4; Rausand & Høyland 2004, ch. 8), both from all components up
    r12 = rel.k_of_n_availability(1, 2, 1 / lam, 1 / mu)
    r23 = rel.k_of_n_availability(2, 3, 1 / lam, 1 / mu)
    assert r12.mttf == pytest.approx((3 * lam + mu) / (2 * lam**2), rel=1e-9)
    assert r23.mttf == pytest.approx((5 * lam + mu) / (6 * lam**2), rel=1e-9)


def test_mttf_of_one_of_n_with_large_gap_is_accurate():
    # exact first passage by the positive-term recursion τ_i = (1 + a_i τ_{i-1}) / b_i
    n, lam, mu = 6, 1e-4, 1.0
    total, tau = Fraction(0), Fraction(0)
    for i in range(n):
        tau = (1 + min(i, 1) * Fraction(mu) * tau) / ((n - i) * Fraction(lam))
        total += tau
    res = rel.k_of_n_availability(1, n, 1 / lam, 1 / mu)
    assert res.mttf == pytest.approx(float(total), rel=1e-9)  # ~1.4e21, a direct solve fails


def test_up_down_times_are_consistent():
    lam, mu = 1 / 200.0, 1 / 10.0
    res = rel.k_of_n_availability(2, 4, 1 / lam, 1 / mu, repair_crews=2)
    # a down period of 2-of-4 starts with 3 failed and ends at the first repair (rate 2μ);
    # a 4th failure (λ) first adds a 4 → 3 repair: τ3 = (1 + λ/(2μ)) / (2μ + λ) = (2μ+λ)/(4μ²)
    assert res.mean_down_time == pytest.approx((2 * mu + lam) / (4 * mu**2), rel=1e-12)
    assert res.mean_up_time < res.mttf  # an up period starts with n - k already failed
    assert res.mean_up_time / res.mean_down_time == pytest.approx(
        res.availability / res.unavailability
    )


def test_one_of_one_is_the_single_component():
    a = rel.availability(40.0, 2.0)
    c = rel.k_of_n_availability(1, 1, 40.0, 2.0)
    assert c.availability == pytest.approx(a.availability, rel=1e-14)
    assert c.mttf == pytest.approx(40.0, rel=1e-12)
    assert "mttf=40" in repr(c) and c.to_dict()["state_probabilities"] == pytest.approx(
        [40 / 42, 2 / 42]
    )


# --------------------------------------------------------------------------- properties

_times = st.floats(min_value=1e-2, max_value=1e4, allow_nan=False)


@given(mttf=_times, mttr=_times, factor=st.floats(min_value=1.01, max_value=100.0))
def test_availability_decreases_with_mttr(mttf, mttr, factor):
    assert (
        rel.availability(mttf, mttr * factor).availability
        < rel.availability(mttf, mttr).availability
    )


@settings(max_examples=60)
@given(
    n=st.integers(1, 8),
    data=st.data(),
    mttf=st.floats(min_value=1.0, max_value=1e4),
    mttr=st.floats(min_value=1e-2, max_value=100.0),
)
def test_k_of_n_monotone_in_crews_k_and_mttr(n, data, mttf, mttr):
    k = data.draw(st.integers(1, n))
    r = data.draw(st.integers(1, n))
    base = rel.k_of_n_availability(k, n, mttf, mttr, repair_crews=r)
    tol = 1e-12
    if r < n:
        more = rel.k_of_n_availability(k, n, mttf, mttr, repair_crews=r + 1)
        assert more.unavailability <= base.unavailability * (1 + tol)
    if k < n:
        stricter = rel.k_of_n_availability(k + 1, n, mttf, mttr, repair_crews=r)
        assert stricter.unavailability >= base.unavailability * (1 - tol)
    slower = rel.k_of_n_availability(k, n, mttf, mttr * 2, repair_crews=r)
    assert slower.unavailability >= base.unavailability * (1 - tol)


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"mttf": 0.0, "mttr": 1.0}, ValueError, "mttf"),
        ({"mttf": -1.0, "mttr": 1.0}, ValueError, "mttf"),
        ({"mttf": math.nan, "mttr": 1.0}, ValueError, "mttf"),
        ({"mttf": 1.0, "mttr": -1.0}, ValueError, "mttr"),
        ({"mttf": 1.0, "mttr": math.inf}, ValueError, "mttr"),
        ({"mttf": "10", "mttr": 1.0}, TypeError, "mttf"),
        ({"mttf": True, "mttr": 1.0}, TypeError, "mttf"),
    ],
)
def test_availability_bad_input(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        rel.availability(**kwargs)


@pytest.mark.parametrize(
    ("args", "kwargs", "exc", "match"),
    [
        ((3, 2, 10.0, 1.0), {}, ValueError, "k must be"),  # k > n
        ((0, 2, 10.0, 1.0), {}, ValueError, "k must be"),
        ((1, 0, 10.0, 1.0), {}, ValueError, "n must be"),
        ((1.5, 2, 10.0, 1.0), {}, TypeError, "k must be"),
        ((1, 2.0, 10.0, 1.0), {}, TypeError, "n must be"),
        ((1, 2, math.nan, 1.0), {}, ValueError, "mttf"),
        ((1, 2, 10.0, 0.0), {}, ValueError, "mttr"),
        ((1, 2, 10.0, 1.0), {"repair_crews": 0}, ValueError, "repair_crews"),
        ((1, 2, 10.0, 1.0), {"repair_crews": 3}, ValueError, "repair_crews"),
        ((1, 1001, 10.0, 1.0), {}, ValueError, "n must be"),
        ((1, 200, 1e3, 1.0), {"repair_crews": 200}, ValueError, "double-precision"),  # U ≈ 1e-600
    ],
)
def test_k_of_n_bad_input(args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        rel.k_of_n_availability(*args, **kwargs)


@pytest.mark.parametrize(
    ("components", "exc", "match"),
    [
        ([], ValueError, "components"),
        ([0.5, 1.5], ValueError, r"components\[1\]"),
        ([math.nan], ValueError, r"components\[0\]"),
        ([-0.1], ValueError, r"components\[0\]"),
        ("0.9", TypeError, "components"),
        (0.9, TypeError, "components"),
        (["a"], TypeError, r"components\[0\]"),
    ],
)
def test_series_parallel_bad_input(components, exc, match):
    for fn in (rel.series_availability, rel.parallel_availability):
        with pytest.raises(exc, match=match):
            fn(components)
