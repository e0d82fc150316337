"""compare.py sketch: qsmcore.sketch.HyperLogLog beside datasketches (hll_sketch,
cpc_sketch), datasketch (HyperLogLogPlusPlus, HyperLogLog) and Redis (PFADD).

Every implementation gets the same values at the same precision (2**14
registers, lg_k = 14) and is checked by its estimate: the relative error must be
within 4 standard errors (1.04/sqrt(m)) of the exact distinct count. None of the
peers has a batch update in Python, so their rows are per-item loops, timed on
a prefix of the data (items/s is per item, so the rows stay comparable); Redis
is fed by pipelined PFADD commands of 1,000 elements to a private redis-server.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

import qsmcore
from qsmcore import _core
from qsmcore.sketch import HyperLogLog

from ._data import short_strings, uint64_values
from ._rows import Row
from ._timing import best_of

TITLE = "HyperLogLog: qsmcore.sketch.HyperLogLog vs datasketches, datasketch, Redis"
P = 14
SIGMA = 1.04 / math.sqrt(1 << P)
SETUP = (
    f"all sketches p = lg_k = {P}: qsmcore HyperLogLog(14), datasketches hll_sketch(14, HLL_8) "
    "and cpc_sketch(14), datasketch HyperLogLogPlusPlus(p=14) and HyperLogLog(p=14), Redis; "
    "check: relative error of the estimate vs the exact distinct count, must be within 4σ, "
    f"σ = 1.04/√m = {100 * SIGMA:.2f}%"
)
RECOMPUTE = (
    "estimate() is cached until the next update/merge (as Redis caches PFCOUNT); "
    "'recomputed' times the histogram + Ertl estimator on the registers, i.e. an uncached call"
)

try:
    import datasketches as _ds
except ImportError:  # pragma: no cover - peers extra missing
    _ds = None
try:
    import datasketch as _dsk
except ImportError:  # pragma: no cover
    _dsk = None


def _check(estimate: float, exact: int) -> str:
    err = estimate / exact - 1.0
    text = f"err {100 * err:+.2f}%"
    return text if abs(err) <= 4 * SIGMA else f"MISMATCH: {text} beyond 4σ = {400 * SIGMA:.2f}%"


def _redis() -> Any:
    """A context manager giving a client of a private redis-server, or None."""
    try:
        from tests.redis_server import start_server, unavailable_reason
    except ImportError:
        return None
    return None if unavailable_reason() else start_server()


def _peer_loops(items: list[Any], as_bytes: Callable[[Any], bytes]) -> list[tuple[str, str, Any]]:
    """(label, peer, make-and-fill function) for every installed peer."""
    out: list[tuple[str, str, Any]] = []
    if _ds is not None:

        def ds_hll() -> Any:
            sk = _ds.hll_sketch(P, _ds.tgt_hll_type.HLL_8)
            update = sk.update
            for v in items:
                update(v)
            return sk

        def ds_cpc() -> Any:
            sk = _ds.cpc_sketch(P)
            update = sk.update
            for v in items:
                update(v)
            return sk

        out += [("datasketches hll loop", "ds.hll", ds_hll)]
        out += [("datasketches cpc loop", "ds.cpc", ds_cpc)]
    if _dsk is not None:
        raw = [as_bytes(v) for v in items]

        def dsk(cls: Any) -> Callable[[], Any]:
            def fill() -> Any:
                sk = cls(p=P)
                update = sk.update
                for b in raw:
                    update(b)
                return sk

            return fill

        out += [
            ("datasketch HLL++ loop", "dsk++", dsk(_dsk.HyperLogLogPlusPlus)),
            ("datasketch HLL loop", "dsk", dsk(_dsk.HyperLogLog)),
        ]
    return out


def _estimate_of(sk: Any) -> float:
    return float(sk.get_estimate() if hasattr(sk, "get_estimate") else sk.count())


def _bytes_of(sk: Any) -> int:
    if hasattr(sk, "get_compact_serialization_bytes"):
        return int(sk.get_compact_serialization_bytes())
    if hasattr(sk, "bytesize"):
        return int(sk.bytesize())
    return len(sk.serialize())


def update_rows(case: str, values: Any, peer_items: list[Any], exact: int, peer_exact: int,
                redis_items: list[Any], redis_exact: int, as_bytes: Callable[[Any], bytes],
                repeat: int) -> tuple[list[Row], list[Row]]:  # fmt: skip
    """Update throughput rows, plus estimate-time rows for the final sketches."""
    n = len(values)
    threads = qsmcore.backends()["cpu"]["threads"]
    rows: list[Row] = []
    sketches: list[tuple[str, str | None, Any]] = []

    def ours(hash: str = "qsm", threads: int | None = None) -> Callable[[], HyperLogLog]:
        def fill() -> HyperLogLog:
            h = HyperLogLog(P, hash=hash)
            h.update(values, threads=threads)
            return h

        return fill

    for label, fill in [
        (f"qsmcore, {threads} threads", ours()),
        ("qsmcore, threads=1", ours(threads=1)),
        (f"qsmcore hash='redis', {threads} thr.", ours(hash="redis")),
    ]:
        t, h = best_of(fill, repeat)
        rows.append(Row(case, label, None, n, n, t, _check(h.estimate(), exact), [SETUP]))
        if "threads=1" not in label:
            sketches.append((label.rsplit(",", 1)[0], None, h))
    for label, peer, fill in _peer_loops(peer_items, as_bytes):
        t, sk = best_of(fill, repeat)
        note = f"{peer}: a Python loop of update() calls, timed on {len(peer_items):,} items"
        chk = _check(_estimate_of(sk), peer_exact)
        rows.append(Row(case, label, peer, n, len(peer_items), t, chk, [note]))
        sketches.append((label.replace(" loop", " estimate"), peer, sk))
    ctx = _redis()
    if ctx is not None:
        with ctx as client:

            def pfadd() -> int:
                client.delete("bench")
                pipe = client.pipeline(transaction=False)
                for i in range(0, len(redis_items), 1000):
                    pipe.pfadd("bench", *redis_items[i : i + 1000])
                pipe.execute()
                return int(client.pfcount("bench"))

            t, count = best_of(pfadd, repeat)
            theirs = HyperLogLog.from_redis(client.get("bench"))
            ref = HyperLogLog(P, hash="redis")
            ref.update(redis_items)
            same = theirs == ref
            chk = _check(count, redis_exact)
            chk = chk if same else f"MISMATCH: registers differ from hash='redis' ({chk})"
            if same:
                chk += ", registers = ours"
            m = len(redis_items)
            note = (
                f"Redis: pipelined PFADD (1,000 per command) to a local redis-server, {m:,} items"
            )
            rows.append(Row(case, "Redis PFADD pipelined", "Redis", n, m, t, chk, [note]))
            size = int(client.strlen("bench"))
            # PFCOUNT of several keys never uses the cached cardinality: it merges
            # (here: "bench" and a missing key) and recounts. Minus a PING round trip.
            t_cnt, _ = best_of(lambda: client.pfcount("bench", "no-such-key"), 5 * repeat)
            t_ping, _ = best_of(client.ping, 5 * repeat)
            est_redis = (max(t_cnt - t_ping, 1e-9), size, count)
    else:
        est_redis = None
    est_rows: list[Row] = []
    ecase = f"estimate(), {case.split(' ')[0]} case"
    for label, peer, sk in sketches:
        if peer is None:
            regs = sk.registers
            t, est = best_of(lambda regs=regs: _core.hll_estimate(regs, P), repeat)
            size, exact_n = sk.nbytes, exact
            chk = f"{size:,} B, {_check(est, exact_n)}"
            est_rows.append(Row(ecase, f"{label} recomputed", None, 1, 1, t, chk, [RECOMPUTE]))
            t, est = best_of(sk.estimate, repeat)
            label = f"{label} cached"
        else:
            t, est = best_of(lambda sk=sk: _estimate_of(sk), repeat)
            size, exact_n = _bytes_of(sk), peer_exact
        est_rows.append(Row(ecase, label, peer, 1, 1, t, f"{size:,} B, {_check(est, exact_n)}"))
    if est_redis is not None:
        t, size, count = est_redis
        note = (
            "Redis PFCOUNT: uncached (two-key PFCOUNT) round trip minus a PING round trip; "
            "bytes = STRLEN of the dense string"
        )
        chk = f"{size:,} B, {_check(count, redis_exact)}"
        est_rows.append(Row(ecase, "Redis PFCOUNT", "Redis", 1, 1, t, chk, [note]))
    return rows, est_rows


def run(scale: int, repeat: int) -> list[Row]:
    """10M uint64 and 1M short str (÷ ``scale``); the per-item peer loops on the first 1/10."""
    n_int, n_str = 10_000_000 // scale, 1_000_000 // scale
    values = uint64_values(n_int)
    exact = int(np.unique(values).size)
    ints = values[: n_int // 10]
    int_items = ints.tolist()
    rows_a, est_a = update_rows(
        f"uint64 ×{n_int:,}", values, int_items, exact, int(np.unique(ints).size),
        int_items, int(np.unique(ints).size), lambda v: v.to_bytes(8, "little"), repeat,
    )  # fmt: skip
    strs = short_strings(n_str)
    rows_b, est_b = update_rows(
        f"str ×{n_str:,} (5–16 chars)", strs, strs[: n_str // 10], n_str, n_str // 10,
        strs, n_str, lambda s: s.encode(), repeat,
    )  # fmt: skip
    return rows_a + rows_b + est_a + est_b
