"""compare.py queue: qsmcore's queue simulators beside Ciw and SimPy, same customer counts.

Three models (``_queue_peers``): M/M/1 at ρ = 0.9, M/M/8 at ρ = 0.9, and a 3-node
open Jackson network. Per model, in one run:

- qsmcore ``simulate`` / ``simulate_network`` with the peers' customer count split into
  8 replications, on all threads and on ``threads=1`` (which must give the same
  per-replication rows, bit for bit);
- qsmcore on a big run (8 replications of 10M customers for a station, 1M for the
  network), where the per-call overheads no longer count;
- Ciw and SimPy, one long replication of the same number of customers (200k; 20k with
  ``--quick``), each timed as a whole: model construction, simulation and reading the
  waits back.

items/s is customers per second: arrivals simulated (warm-up included) for qsmcore,
customers that completed for the peers (external customers for the network). Check:
the mean wait (the total queueing time per customer in the network) is within 4
standard errors of the exact value — for qsmcore the standard error over its
replications, for a peer the batch-means standard error of its one long run (10
batches of consecutive customers).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

import qsmcore

from . import _queue_peers as peers
from ._rows import Row, ratio
from ._timing import best_of

TITLE = "queue simulation: qsmcore.queueing.simulate / simulate_network vs Ciw, SimPy"
REPLICATIONS = 8  # qsmcore replications per call (the peers run one long replication)
PEER_CUSTOMERS = 200_000
BIG_STATION = 10_000_000  # customers per replication in the big qsmcore run
BIG_NETWORK = 1_000_000
TOLERANCE_SE = 4.0
BATCHES = 10
NOTE = (
    f"check: mean wait within {TOLERANCE_SE:g} standard errors of the exact value "
    f"(qsmcore: over its replications; peers: batch means, {BATCHES} batches of one run); "
    "qsmcore threads=1 must equal its all-threads rows bit for bit"
)
COUNTS = (
    "customers/s: qsmcore counts arrivals simulated incl. warm-up (customers × replications), "
    "peers count customers that completed; one Ciw/SimPy replication vs 8 qsmcore ones; "
    "peers are timed without a warm-up call (pure Python, seconds per run)"
)

try:
    from qsmcore.queueing import simulate
except ImportError:  # the simulator is not in this build yet
    simulate = None
try:
    from qsmcore.queueing import simulate_network
except ImportError:
    simulate_network = None


@dataclass(frozen=True)
class QueueCase:
    """One benchmark model: how qsmcore and the peers run it, and the exact mean wait."""

    name: str
    label: str
    model: Any  # peers.Station or peers.Network
    exact_wait: float
    big: int  # customers per replication of the big qsmcore run

    @property
    def is_network(self) -> bool:
        return isinstance(self.model, peers.Network)

    def qsmcore_available(self) -> bool:
        return (simulate_network if self.is_network else simulate) is not None

    def run_qsmcore(
        self, customers: int, replications: int = REPLICATIONS, threads: int | None = None
    ) -> Any:
        """One qsmcore call; the SimulationResult whose ``wait`` is compared (end-to-end
        for the network)."""
        m = self.model
        if self.is_network:
            arrivals = [f"exp:{g!r}" if g > 0 else None for g in m.external_rates]
            res = simulate_network(
                arrivals, [f"exp:{mu!r}" for mu in m.service_rates], m.routing,
                servers=list(m.servers), customers=customers, replications=replications,
                seed=0, threads=threads,
            )  # fmt: skip
            return res.end_to_end
        return simulate(
            f"exp:{m.arrival_rate!r}", f"exp:{m.service_rate!r}", m.servers,
            customers=customers, replications=replications, seed=0, backend="cpu",
            threads=threads,
        )  # fmt: skip

    def run_peer(self, peer: str, customers: int) -> peers.PeerRun:
        station, network = peers.PEERS[peer]
        return (network if self.is_network else station)(self.model, customers, seed=0)


def queue_cases() -> dict[str, QueueCase]:
    """The three models, keyed by a short name (``mm1``, ``mm8``, ``network``)."""
    net = peers.network_theory()
    rhos = ", ".join(f"{r:.2f}" for r in net.utilizations)
    return {
        "mm1": QueueCase("mm1", "M/M/1 ρ=0.9", peers.MM1, peers.MM1.theory().wait, BIG_STATION),
        "mm8": QueueCase("mm8", "M/M/8 ρ=0.9", peers.MM8, peers.MM8.theory().wait, BIG_STATION),
        "network": QueueCase(
            "network", f"3-node network ρ=({rhos})", peers.NETWORK, net.wait, BIG_NETWORK
        ),
    }


def _off(mean: float, se: float, exact: float) -> str:
    z = (mean - exact) / se if se > 0 else math.inf
    text = f"Wq {mean:.4g} (exact {exact:.4g}, {z:+.1f} SE)"
    return text if abs(z) <= TOLERANCE_SE else f"MEAN OFF: {text}"


def qsmcore_check(res: Any, exact: float) -> str:
    ci = res.wait
    return _off(ci.mean, ci.std / math.sqrt(ci.n), exact)


def batch_means_se(x: np.ndarray, batches: int = BATCHES) -> float:
    """Standard error of the mean of a correlated series by non-overlapping batch means."""
    m = x.size // batches
    if m < 1:
        return math.nan
    means = x[: m * batches].reshape(batches, m).mean(axis=1)
    return float(means.std(ddof=1) / math.sqrt(batches))


def peer_check(run: peers.PeerRun, exact: float) -> str:
    return _off(run.mean_wait, batch_means_se(run.waits), exact)


def _timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """qsmcore: one warm-up call, then the best of ``repeat`` timed calls or more
    (``_timing.best_of``: short calls run for 0.1 s in all)."""
    return best_of(fn, repeat)


def _timed_peer(fn: Callable[[], peers.PeerRun], repeat: int) -> tuple[float, peers.PeerRun]:
    """A pure-Python peer: best of ``repeat`` timed calls, no warm-up call (there is
    nothing to warm, and one run takes seconds); the first run's result is checked."""
    best, first = math.inf, None
    for _ in range(max(1, repeat)):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
        first = out if first is None else first
    assert first is not None
    return best, first


