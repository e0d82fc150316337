"""simulate_network: exact answers, product-form and Burke checks, determinism, bad input.

Statistical checks compare a Student-t interval over replications with the exact value.
Where one test makes k such checks, each interval is at level 1 - 0.01/k (Bonferroni),
so the family of checks fails with probability at most 1% for a correct simulator;
with fixed seeds each test is deterministic. Quantile checks also allow the histogram's
relative resolution 2^-11.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import brentq

from qsmcore import _core
from qsmcore._seed import philox_key
from qsmcore.queueing import jackson, mmc, mmck
from qsmcore.queueing._network_sim import (
    NetworkSimulationResult,
    combine_network,
    simulate_network,
)
from qsmcore.queueing._simresult import COLUMNS
from qsmcore.random import as_distribution

HIST_REL = 2.0**-11

# External Poisson(1) arrivals at node 0; λ = (10/9, 5/9, 5/9), ρ = 25/36 at every node.
J_ARRIVALS = ["exp:1", None, None]
J_SERVICES = ["exp:1.6", "exp:0.4", "exp:0.8"]
J_ROUTING = [[0.0, 0.5, 0.3], [0.0, 0.0, 0.4], [0.2, 0.0, 0.0]]
J_SERVERS = [1, 2, 1]


def covers(ci, exact: float, slack: float = 0.0) -> bool:
    return abs(ci.mean - exact) <= ci.half_width + slack


def all_rows(r: NetworkSimulationResult) -> np.ndarray:
    return np.stack([nd.per_replication for nd in (*r.nodes, r.end_to_end)], axis=1)


# A network with every feature: two entry nodes, feedback, a finite buffer, non-exponential laws.
MIXED = dict(
    arrivals=["exp:0.7", "erlang:k=2,mean=2", None],
    services=["lognormal:mean=0.5,scv=2", "gamma:shape=2,scale=0.3", "uniform:0.2,1.0"],
    routing=[[0.1, 0.4, 0.3], [0.0, 0.0, 0.6], [0.25, 0.0, 0.0]],
    servers=[1, 2, 1],
    capacity=[None, 4, 3],
)


# --------------------------------------------------------------------------- exact answers


def test_deterministic_tandem_known_answer():
    # D/D/1 -> D/D/1, nobody waits: every figure follows from the window rules exactly.
    n, w = 1000, 100
    r = simulate_network(
        [1.0, None], [0.5, 0.25], [[0, 1], [0, 0]], customers=n, warmup=w, replications=2
    )
    a, b, e = r.nodes[0], r.nodes[1], r.end_to_end
    window = n - 1 - w  # T1 - T0
    np.testing.assert_array_equal(a.column("window"), window)
    np.testing.assert_array_equal(a.column("arrivals"), n - w)
    # the last customer reaches node 1 at T1 + 0.5, after the window closed
    np.testing.assert_array_equal(b.column("arrivals"), n - w - 1)
    np.testing.assert_array_equal(a.column("utilization"), 0.5)
    np.testing.assert_array_equal(b.column("utilization"), 0.25)
    np.testing.assert_array_equal(a.column("wait"), 0.0)
    np.testing.assert_array_equal(a.column("response"), 0.5)
    np.testing.assert_array_equal(b.column("response"), 0.25)
    np.testing.assert_array_equal(e.column("response"), 0.75)
    np.testing.assert_array_equal(e.column("served"), n - w)
    np.testing.assert_array_equal(e.column("number_in_system"), 0.75)
    np.testing.assert_array_equal(e.column("queue_length"), 0.0)
    assert np.isnan(e.column("utilization")).all()
    np.testing.assert_array_equal(r.per_replication_visits, 2.0)
    assert r.end_to_end.response_quantiles[0.5].mean == 0.75


def test_deterministic_loss_every_other_customer():
    # Arrivals every 1, service 1.5, room for one: each admitted customer is still in
    # service when the next one comes, so exactly every other customer is lost.
    r = simulate_network(
        [1.0], [1.5], [[0.0]], capacity=1, customers=2000, warmup=0, replications=2
    )
    nd = r.nodes[0]
    np.testing.assert_array_equal(nd.column("blocked"), 1000)
    np.testing.assert_array_equal(nd.column("blocking"), 0.5)
    np.testing.assert_array_equal(r.end_to_end.column("blocked"), 1000)
    assert r.visits.mean == 1.0


def test_stream_layout_single_node_is_lindley_on_the_documented_draws():
    # Replication 1 of one FIFO server: interarrivals are draws 0..n-1 of lane (1 << 8) | 0,
    # services (in order of service start) draws 0..n-1 of lane (1 << 8) | 1. Replaying
    # them through D_k = max(T_k, D_{k-1}) + S_k gives the simulated waits bit for bit.
    n, w, seed = 2000, 200, 7
    arrival, service = as_distribution("exp:1"), as_distribution("gamma:shape=2,scale=0.4")
    key = philox_key(seed)
    a = _core.sample(*arrival._kernel_args(), n, key, 0, (1 << 8) | 0, 1)
    s = _core.sample(*service._kernel_args(), n, key, 0, (1 << 8) | 1, 1)
    t = np.cumsum(a)  # sequential, as the kernel adds interarrivals
    d_prev, sum_w, sum_r = -math.inf, 0.0, 0.0
    for k in range(n):
        start = max(t[k], d_prev)
        d_prev = start + s[k]
        if k >= w:
            sum_w += start - t[k]
            sum_r += d_prev - t[k]
    r = simulate_network(
        [arrival], [service], [[0.0]], customers=n, warmup=w, replications=2, seed=seed
    )
    row = r.nodes[0].per_replication[1]
    assert row[COLUMNS.index("wait")] == sum_w / (n - w)
    assert row[COLUMNS.index("response")] == sum_r / (n - w)
    assert row[COLUMNS.index("window")] == t[-1] - t[w]


def test_stream_layout_routing_uniforms():
    # After its k-th completion node 0 routes with draw k of lane (r << 8) | 2 (unit 0):
    # to node 1 when u < 0.5. One FIFO server completes customers in arrival order, so
    # the visits per measured customer follow from the draws alone.
    n, w, seed = 3000, 300, 21
    r = simulate_network(
        ["exp:1", None],
        ["exp:2", "exp:5"],
        [[0, 0.5], [0, 0]],
        customers=n,
        warmup=w,
        replications=3,
        seed=seed,
    )
    u01 = as_distribution("uniform:0,1")
    for rep in range(3):
        u = _core.sample(*u01._kernel_args(), n, philox_key(seed), 0, (rep << 8) | 2, 1)
        assert r.per_replication_visits[rep] == (n - w + int((u[w:] < 0.5).sum())) / (n - w)


# --------------------------------------------------------------------------- versus theory


def test_jackson_three_nodes_match_product_form():
    exact = jackson([1, 0, 0], [1.6, 0.4, 0.8], J_ROUTING, J_SERVERS)
    checks = 3 * 5 + 4
    r = simulate_network(
        J_ARRIVALS,
        J_SERVICES,
        J_ROUTING,
        J_SERVERS,
        customers=50_000,
        replications=20,
        seed=4,
        confidence=1 - 0.01 / checks,
    )
    for i, (sim, ex) in enumerate(zip(r.nodes, exact.nodes, strict=True)):
        for name in ("utilization", "wait", "response", "queue_length", "number_in_system"):
            assert covers(getattr(sim, name), getattr(ex, name)), (i, name, getattr(sim, name))
    e = r.end_to_end
    assert covers(e.response, exact.response), e.response
    assert covers(e.wait, exact.wait), e.wait
    assert covers(e.number_in_system, exact.number_in_system), e.number_in_system
    assert covers(r.visits, float(exact.visit_ratios.sum())), r.visits
    assert r.end_to_end.blocking.mean == 0.0


def test_tandem_mm1_burke_sojourn_is_sum_of_exponentials():
    # Burke: the output of M/M/1 is Poisson and the two sojourns are independent, so the
    # end-to-end sojourn is Exp(μ1 - λ) + Exp(μ2 - λ).
    lam, mu1, mu2 = 1.0, 2.0, 1.5
    a, b = mu1 - lam, mu2 - lam

    def survival(t: float) -> float:
        return (b * math.exp(-a * t) - a * math.exp(-b * t)) / (b - a)

    p95 = brentq(lambda t: survival(t) - 0.05, 0.0, 100.0)
    checks = 3
    r = simulate_network(
        ["exp:1", None],
        ["exp:2", "exp:1.5"],
        [[0, 1], [0, 0]],
        customers=40_000,
        replications=20,
        seed=11,
        confidence=1 - 0.01 / checks,
    )
    e = r.end_to_end
    assert covers(e.response, 1 / a + 1 / b), e.response
    assert covers(e.response_quantiles[0.95], p95, HIST_REL * p95), e.response_quantiles[0.95]
    assert covers(e.wait, lam / mu1 / a + lam / mu2 / b), e.wait
    np.testing.assert_array_equal(r.per_replication_visits, 2.0)


def test_calibration_of_the_end_to_end_interval():
    # 100 independent studies of the Burke tandem (exact mean sojourn 3): a 95% interval
    # should cover 3 in Binomial(100, 0.95) of them; [88, 99] holds that with probability
    # 0.993 (below 88 is 3.2 standard deviations out, 100 has probability 0.95^100 = 0.006).
    hits = 0
    for seed in range(100):
        r = simulate_network(
            ["exp:1", None],
            ["exp:2", "exp:1.5"],
            [[0, 1], [0, 0]],
            customers=4000,
            warmup=400,
            replications=10,
            seed=seed,
            threads=1,
        )
        hits += 3.0 in r.end_to_end.response
    assert 88 <= hits <= 99, hits


def test_single_node_network_is_mmc():
    ex = mmc(2.4, 1.0, 3)
    names = ("utilization", "wait", "response", "queue_length", "number_in_system")
    checks = len(names) + 1
    r = simulate_network(
        ["exp:2.4"],
        ["exp:1"],
        [[0.0]],
        3,
        customers=50_000,
        replications=16,
        seed=3,
        confidence=1 - 0.01 / checks,
    )
    nd = r.nodes[0]
    for name in names:
        assert covers(getattr(nd, name), getattr(ex, name)), (name, getattr(nd, name))
    assert covers(nd.prob_wait, ex.p_wait), nd.prob_wait
    # one node: end-to-end equals the node, customer for customer
    np.testing.assert_array_equal(r.end_to_end.column("response"), nd.column("response"))
    np.testing.assert_array_equal(r.end_to_end.column("wait"), nd.column("wait"))


def test_finite_capacity_node_matches_mmck():
    ex = mmck(2.0, 1.0, 2, 5)
    names = ("blocking", "utilization", "number_in_system", "wait")
    r = simulate_network(
        ["exp:2"],
        ["exp:1"],
        [[0.0]],
        2,
        capacity=5,
        customers=40_000,
        replications=16,
        seed=5,
        confidence=1 - 0.01 / len(names),
    )
    nd = r.nodes[0]
    for name in names:
        assert covers(getattr(nd, name), getattr(ex, name)), (name, getattr(nd, name))
    # a loss at the only node is a loss of the customer
    np.testing.assert_array_equal(r.end_to_end.column("blocked"), nd.column("blocked"))
    np.testing.assert_array_equal(r.end_to_end.column("arrivals"), nd.column("arrivals"))


# --------------------------------------------------------------------------- determinism


def test_threads_do_not_change_results():
    one = simulate_network(**MIXED, customers=3000, replications=5, seed=9, threads=1)
    two = simulate_network(**MIXED, customers=3000, replications=5, seed=9, threads=2)
    np.testing.assert_array_equal(all_rows(one), all_rows(two))
    np.testing.assert_array_equal(one.per_replication_visits, two.per_replication_visits)
    assert one.nodes[1].blocking.mean > 0  # the finite buffers are exercised


@settings(max_examples=15, deadline=None)
@given(parts=st.lists(st.integers(2, 4), min_size=1, max_size=3), seed=st.integers(0, 2**32))
def test_split_invariance(parts: list[int], seed: int):
    total = sum(parts)
    whole = simulate_network(**MIXED, customers=400, replications=total, seed=seed, threads=2)
    runs, first = [], 0
    for k in parts:
        runs.append(
            simulate_network(
                **MIXED, customers=400, replications=k, seed=seed, first_replication=first
            )
        )
        first += k
    joined = combine_network(runs)
    np.testing.assert_array_equal(all_rows(joined), all_rows(whole))
    np.testing.assert_array_equal(joined.per_replication_visits, whole.per_replication_visits)
    assert joined.replications == total and joined.first_replication == 0
    assert joined.end_to_end.response == whole.end_to_end.response


@st.composite
def networks(draw):
    n = draw(st.integers(1, 4))
    weights = draw(
        st.lists(
            st.lists(st.integers(0, 3), min_size=n + 1, max_size=n + 1), min_size=n, max_size=n
        )
    )
    # the last weight of each row is the exit, at least 1: every node can leave
    p = [[w / (sum(row[:n]) + row[n] + 1) for w in row[:n]] for row in weights]
    arrivals = [draw(st.sampled_from([None, "exp:1", "erlang:k=3,mean=2"])) for _ in range(n)]
    arrivals[0] = arrivals[0] or "exp:0.8"
    servers = [draw(st.integers(1, 3)) for _ in range(n)]
    capacity = [draw(st.sampled_from([None, 0, 2])) for _ in range(n)]
    capacity = [None if k is None else c + k for c, k in zip(servers, capacity, strict=True)]
    services = [draw(st.sampled_from(["exp:1", "lognormal:mean=0.6,scv=3", 0.4])) for _ in range(n)]
    return dict(arrivals=arrivals, services=services, routing=p, servers=servers, capacity=capacity)


@settings(max_examples=25, deadline=None)
@given(net=networks(), seed=st.integers(0, 2**32))
def test_every_measured_customer_is_accounted_for(net, seed):
    customers, warmup = 600, 60
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # overloaded draws are fine here
        r = simulate_network(**net, customers=customers, warmup=warmup, replications=2, seed=seed)
    e = r.end_to_end
    np.testing.assert_array_equal(e.column("arrivals"), customers - warmup)
    np.testing.assert_array_equal(e.column("served") + e.column("blocked"), customers - warmup)
    assert (r.per_replication_visits >= 1).all()
    for nd in (*r.nodes, e):
        np.testing.assert_array_equal(
            nd.column("served") + nd.column("blocked"), nd.column("arrivals")
        )
        L, Lq = nd.column("number_in_system"), nd.column("queue_length")
        assert (L >= Lq).all() and (Lq >= 0).all()
    for nd, k in zip(r.nodes, net["capacity"], strict=True):
        u = nd.column("utilization")
        assert ((u >= 0) & (u <= 1 + 1e-12)).all()
        if k is not None:
            assert (nd.column("number_in_system") <= k + 1e-9).all()
        else:
            np.testing.assert_array_equal(nd.column("blocked"), 0)


def test_same_seed_same_result_other_seed_differs():
    a = simulate_network(**MIXED, customers=1000, replications=3, seed=1)
    b = simulate_network(**MIXED, customers=1000, replications=3, seed=1)
    c = simulate_network(**MIXED, customers=1000, replications=3, seed=2)
    d = simulate_network(**MIXED, customers=1000, replications=3, seed=np.random.SeedSequence(1))
    np.testing.assert_array_equal(all_rows(a), all_rows(b))
    np.testing.assert_array_equal(all_rows(a), all_rows(d))
    assert not np.array_equal(all_rows(a), all_rows(c), equal_nan=True)


def test_combine_refuses_other_models_and_gaps():
    a = simulate_network(["exp:1"], ["exp:2"], [[0.0]], customers=200, replications=2)
    b = simulate_network(
        ["exp:1"], ["exp:2"], [[0.0]], customers=300, replications=2, first_replication=2
    )
    with pytest.raises(ValueError, match="customers"):
        combine_network([a, b])
    c = simulate_network(
        ["exp:1"], ["exp:2"], [[0.0]], customers=200, replications=2, first_replication=3
    )
    with pytest.raises(ValueError, match="first_replication"):
        combine_network([a, c])
    d = simulate_network(
        ["exp:1"], ["exp:3"], [[0.0]], customers=200, replications=2, first_replication=2
    )
    with pytest.raises(ValueError, match="model"):
        combine_network([a, d])
    with pytest.raises(ValueError, match="at least one"):
        combine_network([])


# --------------------------------------------------------------------------- the result


def test_result_dict_and_text():
    r = simulate_network(**MIXED, customers=1000, replications=3, quantiles=(0.5, 0.9))
    d = r.to_dict()
    assert len(d["nodes"]) == 3 and d["replications"] == 3 and d["quantiles"] == [0.5, 0.9]
    assert d["end_to_end"]["response"]["n"] == 3
    text = str(r)
    assert "end to end" in text and "P90 sojourn" in text and "node 2" in text
    assert repr(r).startswith("NetworkSimulationResult(nodes=3, replications=3,")
    with pytest.raises(AttributeError):
        r.customers = 5  # type: ignore[misc]


def test_unreachable_closed_class_is_allowed():
    # nodes 1 and 2 trap each other but nobody ever gets there
    p = [[0, 0, 0], [0, 0, 1], [0, 1, 0]]
    r = simulate_network(["exp:1", None, None], "exp:2", p, customers=500, replications=2)
    assert r.nodes[1].column("arrivals").sum() == 0


def test_overloaded_node_warns_and_still_runs():
    with pytest.warns(RuntimeWarning, match=r"node 1 .*ρ = .* = 1\.5 ≥ 1"):
        r = simulate_network(
            ["exp:1", None],
            ["exp:2", "exp:0.5"],
            [[0, 0.75], [0, 0]],
            customers=500,
            replications=2,
        )
    assert r.nodes[1].queue_length.mean > 0


# --------------------------------------------------------------------------- bad input


class _Huge(Sequence):
    def __len__(self) -> int:
        return 2**24 + 1

    def __getitem__(self, i):  # pragma: no cover - never read
        raise AssertionError("not read")


GOOD = dict(arrivals=["exp:1", None], services=["exp:2", "exp:2"], routing=[[0, 0.5], [0, 0]])


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (dict(routing=[[0, 0.5, 0], [0, 0, 0]]), "routing"),
        (dict(routing=[[0, 0.5, 0], [0, 0, 0], [0, 0, 0]]), "routing"),
        (dict(routing=[[0, -0.1], [0, 0]]), "routing"),
        (dict(routing=[[0, math.nan], [0, 0]]), "routing"),
        (dict(routing=[[0.6, 0.5], [0, 0]]), "routing"),
        (dict(routing=[[0, 1.0], [1.0, 0]]), "routing traps"),
        (dict(routing=[[0, 0.5], [0, 1.0]]), "routing traps"),
        (dict(servers=0), "servers"),
        (dict(servers=[1, -2]), r"servers\[1\]"),
        (dict(servers=[1, 1, 1]), "servers"),
        (dict(capacity=[None, 0]), r"capacity\[1\]"),
        (dict(servers=2, capacity=1), r"capacity\[0\]"),
        (dict(arrivals=[None, None]), "arrivals"),
        (dict(arrivals=[]), "arrivals"),
        (dict(arrivals=_Huge()), "arrivals"),
        (dict(arrivals=[math.nan, None]), r"arrivals\[0\]"),
        (dict(arrivals=[-1.0, None]), r"arrivals\[0\]"),
        (dict(arrivals=[0.0, None]), r"arrivals\[0\]"),
        (dict(services=["normal:1,1", "exp:1"]), r"services\[0\]"),
        (dict(services=["exp:1"]), "services"),
        (dict(customers=0), "customers"),
        (dict(customers=100, warmup=100), "warmup"),
        (dict(warmup=-1), "warmup"),
        (dict(replications=1), "replications"),
        (dict(replications=2**24 + 1), "replications"),
        (dict(first_replication=2**24 - 1), "first_replication"),
        (dict(quantiles=(0.9, 0.5)), "quantiles"),
        (dict(quantiles=(0.5, 1.0)), "quantiles"),
        (dict(confidence=1.0), "confidence"),
        (dict(seed=-1), "seed"),
        (dict(threads=0), "threads"),
    ],
)
def test_bad_input_value_error(change, match):
    kwargs = {**GOOD, "customers": 100, "replications": 2, **change}
    with pytest.raises(ValueError, match=match):
        simulate_network(**kwargs)


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (dict(arrivals="exp:1"), "arrivals"),
        (dict(arrivals=[object(), None]), r"arrivals\[0\]"),
        (dict(routing="abc"), "routing"),
        (dict(servers=1.5), "servers"),
        (dict(capacity=[None, 2.5]), r"capacity\[1\]"),
        (dict(customers=1e5), "customers"),
        (dict(replications=True), "replications"),
        (dict(quantiles=0.5), "quantiles"),
        (dict(seed=1.5), "seed"),
        (dict(threads=1.0), "threads"),
    ],
)
def test_bad_input_type_error(change, match):
    kwargs = {**GOOD, "customers": 100, "replications": 2, **change}
    with pytest.raises(TypeError, match=match):
        simulate_network(**kwargs)
