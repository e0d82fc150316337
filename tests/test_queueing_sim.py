"""qsmcore.queueing.simulate against exact queueing theory, its own trace, and its contract.

Each case checks its mean wait against the 95% interval the API reports and its other
figures against 99% intervals from the same replications (a case checks up to ten
figures; at 95% each, one in three cases would miss one by chance). The calibration
test checks separately that 95% intervals cover about 95% of the time.
"""

from __future__ import annotations

import heapq
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import qsmcore.queueing as Q
from qsmcore import _core, _seed
from qsmcore.queueing._simresult import COLUMNS, interval
from qsmcore.random import as_distribution, sample

from .gpu import requires_gpu

# --------------------------------------------------------------------------- exact values


def covers(ci, value):
    """``ci`` is the API's 95% interval for the main figure, or a (result, field) pair
    whose per-replication values get a 99% interval."""
    if isinstance(ci, tuple):
        result, name = ci
        ci = interval(result.column(name), 0.99)
    assert ci.low <= value <= ci.high, f"{value} not in [{ci.low}, {ci.high}]"


def q99(result, which, q):
    j = result.quantiles.index(q) + (len(result.quantiles) if which == "response" else 0)
    return interval(result.per_replication[:, len(COLUMNS) + j], 0.99)


def check_mmc(r, exact, quantiles=True):
    covers(r.wait, exact.wait)
    covers((r, "response"), exact.response)
    covers((r, "queue_length"), exact.queue_length)
    covers((r, "number_in_system"), exact.number_in_system)
    covers((r, "utilization"), exact.utilization)
    covers((r, "prob_wait"), exact.p_wait)
    if quantiles:
        for q in (0.95, 0.99):
            covers(q99(r, "wait", q), exact.wait_quantile(q))


@pytest.mark.parametrize(
    ("rho", "customers", "reps"), [(0.5, 200_000, 10), (0.9, 400_000, 10), (0.99, 2_000_000, 8)]
)
def test_mm1_covers_exact(rho, customers, reps):
    r = Q.simulate(f"exp:{rho}", "exp:1", customers=customers, replications=reps, seed=11)
    # At rho = 0.99 the relaxation time is ~1/(1 - sqrt(rho))^2 = 4e4 services, so one
    # replication holds only ~50 independent stretches: its P99 estimate is biased low
    # (a quantile of a short correlated sample); the means are unbiased.
    check_mmc(r, Q.mm1(rho, 1.0), quantiles=rho < 0.99)
    covers((r, "throughput"), rho)
    assert r.blocking.mean == 0.0


def test_mmc_covers_exact():
    r = Q.simulate("exp:7.2", "exp:1", 8, customers=300_000, replications=10, seed=3)
    check_mmc(r, Q.mmc(7.2, 1.0, 8))


def test_md1_and_mg1_cover_pollaczek_khinchine():
    r = Q.simulate("exp:0.8", "det:1", customers=300_000, replications=10, seed=5)
    exact = Q.md1(0.8, 1.0)
    covers(r.wait, exact.wait)
    covers((r, "queue_length"), exact.queue_length)
    covers((r, "number_in_system"), exact.number_in_system)
    service = "lognormal:mean=1,scv=4"
    r = Q.simulate("exp:0.6", service, customers=400_000, replications=12, seed=8)
    exact = Q.mg1(0.6, service)
    covers(r.wait, exact.wait)
    covers((r, "response"), exact.response)
    covers((r, "queue_length"), exact.queue_length)
    covers((r, "utilization"), 0.6)


def test_mmck_covers_exact_blocking():
    r = Q.simulate("exp:2.5", "exp:1", 2, capacity=5, customers=200_000, replications=10, seed=2)
    exact = Q.mmck(2.5, 1.0, 2, 5)
    covers((r, "blocking"), exact.blocking)
    covers((r, "throughput"), exact.throughput)
    covers(r.wait, exact.wait)
    covers((r, "number_in_system"), exact.number_in_system)
    covers((r, "queue_length"), exact.queue_length)
    covers((r, "utilization"), exact.utilization)


