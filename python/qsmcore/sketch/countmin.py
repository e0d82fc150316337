"""Frequency sketches: Count-Min, Space-Saving heavy hitters, Count-Min top-k.

``CountMinSketch`` (Cormode & Muthukrishnan 2005) answers "how often did key x
occur?" with an estimate f̂(x) that never under-counts, f̂(x) ≥ f(x), and with
probability at least 1 − δ over-counts by at most εN (N: the sum of all counts),
using w = ⌈e/ε⌉ columns and d = ⌈ln(1/δ)⌉ rows of uint64 counters.

``HeavyHitters`` (Space-Saving, Metwally, Agrawal & El Abbadi 2005) keeps k
monitored keys with (count, error) such that the true frequency lies in
[count − error, count], and every key with f(x) > N/k is monitored.

``CountMinTopK`` pairs a Count-Min sketch with the k keys of largest estimate.

Keys are anything ``qsmcore.hash64`` accepts (integer/float/bool NumPy arrays,
NumPy ``S``/``U`` arrays, sequences of str or bytes, or a single scalar); every
sketch works on the 64-bit XXH3 hash of each key, seeded with ``seed``. Two keys
whose 64-bit hashes collide are counted as one (probability about n²/2⁶⁵ for n
distinct keys: below 3·10⁻⁸ for a billion keys).

Row hashing and determinism
---------------------------
Row r maps the key hash h to a column with Dietzfelbinger's multiply-add-shift
on h's two 32-bit halves, ((a₀·lo + a₁·hi + b) mod 2⁶⁴) >> 32, with (a₀, a₁, b)
drawn per row from splitmix64(seed): a strongly universal (pairwise independent)
family, drawn independently per row, as the ε/δ proof requires (see
``cpp/include/qsm/sketch/countmin.hpp``). Counters are exact integer sums, so a
plain update gives identical counters on any thread count and on the GPU.
Conservative updates (Estan & Varghese 2002) and Space-Saving are sequential in
key order, hence deterministic by construction.

Stored format (``to_bytes``; envelope in ``qsmcore.sketch._format``)
---------------------------------------------------------------------
All integers little-endian.

``b"CMS "`` version 1. Header (28 bytes): width uint32, depth uint32, seed
uint64, total N uint64, conservative uint8, 3 zero bytes. Payload: the
depth × width uint64 counters, row-major (row 0 first).

``b"SPSV"`` version 1. Header (24 bytes): k uint32, n uint32 (monitored keys,
n ≤ k), seed uint64, total N uint64. Payload: n × (hash, count, error) uint64
triples, then the n original keys (see *key records*).

``b"CMTK"`` version 1. Header (16 bytes): k uint32, n uint32 (candidates,
n ≤ k), length L of the embedded sketch uint64. Payload: the complete
``b"CMS "`` bytes (L bytes), then n candidate hashes uint64, then the n original
keys (key records).

Key records, one per key: a tag uint8, then 0: int in [0, 2⁶⁴) as uint64;
1: negative int as int64; 2: float as float64; 3: str as uint32 length + UTF-8;
4: bytes as uint32 length + bytes; 5: bool as uint8. A reader checks that each
key hashes to its stored hash.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Sequence
from typing import Any, Self

import numpy as np

from qsmcore import _backend, _core
from qsmcore.hashing import hash64
from qsmcore.sketch import _format
from qsmcore.sketch._base import Sketch, locked
from qsmcore.sketch._keys import Key, decode_keys, encode_keys
from qsmcore.sketch._validate import check_int, check_prob, check_seed

__all__ = ["CountMinSketch", "CountMinTopK", "HeavyHitters"]

_U64 = 1 << 64
MAX_WIDTH = 1 << 28  # keeps the column map's non-uniformity below width / 2**32 = 1/16
MAX_DEPTH = 64  # δ = e**-64 ≈ 1.6e-28: more rows buy nothing
MAX_CELLS = 1 << 29  # 4 GiB of counters
MAX_K = 1 << 24


# ----------------------------------------------------------------------------- helpers


def _hash_keys(keys: Any, seed: int, threads: int | None, backend: str) -> np.ndarray:
    """The 1-D uint64 hashes of ``keys`` (a scalar counts as one key)."""
    try:
        if isinstance(keys, np.ndarray | Sequence) and not isinstance(
            keys, str | bytes | bytearray
        ):
            hashes = hash64(keys, seed, threads=threads, backend=backend)
        else:
            hashes = np.array([hash64(keys, seed)], dtype=np.uint64)
    except (TypeError, ValueError) as exc:  # hash64 names its argument "values"
        raise type(exc)(f"keys: {exc}") from None
    return np.ascontiguousarray(np.asarray(hashes, dtype=np.uint64).ravel())


def _exact_sum(c: np.ndarray) -> int:
    """The exact sum of a uint64 array as a Python int (no wrap-around)."""
    if c.size == 0:
        return 0
    top = int(c.max())
    if top * c.size < _U64:
        return int(c.sum(dtype=np.uint64))
    total = 0
    for start in range(0, c.size, 1 << 31):  # halves of < 2**32 items cannot wrap
        part = c[start : start + (1 << 31)]
        lo = int((part & np.uint64(0xFFFFFFFF)).sum(dtype=np.uint64))
        hi = int((part >> np.uint64(32)).sum(dtype=np.uint64))
        total += (hi << 32) + lo
    return total


def _check_counts(counts: Any, n: int, total: int) -> tuple[np.ndarray | None, int]:
    """Validate ``counts`` for ``n`` keys; return (uint64 array or None, batch sum)."""
    if counts is None:
        if total + n >= _U64:
            raise ValueError("counts: the total N would exceed 2**64 - 1")
        return None, n
    arr = np.asarray(counts)
    if arr.size == 0 and n == 0:
        return np.zeros(0, dtype=np.uint64), 0
    if arr.dtype.kind not in "iu":
        raise TypeError(f"counts must be an array of non-negative integers, got dtype {arr.dtype}")
    if arr.size != n:
        raise ValueError(f"counts must have one entry per key ({n}), got {arr.size}")
    if arr.dtype.kind == "i" and arr.size and int(arr.min()) < 0:
        raise ValueError(f"counts must be non-negative, got {int(arr.min())}")
    arr = np.ascontiguousarray(arr.ravel(), dtype=np.uint64)
    batch = _exact_sum(arr)
    if total + batch >= _U64:
        raise ValueError("counts: the total N would exceed 2**64 - 1")
    return arr, batch


def _originals(keys: Any, index: np.ndarray) -> list[Key]:
    """The user's keys at batch positions ``index`` (as hashable Python values)."""
    if index.size == 0:
        return []
    if isinstance(keys, np.ndarray):
        flat = keys.ravel()
        out = flat[index].tolist()
    elif isinstance(keys, Sequence) and not isinstance(keys, str | bytes | bytearray):
        if len(keys) and isinstance(keys[0], str | bytes | bytearray | memoryview):
            out = [keys[i] for i in index.tolist()]
        else:
            out = np.asarray(keys).ravel()[index].tolist()
    else:
        out = [keys]
    return [bytes(k) if isinstance(k, bytearray | memoryview) else k for k in out]


