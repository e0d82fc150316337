"""The reliability system model: composition, repeated events, common causes, dict and
RBD descriptions, compilation to a Program, and bad input. Probabilities are checked by
brute-force enumeration of every component state through ``Program.evaluate``."""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qsmcore import reliability as rel
from qsmcore.reliability._program import AND, OR, VOTE


def brute_force(program: rel.Program) -> float:
    """P(top failed) summed over all 2^E component states."""
    e = program.n_events
    states = np.array(list(itertools.product([False, True], repeat=e)), dtype=bool).reshape(-1, e)
    weights = np.prod(np.where(states, program.p, 1.0 - program.p), axis=1)
    return float(weights[program.evaluate(states)].sum())


def prob(system) -> float:
    return brute_force(rel.compile_structure(system))


def comps(*ps):
    return [rel.Component(f"c{i}", p) for i, p in enumerate(ps)]


def test_series_parallel_k_of_n_closed_forms():
    a, b, c = comps(0.1, 0.2, 0.3)
    assert prob(rel.series(a, b, c)) == pytest.approx(1 - 0.9 * 0.8 * 0.7, abs=1e-15)
    assert prob(rel.parallel(a, b, c)) == pytest.approx(0.1 * 0.2 * 0.3, abs=1e-15)
    # 2-of-3 working fails when at least two fail.
    two_fail = 0.1 * 0.2 * 0.7 + 0.1 * 0.8 * 0.3 + 0.9 * 0.2 * 0.3 + 0.1 * 0.2 * 0.3
    assert prob(rel.k_of_n(2, a, b, c)) == pytest.approx(two_fail, abs=1e-15)
    assert prob(rel.vote_gate(2, a, b, c)) == pytest.approx(two_fail, abs=1e-15)
    assert prob(rel.k_of_n(1, [a, b, c])) == pytest.approx(0.1 * 0.2 * 0.3, abs=1e-15)
    assert prob(rel.not_gate(a)) == pytest.approx(0.9)


def test_compile_layout():
    a, b, c = comps(0.1, 0.2, 0.3)
    prog = rel.compile_structure(rel.series(a, rel.k_of_n(2, a, b, c)))
    assert prog.names == ("c0", "c1", "c2")  # a repeated event is one basic event
    assert prog.op.tolist() == [VOTE, OR]
    assert prog.k.tolist() == [2, 0]
    assert prog.inputs.tolist() == [0, 1, 2, 0, 3]
    assert prog.offsets.tolist() == [0, 3, 5]
    assert prog.top == 4
    one = rel.compile_structure(a)
    assert one.n_gates == 0 and one.top == 0 and brute_force(one) == pytest.approx(0.1)


def test_repeated_event_is_one_random_variable():
    # A shared supply s feeding two parallel trains: fails with s, or with both trains.
    s, x, y = comps(0.05, 0.2, 0.3)
    system = rel.parallel(rel.series(s, x), rel.series(s, y))
    exact = 0.05 + 0.95 * 0.2 * 0.3
    assert prob(system) == pytest.approx(exact, abs=1e-15)
    # Two distinct supplies with the same probability are independent (a different answer).
    s2 = rel.Component("s2", 0.05)
    indep = rel.parallel(rel.series(s, x), rel.series(s2, y))
    assert prob(indep) == pytest.approx((1 - 0.95 * 0.8) * (1 - 0.95 * 0.7), abs=1e-15)


def test_shared_gate_compiled_once():
    a, b, c = comps(0.1, 0.2, 0.3)
    g = rel.parallel(a, b)
    prog = rel.compile_structure(rel.series(g, rel.and_gate(g, c)))
    assert prog.n_gates == 3
    assert brute_force(prog) == pytest.approx(0.1 * 0.2, abs=1e-15)