def test_two_class_priority_covers_exact():
    r = Q.simulate(
        ["exp:0.3", "exp:0.4"], ["exp:1", "exp:1"], customers=300_000, replications=10, seed=4
    )
    exact = Q.priority_mg1([0.3, 0.4], ["exp:1", "exp:1"])
    assert len(r.classes) == 2
    for k in range(2):
        covers(r.classes[k].wait, exact.waits[k])
        covers((r.classes[k], "queue_length"), exact.queue_lengths[k])
        covers((r.classes[k], "utilization"), exact.utilizations[k])
    covers(r.wait, exact.wait)
    covers((r, "utilization"), 0.7)


def test_priority_with_capacity_keeps_the_mmck_totals():
    # With equal exponential service the number in system does not depend on the
    # order of service, so two priority classes sharing K = 5 places lose customers
    # exactly as M/M/1/5 at the total rate does.
    r = Q.simulate(
        ["exp:0.4", "exp:0.5"],
        ["exp:1", "exp:1"],
        capacity=5,
        customers=200_000,
        replications=10,
        seed=6,
    )
    exact = Q.mmck(0.9, 1.0, 1, 5)
    covers(r.blocking, exact.blocking)
    covers((r, "number_in_system"), exact.number_in_system)
    covers((r, "throughput"), exact.throughput)
    assert r.classes[0].wait.mean < r.wait.mean < r.classes[1].wait.mean
    lost = sum(c.per_replication[:, COLUMNS.index("blocked")] for c in r.classes)
    np.testing.assert_array_equal(lost, r.column("blocked"))


def test_mixed_service_priority_covers_exact():
    services = ["det:0.5", "lognormal:mean=1,scv=2"]
    r = Q.simulate(["exp:0.5", "exp:0.4"], services, customers=300_000, replications=10, seed=9)
    exact = Q.priority_mg1([0.5, 0.4], services)
    for k in range(2):
        covers(r.classes[k].wait, exact.waits[k])


def test_confidence_intervals_are_calibrated():
    # 300 independent experiments of 10 replications each: a 95% interval for Wq of
    # M/M/1 at rho = 0.5 (exact 1.0) must cover about 95% of the time. Binomial sd of
    # the coverage is 1.3%; [0.90, 0.99] is about 3.5 sd either way.
    hits = 0
    n = 300
    for seed in range(n):
        r = Q.simulate("exp:0.5", "exp:1", customers=4000, warmup=400, replications=10, seed=seed)
        hits += r.wait.low <= 1.0 <= r.wait.high
    assert 0.90 <= hits / n <= 0.99


# --------------------------------------------------------------------------- the trace


def lindley_reference(arrival, service, c):
    """Kiefer–Wolfowitz in plain Python: FIFO start times for c servers."""
    free = [(0.0, j) for j in range(c)]
    starts = np.empty_like(arrival)
    for i, (a, s) in enumerate(zip(arrival, service, strict=True)):
        f, j = heapq.heappop(free)
        starts[i] = max(a, f)
        heapq.heappush(free, (starts[i] + s, j))
    return starts


def window_average(trace, t0, t1, waiting_only=False):
    t, n = trace.number_in_system(waiting_only=waiting_only)
    edges = np.clip(np.r_[t, np.inf], t0, t1)
    return float(np.sum(n * np.diff(edges)) / (t1 - t0))


