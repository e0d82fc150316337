"""compare.py reliability: the bit-parallel Monte Carlo kernel beside a vectorized NumPy
Monte Carlo of the same structure (``rng.random((trials, m)) < p`` plus NumPy logic).

Items are component-samples (trials × components): what both implementations spend
their time drawing. Checks: each estimate within 6 standard errors of the exact answer
(closed forms; the exact network solver for the grid). Each qsmcore row's note gives
the exact solver's answer and time on the same structure.

Where a GPU is usable, each program case gets a second table section at GPU scale
(``GPU_SCALE`` times the trials): ``backend="cuda"`` beside the CPU on all threads, same
seed and range, whose failure counts must be equal; the NumPy row there repeats the
small case's measured rate (items/s is per item), so the ratio column still reads.
"""

from __future__ import annotations

import math

import numpy as np

import qsmcore
from qsmcore._backend import cuda_status
from qsmcore.reliability import (
    failure_probability,
    monte_carlo,
    network_reliability_mc,
    two_terminal,
)
from qsmcore.reliability._program import AND, OR, VOTE, Program

from ._rows import Row
from ._timing import best_of

TITLE = "reliability: bit-parallel Monte Carlo vs vectorized NumPy Monte Carlo"
NOTE = (
    "items = component-samples (trials × components); qsmcore threads=1 must equal its "
    "all-threads failure count; check = within 6 standard errors of the exact answer"
)

SP_GROUPS, SP_WIDTH, SP_P = 20, 5, 0.2  # 20 parallel groups of 5 in series: 100 components
GRID = 10
GPU_SCALE = 64  # a GPU needs far more than 4M trials before launch costs stop dominating


def _program(p, ops, ks, offsets, inputs, top) -> Program:
    p = np.asarray(p, dtype=np.float64)
    return Program(
        tuple(f"c{i}" for i in range(p.size)), p, np.asarray(ops, dtype=np.int32),
        np.asarray(ks, dtype=np.int32), np.asarray(offsets, dtype=np.int32),
        np.asarray(inputs, dtype=np.int32), top,
    )  # fmt: skip


def _two_of_three() -> tuple[Program, float]:
    p = 0.1
    return _program([p] * 3, [VOTE], [2], [0, 3], [0, 1, 2], 3), 3 * p * p * (1 - p) + p**3


def _series_parallel() -> tuple[Program, float]:
    e = SP_GROUPS * SP_WIDTH
    ops = [AND] * SP_GROUPS + [OR]
    offsets = [*range(0, e + 1, SP_WIDTH), e + SP_GROUPS]
    inputs = [*range(e), *range(e, e + SP_GROUPS)]
    prog = _program([SP_P] * e, ops, [0] * (SP_GROUPS + 1), offsets, inputs, e + SP_GROUPS)
    return prog, 1 - (1 - SP_P**SP_WIDTH) ** SP_GROUPS


def _grid_edges(k: int) -> np.ndarray:
    ids = np.arange(k * k).reshape(k, k)
    right = np.stack([ids[:, :-1].ravel(), ids[:, 1:].ravel()], axis=1)
    down = np.stack([ids[:-1, :].ravel(), ids[1:, :].ravel()], axis=1)
    return np.concatenate([right, down]).astype(np.int64)


def _numpy_program(n: int, seed: int, case: str) -> int:
    rng = np.random.default_rng(seed)
    failures = 0
    for lo in range(0, n, 1 << 16):  # bounded memory
        m = min(1 << 16, n - lo)
        if case == "2of3":
            x = rng.random((m, 3)) < 0.1
            failures += int(np.count_nonzero(x.sum(axis=1) >= 2))
        else:
            x = rng.random((m, SP_GROUPS * SP_WIDTH)) < SP_P
            failed = x.reshape(m, SP_GROUPS, SP_WIDTH).all(axis=2).any(axis=1)
            failures += int(np.count_nonzero(failed))
    return failures


def _numpy_grid(n: int, seed: int, edges: np.ndarray, p: float) -> int:
    """Two-terminal (corner to corner) by label propagation over NumPy bool columns."""
    rng = np.random.default_rng(seed)
    nodes = GRID * GRID
    failures = 0
    for lo in range(0, n, 1 << 16):
        m = min(1 << 16, n - lo)
        up = rng.random((edges.shape[0], m)) >= p
        reach = np.zeros((nodes, m), dtype=bool)
        reach[0] = True
        changed = True
        while changed:
            changed = False
            for e, (a, b) in enumerate(edges):
                x = (reach[a] | reach[b]) & up[e]
                if np.any(x & ~(reach[a] & reach[b])):
                    reach[a] |= x
                    reach[b] |= x
                    changed = True
        failures += int(np.count_nonzero(~reach[nodes - 1]))
    return failures


def _check(estimate: float, n: int, exact: float) -> str:
    se = math.sqrt(max(exact * (1 - exact), 1e-300) / n)
    return "estimate ok" if abs(estimate - exact) <= 6 * se else "MEAN OFF"


