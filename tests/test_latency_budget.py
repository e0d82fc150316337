"""Latency budget simulation: exact distributions of series sums, max, min and
k-of-N order statistics (KS tests against SciPy), determinism, bad input."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qsmcore import _core
from qsmcore import random as qrandom
from qsmcore.latency import budget, fanout, fanout_quantile, simulate

scipy_stats = pytest.importorskip("scipy.stats")

# KS tests at a fixed seed: the seed is fixed, so each test is deterministic; the
# threshold p > 1e-3 is what a correct sampler passes 99.9% of the time.
KS_P = 1e-3
N = 40_000


def totals(stages, n=N, seed=1, **kw):
    return simulate(stages, n, seed, **kw)[0]


def test_serial_stage_is_exactly_the_random_stream():
    # Request i, stage s draws from (index i, lane s): stage 0 is sample(dist, n, seed).
    d = qrandom.lognormal(mean=2.0, scv=1.0)
    got, table = simulate([d, "exp:3"], 1000, seed=5, per_stage=True)
    assert np.array_equal(table[:, 0], qrandom.sample(d, 1000, seed=5, backend="cpu"))
    k, p, data = qrandom.exponential(3.0)._kernel_args()
    from qsmcore._seed import philox_key

    lane1 = _core.sample(k, p, data, 1000, philox_key(5), 0, 1, 1)
    assert np.array_equal(table[:, 1], lane1)
    assert np.array_equal(got, table[:, 0] + table[:, 1])


def test_series_of_exponentials_is_erlang():
    x = totals(["exp:2", "exp:2", "exp:2"])
    assert scipy_stats.kstest(x, scipy_stats.gamma(3, scale=0.5).cdf).pvalue > KS_P


def test_series_of_mixed_components():
    # det:1 + uniform(0, 1): uniform on (1, 2).
    x = totals(["det:1", "uniform:0,1"])
    assert scipy_stats.kstest(x, scipy_stats.uniform(1, 1).cdf).pvalue > KS_P


@pytest.mark.parametrize("calls", [2, 8, 100])
def test_fanout_all_is_the_maximum(calls):
    lam = 1.5
    x = totals([fanout(f"exp:{lam}", calls)])
    assert scipy_stats.kstest(x, lambda t: (-np.expm1(-lam * t)) ** calls).pvalue > KS_P


def test_fanout_first_is_the_minimum():
    x = totals([fanout("exp:1", 7, k=1)])
    assert scipy_stats.kstest(x, scipy_stats.expon(scale=1 / 7).cdf).pvalue > KS_P


@pytest.mark.parametrize(("calls", "k"), [(10, 3), (10, 8), (5, 2), (64, 60), (4096, 2000)])
def test_k_of_n_is_a_beta_order_statistic(calls, k):
    # F(X_(k)) ~ Beta(k, N - k + 1) for the k-th smallest of N; F(t) = 1 - e^-t.
    n = N if calls < 1000 else 4000
    x = totals([fanout("exp:1", calls, k=k)], n=n)
    u = -np.expm1(-x)
    assert scipy_stats.kstest(u, scipy_stats.beta(k, calls - k + 1).cdf).pvalue > KS_P


@pytest.mark.parametrize("per_stage", [False, True])
def test_fast_path_equals_the_scalar_reference(per_stage):
    # budget_run (SIMD Philox, per-kind loops) against request_latency, the QSM_HD
    # per-request function a GPU thread runs.
    stages = [
        fanout("lognormal:mean=2,scv=1", 1),
        fanout("exp:1", 10, k=9),
        fanout("h2:p=0.3,rate1=1,rate2=5", 37),
        fanout("det:1", 3, k=2),
        fanout("empirical:1,2,5", 5, k=1),
        fanout("gamma:0.5,1", 17, k=4),
    ]
    args = [(*st.dist._kernel_args(), st.n, st.k) for st in stages]
    for start, n in [(0, 1000), (12_345, 777)]:
        fast = _core.latency_budget(args, 99, start, n, per_stage, 2)
        ref = _core.latency_budget(args, 99, start, n, per_stage, 1, reference=True)
        assert np.array_equal(fast[0], ref[0])
        if per_stage:
            assert np.array_equal(fast[1], ref[1])


def test_threads_and_splits_do_not_change_the_result():
    stages = ["lognormal:mean=2,scv=1", fanout("exp:1", 10, k=9), fanout("gamma:2,1", 3)]
    a = totals(stages, n=30_000, seed=9, threads=1)
    b = totals(stages, n=30_000, seed=9, threads=2)
    assert np.array_equal(a, b)
    first = totals(stages, n=12_345, seed=9)
    rest = totals(stages, n=30_000 - 12_345, seed=9, start=12_345)
    assert np.array_equal(np.concatenate([first, rest]), a)
    assert not np.array_equal(totals(stages, n=100, seed=10), a[:100])
    seq = np.random.SeedSequence(42)
    assert np.array_equal(totals(stages, n=100, seed=seq), totals(stages, n=100, seed=seq))


# The coverage tests below check several intervals at once; at confidence 0.999 each
# misses with probability <= 0.1%, so a correct kernel fails a test < 1% of the time.
CONF = 0.999


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2000), st.integers(1, 2000), st.integers(1, 50), st.integers(0, 2**32))
def test_any_split_gives_the_same_requests(start, n, calls, seed):
    stages = ["gamma:2,1", fanout("exp:1", calls, k=max(1, calls // 2))]
    whole = totals(stages, n=start + n, seed=seed)
    part = totals(stages, n=n, seed=seed, start=start)
    assert np.array_equal(whole[start:], part)


def test_budget_summary_covers_the_exact_answers():
    # Series: lognormal (mean 2) + wait for all of 10 exp(1) calls (mean H_10).
    stages = ["lognormal:mean=2,scv=1", fanout("exp:1", 10)]
    r = budget(stages, n=200_000, seed=3, confidence=CONF)
    h10 = sum(1 / i for i in range(1, 11))
    assert 2 + h10 in r.mean
    s0, s1 = r.stage_summaries
    assert 2.0 in s0.mean and h10 in s1.mean
    assert fanout_quantile("exp:1", 10, 0.99) in s1.p99
    assert qrandom.lognormal(mean=2.0, scv=1.0).to_scipy().ppf(0.99) in s0.p99
    assert r.n == 200_000 and r.samples is None
    assert [e.q for e in r.percentiles] == [0.5, 0.95, 0.99, 0.999]
    assert "fanout" in str(r) and r.to_dict()["stage_summaries"][1]["label"].startswith("fanout")


def test_budget_percentile_covers_the_erlang_quantile():
    r = budget(["exp:1"] * 4, n=100_000, quantiles=(0.5, 0.99), confidence=CONF, keep_samples=True)
    for q in (0.5, 0.99):
        assert scipy_stats.gamma(4).ppf(q) in r.percentiles[q]
    assert r.samples.shape == (100_000,)
    assert r.quantile(0.5) == np.quantile(r.samples, 0.5, method="inverted_cdf")


def test_k_of_n_quantile_matches_the_closed_form():
    r = budget(
        [fanout("exp:1", 20, k=15)], n=100_000, quantiles=0.99, confidence=CONF, per_stage=False
    )
    assert fanout_quantile("exp:1", 20, 0.99, k=15) in r.percentiles[0.99]
    assert r.stage_summaries is None


@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        (lambda: fanout("exp:1", 0), ValueError, "n"),
        (lambda: fanout("exp:1", 4097), ValueError, "n"),
        (lambda: fanout("exp:1", 2.5), ValueError, "n"),
        (lambda: fanout("exp:1", 10, k=0), ValueError, "k"),
        (lambda: fanout("exp:1", 10, k=11), ValueError, "k"),
        (lambda: fanout("exp:-1", 10), ValueError, "rate"),
        (lambda: budget([], n=10), ValueError, "stages"),
        (lambda: budget("exp:1", n=10), TypeError, "stages"),
        (lambda: budget([None], n=10), TypeError, r"stages\[0\]"),
        (lambda: budget(["exp:1", "nonsense:3"], n=10), ValueError, r"stages\[1\]"),
        (lambda: budget(["exp:1"], n=0), ValueError, "n"),
        (lambda: budget(["exp:1"], n=2**30 + 1), ValueError, "n"),
        (lambda: budget(["exp:1"], n=float("nan")), ValueError, "n"),
        (lambda: budget(["exp:1"], n=10, seed=-1), ValueError, "seed"),
        (lambda: budget(["exp:1"], n=10, threads=0), ValueError, "threads"),
        (lambda: budget(["exp:1"], n=10, quantiles=(0.5, 1.5)), ValueError, "quantiles"),
        (lambda: budget(["exp:1"], n=10, confidence=2), ValueError, "confidence"),
        (lambda: budget(["exp:1"], n=10, start=-1), ValueError, "start"),
        (lambda: budget(["exp:1"], n=10, start=2**40), ValueError, "start"),
        (lambda: budget(["exp:1"] * 3, n=2**27), ValueError, "per_stage"),
    ],
)
def test_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_float_request_counts_like_1e5_are_accepted():
    assert budget(["exp:1"], n=1e3, per_stage=False).n == 1000
    assert math.isfinite(budget(["det:2"], n=1).mean.mean)