@pytest.mark.parametrize(
    ("servers", "capacity", "service", "n"),
    [
        (1, None, "lognormal:mean=1,scv=2", 3000),
        (3, None, "lognormal:mean=1,scv=2", 3000),
        (1, 4, "lognormal:mean=1,scv=2", 3000),
        (3, 5, "lognormal:mean=1,scv=2", 3000),
        # Heavy tails: with 3 servers the window corrections often look back past
        # 4096 customers (the first ring size), and the replication reruns with more room.
        (3, None, "pareto:alpha=1.3,xm=0.25", 30_000),
        (1, None, "pareto:alpha=1.3,xm=0.2", 30_000),
    ],
)
def test_trace_matches_recursion_and_row(servers, capacity, service, n):
    warm = n // 4
    r = Q.simulate(
        "exp:2.7" if servers == 3 else "exp:0.9",
        service,
        servers,
        capacity=capacity,
        customers=n,
        warmup=warm,
        replications=3,
        seed=21,
        trace=True,
    )
    tr = r.trace
    assert len(tr) == n
    # Interarrival times are qsmcore.random.sample's stream (lane 0 of replication 0).
    gaps = sample("exp:2.7" if servers == 3 else "exp:0.9", n, seed=21)
    np.testing.assert_array_equal(tr.arrival, np.cumsum(gaps))
    served = ~tr.blocked
    if capacity is None:
        ref = lindley_reference(tr.arrival, tr.departure - tr.start, servers)
        np.testing.assert_allclose(tr.start, ref, rtol=1e-12)
    else:
        assert tr.blocked.sum() > 0
        _, count = tr.number_in_system()
        assert count.max() <= capacity
    # The row of replication 0 is what its trace says.
    row = dict(zip(COLUMNS, r.per_replication[0], strict=False))
    m = np.arange(n) >= warm
    assert row["served"] == np.sum(m & served)
    assert row["blocked"] == np.sum(m & ~served)
    np.testing.assert_allclose(row["wait"], np.mean(tr.wait[m & served]), rtol=1e-10)
    np.testing.assert_allclose(row["response"], np.mean(tr.response[m & served]), rtol=1e-10)
    t0, t1 = tr.arrival[warm], tr.arrival[-1]
    np.testing.assert_allclose(row["number_in_system"], window_average(tr, t0, t1), rtol=1e-9)
    np.testing.assert_allclose(row["queue_length"], window_average(tr, t0, t1, True), rtol=1e-9)
    busy = np.sum(np.clip(tr.departure[served], t0, t1) - np.clip(tr.start[served], t0, t1)) / (
        servers * (t1 - t0)
    )
    np.testing.assert_allclose(row["utilization"], busy, rtol=1e-9)
    # Exact per-replication quantiles within the histogram's relative resolution 2^-11.
    waits = np.sort(tr.wait[m & served])
    for j, q in enumerate(r.quantiles):
        exact = waits[max(math.ceil(q * waits.size), 1) - 1]
        got = r.per_replication[0, len(COLUMNS) + j]
        assert got == exact == 0.0 or abs(got - exact) <= exact * 2**-11 * 1.0001


def test_trace_of_priority_station():
    r = Q.simulate(
        ["exp:0.3", "exp:0.5"],
        ["exp:1", "exp:1"],
        customers=2000,
        replications=2,
        seed=1,
        trace=True,
    )
    tr = r.trace
    assert set(np.unique(tr.customer_class)) == {0, 1}
    assert np.all(tr.start >= tr.arrival)
    # Non-preemptive priority: whenever a class-1 customer starts, no class-0 customer
    # is waiting (arrived earlier and starting later).
    c0 = tr.customer_class == 0
    for i in np.flatnonzero(~c0)[:500]:
        waiting = c0 & (tr.arrival < tr.start[i]) & (tr.start > tr.start[i])
        assert not waiting.any()


def run_kernel(arrival, service, servers, capacity, *, event_loop=False, scalar=False, reps=4):
    args = [as_distribution(x)._kernel_args() for x in (arrival, service)]
    ps = np.array([0.5, 0.9, 0.99])
    key = _seed.philox_key(7)
    rows, _ = _core.simulate_station(
        [args[0]],
        [args[1]],
        servers,
        capacity,
        20_000,
        1000,
        ps,
        key,
        5,
        reps,
        False,
        event_loop,
        scalar,
        0,
    )
    return rows[:, 0, :]


