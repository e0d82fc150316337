"""FlowGraph, NetworkX / SciPy conversion and DIMACS reading and writing."""

from __future__ import annotations

import io

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given
from hypothesis import strategies as st
from scipy.sparse.csgraph import maximum_flow

from qsmcore.flow import (
    FlowGraph,
    _dimacs,
    from_networkx,
    from_scipy,
    generators,
    read_dimacs,
    write_dimacs,
)


def scipy_max_flow(g: FlowGraph) -> int:
    a = g.to_scipy()
    a = sp.csr_array((a.data.astype(np.int32), a.indices, a.indptr), shape=a.shape)
    return int(maximum_flow(a, g.source, g.sink).flow_value)


# --------------------------------------------------------------------------- FlowGraph


def test_flowgraph_is_frozen_and_read_only():
    g = FlowGraph([0, 1], [1, 2], [5, 7], source=0, sink=2)
    assert g.n_nodes == 3 and g.n_arcs == 2
    with pytest.raises(ValueError):
        g.capacities[0] = 1  # read-only array
    with pytest.raises(AttributeError):
        g.source = 1  # type: ignore[misc]
    assert "n_arcs=2" in repr(g)
    assert g.to_dict()["capacities"] == [5, 7]


def test_flowgraph_does_not_alias_caller_arrays():
    caps = np.array([5, 7], dtype=np.int64)
    g = FlowGraph(np.array([0, 1]), np.array([1, 2]), caps)
    caps[0] = 99
    assert g.capacities[0] == 5


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"capacities": [1, -2]}, "capacities"),
        ({"capacities": [1]}, "capacities"),
        ({"tails": [0, -1]}, "node ids"),
        ({"source": 0, "sink": None}, "source and sink"),
        ({"source": 1, "sink": 1}, "differ"),
        ({"source": 0, "sink": 7}, "sink"),
        ({"supplies": [1, 2]}, "supplies"),
        ({"node_labels": ("a",)}, "node_labels"),
        ({"costs": [1]}, "costs"),
    ],
)
def test_flowgraph_bad_input(kwargs, match):
    args = {"tails": [0, 1], "heads": [1, 2], "capacities": [1, 2]} | kwargs
    with pytest.raises(ValueError, match=match):
        FlowGraph(**args)


def test_flowgraph_type_errors():
    with pytest.raises(TypeError, match="capacities"):
        FlowGraph([0], [1], [1.5])
    with pytest.raises(TypeError, match="capacities"):
        FlowGraph([0], [1], [float("nan")])
    with pytest.raises(TypeError, match="source"):
        FlowGraph([0], [1], [1], source=0.0, sink=1)


# --------------------------------------------------------------------------- NetworkX


def labelled_digraph() -> nx.DiGraph:
    g = nx.DiGraph()
    g.add_node("s", demand=-5)
    g.add_node(("x", 1))
    g.add_node("t", demand=5)
    g.add_edge("s", ("x", 1), capacity=4, weight=2)
    g.add_edge(("x", 1), "t", capacity=3, weight=-1)
    g.add_edge("s", "t", capacity=2, weight=7)
    return g


def test_networkx_round_trip_keeps_labels_and_values():
    g = labelled_digraph()
    fg = from_networkx(g, cost="weight", demand="demand", source="s", sink="t")
    assert fg.node_labels == ("s", ("x", 1), "t")
    assert (fg.source, fg.sink) == (0, 2)
    assert fg.supplies.tolist() == [5, 0, -5]
    back = fg.to_networkx()
    assert type(back) is nx.DiGraph
    assert list(back.nodes) == list(g.nodes)
    assert {(u, v): d for u, v, d in back.edges(data=True)} == {
        (u, v): d for u, v, d in g.edges(data=True)
    }
    for lab in g.nodes:
        assert back.nodes[lab]["demand"] == g.nodes[lab].get("demand", 0)
    # The same min-cost answer from NetworkX before and after the round trip.
    assert nx.min_cost_flow_cost(back) == nx.min_cost_flow_cost(g)
    assert fg.label_of(1) == ("x", 1) and fg.id_of(("x", 1)) == 1
    with pytest.raises(ValueError, match="label"):
        fg.id_of("nope")
    with pytest.raises(ValueError, match="node_id"):
        fg.label_of(3)


