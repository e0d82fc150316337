"""HyperLogLog: the number of distinct items of a stream in ``2**p`` bytes.

The sketch holds ``m = 2**p`` registers (``p`` = ``precision``, 4..18). An item
with 64-bit hash ``h`` goes to register ``i = h mod 2**p`` (the low ``p`` bits)
and offers the rank ``k = 1 + tz(h >> p)``, where ``tz`` counts trailing zero
bits and is capped at ``q = 64 - p`` (so ``1 <= k <= q + 1``); the register
keeps the largest rank it was offered. That is Redis' convention (``hllPatLen``
in Redis' ``hyperloglog.c``), so with ``hash="redis"`` the registers equal a
Redis HLL's bit for bit.

The estimate is Otmar Ertl's improved raw estimator ("New cardinality
estimation algorithms for HyperLogLog sketches", arXiv:1702.01284, 2017), the
one Redis >= 5 uses. From the register histogram ``C_k`` (how many registers
hold ``k``)::

    z = m * tau(1 - C_{q+1} / m)
    z = (z + C_k) / 2            for k = q, q-1, ..., 1
    z = z + m * sigma(C_0 / m)
    N = alpha_inf * m**2 / z,    alpha_inf = 1 / (2 ln 2)

with ``sigma(x) = x + sum_{k>=1} x**(2**k) 2**(k-1)`` and
``tau(x) = (1 - x - sum_{k>=1} (1 - x**(2**-k))**2 2**-k) / 3``. It needs no
empirical bias tables and no switch to linear counting: it is nearly unbiased
from 1 item to far past ``m``, with relative standard error
``sqrt(3 ln 2 - 1) / sqrt(m) ≈ 1.039 / sqrt(m)`` (0.81 % at ``p = 14``) for
large cardinalities, and about ``0.71 / sqrt(m)`` (linear counting's error) for
cardinalities well below ``m``; ``tests/test_sketch_hll.py`` checks both.

Hashes:

- ``hash="qsm"``: ``qsmcore.hash64(values, seed)`` (XXH3-64; see
  ``docs/determinism.md`` for the bytes of each value type).
- ``hash="redis"`` (``precision`` must be 14, ``seed`` 0): Redis' own hash,
  MurmurHash64A with seed ``0xadc83b19`` over the bytes Redis receives for the
  element: ``str`` as UTF-8, ``bytes`` as they are, and integers as their
  decimal ASCII string (a client sends ``PFADD k 123`` as the string
  ``"123"``). Floats and bools are refused: clients disagree on how to format
  them; pass the strings you send to Redis instead. Then ``estimate()`` rounds
  to exactly what ``PFCOUNT`` returns, ``to_redis()`` writes a string Redis
  accepts, and ``from_redis()`` reads what ``GET`` returns.

Updates run in C++ with the GIL released: contiguous 4/8-byte numeric arrays
are hashed and folded in one pass (the hashes never reach memory); other
inputs are hashed by ``hash64`` (or Redis' hash) and then folded. Large inputs
are split into blocks with private registers that are max-merged, so the
registers never depend on ``threads``. ``backend="cuda"`` folds the hashes on
the GPU with ``atomicMax`` through the same index/rank functions
(``qsm/sketch/hll.hpp``); max is order-independent, so the registers are
bit-identical to the CPU's.

Stored bytes (``to_bytes``, kind ``b"HLL "``, version 1), little-endian::

    header (16 bytes): precision p (uint8), hash (uint8: 0 "qsm", 1 "redis"),
                       6 reserved zero bytes, seed (uint64)
    payload (2**p bytes): register j as uint8, j = 0 .. 2**p - 1, each <= 65 - p
"""

from __future__ import annotations

import math
import numbers
import struct
from collections.abc import Sequence
from statistics import NormalDist
from typing import Any, Self

import numpy as np

from qsmcore import _backend, _core
from qsmcore.hashing import hash64
from qsmcore.sketch import _format
from qsmcore.sketch._base import Sketch, locked
from qsmcore.sketch._validate import check_seed

__all__ = ["HyperLogLog"]

KIND = b"HLL "
VERSION = 1
MIN_PRECISION, MAX_PRECISION = 4, 18
REDIS_PRECISION = 14
HASHES = ("qsm", "redis")
_HEADER = struct.Struct("<BB6xQ")
_TEXT = (str, bytes, bytearray)
# sqrt(3 ln 2 - 1): the asymptotic relative standard error of HLL times sqrt(m)
# (Flajolet et al. 2007's 1.04; Ertl 2017, section 4, for this estimator).
RSE_CONSTANT = math.sqrt(3 * math.log(2) - 1)