def case_rows(case: QueueCase, n: int, big: int, repeat: int) -> list[Row]:
    """qsmcore (peer-sized on all threads and on 1, big) and each installed peer."""
    rows: list[Row] = []
    threads = qsmcore.backends()["cpu"]["threads"]
    label = f"{case.label} ×{n:,}"
    if case.qsmcore_available():
        per = max(1, n // REPLICATIONS)
        total = per * REPLICATIONS
        t_all, r_all = _timed(lambda: case.run_qsmcore(per), repeat)
        t_one, r_one = _timed(lambda: case.run_qsmcore(per, threads=1), repeat)
        same = np.array_equal(r_all.per_replication, r_one.per_replication, equal_nan=True)
        shape = f"{REPLICATIONS}×{per:,}"
        rows += [
            Row(label, f"qsmcore {shape}, {threads} threads", None, total, total, t_all,
                qsmcore_check(r_all, case.exact_wait), [NOTE, COUNTS, versions()]),
            Row(label, f"qsmcore {shape}, threads=1", None, total, total, t_one,
                qsmcore_check(r_one, case.exact_wait) if same
                else "DIFFERS from all-threads rows"),
        ]  # fmt: skip
        t_big, r_big = _timed(lambda: case.run_qsmcore(big), repeat)
        big_total = big * REPLICATIONS
        rows.append(
            Row(label, f"qsmcore {REPLICATIONS}×{big:,}, {threads} threads", None, big_total,
                big_total, t_big, qsmcore_check(r_big, case.exact_wait))
        )  # fmt: skip
    for peer in peers.available():
        t, run = _timed_peer(lambda peer=peer: case.run_peer(peer, n), repeat)
        rows.append(Row(label, f"{peer} 1×{n:,}", peer, n, run.customers, t,
                        peer_check(run, case.exact_wait)))  # fmt: skip
    if rows:
        rows[-1] = _with_faster_peer_note(rows[-1], rows)
    return rows


def _with_faster_peer_note(last: Row, rows: list[Row]) -> Row:
    """Name the faster peer of this case and qsmcore's ratios to it (a note on the last row)."""
    peer_rows = [r for r in rows if r.case == last.case and r.peer is not None]
    ours = [r for r in rows if r.case == last.case and r.peer is None]
    if not peer_rows or not ours:
        return last
    best = max(peer_rows, key=lambda r: r.rate)
    label = str(best.peer)
    parts = [f"{r.impl} ×{ratio(r, label, rows):.1f}" for r in ours]
    note = f"{last.case}: faster peer {label} ({best.rate:,.0f} customers/s); " + "; ".join(parts)
    return replace(last, notes=[*last.notes, note])


def run(scale: int, repeat: int) -> list[Row]:
    """Every model at 1/``scale`` of full size (200k peer customers, big runs of 8×10M and
    8×1M customers)."""
    rows: list[Row] = []
    for case in queue_cases().values():
        rows += case_rows(case, PEER_CUSTOMERS // scale, case.big // scale, repeat)
    return rows


def versions() -> str:
    """The peer versions behind the rows (compare.py's machine table lists only xxhash)."""
    return f"peers: Ciw {peers.CIW_VERSION or 'not installed'}, " + (
        f"SimPy {peers.SIMPY_VERSION or 'not installed'}"
    )


def missing_note() -> str | None:
    """What is not installed or not built, for compare.py to print (None if all is there)."""
    gaps = [f"{p} not installed" for p in peers.missing()]
    if simulate is None:
        gaps.append("qsmcore.queueing.simulate not in this build")
    if simulate_network is None:
        gaps.append("qsmcore.queueing.simulate_network not in this build")
    return "queue suite: " + "; ".join(gaps) + " (those rows skipped)" if gaps else None
