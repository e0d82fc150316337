"""MinHash signatures (Broder 1997) and locality-sensitive hashing over them.

``MinHash(num_perm=k, seed)`` keeps, for each slot :math:`i < k`,

.. math:: \\mathrm{sig}_i = \\min_{x \\in S} \\mathrm{mix}(h(x) \\oplus \\kappa_i),

where :math:`h` is ``qsmcore.hash64(·, seed)`` (XXH3-64), :math:`\\kappa_i` the
:math:`i`-th output of splitmix64 started at ``seed``, and mix Stafford's Mix13
finalizer, a bijection of 64-bit words with full avalanche ("one hash, k mixers":
each slot acts as a pseudo-random permutation of the hash space, which is what
the estimator needs, approximately min-wise independent, at two multiplications
per item and slot). For two sets, :math:`P(\\mathrm{sig}_i(A) = \\mathrm{sig}_i(B))
= J(A, B)`, so ``jaccard`` (the fraction of equal slots) estimates the Jaccard
similarity :math:`J` with standard error :math:`\\sqrt{J(1-J)/k} \\le 1/(2\\sqrt k)`.
``merge`` (slotwise min) gives exactly the signature of the union; the
signature is a pure function of the *set* of items, not of their order or of
the number of threads.

``MinHashLSH(threshold, num_perm)`` cuts a signature into :math:`b` bands of
:math:`r` rows. Two sets with similarity :math:`s` share at least one band (become
candidates) with probability :math:`P(s) = 1 - (1 - s^r)^b`; :math:`(b, r)` minimise
:math:`w_{fp} \\int_0^t P(s)\\,ds + w_{fn} \\int_t^1 (1 - P(s))\\,ds` over
:math:`br \\le k` at threshold :math:`t` (the criterion of datasketch's MinHashLSH,
integrated here with composite Simpson on 1,001 points). Band keys are XXH3-64
(seed = band index) of the band's :math:`r` words, computed in C++. The index
lives in Python dicts (one per band).

Stored format of a ``MinHash`` (``to_bytes``; kind ``b"MNH "``, version 1, see
``qsmcore.sketch._format``). Header, little-endian, 16 bytes::

    offset  size  field
    0       4     k = num_perm (uint32)
    4       4     reserved, 0
    8       8     seed (uint64)

Payload: the :math:`k` signature values as little-endian uint64 (``2**64 - 1`` in
every slot of an empty sketch).

Stored format of a ``MinHashLSH`` (kind ``b"LSH "``, version 1). Header,
little-endian, 56 bytes::

    offset  size  field
    0       8     threshold t (float64)
    8       8     w_fp (float64)
    16      8     w_fn (float64)
    24      4     k = num_perm (uint32)
    28      2     b (uint16)
    30      2     r (uint16)
    32      8     n, the number of keys (uint64)
    40      8     seed of the indexed signatures (uint64; meaningless when n = 0)
    48      8     reserved, 0

Payload: the n × b band keys as little-endian uint64, row by row in insertion
order, then n key records (``qsmcore.sketch._keys``). Only int, float, str,
bytes and bool keys can be stored.
"""

from __future__ import annotations

import functools
import math
import struct
from collections.abc import Hashable
from typing import Any, Self

import numpy as np

from qsmcore import _backend, _core
from qsmcore.hashing import hash64
from qsmcore.sketch import _format
from qsmcore.sketch._base import Sketch, locked
from qsmcore.sketch._keys import check_encodable, decode_keys, encode_keys
from qsmcore.sketch._validate import check_int, check_seed

__all__ = ["MinHash", "MinHashLSH", "lsh_parameters"]

KIND = b"MNH "
VERSION = 1
MAX_PERM = 1 << 16
MAX_LSH_PERM = 1024  # the (b, r) search integrates every pair with b*r <= num_perm
_HEADER = struct.Struct("<I4xQ")
_EMPTY = np.uint64(0xFFFFFFFFFFFFFFFF)


