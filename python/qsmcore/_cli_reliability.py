"""``qsm reliability``: evaluate a system description (exact, Monte Carlo, importance
sampling), and the durability, availability and chaos-statistics calculators."""

from __future__ import annotations

import json
import math
import time
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(
    help="Failure models: system reliability, durability (nines), availability, chaos stats.",
    no_args_is_help=True,
)
console = Console()

METHODS = ("auto", "exact", "mc", "importance")


def _fail(message: str) -> None:
    console.print(f"[red]error:[/] {message}")
    raise typer.Exit(2)


def _nines(q: float) -> str:
    return "∞" if q <= 0 else f"{-math.log10(q):.2f}"


def load_system(path: str) -> Any:
    """The structure in a JSON or YAML file (``qsmcore.reliability.from_dict`` format)."""
    from qsmcore.reliability import from_dict

    p = Path(path)
    if not p.is_file():
        raise typer.BadParameter(f"no such file: {path}", param_hint="FILE")
    text = p.read_text(encoding="utf-8")
    try:
        if p.suffix.lower() in (".yaml", ".yml"):
            try:
                import yaml
            except ImportError:
                _fail("YAML files need PyYAML: pip install pyyaml (or use JSON)")
            data = yaml.safe_load(text)
        else:
            data = json.loads(text)
        return from_dict(data)
    except (ValueError, TypeError) as exc:
        raise typer.BadParameter(str(exc), param_hint="FILE") from None


