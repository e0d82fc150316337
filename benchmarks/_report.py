"""Print compare.py's results as rich tables; write them as JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ._rows import Row, peer_labels, ratio, ratios_json


def _si(x: float) -> str:
    for unit, scale in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if x >= scale:
            return f"{x / scale:.3g} {unit}"
    return f"{x:.3g}"


def _seconds(s: float) -> str:
    return f"{s * 1e3:.2f} ms" if s < 1 else f"{s:.3f} s"


def machine_table(facts: dict[str, Any]) -> Table:
    """The machine facts as a two-column table."""
    table = Table(title="Machine", show_header=False)
    table.add_column("fact", style="bold")
    table.add_column("value")
    for key, value in facts.items():
        table.add_row(key, escape(str(value)))
    return table


def results_table(title: str, rows: list[Row]) -> Table:
    """One row per implementation; ``× <peer>`` = qsmcore items/s ÷ that peer's items/s."""
    peers = peer_labels(rows)
    table = Table(title=title, title_justify="left")
    table.add_column("case", no_wrap=True)
    table.add_column("implementation", no_wrap=True)
    table.add_column("timed", justify="right")
    table.add_column("best", justify="right")
    table.add_column("items/s", justify="right")
    for p in peers:
        table.add_column(f"× {p}", justify="right")
    table.add_column("check", no_wrap=True)
    last_case = None
    for r in rows:
        if last_case is not None and r.case != last_case:
            table.add_section()
        cells = [ratio(r, p, rows) for p in peers]
        table.add_row(
            escape(r.case) if r.case != last_case else "",
            escape(r.impl),
            f"{r.timed_n:,}",
            _seconds(r.seconds),
            _si(r.rate),
            *("" if x is None else f"{x:.2f}" for x in cells),
            escape(r.check),
            style=None if r.peer is None else "dim",
        )
        last_case = r.case
    return table


def print_suite(console: Console, title: str, rows: list[Row]) -> None:
    """The results table followed by its numbered notes."""
    console.print(results_table(title, rows))
    console.print("× peer = qsmcore items/s ÷ peer items/s on the same data (> 1: qsmcore faster)")
    notes = list(dict.fromkeys(note for r in rows for note in r.notes))
    for note in notes:
        console.print(f"  note: {note}", highlight=False)
    console.print()


def write_json(path: Path, facts: dict[str, Any], config: dict[str, Any], rows: list[Row]) -> None:
    """Raw results (machine, settings, rows, ratios) for regenerating figures."""
    doc = {
        "machine": facts,
        "config": config,
        "rows": [r.to_json() for r in rows],
        "ratios": ratios_json(rows),
    }
    path.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
