"""``qsm sketch``: count distinct lines, find heavy hitters, and the accuracy
simulator of episode 60 (error against memory for every structure)."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, BinaryIO

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(help="Probabilistic data structures: count, top, accuracy.", no_args_is_help=True)
console = Console()

_CHUNK_BYTES = 1 << 24  # lines are hashed in batches of ~16 MiB


def read_line_batches(stream: BinaryIO, chunk_bytes: int = _CHUNK_BYTES) -> Iterator[list[bytes]]:
    """Lines of ``stream`` (without their b"\\n" or b"\\r\\n"), a batch per chunk read."""
    tail = b""
    while block := stream.read(chunk_bytes):
        lines = (tail + block).split(b"\n")
        tail = lines.pop()
        yield [line[:-1] if line.endswith(b"\r") else line for line in lines]
    if tail:
        yield [tail[:-1] if tail.endswith(b"\r") else tail]


def _open(path: str) -> BinaryIO:
    if path == "-":
        return sys.stdin.buffer
    p = Path(path)
    if not p.is_file():
        raise typer.BadParameter(f"no such file: {path}", param_hint="FILE")
    return p.open("rb")


@app.command()
def count(
    file: Annotated[str, typer.Argument(help="A file of lines, or - for standard input.")],
    precision: Annotated[int, typer.Option(help="HyperLogLog precision p (4..18).")] = 14,
    exact: Annotated[bool, typer.Option(help="Also count exactly (uses memory).")] = False,
    redis: Annotated[bool, typer.Option(help="Hash as Redis PFADD does (p=14).")] = False,
) -> None:
    """Distinct lines of FILE, estimated by a HyperLogLog, with its error bound."""
    stream = _open(file)
    from qsmcore.sketch import HyperLogLog

    hll = HyperLogLog(precision=precision, hash="redis" if redis else "qsm")
    seen: set[bytes] | None = set() if exact else None
    lines = 0
    t0 = time.perf_counter()
    with stream:
        for batch in read_line_batches(stream):
            hll.update(batch)
            lines += len(batch)
            if seen is not None:
                seen.update(batch)
    dt = time.perf_counter() - t0
    est = hll.estimate()
    low, high = hll.estimate_bounds(0.95)
    t = Table(title=f"distinct lines of {file}", show_header=False, title_justify="left")
    t.add_row("lines read", f"{lines:,}")
    t.add_row("estimate", f"{est:,.0f}  (95%: {low:,.0f} .. {high:,.0f})")
    t.add_row("sketch", repr(hll))
    if seen is not None:
        err = (est - len(seen)) / len(seen) if seen else 0.0
        t.add_row("exact", f"{len(seen):,}  (relative error {err:+.3%})")
    t.add_row("time", f"{dt:.2f} s ({lines / dt / 1e6:,.1f} M lines/s)" if dt > 0 else "-")
    console.print(t)


@app.command()
def top(
    file: Annotated[str, typer.Argument(help="A file of lines, or - for standard input.")],
    k: Annotated[int, typer.Option("-k", help="How many heavy hitters to show.")] = 10,
    capacity: Annotated[int, typer.Option(help="Space-Saving counters (>= k).")] = 1000,
) -> None:
    """The most frequent lines of FILE (Space-Saving), with guaranteed error bounds."""
    if capacity < k:
        raise typer.BadParameter(f"capacity must be >= k={k}, got {capacity}")
    stream = _open(file)
    from qsmcore.sketch import HeavyHitters

    hh = HeavyHitters(capacity)
    lines = 0
    with stream:
        for batch in read_line_batches(stream):
            hh.update(batch)
            lines += len(batch)
    t = Table("line", "count", "true count in", title=f"top {k} of {lines:,} lines")
    for key, cnt, error in hh.top(k):
        shown = key.decode("utf-8", "replace") if isinstance(key, bytes) else str(key)
        t.add_row(shown, f"{cnt:,}", f"[{cnt - error:,}, {cnt:,}]")
    console.print(t)


@app.command()
def accuracy(
    trials: Annotated[int, typer.Option(help="Independent trials per setting.")] = 10,
    n: Annotated[int, typer.Option(help="Distinct items per trial.")] = 100_000,
    plot: Annotated[Path | None, typer.Option(help="Save a plot here (matplotlib).")] = None,
) -> None:
    """Error against memory for every structure, over repeated trials (episode 60)."""
    from qsmcore import _sketch_accuracy

    if trials < 1 or n < 100:
        raise typer.BadParameter("need trials >= 1 and n >= 100")
    rows = _sketch_accuracy.simulate(trials=trials, n=n)
    t = Table("structure", "setting", "memory", "measured error", "theory", "metric")
    for r in rows:
        theory = "-" if r.theory != r.theory else f"{r.theory:.4g}"  # NaN: no single number
        t.add_row(r.structure, r.setting, f"{r.memory:,} B", f"{r.measured:.4g}", theory, r.metric)
    console.print(t)
    if plot is not None:
        _sketch_accuracy.plot(rows, plot)
        console.print(f"plot written to {plot}")
