"""compare.py sketch: qsmcore.sketch.BloomFilter beside rbloom and pyprobables.

Same data for everyone: ``n`` items inserted into a filter sized for ``n`` at
p = 0.01, then ``n`` fresh items probed; the measured false-positive rate is in
each row's check (and a false negative on the inserted items fails the row).
rbloom gets Python ints / str (its API takes Python objects; the lists are built
outside the timing); pyprobables, a pure-Python filter, is timed on a prefix.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import qsmcore
from qsmcore.sketch import BloomFilter

from ._data import short_strings, uint64_values
from ._rows import Row
from ._timing import best_of

TITLE = "BloomFilter: qsmcore vs rbloom, pyprobables (p = 0.01, sized for n)"
P = 0.01

try:
    import rbloom
except ImportError:  # the `peers` extra is optional
    rbloom = None
try:
    import probables
except ImportError:
    probables = None


def _check(fpr: float, members_ok: bool) -> str:
    if not members_ok:
        return "MISMATCH: false negatives"
    return f"FPR {fpr:.4f}, no false negatives"


def _qsm_rows(case: str, n: int, items: Any, probes: Any, repeat: int) -> list[list[Row]]:
    threads = qsmcore.backends()["cpu"]["threads"]
    adds, queries = [], []
    for kind, nthreads, label in [
        ("split-block", None, f"split-block, {threads} threads"),
        ("split-block", 1, "split-block, threads=1"),
        ("classic", None, f"classic, {threads} threads"),
        ("classic", 1, "classic, threads=1"),
    ]:

        def build(kind: str = kind, nthreads: int | None = nthreads) -> BloomFilter:
            f = BloomFilter(n, P, kind=kind)
            f.add(items, threads=nthreads)
            return f

        t_add, f = best_of(build, repeat)
        t_q, hits = best_of(lambda f=f, t=nthreads: f.contains(probes, threads=t), repeat)
        check = _check(float(hits.mean()), bool(f.contains(items).all()))
        note = f"{f.nbytes / 2**20:.1f} MiB, k={f.k}"
        adds.append(Row(f"add {case}", f"qsmcore {label}", None, n, n, t_add, check, [note]))
        queries.append(Row(f"contains {case}", f"qsmcore {label}", None, n, n, t_q, check))
    return [adds, queries]


def _rbloom_rows(case: str, n: int, items: list[Any], probes: list[Any], r: int) -> list[Row]:
    if rbloom is None:
        return []

    def build() -> Any:
        f = rbloom.Bloom(n, P)
        f.update(items)
        return f

    t_add, f = best_of(build, r)
    t_q, hits = best_of(lambda: sum(map(f.__contains__, probes)), r)
    check = _check(hits / n, all(map(f.__contains__, items)))
    label = "rbloom.Bloom.update / `in` loop"
    note = f"{f.size_in_bits / 8 / 2**20:.1f} MiB; Python lists built outside the timing"
    return [
        Row(f"add {case}", label, "rbloom", n, n, t_add, check, [note]),
        Row(f"contains {case}", label, "rbloom", n, n, t_q, check),
    ]


def _probables_rows(
    case: str, n: int, items: list[str], probes: list[str], r: int, m: int
) -> list[Row]:
    if probables is None:
        return []
    sub, sub_probes = items[:m], probes[:m]

    def build() -> Any:
        f = probables.BloomFilter(est_elements=m, false_positive_rate=P)
        for x in sub:
            f.add(x)
        return f

    t_add, f = best_of(build, r)
    t_q, hits = best_of(lambda: sum(map(f.check, sub_probes)), r)
    check = _check(hits / m, all(map(f.check, sub)))
    note = f"pure Python: timed on {m:,} of {n:,} items (sized for {m:,}); keys as str"
    label = "pyprobables.BloomFilter add / check loop"
    return [
        Row(f"add {case}", label, "pyprobables", n, m, t_add, check, [note]),
        Row(f"contains {case}", label, "pyprobables", n, m, t_q, check),
    ]


def _case(
    case: str, n: int, items: Any, probes: Any, as_py: Callable[[Any], list[Any]], repeat: int
) -> list[Row]:
    add_rows, query_rows = _qsm_rows(case, n, items, probes, repeat)
    py_items, py_probes = as_py(items), as_py(probes)
    peer = _rbloom_rows(case, n, py_items, py_probes, repeat)
    m = max(1, min(n, 100_000))
    peer += _probables_rows(case, n, list(map(str, py_items)), list(map(str, py_probes)), 1, m)
    adds = add_rows + [r for r in peer if r.case.startswith("add")]
    queries = query_rows + [r for r in peer if r.case.startswith("contains")]
    return adds + queries


def run(scale: int, repeat: int) -> list[Row]:
    """10M uint64 and 1M short str (1/``scale`` of that with --quick)."""
    n = 10_000_000 // scale
    values = uint64_values(2 * n)
    rows = _case(f"uint64 ×{n:,}", n, values[:n], values[n:], lambda a: a.tolist(), repeat)
    n = 1_000_000 // scale
    strs = short_strings(2 * n)
    rows += _case(f"str ×{n:,}", n, strs[:n], strs[n:], list, repeat)
    return rows
