"""The merging t-digest: streaming quantiles, accurate in the extreme tails.

Dunning & Ertl, "Computing extremely accurate quantiles using t-digests" (2019).
A t-digest keeps a sorted list of centroids ``(mean, weight)`` and the exact
minimum and maximum. A centroid spanning the quantile range
:math:`[q_\\ell, q_r]` must satisfy :math:`k(q_r) - k(q_\\ell) \\le 1` for the
scale function :math:`k`, which is steep near 0 and 1: centroids in the tails
are small (singletons at the very ends), so extreme quantiles are accurate.

Scale functions, with :math:`\\kappa = 2\\delta` (:math:`\\delta` = ``compression``,
:math:`n` = total weight):

- ``"k1"``: :math:`k_1(q) = \\frac{\\kappa}{2\\pi}\\arcsin(2q-1)`;
  centroid size :math:`\\Delta q \\approx \\frac{2\\pi}{\\kappa}\\sqrt{q(1-q)}`.
- ``"k2"``: :math:`k_2(q) = \\frac{\\kappa}{Z(n)}\\log\\frac{q}{1-q}`,
  :math:`Z(n) = 4\\log(n/\\kappa) + 24`; :math:`\\Delta q \\approx \\frac{Z(n)}{\\kappa}q(1-q)`.
- ``"k3"`` (default): :math:`k_3(q) = \\frac{\\kappa}{Z(n)}\\log 2q` (:math:`q \\le 1/2`),
  :math:`-\\frac{\\kappa}{Z(n)}\\log 2(1-q)` (:math:`q > 1/2`), :math:`Z(n) = 4\\log(n/\\kappa)+21`;
  :math:`\\Delta q \\approx \\frac{Z(n)}{\\kappa}\\min(q, 1-q)`.

Why :math:`\\kappa = 2\\delta`: the paper's scale functions span about
:math:`\\kappa/2` units of :math:`k`, and the greedy merge makes about one
centroid per unit, so :math:`\\kappa = \\delta` would keep only about
:math:`\\delta/2` centroids. With :math:`\\kappa = 2\\delta`, ``compression=100``
keeps about 100 centroids, as ``fastdigest.TDigest(max_centroids=100)`` does
(``datasketches.tdigest_double(k=100)`` keeps about 160 on the benchmark data),
so equal compression means about equal memory.

Why ``k3`` by default (Dunning's reference uses ``k2`` for the merging digest):
measured on lognormal data (mean 1, SCV 4, :math:`\\delta = 100`), the mean
|relative error| over seeds 1-3 of 10M values was, at p99 / p99.9 / p99.99,
5.0e-3 / 6.8e-3 / 1.4e-3 for ``k3``, 8.5e-3 / 7.4e-3 / 2.0e-3 for ``k2``
(and 7.5e-3 / 8.5e-2 / 0.94 for ``k1`` on seed 1), against 4.2e-2 / 3.4e-2 / 4.8e-3 for
``datasketches.tdigest_double(100)`` and 8.7e-3 / 7.2e-2 / 0.15 for
``fastdigest.TDigest(100)``; ``benchmarks/compare.py sketch`` reruns seed 1.
``k2`` and ``k3`` centroids shrink in proportion to the tail mass :math:`1-q`,
``k1`` ones only to :math:`\\sqrt{1-q}`: at p99.99 a ``k1`` centroid holds about
:math:`10^{-2}\\cdot 2\\pi/\\kappa` of the data, a ``k3`` one about
:math:`10^{-4} Z/\\kappa`. The price of ``k3`` is the middle: its centroids
there are larger (rank error about 3e-3 at the median at n = 1M, against 5e-4
for ``k1``).

Error bound (what the tests check): the rank error of ``quantile(q)`` is at
most about one centroid's share of the data at :math:`q`,
:math:`|F(\\hat x_q) - q| \\lesssim \\Delta q(q)` with :math:`\\Delta q` as above
(``rank_error_bound(q)``); for ``k2`` and ``k3`` this is a bound *relative* to
the tail mass :math:`\\min(q, 1-q)`.

Update: each batch is sorted (radix sort on the doubles' order-preserving bit
patterns, in blocks of :math:`2^{22}` values) and merged with the centroids in
one pass. The digest is a pure function of the sequence of ``update`` and
``merge`` calls (no randomness; ``threads`` never changes it). Splitting the
same values into different batches gives a slightly different, equally valid
digest. ``a.merge(b)`` and ``b.merge(a)`` are bit-identical; merging is
associative only within the error bound.

Values must be finite: NaN and ±inf raise ``ValueError`` (an infinite value has
no meaningful interpolation). ``-0.0`` is stored as ``0.0``.

Stored format (``to_bytes``, kind ``b"TDG "``, version 1; all little-endian),
inside the envelope of ``qsmcore.sketch._format``::

    header (48 bytes)
      0   8  compression delta (float64), in [1, 1e5]
      8   4  scale function: 1 = k1, 2 = k2, 3 = k3 (uint32)
      12  4  reserved, 0 (uint32)
      16  8  total weight n (float64)
      24  8  min (float64)
      32  8  max (float64)
      40  8  m: number of centroids (uint64)
    payload (16 m bytes)
      m pairs (mean float64, weight float64), means non-decreasing, weights > 0
"""

