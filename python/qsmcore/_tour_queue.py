"""The ``qsm tour`` section on queueing: an exact M/M/c formula beside a simulation."""

from __future__ import annotations

import time

from rich.console import Console

from qsmcore._cli_queue import comparison_table, theory_for

# M/M/8 at ρ = 0.9: the example, where Erlang C gives every number exactly.
ARRIVAL, SERVICE, SERVERS = "exp:7.2", "exp:1", 8
# Replications of 1M customers: a per-replication P99.9 from 100k customers at ρ = 0.9
# sits visibly below the exact quantile (a short run rarely reaches the far tail).
REPLICATIONS, CUSTOMERS = 8, 1_000_000


def queueing(console: Console) -> None:
    console.rule("[bold]queueing: exact formulas, and a simulation whose CI covers them")
    from qsmcore.queueing import mmc

    exact = mmc(7.2, 1.0, SERVERS)
    console.print(
        f"M/M/8, λ = 7.2, μ = 1 (Erlang C): ρ = {exact.utilization:.2f}, "
        f"P(wait) = {exact.p_wait:.4f}, Wq = {exact.wait:.4f}, "
        f"P99 wait = {exact.wait_quantile(0.99):.4f}"
    )
    try:
        from qsmcore.queueing import simulate
    except ImportError as exc:
        console.print(f"(simulation skipped: the queue simulator is not in this build: {exc})")
        return
    t0 = time.perf_counter()
    sim = simulate(ARRIVAL, SERVICE, SERVERS, customers=CUSTOMERS, replications=REPLICATIONS)
    dt = time.perf_counter() - t0
    th = theory_for(ARRIVAL, SERVICE, SERVERS, None)
    title = f"simulate: {REPLICATIONS} replications × {CUSTOMERS:,} customers in {dt:.2f} s"
    console.print(comparison_table(sim, th, title))
    covered = exact.wait in sim.wait
    console.print(
        f"the 95% interval of Wq {'covers' if covered else 'misses'} the exact {exact.wait:.4f} "
        "(a 95% interval misses 1 time in 20); `qsm queue sim` runs any G/G/c(/K)."
    )