def test_networkx_undirected_and_multigraph():
    ug = nx.Graph()
    ug.add_edge(0, 1, capacity=3)
    ug.add_edge(1, 2, capacity=4)
    fg = from_networkx(ug, source=0, sink=2)
    assert fg.n_arcs == 4  # both directions of each edge
    assert scipy_max_flow(fg) == nx.maximum_flow_value(ug, 0, 2) == 3
    mg = nx.MultiDiGraph()
    mg.add_edge("a", "b", capacity=2)
    mg.add_edge("a", "b", capacity=5)
    fm = from_networkx(mg, source="a", sink="b")
    assert fm.n_arcs == 2 and scipy_max_flow(fm) == 7
    assert type(fm.to_networkx()) is nx.MultiDiGraph


def test_networkx_max_flow_agrees_on_generated_graph():
    g = generators.washington_rlg(6, 5, 50, seed=3)
    ng = g.to_networkx()
    assert nx.maximum_flow_value(ng, g.source, g.sink) == scipy_max_flow(g)
    back = from_networkx(ng, source=g.source, sink=g.sink)
    assert back.node_labels == tuple(range(g.n_nodes))
    assert (back.source, back.sink, back.n_nodes) == (g.source, g.sink, g.n_nodes)

    def arcs(x):  # NetworkX lists edges by adjacency, not in arc order
        return sorted(zip(x.tails.tolist(), x.heads.tolist(), x.capacities.tolist(), strict=True))

    assert arcs(back) == arcs(g)


def test_networkx_bad_input():
    g = nx.DiGraph()
    g.add_edge(0, 1)
    with pytest.raises(ValueError, match="capacity"):
        from_networkx(g)
    g[0][1]["capacity"] = 2.5
    with pytest.raises(TypeError, match="capacity"):
        from_networkx(g)
    g[0][1]["capacity"] = -1
    with pytest.raises(ValueError, match="capacit"):
        from_networkx(g)
    g[0][1]["capacity"] = 1
    with pytest.raises(ValueError, match="source"):
        from_networkx(g, source="nope", sink=1)
    with pytest.raises(ValueError, match="cost"):
        from_networkx(g, cost="weight")
    with pytest.raises(TypeError, match="G"):
        from_networkx({0: [1]})
    with pytest.raises(ValueError, match="no nodes"):
        from_networkx(nx.DiGraph())


# --------------------------------------------------------------------------- SciPy


def test_from_scipy_drops_explicit_zeros_and_sums_duplicates():
    data = np.array([3, 0, 2, 4, 1])
    rows = np.array([0, 0, 1, 1, 1])
    cols = np.array([1, 2, 2, 2, 0])
    a = sp.coo_array((data, (rows, cols)), shape=(3, 3))
    csr = sp.csr_array((data, (rows, cols)), shape=(3, 3))  # duplicates summed here
    csr.data[csr.data == 3] = 0  # an explicit zero where (0, 1) was
    g = from_scipy(csr, source=0, sink=2)
    assert g.tails.tolist() == [1, 1] and g.heads.tolist() == [0, 2]
    assert g.capacities.tolist() == [1, 6]
    g2 = from_scipy(a, source=0, sink=2)  # COO with an explicit zero and a duplicate
    assert list(zip(g2.tails.tolist(), g2.heads.tolist(), g2.capacities.tolist(), strict=True)) == [
        (0, 1, 3), (1, 0, 1), (1, 2, 6),
    ]  # fmt: skip


def test_from_scipy_round_trip_and_max_flow():
    g = generators.random_sparse(40, 300, 50, seed=11)
    a = g.to_scipy()
    back = from_scipy(a, source=g.source, sink=g.sink)
    assert back.to_scipy().toarray().tolist() == a.toarray().tolist()
    assert scipy_max_flow(back) == scipy_max_flow(g) > 0


