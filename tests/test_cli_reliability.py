"""`qsm reliability`: eval (exact, Monte Carlo, importance sampling, JSON and YAML),
durability, availability, bound, bad files and options, and the tour section."""

from __future__ import annotations

import io
import json

import pytest
from rich.console import Console
from typer.testing import CliRunner

from qsmcore import reliability as rel
from qsmcore._cli_reliability import tour_section
from qsmcore.cli import app

runner = CliRunner()

SYSTEM = {
    "components": {"A": 0.01, "B": 0.02, "C": 0.03, "D": 0.001},
    "gates": {
        "pumps": {"type": "k_of_n", "k": 2, "inputs": ["A", "B", "C"]},
        "top": {"type": "series", "inputs": ["pumps", "D"]},
    },
    "top": "top",
}


def exact_probability() -> float:
    return rel.failure_probability(rel.compile_structure(rel.from_dict(SYSTEM))).probability


@pytest.fixture
def system_file(tmp_path):
    path = tmp_path / "system.json"
    path.write_text(json.dumps(SYSTEM))
    return path


def test_eval_exact_json(system_file):
    res = runner.invoke(app, ["reliability", "eval", str(system_file), "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["probability"] == pytest.approx(exact_probability(), rel=1e-12)
    assert out["minimal_cut_sets"][0] == ["D"]  # the single point of failure comes first
    assert {e["name"] for e in out["importance"]} == {"A", "B", "C", "D"}


def test_eval_table_lists_importance_and_cut_sets(system_file):
    res = runner.invoke(app, ["reliability", "eval", str(system_file), "--top", "3"])
    assert res.exit_code == 0, res.output
    assert "P(failure)" in res.output and "Birnbaum" in res.output
    assert "{D}" in res.output


@pytest.mark.parametrize("method", ["mc", "importance"])
def test_eval_monte_carlo_interval_covers_exact(system_file, method):
    args = ["reliability", "eval", str(system_file), "--method", method, "--trials", "200000"]
    res = runner.invoke(app, [*args, "--json", "--seed", "3"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    # The printed interval is 95% (1.96 standard errors); the exact answer must lie
    # within 4.5 of them (the interval's calibration lives in the MC tests).
    p, stretch = out["probability"], 4.5 / 1.96
    assert p - stretch * (p - out["low"]) <= exact_probability() <= p + stretch * (out["high"] - p)
    assert out["trials"] == 200_000


def test_eval_yaml(tmp_path):
    yaml = pytest.importorskip("yaml")
    path = tmp_path / "system.yaml"
    path.write_text(yaml.safe_dump(SYSTEM))
    res = runner.invoke(app, ["reliability", "eval", str(path), "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["probability"] == pytest.approx(exact_probability(), rel=1e-12)


def test_eval_bad_files_and_options(tmp_path, system_file):
    res = runner.invoke(app, ["reliability", "eval", str(tmp_path / "nope.json")])
    assert res.exit_code == 2 and "no such file" in res.output
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"components": {"A": 2.0}}))
    res = runner.invoke(app, ["reliability", "eval", str(bad)])
    assert res.exit_code == 2 and "p_fail" in res.output
    res = runner.invoke(app, ["reliability", "eval", str(system_file), "--method", "guess"])
    assert res.exit_code == 2 and "--method" in res.output
    res = runner.invoke(app, ["reliability", "eval", str(system_file), "--trials", "10"])
    assert res.exit_code == 2 and "--trials" in res.output


def test_durability_nines():
    res = runner.invoke(
        app,
        [
            "reliability",
            "durability",
            "--replicas",
            "3",
            "--afr",
            "0.02",
            "--repair-hours",
            "24",
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    direct = rel.durability(3, 0.02, 24.0)
    assert out["nines"] == pytest.approx(direct.nines)
    res = runner.invoke(app, ["reliability", "durability", "--scheme", "RS(10,4)"])
    assert res.exit_code == 0 and "nines" in res.output
    res = runner.invoke(app, ["reliability", "durability"])
    assert res.exit_code == 2
    res = runner.invoke(app, ["reliability", "durability", "--replicas", "3", "--afr", "2"])
    assert res.exit_code == 2 and "afr" in res.output


def test_availability_and_bound():
    res = runner.invoke(app, ["reliability", "availability", "--mttf", "1000", "--mttr", "10"])
    assert res.exit_code == 0 and "0.990099" in res.output
    res = runner.invoke(
        app,
        ["reliability", "availability", "--mttf", "1000", "--mttr", "10", "--k", "2", "--n", "3"],
    )
    assert res.exit_code == 0, res.output
    res = runner.invoke(
        app, ["reliability", "availability", "--mttf", "1000", "--mttr", "10", "--k", "2"]
    )
    assert res.exit_code == 2
    res = runner.invoke(app, ["reliability", "bound", "--failures", "0", "--trials", "10"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["reliability", "bound", "--failures", "11", "--trials", "10"])
    assert res.exit_code == 2


def test_tour_section():
    buf = io.StringIO()
    tour_section(Console(file=buf, width=200))
    text = buf.getvalue()
    assert "2-of-3 pumps" in text and "importance sampling" in text and "nines" in text
    assert "6×6 grid" in text