class MinHash(Sketch):
    """A MinHash signature of ``num_perm`` slots, for Jaccard similarity of sets.

    Parameters
    ----------
    num_perm
        :math:`k`, the number of slots (simulated permutations), in [1, 65536].
        The Jaccard estimate has standard error :math:`\\sqrt{J(1-J)/k}`.
    seed
        Seed of the item hash and of the slot mixers, an int in [0, 2**64).
        Signatures compare and merge only with the same ``num_perm`` and ``seed``.

    Examples
    --------
    >>> import numpy as np
    >>> from qsmcore.sketch import MinHash
    >>> a, b = MinHash(), MinHash()
    >>> a.update(np.arange(0, 1000)); b.update(np.arange(500, 1500))
    >>> a.jaccard(b)  # exact: 500 / 1500 = 0.333; standard error sqrt(J(1-J)/128) = 0.042
    0.359375
    """

    def __init__(self, num_perm: int = 128, seed: int = 0) -> None:
        super().__init__()
        k = check_int("num_perm", num_perm, 1, MAX_PERM)
        self._set_state(k, check_seed(seed), None)

    def _set_state(self, k: int, seed: int, sig: np.ndarray | None) -> None:
        self._k, self._seed = k, seed
        self._keys = _core.minhash_slot_keys(k, seed)
        self._sig = np.full(k, _EMPTY, dtype=np.uint64) if sig is None else sig

    @property
    def num_perm(self) -> int:
        """:math:`k`, the number of slots."""
        return self._k

    @property
    def seed(self) -> int:
        """Seed of the item hash and the slot mixers."""
        return self._seed

    @property
    def nbytes(self) -> int:
        """Memory of the signature in bytes (8k)."""
        return 8 * self._k

    @property
    def standard_error(self) -> float:
        """:math:`1/\\sqrt{k}`, a bound on twice the Jaccard estimate's standard error."""
        return 1.0 / math.sqrt(self._k)

    @locked
    def signature(self) -> np.ndarray:
        """A copy of the :math:`k` slot minima (uint64)."""
        return self._sig.copy()

    @locked
    def is_empty(self) -> bool:
        """True when nothing has been added."""
        return bool(np.all(self._sig == _EMPTY))

    @locked
    def update(self, values: Any, *, threads: int | None = None) -> None:
        """Add ``values`` (a NumPy array of numbers, a sequence of str/bytes, or one item).

        ``threads``: CPU threads (None: all); the signature never depends on it.
        """
        nthreads = _backend.check_threads(threads)
        h = np.atleast_1d(np.asarray(hash64(values, self._seed, threads=threads), np.uint64))
        _core.minhash_update(self._sig, self._keys, h.ravel(), nthreads)

    def _check_compatible(self, other: Any) -> None:
        if not isinstance(other, MinHash):
            raise TypeError(f"other must be a MinHash, got {type(other).__name__}")
        if (self._k, self._seed) != (other._k, other._seed):
            raise ValueError(
                "other: MinHash signatures differ in (num_perm, seed): "
                f"{(self._k, self._seed)} vs {(other._k, other._seed)}"
            )

    def jaccard(self, other: MinHash) -> float:
        """Estimated Jaccard similarity :math:`|A \\cap B| / |A \\cup B|`: the fraction of
        equal slots (1.0 for two empty sketches)."""
        if type(other) is not MinHash or other._k != self._k or other._seed != self._seed:
            self._check_compatible(other)  # raises with the details
        # Both locks, always taken in id() order, so two threads comparing a with b
        # and b with a cannot deadlock; no copy of either signature is needed.
        first, second = (self, other) if id(self) <= id(other) else (other, self)
        with first._lock, second._lock:
            return int(np.count_nonzero(self._sig == other._sig)) / self._k

    def merge(self, other: MinHash) -> Self:
        """Fold ``other`` in (slotwise min: exactly the signature of the union)."""
        self._check_compatible(other)
        theirs = other.signature()  # under other's lock only: never both locks at once
        with self._lock:
            np.minimum(self._sig, theirs, out=self._sig)
        return self

    @locked
    def count(self) -> float:
        """Estimated number of distinct items: :math:`\\hat n = (k-1)/\\sum_i -\\ln(1-u_i)`.

        :math:`u_i = \\mathrm{sig}_i / 2^{64}` is the minimum of :math:`n` uniforms, so
        :math:`-\\ln(1-u_i) \\sim \\mathrm{Exp}(n)` and the estimator is unbiased for
        :math:`k \\ge 2` (relative standard error :math:`1/\\sqrt{k-2}`); for
        :math:`k = 1` it is :math:`1/(-\\ln(1-u_0))`. 0 for an empty sketch.
        """
        if bool(np.all(self._sig == _EMPTY)):
            return 0.0
        u = np.minimum(self._sig.astype(np.float64) * 2.0**-64, 1.0 - 2.0**-53)
        total = float(np.sum(-np.log1p(-u)))
        return max(self._k - 1, 1) / total

    @locked
    def to_bytes(self) -> bytes:
        header = _HEADER.pack(self._k, self._seed)
        return _format.pack(KIND, VERSION, header, self._sig.astype("<u8", copy=False))

    @classmethod
    def from_bytes(cls, data: bytes | bytearray | memoryview) -> Self:
        _, header, payload = _format.unpack(data, KIND, (VERSION,))
        if len(header) != _HEADER.size:
            raise ValueError(f"minhash: header is {len(header)} bytes, expected {_HEADER.size}")
        k, seed = _HEADER.unpack(header)
        if not 1 <= k <= MAX_PERM:
            raise ValueError(f"minhash: num_perm {k} out of range [1, {MAX_PERM}]")
        if payload.nbytes != 8 * k:
            raise ValueError(f"minhash: payload is {payload.nbytes} bytes, expected {8 * k}")
        obj = cls.__new__(cls)
        Sketch.__init__(obj)
        obj._set_state(k, seed, np.frombuffer(payload, dtype="<u8").astype(np.uint64))
        return obj

    def __repr__(self) -> str:
        return (
            f"MinHash(num_perm={self._k}, seed={self._seed}; {self.nbytes:,} bytes, "
            f"1/sqrt(k) = {self.standard_error:.3g}: Jaccard standard error "
            f"sqrt(J(1-J)/k) <= {0.5 * self.standard_error:.3g})"
        )


