"""compare.py sketch: qsmcore.sketch.MinHash / MinHashLSH beside datasketch.

Same items for both (datasketch takes bytes: each uint64 as its 8 little-endian
bytes, each str UTF-8 encoded; those lists are built outside the timing). Every
update row checks the Jaccard estimate of A = items[:n] against
B = items[n/2 : 3n/2] (true J = 1/3) within 4 standard errors sqrt(J(1-J)/k);
LSH rows report the recall of near-duplicates beside the S-curve's prediction.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import qsmcore
from qsmcore.sketch import MinHash, MinHashLSH

from ._data import short_strings, uint64_values
from ._rows import Row
from ._timing import best_of

TITLE = "MinHash / MinHashLSH: qsmcore vs datasketch (num_perm = 128)"
K = 128
J_TRUE = 1 / 3

try:
    import datasketch
except ImportError:  # the `peers` extra is optional
    datasketch = None


def _jcheck(estimate: float) -> str:
    se = math.sqrt(J_TRUE * (1 - J_TRUE) / K)
    verdict = "J" if abs(estimate - J_TRUE) <= 4 * se else "MISMATCH: J"
    return f"{verdict} {estimate:.3f} (true {J_TRUE:.3f} ± 4·SE {4 * se:.3f})"


def _u64_bytes(a: np.ndarray) -> list[bytes]:
    return [x.to_bytes(8, "little") for x in a.tolist()]


def _update_rows(case: str, items: Any, encode: Any, n: int, m: int, repeat: int) -> list[Row]:
    """Sketch items[:n]; B = items[n//2 : n + n//2]; datasketch on the first m of n."""
    threads = qsmcore.backends()["cpu"]["threads"]
    a, b = items[:n], items[n // 2 : n + n // 2]
    rows = []
    for nthreads, label in [(None, f"{threads} threads"), (1, "threads=1")]:

        def sketch(values: Any = a, t: int | None = nthreads) -> MinHash:
            mh = MinHash(K)
            mh.update(values, threads=t)
            return mh

        t_upd, ma = best_of(sketch, repeat)
        check = _jcheck(ma.jaccard(sketch(b)))
        rows.append(Row(case, f"qsmcore MinHash.update, {label}", None, n, n, t_upd, check))
    if datasketch is not None:
        da, db = encode(items[:m]), encode(items[m // 2 : m + m // 2])

        def ds(values: list[bytes] = da) -> Any:
            mh = datasketch.MinHash(num_perm=K)
            mh.update_batch(values)
            return mh

        t_ds, ma = best_of(ds, repeat)
        note = f"timed on the first {m:,} of {n:,} items" if m < n else ""
        rows.append(
            Row(case, "datasketch MinHash.update_batch", "datasketch", n, m, t_ds,
                _jcheck(ma.jaccard(ds(db))), [note] if note else [])
        )  # fmt: skip
    return rows


def _jaccard_rows(repeat: int) -> list[Row]:
    pairs = 10_000
    case = f"jaccard ×{pairs:,} calls"
    tokens = uint64_values(1500)
    qa, qb = MinHash(K), MinHash(K)
    qa.update(tokens[:1000])
    qb.update(tokens[500:])
    t_q, est = best_of(lambda: [qa.jaccard(qb) for _ in range(pairs)][-1], repeat)
    rows = [Row(case, "qsmcore MinHash.jaccard", None, pairs, pairs, t_q, _jcheck(est))]
    if datasketch is not None:
        da, db = datasketch.MinHash(num_perm=K), datasketch.MinHash(num_perm=K)
        da.update_batch(_u64_bytes(tokens[:1000]))
        db.update_batch(_u64_bytes(tokens[500:]))
        t_d, est = best_of(lambda: [da.jaccard(db) for _ in range(pairs)][-1], repeat)
        rows.append(Row(case, "datasketch MinHash.jaccard", "datasketch", pairs, pairs, t_d,
                        _jcheck(est)))  # fmt: skip
    return rows


def _lsh_rows(docs: int, repeat: int) -> list[Row]:
    """``docs`` sets of 100 random tokens; queries are near-duplicates (5 tokens
    replaced: J = 95/105)."""
    rng = np.random.default_rng(7)
    tokens = rng.permutation(uint64_values(docs * 110))
    bases = tokens[: docs * 100].reshape(docs, 100)
    fresh = tokens[docs * 100 :].reshape(docs, 10)
    near = np.concatenate([bases[:, 5:], fresh[:, :5]], axis=1)
    j = 95 / 105
    build = f"MinHash of {docs:,} sets ×100 tokens"
    t_build, q_base = best_of(lambda: [_mh(x) for x in bases], repeat)
    q_near = [_mh(x) for x in near]
    keys = list(range(docs))

    def q_insert() -> MinHashLSH:
        lsh = MinHashLSH(0.8, K)
        for key, mh in zip(keys, q_base, strict=True):
            lsh.insert(key, mh)
        return lsh

    t_ins, lsh = best_of(q_insert, repeat)
    t_qry, found = best_of(lambda: [lsh.query(mh) for mh in q_near], repeat)
    recall = sum(i in f for i, f in enumerate(found)) / docs
    expect = float(lsh.candidate_probability(j))
    lsh_check = f"recall {recall:.3f} (S-curve {expect:.3f}, b={lsh.bands}, r={lsh.rows})"
    if abs(recall - expect) > 4 * math.sqrt(expect * (1 - expect) / docs) + 0.01:
        lsh_check = "MISMATCH: " + lsh_check
    ins, qry = f"LSH insert {docs:,}", f"LSH query {docs:,} near-duplicates"
    rows = [
        Row(build, "qsmcore MinHash().update per set", None, docs, docs, t_build, "(input)"),
        Row(ins, "qsmcore MinHashLSH.insert", None, docs, docs, t_ins, lsh_check),
        Row(qry, "qsmcore MinHashLSH.query", None, docs, docs, t_qry, lsh_check),
    ]
    if datasketch is not None:
        enc_base = [_u64_bytes(x) for x in bases]
        enc_near = [_u64_bytes(x) for x in near]
        t_db, d_base = best_of(lambda: datasketch.MinHash.bulk(enc_base, num_perm=K), repeat)
        d_near = datasketch.MinHash.bulk(enc_near, num_perm=K)

        def d_insert() -> Any:
            lsh = datasketch.MinHashLSH(threshold=0.8, num_perm=K)
            for key, mh in zip(keys, d_base, strict=True):
                lsh.insert(key, mh)
            return lsh

        t_di, dl = best_of(d_insert, repeat)
        t_dq, found = best_of(lambda: [dl.query(mh) for mh in d_near], repeat)
        d_recall = sum(i in f for i, f in enumerate(found)) / docs
        d_check = f"recall {d_recall:.3f} (b={dl.b}, r={dl.r})"
        rows += [
            Row(build, "datasketch MinHash.bulk", "datasketch", docs, docs, t_db, "(input)"),
            Row(ins, "datasketch MinHashLSH.insert", "datasketch", docs, docs, t_di, d_check),
            Row(qry, "datasketch MinHashLSH.query", "datasketch", docs, docs, t_dq, d_check),
        ]
    order = [build, ins, qry]
    return sorted(rows, key=lambda r: order.index(r.case))  # each case's rows together


def _mh(values: np.ndarray) -> MinHash:
    mh = MinHash(K)
    mh.update(values)
    return mh


def run(scale: int, repeat: int) -> list[Row]:
    """1M uint64 tokens, 10k str, 10k jaccard calls, LSH over 5k sets (1/``scale``)."""
    n = 1_000_000 // scale
    rows = _update_rows(
        f"update uint64 ×{n:,}", uint64_values(n + n // 2), _u64_bytes, n, min(n, 100_000), repeat
    )
    n = max(100, 10_000 // scale)
    strs = short_strings(n + n // 2)
    rows += _update_rows(
        f"update str ×{n:,}", strs, lambda s: [x.encode() for x in s], n, n, repeat
    )
    rows += _jaccard_rows(repeat)
    rows += _lsh_rows(max(200, 5_000 // scale), repeat)
    return rows
