"""Parameter checks shared by the Python modules: a clear TypeError or ValueError that
names the parameter, before any kernel runs."""

from __future__ import annotations

import math
import numbers
from typing import Any


def real(
    name: str,
    value: Any,
    *,
    low: float | None = None,
    low_open: bool = True,
    high: float | None = None,
    high_open: bool = True,
) -> float:
    """``value`` as a finite float in the given range, else TypeError/ValueError."""
    lo = "-inf" if low is None else repr(low)
    hi = "inf" if high is None else repr(high)
    left = "(" if low_open or low is None else "["
    right = ")" if high_open or high is None else "]"
    allowed = f"{left}{lo}, {hi}{right}"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number in {allowed}, got {value!r}")
    x = float(value)
    ok = math.isfinite(x)
    if ok and low is not None:
        ok = x > low if low_open else x >= low
    if ok and high is not None:
        ok = x < high if high_open else x <= high
    if not ok:
        raise ValueError(f"{name} must be a finite number in {allowed}, got {value!r}")
    return x