def _check_key_hashes(keys: list[Key], hashes: list[int], seed: int, name: str) -> None:
    for key, h in zip(keys, hashes, strict=True):
        if hash64(key, seed) != h:
            raise ValueError(f"{name}: a stored key does not hash to its stored hash")


def _fmt_int(x: int) -> str:
    return f"{x:,}"


# ----------------------------------------------------------------------------- Count-Min


class CountMinSketch(Sketch):
    """Count-Min sketch: frequency estimates that never under-count.

    Build it from the error target, ``CountMinSketch(epsilon, delta)``, giving
    width w = ⌈e/ε⌉ and depth d = ⌈ln(1/δ)⌉, or from the shape,
    ``CountMinSketch(width=w, depth=d)`` (then ε = e/w and δ = e^(−d)).

    Guarantee (Cormode & Muthukrishnan 2005): for every key x, f̂(x) ≥ f(x), and
    P[f̂(x) > f(x) + εN] ≤ δ, where N = ``total`` is the sum of all counts.

    Parameters
    ----------
    epsilon
        ε in (0, 1): relative over-count bound (in units of N).
    delta
        δ in (0, 1): probability that a key's over-count exceeds εN.
    width
        w, counters per row, an int in [1, 2**28].
    depth
        d, rows, an int in [1, 64].
    conservative
        Conservative update (Estan & Varghese 2002): raise a key's counters only
        to min + count. Estimates are never larger than plain ones on the same
        stream and never under-count; updates run sequentially in key order
        (CPU only). Merging conservative sketches (elementwise sums) is allowed,
        but the merged sketch only carries the plain Count-Min guarantee.
    seed
        Seeds the key hash and the row hashes, an int in [0, 2**64). Only
        sketches with equal seed and shape merge.

    Notes
    -----
    Counters are uint64; ``update`` refuses a batch that would make N reach
    2**64, so no counter can overflow. Row hashing: see the module docstring.
    """

    KIND = b"CMS "
    VERSION = 1
    _HEADER = struct.Struct("<IIQQB3x")

    def __init__(
        self,
        epsilon: float | None = None,
        delta: float | None = None,
        *,
        width: int | None = None,
        depth: int | None = None,
        conservative: bool = False,
        seed: int = 0,
    ) -> None:
        super().__init__()
        width, depth = _shape(epsilon, delta, width, depth)
        if not isinstance(conservative, bool | np.bool_):
            raise TypeError(f"conservative must be a bool, got {conservative!r}")
        self._seed = check_seed(seed)
        self._conservative = bool(conservative)
        self._table = np.zeros((depth, width), dtype=np.uint64)
        self._total = 0

    # -- parameters
    @property
    def width(self) -> int:
        """w, counters per row."""
        return self._table.shape[1]

    @property
    def depth(self) -> int:
        """d, rows (independent hash functions)."""
        return self._table.shape[0]

    @property
    def epsilon(self) -> float:
        """ε = e/w: the over-count bound is εN."""
        return math.e / self.width

    @property
    def delta(self) -> float:
        """δ = e^(−d): probability that one key's over-count exceeds εN."""
        return math.exp(-self.depth)

    @property
    def conservative(self) -> bool:
        return self._conservative

    @property
    def seed(self) -> int:
        return self._seed

    @property
    def total(self) -> int:
        """N, the sum of all counts added (merges included)."""
        return self._total

    @property
    def error_bound(self) -> float:
        """εN: with probability ≥ 1 − δ a key's estimate exceeds its count by at most this."""
        return self.epsilon * self._total

    @property
    def nbytes(self) -> int:
        """Memory of the counters, in bytes."""
        return self._table.nbytes

    @property
    def table(self) -> np.ndarray:
        """A read-only copy of the d × w counter table."""
        out = self._table.copy()
        out.flags.writeable = False
        return out

    # -- updates and queries
    @locked
    def update(
        self,
        keys: Any,
        counts: Any = None,
        *,
        threads: int | None = None,
        backend: str = "auto",
    ) -> None:
        """Add ``counts`` (default 1 each) for ``keys``.

        Parameters
        ----------
        keys
            Anything ``qsmcore.hash64`` accepts; a scalar is one key.
        counts
            Non-negative integers, one per key (default: 1 each).
        threads
            CPU threads for hashing and the plain update (None: all); the
            counters never depend on it.
        backend
            ``"auto"``, ``"cpu"`` or ``"cuda"`` (plain updates only); the
            counters are identical on both.
        """
        nthreads = _backend.check_threads(threads)
        name, module = _backend.resolve(backend, _len_hint(keys))
        if self._conservative and backend == "cuda":
            raise ValueError('backend: conservative updates run on the CPU only; use "cpu"')
        if self._conservative:
            name, module = "cpu", _core
        hashes = _hash_keys(keys, self._seed, threads, "cuda" if name == "cuda" else "cpu")
        self._update_hashes(hashes, counts, nthreads, name, module)

    def _update_hashes(
        self, hashes: np.ndarray, counts: Any, nthreads: int, name: str, module: Any
    ) -> None:
        arr, batch = _check_counts(counts, hashes.size, self._total)
        if name == "cuda":
            module.cms_update(self._table, self._seed, hashes, arr)
        else:
            _core.cms_update(self._table, self._seed, hashes, arr, self._conservative, nthreads)
        self._total += batch

    @locked
    def query(self, keys: Any, *, threads: int | None = None) -> np.ndarray | int:
        """Estimates f̂(x) = min over rows of the key's counters (uint64 array; int for a scalar)."""
        nthreads = _backend.check_threads(threads)
        hashes = _hash_keys(keys, self._seed, threads, "cpu")
        est = self._query_hashes(hashes, nthreads)
        if not isinstance(keys, np.ndarray | Sequence) or isinstance(keys, str | bytes | bytearray):
            return int(est[0])
        return est

    def _query_hashes(self, hashes: np.ndarray, nthreads: int = 0) -> np.ndarray:
        return _core.cms_query(self._table, self._seed, hashes, nthreads)

    # -- merge and storage
    def _check_compatible(self, other: Any) -> None:
        if not isinstance(other, CountMinSketch):
            raise TypeError(f"other must be a CountMinSketch, got {type(other).__name__}")
        if (other.width, other.depth, other.seed) != (self.width, self.depth, self._seed):
            raise ValueError(
                "other: can only merge sketches of equal width, depth and seed, got "
                f"(width={other.width}, depth={other.depth}, seed={other.seed}) into "
                f"(width={self.width}, depth={self.depth}, seed={self._seed})"
            )

    @locked
    def _snapshot(self) -> tuple[np.ndarray, int]:
        return self._table.copy(), self._total

    def merge(self, other: CountMinSketch) -> Self:
        """Add ``other``'s counters to this sketch (elementwise sum); returns ``self``.

        The result equals one sketch fed both streams (plain sketches). A
        conservative sketch merges too, with the plain Count-Min guarantee.
        """
        self._check_compatible(other)
        table, total = other._snapshot()  # copy first: never hold two locks at once
        with self._lock:
            if self._total + total >= _U64:
                raise ValueError("other: the merged total N would exceed 2**64 - 1")
            _core.cms_merge(self._table, table, 0)
            self._total += total
        return self

    @locked
    def to_bytes(self) -> bytes:
        header = self._HEADER.pack(
            self.width, self.depth, self._seed, self._total, int(self._conservative)
        )
        return _format.pack(self.KIND, self.VERSION, header, self._table.astype("<u8").tobytes())

    @classmethod
    def from_bytes(cls, data: bytes | bytearray | memoryview) -> Self:
        _, header, payload = _format.unpack(data, cls.KIND, (cls.VERSION,))
        if len(header) != cls._HEADER.size:
            raise ValueError(f"CMS: header is {len(header)} bytes, expected {cls._HEADER.size}")
        if header[-3:] != b"\0\0\0":
            raise ValueError("CMS: reserved header bytes are not zero")
        width, depth, seed, total, conservative = cls._HEADER.unpack(header)
        if not 1 <= width <= MAX_WIDTH or not 1 <= depth <= MAX_DEPTH:
            raise ValueError(f"CMS: bad shape width={width}, depth={depth}")
        if width * depth > MAX_CELLS:
            raise ValueError(f"CMS: {width * depth} counters exceed the limit {MAX_CELLS}")
        if conservative > 1:
            raise ValueError(f"CMS: conservative flag is {conservative}, expected 0 or 1")
        if payload.nbytes != 8 * width * depth:
            raise ValueError(
                f"CMS: payload is {payload.nbytes} bytes, expected {8 * width * depth}"
            )
        table = np.frombuffer(payload, dtype="<u8").astype(np.uint64).reshape(depth, width)
        for row in table:  # each row of a plain sketch sums to N, of a conservative one to <= N
            s = _exact_sum(row)
            if s > total:
                raise ValueError(f"CMS: a row sums to {s} > total {total}")
        self = cls(width=width, depth=depth, conservative=bool(conservative), seed=seed)
        self._table = np.ascontiguousarray(table)
        self._total = total
        return self

    def __repr__(self) -> str:
        return (
            f"CountMinSketch(width={self.width}, depth={self.depth}, ε={self.epsilon:.3g}, "
            f"δ={self.delta:.3g}, conservative={self._conservative}, seed={self._seed}, "
            f"N={_fmt_int(self._total)}, εN={self.error_bound:.4g}, "
            f"bytes={_fmt_int(self.nbytes)})"
        )


