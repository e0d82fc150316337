"""compare.py hash: qsmcore.hash64 beside the xxhash package (and NumPy) on the same data."""

from __future__ import annotations

import numpy as np

import qsmcore

from . import _peers
from ._data import short_strings, uint64_values
from ._rows import Row
from ._timing import best_of

NO_XXHASH = "xxhash is not installed (pip install '.[peers]'): xxhash rows skipped, unverified"


def _same(a: np.ndarray, b: np.ndarray | None, what: str) -> str:
    if b is None:
        return "unverified (no xxhash)"
    return f"= {what}" if np.array_equal(a[: b.size], b) else f"MISMATCH vs {what}"


def uint64_rows(n: int, repeat: int) -> list[Row]:
    """10M (or ``n``) uint64: hash64 on all threads and on 1, the xxhash loop, NumPy splitmix64."""
    case = f"uint64 ×{n:,}"
    values = uint64_values(n)
    threads = qsmcore.backends()["cpu"]["threads"]
    t_all, h_all = best_of(lambda: qsmcore.hash64(values), repeat)
    t_one, h_one = best_of(lambda: qsmcore.hash64(values, threads=1), repeat)
    peers: list[Row] = []
    ref = None
    if _peers.xxhash is not None:
        m = max(1, n // 10)
        t_xx, ref = best_of(lambda: _peers.xxhash_uint64(values[:m]), repeat)
        note = f"xxhash loop timed on the first {m:,} of {n:,} values (items/s is per item)"
        label = "xxhash.xxh3_64_intdigest loop"
        peers.append(Row(case, label, "xxhash", n, m, t_xx, "(reference)", [note]))
    t_sm, h_sm = best_of(lambda: _peers.splitmix64(values), repeat)
    ok = h_sm[:1000].tolist() == [_peers.splitmix64_scalar(v) for v in values[:1000].tolist()]
    check = "= Python splitmix64 on 1,000" if ok else "MISMATCH vs Python splitmix64"
    note = "NumPy splitmix64 is a different (weaker) hash in vectorized NumPy: for scale only"
    label = "NumPy splitmix64 (different hash, for scale)"
    peers.append(Row(case, label, "splitmix64", n, n, t_sm, check, [note]))
    check_all = _same(h_all, ref, f"xxhash on {0 if ref is None else ref.size:,}")
    check_one = check_all if np.array_equal(h_all, h_one) else "DIFFERS from all-threads result"
    return [
        Row(case, f"qsmcore.hash64, {threads} threads", None, n, n, t_all, check_all),
        Row(case, "qsmcore.hash64, threads=1", None, n, n, t_one, check_one),
        *peers,
    ]


def string_rows(n: int, repeat: int) -> list[Row]:
    """1M (or ``n``) short str: hash64 of the list and of a U array, and the xxhash loop."""
    case = f"str ×{n:,} (5–16 chars)"
    strs = short_strings(n)
    arr = np.array(strs)
    threads = qsmcore.backends()["cpu"]["threads"]
    t_list, h_list = best_of(lambda: qsmcore.hash64(strs), repeat)
    t_arr, h_arr = best_of(lambda: qsmcore.hash64(arr), repeat)
    t_arr1, h_arr1 = best_of(lambda: qsmcore.hash64(arr, threads=1), repeat)
    t_conv, h_conv = best_of(lambda: qsmcore.hash64(np.array(strs)), repeat)
    ref = None
    peer: list[Row] = []
    if _peers.xxhash is not None:
        t_xx, ref = best_of(lambda: _peers.xxhash_strings(strs), repeat)
        peer.append(Row(case, "xxhash.xxh3_64_intdigest loop", "xxhash", n, n, t_xx, "(reference)"))
    what = f"xxhash on {n:,}"
    note = f"U array: np.array(strs) of dtype {arr.dtype}, built outside the timing"
    return [
        Row(case, "qsmcore.hash64(list[str])", None, n, n, t_list, _same(h_list, ref, what)),
        Row(case, f"qsmcore.hash64(U array), {threads} threads", None, n, n, t_arr,
            _same(h_arr, ref, what), [note]),
        Row(case, "qsmcore.hash64(U array), threads=1", None, n, n, t_arr1,
            _same(h_arr1, ref, what)),
        Row(case, "qsmcore.hash64(np.array(list[str]))", None, n, n, t_conv,
            _same(h_conv, ref, what)),
        *peer,
    ]  # fmt: skip


def run(scale: int, repeat: int) -> list[Row]:
    """Both hash cases at 1/``scale`` of full size (10M uint64, 1M str)."""
    return uint64_rows(10_000_000 // scale, repeat) + string_rows(1_000_000 // scale, repeat)
