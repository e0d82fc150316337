"""`qsm flow`: max / mincost on DIMACS files (tables and JSON), the demo and its drawing,
bad files and options, and the tour section."""

from __future__ import annotations

import io
import json

import networkx as nx
import pytest
from rich.console import Console
from typer.testing import CliRunner

from qsmcore import flow
from qsmcore._cli_flow import DEMO_ARCS, demo_flow, tour_section
from qsmcore.cli import app

runner = CliRunner()


@pytest.fixture
def max_file(tmp_path):
    g = flow.generators.rmf(4, 5, 1, 100, seed=3)
    path = tmp_path / "rmf.max"
    flow.write_dimacs(path, g, problem="max")
    return path, g


@pytest.fixture
def min_file(tmp_path):
    g = flow.generators.transportation(6, 9, 50, seed=4)
    path = tmp_path / "tp.min"
    flow.write_dimacs(path, g, problem="min")
    return path, g


def _nx_max(g) -> int:
    d = nx.DiGraph()
    for u, v, c in zip(g.tails.tolist(), g.heads.tolist(), g.capacities.tolist(), strict=True):
        d.add_edge(u, v, capacity=d[u][v]["capacity"] + c if d.has_edge(u, v) else c)
    return nx.maximum_flow_value(d, g.source, g.sink)


def test_max_json_value_equals_networkx_and_cut(max_file):
    path, g = max_file
    res = runner.invoke(app, ["flow", "max", str(path), "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["value"] == _nx_max(g)
    assert out["cut_capacity"] == out["value"]
    assert (out["nodes"], out["arcs"]) == (g.n_nodes, g.n_arcs)
    assert (out["source"], out["sink"]) == (g.source + 1, g.sink + 1)


@pytest.mark.parametrize("method", ["push_relabel", "dinic", "bk"])
def test_max_table_every_method(max_file, method):
    path, g = max_file
    res = runner.invoke(app, ["flow", "max", str(path), "--method", method, "--show-cut", "3"])
    assert res.exit_code == 0, res.output
    assert f"{_nx_max(g):,}" in res.output
    assert "(= flow: yes)" in res.output
    assert "cut arcs (first" in res.output


def test_mincost_json_equals_networkx(min_file):
    path, g = min_file
    res = runner.invoke(app, ["flow", "mincost", str(path), "--json"])
    assert res.exit_code == 0, res.output
    d = nx.MultiDiGraph()
    for v, b in enumerate(g.supplies.tolist()):
        d.add_node(v, demand=-b)
    for u, v, c, w in zip(
        g.tails.tolist(), g.heads.tolist(), g.capacities.tolist(), g.costs.tolist(), strict=True
    ):
        d.add_edge(u, v, capacity=c, weight=w)
    assert json.loads(res.output)["total_cost"] == nx.network_simplex(d)[0]
    table = runner.invoke(app, ["flow", "mincost", str(path)])
    assert table.exit_code == 0 and "total cost" in table.output


def test_mincost_infeasible_is_reported(tmp_path):
    path = tmp_path / "bad.min"
    # 1 must send 5 to 2, but the only arc carries 3.
    path.write_text("p min 2 1\nn 1 5\nn 2 -5\na 1 2 0 3 1\n")
    res = runner.invoke(app, ["flow", "mincost", str(path)])
    assert res.exit_code == 2
    assert "infeasible" in res.output


def test_wrong_problem_kind_and_missing_file(max_file, min_file, tmp_path):
    res = runner.invoke(app, ["flow", "mincost", str(max_file[0])])
    assert res.exit_code == 2 and "not a 'p min'" in res.output
    res = runner.invoke(app, ["flow", "max", str(min_file[0])])
    assert res.exit_code == 2 and "not a 'p max'" in res.output
    res = runner.invoke(app, ["flow", "max", str(tmp_path / "nope.max")])
    assert res.exit_code == 2 and "no such file" in res.output
    garbage = tmp_path / "garbage.max"
    garbage.write_text("p max 2\n")
    res = runner.invoke(app, ["flow", "max", str(garbage)])
    assert res.exit_code == 2


def test_bad_method(max_file):
    res = runner.invoke(app, ["flow", "max", str(max_file[0]), "--method", "simplex"])
    assert res.exit_code == 2
    assert "--method" in res.output


def test_demo_is_the_textbook_answer():
    t, _, c, r = demo_flow()
    assert r.value == 23  # the classic CLRS network
    assert int(c[r.cut_arcs].sum()) == 23
    assert len(DEMO_ARCS) == t.size
    res = runner.invoke(app, ["flow", "demo"])
    assert res.exit_code == 0 and "maximum flow s → t = 23" in res.output


def test_demo_plot(tmp_path):
    pytest.importorskip("matplotlib")
    png = tmp_path / "flow.png"
    res = runner.invoke(app, ["flow", "demo", "--plot", str(png)])
    assert res.exit_code == 0, res.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_tour_section_prints_both_problems():
    buf = io.StringIO()
    tour_section(Console(file=buf, width=200))
    text = buf.getvalue()
    assert "maximum flow 23" in text
    assert "minimum cost" in text and "simplex pivots" in text