def _shape(
    epsilon: float | None, delta: float | None, width: int | None, depth: int | None
) -> tuple[int, int]:
    by_error = epsilon is not None or delta is not None
    by_shape = width is not None or depth is not None
    if by_error == by_shape:
        raise TypeError(
            "give exactly one of (epsilon, delta) or (width, depth), got "
            f"epsilon={epsilon!r}, delta={delta!r}, width={width!r}, depth={depth!r}"
        )
    if by_error:
        if epsilon is None or delta is None:
            raise TypeError(
                f"give both epsilon and delta, got epsilon={epsilon!r}, delta={delta!r}"
            )
        eps = check_prob("epsilon", epsilon)
        dlt = check_prob("delta", delta)
        width = math.ceil(math.e / eps)
        depth = math.ceil(math.log(1.0 / dlt))
        if width > MAX_WIDTH:
            raise ValueError(
                f"epsilon={eps} needs width {width} > {MAX_WIDTH}; use a larger epsilon"
            )
        if depth > MAX_DEPTH:
            raise ValueError(f"delta={dlt} needs depth {depth} > {MAX_DEPTH}; use a larger delta")
        depth = max(depth, 1)
    else:
        if width is None or depth is None:
            raise TypeError(f"give both width and depth, got width={width!r}, depth={depth!r}")
        width = check_int("width", width, 1, MAX_WIDTH)
        depth = check_int("depth", depth, 1, MAX_DEPTH)
    if width * depth > MAX_CELLS:
        raise ValueError(
            f"width × depth = {width * depth} counters exceeds the limit {MAX_CELLS} (4 GiB)"
        )
    return width, depth


