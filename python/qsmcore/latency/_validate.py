"""Parameter checks shared by the latency modules (messages name the parameter)."""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from typing import Any

import numpy as np

from qsmcore._checks import real

DEFAULT_QUANTILES = (0.5, 0.9, 0.99, 0.999)


def integer(name: str, value: Any, *, low: int, high: int | None = None) -> int:
    """``value`` as an int in [low, high]; floats that are whole numbers (1e6) are accepted."""
    allowed = f"[{low}, {'inf' if high is None else high}]"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be an integer in {allowed}, got {value!r}")
    if not isinstance(value, numbers.Integral):
        if not (math.isfinite(float(value)) and float(value).is_integer()):
            raise ValueError(f"{name} must be a whole number in {allowed}, got {value!r}")
        value = int(value)
    value = int(value)
    if value < low or (high is not None and value > high):
        raise ValueError(f"{name} must be in {allowed}, got {value}")
    return value


def confidence(value: Any) -> float:
    return real("confidence", value, low=0.0, high=1.0)


def quantiles(q: Any, name: str = "q") -> tuple[float, ...]:
    """A scalar or an iterable of probabilities, each in the open interval (0, 1)."""
    items: Iterable[Any] = (q,) if isinstance(q, numbers.Real) or np.ndim(q) == 0 else q
    out = tuple(real(name, v, low=0.0, high=1.0) for v in np.asarray(items, dtype=object).ravel())
    if not out:
        raise ValueError(f"{name} must hold at least one probability in (0, 1)")
    return out


def samples(values: Any, name: str = "samples", *, nonnegative: bool = False) -> np.ndarray:
    """A contiguous 1-D float64 view (or copy) of a numeric array-like without NaN."""
    if isinstance(values, (str, bytes)):
        raise TypeError(
            f"{name} must be numeric (an array-like of floats), got {type(values).__name__}"
        )
    try:
        array = np.asarray(values)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be an array-like of numbers: {exc}") from None
    if array.dtype.kind not in "iuf":
        raise TypeError(f"{name} must be numeric (int or float), got dtype {array.dtype}")
    array = np.ascontiguousarray(array.ravel(), dtype=np.float64)
    if array.size == 0:
        raise ValueError(f"{name} must not be empty")
    if np.isnan(array).any():
        raise ValueError(f"{name} must not contain NaN (found {int(np.isnan(array).sum())})")
    if nonnegative:
        bad = ~(np.isfinite(array) & (array >= 0))
        if bad.any():
            raise ValueError(
                f"{name} must be finite and >= 0 (latencies); found {array[bad][0]!r} "
                f"at index {int(np.flatnonzero(bad)[0])}"
            )
    return array
