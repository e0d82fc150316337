"""qsmcore.reliability.exact: closed forms, brute force over all 2^E states, and bad input."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qsmcore.reliability import failure_probability, importance, minimal_cut_sets
from qsmcore.reliability._program import AND, NOT, OR, VOTE, Program


def make(p, gates, names=None, top=None) -> Program:
    """A Program from event probabilities and gates ``(op, input node ids[, k])``; gate j
    is node len(p) + j, the top is the last gate unless given."""
    p = np.asarray(p, dtype=np.float64)
    e = p.size
    ops, ks, offsets, inputs = [], [], [0], []
    for g in gates:
        ops.append(g[0])
        ks.append(g[2] if len(g) > 2 else 0)
        inputs.extend(g[1])
        offsets.append(len(inputs))
    return Program(
        names=tuple(names) if names is not None else tuple(f"e{i}" for i in range(e)),
        p=p,
        op=np.array(ops, np.int32),
        k=np.array(ks, np.int32),
        offsets=np.array(offsets, np.int32),
        inputs=np.array(inputs, np.int32),
        top=top if top is not None else e + len(gates) - 1,
    )


def states(e: int) -> np.ndarray:
    """All 2^e failure patterns, one per row."""
    return ((np.arange(2**e)[:, None] >> np.arange(e)) & 1).astype(bool)


def brute(prog: Program) -> tuple[float, np.ndarray, np.ndarray]:
    """P(top), P(top | x_i = 1), P(top | x_i = 0) by enumeration through Program.evaluate."""
    x = states(prog.n_events)
    top = prog.evaluate(x)
    w = np.prod(np.where(x, prog.p, 1.0 - prog.p), axis=1)
    q = float(np.sum(w[top]))
    q1, q0 = [], []
    for i in range(prog.n_events):
        wi = np.prod(np.where(x, prog.p, 1.0 - prog.p)[:, np.arange(prog.n_events) != i], axis=1)
        q1.append(np.sum(wi[top & x[:, i]]))
        q0.append(np.sum(wi[top & ~x[:, i]]))
    return q, np.array(q1), np.array(q0)


def brute_cut_sets(prog: Program) -> list[tuple[int, ...]]:
    """All minimal failure sets by enumeration, sorted by size then ids."""
    x = states(prog.n_events)
    top = prog.evaluate(x)
    failing = [frozenset(np.flatnonzero(row)) for row in x[top]]
    minimal = [s for s in failing if not any(t < s for t in failing)]
    return sorted((tuple(sorted(int(i) for i in s)) for s in minimal), key=lambda s: (len(s), s))


def ids(prog: Program, sets) -> list[tuple[int, ...]]:
    index = {n: i for i, n in enumerate(prog.names)}
    return [tuple(index[n] for n in s) for s in sets]


# ---------------------------------------------------------------- closed forms


@pytest.mark.parametrize("method", ["auto", "bdd"])
def test_series_and_parallel(method):
    p = np.array([0.1, 0.25, 0.03, 0.5])
    series = make(p, [(OR, [0, 1, 2, 3])])
    parallel = make(p, [(AND, [0, 1, 2, 3])])
    r = failure_probability(series, method=method)
    assert r.probability == pytest.approx(1 - np.prod(1 - p), rel=1e-14)
    assert r.method == ("series-parallel" if method == "auto" else "bdd")
    assert failure_probability(parallel, method=method).probability == pytest.approx(
        np.prod(p), rel=1e-14
    )


@pytest.mark.parametrize("method", ["auto", "bdd"])
@pytest.mark.parametrize(("n", "k"), [(3, 2), (5, 3), (7, 1), (7, 7), (10, 4)])
def test_k_of_n_equal_p(method, n, k):
    # A k-of-n *working* system fails when at least n - k + 1 components fail.
    p = 0.13
    m = n - k + 1
    prog = make([p] * n, [(VOTE, list(range(n)), m)])
    exact = sum(math.comb(n, j) * p**j * (1 - p) ** (n - j) for j in range(m, n + 1))
    assert failure_probability(prog, method=method).probability == pytest.approx(exact, rel=1e-13)


@pytest.mark.parametrize("method", ["auto", "bdd"])
def test_k_of_n_unequal_p(method):
    p = np.array([0.01, 0.2, 0.05, 0.4, 0.33, 0.07])
    dist = np.array([1.0])
    for pi in p:  # Poisson-binomial by convolution
        dist = np.convolve(dist, [1 - pi, pi])
    for m in range(1, 7):
        prog = make(p, [(VOTE, list(range(6)), m)])
        got = failure_probability(prog, method=method).probability
        assert got == pytest.approx(dist[m:].sum(), rel=1e-13)


def bridge(p) -> Program:
    """The five-component bridge s-t network A: s-a, B: s-b, C: a-b, D: a-t, E: b-t, as a
    fault tree over its minimal path sets {A,D}, {B,E}, {A,C,E}, {B,C,D}: the system fails
    when every path has a failed component. Every event is repeated."""
    A, B, C, D, E = range(5)
    paths = [[A, D], [B, E], [A, C, E], [B, C, D]]
    gates = [(OR, path) for path in paths] + [(AND, [5, 6, 7, 8])]
    return make(p, gates, names="ABCDE")


def test_bridge_equal_reliability_closed_form():
    for q in (0.01, 0.1, 0.3, 0.5, 0.9):
        r = 1 - q
        reliability = 2 * r**2 + 2 * r**3 - 5 * r**4 + 2 * r**5
        res = failure_probability(bridge([q] * 5))
        assert res.method == "bdd"
        assert res.probability == pytest.approx(1 - reliability, rel=1e-12, abs=1e-15)


def test_bridge_unequal_pivotal_decomposition():
    q = np.array([0.1, 0.2, 0.3, 0.15, 0.05])
    rA, rB, rC, rD, rE = 1 - q
    # Pivot on the bridge C: working joins a-b (parallel then series), failed removes it.
    reliability = rC * (1 - (1 - rA) * (1 - rB)) * (1 - (1 - rD) * (1 - rE)) + (1 - rC) * (
        1 - (1 - rA * rD) * (1 - rB * rE)
    )
    assert failure_probability(bridge(q)).probability == pytest.approx(1 - reliability, rel=1e-13)
    # forcing series-parallel on repeated events is refused, not answered wrongly
    with pytest.raises(ValueError, match="series-parallel"):
        failure_probability(bridge(q), method="series-parallel")


def test_bridge_cut_sets_and_importance():
    q = np.array([0.1, 0.2, 0.3, 0.15, 0.05])
    prog = bridge(q)
    assert minimal_cut_sets(prog) == [("A", "B"), ("D", "E"), ("A", "C", "E"), ("B", "C", "D")]
    assert minimal_cut_sets(prog, max_order=2) == [("A", "B"), ("D", "E")]
    assert minimal_cut_sets(prog, max_count=3) == [("A", "B"), ("D", "E"), ("A", "C", "E")]
    imp = importance(prog)
    qq, q1, q0 = brute(prog)
    assert imp.probability == pytest.approx(qq, rel=1e-13)
    np.testing.assert_allclose(imp.p_if_failed, q1, rtol=1e-12)
    np.testing.assert_allclose(imp.p_if_working, q0, rtol=1e-12)
    np.testing.assert_allclose(imp.birnbaum, q1 - q0, rtol=1e-11)
    np.testing.assert_allclose(imp.fussell_vesely, (qq - q0) / qq, rtol=1e-11)
    np.testing.assert_allclose(imp.raw, q1 / qq, rtol=1e-12)
    np.testing.assert_allclose(imp.rrw, qq / q0, rtol=1e-12)
    assert "A" in imp.table() and len(imp.to_dict()["events"]) == 5


def test_birnbaum_is_the_derivative():
    q = np.array([0.1, 0.2, 0.3, 0.15, 0.05])
    prog = bridge(q)
    b = importance(prog).birnbaum
    h = 1e-6
    for i in range(5):
        up, down = q.copy(), q.copy()
        up[i] += h
        down[i] -= h
        fd = (
            failure_probability(prog.with_p(up)).probability
            - failure_probability(prog.with_p(down)).probability
        ) / (2 * h)
        # Q is affine in p_i, so the central difference is exact up to rounding (~1e-16/h).
        assert b[i] == pytest.approx(fd, abs=1e-9)


# ---------------------------------------------------------------- brute force


@st.composite
def programs(draw, coherent=False):
    e = draw(st.integers(1, 7))
    p = draw(
        st.lists(
            st.sampled_from([0.0, 1.0, 0.5, 0.1, 0.9, 1e-3, 0.37, 0.02]), min_size=e, max_size=e
        )
    )
    n_gates = draw(st.integers(1, 7))
    gates = []
    for j in range(n_gates):
        nodes = e + j
        ops = [AND, OR, VOTE] if coherent else [AND, OR, VOTE, NOT]
        op = draw(st.sampled_from(ops))
        if op == NOT:
            gates.append((NOT, [draw(st.integers(0, nodes - 1))]))
            continue
        ins = draw(st.lists(st.integers(0, nodes - 1), min_size=1, max_size=5))
        k = draw(st.integers(1, len(ins))) if op == VOTE else 0
        gates.append((op, ins, k))
    top = draw(st.integers(0, e + n_gates - 1))
    return make(p, gates, top=top)


@settings(max_examples=150, deadline=None)
@given(programs())
def test_probability_and_importance_match_enumeration(prog):
    q, q1, q0 = brute(prog)
    for method in ("auto", "bdd"):
        assert failure_probability(prog, method=method).probability == pytest.approx(
            q, rel=1e-12, abs=1e-15
        )
    imp = importance(prog)
    assert imp.probability == pytest.approx(q, rel=1e-12, abs=1e-15)
    np.testing.assert_allclose(imp.p_if_failed, q1, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(imp.p_if_working, q0, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(imp.birnbaum, q1 - q0, rtol=1e-12, atol=1e-14)


@settings(max_examples=120, deadline=None)
@given(programs(coherent=True))
def test_cut_sets_match_enumeration(prog):
    expected = brute_cut_sets(prog)
    assert ids(prog, minimal_cut_sets(prog)) == expected
    for order in (0, 1, 2, 3):  # the ZBDD is built truncated at the order: still exact
        truncated = [s for s in expected if len(s) <= order]
        assert ids(prog, minimal_cut_sets(prog, max_order=order)) == truncated
    assert ids(prog, minimal_cut_sets(prog, max_count=2)) == expected[:2]


def test_constant_structures():
    p = [0.3, 0.6]
    always = make(p, [(NOT, [0]), (OR, [0, 2])])  # x or not x
    never = make(p, [(NOT, [0]), (AND, [0, 2])])
    assert failure_probability(always).probability == 1.0
    assert failure_probability(never).probability == 0.0
    assert failure_probability(always, method="bdd").bdd_nodes == 0
    coherent_always = make([1.0, 0.2], [(OR, [0, 1])])
    assert failure_probability(coherent_always).probability == 1.0
    imp = importance(never)
    assert np.all(np.isnan(imp.fussell_vesely)) and np.all(imp.birnbaum == 0)
    # a one-event system: the top is the basic event itself
    single = make([0.25], [], top=0)
    assert failure_probability(single).probability == 0.25
    assert minimal_cut_sets(single) == [("e0",)]
    imp = importance(single)
    assert imp.birnbaum[0] == 1.0 and imp.fussell_vesely[0] == 1.0 and imp.raw[0] == 4.0
    assert imp.rrw[0] == np.inf


# ---------------------------------------------------------------- scale and precision


def plant_fault_tree(seed: int = 7, n_cross: int = 20) -> Program:
    """A plant-like fault tree of 300 events: the top is an OR over 12 safety functions,
    each an AND (every third a 2-of-3 VOTE) of three redundant trains; a train fails with
    any of its own 6-7 events, its power bus or cooling (one per train letter, shared by
    all 12 functions), its function's common-cause event, or a cross-tie: each of
    ``n_cross`` cross-tie events is read by two random trains anywhere in the tree."""
    rng = np.random.default_rng(seed)
    n_func, n_train, n_events = 12, 3, 300
    ccf0 = 2 * n_train  # events 0..5: bus and cooling of trains A, B, C
    cross0 = ccf0 + n_func
    own0 = cross0 + n_cross
    trains_total = n_func * n_train
    per_train = np.full(trains_total, (n_events - own0) // trains_total)
    per_train[: (n_events - own0) % trains_total] += 1
    cross_at = [[] for _ in range(trains_total)]
    for c in range(n_cross):
        for t in rng.choice(trains_total, size=2, replace=False):
            cross_at[t].append(cross0 + c)
    gates, functions, nxt = [], [], own0
    for f in range(n_func):
        trains = []
        for t in range(n_train):
            i = f * n_train + t
            own = list(range(nxt, nxt + per_train[i]))
            nxt += per_train[i]
            gates.append((OR, own + [t, n_train + t, ccf0 + f] + cross_at[i]))
            trains.append(n_events + len(gates) - 1)
        gates.append((VOTE, trains, 2) if f % 3 == 0 else (AND, trains))
        functions.append(n_events + len(gates) - 1)
    gates.append((OR, functions))
    p = np.exp(rng.uniform(np.log(1e-4), np.log(3e-2), n_events))
    return make(p, gates)


def test_300_event_fault_tree_is_fast_and_consistent():
    prog = plant_fault_tree()
    assert prog.n_events == 300
    res = failure_probability(prog)
    imp = importance(prog)
    # Speed is measured, not asserted (about 15 ms for both calls on one core); the diagram
    # size is deterministic and catches an ordering regression (21,873 nodes today).
    assert res.method == "bdd" and res.bdd_nodes == imp.bdd_nodes < 50_000
    assert imp.probability == pytest.approx(res.probability, rel=1e-14)
    # An independent check through the NumPy oracle: 100k random states, within 4 SE.
    n = 100_000
    x = np.random.default_rng(1).random((n, prog.n_events)) < prog.p
    hits = float(np.mean(prog.evaluate(x)))
    se = math.sqrt(res.probability * (1 - res.probability) / n)
    assert abs(hits - res.probability) < 4 * se
    # total probability over every event: Q = p_i Q_i^1 + (1 - p_i) Q_i^0
    np.testing.assert_allclose(
        prog.p * imp.p_if_failed + (1 - prog.p) * imp.p_if_working, res.probability, rtol=1e-12
    )
    # conditioning done the slow way (p_i set to 1 and 0, a fresh BDD each) for a support
    # event, a common-cause event, a cross-tie and two own events
    for i in (0, 7, 20, 40, 299):
        for value, got in ((1.0, imp.p_if_failed[i]), (0.0, imp.p_if_working[i])):
            pp = prog.p.copy()
            pp[i] = value
            assert failure_probability(prog.with_p(pp)).probability == pytest.approx(got, rel=1e-12)
    # cut sets up to order 3: each is a cut (the oracle says the top fails when exactly its
    # events fail) and minimal (removing any one event repairs the system)
    cuts = minimal_cut_sets(prog, max_order=3)
    assert len(cuts) > 1000 and [len(c) for c in cuts] == sorted(len(c) for c in cuts)
    index = {name: i for i, name in enumerate(prog.names)}
    rows, should_fail = [], []
    for c in cuts[:: max(1, len(cuts) // 200)]:
        members = [index[name] for name in c]
        rows.append(members)
        should_fail.append(True)
        for drop in members:
            rows.append([i for i in members if i != drop])
            should_fail.append(False)
    x = np.zeros((len(rows), prog.n_events), dtype=bool)
    for r, members in enumerate(rows):
        x[r, members] = True
    np.testing.assert_array_equal(prog.evaluate(x), should_fail)


def test_rare_events_keep_relative_precision():
    # Three trains of two components each at 1e-15, train = OR, system = AND of trains,
    # with a shared event c in trains 1 and 2: min cut sets {c, x} and triples.
    eps = 1e-15
    names = ["c", "a1", "a2", "b1", "b2", "d1", "d2"]
    p = np.full(7, eps)
    gates = [(OR, [0, 1, 2]), (OR, [0, 3, 4]), (OR, [5, 6]), (AND, [7, 8, 9])]
    prog = make(p, gates, names=names)
    cuts = minimal_cut_sets(prog)
    assert cuts == [("c", "d1"), ("c", "d2")] + [
        (a, b, d) for a in ("a1", "a2") for b in ("b1", "b2") for d in ("d1", "d2")
    ]
    # rare-event approximation: sum of the products, exact to O(eps) relative here
    approx = sum(eps ** len(c) for c in cuts)
    got = failure_probability(prog).probability
    assert got == pytest.approx(approx, rel=1e-12)
    imp = importance(prog)
    assert imp.probability == pytest.approx(approx, rel=1e-12)
    # conditionals far below Q keep their precision too (no Q - something anywhere):
    # with c working only the 8 triples remain, P = P(a1 or a2) P(b1 or b2) P(d1 or d2)
    pair = 2 * eps - eps**2
    assert imp.p_if_working[0] == pytest.approx(pair**3, rel=1e-12)
    assert imp.rrw[0] == pytest.approx(approx / pair**3, rel=1e-12)
    # with d1 failed the system fails when trains 1 and 2 do: c, or an a and a b
    assert imp.p_if_failed[5] == pytest.approx(eps + (1 - eps) * pair**2, rel=1e-12)
    # Q = P(trains 1 and 2) P(d1 or d2), and without d1 the last factor is p(d2) = eps
    assert imp.fussell_vesely[5] == pytest.approx((eps - eps**2) / pair, rel=1e-12)
    # series-parallel: an OR of a million-in-one-billion events stays exact too
    tree = make(np.full(50, 1e-15), [(OR, list(range(50)))])
    assert failure_probability(tree).probability == pytest.approx(50e-15, rel=1e-12)
    tree2 = make(np.full(6, 1e-5), [(AND, [0, 1, 2]), (AND, [3, 4, 5]), (OR, [6, 7])])
    assert failure_probability(tree2).probability == pytest.approx(2e-15, rel=1e-12)


def test_deep_chain_does_not_exhaust_the_stack():
    # g_j = AND/OR(g_{j-1}, e_{j+1}), 50k levels deep: the diagram code recurses once per
    # level, which an ordinary 8 MiB thread stack would not hold for the cut sets.
    n = 50_000
    gates = [(OR, [0, 1])] + [(AND if j % 2 else OR, [n + j - 1, j + 1]) for j in range(1, n - 1)]
    prog = make(np.full(n, 0.1), gates)
    q = failure_probability(prog)
    assert q.method == "series-parallel"
    imp = importance(prog)
    assert imp.probability == pytest.approx(q.probability, rel=1e-12)
    assert imp.bdd_nodes == n
    # top = OR(g_{n-3}, e_{n-1}), g_{n-3} = AND(OR(g_{n-5}, e_{n-3}), e_{n-2}): the only cut
    # sets of order <= 2 are {e_{n-1}} and {e_{n-3}, e_{n-2}}
    assert minimal_cut_sets(prog, max_order=2) == [
        (f"e{n - 1}",),
        (f"e{n - 3}", f"e{n - 2}"),
    ]


def test_too_many_cut_sets_is_refused_not_attempted():
    # AND of 22 two-event ORs: 2^22 minimal cut sets, all of order 22
    m = 22
    gates = [(OR, [2 * i, 2 * i + 1]) for i in range(m)] + [(AND, list(range(2 * m, 3 * m)))]
    prog = make(np.full(2 * m, 0.1), gates)
    with pytest.raises(ValueError, match=r"4\.194e\+06 minimal cut sets.*max_order"):
        minimal_cut_sets(prog)
    assert minimal_cut_sets(prog, max_order=21) == []
    small = make(
        np.full(8, 0.1), [*[(OR, [2 * i, 2 * i + 1]) for i in range(4)], (AND, [8, 9, 10, 11])]
    )
    cuts = minimal_cut_sets(small)
    assert len(cuts) == 16 and cuts[0] == ("e0", "e2", "e4", "e6")
    assert cuts[-1] == ("e1", "e3", "e5", "e7")


def test_node_limit_is_a_clear_error():
    prog = plant_fault_tree()
    with pytest.raises(MemoryError, match="max_nodes"):
        failure_probability(prog, method="bdd", max_nodes=50)
    with pytest.raises(MemoryError, match="max_nodes"):
        importance(prog, max_nodes=50)


# ---------------------------------------------------------------- bad input


def test_bad_input():
    good = bridge([0.1] * 5)
    with pytest.raises(TypeError, match="program"):
        failure_probability("not a program")
    with pytest.raises(ValueError, match=r"program\.p\[2\].*'C'"):
        failure_probability(good.with_p([0.1, 0.1, 1.5, 0.1, 0.1]))
    with pytest.raises(ValueError, match=r"program\.p\[0\]"):
        importance(good.with_p([np.nan, 0.1, 0.1, 0.1, 0.1]))
    with pytest.raises(ValueError, match=r"program\.p\[1\]"):
        minimal_cut_sets(good.with_p([0.1, -0.1, 0.1, 0.1, 0.1]))
    cycle = make([0.1, 0.2], [(OR, [0, 2])])  # gate 0 (node 2) reads itself
    with pytest.raises(ValueError, match="topological order"):
        failure_probability(cycle)
    with pytest.raises(ValueError, match="k = 3"):
        failure_probability(make([0.1, 0.2], [(VOTE, [0, 1], 3)]))
    with pytest.raises(ValueError, match="k = 0"):
        failure_probability(make([0.1, 0.2], [(VOTE, [0, 1], 0)]))
    with pytest.raises(ValueError, match="NOT gate 0 has 2 inputs"):
        failure_probability(make([0.1, 0.2], [(NOT, [0, 1])]))
    with pytest.raises(ValueError, match="unknown op 7"):
        failure_probability(make([0.1, 0.2], [(7, [0, 1])]))
    with pytest.raises(ValueError, match="no inputs"):
        failure_probability(make([0.1, 0.2], [(OR, [])]))
    with pytest.raises(ValueError, match=r"program\.top"):
        failure_probability(make([0.1, 0.2], [(OR, [0, 1])], top=3))
    with pytest.raises(ValueError, match="method"):
        failure_probability(good, method="magic")
    with pytest.raises(ValueError, match="max_nodes"):
        failure_probability(good, max_nodes=1)
    with pytest.raises(TypeError, match="max_nodes"):
        importance(good, max_nodes=1.5)
    with pytest.raises(ValueError, match="max_order"):
        minimal_cut_sets(good, max_order=-1)
    with pytest.raises(ValueError, match="max_count"):
        minimal_cut_sets(good, max_count=0)
    with pytest.raises(TypeError, match="max_count"):
        minimal_cut_sets(good, max_count="3")
    with pytest.raises(ValueError, match="NOT"):
        minimal_cut_sets(make([0.1, 0.2], [(NOT, [0]), (OR, [1, 2])]))
    with pytest.raises(ValueError, match=r"program\.p must have shape \(5,\)"):
        failure_probability(dataclasses.replace(good, p=np.full(4, 0.1)))
    with pytest.raises(ValueError, match="offsets"):
        failure_probability(dataclasses.replace(good, offsets=good.offsets[:-1]))
    with pytest.raises(ValueError, match="offsets must run from 0"):
        failure_probability(dataclasses.replace(good, offsets=good.offsets + 1))
    with pytest.raises(ValueError, match=r"program\.inputs must be a 1-D integer array"):
        failure_probability(dataclasses.replace(good, inputs=good.inputs.astype(float)))
    with pytest.raises(ValueError, match="reads node -1"):
        failure_probability(dataclasses.replace(good, inputs=good.inputs - 1))


def test_kernel_rejects_what_the_python_layer_would():
    # The binding is the last line of defence: hostile arrays passed around the Python
    # checks raise instead of reading out of bounds.
    from qsmcore import _core

    p = np.array([0.1, 0.2, 0.3])
    op = np.array([OR, AND], np.int32)
    k = np.zeros(2, np.int32)
    inputs = np.array([0, 1, 2], np.int32)
    for offsets in ([0, 100, 3], [0, 2, 2], [1, 2, 3]):
        with pytest.raises(ValueError, match="offsets"):
            _core.reliability_failure_probability(
                p, op, k, np.array(offsets, np.int32), inputs, 4, 1000, 0
            )
    with pytest.raises(ValueError, match="topological"):
        _core.reliability_importance(
            p, op, k, np.array([0, 2, 3], np.int32), np.array([0, 4, 3], np.int32), 4, 1000
        )
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        _core.reliability_minimal_cut_sets(
            np.array([0.1, np.nan, 0.3]),
            op,
            k,
            np.array([0, 2, 3], np.int32),
            np.array([0, 1, 3], np.int32),
            4,
            -1,
            -1,
            100,
            1000,
        )
