"""compare.py flow: qsmcore.flow beside OR-Tools, SciPy, igraph, PyMaxflow and NetworkX.

Each case is one instance from ``qsmcore.flow.generators`` (deterministic from its
seed), handed to every solver as the same int64 arc arrays. Build (turning arrays
into the solver's graph) and solve are timed separately; the table's ``best`` and
items/s are build + solve, in arcs per second, and the check says whether each
solver's optimum equals qsmcore's. NetworkX runs only on the small instances.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from qsmcore import flow

from . import _flow_peers as peers
from ._rows import Row

TITLE = "network flow: qsmcore.flow vs OR-Tools, SciPy, igraph, PyMaxflow, NetworkX"
NETWORKX_MAX_ARCS = 200_000  # NetworkX is pure Python: only the small instances


@dataclass(frozen=True)
class Instance:
    case: str
    tails: np.ndarray
    heads: np.ndarray
    capacities: np.ndarray
    n: int
    source: int = -1
    sink: int = -1
    costs: np.ndarray | None = None
    supplies: np.ndarray | None = None
    grid: bool = False


def _from_graph(case: str, g: Any, grid: bool = False) -> Instance:
    return Instance(
        case=case,
        tails=np.ascontiguousarray(g.tails, dtype=np.int64),
        heads=np.ascontiguousarray(g.heads, dtype=np.int64),
        capacities=np.ascontiguousarray(g.capacities, dtype=np.int64),
        n=int(g.n_nodes),
        source=int(getattr(g, "source", -1) if getattr(g, "source", None) is not None else -1),
        sink=int(getattr(g, "sink", -1) if getattr(g, "sink", None) is not None else -1),
        costs=None if getattr(g, "costs", None) is None else np.asarray(g.costs, np.int64),
        supplies=None if getattr(g, "supplies", None) is None else np.asarray(g.supplies, np.int64),
        grid=grid,
    )


def max_flow_instances(scale: int) -> list[Instance]:
    gen = flow.generators
    side = 1000 // int(np.sqrt(scale)) if scale > 1 else 1000
    out = [
        _from_graph(f"grid {side}×{side}", gen.grid(side, side, seed=1), grid=True),
        _from_graph("GENRMF long (a=24, b=192)" if scale == 1 else "GENRMF long (a=8, b=64)",
                    gen.rmf(24, 192, 1, 1000, seed=2) if scale == 1 else gen.rmf(8, 64, 1, 1000, seed=2)),
        _from_graph("GENRMF wide (a=64, b=16)" if scale == 1 else "GENRMF wide (a=24, b=6)",
                    gen.rmf(64, 16, 1, 1000, seed=3) if scale == 1 else gen.rmf(24, 6, 1, 1000, seed=3)),
        _from_graph("Washington RLG (512×256)" if scale == 1 else "Washington RLG (128×64)",
                    gen.washington_rlg(512, 256, 10_000, seed=4) if scale == 1
                    else gen.washington_rlg(128, 64, 10_000, seed=4)),
        _from_graph(f"random sparse ({1_000_000 // scale:,} arcs)",
                    gen.random_sparse(100_000 // scale, 1_000_000 // scale, 1000, seed=5)),
    ]
    return out


def _time(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(max(1, repeat)):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def run(scale: int, repeat: int) -> list[Row]:
    rows: list[Row] = []
    for inst in max_flow_instances(scale):
        m = inst.tails.size
        args = (inst.tails, inst.heads, inst.capacities, inst.source, inst.sink, inst.n)
        seconds, ours = _time(
            lambda: flow.max_flow(inst.tails, inst.heads, inst.capacities, inst.source,
                                  inst.sink, n_nodes=inst.n),
            repeat,
        )
        rows.append(Row(inst.case, f"qsmcore max_flow ({ours.method})", None, m, m, seconds,
                        f"value {ours.value:,}"))
        for name, fn in peers.MAX_FLOW.items():
            if fn is None or (name == "NetworkX" and m > NETWORKX_MAX_ARCS):
                continue
            if name == "PyMaxflow" and not inst.grid:
                continue
            best, run_ = float("inf"), None
            for _ in range(max(1, repeat)):
                r = fn(*args)
                if r.build_s + r.solve_s < best:
                    best, run_ = r.build_s + r.solve_s, r
            same = "= qsmcore" if run_.value == ours.value else f"DIFFERS: {run_.value:,}"
            rows.append(Row(inst.case, f"{name} (build {run_.build_s * 1e3:.0f} ms + solve "
                            f"{run_.solve_s * 1e3:.0f} ms)", name, m, m, best, same))
    return rows