def test_bridge_network_closed_form():
    # The classic bridge: s-1-t, s-2-t, with 3 across; all edges undirected in the
    # textbook: here both directions of the bridge arc share one component.
    p = {n: 0.1 * (i + 1) for i, n in enumerate("ABCDE")}
    c = {n: rel.Component(n, q) for n, q in p.items()}
    edges = [
        ("s", "u", c["A"]),
        ("s", "v", c["B"]),
        ("u", "v", c["E"]),
        ("v", "u", c["E"]),
        ("u", "t", c["C"]),
        ("v", "t", c["D"]),
    ]
    r = {n: 1 - q for n, q in p.items()}
    # Factoring on E: works -> (A or B) in series with (C or D); fails -> AC or BD.
    works_e = (1 - (1 - r["A"]) * (1 - r["B"])) * (1 - (1 - r["C"]) * (1 - r["D"]))
    fails_e = 1 - (1 - r["A"] * r["C"]) * (1 - r["B"] * r["D"])
    reliability = r["E"] * works_e + (1 - r["E"]) * fails_e
    assert prob(rel.from_rbd(edges, "s", "t")) == pytest.approx(1 - reliability, abs=1e-14)


def test_common_cause_beta_factor():
    a, b, c = (rel.Component(n, 0.01) for n in "abc")
    gates = rel.common_cause([a, b, c], beta=0.1)
    system = rel.parallel(*gates)  # all three must fail
    prog = rel.compile_structure(system)
    assert "ccf" in prog.names and len(prog.names) == 4
    # Each component's marginal stays exactly Q.
    for g in gates:
        assert prob(g) == pytest.approx(0.01, rel=1e-12)
    q_ccf = 0.1 * 0.01
    q_ind = (0.01 - q_ccf) / (1 - q_ccf)
    assert brute_force(prog) == pytest.approx(q_ccf + (1 - q_ccf) * q_ind**3, rel=1e-12)
    with pytest.raises(ValueError, match="identical"):
        rel.common_cause([a, rel.Component("d", 0.02)], beta=0.1)
    with pytest.raises(ValueError, match="beta"):
        rel.common_cause([a, b], beta=1.5)


def test_shared_shock():
    a, b = comps(0.1, 0.2)
    ga, gb = rel.shared_shock([a, b], p_shock=0.05)
    assert prob(rel.parallel(ga, gb)) == pytest.approx(0.05 + 0.95 * 0.1 * 0.2, abs=1e-15)


def test_lifetime_components():
    c = rel.Component("disk", lifetime="exp:0.001", mission_time=100)
    assert c.p_fail == pytest.approx(1 - math.exp(-0.1), rel=1e-12)
    with pytest.raises(ValueError, match="mission_time"):
        rel.Component("disk", lifetime="exp:0.001")
    with pytest.raises(ValueError, match="mission_time"):
        rel.Component("disk", lifetime="exp:0.001", mission_time=-1)


DESCRIPTION = {
    "components": {
        "A": 0.01,
        "B": {"p_fail": 0.02},
        "C": {"lifetime": "exp:1e-4", "mission_time": 1000},
        "D": 0.001,
    },
    "gates": {
        "pumps": {"type": "k_of_n", "k": 2, "inputs": ["A", "B", "C"]},
        "top": {"type": "series", "inputs": ["pumps", "D"]},
    },
    "top": "top",
}


def test_from_dict_and_json(tmp_path):
    system = rel.from_dict(DESCRIPTION)
    a, b, d = rel.Component("A", 0.01), rel.Component("B", 0.02), rel.Component("D", 0.001)
    c = rel.Component("C", lifetime="exp:1e-4", mission_time=1000)
    expected = prob(rel.series(rel.k_of_n(2, a, b, c), d))
    assert prob(system) == pytest.approx(expected, abs=1e-15)
    path = tmp_path / "sys.json"
    path.write_text(json.dumps(DESCRIPTION))
    assert prob(rel.from_json(path)) == pytest.approx(expected, abs=1e-15)
    assert prob(rel.from_json(json.dumps(DESCRIPTION))) == pytest.approx(expected, abs=1e-15)