@pytest.mark.parametrize(
    ("arrival", "service", "servers", "capacity"),
    [
        ("exp:0.9", "exp:1", 1, 0),
        ("gamma:shape=0.5,scale=0.4", "lognormal:mean=1,scv=3", 2, 0),
        ("uniform:0,0.5", "hyperexp:mean=1,scv=5", 3, 7),
        ("exp:20", "weibull:shape=0.7,scale=1", 24, 0),  # the server heap (c > 16)
    ],
)
def test_scalar_draws_equal_simd_batches(arrival, service, servers, capacity):
    # The GPU runs each replication with ScalarDraws (one DrawRng per variate); the
    # CPU with SIMD Philox blocks. Same counters, so the same rows bit for bit.
    batched = run_kernel(arrival, service, servers, capacity)
    scalar = run_kernel(arrival, service, servers, capacity, scalar=True)
    np.testing.assert_array_equal(batched, scalar)


def test_event_loop_equals_recursion_for_fifo():
    for servers, capacity in [(1, 0), (2, 0), (2, 6), (20, 0)]:
        out = [
            run_kernel("exp:1.6", "gamma:shape=2,scale=0.5", servers, capacity, event_loop=ev)
            for ev in (False, True)
        ]
        exact_cols = [
            COLUMNS.index(c)
            for c in ("arrivals", "served", "blocked", "wait", "response", "prob_wait")
        ]
        exact_cols += list(range(len(COLUMNS), out[0].shape[1]))
        np.testing.assert_array_equal(out[0][:, exact_cols], out[1][:, exact_cols])
        np.testing.assert_allclose(out[0], out[1], rtol=1e-9)


# --------------------------------------------------------------------------- determinism

MODELS = [
    dict(arrival="exp:0.9", service="exp:1"),
    dict(arrival="exp:2.5", service="lognormal:mean=1,scv=3", servers=3, capacity=6),
    dict(arrival=["exp:0.3", "exp:0.4"], service=["det:1", "exp:1"], servers=1),
]


@pytest.mark.parametrize("model", MODELS)
def test_thread_count_does_not_change_results(model):
    runs = [
        Q.simulate(**model, customers=5000, replications=9, seed=3, threads=t) for t in (1, 2, 5)
    ]
    for r in runs[1:]:
        np.testing.assert_array_equal(r.per_replication, runs[0].per_replication)


@given(split=st.integers(2, 10), first=st.integers(0, 1000), model=st.sampled_from(MODELS))
def test_split_runs_combine_to_the_single_run(split, first, model):
    kw = dict(model, customers=1000, seed=99)
    whole = Q.simulate(**kw, replications=12, first_replication=first)
    parts = [
        Q.simulate(**kw, replications=split, first_replication=first),
        Q.simulate(**kw, replications=12 - split, first_replication=first + split),
    ]
    both = Q.combine(parts)
    np.testing.assert_array_equal(both.per_replication, whole.per_replication)
    assert both.wait == whole.wait and both.wait_quantiles == whole.wait_quantiles
    for a, b in zip(both.classes, whole.classes, strict=True):
        np.testing.assert_array_equal(a.per_replication, b.per_replication)


def test_seed_selects_the_stream():
    a = Q.simulate("exp:0.5", "exp:1", customers=1000, replications=2, seed=1)
    b = Q.simulate("exp:0.5", "exp:1", customers=1000, replications=2, seed=1)
    c = Q.simulate("exp:0.5", "exp:1", customers=1000, replications=2, seed=2)
    np.testing.assert_array_equal(a.per_replication, b.per_replication)
    assert not np.array_equal(a.per_replication, c.per_replication)
    # Replications are independent streams, not copies.
    assert a.per_replication[0, 3] != a.per_replication[1, 3]


def test_combine_rejects_mismatched_runs():
    a = Q.simulate("exp:0.5", "exp:1", customers=1000, replications=2)
    b = Q.simulate("exp:0.5", "exp:1", customers=1000, replications=2, first_replication=2)
    with pytest.raises(ValueError, match="consecutive"):
        Q.combine([b, a])
    c = Q.simulate("exp:0.6", "exp:1", customers=1000, replications=2, first_replication=2)
    with pytest.raises(ValueError, match="model"):
        Q.combine([a, c])
    with pytest.raises(ValueError, match="at least one"):
        Q.combine([])


