"""``qsm``: the command-line front end (one subcommand per tool)."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from qsmcore._cli_flow import app as flow_app
from qsmcore._cli_latency import app as latency_app
from qsmcore._cli_queue import app as queue_app
from qsmcore._cli_reliability import app as reliability_app
from qsmcore._cli_sketch import app as sketch_app

app = typer.Typer(
    name="qsm",
    help="qsmcore: fast, trustworthy kernels for the mathematics of distributed systems.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(sketch_app, name="sketch")
app.add_typer(latency_app, name="latency")
app.add_typer(queue_app, name="queue")
app.add_typer(flow_app, name="flow")
app.add_typer(reliability_app, name="reliability")
console = Console()


@app.command()
def info(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Version, compiler, SIMD, threads, and the CUDA backend (or why there is none)."""
    import qsmcore

    b = qsmcore.backends()
    if as_json:
        print(json.dumps(b, indent=2))
        return
    cpu, cuda = b["cpu"], b["cuda"]
    t = Table(title=f"qsmcore {b['version']}", show_header=False, title_justify="left")
    t.add_column(style="bold")
    t.add_column()
    t.add_row("compiler", f"{cpu['compiler']} ({cpu['build_type']})")
    t.add_row("flags", cpu["flags"])
    t.add_row("SIMD (build)", ", ".join(cpu["simd_compiled"]) or "none")
    t.add_row("SIMD (this CPU)", ", ".join(cpu["cpu_features"]) or "unknown")
    t.add_row("SIMD (hot kernels)", f"{cpu['simd_dispatch']} (chosen at run time)")
    t.add_row("threads", f"{cpu['threads']} (hardware: {cpu['hardware_threads']}; QSM_NUM_THREADS)")
    t.add_row("_cuda built", "yes" if cuda["built"] else "no")
    if cuda["built"]:
        t.add_row("CUDA toolkit", f"{cuda.get('cuda_version')} for {cuda.get('architectures')}")
    t.add_row("CUDA usable", "yes" if cuda["available"] else f"no: {cuda['reason']}")
    for d in cuda["devices"]:
        t.add_row(
            f"GPU {d['index']}",
            f"{d['name']} (sm_{d['compute_capability'].replace('.', '')}, "
            f"{d['total_memory'] / 2**30:.1f} GiB, {d['multiprocessors']} SMs) "
            f"via {cuda['discovery']}",
        )
    console.print(t)


@app.command()
def tour() -> None:
    """A short demonstration of every tool qsmcore has today."""
    from qsmcore import _tour

    _tour.run(console)


@app.command("hash")
def hash_cmd(
    values: Annotated[list[str], typer.Argument(help="Strings to hash (as UTF-8).")],
    seed: Annotated[int, typer.Option(help="XXH3 seed in [0, 2**64).")] = 0,
) -> None:
    """XXH3-64 of each VALUE, as qsmcore.hash64 computes it."""
    import qsmcore

    hashes = qsmcore.hash64(values, seed=seed)
    t = Table("value", "hash64 (hex)", "hash64")
    for v, h in zip(values, hashes.tolist(), strict=True):
        t.add_row(v, f"{h:016x}", str(h))
    console.print(t)


@app.command()
def sample(
    spec: Annotated[str, typer.Argument(help='Distribution, e.g. "lognormal:mean=1,scv=4".')],
    n: Annotated[float, typer.Option("-n", help="Number of draws (1e6 is fine).")] = 1e6,
    seed: Annotated[int, typer.Option(help="Seed (int >= 0).")] = 0,
    backend: Annotated[str, typer.Option(help="auto, cpu or cuda.")] = "auto",
) -> None:
    """Draw from a distribution and compare the sample with the exact moments."""
    from qsmcore import _tour

    try:
        _tour.describe_sample(console, spec, int(n), seed=seed, backend=backend)
    except (ValueError, TypeError) as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None


def main() -> None:
    app()


if __name__ == "__main__":
    main()
