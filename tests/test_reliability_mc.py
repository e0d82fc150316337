"""qsmcore.reliability.monte_carlo: the bit-parallel Monte Carlo kernel.

The stream contract is pinned by a pure-Python reimplementation of the documented
Bernoulli-word scheme (docs/determinism.md, "Reliability Monte Carlo") built on the
known-answer-tested Philox primitive; gate evaluation against Program.evaluate;
estimates against brute-force enumeration of all 2^E states.
"""

import math
import os
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qsmcore import _core
from qsmcore._seed import philox_key
from qsmcore.reliability import MonteCarloResult, combine, importance_bias, monte_carlo
from qsmcore.reliability._program import AND, NOT, OR, VOTE, Program

ALL = (1 << 64) - 1


def program(p, gates, top=None):
    """A Program from event probabilities and gates [(op, inputs, k), ...]."""
    p = np.asarray(p, dtype=np.float64)
    ops = np.array([g[0] for g in gates], dtype=np.int32)
    ks = np.array([g[2] if len(g) > 2 else 0 for g in gates], dtype=np.int32)
    sizes = [len(g[1]) for g in gates]
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int32)
    inputs = np.array([i for g in gates for i in g[1]], dtype=np.int32)
    if top is None:
        top = p.size + len(gates) - 1
    names = tuple(f"e{i}" for i in range(p.size))
    return Program(names, p, ops, ks, offsets, inputs, int(top))


def exact(prog):
    """P(top fails) by enumerating every state of the basic events."""
    e = prog.n_events
    states = ((np.arange(2**e)[:, None] >> np.arange(e)) & 1).astype(bool)
    weight = np.prod(np.where(states, prog.p, 1.0 - prog.p), axis=1)
    return float(np.sum(weight[prog.evaluate(states)]))


def bridge(p):
    # 5-component bridge as a fault tree over its minimal cut sets {0,1},{3,4},{0,2,4},{1,2,3}
    cuts = [(AND, [0, 1]), (AND, [3, 4]), (AND, [0, 2, 4]), (AND, [1, 2, 3])]
    return program(p, [*cuts, (OR, [5, 6, 7, 8])])


SYSTEMS = {
    "series3": program([0.1, 0.05, 0.2], [(OR, [0, 1, 2])]),
    "parallel3": program([0.3, 0.4, 0.5], [(AND, [0, 1, 2])]),
    "2of3": program([0.2, 0.3, 0.1], [(VOTE, [0, 1, 2], 2)]),
    "bridge": bridge([0.1, 0.2, 0.3, 0.15, 0.25]),
    # repeated event 0 under two gates, a NOT, and a 3-of-5 vote
    "mixed": program(
        [0.2, 0.3, 0.4, 0.1, 0.5, 0.25],
        [
            (AND, [0, 1]),
            (OR, [0, 2]),
            (NOT, [3]),
            (VOTE, [6, 7, 8, 4, 5], 3),
            (OR, [9, 1]),
        ],
    ),
}


# --- the documented stream, by hand ------------------------------------------------


GROUP = 64  # blocks per sampling group (bernoulli_group.hpp: kGroupWords)


def _words(key, index, lane):
    """The 64-bit words w0, w1, ... of DrawRng(key, index, lane)."""
    c0 = 0
    while True:
        ctr = np.array([[c0, lane, index & 0xFFFFFFFF, index >> 32]], dtype=np.uint32)
        v = [int(x) for x in _core.philox4x32(ctr, key & 0xFFFFFFFF, key >> 32, 10)[0]]
        yield v[0] | v[1] << 32
        yield v[2] | v[3] << 32
        c0 += 1


def _deposit(src, mask):
    """The low bits of src onto the set bits of mask, lowest first (pdep, any width)."""
    out, bit = 0, 0
    while mask:
        low = mask & -mask
        if src >> bit & 1:
            out |= low
        bit += 1
        mask ^= low
    return out