def test_from_scipy_bad_input():
    with pytest.raises(TypeError, match="matrix"):
        from_scipy(np.eye(3))
    with pytest.raises(ValueError, match="square"):
        from_scipy(sp.csr_array(np.ones((2, 3))))
    with pytest.raises(ValueError, match="matrix"):
        from_scipy(sp.csr_array(np.array([[0, -1], [0, 0]])))
    with pytest.raises(TypeError, match="matrix"):
        from_scipy(sp.csr_array(np.array([[0, 0.5], [0, 0]])))
    with pytest.raises(ValueError, match="sink"):
        from_scipy(sp.csr_array(np.array([[0, 1], [0, 0]])), source=0, sink=2)


# --------------------------------------------------------------------------- DIMACS


@pytest.mark.parametrize(
    "graph",
    [
        generators.grid(4, 5, seed=1),
        generators.rmf(3, 3, 1, 20, seed=2),
        generators.washington_rlg(5, 4, 100, seed=3),
        generators.random_sparse(30, 120, seed=4),
    ],
    ids=["grid", "rmf", "rlg", "sparse"],
)
def test_dimacs_max_round_trip(tmp_path, graph):
    path = tmp_path / "g.max"
    write_dimacs(path, graph)
    assert read_dimacs(path) == graph
    assert read_dimacs(str(path)) == graph
    buf = io.BytesIO()
    write_dimacs(buf, graph, problem="max")
    buf.seek(0)
    assert read_dimacs(buf) == graph


def test_dimacs_min_round_trip(tmp_path):
    g = generators.transportation(4, 6, max_cost=50, seed=9)
    path = tmp_path / "t.min"
    write_dimacs(path, g, problem="min")
    back = read_dimacs(path)
    assert back == g
    s = io.StringIO()
    write_dimacs(s, g, problem="min")
    assert read_dimacs(io.StringIO(s.getvalue())) == g
    ng = g.to_networkx()
    assert nx.min_cost_flow_cost(ng) == nx.min_cost_flow_cost(back.to_networkx())


def test_dimacs_negative_costs_and_zero_supply_round_trip():
    g = FlowGraph([0, 1, 2], [1, 2, 0], [5, 5, 5], costs=[-3, 2, 0], supplies=[0, 0, 0])
    s = io.StringIO()
    write_dimacs(s, g, problem="min")
    assert read_dimacs(io.StringIO(s.getvalue())) == g


@given(
    n=st.integers(2, 12),
    arcs=st.lists(st.tuples(st.integers(0, 11), st.integers(0, 11), st.integers(0, 10**17)),
                  max_size=40),
)  # fmt: skip
def test_dimacs_round_trip_property(n, arcs):
    arcs = [(u % n, v % n, c) for u, v, c in arcs]
    t, h, c = (np.array(col, dtype=np.int64) for col in zip(*arcs, strict=True)) if arcs else (
        [], [], [])  # fmt: skip
    g = FlowGraph(t, h, c, n_nodes=n, source=0, sink=n - 1)
    s = io.StringIO()
    write_dimacs(s, g)
    assert read_dimacs(io.StringIO(s.getvalue())) == g


@pytest.mark.parametrize("chunk", [None, 1, 2, 3])
def test_dimacs_tolerates_comments_blank_lines_and_crlf(chunk, monkeypatch):
    if chunk is not None:
        monkeypatch.setattr(_dimacs, "_CHUNK", chunk)
    text = (
        "c a comment\r\n\r\n   \np max 3 4\r\nc another\nn 1 s\nn 3 t\n\n"
        "a 1 2 5\r\ncomment-like words start with c too\na 2 3 4\n"
        "\ta\t1 3  007 \r\n  a 3 1 0"  # tabs, leading zeros, no final newline
    )
    g = read_dimacs(io.StringIO(text))
    assert g == FlowGraph([0, 1, 0, 2], [1, 2, 2, 0], [5, 4, 7, 0], n_nodes=3, source=0, sink=2)
    assert scipy_max_flow(g) == 11