def _check_precision(precision: Any) -> int:
    if isinstance(precision, bool) or not isinstance(precision, numbers.Integral):
        raise TypeError(
            f"precision must be an int in [{MIN_PRECISION}, {MAX_PRECISION}], got {precision!r}"
        )
    p = int(precision)
    if not MIN_PRECISION <= p <= MAX_PRECISION:
        raise ValueError(f"precision must be in [{MIN_PRECISION}, {MAX_PRECISION}], got {p}")
    return p


def _as_int_array(values: Sequence[Any]) -> np.ndarray:
    """``np.asarray(values)``, except that Python ints needing uint64 stay exact."""
    array = np.asarray(values)
    if array.dtype.kind == "f" and set(map(type, values)) == {int}:
        # NumPy makes float64 of Python ints >= 2**63 mixed with smaller ones;
        # they are exact as uint64 unless some are negative.
        try:
            return np.array(values, dtype=np.uint64)
        except OverflowError:
            raise ValueError("values: integers must all fit in int64 or all in uint64") from None
    return array


class HyperLogLog(Sketch):
    """Distinct count of a stream with ``2**precision`` one-byte registers.

    Parameters
    ----------
    precision
        ``p`` in [4, 18]: ``m = 2**p`` registers, relative standard error
        ``≈ 1.039 / sqrt(m)`` (p = 14: 16 KiB, 0.81 %).
    hash
        ``"qsm"`` (``qsmcore.hash64`` with ``seed``) or ``"redis"`` (Redis'
        MurmurHash64A of the element's bytes; needs ``precision=14``, ``seed=0``).
    seed
        Seed of ``qsmcore.hash64`` (``hash="qsm"``), an int in [0, 2**64).
        Sketches merge only with sketches of the same precision, hash and seed.

    Examples
    --------
    >>> import numpy as np
    >>> h = HyperLogLog(precision=12)
    >>> h.update(np.arange(100_000))
    >>> abs(h.estimate() / 100_000 - 1) < 4 * h.relative_error
    True
    """

    def __init__(self, precision: int = 14, hash: str = "qsm", seed: int = 0) -> None:
        super().__init__()
        p = _check_precision(precision)
        if not isinstance(hash, str) or hash not in HASHES:
            raise ValueError(f"hash must be one of {HASHES}, got {hash!r}")
        s = check_seed(seed)
        if hash == "redis":
            if p != REDIS_PRECISION:
                raise ValueError(
                    f"precision must be {REDIS_PRECISION} with hash='redis' (Redis' HLL), got {p}"
                )
            if s != 0:
                raise ValueError(f"seed must be 0 with hash='redis' (Redis' fixed seed), got {s}")
        self._p = p
        self._hash = hash
        self._seed = s
        self._regs = np.zeros(1 << p, dtype=np.uint8)
        self._estimate: float | None = None  # cached until the registers change

    # ---- parameters ---------------------------------------------------------------

    @property
    def precision(self) -> int:
        """``p``: the number of hash bits that pick a register."""
        return self._p

    @property
    def m(self) -> int:
        """``m = 2**p``: the number of registers."""
        return 1 << self._p

    @property
    def hash(self) -> str:
        """``"qsm"`` or ``"redis"``."""
        return self._hash

    @property
    def seed(self) -> int:
        """Seed of the hash (always 0 for ``hash="redis"``)."""
        return self._seed

    @property
    def relative_error(self) -> float:
        """Relative standard error of the estimate for large cardinalities, ``1.039/sqrt(m)``."""
        return RSE_CONSTANT / math.sqrt(self.m)

    @property
    def nbytes(self) -> int:
        """Bytes of register state (``m``)."""
        return self.m

    @property
    @locked
    def registers(self) -> np.ndarray:
        """A read-only copy of the ``m`` registers (uint8, each in [0, 65 - p])."""
        out = self._regs.copy()
        out.flags.writeable = False
        return out

    # ---- updates ------------------------------------------------------------------

    def _redis_hashes(self, values: Any, nthreads: int) -> np.ndarray:
        if isinstance(values, np.ndarray):
            array = values
        elif isinstance(values, Sequence) and len(values) > 0 and isinstance(values[0], _TEXT):
            return _core.hll_redis_hash_sequence(values)
        elif isinstance(values, Sequence):
            array = _as_int_array(values)
        else:
            raise TypeError(
                "values must be a NumPy array or a sequence of str, bytes or ints, "
                f"got {type(values).__name__}"
            )
        kind = array.dtype.kind
        if kind in "SU":  # NumPy strips the NUL padding in tolist()
            return _core.hll_redis_hash_sequence(array.ravel().tolist())
        if kind == "O":
            flat = array.ravel().tolist()
            try:
                return _core.hll_redis_hash_sequence(flat)
            except TypeError:
                ints = _as_int_array(flat)  # an object array of Python ints?
                if ints.dtype.kind not in "iu":
                    if all(isinstance(v, numbers.Integral) for v in flat):
                        raise ValueError(
                            "values: with hash='redis' integers must lie in [-2**63, 2**64); "
                            "pass str(x) for larger ones (Redis hashes the decimal string)"
                        ) from None
                    raise
                return self._redis_hashes(ints, nthreads)
        if kind in "iu":
            native = np.ascontiguousarray(array.ravel(), dtype=array.dtype.newbyteorder("="))
            return _core.hll_redis_hash_array(native, nthreads)
        if kind in "fb":
            raise TypeError(
                f"values: hash='redis' does not hash {array.dtype} values (clients format "
                "floats and bools differently); pass the str you send to Redis instead"
            )
        raise TypeError(f"values: cannot hash dtype {array.dtype} with hash='redis'")

    def _hashes(self, values: Any, nthreads: int, backend: str) -> np.ndarray:
        if isinstance(values, str | bytes | bytearray | numbers.Number | np.generic):
            values = [values]  # one item
        if self._hash == "redis":
            return self._redis_hashes(values, nthreads)
        if isinstance(values, Sequence) and not isinstance(values, np.ndarray) and not values:
            return np.empty(0, dtype=np.uint64)
        hashes = hash64(values, self._seed, threads=nthreads or None, backend=backend)
        return np.ravel(hashes)

    def update(self, values: Any, *, threads: int | None = None, backend: str = "auto") -> None:
        """Add items: a NumPy array of numbers or strings, or a sequence of str/bytes/ints.

        Parameters
        ----------
        values
            The items (a single str/bytes/number counts as one item). Duplicates
            change nothing, by design.
        threads
            CPU threads (``None``: ``$QSM_NUM_THREADS`` or all cores). The
            registers never depend on it.
        backend
            ``"auto"``, ``"cpu"`` or ``"cuda"``: where the registers are updated
            (the registers are identical on both).
        """
        nthreads = _backend.check_threads(threads)
        n = len(values) if isinstance(values, Sequence) else int(np.size(values))
        name, module = _backend.resolve(backend, n)
        if name == "cpu" and self._hash == "qsm" and isinstance(values, np.ndarray):
            # Fused hash64 + update for contiguous 4/8-byte numbers: the hashes
            # never go to memory (1.6x faster); False for dtypes it does not take.
            with self._lock:
                if _core.hll_update_numeric(self._regs, self._p, values, self._seed, nthreads):
                    self._estimate = None
                    return
        hashes = self._hashes(values, nthreads, name)
        if hashes.size == 0:
            return
        with self._lock:
            module.hll_update(self._regs, self._p, hashes, nthreads)
            self._estimate = None

    # ---- estimates ----------------------------------------------------------------

    @locked
    def histogram(self) -> np.ndarray:
        """``C_k``, k = 0 .. 65 - p: how many registers hold each value."""
        return _core.hll_histogram(self._regs, self._p)

    @locked
    def estimate(self) -> float:
        """Ertl's improved raw estimate of the number of distinct items (0.0 when empty).

        With ``hash="redis"``, ``math.floor(estimate() + 0.5)`` is Redis' ``PFCOUNT``
        (same arithmetic, rounded half away from zero like Redis' ``llroundl``).
        Like Redis, the value is cached until the next ``update`` or ``merge``
        (recomputing it reads all ``m`` registers).
        """
        if self._estimate is None:
            self._estimate = float(_core.hll_estimate(self._regs, self._p))
        return self._estimate

    def estimate_bounds(self, confidence: float = 0.95) -> tuple[float, float]:
        """Normal-approximation bounds ``N (1 ∓ z σ)`` with ``σ = 1.039/sqrt(m)``.

        ``z`` is the two-sided standard normal quantile of ``confidence``. The
        lower bound is at least the number of non-zero registers (each one was
        set by a different item). For cardinalities well below ``m`` the true
        error is smaller than ``σ`` (about ``0.71/sqrt(m)``), so the bounds are
        conservative there.
        """
        if isinstance(confidence, bool) or not isinstance(confidence, numbers.Real):
            raise TypeError(f"confidence must be a float in (0, 1), got {confidence!r}")
        c = float(confidence)
        if not 0.0 < c < 1.0:
            raise ValueError(f"confidence must be in (0, 1), got {c}")
        z = NormalDist().inv_cdf(0.5 + c / 2)
        with self._lock:
            est = self.estimate()
            nonzero = int(np.count_nonzero(self._regs))
        sigma = self.relative_error
        low = max(est * (1.0 - z * sigma), float(nonzero))
        high = est * (1.0 + z * sigma)
        return min(low, est), max(high, est)

    # ---- merge --------------------------------------------------------------------

    def _check_compatible(self, other: Any) -> None:
        if not isinstance(other, HyperLogLog):
            raise TypeError(f"other must be a HyperLogLog, got {type(other).__name__}")
        mine = (self._p, self._hash, self._seed)
        theirs = (other._p, other._hash, other._seed)
        if mine != theirs:
            raise ValueError(
                "other: cannot merge HyperLogLogs with different (precision, hash, seed): "
                f"{mine} vs {theirs}"
            )

    def merge(self, other: HyperLogLog) -> Self:
        """Fold ``other`` in (register-wise max): the sketch of the union. Returns ``self``."""
        self._check_compatible(other)
        theirs = other.registers  # under other's lock, so no lock-order deadlock
        with self._lock:
            _core.hll_merge(self._regs, theirs)
            self._estimate = None
        return self

    # ---- storage ------------------------------------------------------------------

    @locked
    def to_bytes(self) -> bytes:
        """qsmcore's stored format (see the module docstring for the layout)."""
        header = _HEADER.pack(self._p, HASHES.index(self._hash), self._seed)
        return _format.pack(KIND, VERSION, header, self._regs)

    @classmethod
    def from_bytes(cls, data: bytes | bytearray | memoryview) -> Self:
        """Rebuild from ``to_bytes`` output; ``ValueError`` for anything corrupted."""
        _, header, payload = _format.unpack(data, KIND, (VERSION,))
        if len(header) != _HEADER.size:
            raise ValueError(f"HLL: header has {len(header)} bytes, expected {_HEADER.size}")
        if header[2:8] != bytes(6):
            raise ValueError("HLL: reserved header bytes are not zero")
        p, hash_code, seed = _HEADER.unpack(header)
        if not MIN_PRECISION <= p <= MAX_PRECISION:
            raise ValueError(f"HLL: precision {p} is outside [{MIN_PRECISION}, {MAX_PRECISION}]")
        if hash_code >= len(HASHES):
            raise ValueError(f"HLL: unknown hash code {hash_code}")
        if payload.nbytes != 1 << p:
            raise ValueError(f"HLL: payload has {payload.nbytes} bytes, expected {1 << p}")
        regs = np.frombuffer(payload, dtype=np.uint8)
        if regs.max(initial=0) > 65 - p:
            raise ValueError(f"HLL: a register exceeds 65 - precision = {65 - p}")
        out = cls(p, HASHES[hash_code], seed)  # also rejects redis with p != 14 or seed != 0
        out._regs[:] = regs
        return out

    @classmethod
    def from_redis(cls, raw: bytes | bytearray | memoryview) -> Self:
        """Read the string Redis' ``GET`` returns for an HLL key (dense or sparse).

        The result has ``hash="redis"``. The 16-byte header is checked ("HYLL",
        encoding 0 dense / 1 sparse, three zero bytes; the cached cardinality is
        ignored), then the dense registers (12288 bytes of 6-bit fields, each
        <= 51) or the sparse ZERO/XZERO/VAL opcodes (which must cover exactly
        16384 registers). Anything else raises ``ValueError``.
        """
        if not isinstance(raw, bytes | bytearray | memoryview):
            raise TypeError(f"raw must be bytes-like, got {type(raw).__name__}")
        regs = _core.hll_from_redis(bytes(raw))
        out = cls(REDIS_PRECISION, "redis")
        out._regs[:] = regs
        return out

    @locked
    def to_redis(self) -> bytes:
        """A Redis HLL string (dense encoding, cached cardinality marked invalid).

        ``SET key value`` stores it; ``PFCOUNT``/``PFMERGE``/``PFADD`` then work on it.
        Needs ``hash="redis"``: other hashes would not mix with Redis' own items.
        """
        if self._hash != "redis":
            raise ValueError(
                f"hash must be 'redis' for to_redis() (got {self._hash!r}): Redis hashes "
                "elements with MurmurHash64A, so other registers would not mix with its own"
            )
        return _core.hll_to_redis(self._regs)

    # ---- Python protocol ----------------------------------------------------------

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, HyperLogLog):
            return NotImplemented
        if (self._p, self._hash, self._seed) != (other._p, other._hash, other._seed):
            return False
        return bool(np.array_equal(self.registers, other.registers))

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        est = self.estimate()
        seed = f", seed={self._seed}" if self._seed else ""
        return (
            f"HyperLogLog(precision={self._p}, hash={self._hash!r}{seed}): "
            f"estimate {est:,.1f} ± {100 * self.relative_error:.2f}% (1 s.e.), "
            f"m={self.m:,} registers, {self.nbytes:,} bytes"
        )
