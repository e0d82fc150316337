"""``qsm flow``: maximum flow / minimum cut and minimum-cost flow of DIMACS files, and
the network flow visualizer of episode 59 (``demo``)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(
    help="Network flow: max-flow / min-cut, min-cost flow, a drawn demo.", no_args_is_help=True
)
console = Console()

METHODS = ("auto", "push_relabel", "dinic", "bk")


def _read(path: str) -> Any:
    from qsmcore.flow import read_dimacs

    if not Path(path).is_file():
        raise typer.BadParameter(f"no such file: {path}", param_hint="FILE")
    try:
        return read_dimacs(path)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="FILE") from None


def _fail(message: str) -> None:
    console.print(f"[red]error:[/] {message}")
    raise typer.Exit(2)


@app.command("max")
def max_(
    file: Annotated[str, typer.Argument(help="A DIMACS 'p max' file.")],
    method: Annotated[str, typer.Option(help=f"One of {', '.join(METHODS)}.")] = "auto",
    show_cut: Annotated[int, typer.Option(help="Cut arcs to list (0: none).")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Maximum s-t flow and a minimum cut of FILE, with the time taken."""
    from qsmcore.flow import max_flow

    if method not in METHODS:
        raise typer.BadParameter(f"must be one of {METHODS}", param_hint="--method")
    t0 = time.perf_counter()
    g = _read(file)
    t_read = time.perf_counter() - t0
    if g.source is None:
        _fail(f"{file} is not a 'p max' instance (no source and sink)")
    t0 = time.perf_counter()
    r = max_flow(g.tails, g.heads, g.capacities, g.source, g.sink, n_nodes=g.n_nodes, method=method)
    t_solve = time.perf_counter() - t0
    side = int(np.count_nonzero(r.source_side))
    cut_capacity = int(g.capacities[r.cut_arcs].sum())
    if as_json:
        print(
            json.dumps(
                {
                    "file": file,
                    "nodes": g.n_nodes,
                    "arcs": g.n_arcs,
                    "source": g.source + 1,
                    "sink": g.sink + 1,
                    "value": r.value,
                    "method": r.method,
                    "read_s": t_read,
                    "solve_s": t_solve,
                    "source_side_nodes": side,
                    "cut_arcs": int(r.cut_arcs.size),
                    "cut_capacity": cut_capacity,
                }
            )
        )
        return
    t = Table(title=f"{file}: maximum flow", show_header=False)
    t.add_row("nodes / arcs", f"{g.n_nodes:,} / {g.n_arcs:,}")
    t.add_row("source → sink (1-based)", f"{g.source + 1} → {g.sink + 1}")
    t.add_row("maximum flow", f"[bold]{r.value:,}[/]")
    t.add_row(
        "minimum cut",
        f"{r.cut_arcs.size:,} arcs, capacity {cut_capacity:,} "
        f"(= flow: {'yes' if cut_capacity == r.value else 'NO'})",
    )
    t.add_row("source side S", f"{side:,} of {g.n_nodes:,} nodes")
    t.add_row("method", r.method)
    t.add_row("time", f"read {t_read * 1e3:.1f} ms, solve {t_solve * 1e3:.1f} ms")
    console.print(t)
    if show_cut > 0 and r.cut_arcs.size:
        c = Table(title=f"cut arcs (first {min(show_cut, r.cut_arcs.size)})")
        for col in ("arc", "tail", "head", "capacity"):
            c.add_column(col, justify="right")
        for a in r.cut_arcs[:show_cut].tolist():
            c.add_row(
                str(a + 1), str(g.tails[a] + 1), str(g.heads[a] + 1), f"{int(g.capacities[a]):,}"
            )
        console.print(c)


