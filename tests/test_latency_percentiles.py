"""Percentiles with order-statistic confidence intervals: exact ranks (against
scipy.stats.binom), known answers, calibration, and bad input."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qsmcore import random as qrandom
from qsmcore.latency import min_samples, order_ranks, percentiles

scipy_stats = pytest.importorskip("scipy.stats")


def scipy_ranks(n, q, alpha):
    """The defining ranks, computed independently with SciPy."""
    ks = np.arange(0, n + 2)
    below = scipy_stats.binom.cdf(ks - 1, n, q)  # P(B < k)
    at_least = scipy_stats.binom.sf(ks - 1, n, q)  # P(B >= k)
    lower = int(ks[: n + 1][below[: n + 1] <= alpha].max())
    upper = int(ks[1:][at_least[1:] <= alpha].min())
    return lower, upper


@pytest.mark.parametrize("n", [1, 2, 5, 20, 100, 101, 1000, 5000])
@pytest.mark.parametrize("q", [0.01, 0.25, 0.5, 0.9, 0.99, 0.999])
@pytest.mark.parametrize("confidence", [0.8, 0.95, 0.99])
def test_ranks_match_scipy_binomial(n, q, confidence):
    low, high, coverage = order_ranks(n, q, confidence)
    alpha = 1 - confidence
    l2, u2 = scipy_ranks(n, q, alpha / 2)
    if 1 <= l2 and u2 <= n:  # two-sided: equal tails
        assert (low, high) == (l2, u2)
    else:  # one-sided: the bounded end gets all of alpha, the other is infinite
        assert low == 0 or high == n + 1
        if high == n + 1 and low > 0:
            assert low == scipy_ranks(n, q, alpha)[0]
        if low == 0 and high <= n:
            assert high == scipy_ranks(n, q, alpha)[1]
    exact = scipy_stats.binom.cdf(high - 1, n, q) - scipy_stats.binom.cdf(low - 1, n, q)
    assert coverage == pytest.approx(exact, abs=1e-11)
    assert coverage >= confidence - 1e-12


def test_known_answer_five_samples():
    # B ~ Bin(5, 1/2): P(B = 0) = 1/32 <= 0.05 < P(B <= 1) = 6/32, so l = 1 and u = 5,
    # coverage F(4) - F(0) = 30/32.
    r = percentiles([3, 1, 4, 1, 5], q=0.5, confidence=0.9)
    e = r[0.5]
    assert (e.value, e.low, e.high) == (3.0, 1.0, 5.0)
    assert (e.low_rank, e.high_rank) == (1, 5)
    assert e.coverage == pytest.approx(30 / 32, abs=1e-14)
    assert e.bounded and e.sided == "two-sided"


def test_p999_of_100_samples_is_honestly_one_sided():
    x = np.arange(1.0, 101.0)  # x_(k) = k
    e = percentiles(x, q=0.999)[0.999]
    assert e.high == math.inf and not e.bounded and e.sided == "lower bound only"
    # P(B < 99) = 1 - 0.999^100 - 100 * 0.999^99 * 0.001 ~ 0.0046 <= 0.05 < P(B < 100) ~ 0.095
    assert e.low_rank == 99 and e.low == 99.0
    assert e.coverage == pytest.approx(0.999**100 + 100 * 0.999**99 * 0.001, rel=1e-12)
    assert e.value == 100.0  # x_(ceil(99.9))
    assert "too small" in str(e)


def test_one_sample_gives_an_unbounded_interval():
    e = percentiles([2.5], q=0.5)[0.5]
    assert (e.value, e.low, e.high, e.coverage) == (2.5, -math.inf, math.inf, 1.0)
    assert e.sided == "unbounded"


def test_low_quantile_of_few_samples_is_upper_bound_only():
    e = percentiles(np.arange(1.0, 21.0), q=0.01)[0.01]
    assert e.low == -math.inf and e.high_rank <= 20 and e.sided == "upper bound only"


def test_min_samples():
    # Two-sided needs q^n <= alpha/2: n >= ln(0.025) / ln(0.999) = 3687.1
    assert min_samples(0.999, 0.95) == 3688
    assert min_samples(0.5, 0.95) == 6  # 0.5^6 = 0.0156 <= 0.025 < 0.5^5
    for q in (0.9, 0.99, 0.999):
        n = min_samples(q)
        assert percentiles(np.arange(float(n)), q)[q].bounded
        assert not percentiles(np.arange(float(n - 1)), q)[q].bounded


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(-1e9, 1e9, allow_nan=False), min_size=1, max_size=400),
    st.floats(0.001, 0.999),
)
def test_point_estimate_is_the_inverted_cdf_quantile(values, q):
    x = np.array(values)
    e = percentiles(x, q)[q]
    assert e.value == np.quantile(x, q, method="inverted_cdf")
    s = np.sort(x)
    if e.low_rank >= 1:
        assert e.low == s[e.low_rank - 1]
    if e.high_rank <= x.size:
        assert e.high == s[e.high_rank - 1]
    assert e.low <= e.value <= e.high


def test_input_is_not_modified_and_any_shape_is_flattened():
    x = np.array([[5.0, 1.0], [3.0, 2.0]])
    before = x.copy()
    r = percentiles(x, (0.5,))
    assert np.array_equal(x, before)
    assert r.n == 4 and r[0.5].value == 2.0
    assert percentiles([1, 2, 3], 0.5)[0.5].value == 2.0  # ints are fine


@pytest.mark.parametrize(
    ("name", "dist", "exact"),
    [
        ("exp", qrandom.exponential(rate=1.0), lambda q: -math.log1p(-q)),
        (
            "lognormal",
            qrandom.lognormal(mu=0.0, sigma=1.0),
            lambda q: math.exp(scipy_stats.norm.ppf(q)),
        ),
    ],
)
def test_calibration_over_many_seeds(name, dist, exact):
    # R = 1500 independent runs of n = 600 draws (run r = seed r). For each q the
    # exact coverage c is known, so the number of covering runs is Bin(R, c):
    # accept within 4 standard deviations, and c itself must be in [0.95, 0.99].
    runs, n = 1500, 600
    qs = (0.5, 0.9, 0.99)
    hits = dict.fromkeys(qs, 0)
    for seed in range(runs):
        x = qrandom.sample(dist, n, seed=seed, backend="cpu")
        for e in percentiles(x, qs):
            hits[e.q] += exact(e.q) in e
    for q in qs:
        _, _, c = order_ranks(n, q, 0.95)
        assert 0.95 <= c <= 0.99
        sd = math.sqrt(runs * c * (1 - c))
        assert abs(hits[q] - runs * c) <= 4 * sd, (name, q, hits[q] / runs, c)
        assert 0.90 <= hits[q] / runs <= 0.99


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"samples": []}, ValueError, "samples"),
        ({"samples": [1.0, float("nan")]}, ValueError, "NaN"),
        ({"samples": ["a", "b"]}, TypeError, "samples"),
        ({"samples": "123"}, TypeError, "samples"),
        ({"samples": [1, 2], "q": 1.0}, ValueError, "q"),
        ({"samples": [1, 2], "q": 0.0}, ValueError, "q"),
        ({"samples": [1, 2], "q": (0.5, float("nan"))}, ValueError, "q"),
        ({"samples": [1, 2], "q": ()}, ValueError, "q"),
        ({"samples": [1, 2], "q": "0.5"}, TypeError, "q"),
        ({"samples": [1, 2], "confidence": 1.0}, ValueError, "confidence"),
        ({"samples": [1, 2], "confidence": -0.5}, ValueError, "confidence"),
        ({"samples": [1, 2], "confidence": True}, TypeError, "confidence"),
    ],
)
def test_bad_input(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        percentiles(**kwargs)


def test_result_types():
    r = percentiles(np.arange(1000.0))
    d = r.to_dict()
    assert d["n"] == 1000 and len(d["estimates"]) == 4
    assert d["estimates"][0]["bounded"] is True
    assert "P99.9" in str(r) and "P50" in str(r)
    with pytest.raises(KeyError):
        r[0.75]
    with pytest.raises(AttributeError):
        r.n = 3  # frozen
