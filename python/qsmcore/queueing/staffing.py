"""Staffing: the fewest servers c that meet a service-level target (M/M/c, Erlang B)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from qsmcore.queueing.analytic import (
    MAX_SERVERS,
    _erlang_c_from_b,
    _nonneg,
    _positive,
    _prob_open,
    _Result,
)

__all__ = ["StaffingResult", "servers_for"]


@dataclass(frozen=True, slots=True, repr=False)
class StaffingResult(_Result):
    """The fewest servers meeting every target given, with the metrics at that c.

    ``wait`` (M/M/c Wq), ``p_wait`` (Erlang C) and ``p_wait_exceeds`` (P(Wq > t) for the
    ``t`` of ``max_p_wait_exceeds``, else nan) are ``inf``/1 when c <= a (no steady state
    for a waiting system); ``blocking`` is the Erlang B probability of c servers without
    a queue.
    """

    servers: int
    offered_load: float
    utilization: float
    wait: float
    p_wait: float
    p_wait_exceeds: float
    blocking: float


def _targets(max_wait: Any, max_p_wait_exceeds: Any, max_blocking: Any) -> tuple[Any, ...]:
    fn = "servers_for"
    if max_wait is None and max_p_wait_exceeds is None and max_blocking is None:
        raise TypeError(f"{fn}: give at least one of max_wait=, max_p_wait_exceeds=, max_blocking=")
    wmax = None if max_wait is None else _nonneg(fn, "max_wait", max_wait)
    tp = None
    if max_p_wait_exceeds is not None:
        if not isinstance(max_p_wait_exceeds, (tuple, list)) or len(max_p_wait_exceeds) != 2:
            raise TypeError(
                f"{fn}: max_p_wait_exceeds must be a pair (t, p) meaning P(Wq > t) <= p, "
                f"got {max_p_wait_exceeds!r}"
            )
        t = _nonneg(fn, "max_p_wait_exceeds[0] (t)", max_p_wait_exceeds[0])
        p = _prob_open(fn, "max_p_wait_exceeds[1] (p)", max_p_wait_exceeds[1])
        tp = (t, p)
    bmax = None if max_blocking is None else _prob_open(fn, "max_blocking", max_blocking)
    return wmax, tp, bmax


def servers_for(
    arrival_rate: float,
    service_rate: float,
    *,
    max_wait: float | None = None,
    max_p_wait_exceeds: tuple[float, float] | None = None,
    max_blocking: float | None = None,
) -> StaffingResult:
    """The fewest servers c meeting every target given.

    Targets (at least one): ``max_wait`` — M/M/c mean queueing time Wq <= max_wait;
    ``max_p_wait_exceeds=(t, p)`` — M/M/c P(Wq > t) = C e^{-(cμ-λ)t} <= p;
    ``max_blocking`` — Erlang B blocking of the M/M/c/c loss system B(c, a) <= max_blocking.

    The search runs the Erlang B recursion once, from c = 1 upward, checking targets from
    c = floor(a) + 1 when a waiting target needs ρ < 1 (from c = 1 for blocking alone: a
    loose blocking target can be met with c < a); it stops at
    a + 60 √a + 100 servers (beyond any attainable target) and raises ValueError if the
    target is still unmet (e.g. ``max_wait=0``).

    Parameters
    ----------
    arrival_rate : float
        λ >= 0.
    service_rate : float
        μ > 0 per server; a = λ/μ is the offered load.
    max_wait : float, optional
        Wq target >= 0 (time units of 1/λ).
    max_p_wait_exceeds : (float, float), optional
        (t >= 0, p in (0, 1)).
    max_blocking : float, optional
        Blocking target in (0, 1).
    """
    fn = "servers_for"
    lam = _nonneg(fn, "arrival_rate", arrival_rate)
    mu = _positive(fn, "service_rate", service_rate)
    wmax, tp, bmax = _targets(max_wait, max_p_wait_exceeds, max_blocking)
    a = lam / mu
    cap = math.ceil(a + 60.0 * math.sqrt(a) + 100.0)
    if cap > MAX_SERVERS:
        raise ValueError(
            f"{fn}: offered load a = λ/μ = {a:.6g} needs more than {MAX_SERVERS} servers to "
            f"search; use a square-root staffing estimate c ≈ a + β√a instead"
        )
    waiting = wmax is not None or tp is not None
    # Waiting targets need ρ < 1, i.e. c > a. A loose blocking target alone can be met
    # below a (B(c, a) >= 1 - c/a only), so it is checked from c = 1.
    start = math.floor(a) + 1 if waiting else 1
    b = 1.0
    for c in range(1, cap + 1):
        ab = a * b
        b = ab / (c + ab)
        if c < start:
            continue
        if c > a:
            pw = _erlang_c_from_b(c, a, b) if lam > 0 else 0.0
            theta = c * mu - lam
            wq = pw / theta
            pex = pw * math.exp(-theta * tp[0]) if tp is not None else math.nan
        else:
            pw, wq, pex = 1.0, math.inf, (1.0 if tp is not None else math.nan)
        ok = (
            (wmax is None or wq <= wmax)
            and (tp is None or pex <= tp[1])
            and (bmax is None or b <= bmax)
        )
        if ok:
            return StaffingResult(c, a, a / c, wq, pw, pex, b)
    raise ValueError(
        f"{fn}: no c <= {cap} meets the target (max_wait={max_wait!r}, "
        f"max_p_wait_exceeds={max_p_wait_exceeds!r}, max_blocking={max_blocking!r}) "
        f"at λ = {lam!r}, μ = {mu!r}; the target is unreachable"
    )
