"""`qsm queue`: the analytic tables, theory beside simulation, batching, bad options.

The simulation commands need ``qsmcore.queueing.simulate``; those tests skip (with that
reason) only when the module is absent from the build. Everything else — the formulas,
the choice of theory, the comparison table built from per-replication rows, the
batching of replications, option errors — runs everywhere.
"""

from __future__ import annotations

import io
import json
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console
from typer.testing import CliRunner

from qsmcore import queueing as q
from qsmcore._cli_queue import (
    MAX_BATCHES,
    Theory,
    _count,
    batches,
    comparison_lines,
    comparison_table,
    run_batches,
    theory_for,
)
from qsmcore.cli import app
from qsmcore.queueing._simresult import COLUMNS, SimulationResult, row_width

try:
    from qsmcore.queueing import combine, simulate
except ImportError:  # the simulator is not part of this build
    simulate = combine = None

needs_sim = pytest.mark.skipif(
    simulate is None, reason="qsmcore.queueing.simulate is not in this build"
)


def _run(args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["queue", *args])
    return result.exit_code, result.output


def _words(args: list[str]) -> str:
    code, out = _run(args)
    assert code == 0, out
    return " ".join(out.replace("│", " ").split())  # table cells as plain words


def _json(args: list[str]) -> dict:
    code, out = _run([*args, "--json"])
    assert code == 0, out
    return json.loads(out)


def _clean_error(args: list[str], *needles: str) -> str:
    """A bad option: exit code 2, a message naming the parameter, no traceback."""
    code, out = _run(args)
    assert code == 2, out
    assert "Traceback" not in out
    flat = " ".join(out.replace("│", " ").split())
    for needle in needles:
        assert needle in flat, flat
    return flat


# --------------------------------------------------------------------------- analytic


def test_mmc_table_has_the_erlang_c_numbers():
    r = q.mmc(7.2, 1.0, 8)
    out = _words(["mmc", "--arrival-rate", "7.2", "--service-rate", "1", "--servers", "8"])
    assert "M/M/8 (exact)" in out
    for value in (r.utilization, r.p_wait, r.wait, r.response, r.queue_length):
        assert f"{value:.6g}" in out
    for p in (0.5, 0.95, 0.99, 0.999):
        assert f"{r.wait_quantile(p):.6g}" in out


def test_mm1_closed_forms_and_tail():
    # ρ = 0.5: Wq = ρ/(μ-λ) = 1, W = 2, L = 1, P(Wq > 1) = ρ e^{-(μ-λ)} = 0.5 e^{-0.5}
    out = _words(["mm1", "--arrival-rate", "0.5", "--service-rate", "1", "--wait-over", "1"])
    assert "Wq 1 " in out and "W 2 " in out
    assert f"P(Wq > 1) = {0.5 * math.exp(-0.5):.6g}" in out


def test_mmc_json_matches_the_library():
    doc = _json(["mmc", "--arrival-rate", "7.2", "--service-rate", "1", "--servers", "8"])
    r = q.mmc(7.2, 1.0, 8)
    assert doc["wait"] == r.wait and doc["p_wait"] == r.p_wait
    assert doc["wait_quantiles"]["0.99"] == r.wait_quantile(0.99)


def test_mmck_blocking_and_throughput():
    r = q.mmck(2.0, 1.0, 2, 4)
    out = _words(["mmck", "--arrival-rate", "2", "--service-rate", "1", "--servers", "2",
                  "--capacity", "4"])  # fmt: skip
    assert "M/M/2/4" in out
    assert f"p_K {r.blocking:.6g}" in out and f"λ_eff {r.throughput:.6g}" in out


