"""Parameter checks shared by the sketch families: each raises TypeError or
ValueError naming the parameter, the value and the allowed range."""

from __future__ import annotations

import numbers
from typing import Any

from qsmcore.hashing import _check_seed as check_seed

__all__ = ["check_int", "check_prob", "check_seed"]


def check_int(name: str, value: Any, lo: int, hi: int) -> int:
    """``value`` as an int in [lo, hi] (bool is not an int here)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int in [{lo}, {hi}], got {value!r}")
    value = int(value)
    if not lo <= value <= hi:
        raise ValueError(f"{name} must be in [{lo}, {hi}], got {value}")
    return value


def check_prob(name: str, value: Any) -> float:
    """``value`` as a float in the open interval (0, 1)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a float in (0, 1), got {value!r}")
    value = float(value)
    if not 0.0 < value < 1.0:  # also rejects NaN
        raise ValueError(f"{name} must be in (0, 1), got {value}")
    return value
