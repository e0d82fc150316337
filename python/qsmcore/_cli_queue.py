"""``qsm queue``: exact queueing formulas as tables, and the G/G/c simulator with theory
beside every simulated figure (episode 52)."""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

app = typer.Typer(help="Queueing: exact formulas and simulation side by side", no_args_is_help=True)
console = Console()

QUANTILES = (0.5, 0.95, 0.99, 0.999)
MAX_BATCHES = 8  # progress-bar steps of `qsm queue sim`


def _fail(exc: Exception) -> typer.Exit:
    """Print a library error as one red line; the caller raises the returned Exit(2)."""
    console.print(f"[red]error:[/red] {escape(str(exc))}")
    return typer.Exit(2)


def _count(value: str, name: str, lo: int) -> int:
    """An integer option that may be written ``1e7``: a float that is an integer, >= lo."""
    try:
        x = float(value)
    except ValueError:
        raise typer.BadParameter(
            f"{name} must be a number, got {value!r}", param_hint=f"'--{name}'"
        ) from None
    if not math.isfinite(x) or x != math.floor(x) or x < lo or x >= 2**63:
        raise typer.BadParameter(
            f"{name} must be an integer >= {lo} (1e7 is fine), got {value!r}",
            param_hint=f"'--{name}'",
        )
    return int(x)


def _pct(q: float) -> str:
    return f"P{100 * q:g}"


# --------------------------------------------------------------------------- analytic


def _analytic_table(result: Any, title: str) -> Table:
    """ρ, P(wait), Wq, W, Lq, L (and blocking, throughput, wait quantiles where known)."""
    t = Table("metric", "symbol", "value", title=title, title_justify="left")
    rows: list[tuple[str, str, float]] = [("utilization", "ρ", result.utilization)]
    if hasattr(result, "blocking"):
        rows += [
            ("blocking probability", "p_K", result.blocking),
            ("throughput", "λ_eff", result.throughput),
        ]
    rows += [
        ("probability of waiting", "P(Wq > 0)", result.p_wait),
        ("mean wait in queue", "Wq", result.wait),
        ("mean response time", "W", result.response),
        ("mean queue length", "Lq", result.queue_length),
        ("mean number in system", "L", result.number_in_system),
    ]
    for name, sym, v in rows:
        t.add_row(name, sym, f"{v:.6g}")
    if hasattr(result, "wait_quantile"):
        for q in QUANTILES:
            t.add_row(f"wait quantile {_pct(q)}", f"q = {q:g}", f"{result.wait_quantile(q):.6g}")
    return t


def _show(
    compute: Callable[[], Any],
    title: Callable[[Any], str],
    as_json: bool,
    wait_over: float | None = None,
) -> None:
    """Compute an analytic result and print it (table or JSON), or exit 2 with its error."""
    try:
        result = compute()
        tail = None if wait_over is None else result.p_wait_exceeds(wait_over)
    except (ValueError, TypeError) as exc:
        raise _fail(exc) from None
    if as_json:
        doc = result.to_dict()
        if hasattr(result, "wait_quantile"):
            doc["wait_quantiles"] = {str(q): result.wait_quantile(q) for q in QUANTILES}
        if tail is not None:
            doc["p_wait_exceeds"] = {str(wait_over): tail}
        print(json.dumps(doc, indent=2, default=str))
        return
    console.print(_analytic_table(result, title(result)))
    if tail is not None:
        console.print(f"P(Wq > {wait_over:g}) = {tail:.6g}")


def _exact_title(result: Any) -> str:
    return f"{result.model} (exact)"


Rate = Annotated[float, typer.Option(help="Arrival rate λ (customers per time unit).")]
Mu = Annotated[float, typer.Option(help="Service rate μ per server.")]
Servers = Annotated[int, typer.Option(help="Number of servers c >= 1.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON.")]
WaitOver = Annotated[
    float | None, typer.Option("--wait-over", help="Also print P(Wq > t) for this t.")
]


@app.command()
def mm1(
    arrival_rate: Rate,
    service_rate: Mu,
    wait_over: WaitOver = None,
    as_json: AsJson = False,
) -> None:
    """M/M/1, exact: ρ = λ/μ, Wq = ρ/(μ - λ), P(Wq > t) = ρ e^{-(μ-λ)t}."""
    from qsmcore.queueing import mm1 as f

    _show(lambda: f(arrival_rate, service_rate), _exact_title, as_json, wait_over)


