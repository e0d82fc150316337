"""qsmcore beside its peer libraries: same data, one run, best-of-k, ratio printed.

    python benchmarks/compare.py hash      # qsmcore.hash64 vs xxhash (and NumPy)
    python benchmarks/compare.py sample    # qsmcore.random.sample vs numpy.random.Generator
    python benchmarks/compare.py sketch    # qsmcore.sketch vs datasketches, datasketch, ... (one
                                           # table per benchmarks/_sketch_<name>_suite.py)
    python benchmarks/compare.py queue     # queueing.simulate / simulate_network vs Ciw, SimPy
    python benchmarks/compare.py latency   # latency budget vs NumPy, CO correction vs hdrhistogram
    python benchmarks/compare.py flow      # max-flow, min-cost flow, assignment vs OR-Tools,
                                           # SciPy, igraph, PyMaxflow, NetworkX
    python benchmarks/compare.py reliability  # bit-parallel Monte Carlo vs NumPy Monte Carlo
    python benchmarks/compare.py all --repeat 7 --json results.json
    python benchmarks/compare.py all --quick   # sizes ÷ 10, a smoke run

See benchmarks/README.md for what each table shows.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.markup import escape

if __package__ in (None, ""):  # run as a script: make the `benchmarks` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import _hash_suite, _peers, _report, _sample_suite, _timing
from benchmarks._rows import Row

Suite = tuple[str, Callable[[int, int], list[Row]]]  # (title, run(scale, repeat))


def _sketch_suites() -> list[Suite]:
    """Every benchmarks/_sketch_<name>_suite.py (each defines TITLE and run)."""
    here = Path(__file__).resolve().parent
    mods = [
        importlib.import_module(f"benchmarks.{p.stem}")
        for p in sorted(here.glob("_sketch_*_suite.py"))
    ]
    return [(m.TITLE, m.run) for m in mods]


def _suite(module: str, title: str | None = None) -> Suite:
    """A suite module imported only when asked for (the queue peers import Ciw)."""
    mod = importlib.import_module(f"benchmarks.{module}")
    return (title or mod.TITLE, mod.run)


SUITES: dict[str, Callable[[], list[Suite]]] = {
    "hash": lambda: [("hash64: qsmcore vs xxhash", _hash_suite.run)],
    "sample": lambda: [("random.sample: qsmcore vs numpy.random.Generator", _sample_suite.run)],
    "sketch": _sketch_suites,
    "latency": lambda: [_suite("_latency_suite", "latency")],
    "queue": lambda: [_suite("_queue_suite")],
    "flow": lambda: [_suite("_flow_suite")],
    "reliability": lambda: [_suite("_reliability_suite")],
}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("suite", choices=[*SUITES, "all"], help="what to compare")
    parser.add_argument(
        "--repeat",
        type=int,
        default=5,
        help="timed runs per case, at least (best kept; short cases run for 0.1 s in all)",
    )
    parser.add_argument("--quick", action="store_true", help="sizes ÷ 10, for a smoke run")
    parser.add_argument("--json", type=Path, metavar="PATH", help="write raw results here")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    console = Console(width=None if sys.stdout.isatty() else 200)
    facts = _timing.machine_facts()
    console.print(_report.machine_table(facts))
    if _peers.xxhash is None and args.suite in ("hash", "all"):
        console.print(f"[yellow]{escape(_hash_suite.NO_XXHASH)}[/]")
    for name in ("queue", "flow"):
        if args.suite in (name, "all"):
            gap = importlib.import_module(f"benchmarks._{name}_suite").missing_note()
            if gap:
                console.print(f"[yellow]{escape(gap)}[/]")
    scale = 10 if args.quick else 1
    names = list(SUITES) if args.suite == "all" else [args.suite]
    all_rows: list[Row] = []
    for name in names:
        for title, run in SUITES[name]():
            rows = run(scale, args.repeat)
            heading = f"{title} (best of {args.repeat} runs or more, warm-up first)"
            _report.print_suite(console, heading, rows)
            all_rows += rows
    if args.json is not None:
        config = {"suites": names, "repeat": args.repeat, "quick": args.quick}
        _report.write_json(args.json, facts, config, all_rows)
        console.print(f"raw results written to {args.json}")
    failed = [r for r in all_rows if r.failed]
    for r in failed:
        what = escape(f"{r.case} / {r.impl}: {r.check}")
        console.print(f"[red]check failed: {what}[/]")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
