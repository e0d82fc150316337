"""Shared helpers of the availability, durability, blast-radius and chaos modules.

Parameter checks whose messages name the parameter, its value and the allowed range, and
the result mixin (``to_dict()`` plus a one-line ``repr``) used by their frozen dataclasses.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

from qsmcore._checks import real as _real
from qsmcore._result import Result

__all__ = ["Result", "choice", "integer", "nines", "positive", "probability", "real"]

HOURS_PER_YEAR = 8766.0  # the Julian year, 365.25 days: the convention behind "AFR"
MINUTES_PER_YEAR = HOURS_PER_YEAR * 60.0


def real(
    fn: str,
    name: str,
    value: Any,
    *,
    low: float | None = None,
    low_open: bool = True,
    high: float | None = None,
    high_open: bool = True,
) -> float:
    """``value`` as a finite float in the given range, else TypeError/ValueError naming
    ``fn`` and ``name``."""
    return _real(f"{fn}: {name}", value, low=low, low_open=low_open, high=high, high_open=high_open)


def positive(fn: str, name: str, value: Any) -> float:
    return real(fn, name, value, low=0.0)


def probability(fn: str, name: str, value: Any, *, open_low: bool, open_high: bool) -> float:
    return real(fn, name, value, low=0.0, low_open=open_low, high=1.0, high_open=open_high)


def integer(fn: str, name: str, value: Any, *, low: int, high: int | None = None) -> int:
    """``value`` as an int in [low, high]; bools and non-integral floats are refused."""
    allowed = f"[{low}, {'inf' if high is None else high}]"
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{fn}: {name} must be an integer in {allowed}, got {value!r} ({type(value).__name__})"
        )
    v = int(value)
    if v < low or (high is not None and v > high):
        raise ValueError(f"{fn}: {name} must be an integer in {allowed}, got {v}")
    return v


def choice(fn: str, name: str, value: Any, allowed: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise ValueError(f"{fn}: {name} must be one of {allowed}, got {value!r}")
    return value


def nines(p_bad: float) -> float:
    """-log10 of a failure probability: 1e-11 is eleven nines; inf for an exact zero."""
    return math.inf if p_bad <= 0.0 else -math.log10(p_bad)
