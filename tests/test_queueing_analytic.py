"""Analytic queueing formulas: textbook values, cross-checks between models, bad input."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import qsmcore.queueing as q
from qsmcore.random import deterministic, exponential, lognormal

# --------------------------------------------------------------------------- M/M/1


def test_mm1_textbook():
    # Kleinrock, Queueing Systems Vol. 1, §3.2: L = ρ/(1-ρ), W = 1/(μ-λ).
    # λ = 0.9, μ = 1: ρ = 0.9, L = 9, W = 10, Wq = 9, Lq = 8.1.
    r = q.mm1(0.9, 1.0)
    assert r.utilization == pytest.approx(0.9)
    assert r.number_in_system == pytest.approx(9.0)
    assert r.response == pytest.approx(10.0)
    assert r.wait == pytest.approx(9.0)
    assert r.queue_length == pytest.approx(8.1)
    assert r.p_wait == pytest.approx(0.9)
    assert r.approximate is False


def test_mm1_tail_and_quantiles():
    r = q.mm1(2.0, 3.0)  # ρ = 2/3, μ - λ = 1
    assert r.p_wait_exceeds(0.0) == pytest.approx(2 / 3)
    assert r.p_wait_exceeds(1.5) == pytest.approx(2 / 3 * math.exp(-1.5))
    assert r.p_wait_exceeds(math.inf) == 0.0
    assert r.wait_quantile(0.2) == 0.0  # P(Wq = 0) = 1 - ρ = 1/3 > 0.2
    for p in (0.5, 0.9, 0.99, 0.999):
        t = r.wait_quantile(p)
        assert t > 0
        assert r.p_wait_exceeds(t) == pytest.approx(1 - p, rel=1e-12)


def test_results_are_frozen_and_print():
    r = q.mm1(0.5, 1.0)
    with pytest.raises(AttributeError):
        r.wait = 1.0  # type: ignore[misc]
    assert "MMcResult(" in repr(r) and "utilization=0.5" in repr(r)
    assert "number_in_system" in str(r)
    d = r.to_dict()
    assert d["wait"] == r.wait and d["model"] == "M/M/1"
    assert not hasattr(r, "__dict__")  # slots


# --------------------------------------------------------------------------- Erlang


def _erlang_c_direct(c: int, a: float) -> float:
    """C(c, a) = (a^c/c!)(c/(c-a)) / (Σ_{k<c} a^k/k! + (a^c/c!)(c/(c-a))), in log space."""
    logs = [k * math.log(a) - math.lgamma(k + 1) for k in range(c)]
    last = c * math.log(a) - math.lgamma(c + 1) + math.log(c / (c - a))
    m = max([*logs, last])
    den = math.fsum(math.exp(x - m) for x in logs) + math.exp(last - m)
    return math.exp(last - m) / den


def test_erlang_textbook():
    # Gross & Harris, Fundamentals of Queueing Theory: M/M/2, a = 1 → C = 1/3;
    # Erlang B(1, a) = a/(1+a), B(2, 1) = 1/5.
    assert q.erlang_c(2, 1.0).probability == pytest.approx(1 / 3)
    assert q.erlang_b(1, 3.0).probability == pytest.approx(0.75)
    assert q.erlang_b(2, 1.0).probability == pytest.approx(0.2)
    for rho in (0.1, 0.5, 0.93):
        assert q.erlang_c(1, rho).probability == pytest.approx(rho)  # c = 1: C = ρ
    assert float(q.erlang_b(3, 0.0)) == 0.0


@pytest.mark.parametrize("c", [1, 2, 5, 17, 50, 200])
@pytest.mark.parametrize("rho", [0.05, 0.5, 0.8, 0.99])
def test_erlang_c_two_methods(c, rho):
    a = rho * c
    assert q.erlang_c(c, a).probability == pytest.approx(_erlang_c_direct(c, a), rel=1e-10)


def test_erlang_large():
    r = q.erlang_c(5000, 4900.0)
    assert math.isfinite(r.probability) and 0 < r.probability < 1
    assert r.probability == pytest.approx(_erlang_c_direct(5000, 4900.0), rel=1e-8)
    b = q.erlang_b(5000, 4900.0).probability
    assert math.isfinite(b) and 0 < b < 1


# --------------------------------------------------------------------------- M/M/c


def test_mmc_textbook():
    # Gross & Harris: M/M/2 with λ = 1, μ = 1: Lq = 1/3, Wq = 1/3, L = 4/3.
    r = q.mmc(1.0, 1.0, 2)
    assert r.queue_length == pytest.approx(1 / 3)
    assert r.wait == pytest.approx(1 / 3)
    assert r.number_in_system == pytest.approx(4 / 3)
    assert r.p_wait == pytest.approx(1 / 3)
    assert r.utilization == pytest.approx(0.5)


@pytest.mark.parametrize("lam", [0.0, 0.1, 0.5, 0.95])
def test_mmc_one_server_is_mm1(lam):
    a, b = q.mmc(lam, 1.0, 1), q.mm1(lam, 1.0)
    for f in ("utilization", "wait", "response", "queue_length", "number_in_system", "p_wait"):
        assert getattr(a, f) == pytest.approx(getattr(b, f), rel=1e-12, abs=1e-15)


def test_mmc_tail_quantile_consistency():
    r = q.mmc(9.0, 1.0, 10)  # θ = cμ - λ = 1
    assert r.p_wait_exceeds(2.0) == pytest.approx(r.p_wait * math.exp(-2.0))
    assert r.wait_quantile(0.0) == 0.0
    for p in (0.7, 0.9, 0.999):
        t = r.wait_quantile(p)
        if 1 - p < r.p_wait:
            assert r.p_wait_exceeds(t) == pytest.approx(1 - p, rel=1e-12)
        else:
            assert t == 0.0


@settings(max_examples=40, deadline=None)
@given(
    c=st.integers(1, 30),
    r1=st.floats(0.01, 0.98),
    r2=st.floats(0.01, 0.98),
)
def test_mmc_wait_increases_with_arrival_rate(c, r1, r2):
    lo, hi = sorted((r1, r2))
    a, b = q.mmc(lo * c, 1.0, c), q.mmc(hi * c, 1.0, c)
    assert a.wait <= b.wait * (1 + 1e-12)
    assert a.number_in_system <= b.number_in_system * (1 + 1e-12)


# --------------------------------------------------------------------------- M/M/c/K


def _mm1k_closed(lam, mu, k):
    """M/M/1/K (Gross & Harris §2.5): p_n = (1-ρ)ρ^n/(1-ρ^{K+1}), ρ ≠ 1."""
    rho = lam / mu
    p = np.array([(1 - rho) * rho**n / (1 - rho ** (k + 1)) for n in range(k + 1)])
    big_l = rho / (1 - rho) - (k + 1) * rho ** (k + 1) / (1 - rho ** (k + 1))
    return p, big_l


@pytest.mark.parametrize("rho", [0.3, 0.9, 1.5, 4.0])
@pytest.mark.parametrize("k", [1, 3, 10])
def test_mm1k_closed_form(rho, k):
    p, big_l = _mm1k_closed(rho, 1.0, k)
    r = q.mmck(rho, 1.0, 1, k)
    np.testing.assert_allclose(r.probabilities, p, rtol=1e-10)
    assert r.blocking == pytest.approx(p[k], rel=1e-10)
    assert r.number_in_system == pytest.approx(big_l, rel=1e-10)
    assert r.throughput == pytest.approx(rho * (1 - p[k]), rel=1e-10)
    assert r.response == pytest.approx(r.number_in_system / r.throughput, rel=1e-12)
    assert r.wait == pytest.approx(r.response - 1.0, rel=1e-9, abs=1e-12)


def test_mmck_rho_one_and_overload():
    # ρ = 1, M/M/1/K: uniform distribution, L = K/2.
    r = q.mmck(1.0, 1.0, 1, 4)
    np.testing.assert_allclose(r.probabilities, np.full(5, 0.2))
    assert r.number_in_system == pytest.approx(2.0)
    # Heavy overload with large K stays finite (log-space normalization).
    r = q.mmck(50.0, 1.0, 3, 5000)
    assert np.isfinite(r.probabilities).all()
    assert r.probabilities.sum() == pytest.approx(1.0)
    assert r.throughput == pytest.approx(3.0, rel=1e-9)


def test_mmck_equals_erlang_b_when_no_queue():
    r = q.mmck(7.0, 1.0, 10, 10)
    assert r.blocking == pytest.approx(q.erlang_b(10, 7.0).probability, rel=1e-12)
    assert r.queue_length == 0.0


@pytest.mark.parametrize(("lam", "c"), [(0.7, 1), (3.0, 4), (15.0, 20)])
def test_mmck_large_capacity_tends_to_mmc(lam, c):
    a, b = q.mmck(lam, 1.0, c, c + 2000), q.mmc(lam, 1.0, c)
    assert a.blocking < 1e-12
    for f in ("wait", "response", "queue_length", "number_in_system", "p_wait"):
        assert getattr(a, f) == pytest.approx(getattr(b, f), rel=1e-9)


# --------------------------------------------------------------------------- M/G/1, G/G


@pytest.mark.parametrize("lam", [0.1, 0.5, 0.9])
def test_mg1_exponential_is_mm1(lam):
    a, b = q.mg1(lam, exponential(rate=1.0)), q.mm1(lam, 1.0)
    assert a.wait == pytest.approx(b.wait)
    assert a.number_in_system == pytest.approx(b.number_in_system)
    assert q.mg1(lam, "exp:1").wait == pytest.approx(b.wait)


@pytest.mark.parametrize("lam", [0.1, 0.5, 0.9])
def test_md1_is_half_mm1(lam):
    # M/D/1 waits half as long as M/M/1 at the same ρ (P-K with cs² = 0).
    assert q.md1(lam, 1.0).wait == pytest.approx(q.mm1(lam, 1.0).wait / 2)
    assert q.mg1(lam, deterministic(1.0)).wait == pytest.approx(q.mm1(lam, 1.0).wait / 2)
    assert q.mg1(lam, 1.0).wait == pytest.approx(q.md1(lam, 1.0).wait)


def test_mg1_pk_general():
    # P-K: Wq = λ(Var + E[S]²)/(2(1-ρ)); lognormal mean 1, scv 4 → E[S²] = 5.
    r = q.mg1(0.5, lognormal(mean=1.0, scv=4.0))
    assert r.wait == pytest.approx(0.5 * 5.0 / (2 * 0.5))
    assert r.response == pytest.approx(r.wait + 1.0)
    assert r.queue_length == pytest.approx(0.5 * r.wait)


def test_gg_approximations():
    # Kingman is exact for M/M/1 and M/G/1 (ca² = 1).
    g = q.gg1("exp:1", "exp:2")
    assert g.approximate is True
    assert g.wait == pytest.approx(q.mm1(1.0, 2.0).wait)
    assert q.gg1("exp:0.5", "lognormal:mean=1,scv=4").wait == pytest.approx(
        q.mg1(0.5, "lognormal:mean=1,scv=4").wait
    )
    # D/D/1 never waits.
    assert q.gg1(1.0, 0.5).wait == 0.0
    # Allen–Cunneen is exact for M/M/c.
    h = q.ggc("exp:3", "exp:1", 4)
    assert h.approximate is True
    assert h.wait == pytest.approx(q.mmc(3.0, 1.0, 4).wait)
    assert q.ggc("exp:3", "det:1", 4).wait == pytest.approx(q.mmc(3.0, 1.0, 4).wait / 2)
    assert "Kingman" in (q.gg1.__doc__ or "") and "Allen–Cunneen" in (q.ggc.__doc__ or "")


# --------------------------------------------------------------------------- priorities


@pytest.mark.parametrize("preemptive", [False, True])
def test_priority_single_class_is_pk(preemptive):
    s = lognormal(mean=0.5, scv=2.0)
    r, pk = q.priority_mg1([1.2], [s], preemptive=preemptive), q.mg1(1.2, s)
    assert r.waits[0] == pytest.approx(pk.wait)
    assert r.responses[0] == pytest.approx(pk.response)
    assert r.wait == pytest.approx(pk.wait)


def test_priority_cobham_values():
    # Two classes, exp(1) service, λ = (0.2, 0.3): W0 = 0.5, σ = (0.2, 0.5).
    r = q.priority_mg1([0.2, 0.3], "exp:1")
    np.testing.assert_allclose(r.waits, [0.5 / 0.8, 0.5 / (0.8 * 0.5)])
    np.testing.assert_allclose(r.responses, r.waits + 1.0)
    p = q.priority_mg1([0.2, 0.3], "exp:1", preemptive=True)
    # Highest class under preemption sees an M/M/1 with λ = 0.2 alone.
    assert p.responses[0] == pytest.approx(q.mm1(0.2, 1.0).response)
    assert p.responses[1] == pytest.approx(1 / 0.8 + 0.5 / (0.8 * 0.5))


def test_priority_conservation_law():
    # Kleinrock's conservation law: Σ ρ_k Wq_k = ρ W0/(1-ρ), whatever the order.
    lam = [0.1, 0.25, 0.15, 0.2]
    svc = ["exp:2", "exp:1", "exp:4", "exp:1.5"]
    values = []
    for perm in itertools.permutations(range(4)):
        r = q.priority_mg1([lam[i] for i in perm], [svc[i] for i in perm])
        values.append(float(r.utilizations @ r.waits))
    rho = sum(lam[i] / float(svc[i][4:]) for i in range(4))
    w0 = sum(lam[i] * 2 / float(svc[i][4:]) ** 2 for i in range(4)) / 2
    np.testing.assert_allclose(values, rho * w0 / (1 - rho), rtol=1e-12)


# --------------------------------------------------------------------------- Jackson


def test_jackson_single_node_is_mmc():
    r = q.jackson([3.0], [1.0], [[0.0]], servers=4)
    m = q.mmc(3.0, 1.0, 4)
    assert r.number_in_system == pytest.approx(m.number_in_system)
    assert r.response == pytest.approx(m.response)
    # With feedback p: λ = γ/(1-p), visit ratio 1/(1-p).
    f = q.jackson([1.0], [4.0], [[0.5]])
    assert f.arrival_rates[0] == pytest.approx(2.0)
    assert f.visit_ratios[0] == pytest.approx(2.0)
    assert f.number_in_system == pytest.approx(q.mm1(2.0, 4.0).number_in_system)


def test_jackson_tandem():
    # Tandem of two M/M/1 (Burke): W = 1/(μ1-λ) + 1/(μ2-λ).
    r = q.jackson([1.0, 0.0], [2.0, 3.0], [[0, 1], [0, 0]])
    np.testing.assert_allclose(r.arrival_rates, [1.0, 1.0])
    assert r.response == pytest.approx(1.0 + 0.5)
    assert len(r.nodes) == 2 and r.to_dict()["nodes"][1]["model"] == "M/M/1"


def test_jackson_bad_input():
    with pytest.raises(ValueError, match=r"node 1 .*ρ"):
        q.jackson([1.0, 0.0], [2.0, 0.9], [[0, 1], [0, 0]])
    with pytest.raises(ValueError, match="routing"):
        q.jackson([1.0, 0.0], [2.0, 3.0], [[0, 0.7], [0.6, 0.6]])
    with pytest.raises(ValueError, match="routing"):
        q.jackson([1.0, 0.0], [2.0, 3.0], [[0, -0.1], [0, 0]])
    with pytest.raises(ValueError, match="routing"):
        q.jackson([1.0, 0.0], [2.0, 3.0], [[0, 1], [1, 0]])  # traps jobs
    with pytest.raises(ValueError, match="service_rates"):
        q.jackson([1.0, 0.0], [2.0, math.nan], [[0, 1], [0, 0]])
    with pytest.raises(ValueError, match="arrival_rates"):
        q.jackson([-1.0, 0.0], [2.0, 3.0], [[0, 1], [0, 0]])
    with pytest.raises(ValueError, match="servers"):
        q.jackson([1.0, 0.0], [2.0, 3.0], [[0, 1], [0, 0]], servers=[1, 0])


# --------------------------------------------------------------------------- Little, staffing


def test_littles_law():
    assert q.littles_law(arrival_rate=2.0, W=3.0).L == pytest.approx(6.0)
    assert q.littles_law(L=6.0, arrival_rate=2.0).W == pytest.approx(3.0)
    r = q.littles_law(L=6.0, W=3.0)
    assert r.arrival_rate == pytest.approx(2.0) and r.solved_for == "arrival_rate"
    with pytest.raises(TypeError, match="exactly two"):
        q.littles_law(L=1.0)
    with pytest.raises(TypeError, match="exactly two"):
        q.littles_law(L=1.0, arrival_rate=1.0, W=1.0)
    with pytest.raises(ValueError, match="W"):
        q.littles_law(L=1.0, W=-1.0)


@pytest.mark.parametrize("lam", [0.5, 3.0, 10.0, 97.0])
def test_servers_for_minimal(lam):
    mu = 1.0
    c = q.servers_for(lam, mu, max_wait=0.05).servers
    assert q.mmc(lam, mu, c).wait <= 0.05
    if c - 1 > lam / mu:
        assert q.mmc(lam, mu, c - 1).wait > 0.05
    c = q.servers_for(lam, mu, max_p_wait_exceeds=(0.1, 0.05)).servers
    assert q.mmc(lam, mu, c).p_wait_exceeds(0.1) <= 0.05
    if c - 1 > lam / mu:
        assert q.mmc(lam, mu, c - 1).p_wait_exceeds(0.1) > 0.05
    c = q.servers_for(lam, mu, max_blocking=0.01).servers
    assert q.erlang_b(c, lam).probability <= 0.01
    if c > 1:
        assert q.erlang_b(c - 1, lam).probability > 0.01


def test_servers_for_loose_blocking_below_load():
    # B(c, 100) <= 0.2 already holds at c = 85 < a = 100 (B(85, 100) ≈ 0.187).
    c = q.servers_for(100.0, 1.0, max_blocking=0.2).servers
    assert c < 100
    assert q.erlang_b(c, 100.0).probability <= 0.2 < q.erlang_b(c - 1, 100.0).probability


def test_servers_for_textbook_and_errors():
    # Call centre: λ = 10/min, 1/μ = 1 min, 80 % wait < 20 s. Classic answer c = 13
    # (Erlang C at c = 13 gives P(Wq > 1/3) ≈ 0.105 ≤ 0.2; c = 12 gives ≈ 0.231).
    r = q.servers_for(10.0, 1.0, max_p_wait_exceeds=(1 / 3, 0.2))
    assert r.servers == 13
    with pytest.raises(ValueError, match="unreachable"):
        q.servers_for(10.0, 1.0, max_wait=0.0)
    with pytest.raises(TypeError, match="at least one"):
        q.servers_for(10.0, 1.0)
    with pytest.raises(ValueError, match="max_blocking"):
        q.servers_for(10.0, 1.0, max_blocking=1.5)
    with pytest.raises(TypeError, match="max_p_wait_exceeds"):
        q.servers_for(10.0, 1.0, max_p_wait_exceeds=0.1)


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        (lambda: q.mm1(1.0, 1.0), ValueError, "ρ = λ/μ = 1"),
        (lambda: q.mm1(2.0, 1.0), ValueError, "ρ"),
        (lambda: q.mmc(4.0, 1.0, 3), ValueError, "ρ"),
        (lambda: q.erlang_c(3, 3.0), ValueError, "ρ"),
        (lambda: q.mg1(1.0, "exp:0.5"), ValueError, "ρ"),
        (lambda: q.md1(2.0, 0.5), ValueError, "ρ"),
        (lambda: q.gg1("exp:1", "det:2"), ValueError, "ρ"),
        (lambda: q.ggc("exp:1", "det:2", 1), ValueError, "ρ"),
        (lambda: q.priority_mg1([0.5, 0.6], "exp:1"), ValueError, "ρ"),
        (lambda: q.mm1(math.nan, 1.0), ValueError, "arrival_rate"),
        (lambda: q.mm1(-0.1, 1.0), ValueError, "arrival_rate"),
        (lambda: q.mm1(0.5, math.inf), ValueError, "service_rate"),
        (lambda: q.mm1(0.5, 0.0), ValueError, "service_rate"),
        (lambda: q.mm1(True, 1.0), TypeError, "arrival_rate"),
        (lambda: q.mm1("1", 2.0), TypeError, "arrival_rate"),
        (lambda: q.mmc(1.0, 1.0, 0), ValueError, "servers"),
        (lambda: q.mmc(1.0, 1.0, 2.5), TypeError, "servers"),
        (lambda: q.mmc(1.0, 1.0, True), TypeError, "servers"),
        (lambda: q.mmck(1.0, 1.0, 3, 2), ValueError, "capacity"),
        (lambda: q.mmck(1.0, 1.0, 1, 10**9), ValueError, "capacity"),
        (lambda: q.erlang_b(0, 1.0), ValueError, "servers"),
        (lambda: q.erlang_b(2, -1.0), ValueError, "offered_load"),
        (lambda: q.mg1(0.5, "pareto:alpha=1.5,xm=1"), ValueError, "variance"),
        (lambda: q.mg1(0.5, "normal:1,1"), ValueError, "service"),
        (lambda: q.mg1(0.5, [1, 2]), TypeError, "service"),
        (lambda: q.mg1(0.5, "nosuch:1"), ValueError, "service"),
        (lambda: q.jackson([1.0], [2.0], [[0.0]], servers=np.array([0])), ValueError, "servers"),
        (lambda: q.md1(0.5, 0.0), ValueError, "service_time"),
        (lambda: q.priority_mg1([0.1, 0.2], ["exp:1"]), ValueError, "services"),
        (lambda: q.priority_mg1([0.1, math.inf], "exp:1"), ValueError, "arrival_rates"),
        (lambda: q.mm1(0.5, 1.0).wait_quantile(1.0), ValueError, "q"),
        (lambda: q.mm1(0.5, 1.0).p_wait_exceeds(-1.0), ValueError, "t"),
    ],
)
def test_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
