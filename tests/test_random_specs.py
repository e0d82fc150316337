"""qsmcore.random distribution specs: exact moments, cdf, scipy twins, spec strings,
bad input. Pure Python: needs no compiled extension."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
import scipy.stats as st
from hypothesis import assume, given
from hypothesis import strategies as hs

import qsmcore.random as qr

# (distribution, equivalent scipy.stats distribution built independently)
SCIPY_CASES = [
    (qr.deterministic(2.5), st.rv_discrete(values=([2.5], [1.0]))),
    (qr.uniform(-1.0, 3.0), st.uniform(loc=-1.0, scale=4.0)),
    (qr.exponential(2.0), st.expon(scale=0.5)),
    (qr.exponential(mean=0.25), st.expon(scale=0.25)),
    (qr.erlang(3, 2.0), st.erlang(3, scale=0.5)),
    (qr.erlang(40, mean=8.0), st.gamma(40, scale=0.2)),
    (qr.gamma(0.4, scale=2.0), st.gamma(0.4, scale=2.0)),
    (qr.gamma(2.5, rate=2.0), st.gamma(2.5, scale=0.5)),
    (qr.gamma(3.0, mean=1.5), st.gamma(3.0, scale=0.5)),
    (qr.normal(1.0, 2.0), st.norm(1.0, 2.0)),
    (qr.lognormal(mu=0.3, sigma=0.8), st.lognorm(0.8, scale=math.exp(0.3))),
    (qr.weibull(0.7, 2.0), st.weibull_min(0.7, scale=2.0)),
    (qr.weibull(2.5, 1.0), st.weibull_min(2.5, scale=1.0)),
    (qr.pareto(3.5, 1.0), st.pareto(3.5, scale=1.0)),
    (qr.pareto(2.5, 2.0), st.pareto(2.5, scale=2.0)),
]
ALL_CASES = [d for d, _ in SCIPY_CASES] + [
    qr.pareto(1.5, 1.0),
    qr.hyperexponential(1.0, 4.0),
    qr.hyperexponential(p=0.3, rate1=1.0, rate2=5.0),
    qr.empirical([0.5, 1.0, 1.0, 2.0, 7.25]),
]


# --------------------------------------------------------------------------- moments


def _case_id(v) -> str:
    """The spec's text; the SciPy twin's repr holds an address, which differs between runs
    (and between pytest-xdist workers, which must collect the same ids)."""
    return "scipy" if type(v).__module__.startswith("scipy") else str(v)


@pytest.mark.parametrize(("d", "ref"), SCIPY_CASES, ids=_case_id)
def test_moments_match_scipy(d, ref):
    assert d.mean == pytest.approx(ref.mean(), rel=1e-12, abs=1e-15)
    assert d.variance == pytest.approx(ref.var(), rel=1e-10, abs=1e-15)
    assert d.std == pytest.approx(math.sqrt(ref.var()), rel=1e-10, abs=1e-15)
    if d.mean != 0:
        assert d.scv == pytest.approx(ref.var() / ref.mean() ** 2, rel=1e-10, abs=1e-15)


@pytest.mark.parametrize(("d", "ref"), SCIPY_CASES, ids=_case_id)
def test_to_scipy_is_equivalent(d, ref):
    s = d.to_scipy()
    assert s.mean() == pytest.approx(ref.mean(), rel=1e-12)
    assert s.var() == pytest.approx(ref.var(), rel=1e-12, abs=1e-15)
    x = np.linspace(-2.0, 12.0, 57)
    np.testing.assert_allclose(s.cdf(x), ref.cdf(x), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize(("d", "ref"), SCIPY_CASES, ids=_case_id)
def test_cdf_matches_scipy(d, ref):
    x = np.concatenate([np.linspace(-3.0, 15.0, 91), ref.ppf([1e-6, 0.01, 0.5, 0.99, 1 - 1e-6])])
    np.testing.assert_allclose(d.cdf(x), ref.cdf(x), rtol=1e-10, atol=1e-13)
    assert isinstance(d.cdf(1.0), float)
    assert d.cdf(np.zeros((2, 3))).shape == (2, 3)
    assert math.isnan(d.cdf(math.nan))
    assert d.cdf(-math.inf) == 0.0 and d.cdf(math.inf) == 1.0


def test_closed_form_moments():
    assert qr.exponential(4.0).mean == 0.25 and qr.exponential(4.0).scv == 1.0
    e = qr.erlang(4, rate=2.0)
    assert (e.mean, e.variance, e.scv) == (2.0, 1.0, 0.25)
    g = qr.gamma(2.0, scale=3.0)
    assert (g.mean, g.variance, g.scv) == (6.0, 18.0, 0.5)
    u = qr.uniform(1.0, 4.0)
    assert (u.mean, u.variance) == (2.5, 0.75)
    assert qr.deterministic(3.0).variance == 0.0 and qr.deterministic(3.0).scv == 0.0
    assert math.isnan(qr.deterministic(0.0).scv)
    w = qr.weibull(1.0, 2.0)  # Weibull shape 1 is exponential of mean 2
    assert w.mean == pytest.approx(2.0, rel=1e-15) and w.scv == pytest.approx(1.0, rel=1e-14)
    w2 = qr.weibull(2.0, 1.0)  # Rayleigh
    assert w2.mean == pytest.approx(math.sqrt(math.pi) / 2, rel=1e-15)
    assert w2.variance == pytest.approx(1 - math.pi / 4, rel=1e-14)
    p = qr.pareto(3.0, 2.0)
    assert p.mean == pytest.approx(3.0) and p.variance == pytest.approx(3.0) and p.scv == 1 / 3


def test_infinite_moments():
    heavy = qr.pareto(1.5, 1.0)
    assert heavy.mean == 3.0 and math.isinf(heavy.variance) and math.isinf(heavy.scv)
    assert math.isinf(qr.pareto(0.9, 1.0).mean) and math.isinf(qr.pareto(2.0, 1.0).std)
    assert math.isinf(qr.lognormal(mu=0.0, sigma=40.0).variance)
    assert math.isinf(qr.weibull(1e-3, 1.0).mean)


@given(
    mean=hs.floats(1e-6, 1e6),
    scv=hs.floats(1.0, 1e6, exclude_min=True).filter(lambda c: c > 1 + 1e-9),
)
def test_hyperexponential_fit_reproduces_mean_and_scv(mean, scv):
    h = qr.hyperexponential(mean, scv)
    assert h.mean == pytest.approx(mean, rel=1e-13)
    assert h.scv == pytest.approx(scv, rel=1e-9)
    # balanced means: each phase carries half the mean
    assert h.p / h.rate1 == pytest.approx(mean / 2, rel=1e-13)
    assert (1 - h.p) / h.rate2 == pytest.approx(mean / 2, rel=1e-13)


def test_hyperexponential_general_moments():
    h = qr.hyperexponential(p=0.3, rate1=1.0, rate2=5.0)
    m = 0.3 / 1.0 + 0.7 / 5.0
    ex2 = 2 * 0.3 / 1.0 + 2 * 0.7 / 25.0
    assert h.mean == pytest.approx(m, rel=1e-15) and h.variance == pytest.approx(ex2 - m * m)
    x = np.linspace(0, 10, 41)
    ref = 0.3 * st.expon(scale=1.0).cdf(x) + 0.7 * st.expon(scale=0.2).cdf(x)
    np.testing.assert_allclose(h.cdf(x), ref, rtol=1e-13, atol=1e-15)


@given(mean=hs.floats(1e-6, 1e6), scv=hs.floats(1e-6, 1e6))
def test_lognormal_mean_scv_form(mean, scv):
    d = qr.lognormal(mean=mean, scv=scv)
    assert d.mean == pytest.approx(mean, rel=1e-12)
    assert d.scv == pytest.approx(scv, rel=1e-9)
    assert d.variance == pytest.approx(scv * mean * mean, rel=1e-9)
    ref = st.lognorm(d.sigma, scale=math.exp(d.mu))
    assert ref.mean() == pytest.approx(mean, rel=1e-9)


def test_series_lognormal():
    d = qr.lognormal(mean=1.0, scv=4.0)
    assert d.sigma == pytest.approx(math.sqrt(math.log(5.0)), rel=1e-15)
    assert d.mu == pytest.approx(-math.log(5.0) / 2, rel=1e-15)
    assert (d.mean, d.scv) == (pytest.approx(1.0, rel=1e-14), pytest.approx(4.0, rel=1e-14))


def test_empirical_moments_cdf_and_storage():
    src = np.array([0.5, 1.0, 1.0, 2.0, 7.25])
    d = qr.empirical(src)
    src[0] = 99.0  # a copy was taken
    assert d.values[0] == 0.5 and not d.values.flags.writeable
    with pytest.raises(ValueError):
        d.values[0] = 3.0
    assert d.mean == pytest.approx(np.mean([0.5, 1, 1, 2, 7.25]), rel=1e-15)
    assert d.variance == pytest.approx(np.var([0.5, 1, 1, 2, 7.25]), rel=1e-14)
    np.testing.assert_array_equal(d.cdf([0.0, 0.5, 0.9, 1.0, 3.0, 7.25, 8.0]),
                                  [0, 0.2, 0.2, 0.6, 0.8, 1.0, 1.0])  # fmt: skip
    kind, params, data = d._kernel_args()
    assert kind == 10 and params == (0.0, 0.0, 0.0, 0.0)
    assert data.dtype == np.float64 and data.flags.c_contiguous
    assert qr.empirical([1, 2, 3]) == qr.empirical([1.0, 2.0, 3.0])
    assert hash(qr.empirical([1, 2, 3])) == hash(qr.empirical([1.0, 2.0, 3.0]))
    assert qr.empirical([1, 2, 3]) != qr.empirical([1, 2, 4])
    assert "n=100" in str(qr.empirical(np.arange(100.0)))
    assert qr.empirical(np.arange(5.0)[::2]).values.flags.c_contiguous


@pytest.mark.parametrize("d", [qr.hyperexponential(1.0, 4.0), qr.empirical([1.0, 2.0])], ids=str)
def test_to_scipy_without_equivalent_raises_type_error(d):
    with pytest.raises(TypeError, match=r"no scipy\.stats equivalent.*cdf"):
        d.to_scipy()


# --------------------------------------------------------------------------- kernel table


def test_kernel_args_follow_the_cpp_table():
    table = {
        qr.deterministic(1.5): (0, (1.5, 0, 0, 0)),
        qr.uniform(0.0, 2.0): (1, (0.0, 2.0, 0, 0)),
        qr.exponential(2.0): (2, (2.0, 0, 0, 0)),
        qr.erlang(3, 2.0): (3, (3.0, 2.0, 0, 0)),
        qr.gamma(2.0, scale=0.5): (4, (2.0, 0.5, 0, 0)),
        qr.normal(1.0, 2.0): (5, (1.0, 2.0, 0, 0)),
        qr.lognormal(mu=0.5, sigma=1.5): (6, (0.5, 1.5, 0, 0)),
        qr.weibull(1.5, 2.0): (7, (1.5, 2.0, 0, 0)),
        qr.pareto(2.5, 1.0): (8, (2.5, 1.0, 0, 0)),
        qr.hyperexponential(p=0.3, rate1=1.0, rate2=5.0): (9, (0.3, 1.0, 5.0, 0)),
    }
    for d, (kind, params) in table.items():
        k, p, data = d._kernel_args()
        assert (k, p, data) == (kind, params, None)
        assert all(type(x) is float for x in p) and len(p) == 4


# --------------------------------------------------------------------------- strings

POS = hs.floats(1e-300, 1e300)
FINITE = hs.floats(allow_nan=False, allow_infinity=False)


@hs.composite
def _uniforms(draw):
    a, b = sorted((draw(FINITE), draw(FINITE)))
    assume(math.isfinite(b - a) and math.nextafter(a, b) < b)
    return qr.uniform(a, b)


SPECS = hs.one_of(
    FINITE.map(qr.deterministic),
    _uniforms(),
    POS.map(qr.exponential),
    hs.builds(qr.erlang, hs.integers(1, 2**53), POS),
    hs.builds(qr.gamma, POS, POS),
    hs.builds(qr.normal, FINITE, POS),
    hs.builds(qr.lognormal, FINITE, POS),
    hs.builds(qr.weibull, POS, POS),
    hs.builds(qr.pareto, POS, POS),
    hs.builds(
        lambda p, a, b: qr.hyperexponential(p=p, rate1=a, rate2=b),
        hs.floats(0, 1, exclude_min=True, exclude_max=True),
        POS,
        POS,
    ),
    hs.builds(qr.hyperexponential, hs.floats(1e-100, 1e100), hs.floats(1.0 + 1e-12, 1e12)),
    hs.lists(FINITE, min_size=1, max_size=16).map(qr.empirical),
)


@given(SPECS)
def test_parse_str_round_trip(d):
    text = str(d)
    assert qr.parse(text) == d
    assert qr.parse(text.upper()) == d  # names and keys are case-insensitive
    assert qr.as_distribution(text) == d


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("exp:2.0", qr.exponential(2.0)),
        ("exp:mean=0.5", qr.exponential(2.0)),
        ("exponential:rate=2", qr.exponential(2.0)),
        ("M:2", qr.exponential(2.0)),
        (" expon : 2 ", qr.exponential(2.0)),
        ("lognormal:mean=1,scv=4", qr.lognormal(mean=1.0, scv=4.0)),
        ("lognorm:mu=0,sigma=1", qr.lognormal(mu=0.0, sigma=1.0)),
        ("lognormal:0,1", qr.lognormal(mu=0.0, sigma=1.0)),
        ("det:1", qr.deterministic(1.0)),
        ("D:1", qr.deterministic(1.0)),
        ("deterministic:value=1", qr.deterministic(1.0)),
        ("uniform:0,2", qr.uniform(0.0, 2.0)),
        ("uniform:low=0,high=2", qr.uniform(0.0, 2.0)),
        ("erlang:k=3,rate=2", qr.erlang(3, 2.0)),
        ("E:3,2", qr.erlang(3, 2.0)),
        ("erlang:3,mean=1.5", qr.erlang(3, 2.0)),
        ("gamma:shape=2,scale=1", qr.gamma(2.0, 1.0)),
        ("gamma:2,rate=4", qr.gamma(2.0, 0.25)),
        ("gamma:shape=2,mean=1", qr.gamma(2.0, 0.5)),
        ("normal:0,1", qr.normal(0.0, 1.0)),
        ("gaussian:mean=0,sd=1", qr.normal(0.0, 1.0)),
        ("normal:mu=0,sigma=1", qr.normal(0.0, 1.0)),
        ("weibull:shape=1.5,scale=2", qr.weibull(1.5, 2.0)),
        ("pareto:alpha=2.5,xm=1", qr.pareto(2.5, 1.0)),
        ("pareto:2.5,1", qr.pareto(2.5, 1.0)),
        ("hyperexp:mean=1,scv=4", qr.hyperexponential(1.0, 4.0)),
        ("hyperexponential:1,4", qr.hyperexponential(1.0, 4.0)),
        ("h2:p=0.3,rate1=1,rate2=5", qr.hyperexponential(p=0.3, rate1=1.0, rate2=5.0)),
        ("empirical:1,2,5", qr.empirical([1.0, 2.0, 5.0])),
        ("exp:1e3", qr.exponential(1000.0)),
    ],
)
def test_parse_forms_and_aliases(text, expected):
    assert qr.parse(text) == expected


def test_canonical_strings_are_readable():
    assert str(qr.exponential(2.0)) == "exponential:rate=2.0"
    assert str(qr.erlang(3, 2.0)) == "erlang:k=3,rate=2.0"
    assert str(qr.normal(0.0, 1.0)) == "normal:mean=0.0,sd=1.0"
    assert str(qr.hyperexponential(p=0.5, rate1=1, rate2=2)) == (
        "hyperexponential:p=0.5,rate1=1.0,rate2=2.0"
    )


def test_as_distribution():
    d = qr.exponential(2.0)
    assert qr.as_distribution(d) is d
    assert qr.as_distribution("exp:2") == d
    assert qr.as_distribution(3) == qr.deterministic(3.0)
    assert qr.as_distribution(np.float64(0.5)) == qr.deterministic(0.5)
    with pytest.raises(TypeError, match="service"):
        qr.as_distribution(True, name="service")
    with pytest.raises(TypeError, match="dist"):
        qr.as_distribution([1.0, 2.0])
    with pytest.raises(TypeError, match="dist"):
        qr.as_distribution(None)


def test_specs_are_frozen_and_hashable():
    d = qr.exponential(2.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.rate = 3.0
    assert {d: 1}[qr.parse("exp:2")] == 1
    assert all(isinstance(x, qr.Distribution) for x in ALL_CASES)


# --------------------------------------------------------------------------- bad input

BAD = [
    # (callable, exception type, match)
    (lambda: qr.exponential(-1.0), ValueError, r"rate.*> 0.*-1"),
    (lambda: qr.exponential(0.0), ValueError, "rate"),
    (lambda: qr.exponential(math.nan), ValueError, r"rate.*nan"),
    (lambda: qr.exponential(math.inf), ValueError, r"rate.*inf"),
    (lambda: qr.exponential(mean=-2.0), ValueError, "mean"),
    (lambda: qr.exponential(), TypeError, r"rate=.*mean="),
    (lambda: qr.exponential(1.0, mean=1.0), TypeError, r"exactly one"),
    (lambda: qr.exponential(True), TypeError, r"rate.*True.*bool"),
    (lambda: qr.exponential("2"), TypeError, r"rate.*'2'.*str"),
    (lambda: qr.deterministic(math.inf), ValueError, "value"),
    (lambda: qr.deterministic("1"), TypeError, "value"),
    (lambda: qr.uniform(2.0, 1.0), ValueError, r"low < high"),
    (lambda: qr.uniform(1.0, 1.0), ValueError, r"low=1.0, high=1.0"),
    (lambda: qr.uniform(1.0, math.nextafter(1.0, 2.0)), ValueError, "strictly between"),
    (lambda: qr.uniform(-1e308, 1e308), ValueError, "finite width"),
    (lambda: qr.uniform(0.0, math.nan), ValueError, "high"),
    (lambda: qr.uniform(False, 1.0), TypeError, "low"),
    (lambda: qr.erlang(2.5, 1.0), ValueError, r"k must be an integer.*2\.5"),
    (lambda: qr.erlang(0, 1.0), ValueError, r"k must be an integer"),
    (lambda: qr.erlang(-3, 1.0), ValueError, r"k must be an integer"),
    (lambda: qr.erlang(2**60, 1.0), ValueError, r"k must be"),
    (lambda: qr.erlang(True, 1.0), TypeError, r"\bk\b"),
    (lambda: qr.erlang("3", 1.0), TypeError, r"\bk\b"),
    (lambda: qr.erlang(3, -1.0), ValueError, "rate"),
    (lambda: qr.erlang(3, mean=0.0), ValueError, "mean"),
    (lambda: qr.gamma(0.0, 1.0), ValueError, "shape"),
    (lambda: qr.gamma(-1.0, 1.0), ValueError, "shape"),
    (lambda: qr.gamma(2.0, -1.0), ValueError, "scale"),
    (lambda: qr.gamma(2.0, rate=math.inf), ValueError, "rate"),
    (lambda: qr.gamma(2.0), TypeError, r"scale=.*rate=.*mean="),
    (lambda: qr.gamma(2.0, 1.0, rate=1.0), TypeError, "exactly one"),
    (lambda: qr.normal(0.0, 0.0), ValueError, r"\bsd\b"),
    (lambda: qr.normal(0.0, -1.0), ValueError, r"\bsd\b"),
    (lambda: qr.normal(math.nan, 1.0), ValueError, "mean"),
    (lambda: qr.normal("0", 1.0), TypeError, "mean"),
    (lambda: qr.lognormal(mu=0.0, sigma=0.0), ValueError, "sigma"),
    (lambda: qr.lognormal(mu=math.inf, sigma=1.0), ValueError, r"\bmu\b"),
    (lambda: qr.lognormal(mean=-1.0, scv=1.0), ValueError, "mean"),
    (lambda: qr.lognormal(mean=1.0, scv=0.0), ValueError, "scv"),
    (lambda: qr.lognormal(mean=1.0, scv=math.nan), ValueError, "scv"),
    (lambda: qr.lognormal(mean=1.0), TypeError, r"mean=.*scv="),
    (lambda: qr.lognormal(mu=0.0, sigma=1.0, mean=1.0, scv=1.0), TypeError, "mu="),
    (lambda: qr.weibull(0.0, 1.0), ValueError, "shape"),
    (lambda: qr.weibull(1.0, -2.0), ValueError, "scale"),
    (lambda: qr.pareto(-1.0, 1.0), ValueError, "alpha"),
    (lambda: qr.pareto(2.0, 0.0), ValueError, "xm"),
    (lambda: qr.pareto(2.0, True), TypeError, "xm"),
    (lambda: qr.hyperexponential(1.0, 1.0), ValueError, r"scv.*> 1"),
    (lambda: qr.hyperexponential(1.0, 0.5), ValueError, r"scv.*> 1"),
    (lambda: qr.hyperexponential(-1.0, 4.0), ValueError, "mean"),
    (lambda: qr.hyperexponential(1.0, 1e300), ValueError, "scv"),
    (lambda: qr.hyperexponential(p=0.0, rate1=1.0, rate2=1.0), ValueError, r"\bp\b.*\(0, 1\)"),
    (lambda: qr.hyperexponential(p=1.0, rate1=1.0, rate2=1.0), ValueError, r"\bp\b"),
    (lambda: qr.hyperexponential(p=1.5, rate1=1.0, rate2=1.0), ValueError, r"\bp\b"),
    (lambda: qr.hyperexponential(p=0.5, rate1=0.0, rate2=1.0), ValueError, "rate1"),
    (lambda: qr.hyperexponential(p=0.5, rate1=1.0, rate2=math.nan), ValueError, "rate2"),
    (lambda: qr.hyperexponential(p=0.5, rate1=1.0), TypeError, "rate2="),
    (lambda: qr.hyperexponential(1.0, 4.0, p=0.5), TypeError, "p="),
    (lambda: qr.hyperexponential(), TypeError, "mean="),
    (lambda: qr.empirical([]), ValueError, r"values.*non-empty"),
    (lambda: qr.empirical([[1.0, 2.0]]), ValueError, r"values.*1-D"),
    (lambda: qr.empirical([1.0, math.nan]), ValueError, r"values.*finite"),
    (lambda: qr.empirical([1.0, math.inf]), ValueError, r"values.*finite"),
    (lambda: qr.empirical([True, False]), TypeError, "values"),
    (lambda: qr.empirical(["a", "b"]), TypeError, "values"),
    (lambda: qr.empirical("1,2"), TypeError, "values"),
    (lambda: qr.empirical(3.0), TypeError, "values"),
    (lambda: qr.empirical([1 + 2j]), TypeError, "values"),
]


@pytest.mark.parametrize(("fn", "exc", "match"), BAD)
def test_bad_constructor_input(fn, exc, match):
    with pytest.raises(exc, match=match):
        fn()


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("foo:1", r"unknown distribution 'foo'.*known:.*exponential.*lognormal"),
        ("", "unknown distribution"),
        ("exp", "malformed"),
        ("exp:", "malformed"),
        ("exp:1,,", "malformed"),
        ("exp:abc", r"malformed number 'abc'"),
        ("exp:rate=", "malformed number"),
        ("exp:1,2", "too many positional"),
        ("exp:rate=1,rate=2", "given twice"),
        ("exp:2,rate=2", "given twice"),
        ("exp:rate=1,2", "positional value"),
        ("exp:x=1", r"unknown parameter 'x'.*allowed: rate, mean"),
        ("exp:-1", r"rate.*-1"),
        ("exp:nan", r"rate.*nan"),
        ("exp:mean=1,rate=2", "exactly one"),
        ("uniform:1", "high"),
        ("uniform:2,1", "low < high"),
        ("erlang:k=2.5,rate=1", r"\bk\b"),
        ("h2:mean=1,scv=0.5", r"scv.*> 1"),
        ("h2:p=2,rate1=1,rate2=1", r"\bp\b"),
        ("lognormal:mean=1", r"mean=.*scv="),
        ("normal:0,sd=0", r"\bsd\b"),
        ("empirical:x=1", "unknown parameter"),
        ("empirical:1,nan", "finite"),
    ],
)
def test_bad_spec_strings(text, match):
    with pytest.raises(ValueError, match=match):
        qr.parse(text)


@pytest.mark.parametrize("bad", [None, 2.0, b"exp:2", ["exp:2"]])
def test_parse_needs_a_string(bad):
    with pytest.raises(TypeError, match="spec must be a str"):
        qr.parse(bad)


# sample()'s own argument checks run before any compiled code is imported.
@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"n": -1}, ValueError, r"\bn\b.*>= 0"),
        ({"n": 2.0}, TypeError, r"\bn\b"),
        ({"n": True}, TypeError, r"\bn\b"),
        ({"n": "10"}, TypeError, r"\bn\b"),
        ({"n": 1, "start": -1}, ValueError, "start"),
        ({"n": 1, "start": 1.0}, TypeError, "start"),
        ({"n": 2, "start": 2**64 - 1}, ValueError, r"start \+ n"),
    ],
)
def test_sample_argument_checks(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        qr.sample(qr.exponential(1.0), **kwargs)


def test_sample_rejects_bad_distribution():
    with pytest.raises(ValueError, match="unknown distribution"):
        qr.sample("nope:1", 10)
    with pytest.raises(TypeError, match="dist"):
        qr.sample(None, 10)
