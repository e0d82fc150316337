"""compare.py sketch: Count-Min and heavy hitters, qsmcore vs datasketches and pyprobables.

Same data for every implementation. Peers have no batch API (one Python call per
item), so they are timed on a prefix of the data (items/s is per item). Checks:
Count-Min estimates never under-count and the observed maximum over-count is
reported against εN; heavy hitters must return the exact top 10 keys.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

import qsmcore
from qsmcore.sketch import CountMinSketch, HeavyHitters

from ._data import short_strings, uint64_values
from ._rows import Row
from ._timing import best_of

try:
    import datasketches as ds
except ImportError:  # the `peers` extra is optional
    ds = None
try:
    import probables
except ImportError:
    probables = None

TITLE = "Count-Min and heavy hitters: qsmcore vs datasketches, pyprobables"
EPS, DELTA = 0.001, 0.01
WIDTH, DEPTH = 2719, 5  # ⌈e/ε⌉, ⌈ln(1/δ)⌉: every implementation gets this shape


def _err_check(est: np.ndarray, truth: np.ndarray, total: int) -> str:
    err = est.astype(np.int64) - truth
    if (err < 0).any():
        return f"MISMATCH: under-counts {int((err < 0).sum())} keys"
    return (
        f"max err {int(err.max()):,} ≤ εN {EPS * total:,.0f}"
        if err.max() <= EPS * total
        else (f"max err {int(err.max()):,} > εN {EPS * total:,.0f} (allowed w.p. δ per key)")
    )


def _loop(fn: Callable[[Any], Any], items: list[Any]) -> None:
    for x in items:
        fn(x)


def cms_rows(case: str, keys: Any, n: int, peer_keys: dict[str, list[Any]], m: int,
             repeat: int) -> list[Row]:  # fmt: skip
    """Update then query: qsmcore (all threads, threads=1) and each peer on ``m`` items."""
    threads = qsmcore.backends()["cpu"]["threads"]
    # Every key of these data sets is distinct, so the true count of each is 1.
    truth = np.ones(min(n, 100_000), dtype=np.int64)
    probe = keys[: truth.size]

    def upd(t: int | None) -> CountMinSketch:
        s = CountMinSketch(EPS, DELTA)
        s.update(keys, threads=t)
        return s

    t_all, s_all = best_of(lambda: upd(None), repeat)
    t_one, s_one = best_of(lambda: upd(1), repeat)
    same = np.array_equal(s_all.table, s_one.table)
    check = _err_check(s_all.query(probe), truth, n) if same else "DIFFERS between thread counts"
    note = f"{s_all.nbytes:,} bytes of counters (w={WIDTH}, d={DEPTH})"
    rows = [
        Row(f"{case} update", f"qsmcore CountMinSketch.update, {threads} threads", None, n, n,
            t_all, check, [note]),
        Row(f"{case} update", "qsmcore CountMinSketch.update, threads=1", None, n, n, t_one, check),
    ]  # fmt: skip
    queries: list[Row] = []
    t_q, est = best_of(lambda: s_all.query(keys), repeat)
    queries.append(Row(f"{case} query", f"qsmcore CountMinSketch.query, {threads} threads", None,
                    n, n, t_q, _err_check(est[: truth.size], truth, n)))  # fmt: skip
    if ds is not None:
        items = peer_keys["ds"][:m]

        def ds_upd() -> Any:
            c = ds.count_min_sketch(DEPTH, WIDTH, 9001)
            _loop(c.update, items)
            return c

        t, c = best_of(ds_upd, repeat)
        ds_est = np.array([c.get_estimate(x) for x in items[: min(m, truth.size)]])
        chk = _err_check(ds_est, truth[: ds_est.size], m)
        note = f"{c.get_serialized_size_bytes():,} bytes serialized; a Python loop over update()"
        rows.append(Row(f"{case} update", "datasketches count_min_sketch loop", "datasketches",
                        n, m, t, chk, [note]))  # fmt: skip
        t, _ = best_of(lambda: _loop(c.get_estimate, items), repeat)
        queries.append(Row(f"{case} query", "datasketches get_estimate loop", "datasketches", n, m,
                        t, chk))  # fmt: skip
    if probables is not None:
        items = peer_keys["pp"][: max(1, m // 10)]

        def pp_upd() -> Any:
            c = probables.CountMinSketch(width=WIDTH, depth=DEPTH)
            _loop(c.add, items)
            return c

        t, c = best_of(pp_upd, repeat)
        pp_est = np.array([c.check(x) for x in items[: min(len(items), truth.size)]])
        chk = _err_check(pp_est, truth[: pp_est.size], len(items))
        note = f"pure Python: timed on {len(items):,} of {n:,} items"
        rows.append(Row(f"{case} update", "pyprobables CountMinSketch.add loop", "pyprobables",
                        n, len(items), t, chk, [note]))  # fmt: skip
        t, _ = best_of(lambda: _loop(c.check, items), repeat)
        queries.append(Row(f"{case} query", "pyprobables CountMinSketch.check loop", "pyprobables",
                        n, len(items), t, chk, [note]))  # fmt: skip
    return rows + queries


def heavy_rows(n: int, repeat: int) -> list[Row]:
    """Top 10 of a Zipf(1.1) stream of ``n`` short strings, k = 1000 counters."""
    universe = short_strings(50_000)
    idx = (np.random.default_rng(3).zipf(1.1, size=n) - 1) % len(universe)
    stream = [universe[i] for i in idx.tolist()]
    counts = np.bincount(idx, minlength=len(universe))
    true_top = {universe[i] for i in np.argsort(-counts, kind="stable")[:10].tolist()}
    case = f"heavy hitters, Zipf(1.1) str ×{n:,}, k=1000"

    def check(top: list[str]) -> str:
        return "= exact top 10" if set(top[:10]) == true_top else "MISMATCH vs exact top 10"

    def ours() -> HeavyHitters:
        h = HeavyHitters(1000)
        h.update(stream)
        return h

    t, hh = best_of(ours, repeat)
    rows = [Row(case, "qsmcore HeavyHitters.update (Space-Saving)", None, n, n, t,
                check([k for k, _, _ in hh.top(10)]))]  # fmt: skip
    if ds is not None:

        def ds_run() -> Any:
            f = ds.frequent_strings_sketch(10)  # 1024 slots (up to 768 active)
            _loop(f.update, stream)
            return f

        t, f = best_of(ds_run, repeat)
        top = [r[0] for r in f.get_frequent_items(ds.frequent_items_error_type.NO_FALSE_NEGATIVES)]
        rows.append(Row(case, "datasketches frequent_strings_sketch loop", "datasketches", n, n,
                        t, check(top)))  # fmt: skip
    if probables is not None:
        m = max(1, n // 10)

        def pp_run() -> Any:
            h = probables.HeavyHitters(num_hitters=1000, width=WIDTH, depth=DEPTH)
            _loop(h.add, stream[:m])
            return h

        t, h = best_of(pp_run, repeat)
        top = sorted(h.heavy_hitters, key=h.heavy_hitters.get, reverse=True)
        pref = np.bincount(idx[:m], minlength=len(universe))
        pref_top = {universe[i] for i in np.argsort(-pref, kind="stable")[:10].tolist()}
        chk = "= exact top 10 of its prefix" if set(top[:10]) == pref_top else "MISMATCH (prefix)"
        rows.append(Row(case, "pyprobables HeavyHitters.add loop", "pyprobables", n, m, t, chk,
                        [f"timed on {m:,} of {n:,} items"]))  # fmt: skip
    return rows


def run(scale: int, repeat: int) -> list[Row]:
    """10M uint64 and 1M short str (at 1/``scale``), plus a 1M-item heavy-hitter stream."""
    n = 10_000_000 // scale
    values = uint64_values(n)
    m = max(1, n // 20)
    peer = {"ds": values[:m].view(np.int64).tolist(), "pp": values[:m].view("V8").tolist()}
    peer["pp"] = [bytes(b) for b in peer["pp"]]
    rows = cms_rows(f"CMS uint64 ×{n:,}", values, n, peer, m, repeat)
    ns = 1_000_000 // scale
    strs = short_strings(ns)
    rows += cms_rows(f"CMS str ×{ns:,}", strs, ns, {"ds": strs, "pp": strs}, ns, repeat)
    rows += heavy_rows(ns, repeat)
    return rows