@app.command()
def mincost(
    file: Annotated[str, typer.Argument(help="A DIMACS 'p min' file.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Minimum-cost flow of FILE (network simplex): total cost and the time taken."""
    from qsmcore.flow import InfeasibleFlowError, min_cost_flow

    t0 = time.perf_counter()
    g = _read(file)
    t_read = time.perf_counter() - t0
    if g.costs is None:
        _fail(f"{file} is not a 'p min' instance (no costs)")
    supplies = g.supplies if g.supplies is not None else np.zeros(g.n_nodes, np.int64)
    t0 = time.perf_counter()
    try:
        r = min_cost_flow(g.tails, g.heads, g.capacities, g.costs, supplies, n_nodes=g.n_nodes)
    except InfeasibleFlowError as exc:
        _fail(f"infeasible: {exc}")
    except ValueError as exc:
        _fail(str(exc))
    t_solve = time.perf_counter() - t0
    used = int(np.count_nonzero(r.flow))
    if as_json:
        print(
            json.dumps(
                {
                    "file": file,
                    "nodes": g.n_nodes,
                    "arcs": g.n_arcs,
                    "total_cost": r.total_cost,
                    "arcs_with_flow": used,
                    "method": r.method,
                    "read_s": t_read,
                    "solve_s": t_solve,
                }
            )
        )
        return
    t = Table(title=f"{file}: minimum-cost flow", show_header=False)
    t.add_row("nodes / arcs", f"{g.n_nodes:,} / {g.n_arcs:,}")
    t.add_row("supply routed", f"{int(supplies[supplies > 0].sum()):,}")
    t.add_row("total cost", f"[bold]{r.total_cost:,}[/]")
    t.add_row("arcs carrying flow", f"{used:,}")
    t.add_row("method", r.method)
    t.add_row("time", f"read {t_read * 1e3:.1f} ms, solve {t_solve * 1e3:.1f} ms")
    console.print(t)


# The demo network: the classic six-node example (s, v1..v4, t) of the textbooks.
DEMO_NAMES = ("s", "v1", "v2", "v3", "v4", "t")
DEMO_ARCS = [
    (0, 1, 16),
    (0, 2, 13),
    (1, 3, 12),
    (2, 1, 4),
    (2, 4, 14),
    (3, 2, 9),
    (3, 5, 20),
    (4, 3, 7),
    (4, 5, 4),
]
DEMO_POS = {0: (0, 1), 1: (1, 2), 2: (1, 0), 3: (2, 2), 4: (2, 0), 5: (3, 1)}


def demo_flow() -> tuple[np.ndarray, np.ndarray, np.ndarray, Any]:
    from qsmcore.flow import max_flow

    t, h, c = (np.array(x, dtype=np.int64) for x in zip(*DEMO_ARCS, strict=True))
    return t, h, c, max_flow(t, h, c, 0, 5)


def draw(t: np.ndarray, h: np.ndarray, c: np.ndarray, r: Any, path: str) -> None:
    """Nodes (source side shaded), arcs labelled flow/capacity, cut arcs in red."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        _fail("--plot needs matplotlib: pip install 'qsmcore[plot]'")
    cut = set(r.cut_arcs.tolist())
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for a, (u, v) in enumerate(zip(t.tolist(), h.tolist(), strict=True)):
        (x0, y0), (x1, y1) = DEMO_POS[u], DEMO_POS[v]
        color = "tab:red" if a in cut else ("tab:blue" if r.flow[a] else "0.6")
        ax.annotate(
            "",
            xy=(x1, y1),
            xytext=(x0, y0),
            arrowprops=dict(
                arrowstyle="-|>",
                color=color,
                lw=1 + 3 * r.flow[a] / c.max(),
                shrinkA=14,
                shrinkB=14,
            ),
        )
        ax.text(
            (x0 + x1) / 2,
            (y0 + y1) / 2 + 0.08,
            f"{r.flow[a]}/{c[a]}",
            ha="center",
            color=color,
            fontsize=9,
        )
    for v, (x, y) in DEMO_POS.items():
        ax.scatter(
            [x],
            [y],
            s=700,
            color="tab:orange" if r.source_side[v] else "white",
            edgecolors="black",
            zorder=3,
        )
        ax.text(x, y, DEMO_NAMES[v], ha="center", va="center", zorder=4)
    ax.set_title(f"maximum flow {r.value} = minimum cut (red arcs); shaded: source side S")
    ax.set_axis_off()
    fig.tight_layout()
    fig.savefig(path, dpi=120)


@app.command()
def demo(
    plot: Annotated[str | None, typer.Option(help="Draw the flow and the cut to this PNG.")] = None,
) -> None:
    """A small network with its maximum flow and minimum cut (drawn with --plot)."""
    t, h, c, r = demo_flow()
    tab = Table(
        title=f"maximum flow s → t = {r.value}; minimum cut capacity = {int(c[r.cut_arcs].sum())}"
    )
    for col in ("arc", "flow / capacity", "in the cut"):
        tab.add_column(col)
    cut = set(r.cut_arcs.tolist())
    for a, (u, v) in enumerate(zip(t.tolist(), h.tolist(), strict=True)):
        tab.add_row(
            f"{DEMO_NAMES[u]} → {DEMO_NAMES[v]}",
            f"{r.flow[a]} / {c[a]}",
            "[red]cut[/]" if a in cut else "",
        )
    console.print(tab)
    side = [DEMO_NAMES[v] for v in range(len(DEMO_NAMES)) if r.source_side[v]]
    console.print(f"source side S = {{{', '.join(side)}}}")
    if plot:
        draw(t, h, c, r, plot)
        console.print(f"drawn to {plot}")


def tour_section(out: Console) -> None:
    """qsm tour: the demo network, and a 500×500 grid against the clock."""
    from qsmcore.flow import generators, max_flow, min_cost_flow

    out.rule("network flow: maximum flow = minimum cut")
    t, h, c, r = demo_flow()
    cut = ", ".join(f"{DEMO_NAMES[t[a]]}→{DEMO_NAMES[h[a]]}" for a in r.cut_arcs.tolist())
    out.print(
        f"textbook network: maximum flow {r.value}; minimum cut {{{cut}}} of capacity "
        f"{int(c[r.cut_arcs].sum())}"
    )
    g = generators.grid(300, 300, seed=1)
    t0 = time.perf_counter()
    big = max_flow(g.tails, g.heads, g.capacities, g.source, g.sink, n_nodes=g.n_nodes)
    dt = time.perf_counter() - t0
    cut_capacity = int(g.capacities[big.cut_arcs].sum())
    out.print(
        f"300×300 grid ({g.n_arcs:,} arcs): maximum flow {big.value:,} in {dt * 1e3:.0f} ms "
        f"({big.method}); cut of {big.cut_arcs.size:,} arcs, capacity {cut_capacity:,}"
    )
    tp = generators.transportation(200, 200, 1000, seed=2)
    t0 = time.perf_counter()
    mc = min_cost_flow(tp.tails, tp.heads, tp.capacities, tp.costs, tp.supplies)
    dt = time.perf_counter() - t0
    out.print(
        f"transportation 200×200 ({tp.n_arcs:,} arcs): minimum cost {mc.total_cost:,} in "
        f"{dt * 1e3:.0f} ms ({mc.pivots:,} simplex pivots). "
        "`qsm flow max FILE.dimacs` solves yours."
    )