from __future__ import annotations

import math
import struct
from typing import Literal, Self, overload

import numpy as np
import numpy.typing as npt

from qsmcore import _core
from qsmcore._backend import check_threads
from qsmcore.sketch import _format
from qsmcore.sketch._base import Sketch, locked

__all__ = ["TDigest"]

KIND = b"TDG "
VERSION = 1
MIN_COMPRESSION = 1.0
MAX_COMPRESSION = 100_000.0
SCALES = {"k1": 1, "k2": 2, "k3": 3}
_SCALE_NAMES = {v: k for k, v in SCALES.items()}
_HEADER = struct.Struct("<dIIdddQ")

ArrayLike = npt.ArrayLike


def _check_compression(compression: float) -> float:
    if isinstance(compression, bool) or not isinstance(compression, (int, float, np.number)):
        raise TypeError(f"compression must be a number, got {compression!r}")
    c = float(compression)
    if not (MIN_COMPRESSION <= c <= MAX_COMPRESSION):  # also rejects NaN
        raise ValueError(
            f"compression must be in [{MIN_COMPRESSION:g}, {MAX_COMPRESSION:g}], "
            f"got {compression!r}"
        )
    return c


def _as_float_array(name: str, values: object) -> np.ndarray:
    """A contiguous 1-D float64 view/copy of numeric ``values`` (TypeError otherwise)."""
    if isinstance(values, (str, bytes, bytearray)):
        raise TypeError(f"{name} must be numbers (a numeric array or sequence), got {values!r}")
    arr = np.asarray(values)
    if arr.dtype.kind not in "iufb":
        raise TypeError(f"{name} must be numeric (integer, float or bool), got dtype {arr.dtype}")
    return np.ascontiguousarray(arr, dtype=np.float64).reshape(-1)


def _check_finite(name: str, arr: np.ndarray) -> None:
    if arr.size and not np.isfinite(arr).all():
        bad = arr[~np.isfinite(arr)][0]
        raise ValueError(f"{name} must be finite (no NaN or ±inf), got {bad!r}")