def _simpson(y: np.ndarray, a: float, b: float) -> np.ndarray:
    """Composite Simpson's rule along the last axis (an odd number of points)."""
    n = y.shape[-1] - 1
    w = np.ones(n + 1)
    w[1:-1:2], w[2:-1:2] = 4.0, 2.0
    return (y @ w) * (b - a) / (3.0 * n)


@functools.lru_cache(maxsize=256)
def lsh_parameters(
    threshold: float, num_perm: int, weights: tuple[float, float] = (0.5, 0.5)
) -> tuple[int, int]:
    """The :math:`(b, r)` with :math:`br \\le k` minimising the weighted error areas.

    ``weights = (w_fp, w_fn)`` weigh the false-positive area
    :math:`\\int_0^t P(s)ds` and the false-negative area :math:`\\int_t^1 (1 - P(s))ds`
    of the S-curve :math:`P(s) = 1 - (1 - s^r)^b`.
    """
    points = 1001
    lo = np.linspace(0.0, threshold, points)
    hi = np.linspace(threshold, 1.0, points)
    best = (math.inf, 1, 1)
    for r in range(1, num_perm + 1):
        b = np.arange(1, num_perm // r + 1, dtype=np.float64)[:, None]
        fp = _simpson(1.0 - (1.0 - lo**r) ** b, 0.0, threshold)
        fn = _simpson((1.0 - hi**r) ** b, threshold, 1.0)
        err = weights[0] * fp + weights[1] * fn
        i = int(np.argmin(err))
        if err[i] < best[0]:
            best = (float(err[i]), i + 1, r)
    return best[1], best[2]


LSH_KIND = b"LSH "
_LSH_HEADER = struct.Struct("<dddIHHQQQ")


class MinHashLSH(Sketch):
    """An index of MinHash signatures that finds candidates with Jaccard above ``threshold``.

    Parameters
    ----------
    threshold
        :math:`t`, the Jaccard similarity to separate, in (0, 1).
    num_perm
        :math:`k` of the signatures to be inserted, in [2, 1024].
    weights
        :math:`(w_{fp}, w_{fn})`, non-negative and summing to 1: how much a false
        positive and a false negative cost when choosing :math:`(b, r)`.

    A set with similarity :math:`s` to the query is returned with probability
    ``candidate_probability(s)`` :math:`= 1 - (1 - s^r)^b`. Keys are any hashable
    objects; ``query`` returns them in a deterministic order (first band
    first, then insertion order within a band).
    """

    def __init__(
        self,
        threshold: float = 0.8,
        num_perm: int = 128,
        *,
        weights: tuple[float, float] = (0.5, 0.5),
    ) -> None:
        super().__init__()
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float, np.floating)):
            raise TypeError(f"threshold must be a float in (0, 1), got {type(threshold).__name__}")
        if not 0.0 < float(threshold) < 1.0:
            raise ValueError(f"threshold must be in (0, 1), got {threshold}")
        k = check_int("num_perm", num_perm, 2, MAX_LSH_PERM)
        try:
            w = tuple(float(x) for x in weights)
        except (TypeError, ValueError):
            raise TypeError(f"weights must be two floats (w_fp, w_fn), got {weights!r}") from None
        if len(w) != 2 or not all(0.0 <= x <= 1.0 for x in w) or abs(sum(w) - 1.0) > 1e-9:
            raise ValueError(f"weights must be two floats in [0, 1] summing to 1, got {weights!r}")
        self._threshold, self._k, self._weights = float(threshold), k, (w[0], w[1])
        self._b, self._r = lsh_parameters(self._threshold, k, self._weights)
        self._tables: list[dict[int, dict[Hashable, None]]] = [{} for _ in range(self._b)]
        self._keys: dict[Hashable, list[int]] = {}
        self._seed: int | None = None

    @property
    def threshold(self) -> float:
        """:math:`t`."""
        return self._threshold

    @property
    def num_perm(self) -> int:
        """:math:`k` of the accepted signatures."""
        return self._k

    @property
    def bands(self) -> int:
        """:math:`b`, the number of bands."""
        return self._b

    @property
    def rows(self) -> int:
        """:math:`r`, signature slots per band."""
        return self._r

    def candidate_probability(self, s: float | np.ndarray) -> float | np.ndarray:
        """:math:`P(s) = 1 - (1 - s^r)^b`: the chance a set at similarity ``s`` is returned."""
        return 1.0 - (1.0 - np.asarray(s, dtype=np.float64) ** self._r) ** self._b

    def _band_keys(self, minhash: Any) -> list[int]:
        if not isinstance(minhash, MinHash):
            raise TypeError(f"minhash must be a MinHash, got {type(minhash).__name__}")
        if minhash.num_perm != self._k:
            raise ValueError(f"minhash: num_perm is {minhash.num_perm}, this index takes {self._k}")
        if self._seed is not None and minhash.seed != self._seed:
            raise ValueError(f"minhash: seed is {minhash.seed}, this index holds seed {self._seed}")
        sig = minhash.signature()[None, :]
        return _core.minhash_band_keys(sig, self._b, self._r)[0].tolist()  # type: ignore[no-any-return]

    def insert(self, key: Hashable, minhash: MinHash) -> None:
        """Index ``minhash`` under ``key`` (ValueError if ``key`` is already there)."""
        hash(key)  # TypeError for unhashable keys, before anything changes
        with self._lock:
            if key in self._keys:
                raise ValueError(f"key {key!r} is already in the index")
            bands = self._band_keys(minhash)
            if self._seed is None:
                self._seed = minhash.seed
            self._add_bands(key, bands)

    def query(self, minhash: MinHash) -> list[Hashable]:
        """Keys sharing at least one band with ``minhash`` (candidates at or above threshold)."""
        with self._lock:
            bands = self._band_keys(minhash)
            found: dict[Hashable, None] = {}
            for table, band in zip(self._tables, bands, strict=True):
                bucket = table.get(band)
                if bucket:
                    found.update(bucket)
            return list(found)

    def remove(self, key: Hashable) -> None:
        """Remove ``key`` (KeyError if absent)."""
        with self._lock:
            bands = self._keys.pop(key, None)
            if bands is None:
                raise KeyError(f"key {key!r} is not in the index")
            for table, band in zip(self._tables, bands, strict=True):
                bucket = table[band]
                del bucket[key]
                if not bucket:
                    del table[band]
            if not self._keys:
                self._seed = None

    def _add_bands(self, key: Hashable, bands: list[int]) -> None:
        self._keys[key] = bands
        for table, band in zip(self._tables, bands, strict=True):
            table.setdefault(band, {})[key] = None

    def _check_same_shape(self, other: Any) -> None:
        if not isinstance(other, MinHashLSH):
            raise TypeError(f"other must be a MinHashLSH, got {type(other).__name__}")
        mine = (self._threshold, self._k, self._weights)
        theirs = (other._threshold, other._k, other._weights)
        if mine != theirs:
            raise ValueError(
                f"cannot merge LSH indexes with (threshold, num_perm, weights) {mine} and {theirs}"
            )

    def merge(self, other: MinHashLSH) -> Self:
        """Add every key of ``other`` (the union of two indexes; ValueError for a key in
        both, for different parameters, or for signatures of different seeds)."""
        self._check_same_shape(other)
        with other._lock:
            items, seed = list(other._keys.items()), other._seed
        with self._lock:
            if items and self._seed is not None and seed != self._seed:
                raise ValueError(f"other holds seed {seed}, this index holds seed {self._seed}")
            both = [k for k, _ in items if k in self._keys]
            if both:
                raise ValueError(f"key {both[0]!r} is in both indexes")
            for key, bands in items:
                self._add_bands(key, list(bands))
            if items and self._seed is None:
                self._seed = seed
        return self

    @locked
    def to_bytes(self) -> bytes:
        """The index in qsmcore's stored format (see the module docstring)."""
        keys = list(self._keys)
        check_encodable(keys, "MinHashLSH")
        bands = np.array([self._keys[k] for k in keys], dtype="<u8").reshape(len(keys), self._b)
        header = _LSH_HEADER.pack(
            self._threshold, *self._weights, self._k, self._b, self._r, len(keys),
            self._seed or 0, 0,
        )  # fmt: skip
        return _format.pack(LSH_KIND, VERSION, header, bands.tobytes() + encode_keys(keys))

    @classmethod
    def from_bytes(cls, data: bytes | bytearray | memoryview) -> Self:
        """Rebuild an index from ``to_bytes`` output; ValueError if the bytes are corrupted."""
        _, header, payload = _format.unpack(data, LSH_KIND, (VERSION,))
        if len(header) != _LSH_HEADER.size:
            raise ValueError(f"LSH: header is {len(header)} bytes, expected {_LSH_HEADER.size}")
        t, w_fp, w_fn, k, b, r, n, seed, reserved = _LSH_HEADER.unpack(header)
        if reserved != 0 or not 2 <= k <= MAX_LSH_PERM or not 0.0 < t < 1.0:
            raise ValueError("LSH: header fields out of range")
        if n > payload.nbytes // max(8 * b, 1):
            raise ValueError(f"LSH: {n} keys cannot fit in {payload.nbytes} payload bytes")
        try:
            out = cls(t, k, weights=(w_fp, w_fn))
        except (TypeError, ValueError) as exc:
            raise ValueError(f"LSH: bad stored parameters ({exc})") from None
        if (out._b, out._r) != (b, r):
            raise ValueError(f"LSH: stored (b, r) = ({b}, {r}) do not follow from its parameters")
        table_bytes = 8 * n * b
        bands = np.frombuffer(payload[:table_bytes], dtype="<u8").reshape(n, b)
        keys, used = decode_keys(payload[table_bytes:], n, "LSH")
        if table_bytes + used != payload.nbytes:
            raise ValueError("LSH: payload has trailing bytes")
        if len(set(keys)) != n:
            raise ValueError("LSH: a key is stored twice")
        for key, row in zip(keys, bands.tolist(), strict=True):
            out._add_bands(key, row)
        out._seed = seed if n else None
        return out

    def __contains__(self, key: object) -> bool:
        with self._lock:
            try:
                return key in self._keys
            except TypeError:
                return False

    def __len__(self) -> int:
        return len(self._keys)

    def __repr__(self) -> str:
        return (
            f"MinHashLSH(threshold={self._threshold:g}, num_perm={self._k}, "
            f"weights={self._weights}; bands b={self._b} x rows r={self._r}, {len(self)} keys, "
            f"P(candidate | s=t) = {float(self.candidate_probability(self._threshold)):.3f})"
        )
