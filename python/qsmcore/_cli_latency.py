"""``qsm latency``: latency budgets, percentiles with confidence intervals (and
the coordinated-omission correction), fan-out amplification, speed-of-light RTT."""

from __future__ import annotations

import math
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import numpy as np
import typer
from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from qsmcore.latency import FanoutRow, Percentiles

app = typer.Typer(
    help="The mathematics of latency: budget, percentiles, fanout, rtt.", no_args_is_help=True
)
console = Console()


def _fail(exc: Exception) -> typer.Exit:
    console.print(f"[red]error:[/red] {exc}")
    return typer.Exit(2)


def _ci(low: float, high: float) -> str:
    return f"[{low:.4g}, {high:.4g}]"


def percentile_table(title: str, result: Percentiles) -> Table:
    """A rich table of a ``Percentiles`` result (one row per q)."""
    t = Table(title=title, title_justify="left")
    for col in ("percentile", "value", f"{result.confidence:.0%} CI", "coverage", "note"):
        t.add_column(col, justify="right" if col != "note" else "left")
    for e in result:
        note = "" if e.bounded else f"{e.sided}: need n >= {_min_n(e.q, e.confidence)}"
        t.add_row(
            f"P{100 * e.q:.10g}", f"{e.value:.6g}", _ci(e.low, e.high), f"{e.coverage:.1%}", note
        )
    return t


def _min_n(q: float, confidence: float) -> int:
    from qsmcore.latency import min_samples

    return min_samples(q, confidence)


@app.command()
def budget(
    stage: Annotated[
        list[str] | None,
        typer.Option(
            help="A serial component's latency spec, e.g. lognormal:mean=2,scv=1 (repeatable)."
        ),
    ] = None,
    fanout: Annotated[
        list[str] | None,
        typer.Option(help="A fan-out stage: one call's latency spec (repeatable)."),
    ] = None,
    n_calls: Annotated[
        list[int] | None,
        typer.Option(help="N of each --fanout (one value for all, or one per --fanout)."),
    ] = None,
    k: Annotated[
        list[int] | None,
        typer.Option(
            help="Wait for the k fastest of N (default: all N); one value or one per --fanout."
        ),
    ] = None,
    samples: Annotated[float, typer.Option(help="Requests to simulate (1e6 is fine).")] = 1e6,
    seed: Annotated[int, typer.Option(help="Seed (int >= 0).")] = 0,
    confidence: Annotated[float, typer.Option(help="Coverage of the intervals.")] = 0.95,
    threads: Annotated[int | None, typer.Option(help="CPU threads (default: all).")] = None,
) -> None:
    """Simulate requests through serial stages and fan-outs; print mean and tail with CIs.

    Stages add up, so the order of --stage and --fanout does not change the result.
    """
    from qsmcore import latency

    try:
        fans = fanout or []
        ns = _per_fanout("n-calls", n_calls, len(fans), default=10)
        ks = _per_fanout("k", k, len(fans), default=None)
        stages: list[object] = list(stage or [])
        stages += [latency.fanout(f, n, kk) for f, n, kk in zip(fans, ns, ks, strict=True)]
        if not stages:
            raise ValueError("give at least one --stage or --fanout")
        t0 = time.perf_counter()
        r = latency.budget(stages, n=samples, seed=seed, confidence=confidence, threads=threads)
        secs = time.perf_counter() - t0
    except (ValueError, TypeError) as exc:
        raise _fail(exc) from None
    t = percentile_table(f"end-to-end latency of {r.n:,} requests ({secs:.2f} s)", r.percentiles)
    t.add_row("mean", f"{r.mean.mean:.6g}", _ci(r.mean.low, r.mean.high), "t interval", "")
    console.print(t)
    s = Table(title="per stage", title_justify="left")
    for col in ("stage", "mean", "mean CI", "P99", "P99 CI", "share of mean"):
        s.add_column(col, justify="left" if col == "stage" else "right")
    for st in r.stage_summaries or ():
        s.add_row(
            st.label,
            f"{st.mean.mean:.4g}",
            _ci(st.mean.low, st.mean.high),
            f"{st.p99.value:.4g}",
            _ci(st.p99.low, st.p99.high),
            f"{st.mean.mean / r.mean.mean:.1%}" if r.mean.mean else "-",
        )
    console.print(s)


def _per_fanout(name: str, values: list[int] | None, count: int, default: int | None) -> list:
    if not values:
        return [default] * count
    if len(values) == 1:
        return values * count
    if len(values) != count:
        raise ValueError(f"--{name} needs one value or one per --fanout ({count}), got {values}")
    return list(values)


@app.command()
def rtt(
    a: Annotated[str, typer.Argument(help='A city ("New York") or "lat,lon".')],
    b: Annotated[str, typer.Argument(help='A city or "lat,lon" (after -- if it starts with -).')],
    fiber_factor: Annotated[float, typer.Option(help="Refractive index: light at c/n.")] = 1.47,
) -> None:
    """Minimum round-trip time between two places over a great-circle fiber."""
    from qsmcore.latency import min_rtt

    try:
        r = min_rtt(a, b, fiber_factor=fiber_factor)
    except (ValueError, TypeError) as exc:
        raise _fail(exc) from None
    t = Table(title=f"{r.a} ↔ {r.b}", show_header=False, title_justify="left")
    t.add_column(style="bold")
    t.add_column(justify="right")
    t.add_row("great-circle distance", f"{r.distance_km:,.0f} km")
    t.add_row(f"one way in fiber (c/{r.fiber_factor:g})", f"{r.one_way_ms:.2f} ms")
    t.add_row("round trip in fiber", f"{r.rtt_ms:.2f} ms")
    t.add_row("round trip in vacuum", f"{r.vacuum_rtt_ms:.2f} ms")
    console.print(t)