def test_from_dict_common_cause_and_shock():
    d = {
        "components": {"A": 0.01, "B": 0.01},
        "gates": {"top": {"type": "parallel", "inputs": ["A", "B"]}},
        "common_cause": [{"components": ["A", "B"], "beta": 0.1}],
    }
    q_ccf = 0.001
    q_ind = (0.01 - q_ccf) / (1 - q_ccf)
    assert prob(rel.from_dict(d)) == pytest.approx(q_ccf + (1 - q_ccf) * q_ind**2, rel=1e-12)


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"gates": {"top": {"type": "series", "inputs": ["A", "Z"]}}}, "unknown.*'Z'"),
        (
            {
                "gates": {
                    "x": {"type": "series", "inputs": ["A", "y"]},
                    "y": {"type": "series", "inputs": ["x"]},
                },
                "top": "x",
            },
            "cycle",
        ),
        ({"gates": {"top": {"type": "k_of_n", "k": 4, "inputs": ["A", "B"]}}}, "k must be"),
        ({"gates": {"top": {"type": "k_of_n", "inputs": ["A", "B"]}}}, "needs 'k'"),
        ({"gates": {"top": {"type": "xor", "inputs": ["A", "B"]}}}, "type must be"),
        ({"components": {"A": 1.5, "B": 0.1}}, "p_fail"),
        ({"components": {"A": float("nan"), "B": 0.1}}, "p_fail"),
        ({"components": {}}, "components"),
        ({"extra": 1}, "unknown keys"),
        ({"top": "nowhere"}, "unknown.*'nowhere'"),
        ({"common_cause": [{"components": ["A", "Q"], "beta": 0.1}]}, "unknown component 'Q'"),
    ],
)
def test_from_dict_bad_input(change, match):
    d = {
        "components": {"A": 0.1, "B": 0.2},
        "gates": {"top": {"type": "series", "inputs": ["A", "B"]}},
        "top": "top",
    }
    d.update(change)
    with pytest.raises(ValueError, match=match):
        rel.from_dict(d)


def test_bad_input():
    a, b = comps(0.1, 0.2)
    with pytest.raises(ValueError, match="p_fail"):
        rel.Component("x", -0.1)
    with pytest.raises(TypeError, match="p_fail"):
        rel.Component("x", "0.1")
    with pytest.raises(ValueError, match="exactly one"):
        rel.Component("x")
    with pytest.raises(ValueError, match="k must be"):
        rel.k_of_n(3, a, b)
    with pytest.raises(ValueError, match="k must be"):
        rel.vote_gate(0, a, b)
    with pytest.raises(TypeError, match="k"):
        rel.k_of_n(1.5, a, b)
    with pytest.raises(TypeError, match="inputs"):
        rel.series(a, 0.3)
    with pytest.raises(ValueError, match="at least"):
        rel.parallel()
    with pytest.raises(ValueError, match="two different components"):
        rel.compile_structure(rel.series(a, rel.Component("c0", 0.5)))
    with pytest.raises(ValueError, match="no path"):
        rel.from_rbd([("s", "u", a)], "s", "t")
    with pytest.raises(ValueError, match="differ"):
        rel.from_rbd([("s", "t", a)], "s", "s")


@st.composite
def structures(draw):
    """Random mixed structures over up to 6 shared components."""
    pool = [rel.Component(f"x{i}", draw(st.floats(0, 1))) for i in range(draw(st.integers(1, 6)))]

    def node(depth):
        if depth == 0 or draw(st.booleans()):
            return pool[draw(st.integers(0, len(pool) - 1))]
        kids = [node(depth - 1) for _ in range(draw(st.integers(1, 3)))]
        kind = draw(st.sampled_from(["series", "parallel", "k_of_n"]))
        if kind == "k_of_n":
            return rel.k_of_n(draw(st.integers(1, len(kids))), *kids)
        return (rel.series if kind == "series" else rel.parallel)(*kids)

    return node(3)


@settings(max_examples=60, deadline=None)
@given(structures())
def test_compiled_program_evaluates_like_the_structure(system):
    # The Program's evaluation must equal a direct recursive evaluation of the structure.
    prog = rel.compile_structure(system)
    e = prog.n_events
    states = np.array(list(itertools.product([False, True], repeat=e)), dtype=bool).reshape(-1, e)
    index = {name: i for i, name in enumerate(prog.names)}

    def direct(x, row):
        if isinstance(x, rel.Component):
            return row[index[x.name]]
        vals = [direct(i, row) for i in x.inputs]
        if x.kind == "and":
            return all(vals)
        if x.kind == "or":
            return any(vals)
        return sum(vals) >= x.k

    got = prog.evaluate(states)
    want = np.array([direct(system, row) for row in states])
    assert np.array_equal(got, want)
    assert set(prog.op.tolist()) <= {AND, OR, VOTE}
