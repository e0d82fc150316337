"""Coordinated-omission correction, as HdrHistogram's corrected recording does it.

A closed-loop load generator waits for each response before sending the next
request, so a stall of length v hides the requests that an open-loop client
(one request every I) would have sent meanwhile: they would have waited
v - I, v - 2I, ... (Gil Tene, "How NOT to measure latency"). The correction
re-inserts them: every recorded value v is followed by v - k·I, k = 1, 2, ...,
while v - k·I >= I (``rule="reference"``: HdrHistogram's Java/C/Go
``recordValueWithExpectedInterval``), or while v - k·I > 0
(``rule="python"``: the ``hdrhistogram`` PyPI package's
``record_corrected_value``, which also records the remainder v mod I when v is
not a multiple of I). The kernel counts the output first, so memory is exact;
an output longer than ``max_values`` raises instead of allocating.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt

from qsmcore import _backend, _core
from qsmcore.latency import _validate
from qsmcore.latency.order_stats import Percentiles, percentiles

RULES = {"reference": 0, "python": 1}
MAX_VALUES = 2**31  # default bound on the corrected output (16 GiB of float64)
_HARD_MAX = 2**40  # no call may ask for more than this, whatever max_values says


def correct_coordinated_omission(
    samples: npt.ArrayLike,
    expected_interval: float,
    *,
    rule: Literal["reference", "python"] = "reference",
    max_values: int = MAX_VALUES,
    threads: int | None = None,
) -> np.ndarray:
    """The recorded latencies with the requests coordinated omission hid put back.

    Parameters
    ----------
    samples : array-like of float
        Recorded latencies v_i >= 0 (finite), in any unit.
    expected_interval : float
        I > 0, the interval between requests the load generator meant to keep,
        in the same unit.
    rule : {"reference", "python"}
        "reference": missing values v - kI while >= I (HdrHistogram Java/C/Go).
        "python": while > 0 (the ``hdrhistogram`` package on PyPI).
    max_values : int
        Upper bound on the output length (default 2**31); a longer output raises
        ValueError before any memory is allocated.
    threads : int, optional
        CPU threads; the result does not depend on it.

    Returns
    -------
    numpy.ndarray
        float64, each input value followed by its missing values, in input order.
    """
    x = _validate.samples(samples, nonnegative=True)
    interval = _validate.real("expected_interval", expected_interval, low=0.0)
    if rule not in RULES:
        raise ValueError(f"rule must be one of {tuple(RULES)}, got {rule!r}")
    cap = _validate.integer("max_values", max_values, low=1, high=_HARD_MAX)
    nthreads = _backend.check_threads(threads)
    try:
        return _core.latency_co_correct(x, interval, RULES[rule], cap, nthreads)  # type: ignore[no-any-return]
    except ValueError as exc:
        if "exceed" in str(exc):
            raise ValueError(_too_long(x, interval, cap)) from None
        raise


def _too_long(x: np.ndarray, interval: float, cap: int) -> str:
    approx = float(np.sum(np.floor(x / interval))) + x.size
    return (
        f"the corrected output would hold about {approx:.4g} values, more than "
        f"max_values={cap}; raise max_values or check expected_interval={interval!r} "
        f"(largest latency {float(x.max())!r} is {float(x.max()) / interval:.4g} intervals)"
    )


def corrected_percentiles(
    samples: npt.ArrayLike,
    expected_interval: float,
    q: float | tuple[float, ...] | list[float] = _validate.DEFAULT_QUANTILES,
    confidence: float = 0.95,
    *,
    rule: Literal["reference", "python"] = "reference",
    max_values: int = MAX_VALUES,
    threads: int | None = None,
) -> Percentiles:
    """Percentiles of the coordinated-omission-corrected sample.

    The intervals are the order-statistic intervals of ``percentiles`` applied
    to the corrected values. The re-inserted values are a deterministic function
    of the recorded ones, not independent draws, so read the interval as a
    guide to the sampling noise of the recorded run, not as exact coverage.
    """
    corrected = correct_coordinated_omission(
        samples, expected_interval, rule=rule, max_values=max_values, threads=threads
    )
    return percentiles(corrected, q=q, confidence=confidence)