@app.command("eval")
def evaluate(
    file: Annotated[str, typer.Argument(help="A system description (.json, .yaml).")],
    method: Annotated[str, typer.Option(help=f"One of {', '.join(METHODS)}.")] = "auto",
    trials: Annotated[float, typer.Option(help="Monte Carlo trials.")] = 1e6,
    seed: Annotated[int, typer.Option(help="Monte Carlo seed.")] = 0,
    top: Annotated[int, typer.Option(help="Importance rows and cut sets to list.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Failure probability of the system in FILE, with importance and minimal cut sets
    (exact) or a confidence interval (Monte Carlo)."""
    from qsmcore.reliability import compile_structure, monte_carlo
    from qsmcore.reliability.exact import failure_probability, importance, minimal_cut_sets

    if method not in METHODS:
        raise typer.BadParameter(f"must be one of {METHODS}", param_hint="--method")
    if not (trials >= 64 and trials == int(trials)):
        raise typer.BadParameter("must be an integer >= 64", param_hint="--trials")
    program = compile_structure(load_system(file))
    out: dict[str, Any] = {"file": file, "events": program.n_events, "gates": program.n_gates}
    t0 = time.perf_counter()
    exact = None
    if method in ("auto", "exact"):
        try:
            exact = failure_probability(program)
        except (ValueError, MemoryError) as exc:  # MemoryError: the BDD node limit
            if method == "exact":
                _fail(str(exc))
            method = "importance"  # too big for a BDD: estimate instead
    if exact is not None:
        out.update(probability=exact.probability, method=exact.method)
        imp = importance(program)
        try:
            cuts = minimal_cut_sets(program, max_count=top)
        except ValueError:
            cuts = None  # not coherent (NOT gates): no minimal cut sets
        out["importance"] = imp.to_dict()["events"]
        out["minimal_cut_sets"] = None if cuts is None else [list(c) for c in cuts]
    else:
        mc = monte_carlo(
            program,
            int(trials),
            seed=seed,
            method="importance" if method == "importance" else "naive",
        )
        out.update(
            probability=mc.probability,
            low=mc.low,
            high=mc.high,
            method=mc.estimator,
            failures=mc.failures,
            trials=mc.trials,
            relative_error=mc.relative_error,
        )
    out["seconds"] = time.perf_counter() - t0
    if as_json:
        print(json.dumps(out, default=float))
        return
    t = Table(title=f"{file}: system failure", show_header=False)
    t.add_row("basic events / gates", f"{program.n_events} / {program.n_gates}")
    q = out["probability"]
    t.add_row("P(failure)", f"[bold]{q:.6g}[/]  (reliability {1 - q:.12g}, {_nines(q)} nines)")
    if "low" in out:
        t.add_row("95% interval", f"[{out['low']:.4g}, {out['high']:.4g}]")
        t.add_row("trials / failures", f"{out['trials']:,} / {out['failures']:,}")
    t.add_row("method", out["method"])
    t.add_row("time", f"{out['seconds'] * 1e3:.1f} ms")
    console.print(t)
    if exact is not None:
        console.print(imp.table(top=top))
        if cuts:
            console.print(f"minimal cut sets (first {len(cuts)}, smallest first):")
            for c in cuts:
                console.print("  {" + ", ".join(c) + "}")


@app.command()
def durability(
    replicas: Annotated[int | None, typer.Option(help="n full copies.")] = None,
    scheme: Annotated[str | None, typer.Option(help='Erasure code, e.g. "RS(10,4)".')] = None,
    afr: Annotated[float, typer.Option(help="Annual failure rate of one device.")] = 0.02,
    repair_hours: Annotated[float, typer.Option(help="Time to rebuild a lost copy.")] = 24.0,
    objects: Annotated[int, typer.Option(help="Objects (stripes) stored.")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Annual data-loss probability and nines of replicated or erasure-coded storage."""
    from qsmcore.reliability import durability as dur

    if (replicas is None) == (scheme is None):
        raise typer.BadParameter("give exactly one of --replicas and --scheme")
    try:
        r = dur(replicas if replicas is not None else scheme, afr, repair_hours, objects=objects)
    except (ValueError, TypeError) as exc:
        _fail(str(exc))
    d = r.to_dict()
    if as_json:
        print(json.dumps(d, default=float))
        return
    t = Table(
        title="durability (Markov model, see qsmcore.reliability.durability)", show_header=False
    )
    for key, value in d.items():
        t.add_row(key.replace("_", " "), f"{value:.6g}" if isinstance(value, float) else str(value))
    console.print(t)


@app.command()
def availability(
    mttf: Annotated[float, typer.Option(help="Mean time to failure of one unit.")],
    mttr: Annotated[float, typer.Option(help="Mean time to repair.")],
    k: Annotated[int | None, typer.Option(help="Units needed (k-of-n).")] = None,
    n: Annotated[int | None, typer.Option(help="Units installed (k-of-n).")] = None,
    crews: Annotated[int, typer.Option(help="Repair crews (k-of-n).")] = 1,
) -> None:
    """Steady-state availability, nines and downtime per year."""
    from qsmcore.reliability import availability as single
    from qsmcore.reliability import k_of_n_availability

    try:
        if k is None and n is None:
            r = single(mttf, mttr)
        elif k is None or n is None:
            raise typer.BadParameter("--k and --n go together")
        else:
            r = k_of_n_availability(k, n, mttf, mttr, repair_crews=crews)
    except (ValueError, TypeError) as exc:
        _fail(str(exc))
    t = Table(title="availability", show_header=False)
    for key, value in r.to_dict().items():
        t.add_row(key.replace("_", " "), f"{value:.6g}" if isinstance(value, float) else str(value))
    console.print(t)


@app.command()
def bound(
    failures: Annotated[int, typer.Option(help="Failures observed.")],
    trials: Annotated[int, typer.Option(help="Experiments run.")],
    confidence: Annotated[float, typer.Option(help="Confidence level.")] = 0.95,
) -> None:
    """Exact (Clopper–Pearson) bounds on a failure probability after k of n trials."""
    from qsmcore.reliability import failure_rate_bound

    try:
        r = failure_rate_bound(failures, trials, confidence)
    except (ValueError, TypeError) as exc:
        _fail(str(exc))
    console.print(r)


def tour_section(out: Console) -> None:
    """qsm tour: a 2-of-3 system three ways, a 1e-12 rare event, nines of storage, a grid."""
    from qsmcore.reliability import (
        Component,
        all_terminal,
        compile_structure,
        durability,
        k_of_n,
        monte_carlo,
        parallel,
        two_terminal,
    )
    from qsmcore.reliability.exact import failure_probability

    out.rule("reliability: exact, bit-parallel Monte Carlo, rare events, nines")
    pumps = compile_structure(k_of_n(2, *(Component(f"pump{i}", 0.01) for i in range(3))))
    ex = failure_probability(pumps)
    mc = monte_carlo(pumps, 10_000_000, seed=1)
    out.print(
        f"2-of-3 pumps, p=0.01: exact P(fail) {ex.probability:.6g} ({ex.method}); "
        f"Monte Carlo 1e7 trials {mc.probability:.6g} [{mc.low:.4g}, {mc.high:.4g}]"
    )
    rare = compile_structure(parallel(*(Component(f"replica{i}", 1e-4) for i in range(3))))
    naive = monte_carlo(rare, 1_000_000, seed=2)
    imp = monte_carlo(rare, 100_000, seed=2, method="importance")
    out.print(
        f"3 replicas, p=1e-4 (exact 1e-12): naive 1e6 trials sees {naive.failures} failures; "
        f"importance sampling 1e5 trials {imp.probability:.4g} ± {imp.relative_error:.1%}"
    )
    d = durability(3, 0.02, 24.0)
    out.print(
        f"3 replicas, AFR 2%, 24 h repair: annual loss {d.loss_probability:.3g} "
        f"per object ({d.nines:.1f} nines)"
    )
    k = 6
    u = [r * k + c for r in range(k) for c in range(k - 1)] + [
        r * k + c for r in range(k - 1) for c in range(k)
    ]
    v = [r * k + c + 1 for r in range(k) for c in range(k - 1)] + [
        (r + 1) * k + c for r in range(k - 1) for c in range(k)
    ]
    tt = two_terminal(np.array(u), np.array(v), 0.1, 0, k * k - 1)
    at = all_terminal(np.array(u), np.array(v), 0.1)
    out.print(
        f"6×6 grid, links fail with p=0.1: corner-to-corner reliability {tt.reliability:.6f}, "
        f"all-terminal {at.reliability:.6f} (exact). `qsm reliability eval system.json` for yours."
    )