def reference_group(p, key, group, lane):
    """Event words of the GROUP blocks of `group`, by the documented levels: level L's
    trials compare one random word's bit with p_L; those that agree become, in order,
    the trials of level L + 1; going back up, each level's undecided lanes take the
    outcomes of the level below in order."""
    if p == 0.0:
        return [0] * GROUP
    if p >= 1.0:
        return [ALL] * GROUP
    f, ex = math.frexp(p)
    m = int(math.ldexp(f, 53))
    tz = (m & -m).bit_length() - 1
    odd, first, last = m >> tz, 1 - ex, 53 - ex - tz
    words = _words(key, group, lane)
    levels, trials, level = [], 64 * GROUP, 1
    while True:
        one = first <= level <= last and odd >> (last - level) & 1
        und = fail = 0
        for k in range(-(-trials // 64)):
            r = next(words)
            lanes = (1 << min(64, trials - 64 * k)) - 1
            pm = ALL if one else 0
            und |= (~(r ^ pm) & lanes) << (64 * k)
            fail |= (~r & pm & lanes) << (64 * k)
        levels.append((und, fail))
        trials = bin(und).count("1")
        if trials == 0 or level >= last:
            break
        level += 1
    out = levels[-1][1]
    for und, fail in reversed(levels[:-1]):
        out = fail | _deposit(out, und)
    return [out >> (64 * j) & ALL for j in range(GROUP)]


def kernel_words(prog, key, first_block, n_blocks, threads=0):
    return _core.reliability_mc_words(
        prog.p, prog.op, prog.k, prog.offsets, prog.inputs, prog.top, key, first_block,
        n_blocks, threads,
    )  # fmt: skip


def unpack(words):
    """uint64 words (..., ) -> bool (..., 64), bit t of a word = trial t."""
    w = np.asarray(words, dtype=np.uint64)
    return ((w[..., None] >> np.arange(64, dtype=np.uint64)) & np.uint64(1)).astype(bool)


def test_event_words_follow_the_documented_scheme():
    p = [0.5, 0.3, 1e-3, 1.0 / 3.0, 0.999999, 0.0, 1.0, 5e-324, 1e-12, 0.75]
    prog = program(p, [(OR, list(range(len(p))))])
    key = philox_key(2024)
    group = 2**33 + 5  # group ids above 32 bits use the counter's high word
    first = group * GROUP + 40  # 50 blocks across the boundary of two groups
    events, _ = kernel_words(prog, key, first, 50)
    for i, pi in enumerate(p):
        ref = reference_group(pi, key, group, i) + reference_group(pi, key, group + 1, i)
        for b in range(50):
            assert int(events[b, i]) == ref[40 + b], (b, i, pi)


@pytest.mark.parametrize(
    "start,n",
    [(0, 1), (0, 100), (63, 2), (4000, 200), (4095, 1), (4096 - 10, 4096 + 20), (12345, 33333)],
)
def test_failure_counts_are_the_words_of_the_range(start, n):
    # ranges that start and end inside blocks and groups: whole groups are sampled,
    # only [start, start + n) counts
    prog, key = SYSTEMS["mixed"], philox_key(1)
    first, last = start // 64, (start + n - 1) // 64
    _, top = kernel_words(prog, key, first, last - first + 1)
    want = int(unpack(top).ravel()[start - 64 * first :][:n].sum())
    for threads in (1, 2):
        got = _core.reliability_mc(
            prog.p, np.zeros(0), prog.op, prog.k, prog.offsets, prog.inputs, prog.top, key,
            start, n, threads,
        )[0]  # fmt: skip
        assert got == want


def test_top_word_is_program_evaluate_on_the_unpacked_states():
    for name, prog in SYSTEMS.items():
        events, top = kernel_words(prog, philox_key(7), 100, 40)
        states = unpack(events).transpose(0, 2, 1)  # (block, trial, event)
        np.testing.assert_array_equal(unpack(top), prog.evaluate(states), err_msg=name)


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_random_programs_evaluate_like_numpy(data):
    n_events = data.draw(st.integers(1, 6))
    p = data.draw(st.lists(st.sampled_from([0.0, 0.2, 0.5, 0.9, 1.0]), min_size=n_events,
                           max_size=n_events))  # fmt: skip
    gates = []
    for j in range(data.draw(st.integers(1, 6))):
        nodes = n_events + j
        op = data.draw(st.sampled_from([AND, OR, VOTE, NOT]))
        if op == NOT:
            ins = [data.draw(st.integers(0, nodes - 1))]
        else:
            ins = data.draw(st.lists(st.integers(0, nodes - 1), min_size=1, max_size=8))
        k = data.draw(st.integers(1, len(ins))) if op == VOTE else 0
        gates.append((op, ins, k))
    prog = program(p, gates)
    events, top = kernel_words(prog, philox_key(3), 0, 2)
    states = unpack(events).transpose(0, 2, 1)
    np.testing.assert_array_equal(unpack(top), prog.evaluate(states))


def test_wide_vote_uses_a_multi_bit_counter():
    # 40 inputs: the bit-sliced counter needs 6 bits (k = 2 .. 4 take the running
    # "at least i" rows instead); every threshold against NumPy
    p = np.linspace(0.05, 0.95, 40)
    for k in (1, 2, 3, 4, 5, 17, 20, 33, 40):
        prog = program(p, [(VOTE, list(range(40)), k)])
        events, top = kernel_words(prog, philox_key(11), 0, 4)
        states = unpack(events).transpose(0, 2, 1)
        np.testing.assert_array_equal(unpack(top), prog.evaluate(states), err_msg=str(k))


def test_portable_paths_give_the_same_words():
    # QSM_SIMD=baseline: SSE2 Philox and the portable pdep (Hacker's Delight expand)
    # instead of AVX2 + BMI2.
    code = (
        "import numpy as np, sys; sys.path.insert(0, 'tests');"
        "from test_reliability_mc import SYSTEMS, kernel_words;"
        "e, t = kernel_words(SYSTEMS['mixed'], 99, 5, 50);"
        "sys.stdout.write(str(int(np.bitwise_xor.reduce(e.ravel()) ^ np.bitwise_xor.reduce(t))))"
    )
    env = dict(os.environ, QSM_SIMD="baseline")
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=here, capture_output=True,
                         text=True, check=True)  # fmt: skip
    e, t = kernel_words(SYSTEMS["mixed"], 99, 5, 50)
    assert int(out.stdout) == int(np.bitwise_xor.reduce(e.ravel()) ^ np.bitwise_xor.reduce(t))


# --- estimates ----------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SYSTEMS))
def test_interval_covers_the_exact_answer(name):
    prog = SYSTEMS[name]
    truth = exact(prog)
    # 99.9% intervals with fixed seeds: a miss here is a bug, not bad luck.
    r = monte_carlo(prog, 50_000, seed=1, confidence=0.999)
    assert r.low <= truth <= r.high, (r, truth)
    assert r.estimator == "naive" and r.interval == "clopper-pearson"
    # the estimate is within 4 binomial standard errors
    assert abs(r.probability - truth) < 4 * math.sqrt(truth * (1 - truth) / r.trials)
    ri = monte_carlo(prog, 50_000, seed=1, method="importance", confidence=0.999)
    assert ri.low <= truth <= ri.high, (ri, truth)


def test_naive_coverage_is_calibrated():
    prog = SYSTEMS["2of3"]
    truth = exact(prog)
    hits = 0
    for s in range(200):
        r = monte_carlo(prog, 2000, seed=s)
        hits += r.low <= truth <= r.high
    # Clopper-Pearson is conservative: coverage >= 95%, here about 95.5-96.5%
    assert 0.90 * 200 <= hits <= 0.99 * 200, hits


def test_importance_coverage_is_calibrated():
    prog = program([1e-3] * 3, [(VOTE, [0, 1, 2], 2)])
    truth = exact(prog)
    q = np.full(3, 0.3)
    hits = 0
    for s in range(200):
        r = monte_carlo(prog, 4096, seed=s, method="importance", bias=q)
        hits += r.low <= truth <= r.high
    assert 0.90 * 200 <= hits <= 0.99 * 200, hits


def test_thread_count_does_not_change_anything():
    prog = SYSTEMS["mixed"]
    n = 300_000  # ~9 chunks of 512 blocks
    assert monte_carlo(prog, n, seed=5, threads=1) == monte_carlo(prog, n, seed=5, threads=2)
    q = np.minimum(prog.p * 2, 0.9)
    a = monte_carlo(prog, n, seed=5, method="importance", bias=q, threads=1)
    b = monte_carlo(prog, n, seed=5, method="importance", bias=q, threads=2)
    assert a == b and a.sum_w == b.sum_w and a.sum_w2 == b.sum_w2


@settings(max_examples=25, deadline=None)
@given(n=st.integers(2, 70_000), frac=st.floats(0, 1), start=st.integers(0, 2**40))
def test_split_runs_combine_to_one_run(n, frac, start):
    prog = SYSTEMS["bridge"]
    a = int((n - 1) * frac)  # keeps the second part non-empty
    whole = monte_carlo(prog, n, seed=9, start=start)
    parts = [monte_carlo(prog, n - a, seed=9, start=start + a)]
    if a:
        parts.append(monte_carlo(prog, a, seed=9, start=start))
    assert combine(parts) == whole
    q = np.full(5, 0.4)
    whole = monte_carlo(prog, n, seed=9, start=start, method="importance", bias=q)
    parts = [monte_carlo(prog, n - a, seed=9, start=start + a, method="importance", bias=q)]
    if a:
        parts.append(monte_carlo(prog, a, seed=9, start=start, method="importance", bias=q))
    merged = combine(parts)
    assert merged.failures == whole.failures and merged.trials == whole.trials
    assert merged.sum_w == pytest.approx(whole.sum_w, rel=1e-12)
    assert merged.sum_w2 == pytest.approx(whole.sum_w2, rel=1e-12)


def test_trial_ranges_are_exact_not_rounded_to_words():
    prog = program([0.5], [(OR, [0])])
    events, _ = kernel_words(prog, philox_key(4), 0, 2)
    bits = unpack(events[:, 0]).ravel()
    for start, n in [(0, 1), (3, 10), (60, 10), (0, 128), (17, 100)]:
        assert monte_carlo(prog, n, seed=4, start=start).failures == bits[start : start + n].sum()


# --- rare events ----------------------------------------------------------------------


def test_three_replicas_at_1e_minus_12():
    prog = program([1e-4] * 3, [(AND, [0, 1, 2])])
    truth = 1e-12
    assert monte_carlo(prog, 100_000, seed=0).failures == 0  # naive sees nothing
    r = monte_carlo(prog, 100_000, seed=0, method="importance")
    assert r.estimator == "importance" and r.interval == "normal"
    assert abs(r.probability / truth - 1) < 0.10, r
    assert r.low <= truth <= r.high


def test_two_of_three_at_3e_minus_12():
    p = 1e-6
    prog = program([p] * 3, [(VOTE, [0, 1, 2], 2)])
    truth = 3 * p * p * (1 - p) + p**3
    naive = monte_carlo(prog, 100_000, seed=0)
    assert naive.probability == 0 and naive.high > 0  # no confident zero
    r = monte_carlo(prog, 100_000, seed=0, method="importance")
    assert abs(r.probability / truth - 1) < 0.10, r
    assert r.low <= truth <= r.high
    assert r.relative_error < 0.02


def test_default_bias_is_deterministic_and_biases_upwards():
    prog = program([1e-6] * 3, [(VOTE, [0, 1, 2], 2)])
    q = importance_bias(prog, seed=3)
    np.testing.assert_array_equal(q, importance_bias(prog, seed=3))
    assert np.all(q > prog.p) and np.all(q < 1)
    # p = 0 and p = 1 events are never biased
    fixed = program([0.0, 1.0, 1e-5, 1e-5], [(AND, [2, 3]), (OR, [0, 4]), (AND, [1, 5])])
    q = importance_bias(fixed, seed=3)
    assert q[0] == 0.0 and q[1] == 1.0 and np.all(q[2:] > 1e-5)


def test_importance_without_failures_reports_a_bound():
    prog = program([1e-9] * 3, [(AND, [0, 1, 2])])
    r = monte_carlo(prog, 64, seed=0, method="importance", bias=[1e-8] * 3)
    assert r.failures == 0 and r.interval == "bound" and r.low == 0 and r.high > 1e-27


# --- result object and bad input ---------------------------------------------------------


def test_result_is_frozen_with_dict_and_repr():
    r = monte_carlo(SYSTEMS["2of3"], 1000, seed=1)
    assert isinstance(r, MonteCarloResult)
    with pytest.raises(AttributeError):
        r.probability = 0.5
    d = r.to_dict()
    assert d["trials"] == 1000 and d["estimator"] == "naive" and d["bias"] is None
    assert "MonteCarloResult(probability=" in repr(r)


def _bad(**kw):
    base = SYSTEMS["2of3"]
    fields = dict(names=base.names, p=base.p, op=base.op, k=base.k, offsets=base.offsets,
                  inputs=base.inputs, top=base.top)  # fmt: skip
    fields.update(kw)
    return Program(**fields)


@pytest.mark.parametrize(
    ("prog", "match"),
    [
        (_bad(p=np.array([0.1, np.nan, 0.2])), r"program\.p\[1\]"),
        (_bad(p=np.array([0.1, 1.5, 0.2])), r"program\.p\[1\]"),
        (_bad(p=np.array([0.1, 0.2])), r"program\.p"),
        (_bad(k=np.array([4], dtype=np.int32)), "VOTE"),
        (_bad(inputs=np.array([0, 1, 3], dtype=np.int32)), r"program\.inputs\[2\]"),
        (_bad(top=7), r"program\.top"),
        (_bad(op=np.array([9], dtype=np.int32)), r"program\.op"),
        (_bad(offsets=np.array([0, 2], dtype=np.int32)), r"program\.offsets"),
    ],
)
def test_bad_programs(prog, match):
    for _ in range(2):  # a failed check is not remembered: the second call fails too
        with pytest.raises(ValueError, match=match):
            monte_carlo(prog, 100)


def test_program_is_immutable_so_its_checked_arrays_stay_valid():
    # check_program keeps the checked arrays on the Program; that is only sound if
    # nothing can change the Program afterwards.
    p = np.array([0.1, 0.2, 0.3])
    inputs = np.array([0, 1, 2], dtype=np.int32)
    prog = program(p, [(VOTE, [0, 1, 2], 2)])
    prog = Program(prog.names, p, prog.op, prog.k, prog.offsets, inputs, prog.top)
    first = monte_carlo(prog, 10_000, seed=3)
    p[:] = 0.9  # the caller's arrays: the Program holds its own copies
    inputs[2] = 99
    assert monte_carlo(prog, 10_000, seed=3) == first
    for name in ("p", "op", "k", "offsets", "inputs"):
        with pytest.raises(ValueError, match="read-only"):
            getattr(prog, name)[0] = 0
    assert prog.p.tolist() == [0.1, 0.2, 0.3] and prog.inputs.tolist() == [0, 1, 2]


@pytest.mark.parametrize(
    ("kw", "exc", "match"),
    [
        ({"trials": 0}, ValueError, "trials"),
        ({"trials": 1.5}, TypeError, "trials"),
        ({"trials": 2**63}, ValueError, "trials"),
        ({"start": -1}, ValueError, "start"),
        ({"seed": -3}, ValueError, "seed"),
        ({"seed": "x"}, TypeError, "seed"),
        ({"method": "magic"}, ValueError, "method"),
        ({"confidence": 1.0}, ValueError, "confidence"),
        ({"threads": 0}, ValueError, "threads"),
        ({"bias": [0.5, 0.5, 0.5]}, ValueError, "bias"),  # naive takes no bias
        ({"method": "importance", "bias": [0.1, 0.3, 0.5]}, ValueError, r"bias\[0\]"),
        ({"method": "importance", "bias": [0.5, 1.0, 0.5]}, ValueError, r"bias\[1\]"),
        ({"method": "importance", "bias": [0.5, 0.5]}, ValueError, "bias"),
        ({"method": "importance", "bias": [0.5, np.nan, 0.5]}, ValueError, r"bias\[1\]"),
    ],
)
def test_bad_arguments(kw, exc, match):
    args = {"trials": 100, **kw}
    with pytest.raises(exc, match=match):
        monte_carlo(SYSTEMS["2of3"], **args)


def test_bad_combines():
    prog = SYSTEMS["2of3"]
    a = monte_carlo(prog, 100, seed=1)
    with pytest.raises(ValueError, match="overlapping"):
        combine([a, monte_carlo(prog, 100, seed=1, start=50)])
    with pytest.raises(ValueError, match="seeds"):
        combine([a, monte_carlo(prog, 100, seed=2, start=100)])
    with pytest.raises(ValueError, match="estimator"):
        combine([a, monte_carlo(prog, 100, seed=1, start=100, method="importance")])
    with pytest.raises(ValueError, match="results"):
        combine([])
    with pytest.raises(TypeError, match="results"):
        combine([a, 3])
    with pytest.raises(TypeError, match="program"):
        monte_carlo("not a program", 10)


# --- network reliability ------------------------------------------------------------------

BRIDGE_EDGES = [(0, 1), (0, 2), (1, 2), (1, 3), (2, 3)]


def cut_off(n, edges, down, terminals):
    """Union-find over the edges that are up: are the terminals split?"""
    parent = list(range(n))

    def find(a):
        while parent[a] != a:
            a = parent[a]
        return a

    for e, (a, b) in enumerate(edges):
        if not down[e]:
            parent[find(int(a))] = find(int(b))
    return len({find(int(t)) for t in terminals}) > 1


def connected_exact(n, edges, p_fail, terminals):
    """P(some terminal cut off from terminals[0]) by enumerating every edge state."""
    m = len(edges)
    total = 0.0
    for state in range(2**m):
        down = [(state >> e) & 1 for e in range(m)]
        if cut_off(n, edges, down, terminals):
            total += math.prod(p_fail[e] if down[e] else 1 - p_fail[e] for e in range(m))
    return total


def test_network_words_match_a_connectivity_check():
    rng = np.random.default_rng(5)
    for _ in range(10):
        n = int(rng.integers(2, 8))
        m = int(rng.integers(1, 12))
        edges = rng.integers(0, n, size=(m, 2)).astype(np.int32)
        p = rng.choice([0.0, 0.3, 0.6, 1.0], size=m)
        term = np.arange(n, dtype=np.int32) if rng.random() < 0.5 else np.array([0, n - 1])
        events, top = _core.reliability_network_words(
            p, edges[:, 0].copy(), edges[:, 1].copy(), n, term.astype(np.int32), 77, 3, 2, 0
        )
        down = unpack(events).transpose(0, 2, 1).reshape(-1, m)
        cut = unpack(top).reshape(-1)
        for trial in range(0, down.shape[0], 7):
            assert cut[trial] == cut_off(n, edges, down[trial], term)


def test_bridge_two_terminal_closed_form():
    from qsmcore.reliability import network_reliability_mc

    r = 0.9  # edge reliability; R = 2r^2 + 2r^3 - 5r^4 + 2r^5 (Moore & Shannon)
    exact_r = 2 * r**2 + 2 * r**3 - 5 * r**4 + 2 * r**5
    p = np.full(5, 1 - r)
    assert connected_exact(4, BRIDGE_EDGES, p, [0, 3]) == pytest.approx(1 - exact_r, rel=1e-12)
    res = network_reliability_mc(4, BRIDGE_EDGES, p, 200_000, terminals=[0, 3], seed=2,
                                 confidence=0.999)  # fmt: skip
    assert res.low <= 1 - exact_r <= res.high, res


def test_all_terminal_grid_against_enumeration():
    from qsmcore.reliability import network_reliability_mc

    edges = [(0, 1), (1, 2), (3, 4), (4, 5), (0, 3), (1, 4), (2, 5)]  # 2x3 grid
    p = np.array([0.1, 0.2, 0.15, 0.05, 0.3, 0.1, 0.2])
    truth = connected_exact(6, edges, p, range(6))
    res = network_reliability_mc(6, edges, p, 100_000, seed=4, confidence=0.999)
    assert res.low <= truth <= res.high, (res, truth)
    res = network_reliability_mc(6, edges, p, 100_000, seed=4, method="importance",
                                 confidence=0.999)  # fmt: skip
    assert res.low <= truth <= res.high, (res, truth)


def test_network_rare_event_and_split():
    from qsmcore.reliability import network_reliability_mc

    ring = [(i, (i + 1) % 6) for i in range(6)]
    p = np.full(6, 1e-5)
    truth = connected_exact(6, ring, p, range(6))  # about 15 p^2
    r = network_reliability_mc(6, ring, p, 100_000, seed=0, method="importance")
    assert abs(r.probability / truth - 1) < 0.10, (r, truth)
    whole = network_reliability_mc(6, ring, np.full(6, 0.2), 10_000, seed=3, threads=1)
    a = network_reliability_mc(6, ring, np.full(6, 0.2), 3_333, seed=3, threads=2)
    b = network_reliability_mc(6, ring, np.full(6, 0.2), 6_667, seed=3, start=3_333)
    assert combine([a, b]) == whole


@pytest.mark.parametrize(
    ("kw", "exc", "match"),
    [
        ({"n_nodes": 1}, ValueError, "n_nodes"),
        ({"n_nodes": 2.0}, TypeError, "n_nodes"),
        ({"edges": [(0, 1, 2)]}, ValueError, "edges"),
        ({"edges": [(0, 9)]}, ValueError, r"edges\[0\]"),
        ({"edges": [(0.0, 1.0)]}, TypeError, "edges"),
        ({"p_fail": [1.2]}, ValueError, r"p_fail\[0\]"),
        ({"p_fail": [0.1, 0.2]}, ValueError, "p_fail"),
        ({"terminals": [0]}, ValueError, "terminals"),
        ({"terminals": [0, 5]}, ValueError, "terminals"),
        ({"terminals": [1, 1]}, ValueError, "terminals"),
        ({"trials": -1}, ValueError, "trials"),
    ],
)
def test_network_bad_input(kw, exc, match):
    from qsmcore.reliability import network_reliability_mc

    args = {"n_nodes": 3, "edges": [(0, 1)], "p_fail": [0.1], "trials": 100, **kw}
    with pytest.raises(exc, match=match):
        network_reliability_mc(**args)
