"""``simulate``: G/G/c(/K) stations, FIFO or with priority classes, by replication in C++.

One station, ``c`` servers, interarrival and service times from any ``qsmcore.random``
law, an optional capacity ``K`` (arrivals that find K customers present are lost) and
optional non-preemptive priority classes. A FIFO single-class station runs the
Kiefer–Wolfowitz recursion (Lindley's for one server) — no event list, tens of
millions of customers per second per core; priority classes run an event loop.

Replication ``r`` draws from its own Philox lanes (``cpp/include/qsm/queue/streams.hpp``,
``docs/determinism.md``): results do not depend on threads or on how replications are
split between calls, and ``combine`` of runs over consecutive replication ranges equals
the single run exactly.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import numpy as np

from qsmcore import _backend, _seed
from qsmcore.queueing._simresult import (
    DEFAULT_QUANTILES,
    SimulationResult,
    check_combinable,
)
from qsmcore.queueing._trace import Trace
from qsmcore.random import Distribution, as_distribution

__all__ = ["SimulationResult", "Trace", "combine", "simulate"]

MAX_REPLICATIONS = 2**24  # the lane layout's replication field
MAX_CUSTOMERS = 2**40  # per replication: the per-class draw index field
MAX_CLASSES = 64
MAX_SERVERS = 10**6
# backend="auto" uses the GPU only when there are enough replications to fill it.
AUTO_CUDA_MIN_REPLICATIONS = 4096

Spec = Distribution | str | float


def _int(name: str, value: object, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # 1e6 from a user is an integer
        else:
            raise TypeError(
                f"simulate: {name} must be an integer in [{lo}, {hi}], got {value!r} "
                f"({type(value).__name__})"
            )
    n = int(value)  # type: ignore[arg-type]
    if not lo <= n <= hi:
        raise ValueError(f"simulate: {name} must be an integer in [{lo}, {hi}], got {n}")
    return n


def time_law(fn: str, name: str, spec: object) -> Distribution:
    """A law of nonnegative times with a finite positive mean."""
    try:
        d = as_distribution(spec, f"{fn}: {name}")  # type: ignore[arg-type]
    except ValueError as exc:
        raise ValueError(f"{fn}: {name}: {exc}") from None
    if not (math.isfinite(d.mean) and d.mean > 0):
        raise ValueError(f"{fn}: {name} must have a finite mean > 0, got {d} (mean {d.mean!r})")
    if d.cdf(-1e-300) > 0:
        raise ValueError(f"{fn}: {name} must be a distribution of times >= 0, got {d}")
    return d


def check_quantiles(fn: str, quantiles: object) -> tuple[float, ...]:
    try:
        qs = tuple(float(q) for q in quantiles)  # type: ignore[attr-defined]
    except (TypeError, ValueError):
        raise TypeError(f"{fn}: quantiles must be a sequence of floats in (0, 1)") from None
    if not qs or any(not 0.0 < q < 1.0 for q in qs) or list(qs) != sorted(set(qs)):
        raise ValueError(
            f"{fn}: quantiles must be distinct, increasing and inside (0, 1), got {quantiles!r}"
        )
    return qs


def check_confidence(fn: str, confidence: object) -> float:
    if isinstance(confidence, bool) or not isinstance(confidence, numbers.Real):
        raise TypeError(f"{fn}: confidence must be a float in (0, 1), got {confidence!r}")
    c = float(confidence)
    if not 0.0 < c < 1.0:
        raise ValueError(f"{fn}: confidence must be in (0, 1), got {confidence!r}")
    return c


def _laws(name: str, spec: Spec | Sequence[Spec]) -> list[Distribution]:
    if isinstance(spec, (list, tuple)):
        if not 1 <= len(spec) <= MAX_CLASSES:
            raise ValueError(
                f"simulate: {name} must hold 1 to {MAX_CLASSES} laws (one per class), "
                f"got {len(spec)}"
            )
        return [time_law("simulate", f"{name}[{k}]", s) for k, s in enumerate(spec)]
    return [time_law("simulate", name, spec)]


def _describe(arrivals: list[Distribution], services: list[Distribution], c: int, k: int) -> str:
    def kendall(d: Distribution) -> str:
        return {"exponential": "M", "deterministic": "D"}.get(type(d).__name__.lower(), "G")

    tail = f"/{k}" if k else ""
    if len(arrivals) == 1:
        name = f"{kendall(arrivals[0])}/{kendall(services[0])}/{c}{tail}"
        return f"{name} FIFO, interarrival {arrivals[0]}, service {services[0]}"
    pairs = enumerate(zip(arrivals, services, strict=True))
    classes = "; ".join(f"class {i}: {a} / {s}" for i, (a, s) in pairs)
    return f"G/G/{c}{tail} non-preemptive priority ({classes})"


def simulate(
    arrival: Spec | Sequence[Spec],
    service: Spec | Sequence[Spec],
    servers: int = 1,
    *,
    capacity: int | None = None,
    customers: int = 100_000,
    warmup: int | None = None,
    replications: int = 30,
    seed: int | np.random.SeedSequence = 0,
    first_replication: int = 0,
    quantiles: Sequence[float] = DEFAULT_QUANTILES,
    confidence: float = 0.95,
    trace: bool = False,
    backend: str = "auto",
    threads: int | None = None,
) -> SimulationResult:
    """Simulate a G/G/c(/K) station by independent replications, with confidence intervals.

    Parameters
    ----------
    arrival, service : spec or list of specs
        Interarrival time A and service time S laws (``qsmcore.random`` distributions,
        spec strings like ``"exp:0.9"`` or ``"lognormal:mean=1,scv=4"``, or numbers for
        constants). Lists of equal length define priority classes: class ``k`` has
        its own renewal arrival stream ``arrival[k]`` and service law ``service[k]``;
        class 0 has the highest non-preemptive priority.
    servers : int
        c >= 1.
    capacity : int, optional
        K >= c: the most customers in the station (waiting + in service); an arrival
        finding K present is lost (``blocking``). None = no limit.
    customers : int
        Arrivals per replication, including the warm-up.
    warmup : int, optional
        Arrivals discarded at the start of each replication (initial-transient
        deletion); default ``customers // 10``. Must leave at least 2 measured.
    replications : int
        Independent replications R >= 2; every reported figure is a mean over them
        with a Student-t interval, so R is also the interval's n.
    seed : int or numpy.random.SeedSequence
        Selects the Philox key.
    first_replication : int
        Index of the first replication: a call with ``first_replication=k`` and
        ``replications=m`` computes replications ``k..k+m-1`` of the experiment,
        identical to the same rows of one bigger call (see ``combine``).
    quantiles : sequence of float
        Wait and response quantiles to estimate per replication.
    confidence : float
        Confidence level of the intervals.
    trace : bool
        Return the per-customer trace of the first replication (memory: 36 bytes per
        customer).
    backend : {"auto", "cpu", "cuda"}
        ``"cuda"`` runs one replication per GPU thread (single-class FIFO only);
        ``"auto"`` picks it for at least 4096 replications when a GPU is usable.
    threads : int, optional
        CPU threads (default all); results do not depend on it.

    Returns
    -------
    SimulationResult
        Wq, W, P(Wq > 0), ρ, L, Lq, throughput, blocking and wait/response quantiles,
        each a ``ConfidenceInterval``; ``classes`` per priority class; ``trace``.

    Notes
    -----
    The intervals are Student-t over replications, so they are honest whatever the
    correlation inside one replication — for means. A quantile is estimated inside
    each replication and then averaged, and a quantile of a short, correlated run is
    biased low in the far tail: the interval shrinks with more replications but the
    bias only with longer ones. Make each replication span many relaxation times
    (about 1/(1-√ρ)² services for one server: 400 at ρ = 0.9, 40,000 at ρ = 0.99)
    and hold many values beyond the quantile (P99.9 of M/M/8 at ρ = 0.9 needs ~10⁶
    customers per replication; at 10⁵ it came out 2-14% low over four seeds).
    """
    arrivals = _laws("arrival", arrival)
    services = _laws("service", service)
    if len(arrivals) != len(services):
        raise ValueError(
            f"simulate: arrival and service must list the same number of classes, got "
            f"{len(arrivals)} and {len(services)}"
        )
    c = _int("servers", servers, 1, MAX_SERVERS)
    k = 0 if capacity is None else _int("capacity", capacity, c, 2**62)
    n = _int("customers", customers, 2, MAX_CUSTOMERS)
    w = n // 10 if warmup is None else _int("warmup", warmup, 0, n - 2)
    if w > n - 2:  # the default on a tiny run
        w = n - 2
    reps = _int("replications", replications, 2, MAX_REPLICATIONS)
    first = _int("first_replication", first_replication, 0, MAX_REPLICATIONS - reps)
    qs = check_quantiles("simulate", quantiles)
    conf = check_confidence("simulate", confidence)
    if not isinstance(trace, bool):
        raise TypeError(f"simulate: trace must be a bool, got {trace!r}")
    nthreads = _backend.check_threads(threads)
    key = _seed.philox_key(seed)

    fifo = len(arrivals) == 1
    wants_gpu = fifo and not trace and reps >= AUTO_CUDA_MIN_REPLICATIONS
    name, module = _backend.resolve(backend, 2**62 if wants_gpu else 0)
    if name == "cuda" and not fifo:
        raise ValueError('simulate: backend="cuda" runs single-class FIFO stations only')
    if name == "cuda" and trace:
        raise ValueError('simulate: trace=True needs backend="cpu"')

    a_args = [d._kernel_args() for d in arrivals]
    s_args = [d._kernel_args() for d in services]
    ps = np.asarray(qs, dtype=np.float64)
    if name == "cuda":
        rows = module.simulate_fifo(a_args[0], s_args[0], c, k, n, w, ps, key, first, reps)
        rows = rows[:, None, :]
        raw_trace = None
    else:
        rows, raw_trace = module.simulate_station(
            a_args, s_args, c, k, n, w, ps, key, first, reps, trace, False, False, nthreads
        )
    model = _describe(arrivals, services, c, k)
    common = dict(customers=n, warmup=w, first_replication=first, quantiles=qs, confidence=conf)
    per_class: tuple[SimulationResult, ...] = ()
    if rows.shape[1] > 1:
        per_class = tuple(
            SimulationResult.from_rows(rows[:, 1 + j, :], model=f"class {j}", **common)
            for j in range(len(arrivals))
        )
    tr = None
    if raw_trace is not None:
        tr = Trace(*raw_trace, replication=first)
    return SimulationResult.from_rows(
        rows[:, 0, :], classes=per_class, trace=tr, model=model, **common
    )


def combine(results: Sequence[SimulationResult]) -> SimulationResult:
    """Concatenate runs over consecutive replication ranges of one experiment.

    ``combine([simulate(..., first_replication=0, replications=8),
    simulate(..., first_replication=8, replications=8)])`` equals
    ``simulate(..., replications=16)`` exactly (split invariance). The runs must
    share the model, seed, customers, warm-up, quantiles and confidence — the
    seed is not stored in a result, so keeping it equal is up to the caller.
    """
    results = list(results)
    check_combinable(results, ("model", "customers", "warmup", "quantiles", "confidence"))
    first = results[0]
    rows = np.concatenate([r.per_replication for r in results])
    n_classes = len(first.classes)
    if any(len(r.classes) != n_classes for r in results):
        raise ValueError("results differ in their number of classes")
    common = dict(
        customers=first.customers,
        warmup=first.warmup,
        first_replication=first.first_replication,
        quantiles=first.quantiles,
        confidence=first.confidence,
    )
    per_class = tuple(
        SimulationResult.from_rows(
            np.concatenate([r.classes[j].per_replication for r in results]),
            model=first.classes[j].model,
            **common,  # type: ignore[arg-type]
        )
        for j in range(n_classes)
    )
    return SimulationResult.from_rows(
        rows,
        classes=per_class,
        trace=first.trace,
        model=first.model,
        **common,  # type: ignore[arg-type]
    )