@pytest.mark.parametrize("chunk", [1, 2, 5])
def test_dimacs_fast_path_equals_line_path(chunk, monkeypatch):
    g = generators.transportation(3, 4, max_cost=9, seed=1)
    h = FlowGraph(g.tails, g.heads, g.capacities, costs=g.costs - 5, supplies=g.supplies)
    s = io.StringIO()
    write_dimacs(s, h, problem="min")
    expected = read_dimacs(io.StringIO(s.getvalue()))
    monkeypatch.setattr(_dimacs, "_CHUNK", chunk)
    assert read_dimacs(io.StringIO(s.getvalue())) == expected == h


def test_dimacs_many_arcs_cross_batches():
    # More arc lines than one conversion batch: the batches join in order, and an
    # error in a later batch still names its own line.
    m = _dimacs._CHUNK + 1000
    rng = np.random.default_rng(0)
    t = rng.integers(0, 50, m)
    h = (t + 1 + rng.integers(0, 49, m)) % 50
    g = FlowGraph(t, h, rng.integers(0, 1000, m), n_nodes=50, source=0, sink=49)
    s = io.StringIO()
    write_dimacs(s, g)
    text = s.getvalue()
    assert read_dimacs(io.StringIO(text)) == g
    lines = text.splitlines()
    bad = 4 + _dimacs._CHUNK + 10  # header: c, p, n s, n t
    lines[bad - 1] = "a 1 2 x"
    with pytest.raises(ValueError, match=f"line {bad}:.*capacity"):
        read_dimacs(io.StringIO("\n".join(lines)))


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("", "no 'p max' or 'p min'"),
        ("a 1 2 3\n", "line 1: an 'a' line before the 'p' line"),
        ("n 1 s\n", "line 1: an 'n' line before"),
        ("p max 3\n", "line 1: the problem line"),
        ("p flow 3 1\n", "line 1: problem type"),
        ("p max 0 0\n", "line 1: the node count n must be >= 1"),
        ("p max -3 1\n", "line 1: the node count"),
        ("p max 3 x\n", "line 1: the arc count"),
        ("c\np max 3 1\np max 3 1\n", "line 3: a second 'p' line"),
        ("p max 3 1\nn 1 s\nn 3 t\na 1 2\n", "line 4: a 'p max' arc line"),
        ("p max 3 1\nn 1 s\nn 3 t\na 1 2 3 4\n", "line 4: a 'p max' arc line"),
        ("p max 3 1\nn 1 s\nn 3 t\na 1 4 3\n", r"line 4: arc ends must be node ids in \[1, n=3\]"),
        ("p max 3 1\nn 1 s\nn 3 t\na 0 2 3\n", "line 4: arc ends"),
        ("p max 3 1\nn 1 s\nn 3 t\na 1 2 -3\n", "line 4: the capacity"),
        ("p max 3 1\nn 1 s\nn 3 t\na 1 2 3.5\n", "line 4: the capacity"),
        ("p max 3 1\nn 1 s\nn 3 t\na 1 2 1e3\n", "line 4: the capacity"),
        ("p max 3 1\nn 1 s\nn 3 t\na 1 2 9999999999999999999\n", "line 4: the capacity"),
        ("p max 3 1\nn 1 s\nn 3 t\na 1 2 \u0663\n", "line 4: the capacity"),
        ("p max 3 1\nn 1 s\nn 3 t\na 1 2 3\na 2 3 3\n", "line 5: more arc lines than m=1"),
        ("p max 3 2\nn 1 s\nn 3 t\na 1 2 3\n", "says m=2 arcs, found 1"),
        ("p max 3 1\nn 1 s\na 1 2 3\n", "no sink line"),
        ("p max 3 1\nn 3 t\na 1 2 3\n", "no source line"),
        ("p max 3 1\nn 1 s\nn 2 s\n", "line 3: a second source"),
        ("p max 3 1\nn 1 x\n", "line 2: a 'p max' node line names 's' or 't'"),
        ("p max 3 1\nn 4 s\n", "line 2: the node id must be <= 3"),
        ("p max 3 0\nn 1 s\nn 1 t\n", "source and sink are the same node 1"),
        ("p max 3 0\nx 1\n", "line 2: unknown line type 'x'"),
        ("p min 3 1\na 1 2 1 5 3\n", "line 2: nonzero lower bound 1"),
        ("p min 3 1\na 1 2 0 5\n", "line 2: a 'p min' arc line"),
        ("p min 3 1\na 1 2 0 5 --3\n", "line 2: the cost"),
        ("p min 3 1\na 1 2 0 5 3-\n", "line 2: the cost"),
        ("p min 3 1\na 1 2 0 -5 3\n", "line 2: the capacity"),
        ("p min 3 1\nn 1 5\nn 1 -5\n", "line 3: node 1 already has a supply"),
        ("p min 3 1\nn 1 x\n", "line 2: the supply"),
        ("p max 2000000000 0\n", r"line 1: the node count n must be <= 67108864"),
    ],
)
@pytest.mark.parametrize("chunk", [None, 1, 2])
def test_dimacs_errors_name_the_line(text, match, chunk, monkeypatch):
    # chunk: lines per batch. Small batches send the arc lines through the regex fast
    # path (batches of arc lines only), which must refuse exactly what the line-by-line
    # path refuses, and name the same line.
    if chunk is not None:
        monkeypatch.setattr(_dimacs, "_CHUNK", chunk)
    with pytest.raises(ValueError, match=match):
        read_dimacs(io.StringIO(text))


