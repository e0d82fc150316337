"""``qsmcore.hash64``: the one 64-bit hash every qsmcore sketch uses.

The hash is XXH3-64 (xxHash's ``XXH3_64bits_withSeed``), bit-exact with the
``xxhash`` package's ``xxh3_64_intdigest(data, seed=seed)``:

- ``str`` is hashed as its UTF-8 bytes, ``bytes``/``bytearray`` as they are;
- integers (Python ``int`` in [-2**63, 2**64), any NumPy integer or bool dtype)
  as the 8 little-endian bytes of their 64-bit value, so
  ``hash64(5) == hash64(np.uint64(5)) == xxh3_64_intdigest((5).to_bytes(8, "little"))``
  and ``int32(5)``, ``uint8(5)`` and ``int64(5)`` agree (negative values use two's
  complement, so ``hash64(-1) == hash64(2**64 - 1)``);
- floats as the 8 bytes of their float64 value, with ``-0.0`` mapped to ``0.0``
  and every NaN to one canonical NaN, so equal values hash equal;
- NumPy fixed-width strings: ``S`` arrays as bytes, ``U`` arrays as UTF-8, both
  without NumPy's trailing-NUL padding (so they agree with the same ``bytes``/``str``).
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any, overload

import numpy as np

from qsmcore import _backend, _core

_U64 = 1 << 64
_TEXT = (str, bytes, bytearray)


def _check_seed(seed: Any) -> int:
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"seed must be an int in [0, 2**64), got {seed!r}")
    seed = int(seed)
    if not 0 <= seed < _U64:
        raise ValueError(f"seed must be in [0, 2**64), got {seed}")
    return seed


def _int_word(value: int) -> int:
    if not -(1 << 63) <= value < _U64:
        raise ValueError(f"values: integer {value} is outside [-2**63, 2**64)")
    return value % _U64


def _hash_scalar(value: Any, seed: int) -> int | None:
    """The hash of a scalar, or None when ``value`` is not a scalar."""
    if isinstance(value, str):
        try:
            data = value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ValueError(f"values: str has no UTF-8 form ({exc.reason})") from None
        return _core.hash_bytes(data, seed)
    if isinstance(value, bytes | bytearray | memoryview):
        return _core.hash_bytes(value, seed)
    if isinstance(value, numbers.Integral | np.bool_):  # bool and NumPy integers too
        return _core.hash_u64(_int_word(int(value)), seed)
    if isinstance(value, float | np.floating):
        return int(_core.hash_array(np.array([value], dtype=np.float64), seed, 1)[0])
    return None


@overload
def hash64(values: str | bytes | bytearray | int | float, seed: int = 0) -> int: ...
@overload
def hash64(
    values: np.ndarray | Sequence[Any],
    seed: int = 0,
    *,
    threads: int | None = None,
    backend: str = "auto",
) -> np.ndarray: ...


def hash64(
    values: Any, seed: int = 0, *, threads: int | None = None, backend: str = "auto"
) -> int | np.ndarray:
    """Hash values with XXH3-64 (see the module docstring for the byte rules).

    Parameters
    ----------
    values
        A scalar ``str``/``bytes``/``int``/``float`` (returns a Python ``int``), or
        a NumPy array / sequence of numbers, ``str`` or ``bytes`` (returns a
        ``uint64`` array of the same shape).
    seed
        The XXH3 seed, an int in ``[0, 2**64)``.
    threads
        CPU threads (``None``: ``$QSM_NUM_THREADS`` or all cores). The result
        never depends on it.
    backend
        ``"auto"`` (CUDA for large inputs when a GPU is usable), ``"cpu"`` or
        ``"cuda"``; the hashes are identical on both. Scalars and NumPy ``S``/``U``
        arrays are always hashed on the CPU.
    """
    seed = _check_seed(seed)
    nthreads = _backend.check_threads(threads)
    scalar = _hash_scalar(values, seed)
    if scalar is not None:
        return scalar
    if isinstance(values, np.ndarray):
        array = values
    elif isinstance(values, Sequence) and len(values) > 0 and isinstance(values[0], _TEXT):
        return _hash_text_sequence(values, seed, backend)
    elif isinstance(values, Sequence):
        array = np.asarray(values)
        if array.dtype.kind not in "iubf":  # e.g. [1, "a"], which NumPy makes all-str
            raise TypeError(
                "values: a sequence must hold only numbers or only str/bytes, "
                f"got {type(values[0]).__name__} mixed with other types"
            )
    else:
        raise TypeError(
            f"values must be str, bytes, int, float, a NumPy array or a sequence of them, "
            f"got {type(values).__name__}"
        )
    if array.dtype.kind == "O":
        flat = array.ravel().tolist()
        if any(isinstance(v, _TEXT) for v in flat):
            return _hash_text_sequence(flat, seed, backend).reshape(array.shape)
        array = np.asarray(flat).reshape(array.shape)  # object array of numbers
    if array.dtype.kind in "iubf":
        name, module = _backend.resolve(backend, array.size)
        if name == "cuda":
            return module.hash_words(_core.hash_words(array, nthreads), seed)
        return _core.hash_array(array, seed, nthreads)
    if array.dtype.kind in "SU":
        return _core.hash_array(array, seed, nthreads)
    raise TypeError(
        f"values: cannot hash dtype {array.dtype}; expected integers, floats, bools, str or bytes"
    )


def _hash_text_sequence(values: Sequence[Any], seed: int, backend: str) -> np.ndarray:
    name, module = _backend.resolve(backend, len(values))
    if name == "cuda":
        data, offsets = _core.pack_sequence(values)
        return module.hash_packed(data, offsets, seed)
    try:
        return _core.hash_sequence(values, seed)
    except UnicodeEncodeError as exc:
        raise ValueError(f"values: a str has no UTF-8 form ({exc.reason})") from None
