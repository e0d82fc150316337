"""qsmcore.random.sample: the compiled sampler's statistics, stream layout and
determinism (split, thread and seed invariance), and its bad-input checks."""

from __future__ import annotations

import math
import re
from pathlib import Path

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


def _reference_words(key, index, lane=0):
    """Pure-Python DrawRng: the 64-bit words of draw ``index`` (see philox.hpp)."""
    block = 0
    while True:
        v = _philox4x32_10((block, lane, index & _MASK, index >> 32), (key & _MASK, key >> 32))
        yield v[0] | (v[1] << 32)
        yield v[2] | (v[3] << 32)
        block += 1


def _u01(word):
    k = word >> 11
    return k * 2.0**-53 if k else 2.0**-54


def _reference_uniforms(key, index, lane=0):
    """The uniforms of draw ``index``: one per word."""
    return (_u01(w) for w in _reference_words(key, index, lane))


@pytest.mark.parametrize("start", [0, 1000, 2**32 - 2, 2**40 + 5, 2**64 - 4])
def test_draw_i_is_stream_position_start_plus_i(start):
    # Pareto and uniform are inversions of the draw's first uniform.
    key = philox_key(99)
    got_par = qr.sample(qr.pareto(2.5, 1.5), 4, seed=99, start=start, backend="cpu")
    got_uni = qr.sample(qr.uniform(1.0, 3.0), 4, seed=99, start=start, backend="cpu")
    for i in range(4):
        u = next(_reference_uniforms(key, start + i))
        assert got_par[i] == pytest.approx(1.5 * u ** (-1.0 / 2.5), rel=1e-14)
        assert got_uni[i] == pytest.approx(1.0 + 2.0 * u, rel=1e-14)


# --------------------------------------------------------------------------- ziggurat

ZIGGURAT_HEADER = Path(__file__).resolve().parents[1] / "cpp/include/qsm/core/ziggurat_tables.hpp"
_HEX = r"0x[0-9a-fA-F.]+p[-+]\d+"


def _ziggurat_tables(name):
    """W, K, F, R (and 1/R for the normal) of the generated header's Normal or Exp tables."""
    text = ZIGGURAT_HEADER.read_text()
    tabs = {}
    for tab in "WKF":
        body = re.search(rf"#define QSM_ZIG_{name.upper()}_{tab} (.*?)\n  \}}", text, re.S)
        if tab == "K":
            tabs[tab] = [int(t, 16) for t in re.findall(r"(0x[0-9A-F]+)ull", body.group(1))]
        else:
            tabs[tab] = [float.fromhex(t) for t in re.findall(rf"{_HEX}|0\.0", body.group(1))]
    for c in ("R", "InvR"):
        m = re.search(rf"k{name}{c} = ({_HEX});", text)
        tabs[c] = float.fromhex(m.group(1)) if m else None
    return tabs


def _reference_ziggurat(words, t, normal, paths):
    """One standard normal (or exponential) from a draw's words, as distributions.hpp
    computes it: the bit layout and every path (core, wedge, tail) of the sampler."""
    base = 0.0
    while True:
        b = next(words)
        i, m = b & 0xFF, (b >> 11) | 1
        x = m * t["W"][i]
        if m < t["K"][i]:
            paths["core"] += 1
        elif i == 0:
            paths["tail"] += 1
            if not normal:  # memoryless: X - r is a fresh exponential
                base += t["R"]
                continue
            while True:  # Marsaglia (1964)
                a = -math.log(_u01(next(words))) * t["InvR"]
                e = -math.log(_u01(next(words)))
                if e + e > a * a:
                    break
            x = t["R"] + a
        else:
            paths["wedge"] += 1
            y = t["F"][i] + _u01(next(words)) * (t["F"][i + 1] - t["F"][i])
            if not y < math.exp(-0.5 * x * x if normal else -x):
                paths["wedge rejected"] += 1  # start again from a fresh word
                continue
        if normal and (b >> 8) & 1:
            x = -x
        return base + x