@app.command()
def percentiles(
    file: Annotated[str, typer.Argument(help="One latency per line (# comments ok), or -.")],
    q: Annotated[list[float] | None, typer.Option(help="Probability (repeatable).")] = None,
    confidence: Annotated[float, typer.Option(help="Coverage of the intervals.")] = 0.95,
    correct_interval: Annotated[
        float | None,
        typer.Option(
            help="Expected interval between requests: apply the coordinated-omission "
            "correction (same unit as the data)."
        ),
    ] = None,
    rule: Annotated[
        str,
        typer.Option(
            help="Correction rule: reference (HdrHistogram Java/C) or python (PyPI hdrhistogram)."
        ),
    ] = "reference",
) -> None:
    """Percentiles of recorded latencies with distribution-free confidence intervals."""
    from qsmcore import latency

    try:
        values = _read_numbers(file)
        qs = tuple(q) if q else (0.5, 0.9, 0.99, 0.999)
        result = latency.percentiles(values, qs, confidence)
        console.print(percentile_table(f"{values.size:,} recorded latencies", result))
        if correct_interval is not None:
            fixed = latency.corrected_percentiles(
                values, correct_interval, qs, confidence, rule=rule
            )
            title = (
                f"corrected for coordinated omission (interval {correct_interval:g}, "
                f"{fixed.n - values.size:,} values added)"
            )
            console.print(percentile_table(title, fixed))
    except (ValueError, TypeError, OSError) as exc:
        raise _fail(exc) from None


def _read_numbers(path: str) -> np.ndarray:
    if path != "-" and not Path(path).is_file():
        raise ValueError(f"no such file: {path}")
    source = sys.stdin if path == "-" else path
    values = np.loadtxt(source, dtype=np.float64, comments="#", ndmin=1)
    return values.ravel()


@app.command("fanout")
def fanout_cmd(
    dist: Annotated[str | None, typer.Option(help="One call's latency spec, e.g. exp:1.")] = None,
    n: Annotated[list[int] | None, typer.Option(help="Fan-out N (repeatable).")] = None,
    q: Annotated[float, typer.Option(help="The single-call quantile, e.g. 0.99.")] = 0.99,
) -> None:
    """How the single-call tail amplifies with fan-out: 1 - q^N and the request quantile."""
    from qsmcore.latency import fanout_table

    try:
        rows = fanout_table(dist, n=tuple(n) if n else (1, 10, 100, 1000), q=q)
    except (ValueError, TypeError) as exc:
        raise _fail(exc) from None
    console.print(fanout_rows_table(rows, dist))


def fanout_rows_table(rows: tuple[FanoutRow, ...], dist: str | None) -> Table:
    """A rich table of ``fanout_table`` rows."""
    q = rows[0].q
    t = Table(
        title=f"fan-out amplification of the single-call P{100 * q:.10g}"
        + (f" ({dist})" if dist else ""),
        title_justify="left",
    )
    t.add_column("N", justify="right")
    t.add_column("all calls fast", justify="right")
    t.add_column("≥1 call slow", justify="right")
    t.add_column("request P ≙ call", justify="right")
    if dist:
        t.add_column("request latency", justify="right")
        t.add_column("× single", justify="right")
    for r in rows:
        cells = [f"{r.n:,}", f"{r.p_all_fast:.2%}", f"{r.p_slow:.2%}", f"P{100 * r.call_level:.6g}"]
        if dist:
            amp = "-" if math.isnan(r.amplification) else f"{r.amplification:.2f}"
            cells += [f"{r.request_quantile:.4g}", amp]
        t.add_row(*cells)
    return t


def tour_section(console: Console) -> None:
    """The ``qsm tour`` section: fan-out amplification, a budget and an RTT."""
    from qsmcore import latency

    console.rule("[bold]latency: tails with honest intervals, fan-out, speed of light")
    console.print(fanout_rows_table(latency.fanout_table("exp:1", n=(1, 10, 100)), "exp:1"))
    t0 = time.perf_counter()
    r = latency.budget(["lognormal:mean=2,scv=1", latency.fanout("exp:1", 10)], n=1_000_000, seed=0)
    secs = time.perf_counter() - t0
    p99 = r.percentiles[0.99]
    exact = latency.fanout_quantile("exp:1", 10, 0.99)
    console.print(
        f"budget: lognormal(mean 2) + wait for all of 10 exp(1) calls, 1M requests in "
        f"{secs * 1e3:.0f} ms: mean {r.mean.mean:.3f}, P99 {p99.value:.3f} "
        f"[{p99.low:.3f}, {p99.high:.3f}]; the fan-out stage alone has P99 "
        f"{r.stage_summaries[1].p99.value:.3f} (exact {exact:.3f})"
    )
    small = latency.percentiles(np.arange(1.0, 101.0), 0.999)[0.999]
    console.print(f"P99.9 from only 100 samples: {small} (never a fake interval)")
    console.print(str(latency.min_rtt("New York", "London")))
