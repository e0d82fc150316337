"""Fan-out tail math against exact formulas (SciPy) and the simulation."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qsmcore import random as qrandom
from qsmcore.latency import fanout, fanout_probability, fanout_quantile, fanout_table, simulate

scipy_stats = pytest.importorskip("scipy.stats")


@given(st.floats(0.0, 1.0), st.integers(1, 2000))
def test_all_of_n_is_p_to_the_n(p, n):
    assert fanout_probability(p, n) == pytest.approx(p**n, rel=1e-12, abs=1e-300)


@pytest.mark.parametrize(
    ("p", "n", "k"), [(0.99, 100, 99), (0.9, 10, 8), (0.5, 7, 1), (0.3, 50, 20)]
)
def test_k_of_n_is_a_binomial_tail(p, n, k):
    assert fanout_probability(p, n, k) == pytest.approx(
        scipy_stats.binom.sf(k - 1, n, p), rel=1e-10
    )


@pytest.mark.parametrize("n", [1, 10, 100, 1000])
@pytest.mark.parametrize("q", [0.5, 0.99, 0.999])
def test_quantile_of_the_max_of_exponentials(n, q):
    lam = 2.0
    assert fanout_quantile(f"exp:{lam}", n, q) == pytest.approx(
        -math.log1p(-(q ** (1 / n))) / lam, rel=1e-9
    )


@pytest.mark.parametrize(("n", "k"), [(10, 9), (10, 1), (100, 95), (7, 4)])
def test_k_of_n_quantile_inverts_the_beta_order_statistic(n, k):
    d = qrandom.lognormal(mean=2.0, scv=1.0)
    expected = d.to_scipy().ppf(scipy_stats.beta(k, n - k + 1).ppf(0.99))
    assert fanout_quantile(d, n, 0.99, k=k) == pytest.approx(expected, rel=1e-8)


def test_quantile_for_distributions_without_a_scipy_twin():
    d = qrandom.hyperexponential(mean=1.0, scv=4.0)
    t = fanout_quantile(d, 10, 0.99)
    assert d.cdf(t) ** 10 == pytest.approx(0.99, abs=1e-12)
    assert fanout_quantile("det:3", 50, 0.99) == pytest.approx(3.0, abs=1e-12)


def test_closed_form_agrees_with_the_simulation():
    stage = fanout("weibull:shape=0.7,scale=1", 30)
    x = simulate([stage], 200_000, seed=8)[0]
    t = fanout_quantile(stage.dist, 30, 0.99)
    # P(X <= t) = 0.99: the empirical fraction is Bin(n, 0.99)/n; 4 standard errors.
    se = math.sqrt(0.99 * 0.01 / x.size)
    assert abs(np.mean(x <= t) - 0.99) <= 4 * se


def test_classic_table():
    rows = fanout_table("exp:1", n=(1, 100), q=0.99)
    one, hundred = rows
    assert one.request_quantile == pytest.approx(math.log(100), rel=1e-12)
    assert one.amplification == pytest.approx(1.0)
    assert hundred.p_slow == pytest.approx(1 - 0.99**100, rel=1e-12)  # ~63.4%
    assert hundred.p_all_fast == pytest.approx(0.99**100)
    assert hundred.call_level == pytest.approx(0.99 ** (1 / 100))  # ~ P99.99
    assert hundred.request_quantile == pytest.approx(-math.log1p(-(0.99**0.01)), rel=1e-9)
    bare = fanout_table(n=[10])[0]
    assert math.isnan(bare.request_quantile) and bare.to_dict()["n"] == 10


@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        (lambda: fanout_probability(1.5, 3), ValueError, "p"),
        (lambda: fanout_probability(float("nan"), 3), ValueError, "p"),
        (lambda: fanout_probability(0.5, 0), ValueError, "n"),
        (lambda: fanout_probability(0.5, 3, k=4), ValueError, "k"),
        (lambda: fanout_probability("0.5", 3), TypeError, "p"),
        (lambda: fanout_quantile("exp:1", 10, 1.0), ValueError, "q"),
        (lambda: fanout_quantile("exp:1", 10, 0.5, k=0), ValueError, "k"),
        (lambda: fanout_quantile("bogus", 10), ValueError, "bogus"),
        (lambda: fanout_table(n=[]), ValueError, "n"),
        (lambda: fanout_table(n=[0]), ValueError, "n"),
    ],
)
def test_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