@pytest.mark.skipif(not ZIGGURAT_HEADER.exists(), reason="needs the source tree's tables")
@pytest.mark.parametrize("normal", [True, False], ids=["normal", "exponential"])
def test_ziggurat_draws_match_a_python_reference(normal):
    """Pins the stream contract of the ziggurat samplers (which bits are the layer, the
    sign, the abscissa; which words the wedge and tail tests use) on every path."""
    t = _ziggurat_tables("Normal" if normal else "Exp")
    assert len(t["W"]) == len(t["K"]) == 256 and len(t["F"]) == 257
    d = qr.normal(0.0, 1.0) if normal else qr.exponential(1.0)
    key, start = philox_key(4), 2**33 + 7
    x = qr.sample(d, 500_000, seed=4, start=start, backend="cpu")
    tails = np.flatnonzero(np.abs(x) > t["R"])[:60]  # the tail path, and draws after it
    indices = sorted({*range(1500), *tails.tolist()})
    paths = {"core": 0, "wedge": 0, "wedge rejected": 0, "tail": 0}
    for j in indices:
        ref = _reference_ziggurat(_reference_words(key, start + j), t, normal, paths)
        assert x[j] == pytest.approx(ref, rel=1e-14, abs=0), (j, x[j], ref)
    assert min(paths.values()) >= 5, paths  # every path was exercised


def _tail_counts_ok(x, thresholds, sf):
    """Counts beyond each threshold within 5 binomial standard deviations."""
    n = x.size
    for c in thresholds:
        p = sf(c)
        expect, sd = n * p, math.sqrt(n * p * (1.0 - p))
        got = np.count_nonzero(x > c)
        assert abs(got - expect) <= 5.0 * sd, (c, got, expect, sd)


NZ = 2_000_000


def test_normal_tails_match_exact_probabilities():
    # Thresholds around the ziggurat's tail start r = 3.654 on both sides of 0: a
    # wrong tail algorithm, sign handling or base strip shows up here, where a KS
    # test (sensitive near the median) is weak.
    x = draw(qr.normal(0.0, 1.0), NZ, seed=101)
    thresholds = [2.0, 3.0, 3.5, 3.6541528853610088, 3.8, 4.0, 4.5, 5.0]
    _tail_counts_ok(x, thresholds, st.norm.sf)
    _tail_counts_ok(-x, thresholds, st.norm.sf)
    _tail_counts_ok(np.abs(x), thresholds, lambda c: 2.0 * st.norm.sf(c))


def test_exponential_tails_match_exact_probabilities():
    # r = 7.697 is where the ziggurat restarts with r added (memorylessness).
    x = draw(qr.exponential(1.0), NZ, seed=103)
    thresholds = [5.0, 7.0, 7.697117470131050, 8.0, 10.0, 12.0, 15.0]
    _tail_counts_ok(x, thresholds, st.expon.sf)
    assert x.min() > 0.0


@pytest.mark.parametrize("name", ["normal", "exponential"])
def test_ziggurat_tail_beyond_r_has_the_exact_conditional_law(name):
    # Only ~1 draw in 4000 (normal) or 2200 (exponential) goes through the tail
    # algorithm, too few in 2M draws to tell a wrong tail law (e.g. Marsaglia's
    # proposal r + E/r without its rejection step) from the right one. 80M draws,
    # in chunks (split invariance), leave ~20k (normal) and ~36k (exponential)
    # beyond r, whose excess over r is KS-tested against the exact conditional CDF.
    normal = name == "normal"
    r = 3.6541528853610088 if normal else 7.697117470131050
    d = qr.normal(0.0, 1.0) if normal else qr.exponential(1.0)
    chunk, excess = 4_000_000, []
    for c in range(20):
        x = np.abs(draw(d, chunk, seed=307, start=c * chunk))
        excess.append(x[x > r] - r)
    excess = np.concatenate(excess)
    assert excess.size > 15_000

    def normal_cdf(t):  # P(X - r <= t | X > r) = 1 - sf(r + t) / sf(r)
        return -np.expm1(np.log(st.norm.sf(r + t)) - np.log(st.norm.sf(r)))

    res = st.kstest(excess, normal_cdf if normal else st.expon.cdf)  # exp: memoryless
    assert res.pvalue > 1e-4, res


@pytest.mark.parametrize("seed", [211, 223])
@pytest.mark.parametrize("name", ["normal", "exponential"])
def test_ziggurat_chi_square_on_200_equiprobable_bins(name, seed):
    # Narrow bins over the whole range catch a wrong layer edge or wedge test
    # (each affects a short interval) better than a KS test does.
    d, law = (qr.normal(0.0, 1.0), st.norm) if name == "normal" else (qr.exponential(1.0), st.expon)
    x = draw(d, NZ, seed=seed)
    edges = law.ppf(np.arange(1, 200) / 200.0)  # the 199 interior edges
    observed = np.bincount(np.searchsorted(edges, x), minlength=200)
    assert observed.size == 200 and observed.sum() == NZ
    res = st.chisquare(observed)
    assert res.pvalue > 1e-4, res


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