@app.command()
def mmc(
    arrival_rate: Rate,
    service_rate: Mu,
    servers: Servers,
    wait_over: WaitOver = None,
    as_json: AsJson = False,
) -> None:
    """M/M/c, exact (Erlang C): P(wait) = C(c, λ/μ), Wq = C/(cμ - λ)."""
    from qsmcore.queueing import mmc as f

    _show(lambda: f(arrival_rate, service_rate, servers), _exact_title, as_json, wait_over)


@app.command()
def mmck(
    arrival_rate: Rate,
    service_rate: Mu,
    servers: Servers,
    capacity: Annotated[int, typer.Option(help="System capacity K >= c (in service + waiting).")],
    as_json: AsJson = False,
) -> None:
    """M/M/c/K, exact: blocking p_K, throughput λ(1 - p_K); any ρ."""
    from qsmcore.queueing import mmck as f

    _show(
        lambda: f(arrival_rate, service_rate, servers, capacity),
        lambda r: f"{r.model} (exact; offered load ρ = {r.offered_utilization:.6g})",
        as_json,
    )


def _erlang(kind: str, servers: int, offered_load: float, as_json: bool) -> None:
    from qsmcore.queueing import erlang_b, erlang_c

    try:
        r = (erlang_b if kind == "B" else erlang_c)(servers, offered_load)
    except (ValueError, TypeError) as exc:
        raise _fail(exc) from None
    if as_json:
        print(json.dumps(r.to_dict(), indent=2))
        return
    what = "blocking probability" if kind == "B" else "probability of waiting"
    console.print(f"Erlang {kind}: {what} with c = {r.servers}, a = {r.offered_load:g} Erlangs")
    console.print(f"{r.probability:.6g}")


Load = Annotated[float, typer.Option(help="Offered load a = λ/μ in Erlangs.")]


@app.command("erlang-b")
def erlang_b_cmd(servers: Servers, offered_load: Load, as_json: AsJson = False) -> None:
    """Erlang B: the blocking probability of M/M/c/c."""
    _erlang("B", servers, offered_load, as_json)


@app.command("erlang-c")
def erlang_c_cmd(servers: Servers, offered_load: Load, as_json: AsJson = False) -> None:
    """Erlang C: the probability that an arrival waits in M/M/c."""
    _erlang("C", servers, offered_load, as_json)


# --------------------------------------------------------------------------- theory


@dataclass(frozen=True)
class Theory:
    """What theory says about a simulated station, and how firmly.

    ``result`` is an analytic result (or None when no formula applies), ``exact``
    whether it is exact, ``name`` the formula, ``reason`` why there is none.
    """

    result: Any
    exact: bool
    name: str
    reason: str = ""


def theory_for(arrival: Any, service: Any, servers: int, capacity: int | None) -> Theory:
    """The best formula for this station: M/M/c, M/M/c/K, M/G/1 (P-K) exactly; otherwise
    G/G/c by Allen–Cunneen (an approximation); none for a finite non-Markovian station or
    ρ >= 1 without a capacity."""
    try:
        return _best_formula(arrival, service, servers, capacity)
    except ValueError as exc:  # e.g. an infinite service variance in P-K
        return Theory(None, False, "", str(exc))


def _best_formula(arrival: Any, service: Any, servers: int, capacity: int | None) -> Theory:
    from qsmcore import queueing as q
    from qsmcore.random import Exponential, as_distribution

    a, s = as_distribution(arrival), as_distribution(service)
    poisson, exp_service = isinstance(a, Exponential), isinstance(s, Exponential)
    lam = a.rate if poisson else 1.0 / a.mean  # the rate as given, not 1/(1/λ)
    if capacity is not None:
        if poisson and exp_service:
            return Theory(q.mmck(lam, s.rate, servers, capacity), True, "M/M/c/K")
        return Theory(None, False, "", "no formula for a finite G/G/c/K station")
    rho = lam * s.mean / servers
    if not rho < 1:
        return Theory(None, False, "", f"ρ = {rho:.4g} >= 1: no steady state")
    if poisson and exp_service:
        return Theory(q.mmc(lam, s.rate, servers), True, "M/M/c, Erlang C")
    if poisson and servers == 1:
        return Theory(q.mg1(lam, s), True, "M/G/1, Pollaczek–Khinchine")
    return Theory(q.ggc(a, s, servers), False, "G/G/c, Allen–Cunneen")


