"""Probability distributions and an exact, reproducible sampler.

A distribution is a small frozen value (``exponential(rate=2.0)``,
``lognormal(mean=1.0, scv=4.0)``, ...) that knows its exact moments, its cdf and
its ``scipy.stats`` twin, and that every simulation in qsmcore accepts as input.

Spec strings
------------
``parse`` (and every function that takes a distribution) also reads the form
``"name:args"``: positional values in the order of the constructor, or
``key=value`` pairs, e.g. ``"exp:2.0"`` (rate λ = 2), ``"exp:mean=0.5"``,
``"det:1"``, ``"uniform:0,2"``, ``"erlang:k=3,rate=2"``, ``"gamma:shape=2,scale=1"``,
``"normal:0,1"``, ``"lognormal:mean=1,scv=4"``, ``"lognormal:mu=0,sigma=1"``,
``"weibull:shape=1.5,scale=2"``, ``"pareto:alpha=2.5,xm=1"``,
``"hyperexp:mean=1,scv=4"``, ``"h2:p=0.3,rate1=1,rate2=5"``, ``"empirical:1,2,5"``.
Names are case-insensitive and have the usual aliases (``M``, ``D``, ``E``,
``gaussian``, ``lognorm``, ``h2``...). ``str(d)`` prints the canonical form and
``parse(str(d)) == d``.

Determinism
-----------
``sample(d, n, seed, start)`` returns draws ``start, ..., start + n - 1`` of the
Philox4x32-10 stream keyed by ``seed`` (lane 0). Draw ``i`` depends only on
``(seed, i)`` and the distribution, never on threads, chunking or backend, so
``sample(d, k, s)`` followed by ``sample(d, n - k, s, start=k)`` equals
``sample(d, n, s)`` bit for bit.
"""

from qsmcore.random.distributions import (
    Deterministic,
    Distribution,
    Empirical,
    Erlang,
    Exponential,
    Gamma,
    HyperExponential,
    Lognormal,
    Normal,
    Pareto,
    Uniform,
    Weibull,
    deterministic,
    empirical,
    erlang,
    exponential,
    gamma,
    hyperexponential,
    lognormal,
    normal,
    pareto,
    uniform,
    weibull,
)
from qsmcore.random.sampling import sample
from qsmcore.random.spec import as_distribution, parse

__all__ = [
    "Deterministic",
    "Distribution",
    "Empirical",
    "Erlang",
    "Exponential",
    "Gamma",
    "HyperExponential",
    "Lognormal",
    "Normal",
    "Pareto",
    "Uniform",
    "Weibull",
    "as_distribution",
    "deterministic",
    "empirical",
    "erlang",
    "exponential",
    "gamma",
    "hyperexponential",
    "lognormal",
    "normal",
    "pareto",
    "parse",
    "sample",
    "uniform",
    "weibull",
]
