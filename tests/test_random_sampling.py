"""qsmcore.random.sample: the compiled sampler's statistics, stream layout and
determinism (split, thread and seed invariance), and its bad-input checks."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.stats as st
from hypothesis import given, settings
from hypothesis import strategies as hs

import qsmcore.random as qr
from qsmcore._seed import philox_key

N = 200_000
EMP_VALUES = [0.5, 1.0, 1.0, 2.0, 7.25, -3.0]

CASES = [
    qr.deterministic(1.5),
    qr.uniform(-1.0, 3.0),
    qr.exponential(2.0),
    qr.erlang(3, 2.0),  # product-of-uniforms path
    qr.erlang(16, 4.0),  # largest product path
    qr.erlang(40, mean=8.0),  # gamma path
    qr.gamma(0.4, scale=2.0),  # boosted shape < 1
    qr.gamma(1.0, scale=1.0),
    qr.gamma(2.5, scale=0.5),
    qr.gamma(1000.0, scale=1e-3),
    qr.normal(1.0, 2.0),
    qr.lognormal(mean=1.0, scv=4.0),
    qr.lognormal(mu=0.0, sigma=0.5),
    qr.weibull(0.7, 2.0),
    qr.weibull(2.5, 1.0),
    qr.pareto(3.5, 1.0),
    qr.pareto(1.5, 2.0),  # infinite variance
    qr.pareto(0.8, 1.0),  # infinite mean
    qr.hyperexponential(1.0, 4.0),
    qr.hyperexponential(p=0.3, rate1=1.0, rate2=5.0),
    qr.empirical(EMP_VALUES),
]


def draw(d, n=N, seed=12345, **kw):
    return qr.sample(d, n, seed=seed, backend="cpu", **kw)


def in_support(d, x):
    if isinstance(d, qr.Deterministic):
        return x == d.value
    if isinstance(d, qr.Uniform):
        return (d.low < x) & (x < d.high)
    if isinstance(d, qr.Normal):
        return np.isfinite(x)
    if isinstance(d, qr.Pareto):
        return x >= d.xm
    if isinstance(d, qr.Empirical):
        return np.isin(x, d.values)
    return x > 0  # exponential, erlang, gamma, lognormal, weibull, hyperexponential


@pytest.mark.parametrize("d", CASES, ids=str)
def test_values_are_finite_and_in_support(d):
    x = draw(d, seed=7)
    assert x.dtype == np.float64 and x.shape == (N,) and x.flags.c_contiguous
    assert np.all(np.isfinite(x))
    assert np.all(in_support(d, x))


@pytest.mark.parametrize("d", CASES, ids=str)
def test_sample_mean_within_5_standard_errors(d):
    if not math.isfinite(d.variance):
        pytest.skip("infinite variance: no standard error")
    x = draw(d, seed=11)
    se = math.sqrt(d.variance / N)
    assert abs(x.mean() - d.mean) <= 5 * se + 1e-12 * abs(d.mean)


@pytest.mark.parametrize("d", [c for c in CASES if not isinstance(c, qr.Empirical)], ids=str)
def test_kolmogorov_smirnov_against_exact_cdf(d):
    x = draw(d, seed=23)
    if isinstance(d, qr.Deterministic):
        assert np.all(x == d.value)
        return
    res = st.kstest(x, d.cdf)
    assert res.pvalue > 1e-4, (str(d), res)


def test_empirical_frequencies_chi_square():
    d = qr.empirical(EMP_VALUES)
    x = draw(d, seed=29)
    support, counts = np.unique(d.values, return_counts=True)
    observed = np.array([np.count_nonzero(x == v) for v in support])
    assert observed.sum() == N
    res = st.chisquare(observed, N * counts / counts.sum())
    assert res.pvalue > 1e-4, res


def test_empirical_large_population_is_uniform_over_indices():
    values = np.arange(1000, dtype=np.float64)  # n not a power of two: masked rejection
    x = draw(qr.empirical(values), seed=31)
    observed = np.bincount(x.astype(np.int64), minlength=1000)
    assert st.chisquare(observed).pvalue > 1e-4


# --------------------------------------------------------------------------- stream layout

_MASK = 0xFFFFFFFF


def _philox4x32_10(ctr, key):
    c0, c1, c2, c3 = ctr
    k0, k1 = key
    for r in range(10):
        if r:
            k0, k1 = (k0 + 0x9E3779B9) & _MASK, (k1 + 0xBB67AE85) & _MASK
        p0, p1 = 0xD2511F53 * c0, 0xCD9E8D57 * c2
        c0, c1, c2, c3 = (p1 >> 32) ^ c1 ^ k0, p1 & _MASK, (p0 >> 32) ^ c3 ^ k1, p0 & _MASK
    return c0, c1, c2, c3


def _reference_uniforms(key, index, lane=0):
    """Pure-Python DrawRng: the uniforms of draw ``index`` (see philox.hpp)."""
    block = 0
    while True:
        v = _philox4x32_10((block, lane, index & _MASK, index >> 32), (key & _MASK, key >> 32))
        for j in (0, 2):
            k = (v[j] | (v[j + 1] << 32)) >> 11
            yield k * 2.0**-53 if k else 2.0**-54
        block += 1


@pytest.mark.parametrize("start", [0, 1000, 2**32 - 2, 2**40 + 5, 2**64 - 4])
def test_draw_i_is_stream_position_start_plus_i(start):
    key = philox_key(99)
    got_exp = qr.sample(qr.exponential(2.0), 4, seed=99, start=start, backend="cpu")
    got_uni = qr.sample(qr.uniform(1.0, 3.0), 4, seed=99, start=start, backend="cpu")
    for i in range(4):
        u = next(_reference_uniforms(key, start + i))
        assert got_exp[i] == pytest.approx(-math.log(u) / 2.0, rel=1e-14)
        assert got_uni[i] == pytest.approx(1.0 + 2.0 * u, rel=1e-14)


# --------------------------------------------------------------------------- determinism

SPLIT_DISTS = [
    qr.exponential(1.0),
    qr.gamma(0.3, scale=1.0),
    qr.erlang(50, 1.0),
    qr.normal(0.0, 1.0),
    qr.uniform(0.0, 1.0),
    qr.empirical([1.0, 2.0, 3.0]),
    qr.hyperexponential(1.0, 10.0),
]


@settings(max_examples=60, deadline=None)
@given(
    d=hs.sampled_from(SPLIT_DISTS),
    n=hs.integers(0, 400),
    data=hs.data(),
    seed=hs.integers(0, 2**64),
)
def test_split_invariance(d, n, data, seed):
    start = data.draw(hs.integers(0, 2**64 - n), label="start")
    k = data.draw(hs.integers(0, n), label="k")
    whole = qr.sample(d, n, seed=seed, start=start, backend="cpu")
    head = qr.sample(d, k, seed=seed, start=start, backend="cpu")
    tail = qr.sample(d, n - k, seed=seed, start=start + k, backend="cpu")
    joined = np.concatenate([head, tail])
    assert joined.view(np.uint64).tolist() == whole.view(np.uint64).tolist()


@pytest.mark.parametrize("d", [*SPLIT_DISTS, qr.lognormal(mean=1.0, scv=4.0)], ids=str)
def test_thread_invariance(d):
    n = 300_000  # several parallel chunks
    ref = qr.sample(d, n, seed=5, start=17, backend="cpu", threads=1).view(np.uint64)
    for threads in (2, 8):
        got = qr.sample(d, n, seed=5, start=17, backend="cpu", threads=threads).view(np.uint64)
        assert np.array_equal(got, ref), threads
    auto = qr.sample(d, n, seed=5, start=17, backend="cpu").view(np.uint64)
    assert np.array_equal(auto, ref)


def test_seeds_select_streams():
    d = qr.exponential(1.0)
    a = draw(d, 1000, seed=1)
    assert np.array_equal(a, draw(d, 1000, seed=1))
    b = draw(d, 1000, seed=2)
    assert np.count_nonzero(a == b) == 0
    ss = np.random.SeedSequence(1)
    assert np.array_equal(draw(d, 1000, seed=ss), a)  # an int seed means SeedSequence(seed)
    c1, c2 = np.random.SeedSequence(1).spawn(2)
    x1, x2 = draw(d, 1000, seed=c1), draw(d, 1000, seed=c2)
    assert np.count_nonzero(x1 == x2) == 0 and np.count_nonzero(x1 == a) == 0
    assert np.array_equal(x1, draw(d, 1000, seed=np.random.SeedSequence(1).spawn(1)[0]))


def test_accepts_strings_numbers_and_small_jobs():
    assert np.array_equal(draw("exp:2", 100), draw(qr.exponential(2.0), 100))
    assert np.all(draw(3.0, 10) == 3.0)
    empty = draw(qr.exponential(1.0), 0)
    assert empty.dtype == np.float64 and empty.shape == (0,)
    auto = qr.sample(qr.exponential(1.0), 1000, seed=3, backend="auto")
    assert np.array_equal(auto, draw(qr.exponential(1.0), 1000, seed=3))
    assert draw(qr.exponential(1.0), 1, start=2**64 - 1).shape == (1,)


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"n": -1}, ValueError, r"\bn\b"),
        ({"n": 10.0}, TypeError, r"\bn\b"),
        ({"n": True}, TypeError, r"\bn\b"),
        ({"n": None}, TypeError, r"\bn\b"),
        ({"n": 10, "start": -1}, ValueError, "start"),
        ({"n": 10, "start": 2**64 - 5}, ValueError, "start"),
        ({"n": 10, "start": False}, TypeError, "start"),
        ({"n": 10, "backend": "gpu"}, ValueError, "backend"),
        ({"n": 10, "backend": None}, ValueError, "backend"),
        ({"n": 10, "threads": 0}, ValueError, "threads"),
        ({"n": 10, "threads": -2}, ValueError, "threads"),
        ({"n": 10, "threads": 1.5}, TypeError, "threads"),
        ({"n": 10, "threads": True}, TypeError, "threads"),
        ({"n": 10, "seed": -1}, ValueError, "seed"),
        ({"n": 10, "seed": 1.5}, TypeError, "seed"),
        ({"n": 10, "seed": "1"}, TypeError, "seed"),
    ],
)
def test_bad_sample_arguments(kwargs, exc, match):
    kwargs.setdefault("backend", "cpu")
    with pytest.raises(exc, match=match):
        qr.sample(qr.exponential(1.0), **kwargs)


def test_bad_distribution_argument():
    with pytest.raises(ValueError, match="unknown distribution"):
        qr.sample("poisson:1", 10, backend="cpu")
    with pytest.raises(ValueError, match="rate"):
        qr.sample("exp:-1", 10, backend="cpu")
    with pytest.raises(TypeError, match="dist"):
        qr.sample([1.0, 2.0], 10, backend="cpu")