@dataclass(frozen=True)
class Line:
    """One table line: a simulated interval and, where known, theory's value."""

    label: str
    ci: Any  # ConfidenceInterval
    theory: float | None
    exact: bool

    def to_dict(self) -> dict[str, Any]:
        covered = None
        if self.theory is not None and not math.isnan(self.ci.half_width):
            covered = self.theory in self.ci
        return {
            "metric": self.label,
            "mean": self.ci.mean,
            "half_width": self.ci.half_width,
            "theory": self.theory,
            "exact": self.exact if self.theory is not None else None,
            "covered": covered,
        }

    @property
    def note(self) -> str:
        if self.theory is None:
            return ""
        if not self.exact:
            return "approx."
        if math.isnan(self.ci.half_width):
            return "exact"
        return "exact, in CI" if self.theory in self.ci else "[yellow]exact, outside CI[/]"


def comparison_lines(sim: Any, th: Theory) -> list[Line]:
    """Every metric of ``sim`` beside ``th``. Utilization λE[S]/c and throughput λ of a
    stable infinite-capacity station are exact even when the waits are approximations."""
    r = th.result

    def line(label: str, ci: Any, name: str | None, exact: bool = th.exact) -> Line:
        value = None if r is None or name is None else float(getattr(r, name))
        return Line(label, ci, value, exact)

    finite = hasattr(r, "blocking")
    out = [
        line("utilization ρ", sim.utilization, "utilization", th.exact or not finite),
        line("P(wait > 0)", sim.prob_wait, "p_wait"),
        line("mean wait Wq", sim.wait, "wait"),
        line("mean response W", sim.response, "response"),
        line("queue length Lq", sim.queue_length, "queue_length"),
        line("number in system L", sim.number_in_system, "number_in_system"),
        line("throughput", sim.throughput, "throughput" if finite else "arrival_rate", True),
    ]
    if finite or (r is None and sim.blocking.mean > 0):
        out.append(line("blocking", sim.blocking, "blocking" if finite else None))
    for q in sim.quantiles:
        exact_q = r.wait_quantile(q) if hasattr(r, "wait_quantile") else None
        out.append(Line(f"wait {_pct(q)}", sim.wait_quantiles[q], exact_q, th.exact))
    out += [Line(f"response {_pct(q)}", sim.response_quantiles[q], None, False)
            for q in sim.quantiles]  # fmt: skip
    return out


def _ci_cell(ci: Any) -> str:
    if math.isnan(ci.half_width):
        return f"{ci.mean:.5g}"
    return f"{ci.mean:.5g} ± {ci.half_width:.2g}"


def comparison_table(sim: Any, th: Theory, title: str) -> Table:
    """metric | simulation (mean ± half-width) | theory | note."""
    head = f"simulation ({sim.confidence:.0%} CI)"
    t = Table("metric", head, "theory", "note", title=title, title_justify="left")
    for ln in comparison_lines(sim, th):
        value = "" if ln.theory is None else f"{ln.theory:.5g}"
        t.add_row(ln.label, _ci_cell(ln.ci), value, ln.note)
    return t


def theory_caption(th: Theory) -> str:
    if th.result is None:
        return f"theory: none ({th.reason})"
    if th.exact:
        return f"theory: {th.name} (exact)"
    return f"theory: {th.name} (approx.: a heavy-traffic approximation, not a bound)"


# --------------------------------------------------------------------------- simulation


def batches(replications: int, threads: int) -> list[tuple[int, int]]:
    """(first_replication, count) pairs covering 0..R-1: at most MAX_BATCHES steps for the
    progress bar, each with at least ``threads`` replications (so every call keeps all
    cores busy) and at least 2 (an interval needs two)."""
    size = max(math.ceil(replications / MAX_BATCHES), threads, 2)
    out, first = [], 0
    while first < replications:
        n = min(size, replications - first)
        if out and n < 2:  # fold a lone last replication into the previous batch
            f, m = out.pop()
            first, n = f, m + n
        out.append((first, n))
        first += n
    return out