def test_result_shape_and_serialization():
    r = Q.simulate("exp:0.5", "exp:1", customers=2000, replications=4, quantiles=(0.9, 0.99))
    d = r.to_dict()
    assert d["replications"] == 4 and set(d["wait_quantiles"]) == {"0.9", "0.99"}
    assert "M/M/1" in str(r) and "P99 wait" in str(r)
    assert r.column("wait").shape == (4,)
    with pytest.raises(ValueError, match="name"):
        r.column("nope")
    with pytest.raises(ValueError):
        r.per_replication[0, 0] = 1.0  # read-only


def test_overloaded_station_runs_as_a_transient():
    r = Q.simulate("exp:1.2", "exp:1", customers=20_000, replications=2, seed=1)
    assert r.utilization.mean > 0.99 and r.wait.mean > 100


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        (dict(arrival="exp:-1"), ValueError, "arrival"),
        (dict(service="exp:nan"), ValueError, "service"),
        (dict(service="normal:0,1"), ValueError, "service"),
        (dict(servers=0), ValueError, "servers"),
        (dict(servers=1.5), TypeError, "servers"),
        (dict(servers=2, capacity=1), ValueError, "capacity"),
        (dict(customers=1), ValueError, "customers"),
        (dict(customers=100, warmup=99), ValueError, "warmup"),
        (dict(replications=1), ValueError, "replications"),
        (dict(replications=2**25), ValueError, "replications"),
        (dict(first_replication=-1), ValueError, "first_replication"),
        (dict(quantiles=(0.9, 0.5)), ValueError, "quantiles"),
        (dict(quantiles=(0.5, 1.0)), ValueError, "quantiles"),
        (dict(confidence=1.0), ValueError, "confidence"),
        (dict(arrival=["exp:1", "exp:1"]), ValueError, "same number of classes"),
        (dict(arrival=[]), ValueError, "arrival"),
        (dict(trace="yes"), TypeError, "trace"),
        (dict(threads=0), ValueError, "threads"),
        (dict(backend="tpu"), ValueError, "backend"),
    ],
)
def test_bad_input(kwargs, exc, match):
    base = dict(arrival="exp:0.5", service="exp:1", customers=1000, replications=2)
    base.update(kwargs)
    with pytest.raises(exc, match=match):
        Q.simulate(**base)


def test_float_counts_that_are_integers_are_accepted():
    r = Q.simulate("exp:0.5", "exp:1", customers=1e3, replications=2.0)
    assert r.customers == 1000 and r.replications == 2
    assert math.isfinite(r.wait.mean)


# --------------------------------------------------------------------------- GPU


@requires_gpu
@pytest.mark.parametrize(
    ("arrival", "service", "servers", "capacity"),
    [
        ("exp:0.9", "exp:1", 1, None),
        ("exp:7.2", "lognormal:mean=1,scv=4", 8, None),
        ("exp:2.5", "exp:1", 2, 5),
        ("exp:20", "gamma:shape=2,scale=0.5", 24, None),
    ],
)
def test_cuda_replications_agree_with_cpu(arrival, service, servers, capacity):
    kw = dict(customers=50_000, replications=40, seed=5, first_replication=3, capacity=capacity)
    cpu = Q.simulate(arrival, service, servers, backend="cpu", **kw)
    gpu = Q.simulate(arrival, service, servers, backend="cuda", **kw)
    # Same counters, same recursion: counts are identical; times differ only by the
    # last-ulp differences of the device's log/exp, accumulated over the run.
    counts = [COLUMNS.index(c) for c in ("arrivals", "served", "blocked")]
    np.testing.assert_array_equal(cpu.per_replication[:, counts], gpu.per_replication[:, counts])
    np.testing.assert_allclose(gpu.per_replication, cpu.per_replication, rtol=1e-6, atol=1e-9)


@requires_gpu
def test_cuda_rejects_what_it_cannot_run():
    with pytest.raises(ValueError, match="single-class"):
        Q.simulate(["exp:0.3", "exp:0.3"], ["exp:1", "exp:1"], customers=100, backend="cuda")
    with pytest.raises(ValueError, match="trace"):
        Q.simulate("exp:0.3", "exp:1", customers=100, backend="cuda", trace=True)