def test_erlang_b_and_c_known_answers():
    # B(2, 1) = (1/2) / (1 + 1 + 1/2) = 0.2; C = cB/(c - a(1 - B)) = 0.4/1.2 = 1/3
    assert "0.2" in _words(["erlang-b", "--servers", "2", "--offered-load", "1"]).split()
    assert "0.333333" in _words(["erlang-c", "--servers", "2", "--offered-load", "1"]).split()
    assert _json(["erlang-c", "--servers", "2", "--offered-load", "1"])["probability"] == (
        pytest.approx(1 / 3, rel=1e-15)
    )


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["mmc", "--arrival-rate", "-1", "--service-rate", "1", "--servers", "2"], "arrival_rate"),
        (["mmc", "--arrival-rate", "nan", "--service-rate", "1", "--servers", "2"],
         "arrival_rate"),
        (["mmc", "--arrival-rate", "1", "--service-rate", "0", "--servers", "2"], "service_rate"),
        (["mmc", "--arrival-rate", "1", "--service-rate", "1", "--servers", "0"], "servers"),
        (["mmc", "--arrival-rate", "3", "--service-rate", "1", "--servers", "2"], "ρ"),
        (["mm1", "--arrival-rate", "1", "--service-rate", "1"], "ρ"),
        (["mmck", "--arrival-rate", "1", "--service-rate", "1", "--servers", "3",
          "--capacity", "2"], "capacity"),
        (["mmc", "--arrival-rate", "abc", "--service-rate", "1", "--servers", "2"],
         "--arrival-rate"),
        (["mmc", "--arrival-rate", "1", "--service-rate", "1", "--servers", "1.5"], "--servers"),
        (["mm1", "--arrival-rate", "0.5", "--service-rate", "1", "--wait-over", "-1"], "t must"),
        (["erlang-b", "--servers", "0", "--offered-load", "1"], "servers"),
        (["erlang-c", "--servers", "2", "--offered-load", "2"], "ρ"),
        (["erlang-c", "--servers", "2", "--offered-load", "-1"], "offered_load"),
    ],
)  # fmt: skip
def test_bad_analytic_options_give_a_clean_error(args, needle):
    _clean_error(args, needle)


# --------------------------------------------------------------------------- options


def test_counts_accept_float_notation_that_is_an_integer():
    assert _count("1e7", "customers", 1) == 10_000_000
    assert _count("250000", "customers", 1) == 250_000
    assert _count("0", "warmup", 0) == 0


@pytest.mark.parametrize("bad", ["1.5", "0", "-3", "abc", "inf", "nan", "1e30"])
def test_customers_must_be_a_positive_integer(bad):
    _clean_error(["sim", "--arrival", "exp:1", "--service", "exp:2", "--customers", bad],
                 "--customers")  # fmt: skip


def test_warmup_and_replications_are_checked_before_simulating():
    _clean_error(["sim", "--arrival", "exp:1", "--service", "exp:2", "--warmup", "2.5"],
                 "--warmup")  # fmt: skip
    _clean_error(["sim", "--arrival", "exp:1", "--service", "exp:2", "--replications", "1"],
                 "--replications")  # fmt: skip


# --------------------------------------------------------------------------- batching


@given(st.integers(2, 5000), st.integers(1, 64))
def test_batches_cover_every_replication_once_in_order(replications, threads):
    parts = batches(replications, threads)
    assert 1 <= len(parts) <= MAX_BATCHES
    first = 0
    for start, n in parts:
        assert start == first and n >= 2
        first += n
    assert first == replications


def test_run_batches_passes_consecutive_first_replications_and_combines():
    calls: list[tuple[int, int]] = []

    def fake_simulate(*, replications: int, first_replication: int, **kwargs):
        calls.append((first_replication, replications))
        return (first_replication, replications, kwargs["seed"])

    out = run_batches(fake_simulate, lambda parts: list(parts), {"seed": 7}, 32, 2, None)
    assert calls == batches(32, 2) == [(4 * i, 4) for i in range(8)]
    assert out == [(a, n, 7) for a, n in calls]
    # One batch: no combine call at all.
    assert run_batches(fake_simulate, None, {"seed": 1}, 3, 8, None) == (0, 3, 1)


# --------------------------------------------------------------------------- theory


