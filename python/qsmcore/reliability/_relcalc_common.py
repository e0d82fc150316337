"""Shared helpers of the availability, durability, blast-radius and chaos modules.

Parameter checks whose messages name the parameter, its value and the allowed range, and
the result mixin (``to_dict()`` plus a one-line ``repr``) used by their frozen dataclasses.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from typing import Any

import numpy as np

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
    """``value`` as a finite float in the given range, else TypeError/ValueError."""
    lo = "-inf" if low is None else repr(low)
    hi = "inf" if high is None else repr(high)
    allowed = (
        f"{'(' if low_open or low is None else '['}{lo}, {hi}"
        f"{')' if high_open or high is None else ']'}"
    )
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{fn}: {name} must be a real number in {allowed}, got {value!r} "
            f"({type(value).__name__})"
        )
    x = float(value)
    ok = math.isfinite(x)
    if ok and low is not None:
        ok = x > low if low_open else x >= low
    if ok and high is not None:
        ok = x < high if high_open else x <= high
    if not ok:
        raise ValueError(f"{fn}: {name} must be a finite number in {allowed}, got {value!r}")
    return x


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


def _plain(v: Any) -> Any:
    if isinstance(v, Result):
        return v.to_dict()
    if isinstance(v, np.ndarray):
        return v.tolist()
    if isinstance(v, (tuple, list)):
        return [_plain(x) for x in v]
    if isinstance(v, np.generic):
        return v.item()
    return v


def _short(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.6g}"
    if isinstance(v, np.ndarray):
        if v.size > 8:
            return f"array(shape={v.shape})"
        return "[" + ", ".join(f"{float(x):.4g}" for x in v.ravel()) + "]"
    if isinstance(v, tuple) and v and isinstance(v[0], float):
        return "(" + ", ".join(f"{x:.6g}" for x in v) + ")"
    return repr(v)


class Result:
    """Mixin for frozen result dataclasses: ``to_dict()`` and a compact one-line ``repr``."""

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        """The fields as plain Python values (arrays become lists)."""
        return {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self)}  # type: ignore[arg-type]

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{f.name}={_short(getattr(self, f.name))}"
            for f in dataclasses.fields(self)  # type: ignore[arg-type]
            if f.repr
        )
        return f"{type(self).__name__}({shown})"
