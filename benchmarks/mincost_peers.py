"""qsmcore.flow.min_cost_flow vs OR-Tools SimpleMinCostFlow and NetworkX network_simplex,
and qsmcore.flow.assignment vs scipy.optimize.linear_sum_assignment.

Same instance for every solver, build and solve timed separately (best of --repeat
after a warm-up for qsmcore and OR-Tools; NetworkX once, and only where it finishes
in reasonable time), and the optimal costs compared.

    python benchmarks/mincost_peers.py [--repeat 3] [--no-networkx] [--large]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from qsmcore.flow import assignment, min_cost_flow


def transportation(s: int, d: int, seed: int):
    """Complete bipartite s x d, costs 1..1000, supplies 1..100, uncapacitated arcs."""
    rng = np.random.default_rng(seed)
    supply = rng.integers(1, 101, s)
    demand = np.zeros(d, dtype=np.int64)
    np.add.at(demand, rng.integers(0, d, int(supply.sum())), 1)
    t = np.repeat(np.arange(s, dtype=np.int64), d)
    h = s + np.tile(np.arange(d, dtype=np.int64), s)
    u = np.full(t.size, int(supply.sum()), dtype=np.int64)
    c = rng.integers(1, 1001, t.size)
    return t, h, u, c, np.concatenate([supply, -demand])


def random_sparse(n: int, m: int, seed: int):
    """Random multigraph, capacities 1..100, costs 1..1000, supplies from a random flow."""
    rng = np.random.default_rng(seed)
    t = rng.integers(0, n, m)
    h = rng.integers(0, n, m)
    u = rng.integers(1, 101, m)
    c = rng.integers(1, 1001, m)
    x0 = rng.integers(0, 101, m) % (u + 1)
    b = np.zeros(n, dtype=np.int64)
    np.add.at(b, t, x0)
    np.subtract.at(b, h, x0)
    return t, h, u, c, b


def best(fn, repeat):
    out = fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def run_qsm(inst, repeat):
    t, h, u, c, b = inst
    secs, r = best(lambda: min_cost_flow(t, h, u, c, b), repeat)
    return 0.0, secs, r.total_cost


def run_ortools(inst, repeat):
    from ortools.graph.python import min_cost_flow as mcf

    t, h, u, c, b = inst

    def build():
        smcf = mcf.SimpleMinCostFlow()
        smcf.add_arcs_with_capacity_and_unit_cost(t, h, u, c)
        smcf.set_nodes_supplies(np.arange(b.size), b)
        return smcf

    build_s, _ = best(build, repeat)
    solves = []
    cost = None
    for _ in range(repeat + 1):
        smcf = build()
        t0 = time.perf_counter()
        status = smcf.solve()
        solves.append(time.perf_counter() - t0)
        assert status == smcf.OPTIMAL
        cost = smcf.optimal_cost()
    return build_s, min(solves[1:]), cost


def run_networkx(inst):
    import networkx as nx

    t, h, u, c, b = inst
    t0 = time.perf_counter()
    g = nx.MultiDiGraph()
    g.add_nodes_from((i, {"demand": -int(x)}) for i, x in enumerate(b))
    g.add_edges_from(
        (int(a), int(z), {"capacity": int(cap), "weight": int(w)})
        for a, z, cap, w in zip(t, h, u, c, strict=True)
    )
    t1 = time.perf_counter()
    cost, _ = nx.network_simplex(g)
    return t1 - t0, time.perf_counter() - t1, cost


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-networkx", action="store_true")
    ap.add_argument("--large", action="store_true", help="add 100k nodes / 1M arcs (minutes)")
    args = ap.parse_args()
    cases = [
        ("transportation 200x200 (40k arcs)", transportation(200, 200, 1), True),
        ("random sparse 10k nodes / 100k arcs", random_sparse(10_000, 100_000, 2), False),
    ]
    if args.large:
        cases.append(
            ("random sparse 100k nodes / 1M arcs", random_sparse(100_000, 1_000_000, 3), False)
        )
    print(f"{'case':38s} {'impl':10s} {'build s':>9s} {'solve s':>9s} {'cost':>14s}  ratio")
    for name, inst, with_nx in cases:
        rows = [("qsmcore", *run_qsm(inst, args.repeat))]
        rows.append(("OR-Tools", *run_ortools(inst, args.repeat)))
        if with_nx and not args.no_networkx:
            rows.append(("NetworkX", *run_networkx(inst)))
        base = rows[0][2]
        for impl, b_s, s_s, cost in rows:
            same = "" if cost == rows[0][3] else "  COST DIFFERS"
            print(
                f"{name:38s} {impl:10s} {b_s:9.4f} {s_s:9.4f} {cost:14d}  "
                f"{s_s / base:5.2f}x qsmcore{same}"
            )

    from scipy.optimize import linear_sum_assignment

    rng = np.random.default_rng(4)
    for shape in [(300, 300), (1000, 1000), (200, 2000)]:
        cm = rng.integers(0, 1000, shape)
        q_s, q = best(lambda cm=cm: assignment(cm), args.repeat)
        s_s, (ri, ci) = best(lambda cm=cm: linear_sum_assignment(cm), args.repeat)
        name = f"assignment {shape[0]}x{shape[1]} costs 0..999"
        ref = int(cm[ri, ci].sum())
        for impl, secs, cost in [("qsmcore", q_s, q.total_cost), ("SciPy", s_s, ref)]:
            same = "" if cost == q.total_cost else "  COST DIFFERS"
            print(
                f"{name:38s} {impl:10s} {0.0:9.4f} {secs:9.4f} {cost:14d}  "
                f"{secs / q_s:5.2f}x qsmcore{same}"
            )


if __name__ == "__main__":
    main()