def run_batches(
    simulate: Callable[..., Any],
    combine: Callable[[Sequence[Any]], Any],
    kwargs: dict[str, Any],
    replications: int,
    threads: int,
    progress: Progress | None,
) -> Any:
    """``simulate(**kwargs)`` in batches of replications, combined (split invariance makes
    this identical to one call with all replications)."""
    parts = []
    steps = batches(replications, threads)
    task = None if progress is None else progress.add_task("replications", total=replications)
    for first, n in steps:
        parts.append(simulate(**kwargs, replications=n, first_replication=first))
        if progress is not None and task is not None:
            progress.advance(task, n)
    return parts[0] if len(parts) == 1 else combine(parts)


def _batch_words(k: int) -> str:
    if k == 1:
        return "one call"
    return f"{k} batches of replications, combined (identical to one call)"


def _sim_api() -> tuple[Callable[..., Any], Callable[[Sequence[Any]], Any]]:
    try:
        from qsmcore.queueing import combine, simulate
    except ImportError as exc:  # the simulator is not part of this build
        raise _fail(RuntimeError(f"the queue simulator is not available: {exc}")) from None
    return simulate, combine


@app.command()
def sim(
    arrival: Annotated[str, typer.Option(help='Interarrival time, e.g. "exp:0.9" (rate 0.9).')],
    service: Annotated[str, typer.Option(help='Service time, e.g. "lognormal:mean=1,scv=4".')],
    servers: Servers = 1,
    customers: Annotated[str, typer.Option(help="Arrivals per replication (1e7 is fine).")] = "1e5",
    replications: Annotated[int, typer.Option(help="Independent replications >= 2.")] = 30,
    capacity: Annotated[
        int | None, typer.Option(help="System capacity K >= servers (default: infinite).")
    ] = None,
    warmup: Annotated[
        str | None, typer.Option(help="Arrivals discarded per replication (default customers/10).")
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed (int >= 0).")] = 0,
    threads: Annotated[int | None, typer.Option(help="CPU threads (default: all).")] = None,
    as_json: AsJson = False,
) -> None:
    """Simulate a G/G/c(/K) FIFO station and put theory beside every figure."""
    n = _count(customers, "customers", 1)
    w = None if warmup is None else _count(warmup, "warmup", 0)
    if replications < 2:
        raise typer.BadParameter(
            f"replications must be >= 2, got {replications}", param_hint="'--replications'"
        )
    simulate, combine = _sim_api()
    import qsmcore

    used = threads if threads is not None else qsmcore.backends()["cpu"]["threads"]
    kwargs: dict[str, Any] = dict(
        arrival=arrival, service=service, servers=servers, capacity=capacity, customers=n,
        warmup=w, seed=seed, threads=threads, quantiles=QUANTILES,
    )  # fmt: skip
    t0 = time.perf_counter()
    try:
        if as_json:
            res = run_batches(simulate, combine, kwargs, replications, used, None)
        else:
            cols = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
            with Progress(*cols, TimeElapsedColumn(), console=console, transient=True) as bar:
                res = run_batches(simulate, combine, kwargs, replications, used, bar)
    except (ValueError, TypeError) as exc:
        raise _fail(exc) from None
    dt = time.perf_counter() - t0
    th = theory_for(arrival, service, servers, capacity)
    total = n * replications
    if as_json:
        doc = {
            "simulation": res.to_dict(),
            "theory": None if th.result is None else th.result.to_dict(),
            "theory_model": th.name or None,
            "theory_exact": th.exact if th.result is not None else None,
            "comparison": [ln.to_dict() for ln in comparison_lines(res, th)],
            "seconds": dt,
            "customers_per_second": total / dt if dt > 0 else None,
        }
        print(json.dumps(doc, indent=2, default=str))
        return
    cap = "" if capacity is None else f"/{capacity}"
    title = (
        f"{arrival} arrivals, {service} service, {servers} server{'s' * (servers != 1)}{cap}: "
        f"{replications} × {n:,} customers (warm-up {res.warmup:,})"
    )
    console.print(comparison_table(res, th, escape(title)))
    console.print(escape(theory_caption(th)))
    rate = f"{total / dt / 1e6:,.2f} M customers/s" if dt > 0 else "-"
    console.print(
        f"{total:,} customers in {dt:.2f} s ({rate}, {used} threads, seed {seed}); "
        f"{_batch_words(len(batches(replications, used)))}"
    )