def _len_hint(keys: Any) -> int:
    """Number of keys, for the auto backend's size threshold."""
    if isinstance(keys, np.ndarray):
        return int(keys.size)
    try:
        return len(keys)
    except TypeError:
        return 1


# ----------------------------------------------------------------------------- Space-Saving


class HeavyHitters(Sketch):
    """Space-Saving heavy hitters (Metwally, Agrawal & El Abbadi 2005).

    Keeps k monitored keys with a count and an error. For stream length N (sum
    of counts) and m = ``min_count`` (≤ N/k):

    - every monitored key's true frequency f lies in [count − error, count];
    - every key that is not monitored has f ≤ m ≤ N/k, so every key with
      f > N/k is monitored (``top()`` lists it).

    ``merge`` follows Agarwal et al. (2012, mergeable summaries): counts and
    errors add (a key missing from one side takes that side's m for both),
    then the k largest counts are kept; the guarantees above hold for the
    merged stream. Updates are sequential by nature (each key reads the
    minimum the previous ones left): a C++ loop with an O(log k) heap and a
    hash index; only the hashing uses ``threads``.

    Parameters
    ----------
    k
        Number of monitored keys (counters), an int in [1, 2**24].
    seed
        Seed of the key hash, an int in [0, 2**64).
    """

    KIND = b"SPSV"
    VERSION = 1
    _HEADER = struct.Struct("<IIQQ")

    def __init__(self, k: int, *, seed: int = 0) -> None:
        super().__init__()
        self._k = check_int("k", k, 1, MAX_K)
        self._seed = check_seed(seed)
        self._ss = _core.SpaceSaving(self._k)
        self._keys: dict[int, Key] = {}
        self._total = 0

    @property
    def k(self) -> int:
        return self._k

    @property
    def seed(self) -> int:
        return self._seed

    @property
    def total(self) -> int:
        """N, the sum of all counts added (merges included)."""
        return self._total

    @property
    def min_count(self) -> int:
        """m: no unmonitored key occurred more than m times (0 until k keys are monitored)."""
        return int(self._ss.min_count)

    @property
    def error_bound(self) -> float:
        """N/k: no count exceeds the true frequency by more than this."""
        return self._total / self._k

    def __len__(self) -> int:
        return int(self._ss.size)

    @locked
    def update(self, keys: Any, counts: Any = None, *, threads: int | None = None) -> None:
        """Add ``counts`` (default 1 each) for ``keys``, in order.

        Parameters
        ----------
        keys
            Anything ``qsmcore.hash64`` accepts; a scalar is one key.
        counts
            Non-negative integers, one per key (default: 1 each).
        threads
            Threads for hashing only (the Space-Saving loop is sequential).
        """
        _backend.check_threads(threads)
        hashes = _hash_keys(keys, self._seed, threads, "cpu")
        arr, batch = _check_counts(counts, hashes.size, self._total)
        self._ss.update(hashes, arr)
        self._total += batch
        h, _, _, origin = self._ss.state()
        new = np.flatnonzero(origin >= 0)
        fresh = dict(zip(h[new].tolist(), _originals(keys, origin[new]), strict=True))
        old = self._keys
        self._keys = {x: fresh[x] if x in fresh else old[x] for x in h.tolist()}

    @locked
    def top(self, n: int | None = None) -> list[tuple[Key, int, int]]:
        """The monitored keys as ``(key, count, error)``, largest count first.

        The true frequency of each lies in [count − error, count]. ``n`` limits
        the list (None: all monitored keys).
        """
        if n is not None:
            n = check_int("n", n, 0, MAX_K)
        h, c, e, _ = self._ss.state()
        order = np.lexsort((h, ~c))  # ~c reverses uint64 order exactly: count desc, hash asc
        if n is not None:
            order = order[:n]
        keys = self._keys
        rows = zip(h[order].tolist(), c[order].tolist(), e[order].tolist(), strict=True)
        return [(keys[x], cnt, err) for x, cnt, err in rows]

    @locked
    def _snapshot(self) -> tuple[tuple[np.ndarray, ...], int, dict[int, Key], int]:
        h, c, e, _ = self._ss.state()
        return (h, c, e), int(self._ss.min_count), dict(self._keys), self._total

    def merge(self, other: HeavyHitters) -> Self:
        """Fold ``other`` into this summary (Agarwal et al. 2012); returns ``self``."""
        if not isinstance(other, HeavyHitters):
            raise TypeError(f"other must be a HeavyHitters, got {type(other).__name__}")
        if (other.k, other.seed) != (self._k, self._seed):
            raise ValueError(
                f"other: can only merge summaries of equal k and seed, got (k={other.k}, "
                f"seed={other.seed}) into (k={self._k}, seed={self._seed})"
            )
        (hb, cb, eb), mb, keys_b, total_b = other._snapshot()
        with self._lock:
            if self._total + total_b >= _U64:
                raise ValueError("other: the merged total N would exceed 2**64 - 1")
            ha, ca, ea, _ = self._ss.state()
            ma = int(self._ss.min_count)
            h, c, e = _core.SpaceSaving.merge(ha, ca, ea, ma, hb, cb, eb, mb, self._k)
            self._ss.assign(h, c, e)
            keys_a = self._keys
            self._keys = {x: keys_a[x] if x in keys_a else keys_b[x] for x in h.tolist()}
            self._total += total_b
        return self

    @locked
    def to_bytes(self) -> bytes:
        h, c, e, _ = self._ss.state()
        header = self._HEADER.pack(self._k, h.size, self._seed, self._total)
        table = np.stack([h, c, e], axis=1).astype("<u8").tobytes()
        return _format.pack(
            self.KIND,
            self.VERSION,
            header,
            table + encode_keys([self._keys[x] for x in h.tolist()]),
        )

    @classmethod
    def from_bytes(cls, data: bytes | bytearray | memoryview) -> Self:
        _, header, payload = _format.unpack(data, cls.KIND, (cls.VERSION,))
        if len(header) != cls._HEADER.size:
            raise ValueError(f"SPSV: header is {len(header)} bytes, expected {cls._HEADER.size}")
        k, n, seed, total = cls._HEADER.unpack(header)
        if not 1 <= k <= MAX_K or n > k:
            raise ValueError(f"SPSV: bad sizes k={k}, n={n}")
        if payload.nbytes < 24 * n:
            raise ValueError(f"SPSV: payload of {payload.nbytes} bytes cannot hold {n} entries")
        table = np.frombuffer(payload[: 24 * n], dtype="<u8").astype(np.uint64).reshape(n, 3)
        keys, used = decode_keys(payload[24 * n :], n, "SPSV")
        if 24 * n + used != payload.nbytes:
            raise ValueError("SPSV: trailing bytes after the key records")
        h, c, e = (np.ascontiguousarray(table[:, i]) for i in range(3))
        if _exact_sum(c) > total:
            raise ValueError(f"SPSV: counts sum past the total {total}")
        _check_key_hashes(keys, h.tolist(), seed, "SPSV")
        self = cls(k, seed=seed)
        self._ss.assign(h, c, e)  # ValueError on duplicate hashes or error > count
        self._keys = dict(zip(h.tolist(), keys, strict=True))
        self._total = total
        return self

    def __repr__(self) -> str:
        # per monitored key: hash, error, origin, heap item, heap position (44 bytes)
        # and 2-4 index slots of 12 bytes; storage grows with the keys, up to k
        nbytes = 80 * len(self)
        return (
            f"HeavyHitters(k={self._k}, seed={self._seed}, monitored={len(self)}, "
            f"N={_fmt_int(self._total)}, min_count={self.min_count}, "
            f"N/k={self.error_bound:.4g}, bytes≈{_fmt_int(nbytes)})"
        )


