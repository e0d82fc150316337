"""Durability of replicated / erasure-coded storage: exact limits, the first-order
closed form, MTTDL, the two matrix exponentials against each other, a Monte Carlo of the
same Markov model, properties and bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import binom

import qsmcore.reliability as rel

YEAR = 8766.0


def _lam(afr: float) -> float:
    return -math.log1p(-afr) / YEAR


# --------------------------------------------------------------------------- exact limits


@pytest.mark.parametrize("afr", [1e-4, 0.02, 0.5, 0.9])
def test_one_copy_loses_with_probability_afr(afr):
    # one fragment, no redundancy: P(lifetime < 1 year) = AFR under the probability convention
    assert rel.durability(1, afr, 24).loss_probability == pytest.approx(afr, rel=1e-12)
    assert rel.durability(1, afr, 24, afr_convention="rate").loss_probability == pytest.approx(
        -math.expm1(-afr), rel=1e-12
    )


@pytest.mark.parametrize(("scheme", "k", "m"), [(3, 1, 2), ("RS(10,4)", 10, 4), ((6, 3), 6, 3)])
def test_without_repair_the_loss_is_binomial(scheme, k, m):
    # repair slower than the universe's age: fragments fail independently with prob. AFR
    afr = 0.1
    r = rel.durability(scheme, afr, repair_hours=1e15)
    assert r.loss_probability == pytest.approx(binom.sf(m, k + m, afr), rel=1e-6)


# --------------------------------------------------------------------------- closed forms


@pytest.mark.parametrize("repair", ["serial", "parallel"])
@pytest.mark.parametrize(("scheme", "k", "m"), [(3, 1, 2), (4, 1, 3), ("RS(10,4)", 10, 4)])
def test_first_order_closed_form(scheme, k, m, repair):
    # Loss needs m+1 failures to pile up before repairs. Leading order in λ/μ the loss
    # rate is the flow along 0 → 1 → ... → m+1: (nλ) Π_{i=1..m} [(n-i)λ / a_i], a_i the
    # repair rate in state i (μ serial, iμ parallel), i.e.
    #   serial:   n!/(k-1)! · λ^{m+1} / μ^m      (n replicas: n! λ^n / μ^{n-1})
    #   parallel: the same divided by m!         (n replicas: n λ^n / μ^{n-1})
    # and p ≈ T × rate. Errors: O(nλ/μ) ≈ 1e-4 and the O(1/(μT)) ≈ 0.3% start-up delay.
    afr, hours = 0.02, 24.0
    lam, mu, n = _lam(afr), 1.0 / hours, k + m
    rate = math.factorial(n) / math.factorial(k - 1) * lam ** (m + 1) / mu**m
    if repair == "parallel":
        rate /= math.factorial(m)
    r = rel.durability(scheme, afr, hours, repair=repair)
    assert r.loss_probability == pytest.approx(rate * YEAR, rel=0.01)
    assert YEAR / r.mttdl_hours == pytest.approx(rate * YEAR, rel=0.01)


@pytest.mark.parametrize("afr", [0.5, 0.02, 1e-5])
def test_mttdl_of_two_replicas(afr):
    # two copies, repair μ: the 1-of-2 first passage time (3λ + μ) / (2λ²)
    lam, mu = _lam(afr), 1 / 48.0
    r = rel.durability(2, afr, 48.0)
    assert r.mttdl_hours == pytest.approx((3 * lam + mu) / (2 * lam**2), rel=1e-12)


@pytest.mark.parametrize(
    ("scheme", "afr", "hours"),
    [(5, 0.02, 24), (6, 0.01, 24), (8, 0.01, 12), ("RS(10,4)", 1e-3, 1), (10, 1e-3, 1)],
)
def test_tiny_loss_probabilities(scheme, afr, hours):
    # 1e-17 .. 1e-65: the entrywise-accurate exponential, SciPy's expm and T/MTTDL
    # (a sum of positive terms) must tell the same story.
    a = rel.durability(scheme, afr, hours)
    u = rel.durability(scheme, afr, hours, method="uniformization")
    assert 0 < a.loss_probability < 1e-16
    assert a.loss_probability == pytest.approx(u.loss_probability, rel=1e-8)
    # rare loss: absorption is nearly exponential after an O(1/μ) start-up
    assert a.loss_probability == pytest.approx(YEAR / a.mttdl_hours, rel=0.02)
    assert a.nines == pytest.approx(-math.log10(a.loss_probability))


def test_very_fast_repair():
    # repair in 3.6 ms: Λ T ≈ 1e10, 30 squarings; both exponentials stay within 1e-4 of
    # T / MTTDL (exact to ~1e-10 here: the start-up transient lasts milliseconds)
    for method in ("expm", "uniformization"):
        r = rel.durability(3, 0.02, 1e-6, method=method)
        assert r.loss_probability == pytest.approx(YEAR / r.mttdl_hours, rel=1e-4)


def test_methods_agree_at_moderate_probabilities():
    for scheme in (2, 3, "RS(4,2)", "RS(10,4)"):
        for repair in ("serial", "parallel"):
            a = rel.durability(scheme, 0.3, 500, repair=repair)
            u = rel.durability(scheme, 0.3, 500, repair=repair, method="uniformization")
            assert a.loss_probability == pytest.approx(u.loss_probability, rel=1e-10)


# --------------------------------------------------------------------------- Monte Carlo


def _simulate_losses(n, m, afr, hours, serial, trials, seed):
    """Event-driven simulation of n fragments, each with its own exponential clock.

    Up fragments fail at λ; failed ones are rebuilt at μ each (parallel) or one at a
    time (serial: only the lowest-index failed fragment is being repaired). The next
    event is the earliest clock (memorylessness lets every clock be redrawn each step).
    Returns the number of trials with more than m fragments down at once within a year.
    """
    rng = np.random.default_rng(seed)
    lam, mu = _lam(afr), 1.0 / hours
    down = np.zeros((trials, n), dtype=bool)
    t = np.zeros(trials)
    active = np.arange(trials)
    lost = 0
    while active.size:
        d = down[active]
        rate = np.where(d, mu, lam)
        if serial:  # only the first failed fragment is under repair
            first = np.argmax(d, axis=1)
            waiting = d.copy()
            waiting[np.arange(d.shape[0]), first] = False
            rate = np.where(waiting, 0.0, rate)
        with np.errstate(divide="ignore"):
            clocks = rng.exponential(1.0, size=d.shape) / rate
        which = np.argmin(clocks, axis=1)
        t[active] += clocks[np.arange(d.shape[0]), which]
        ended = t[active] > YEAR
        down[active, which] ^= ~ended  # the event happens only inside the year
        dead = (~ended) & (down[active].sum(axis=1) > m)
        lost += int(dead.sum())
        active = active[~(ended | dead)]
    return lost


@pytest.mark.parametrize(
    ("scheme", "k", "m", "repair"),
    [(3, 1, 2, "parallel"), (3, 1, 2, "serial"), ("RS(4,2)", 4, 2, "parallel")],
)
def test_monte_carlo_agrees(scheme, k, m, repair):
    # AFR 50%, 2000 h repair: loss is a few percent per year, so 100k simulated years
    # estimate it to ~3% relative; accept 4 binomial standard errors (two-sided 6e-5).
    afr, hours, trials = 0.5, 2000.0, 100_000
    p = rel.durability(scheme, afr, hours, repair=repair).loss_probability
    losses = _simulate_losses(k + m, m, afr, hours, repair == "serial", trials, seed=63)
    se = math.sqrt(p * (1 - p) / trials)
    assert abs(losses / trials - p) < 4 * se, (losses / trials, p, se)


# --------------------------------------------------------------------------- many objects


def test_objects_independent_and_correlated():
    p = rel.durability(3, 0.05, 72).loss_probability
    ind = rel.durability(3, 0.05, 72, objects=10**9)
    cor = rel.durability(3, 0.05, 72, objects=10**9, groups=1)
    mid = rel.durability(3, 0.05, 72, objects=10**9, groups=1000)
    assert ind.expected_objects_lost == pytest.approx(1e9 * p)
    assert cor.expected_objects_lost == pytest.approx(1e9 * p)  # linearity: any dependence
    assert ind.p_any_object_lost == pytest.approx(-math.expm1(1e9 * math.log1p(-p)))
    assert cor.p_any_object_lost == pytest.approx(p)
    assert mid.p_any_object_lost == pytest.approx(1 - (1 - p) ** 1000, rel=1e-10)
    assert cor.p_any_object_lost < mid.p_any_object_lost < ind.p_any_object_lost


def test_schemes_parse_and_result_api():
    assert rel.storage_scheme(3) == (1, 2)
    assert rel.storage_scheme("3x") == (1, 2)
    assert rel.storage_scheme("3 replicas") == (1, 2)
    assert rel.storage_scheme("RS(10,4)") == (10, 4)
    assert rel.storage_scheme("rs(10, 4)") == (10, 4)
    assert rel.storage_scheme("10+4") == (10, 4)
    assert rel.storage_scheme((10, 4)) == (10, 4)
    r = rel.durability("RS(10,4)", 0.02, 24, objects=1000)
    assert r.scheme == "RS(10,4)" and r.data_fragments == 10 and r.parity_fragments == 4
    assert repr(r).startswith("DurabilityResult(scheme='RS(10,4)'")
    d = r.to_dict()
    assert d["objects"] == 1000 and d["loss_probability"] == r.loss_probability
    with pytest.raises(AttributeError):
        r.nines = 11  # type: ignore[misc]


# --------------------------------------------------------------------------- properties


@settings(max_examples=30)
@given(
    n=st.integers(1, 6),
    afr=st.floats(min_value=1e-3, max_value=0.9),
    hours=st.floats(min_value=1.0, max_value=5000.0),
)
def test_monotone_in_replicas_repair_and_afr(n, afr, hours):
    p = rel.durability(n, afr, hours).loss_probability
    assert rel.durability(n + 1, afr, hours).loss_probability <= p * (1 + 1e-9)
    assert rel.durability(n, afr, hours * 2).loss_probability >= p * (1 - 1e-9)
    assert rel.durability(n, min(afr * 1.05, 0.99), hours).loss_probability >= p * (1 - 1e-9)
    assert rel.durability(n, afr, hours, repair="serial").loss_probability >= p * (1 - 1e-9)


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("args", "kwargs", "exc", "match"),
    [
        ((3, 0.0, 24), {}, ValueError, "afr"),
        ((3, 1.0, 24), {}, ValueError, "afr"),
        ((3, -0.1, 24), {}, ValueError, "afr"),
        ((3, math.nan, 24), {}, ValueError, "afr"),
        ((3, "2%", 24), {}, TypeError, "afr"),
        ((3, 0.02, 0), {}, ValueError, "repair_hours"),
        ((3, 0.02, math.inf), {}, ValueError, "repair_hours"),
        ((0, 0.02, 24), {}, ValueError, "scheme"),
        ((3.0, 0.02, 24), {}, TypeError, "scheme"),
        (("RS(10)", 0.02, 24), {}, ValueError, "scheme"),
        (((0, 4), 0.02, 24), {}, ValueError, "data fragments"),
        (((10, -1), 0.02, 24), {}, ValueError, "parity fragments"),
        (((10, 4, 1), 0.02, 24), {}, ValueError, "scheme"),
        ((3, 0.02, 24), {"objects": 0}, ValueError, "objects"),
        ((3, 0.02, 24), {"objects": 1.5}, TypeError, "objects"),
        ((3, 0.02, 24), {"objects": 10, "groups": 11}, ValueError, "groups"),
        ((3, 0.02, 24), {"repair": "fast"}, ValueError, "repair"),
        ((3, 0.02, 24), {"afr_convention": "percent"}, ValueError, "afr_convention"),
        ((3, 0.02, 24), {"mission_hours": -1.0}, ValueError, "mission_hours"),
        ((3, 0.02, 24), {"method": "pade"}, ValueError, "method"),
        ((3, -2.0, 24), {"afr_convention": "rate"}, ValueError, "afr"),
        ((3, 1e-300, 1.0), {}, ValueError, "below 1e-300"),  # no confident zero
    ],
)
def test_bad_input(args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        rel.durability(*args, **kwargs)


def test_rate_convention_accepts_afr_above_one():
    r = rel.durability(3, 1.5, 24, afr_convention="rate")
    assert r.failure_rate == pytest.approx(1.5 / YEAR)