def test_theory_is_exact_where_a_formula_exists():
    th = theory_for("exp:0.9", "exp:1", 1, None)
    assert th.exact and th.result.wait == pytest.approx(9.0, rel=1e-12)
    th = theory_for("exp:7.2", "exp:1", 8, None)
    assert th.exact and th.result.wait == q.mmc(7.2, 1, 8).wait
    th = theory_for("exp:1.8", "exp:1", 2, 5)
    assert th.exact and th.result.blocking == q.mmck(1.8, 1, 2, 5).blocking
    # M/G/1 by Pollaczek–Khinchine: Wq = λE[S²]/(2(1-ρ)) = 0.9 (4 + 1)/(2 · 0.1) = 22.5
    th = theory_for("exp:0.9", "lognormal:mean=1,scv=4", 1, None)
    assert th.exact and th.name.startswith("M/G/1")
    assert th.result.wait == pytest.approx(22.5, rel=1e-12)


def test_theory_is_marked_approximate_or_absent_elsewhere():
    th = theory_for("exp:0.9", "lognormal:mean=1,scv=4", 2, None)
    assert not th.exact and "Allen" in th.name and th.result.approximate
    th = theory_for("erlang:k=2,rate=2", "exp:2", 1, None)
    assert not th.exact and th.result is not None
    th = theory_for("erlang:k=2,rate=2", "exp:2", 1, 4)
    assert th.result is None and "finite" in th.reason
    th = theory_for("exp:2", "exp:1", 1, None)
    assert th.result is None and "ρ = 2" in th.reason


def _result(wait_values: list[float], quantiles=(0.5, 0.99)) -> SimulationResult:
    """A result from hand-made per-replication rows (as the C++ would write them)."""
    rows = np.zeros((len(wait_values), row_width(len(quantiles))))
    rows[:, COLUMNS.index("wait")] = wait_values
    rows[:, COLUMNS.index("utilization")] = 0.9
    rows[:, COLUMNS.index("throughput")] = 0.9
    return SimulationResult.from_rows(
        rows, customers=1000, warmup=100, first_replication=0, quantiles=quantiles,
        confidence=0.95,
    )  # fmt: skip


def test_comparison_says_whether_the_interval_covers_theory():
    th = theory_for("exp:0.9", "exp:1", 1, None)  # Wq = 9, ρ = 0.9
    covered = {ln.label: ln for ln in comparison_lines(_result([8.5, 9.5, 9.0, 8.8]), th)}
    assert covered["mean wait Wq"].theory == pytest.approx(9.0)
    assert covered["mean wait Wq"].note == "exact, in CI"
    missed = {ln.label: ln for ln in comparison_lines(_result([5.0, 5.1, 4.9, 5.0]), th)}
    assert "outside CI" in missed["mean wait Wq"].note
    assert missed["wait P99"].theory == pytest.approx(th.result.wait_quantile(0.99))
    assert missed["response P99"].theory is None and missed["response P99"].note == ""
    assert "blocking" not in missed


def test_comparison_marks_approximations_and_exact_rates():
    th = theory_for("exp:0.9", "lognormal:mean=1,scv=4", 2, None)
    lines = {ln.label: ln for ln in comparison_lines(_result([0.5, 0.6, 0.55]), th)}
    assert lines["mean wait Wq"].note == "approx."
    # λ E[S] / c and λ hold for any stable G/G/c: exact even beside Allen–Cunneen.
    assert lines["utilization ρ"].exact and lines["utilization ρ"].theory == pytest.approx(0.45)
    assert lines["throughput"].exact and lines["throughput"].theory == pytest.approx(0.9)


def test_comparison_without_theory_has_blank_cells():
    th = Theory(None, False, "", "no formula")
    console = Console(file=io.StringIO(), width=120)
    console.print(comparison_table(_result([1.0, 2.0]), th, "t"))
    text = console.file.getvalue()
    assert "mean wait Wq" in text and "approx." not in text and "exact" not in text


# --------------------------------------------------------------------------- simulation


@needs_sim
def test_sim_table_puts_theory_beside_the_simulation():
    out = _words(["sim", "--arrival", "exp:0.5", "--service", "exp:1", "--customers", "2e4",
                  "--replications", "4"])  # fmt: skip
    assert "theory: M/M/c, Erlang C (exact)" in out
    assert "mean wait Wq" in out and "80,000 customers" in out