def test_dimacs_hostile_counts_do_not_allocate():
    # m near the int32 limit and n at max_nodes are accepted by the p line but
    # nothing is sized by them: the arrays hold what the file actually contains.
    text = "p max 67108864 2147483647\nn 1 s\nn 2 t\na 1 2 3\n"
    with pytest.raises(ValueError, match="says m=2147483647 arcs, found 1"):
        read_dimacs(io.StringIO(text))
    with pytest.raises(ValueError, match="n must be <= 10"):
        read_dimacs(io.StringIO("p max 11 0\n"), max_nodes=10)
    with pytest.raises(ValueError, match="max_nodes"):
        read_dimacs(io.StringIO("p max 3 0\n"), max_nodes=0)
    with pytest.raises(TypeError, match="source"):
        read_dimacs(12)


def test_dimacs_binary_garbage_is_a_value_error():
    with pytest.raises(ValueError, match="line 1"):
        read_dimacs(io.BytesIO(b"\xff\xfe\x00p max"))
    with pytest.raises(ValueError, match="line 4: the capacity"):
        read_dimacs(io.BytesIO(b"p max 3 1\nn 1 s\nn 3 t\na 1 2 \xc3\xa9\n"))


def test_write_dimacs_bad_input():
    g = generators.grid(2, 2, seed=0)
    with pytest.raises(ValueError, match="problem"):
        write_dimacs(io.StringIO(), g, problem="mincost")
    with pytest.raises(ValueError, match="costs"):
        write_dimacs(io.StringIO(), g, problem="min")
    with pytest.raises(ValueError, match="source and sink"):
        write_dimacs(io.StringIO(), FlowGraph([0], [1], [1]), problem="max")
    with pytest.raises(TypeError, match="graph"):
        write_dimacs(io.StringIO(), {"tails": [0]})
    with pytest.raises(TypeError, match="target"):
        write_dimacs(3, g)


def test_flow_package_imports_without_scipy_or_networkx():
    # SciPy and NetworkX are optional: only the functions that use them import them.
    import subprocess
    import sys

    code = (
        "import sys; sys.modules['scipy'] = None; sys.modules['networkx'] = None\n"
        "import io, qsmcore.flow as f\n"
        "g = f.generators.grid(2, 3, seed=0); s = io.StringIO(); f.write_dimacs(s, g)\n"
        "assert f.read_dimacs(io.StringIO(s.getvalue())) == g\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
