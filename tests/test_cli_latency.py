"""`qsm latency`: budget, rtt, percentiles (with the correction), fanout, tour."""

import numpy as np
from typer.testing import CliRunner

from qsmcore import latency
from qsmcore.cli import app


def _run(args, input_text=None, code=0):
    result = CliRunner().invoke(app, args, input=input_text, env={"COLUMNS": "200"})
    assert result.exit_code == code, result.output
    return " ".join(result.output.replace("│", " ").split())  # table cells as plain words


def test_budget_prints_the_same_numbers_as_the_api():
    out = _run(
        ["latency", "budget", "--stage", "lognormal:mean=2,scv=1", "--fanout", "exp:1",
         "--n-calls", "10", "--k", "9", "--samples", "2e4", "--seed", "3"]
    )  # fmt: skip
    r = latency.budget(
        ["lognormal:mean=2,scv=1", latency.fanout("exp:1", 10, k=9)], n=20_000, seed=3
    )
    p99 = r.percentiles[0.99]
    assert f"P99 {p99.value:.6g} [{p99.low:.4g}, {p99.high:.4g}]" in out
    assert f"mean {r.mean.mean:.6g}" in out
    assert "fanout(exp:1, n=10, 9-of-10)" in out and "lognormal:mean=2,scv=1" in out
    assert "20,000 requests" in out


def test_budget_several_fanouts_and_errors():
    out = _run(["latency", "budget", "--fanout", "exp:1", "--fanout", "det:1",
                "--n-calls", "4", "--n-calls", "2", "--samples", "1000"])  # fmt: skip
    assert "fanout(exp:1, n=4, all)" in out and "fanout(det:1, n=2, all)" in out
    out = _run(["latency", "budget", "--samples", "1000"], code=2)
    assert "--stage or --fanout" in out
    out = _run(["latency", "budget", "--fanout", "exp:1", "--n-calls", "5000"], code=2)
    assert "n must be in [1, 4096]" in out
    out = _run(["latency", "budget", "--fanout", "exp:1", "--fanout", "exp:2",
                "--n-calls", "1", "--n-calls", "2", "--n-calls", "3"], code=2)  # fmt: skip
    assert "n-calls" in out
    out = _run(["latency", "budget", "--stage", "exp:-1"], code=2)
    assert "rate" in out


def test_rtt_by_name_and_coordinates():
    out = _run(["latency", "rtt", "New York", "London"])
    assert "5,570 km" in out and "54.6" in out
    out = _run(["latency", "rtt", "--", "-33.87,151.21", "Tokyo"])
    assert "(-33.87, 151.21) ↔ Tokyo" in out
    out = _run(["latency", "rtt", "Londn", "Paris"], code=2)
    assert "did you mean 'London'" in out


def test_percentiles_from_a_file(tmp_path):
    path = tmp_path / "lat.txt"
    values = np.arange(1, 1001)
    path.write_text("# latency in ms\n" + "\n".join(map(str, values)) + "\n")
    out = _run(["latency", "percentiles", str(path)])
    assert "1,000 recorded latencies" in out
    assert "P50 500 [469, 532]" in out  # x_(500) and the ranks (469, 532) of Bin(1000, 1/2)
    assert "P99.9 999 [997, inf]" in out and "need n >= 3688" in out
    out = _run(["latency", "percentiles", str(path), "--q", "0.5", "--correct-interval", "100"])
    fixed = latency.corrected_percentiles(values, 100, 0.5)
    assert f"{fixed.n - 1000:,} values added" in out
    assert f"P50 {fixed[0.5].value:.6g}" in out


def test_percentiles_from_stdin_and_errors(tmp_path):
    out = _run(["latency", "percentiles", "-", "--q", "0.5"], "3\n1\n2\n")
    assert "P50 2" in out
    out = _run(["latency", "percentiles", str(tmp_path / "missing.txt")], code=2)
    assert "no such file" in out
    bad = tmp_path / "bad.txt"
    bad.write_text("1\nnan\n")
    assert "NaN" in _run(["latency", "percentiles", str(bad)], code=2)
    out = _run(["latency", "percentiles", "-", "--correct-interval", "0"], "1\n", code=2)
    assert "expected_interval" in out


def test_fanout_table():
    out = _run(["latency", "fanout", "--dist", "exp:1", "--n", "100"])
    assert "100 36.60% 63.40% P99.99" in out


def test_tour_has_a_latency_section():
    from qsmcore import _tour

    assert any(s.__module__ == "qsmcore._cli_latency" for s in _tour.SECTIONS)
