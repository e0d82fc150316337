"""Welford moments and Student-t intervals against SciPy and by calibration."""

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from qsmcore import _core
from qsmcore.stats import ConfidenceInterval, mean_ci, student_t_quantile

scipy_stats = pytest.importorskip("scipy.stats")


@pytest.mark.parametrize("df", [1, 2, 3, 5, 10, 29, 100, 1000, 1e6, 0.5])
@pytest.mark.parametrize("p", [1e-12, 1e-6, 0.001, 0.025, 0.1, 0.4, 0.5, 0.6, 0.975, 0.999999])
def test_t_quantile_matches_scipy(p, df):
    expected = scipy_stats.t.ppf(p, df)
    assert student_t_quantile(p, df) == pytest.approx(expected, rel=1e-10, abs=1e-14)


@given(
    st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=2, max_size=300),
    st.floats(0.5, 0.999),
)
def test_interval_matches_scipy(values, confidence):
    x = np.array(values)
    ci = mean_ci(x, confidence)
    assert ci.n == x.size
    assert ci.mean == pytest.approx(x.mean(), rel=1e-12, abs=1e-9)
    assert ci.std == pytest.approx(x.std(ddof=1), rel=1e-9, abs=1e-9)
    if ci.std > 0:
        lo, hi = scipy_stats.t.interval(
            confidence, x.size - 1, loc=x.mean(), scale=scipy_stats.sem(x)
        )
        assume(np.isfinite(lo) and np.isfinite(hi))  # SciPy underflows for tiny spreads
        assert ci.low == pytest.approx(lo, rel=1e-9, abs=1e-6)
        assert ci.high == pytest.approx(hi, rel=1e-9, abs=1e-6)


def test_welford_is_stable_where_naive_sums_cancel():
    x = 1e9 + np.array([4.0, 7.0, 13.0, 16.0])
    n, mean, m2 = _core.welford(x, 1)
    assert (n, mean) == (4, 1e9 + 10.0)
    assert m2 / 3 == pytest.approx(30.0, rel=1e-12)


def test_thread_count_does_not_change_the_moments():
    x = np.random.default_rng(0).lognormal(size=1_000_001)
    one = _core.welford(x, 1)
    assert _core.welford(x, 2) == one
    assert _core.welford(x, 7) == one


def test_95_percent_intervals_cover_95_percent_of_the_time():
    # 4000 intervals from n=10 normal samples: coverage is Binomial(4000, 0.95),
    # sd 0.34%, so 4 sd is +-1.4%.
    rng = np.random.default_rng(12)
    samples = rng.normal(3.0, 2.0, size=(4000, 10))
    covered = sum(3.0 in mean_ci(row) for row in samples)
    assert abs(covered / 4000 - 0.95) < 4 * np.sqrt(0.95 * 0.05 / 4000)


def test_result_is_a_readable_frozen_dataclass():
    ci = mean_ci([1.0, 2.0, 3.0])
    assert isinstance(ci, ConfidenceInterval)
    assert ci.to_dict()["n"] == 3
    assert "95% CI, n=3" in str(ci)
    with pytest.raises(AttributeError):
        ci.mean = 0.0


@pytest.mark.parametrize(
    ("values", "confidence", "error", "match"),
    [
        ([1.0], 0.95, ValueError, "at least 2"),
        ([1.0, np.nan], 0.95, ValueError, "finite"),
        ([1.0, np.inf], 0.95, ValueError, "finite"),
        (["a", "b"], 0.95, TypeError, "numeric"),
        ([1.0, 2.0], 1.0, ValueError, "confidence"),
        ([1.0, 2.0], 0.0, ValueError, "confidence"),
        ([1.0, 2.0], "0.9", TypeError, "confidence"),
    ],
)
def test_bad_input(values, confidence, error, match):
    with pytest.raises(error, match=match):
        mean_ci(values, confidence)


def test_bad_quantile_arguments():
    with pytest.raises(ValueError, match="p must"):
        student_t_quantile(1.0, 3)
    with pytest.raises(ValueError, match="df must"):
        student_t_quantile(0.5, 0)