def program_rows(name: str, prog: Program, exact: float, n: int, repeat: int) -> list[Row]:
    m = prog.n_events
    items = n * m
    threads = qsmcore.backends()["cpu"]["threads"]
    case = f"{name}: {m} components ×{n:,} trials"
    t_all, r_all = best_of(lambda: monte_carlo(prog, n, seed=0), repeat)
    t_one, r_one = best_of(lambda: monte_carlo(prog, n, seed=0, threads=1), repeat)
    key = "2of3" if m == 3 else "sp"
    n_np = max(1 << 16, n // 8)
    t_np, f_np = best_of(lambda: _numpy_program(n_np, 0, key), repeat)
    same = r_all.failures == r_one.failures
    t_ex, ex = best_of(lambda: failure_probability(prog), repeat)
    exact_note = f"exact solver: P = {ex.probability:.6g} in {t_ex * 1e3:.3f} ms ({ex.method})"
    numpy_row = Row(case, "NumPy vectorized (PCG64)", "NumPy", items, n_np * m, t_np,
                    _check(f_np / n_np, n_np, exact),
                    [f"NumPy timed on {n_np:,} trials (items/s is per item)"])  # fmt: skip
    rows = [
        Row(case, f"qsmcore monte_carlo, {threads} threads", None, items, items, t_all,
            _check(r_all.probability, n, exact), [NOTE, exact_note]),
        Row(case, "qsmcore monte_carlo, threads=1", None, items, items, t_one,
            _check(r_one.probability, n, exact) if same else "DIFFERS from all-threads result"),
        numpy_row,
    ]  # fmt: skip
    if cuda_status()[0] is not None:
        rows += gpu_rows(name, prog, exact, n * GPU_SCALE, repeat, numpy_row)
    return rows


def gpu_rows(
    name: str, prog: Program, exact: float, n: int, repeat: int, numpy_row: Row
) -> list[Row]:
    """backend="cuda" beside the CPU's threads on ``n`` trials: equal failure counts."""
    m = prog.n_events
    items = n * m
    threads = qsmcore.backends()["cpu"]["threads"]
    case = f"{name}: {m} components ×{n:,} trials (GPU scale)"
    t_gpu, r_gpu = best_of(lambda: monte_carlo(prog, n, seed=0, backend="cuda"), repeat)
    t_cpu, r_cpu = best_of(lambda: monte_carlo(prog, n, seed=0), repeat)
    same = r_gpu.failures == r_cpu.failures
    return [
        Row(case, "qsmcore monte_carlo, backend=cuda", None, items, items, t_gpu,
            _check(r_gpu.probability, n, exact) if same else "DIFFERS from the CPU's count",
            [f"{name} on the GPU: {r_gpu.failures:,} failures, CPU {r_cpu.failures:,}"]),
        Row(case, f"qsmcore monte_carlo, {threads} threads", None, items, items, t_cpu,
            _check(r_cpu.probability, n, exact)),
        Row(case, numpy_row.impl, "NumPy", numpy_row.n, numpy_row.timed_n, numpy_row.seconds,
            numpy_row.check, ["the small case's NumPy measurement, repeated"]),
    ]  # fmt: skip


def grid_rows(n: int, repeat: int) -> list[Row]:
    edges = _grid_edges(GRID)
    m = edges.shape[0]
    p = 0.3
    pf = np.full(m, p)
    term = [0, GRID * GRID - 1]
    threads = qsmcore.backends()["cpu"]["threads"]
    case = f"{GRID}x{GRID} grid two-terminal: {m} edges ×{n:,} trials"

    def ours(th=None):
        return network_reliability_mc(GRID * GRID, edges, pf, n, terminals=term, threads=th)

    t_all, r_all = best_of(ours, repeat)
    t_one, r_one = best_of(lambda: ours(1), repeat)
    n_np = max(1 << 14, n // 32)
    t_np, f_np = best_of(lambda: _numpy_grid(n_np, 0, edges, p), min(repeat, 2))
    t_ex, ex = best_of(
        lambda: two_terminal(edges[:, 0], edges[:, 1], p, term[0], term[1]), min(repeat, 2)
    )
    exact = ex.failure_probability
    exact_note = f"exact solver: P = {exact:.6g} in {t_ex * 1e3:.1f} ms (frontier DP)"
    items = n * m
    return [
        Row(case, f"qsmcore network_reliability_mc, {threads} threads", None, items, items,
            t_all, _check(r_all.probability, n, exact), [exact_note]),
        Row(case, "qsmcore network_reliability_mc, threads=1", None, items, items, t_one,
            "= all threads" if r_one.failures == r_all.failures else "DIFFERS"),
        Row(case, "NumPy label propagation (PCG64)", "NumPy", items, n_np * m, t_np,
            _check(f_np / n_np, n_np, exact),
            [f"NumPy timed on {n_np:,} trials (items/s is per item)"]),
    ]  # fmt: skip


def run(scale: int, repeat: int) -> list[Row]:
    n = 4_000_000 // scale
    two, exact_two = _two_of_three()
    sp, exact_sp = _series_parallel()
    return [
        *program_rows("2-of-3 (p = 0.1)", two, exact_two, n, repeat),
        *program_rows(
            f"series of {SP_GROUPS} parallel groups of {SP_WIDTH}", sp, exact_sp, n // 8, repeat
        ),
        *grid_rows(n // 16, repeat),
    ]