# ----------------------------------------------------------------------------- CMS top-k


class CountMinTopK(Sketch):
    """A Count-Min sketch plus the k keys with the largest estimates seen.

    After each batch the candidates are the k distinct keys of largest
    current estimate f̂ among the previous candidates and the batch's keys
    (ties: smaller hash first). Estimates carry the Count-Min guarantee
    f ≤ f̂ ≤ f + εN (probability ≥ 1 − δ each). A key whose estimate was never
    among the top k at the end of a batch in which it occurred is not a
    candidate, so a key that becomes heavy across batches while absent from
    the latest ones can be missed; ``HeavyHitters`` gives a deterministic
    guarantee instead.

    Parameters
    ----------
    k
        Number of candidates, an int in [1, 2**24].
    epsilon, delta, width, depth, conservative, seed
        As for ``CountMinSketch``.
    """

    KIND = b"CMTK"
    VERSION = 1
    _HEADER = struct.Struct("<IIQ")

    def __init__(
        self,
        k: int,
        epsilon: float | None = None,
        delta: float | None = None,
        *,
        width: int | None = None,
        depth: int | None = None,
        conservative: bool = False,
        seed: int = 0,
    ) -> None:
        super().__init__()
        self._k = check_int("k", k, 1, MAX_K)
        self._cms = CountMinSketch(
            epsilon, delta, width=width, depth=depth, conservative=conservative, seed=seed
        )
        self._cand = np.zeros(0, dtype=np.uint64)
        self._keys: dict[int, Key] = {}

    @property
    def k(self) -> int:
        return self._k

    @property
    def sketch(self) -> CountMinSketch:
        """A copy of the underlying Count-Min sketch."""
        with self._lock:
            return self._cms.copy()

    @property
    def total(self) -> int:
        return self._cms.total

    @property
    def seed(self) -> int:
        return self._cms.seed

    @locked
    def update(
        self,
        keys: Any,
        counts: Any = None,
        *,
        threads: int | None = None,
        backend: str = "auto",
    ) -> None:
        """Add ``counts`` for ``keys`` to the sketch, then refresh the top-k candidates."""
        nthreads = _backend.check_threads(threads)
        cms = self._cms
        name, module = _backend.resolve(backend, _len_hint(keys))
        if cms.conservative and backend == "cuda":
            raise ValueError('backend: conservative updates run on the CPU only; use "cpu"')
        if cms.conservative:
            name, module = "cpu", _core
        hashes = _hash_keys(keys, cms.seed, threads, "cuda" if name == "cuda" else "cpu")
        cms._update_hashes(hashes, counts, nthreads, name, module)
        est = cms._query_hashes(hashes, nthreads)
        cand_est = cms._query_hashes(self._cand, nthreads)
        h, _, origin = _core.topk_select(self._cand, cand_est, hashes, est, self._k)
        new = np.flatnonzero(origin >= 0)
        fresh = dict(zip(h[new].tolist(), _originals(keys, origin[new]), strict=True))
        old = self._keys
        self._keys = {x: fresh[x] if x in fresh else old[x] for x in h.tolist()}
        self._cand = h

    @locked
    def query(self, keys: Any, *, threads: int | None = None) -> np.ndarray | int:
        """Count-Min estimates of any keys (see ``CountMinSketch.query``)."""
        return self._cms.query(keys, threads=threads)

    @locked
    def top(self, n: int | None = None) -> list[tuple[Key, int]]:
        """The candidates as ``(key, estimate)``, largest estimate first (ties: smaller hash)."""
        if n is not None:
            n = check_int("n", n, 0, MAX_K)
        est = self._cms._query_hashes(self._cand)
        order = np.lexsort((self._cand, ~est))
        if n is not None:
            order = order[:n]
        hs, es = self._cand[order].tolist(), est[order].tolist()
        return [(self._keys[x], e) for x, e in zip(hs, es, strict=True)]

    @locked
    def _snapshot(self) -> tuple[CountMinSketch, np.ndarray, dict[int, Key]]:
        return self._cms.copy(), self._cand.copy(), dict(self._keys)

    def merge(self, other: CountMinTopK) -> Self:
        """Merge the sketches, then keep the k best of both candidate sets by merged estimate."""
        if not isinstance(other, CountMinTopK):
            raise TypeError(f"other must be a CountMinTopK, got {type(other).__name__}")
        if other.k != self._k:
            raise ValueError(f"other: can only merge equal k, got k={other.k} into k={self._k}")
        cms_b, cand_b, keys_b = other._snapshot()
        with self._lock:
            self._cms.merge(cms_b)
            union = np.union1d(self._cand, cand_b).astype(np.uint64)
            est = self._cms._query_hashes(union)
            empty = np.zeros(0, dtype=np.uint64)
            h, _, _ = _core.topk_select(union, est, empty, empty, self._k)
            keys_a = self._keys
            self._keys = {x: keys_a[x] if x in keys_a else keys_b[x] for x in h.tolist()}
            self._cand = h
        return self

    @locked
    def to_bytes(self) -> bytes:
        inner = self._cms.to_bytes()
        header = self._HEADER.pack(self._k, self._cand.size, len(inner))
        keys = encode_keys([self._keys[x] for x in self._cand.tolist()])
        payload = inner + self._cand.astype("<u8").tobytes() + keys
        return _format.pack(self.KIND, self.VERSION, header, payload)

    @classmethod
    def from_bytes(cls, data: bytes | bytearray | memoryview) -> Self:
        _, header, payload = _format.unpack(data, cls.KIND, (cls.VERSION,))
        if len(header) != cls._HEADER.size:
            raise ValueError(f"CMTK: header is {len(header)} bytes, expected {cls._HEADER.size}")
        k, n, inner_len = cls._HEADER.unpack(header)
        if not 1 <= k <= MAX_K or n > k:
            raise ValueError(f"CMTK: bad sizes k={k}, n={n}")
        if inner_len + 8 * n > payload.nbytes:
            raise ValueError("CMTK: payload too short for the sketch and candidates")
        cms = CountMinSketch.from_bytes(payload[:inner_len])
        cand = np.frombuffer(payload[inner_len : inner_len + 8 * n], dtype="<u8").astype(np.uint64)
        keys, used = decode_keys(payload[inner_len + 8 * n :], n, "CMTK")
        if inner_len + 8 * n + used != payload.nbytes:
            raise ValueError("CMTK: trailing bytes after the key records")
        if np.unique(cand).size != n:
            raise ValueError("CMTK: duplicate candidate hashes")
        _check_key_hashes(keys, cand.tolist(), cms.seed, "CMTK")
        self = cls(k, width=cms.width, depth=cms.depth, seed=cms.seed)
        self._cms = cms
        self._cand = np.ascontiguousarray(cand)
        self._keys = dict(zip(cand.tolist(), keys, strict=True))
        return self

    def __repr__(self) -> str:
        cms = self._cms
        return (
            f"CountMinTopK(k={self._k}, width={cms.width}, depth={cms.depth}, "
            f"ε={cms.epsilon:.3g}, δ={cms.delta:.3g}, candidates={self._cand.size}, "
            f"N={_fmt_int(cms.total)}, εN={cms.error_bound:.4g}, "
            f"bytes={_fmt_int(cms.nbytes + 8 * self._k)})"
        )