@needs_sim
def test_sim_json_mean_wait_within_four_standard_errors_of_erlang_c():
    doc = _json(["sim", "--arrival", "exp:7.2", "--service", "exp:1", "--servers", "8",
                 "--customers", "2e4", "--replications", "8", "--seed", "3"])  # fmt: skip
    wq = doc["simulation"]["wait"]
    se = wq["std"] / math.sqrt(wq["n"])
    # 4 SE: a false alarm has probability < 1e-3 under the t(7) law of the replication mean.
    assert abs(wq["mean"] - q.mmc(7.2, 1, 8).wait) <= 4 * se
    assert doc["theory_exact"] is True and doc["simulation"]["replications"] == 8
    rows = {row["metric"]: row for row in doc["comparison"]}
    assert rows["mean wait Wq"]["mean"] == wq["mean"] and rows["mean wait Wq"]["exact"]
    assert rows["wait P99"]["theory"] == q.mmc(7.2, 1, 8).wait_quantile(0.99)
    assert rows["response P99"]["theory"] is None and rows["response P99"]["covered"] is None


@needs_sim
def test_sim_with_capacity_compares_blocking_with_mmck():
    doc = _json(["sim", "--arrival", "exp:1.8", "--service", "exp:1", "--servers", "2",
                 "--capacity", "4", "--customers", "2e4", "--replications", "8"])  # fmt: skip
    blk = doc["simulation"]["blocking"]
    exact = q.mmck(1.8, 1, 2, 4).blocking
    assert doc["theory"]["blocking"] == exact
    assert abs(blk["mean"] - exact) <= 4 * blk["std"] / math.sqrt(blk["n"])


@needs_sim
def test_batched_run_equals_one_call_and_any_thread_count():
    kwargs = dict(arrival="exp:0.9", service="lognormal:mean=1,scv=4", servers=2,
                  customers=5000, warmup=None, capacity=None, seed=11)  # fmt: skip
    one = simulate(**kwargs, replications=10)
    parts = run_batches(simulate, combine, {**kwargs, "threads": 2}, 10, 1, None)
    assert len(batches(10, 1)) > 1
    assert np.array_equal(parts.per_replication, one.per_replication, equal_nan=True)
    single = run_batches(simulate, combine, {**kwargs, "threads": 1}, 10, 1, None)
    assert np.array_equal(single.per_replication, one.per_replication, equal_nan=True)


@needs_sim
def test_sim_json_does_not_depend_on_threads():
    args = ["sim", "--arrival", "exp:0.9", "--service", "exp:1", "--customers", "5000",
            "--replications", "6"]  # fmt: skip
    a, b = _json([*args, "--threads", "1"]), _json([*args, "--threads", "2"])
    assert a["simulation"] == b["simulation"]


@needs_sim
@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--servers", "0"], "servers"),
        (["--capacity", "1", "--servers", "2"], "capacity"),
        (["--threads", "0"], "threads"),
        (["--seed", "-1"], "seed"),
    ],
)
def test_bad_sim_options_give_a_clean_error(args, needle):
    _clean_error(["sim", "--arrival", "exp:1", "--service", "exp:2", "--customers", "100",
                  "--replications", "2", *args], needle)  # fmt: skip


@needs_sim
@pytest.mark.parametrize("spec", ["bogus:1", "exp:-1", "exp:nan"])
def test_bad_distribution_specs_give_a_clean_error(spec):
    _clean_error(["sim", "--arrival", spec, "--service", "exp:2", "--customers", "100"],
                 "error:", "arrival")  # fmt: skip


def test_tour_section_shows_erlang_c():
    from qsmcore._tour_queue import queueing

    console = Console(file=io.StringIO(), width=120)
    queueing(console)
    text = console.file.getvalue()
    assert f"Wq = {q.mmc(7.2, 1, 8).wait:.4f}" in text
    if simulate is not None:
        assert "the 95% interval of Wq" in text