class TDigest(Sketch):
    """Merging t-digest for streaming quantiles and CDFs.

    Parameters
    ----------
    compression : float, default 100
        :math:`\\delta`, in [1, 1e5]: about the number of centroids kept (as
        ``fastdigest``'s ``max_centroids``); the scale functions use :math:`\\kappa = 2\\delta`.
    scale : {"k3", "k2", "k1"}, default "k3"
        The scale function :math:`k` (see the module docstring).

    Examples
    --------
    >>> import numpy as np
    >>> from qsmcore.sketch import TDigest
    >>> d = TDigest(100)
    >>> d.update(np.arange(1000.0))
    >>> float(d.quantile(0.0)), float(d.quantile(1.0))
    (0.0, 999.0)
    """

    def __init__(self, compression: float = 100, *, scale: Literal["k1", "k2", "k3"] = "k3"):
        super().__init__()
        c = _check_compression(compression)
        if scale not in SCALES:
            raise ValueError(f"scale must be one of {tuple(SCALES)}, got {scale!r}")
        self._core = _core.TDigestCore(c, SCALES[scale])

    # -- parameters and state ---------------------------------------------------
    @property
    def compression(self) -> float:
        """:math:`\\delta`."""
        return float(self._core.compression)

    @property
    def scale(self) -> str:
        """The scale function's name."""
        return _SCALE_NAMES[self._core.scale]

    @property
    @locked
    def count(self) -> float:
        """Total weight :math:`n` (the number of values when unweighted)."""
        return float(self._core.count)

    @property
    @locked
    def min(self) -> float:
        """Exact minimum (NaN when empty)."""
        return float(self._core.min) if self._core.count > 0 else math.nan

    @property
    @locked
    def max(self) -> float:
        """Exact maximum (NaN when empty)."""
        return float(self._core.max) if self._core.count > 0 else math.nan

    @locked
    def centroids(self) -> tuple[np.ndarray, np.ndarray]:
        """``(means, weights)``: the centroids in increasing order of mean."""
        return self._core.centroids()

    def __len__(self) -> int:
        """Number of centroids."""
        return int(self.centroids()[0].size)

    # -- update and merge ----------------------------------------------------
    @locked
    def update(
        self,
        values: ArrayLike,
        weights: ArrayLike | None = None,
        *,
        threads: int | None = None,
    ) -> None:
        """Add ``values`` (any shape; flattened), optionally with positive ``weights``.

        Parameters
        ----------
        values : array_like of numbers
            Integer, float or bool; converted to float64. NaN or ±inf raise ValueError.
        weights : array_like of numbers, optional
            One finite weight > 0 per value (default: 1 each).
        threads : int, optional
            Threads for the conversion pass (the digest never depends on it).
        """
        t = check_threads(threads)
        x = _as_float_array("values", values)
        _check_finite("values", x)
        w = None
        if weights is not None:
            w = _as_float_array("weights", weights)
            if w.size != x.size:
                raise ValueError(f"weights must have one entry per value: {w.size} != {x.size}")
            _check_finite("weights", w)
            if w.size and not (w > 0).all():
                raise ValueError(f"weights must be > 0, got {w[~(w > 0)][0]!r}")
        if x.size:
            self._core.update(x, w, t)

    def merge(self, other: TDigest) -> Self:
        """Fold ``other`` into this digest (in place) and return ``self``.

        The result summarizes the union of both inputs; ``count``, ``min`` and
        ``max`` are exact. ``ValueError`` if compression or scale differ.
        ``a.merge(b)`` and ``b.merge(a)`` leave bit-identical digests.
        """
        if not isinstance(other, TDigest):
            raise TypeError(f"other must be a TDigest, got {type(other).__name__}")
        if other.compression != self.compression or other.scale != self.scale:
            raise ValueError(
                "other: cannot merge digests with different compression or scale: "
                f"({self.compression:g}, {self.scale}) vs ({other.compression:g}, {other.scale})"
            )
        # Snapshot ``other`` under its own lock first, then hold only ours: taking
        # both locks at once could deadlock a.merge(b) against b.merge(a).
        snapshot = other.copy()
        with self._lock:
            self._core.merge(snapshot._core)
        return self

    # -- queries ---------------------------------------------------------------
    @overload
    def quantile(self, q: float) -> float: ...
    @overload
    def quantile(self, q: ArrayLike) -> np.ndarray: ...

    @locked
    def quantile(self, q: float | ArrayLike) -> float | np.ndarray:
        """Estimated value at quantile ``q`` in [0, 1] (a float, or an array shaped like ``q``).

        ``quantile(0) == min`` and ``quantile(1) == max`` exactly; between centroid
        centres the estimate interpolates linearly, with singletons as exact
        points (section 2.3 of the paper). ValueError when the digest is empty.
        """
        arr = _as_float_array("q", q)
        if arr.size and not ((arr >= 0.0) & (arr <= 1.0)).all():  # NaN fails too
            bad = arr[~((arr >= 0.0) & (arr <= 1.0))][0]
            raise ValueError(f"q must be in [0, 1], got {bad!r}")
        if self._core.count == 0:
            raise ValueError("quantile: the digest is empty")
        out = self._core.quantile(arr)
        return float(out[0]) if np.ndim(q) == 0 else out.reshape(np.shape(q))

    @overload
    def cdf(self, x: float) -> float: ...
    @overload
    def cdf(self, x: ArrayLike) -> np.ndarray: ...

    @locked
    def cdf(self, x: float | ArrayLike) -> float | np.ndarray:
        """Estimated fraction of the weight below ``x`` (plus half the weight equal to it).

        0 below ``min``, 1 above ``max``; NaN ``x`` raises ValueError, ±inf is allowed.
        ValueError when the digest is empty.
        """
        arr = _as_float_array("x", x)
        if arr.size and np.isnan(arr).any():
            raise ValueError("x must not be NaN")
        if self._core.count == 0:
            raise ValueError("cdf: the digest is empty")
        out = self._core.cdf(arr)
        return float(out[0]) if np.ndim(x) == 0 else out.reshape(np.shape(x))

    # -- storage -----------------------------------------------------------------
    @locked
    def to_bytes(self) -> bytes:
        """The digest in the stored format (see the module docstring)."""
        means, weights = self._core.centroids()
        header = _HEADER.pack(
            self.compression,
            self._core.scale,
            0,
            float(self._core.count),
            float(self._core.min),
            float(self._core.max),
            means.size,
        )
        payload = np.empty((means.size, 2), dtype="<f8")
        payload[:, 0] = means
        payload[:, 1] = weights
        return _format.pack(KIND, VERSION, header, payload.tobytes())

    @classmethod
    def from_bytes(cls, data: bytes | bytearray | memoryview) -> Self:
        """Rebuild a digest from ``to_bytes`` output; ValueError if the bytes are not one."""
        _, header, payload = _format.unpack(data, KIND, (VERSION,))
        if len(header) != _HEADER.size:
            raise ValueError(f"TDigest: header is {len(header)} bytes, expected {_HEADER.size}")
        comp, scale, reserved, total, lo, hi, m = _HEADER.unpack(header)
        if not (MIN_COMPRESSION <= comp <= MAX_COMPRESSION):
            raise ValueError(f"TDigest: compression {comp!r} out of range")
        if scale not in _SCALE_NAMES or reserved != 0:
            raise ValueError(f"TDigest: bad scale {scale} or reserved field {reserved}")
        if payload.nbytes != 16 * m:
            raise ValueError(f"TDigest: payload is {payload.nbytes} bytes for {m} centroids")
        pairs = np.frombuffer(payload, dtype="<f8").reshape(-1, 2).astype(np.float64)
        means = np.ascontiguousarray(pairs[:, 0])
        weights = np.ascontiguousarray(pairs[:, 1])
        scalars = np.array([total, lo, hi])
        if not (np.isfinite(scalars).all() and np.isfinite(pairs).all()):
            raise ValueError("TDigest: non-finite number in the stored state")
        if m == 0:
            if total != 0.0:
                raise ValueError(f"TDigest: total weight {total} with no centroids")
        else:
            wsum = float(weights.sum())
            if not (
                (weights > 0).all()
                and (np.diff(means) >= 0).all()
                and lo <= means[0]
                and means[-1] <= hi
                and total > 0
                and abs(wsum - total) <= 1e-6 * total  # float weights: rounding
            ):
                raise ValueError("TDigest: inconsistent centroids, weights, min or max")
        obj = cls(comp, scale=_SCALE_NAMES[scale])
        obj._core.assign(means, weights, total, lo, hi)
        return obj

    def rank_error_bound(self, q: float | ArrayLike) -> float | np.ndarray:
        """About one centroid's share of the data at ``q``: the rank-error scale.

        :math:`\\frac{2\\pi}{\\kappa}\\sqrt{q(1-q)}` for ``k1``,
        :math:`\\frac{Z(n)}{\\kappa}q(1-q)` for ``k2``, :math:`\\frac{Z(n)}{\\kappa}\\min(q, 1-q)`
        for ``k3`` (:math:`\\kappa = 2\\delta`);
        the tests check :math:`|F(\\hat x_q) - q|` against it (see the module docstring).
        """
        qa = np.asarray(q, dtype=np.float64)
        d = 2 * self.compression  # kappa
        if self.scale == "k1":
            out = 2 * math.pi / d * np.sqrt(qa * (1 - qa))
        else:
            z = 4 * math.log(max(self.count / d, 1.0)) + (24 if self.scale == "k2" else 21)
            tail = qa * (1 - qa) if self.scale == "k2" else np.minimum(qa, 1 - qa)
            out = z / d * tail
        return float(out) if np.ndim(q) == 0 else out

    def __repr__(self) -> str:
        n = self.count
        m = len(self)
        if self.scale == "k1":
            bound = f"{math.pi / self.compression:.3g}·sqrt(q(1-q))"
        elif self.scale == "k2":
            bound = f"{float(self.rank_error_bound(0.5)) * 4:.3g}·q(1-q)"
        else:
            bound = f"{float(self.rank_error_bound(0.5)) * 2:.3g}·min(q,1-q)"
        return (
            f"TDigest(compression={self.compression:g}, scale={self.scale!r}, count={n:g}, "
            f"centroids={m}, bytes={_format.OVERHEAD + _HEADER.size + 16 * m}, "
            f"rank error ≲ {bound})"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TDigest):
            return NotImplemented
        return self.to_bytes() == other.to_bytes()

    __hash__ = None  # type: ignore[assignment]
