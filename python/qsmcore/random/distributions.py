"""Distribution specs: exact moments, cdf, scipy twin, kernel parameters."""

from __future__ import annotations

import functools
import math
import numbers
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt

# Kind codes: must match qsm::DistKind in cpp/include/qsm/core/distributions.hpp.
_DETERMINISTIC, _UNIFORM, _EXPONENTIAL, _ERLANG, _GAMMA, _NORMAL = 0, 1, 2, 3, 4, 5
_LOGNORMAL, _WEIBULL, _PARETO, _HYPEREXP2, _EMPIRICAL = 6, 7, 8, 9, 10

_MAX_ERLANG_K = 2**53  # k travels to C++ as a double; beyond 2**53 it would not be exact
_EMPIRICAL_STR_MAX = 16  # empirical distributions up to this size print in parseable form


# --------------------------------------------------------------------------- validation


def _real(dist: str, name: str, value: object, *, rule: str = "", ok: Any = None) -> float:
    """``value`` as a finite float satisfying ``ok`` (described by ``rule``), else raise."""
    what = f"a finite real number{' ' + rule if rule else ''}"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{dist}: {name} must be {what}, got {value!r} ({type(value).__name__})")
    try:
        x = float(value)
    except OverflowError:
        x = math.inf
    if not math.isfinite(x) or (ok is not None and not ok(x)):
        raise ValueError(f"{dist}: {name} must be {what}, got {value!r}")
    return x


def _positive(dist: str, name: str, value: object) -> float:
    return _real(dist, name, value, rule="> 0", ok=lambda x: x > 0)


def _probability(dist: str, name: str, value: object) -> float:
    return _real(dist, name, value, rule="in the open interval (0, 1)", ok=lambda x: 0 < x < 1)


def _one_of(dist: str, **given: object) -> str:
    """The name of the single non-None keyword, else raise naming all of them."""
    named = [k for k, v in given.items() if v is not None]
    if len(named) != 1:
        opts = ", ".join(f"{k}=" for k in given)
        got = ", ".join(f"{k}={given[k]!r}" for k in named) or "none"
        raise TypeError(f"{dist}: give exactly one of {opts} (got {got})")
    return named[0]


def _exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def _expm1(x: float) -> float:
    try:
        return math.expm1(x)
    except OverflowError:
        return math.inf


def _fmt(x: float | int) -> str:
    return str(x) if isinstance(x, int) else repr(float(x))


# --------------------------------------------------------------------------- base class


class Distribution(ABC):
    """Base class of every distribution spec: exact moments, cdf, scipy twin, spec string."""

    __slots__ = ()
    kind: ClassVar[int]
    name: ClassVar[str]  # canonical name in spec strings

    # -- moments -------------------------------------------------------------
    @property
    @abstractmethod
    def mean(self) -> float:
        """Exact mean E[X] (``inf`` where it is infinite)."""

    @property
    @abstractmethod
    def variance(self) -> float:
        """Exact variance Var[X] (``inf`` where it is infinite)."""

    @property
    def std(self) -> float:
        """Standard deviation σ = sqrt(Var[X])."""
        return math.sqrt(self.variance)

    @property
    def scv(self) -> float:
        """Squared coefficient of variation Var[X] / E[X]² (``inf`` if the variance is
        infinite, ``nan`` if the mean is 0)."""
        v, m = self.variance, self.mean
        if math.isinf(v):
            return math.inf
        if m == 0:
            return math.nan
        r = math.sqrt(v) / abs(m)
        return r * r

    # -- cdf -------------------------------------------------------------------
    def cdf(self, x: npt.ArrayLike) -> Any:
        """Exact cumulative distribution function P(X <= x), vectorized.

        Returns a float for a scalar ``x`` and a float64 array of ``x``'s shape
        otherwise; NaN in gives NaN out.
        """
        arr = np.asarray(x, dtype=np.float64)
        with np.errstate(all="ignore"):
            out = np.asarray(self._cdf(arr), dtype=np.float64)
        out = np.where(np.isnan(arr), np.nan, out)
        return float(out) if out.ndim == 0 else out

    @abstractmethod
    def _cdf(self, x: np.ndarray) -> np.ndarray:
        """The cdf on a float64 array (NaN handling is done by ``cdf``)."""

    # -- scipy, strings, kernel ------------------------------------------------
    def to_scipy(self) -> Any:
        """The equivalent frozen ``scipy.stats`` distribution."""
        raise TypeError(f"{self.name} has no scipy.stats equivalent; use .cdf() and the moments")

    @abstractmethod
    def _spec_items(self) -> tuple[tuple[str, float | int], ...]:
        """The canonical ``(parameter, value)`` pairs, in kernel order."""

    def __str__(self) -> str:
        return f"{self.name}:" + ",".join(f"{k}={_fmt(v)}" for k, v in self._spec_items())

    def _kernel_args(self) -> tuple[int, tuple[float, float, float, float], np.ndarray | None]:
        """``(kind code, (p0, p1, p2, p3), data)`` as the C++ ``qsm::Dist`` expects them."""
        p = [float(v) for _, v in self._spec_items()]
        return self.kind, (*p, *[0.0] * (4 - len(p))), None  # type: ignore[return-value]


def _where_pos(x: np.ndarray, f: Any) -> np.ndarray:
    """``f(x)`` where x > 0, else 0 (for the cdf of a positive variable)."""
    return np.where(x > 0, f(np.where(x > 0, x, 1.0)), 0.0)


# --------------------------------------------------------------------------- the kinds


@dataclass(frozen=True)
class Deterministic(Distribution):
    """Point mass at ``value``: X = value with probability 1."""

    value: float
    kind: ClassVar[int] = _DETERMINISTIC
    name: ClassVar[str] = "deterministic"

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", _real("deterministic", "value", self.value))

    mean = property(lambda self: self.value, doc="Exact mean (the value).")
    variance = property(lambda self: 0.0, doc="Exact variance (0).")

    def _cdf(self, x: np.ndarray) -> np.ndarray:
        return np.where(x >= self.value, 1.0, 0.0)

    def to_scipy(self) -> Any:
        from scipy import stats

        return stats.rv_discrete(values=([self.value], [1.0]))

    def _spec_items(self) -> tuple[tuple[str, float | int], ...]:
        return (("value", self.value),)


@dataclass(frozen=True)
class Uniform(Distribution):
    """Continuous uniform on (low, high)."""

    low: float
    high: float
    kind: ClassVar[int] = _UNIFORM
    name: ClassVar[str] = "uniform"

    def __post_init__(self) -> None:
        low = _real("uniform", "low", self.low)
        high = _real("uniform", "high", self.high)
        if not (low < high and math.isfinite(high - low) and math.nextafter(low, high) < high):
            raise ValueError(
                f"uniform: need low < high with a finite width and room for a value strictly "
                f"between them, got low={self.low!r}, high={self.high!r}"
            )
        object.__setattr__(self, "low", low)
        object.__setattr__(self, "high", high)

    mean = property(lambda self: 0.5 * self.low + 0.5 * self.high, doc="(low + high) / 2.")
    variance = property(
        lambda self: (self.high - self.low) * (self.high - self.low) / 12.0,
        doc="(high - low)² / 12.",
    )

    def _cdf(self, x: np.ndarray) -> np.ndarray:
        return np.clip((x - self.low) / (self.high - self.low), 0.0, 1.0)

    def to_scipy(self) -> Any:
        from scipy import stats

        return stats.uniform(loc=self.low, scale=self.high - self.low)

    def _spec_items(self) -> tuple[tuple[str, float | int], ...]:
        return (("low", self.low), ("high", self.high))


@dataclass(frozen=True)
class Exponential(Distribution):
    """Exponential with rate λ: P(X > x) = exp(-λx), mean 1/λ."""

    rate: float
    kind: ClassVar[int] = _EXPONENTIAL
    name: ClassVar[str] = "exponential"

    def __post_init__(self) -> None:
        rule, ok = "> 0 with 1/rate finite", lambda x: x > 0 and math.isfinite(1.0 / x)
        object.__setattr__(self, "rate", _real("exponential", "rate", self.rate, rule=rule, ok=ok))

    mean = property(lambda self: 1.0 / self.rate, doc="1/λ.")
    variance = property(lambda self: (1.0 / self.rate) * (1.0 / self.rate), doc="1/λ².")
    scv = property(lambda self: 1.0, doc="Exactly 1.")

    def _cdf(self, x: np.ndarray) -> np.ndarray:
        return _where_pos(x, lambda t: -np.expm1(-self.rate * t))

    def to_scipy(self) -> Any:
        from scipy import stats

        return stats.expon(scale=1.0 / self.rate)

    def _spec_items(self) -> tuple[tuple[str, float | int], ...]:
        return (("rate", self.rate),)


def _erlang_k(k: object) -> int:
    if isinstance(k, bool) or not isinstance(k, numbers.Real):
        raise TypeError(f"erlang: k must be an integer >= 1, got {k!r} ({type(k).__name__})")
    if isinstance(k, numbers.Integral):
        ok = 1 <= k <= _MAX_ERLANG_K
    else:
        x = float(k)
        ok = math.isfinite(x) and x.is_integer() and 1 <= x <= _MAX_ERLANG_K
    if not ok:
        raise ValueError(f"erlang: k must be an integer in [1, 2**53], got {k!r}")
    return int(k)


@dataclass(frozen=True)
class Erlang(Distribution):
    """Erlang-k with rate λ: the sum of k independent Exp(λ); mean k/λ, scv 1/k."""

    k: int
    rate: float
    kind: ClassVar[int] = _ERLANG
    name: ClassVar[str] = "erlang"

    def __post_init__(self) -> None:
        object.__setattr__(self, "k", _erlang_k(self.k))
        object.__setattr__(self, "rate", _positive("erlang", "rate", self.rate))

    mean = property(lambda self: self.k / self.rate, doc="k/λ.")
    variance = property(lambda self: self.k / self.rate / self.rate, doc="k/λ².")
    scv = property(lambda self: 1.0 / self.k, doc="1/k.")

    def _cdf(self, x: np.ndarray) -> np.ndarray:
        from scipy import special

        return special.gammainc(self.k, np.maximum(x, 0.0) * self.rate)

    def to_scipy(self) -> Any:
        from scipy import stats

        return stats.erlang(self.k, scale=1.0 / self.rate)

    def _spec_items(self) -> tuple[tuple[str, float | int], ...]:
        return (("k", self.k), ("rate", self.rate))


@dataclass(frozen=True)
class Gamma(Distribution):
    """Gamma with shape k and scale θ: density x^(k-1) e^(-x/θ) / (Γ(k) θ^k)."""

    shape: float
    scale: float
    kind: ClassVar[int] = _GAMMA
    name: ClassVar[str] = "gamma"

    def __post_init__(self) -> None:
        object.__setattr__(self, "shape", _positive("gamma", "shape", self.shape))
        object.__setattr__(self, "scale", _positive("gamma", "scale", self.scale))

    mean = property(lambda self: self.shape * self.scale, doc="kθ.")
    variance = property(lambda self: self.shape * self.scale * self.scale, doc="kθ².")
    scv = property(lambda self: 1.0 / self.shape, doc="1/k.")

    def _cdf(self, x: np.ndarray) -> np.ndarray:
        from scipy import special

        return special.gammainc(self.shape, np.maximum(x, 0.0) / self.scale)

    def to_scipy(self) -> Any:
        from scipy import stats

        return stats.gamma(self.shape, scale=self.scale)

    def _spec_items(self) -> tuple[tuple[str, float | int], ...]:
        return (("shape", self.shape), ("scale", self.scale))


@dataclass(frozen=True)
class Normal(Distribution):
    """Normal (Gaussian) with mean μ and standard deviation σ."""

    mu: float
    sigma: float
    kind: ClassVar[int] = _NORMAL
    name: ClassVar[str] = "normal"

    def __post_init__(self) -> None:
        object.__setattr__(self, "mu", _real("normal", "mean", self.mu))
        object.__setattr__(self, "sigma", _positive("normal", "sd", self.sigma))

    mean = property(lambda self: self.mu, doc="μ.")
    variance = property(lambda self: self.sigma * self.sigma, doc="σ².")

    def _cdf(self, x: np.ndarray) -> np.ndarray:
        from scipy import special

        return special.ndtr((x - self.mu) / self.sigma)

    def to_scipy(self) -> Any:
        from scipy import stats

        return stats.norm(loc=self.mu, scale=self.sigma)

    def _spec_items(self) -> tuple[tuple[str, float | int], ...]:
        return (("mean", self.mu), ("sd", self.sigma))


@dataclass(frozen=True)
class Lognormal(Distribution):
    """Lognormal: log X ~ Normal(μ, σ²); mean exp(μ + σ²/2), scv exp(σ²) - 1."""

    mu: float
    sigma: float
    kind: ClassVar[int] = _LOGNORMAL
    name: ClassVar[str] = "lognormal"

    def __post_init__(self) -> None:
        object.__setattr__(self, "mu", _real("lognormal", "mu", self.mu))
        object.__setattr__(self, "sigma", _positive("lognormal", "sigma", self.sigma))

    @property
    def mean(self) -> float:
        """exp(μ + σ²/2)."""
        return _exp(self.mu + 0.5 * self.sigma * self.sigma)

    @property
    def variance(self) -> float:
        """(exp(σ²) - 1) exp(2μ + σ²)."""
        s2 = self.sigma * self.sigma
        return _expm1(s2) * _exp(2.0 * self.mu + s2)

    @property
    def scv(self) -> float:
        """exp(σ²) - 1."""
        return _expm1(self.sigma * self.sigma)

    def _cdf(self, x: np.ndarray) -> np.ndarray:
        from scipy import special

        return _where_pos(x, lambda t: special.ndtr((np.log(t) - self.mu) / self.sigma))

    def to_scipy(self) -> Any:
        from scipy import stats

        return stats.lognorm(self.sigma, scale=math.exp(self.mu))

    def _spec_items(self) -> tuple[tuple[str, float | int], ...]:
        return (("mu", self.mu), ("sigma", self.sigma))


@dataclass(frozen=True)
class Weibull(Distribution):
    """Weibull with shape k and scale λ: P(X > x) = exp(-(x/λ)^k)."""

    shape: float
    scale: float
    kind: ClassVar[int] = _WEIBULL
    name: ClassVar[str] = "weibull"

    def __post_init__(self) -> None:
        object.__setattr__(self, "shape", _positive("weibull", "shape", self.shape))
        object.__setattr__(self, "scale", _positive("weibull", "scale", self.scale))

    @property
    def mean(self) -> float:
        """λ Γ(1 + 1/k)."""
        return self.scale * _exp(math.lgamma(1.0 + 1.0 / self.shape))

    @property
    def variance(self) -> float:
        """λ² (Γ(1 + 2/k) - Γ(1 + 1/k)²), evaluated without cancellation."""
        g1 = math.lgamma(1.0 + 1.0 / self.shape)
        return self.scale * self.scale * _exp(2.0 * g1) * self.scv

    @property
    def scv(self) -> float:
        """Γ(1 + 2/k) / Γ(1 + 1/k)² - 1."""
        k = self.shape
        g2 = math.lgamma(1.0 + 2.0 / k)
        return math.inf if math.isinf(g2) else _expm1(g2 - 2.0 * math.lgamma(1.0 + 1.0 / k))

    def _cdf(self, x: np.ndarray) -> np.ndarray:
        return _where_pos(x, lambda t: -np.expm1(-((t / self.scale) ** self.shape)))

    def to_scipy(self) -> Any:
        from scipy import stats

        return stats.weibull_min(self.shape, scale=self.scale)

    def _spec_items(self) -> tuple[tuple[str, float | int], ...]:
        return (("shape", self.shape), ("scale", self.scale))


@dataclass(frozen=True)
class Pareto(Distribution):
    """Pareto (type I) with shape α and minimum x_m: P(X > x) = (x_m / x)^α for x >= x_m."""

    alpha: float
    xm: float
    kind: ClassVar[int] = _PARETO
    name: ClassVar[str] = "pareto"

    def __post_init__(self) -> None:
        object.__setattr__(self, "alpha", _positive("pareto", "alpha", self.alpha))
        object.__setattr__(self, "xm", _positive("pareto", "xm", self.xm))

    @property
    def mean(self) -> float:
        """α x_m / (α - 1) for α > 1, else inf."""
        a = self.alpha
        return a * self.xm / (a - 1.0) if a > 1.0 else math.inf

    @property
    def variance(self) -> float:
        """x_m² α / ((α - 1)² (α - 2)) for α > 2, else inf."""
        a = self.alpha
        return self.xm * self.xm * a / ((a - 1.0) * (a - 1.0) * (a - 2.0)) if a > 2.0 else math.inf

    @property
    def scv(self) -> float:
        """1 / (α (α - 2)) for α > 2, else inf."""
        a = self.alpha
        return 1.0 / (a * (a - 2.0)) if a > 2.0 else math.inf

    def _cdf(self, x: np.ndarray) -> np.ndarray:
        safe = np.where(x > self.xm, x, self.xm)
        return np.where(x > self.xm, -np.expm1(self.alpha * np.log(self.xm / safe)), 0.0)

    def to_scipy(self) -> Any:
        from scipy import stats

        return stats.pareto(self.alpha, scale=self.xm)

    def _spec_items(self) -> tuple[tuple[str, float | int], ...]:
        return (("alpha", self.alpha), ("xm", self.xm))


@dataclass(frozen=True)
class HyperExponential(Distribution):
    """Two-phase hyperexponential H2: Exp(λ1) with probability p, else Exp(λ2)."""

    p: float
    rate1: float
    rate2: float
    kind: ClassVar[int] = _HYPEREXP2
    name: ClassVar[str] = "hyperexponential"

    def __post_init__(self) -> None:
        object.__setattr__(self, "p", _probability("hyperexponential", "p", self.p))
        object.__setattr__(self, "rate1", _positive("hyperexponential", "rate1", self.rate1))
        object.__setattr__(self, "rate2", _positive("hyperexponential", "rate2", self.rate2))

    @property
    def mean(self) -> float:
        """p/λ1 + (1 - p)/λ2."""
        return self.p / self.rate1 + (1.0 - self.p) / self.rate2

    @property
    def variance(self) -> float:
        """E[X²] - E[X]² with E[X²] = 2p/λ1² + 2(1 - p)/λ2²."""
        a, b = self.p / self.rate1, (1.0 - self.p) / self.rate2  # the two mean contributions
        # E[X²] - E[X]² = 2a/λ1 + 2b/λ2 - (a + b)² = a² (2/p - 1) + b² (2/(1-p) - 1) - 2ab
        return a * a * (2.0 / self.p - 1.0) + b * b * (2.0 / (1.0 - self.p) - 1.0) - 2.0 * a * b

    def _cdf(self, x: np.ndarray) -> np.ndarray:
        p, r1, r2 = self.p, self.rate1, self.rate2
        return _where_pos(x, lambda t: -(p * np.expm1(-r1 * t) + (1.0 - p) * np.expm1(-r2 * t)))

    def _spec_items(self) -> tuple[tuple[str, float | int], ...]:
        return (("p", self.p), ("rate1", self.rate1), ("rate2", self.rate2))


@dataclass(frozen=True, eq=False)
class Empirical(Distribution):
    """Uniform resampling of a fixed sample: X = values[I], I uniform on {0, ..., n-1}."""

    values: np.ndarray
    kind: ClassVar[int] = _EMPIRICAL
    name: ClassVar[str] = "empirical"

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", _empirical_values(self.values))

    @functools.cached_property
    def mean(self) -> float:  # type: ignore[override]
        """The average of the values (correctly rounded sum)."""
        return math.fsum(self.values.tolist()) / self.values.size

    @functools.cached_property
    def variance(self) -> float:  # type: ignore[override]
        """The population variance of the values, Σ(x - mean)² / n."""
        d = self.values - self.mean
        return math.fsum((d * d).tolist()) / self.values.size

    def _cdf(self, x: np.ndarray) -> np.ndarray:
        srt = np.sort(self.values)
        return np.searchsorted(srt, x, side="right") / srt.size

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Empirical):
            return NotImplemented
        return bool(np.array_equal(self.values, other.values))

    def __hash__(self) -> int:
        return hash((Empirical, self.values.tobytes()))

    def __str__(self) -> str:
        v = self.values
        if v.size <= _EMPIRICAL_STR_MAX:
            return "empirical:" + ",".join(repr(float(x)) for x in v)
        return f"empirical(n={v.size}, mean={self.mean!r}, min={v.min()!r}, max={v.max()!r})"

    def __repr__(self) -> str:
        return f"Empirical(n={self.values.size}, mean={self.mean!r})"

    def _spec_items(self) -> tuple[tuple[str, float | int], ...]:
        return ()  # the values travel as the kernel's data array, see _kernel_args

    def _kernel_args(self) -> tuple[int, tuple[float, float, float, float], np.ndarray | None]:
        return self.kind, (0.0, 0.0, 0.0, 0.0), self.values


def _empirical_values(values: object) -> np.ndarray:
    if isinstance(values, str | bytes) or isinstance(values, numbers.Number):
        raise TypeError(f"empirical: values must be a 1-D array of real numbers, got {values!r}")
    try:
        arr = np.asarray(values)
    except (TypeError, ValueError) as exc:  # ragged lists and the like
        raise TypeError(f"empirical: values must be a 1-D array of real numbers ({exc})") from None
    if arr.dtype == np.bool_ or arr.dtype.kind not in "iuf":
        raise TypeError(
            f"empirical: values must be real numbers, got an array of dtype {arr.dtype}"
        )
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"empirical: values must be a non-empty 1-D array, got shape {arr.shape}")
    out = np.array(arr, dtype=np.float64, order="C", copy=True)
    if not np.all(np.isfinite(out)):
        bad = out[~np.isfinite(out)][0]
        raise ValueError(f"empirical: values must all be finite, found {bad!r}")
    out.setflags(write=False)
    return out


# --------------------------------------------------------------------------- constructors


def deterministic(value: float) -> Deterministic:
    """Point mass: X = ``value`` always (any finite real)."""
    return Deterministic(value)


def uniform(low: float, high: float) -> Uniform:
    """Continuous uniform on (``low``, ``high``), low < high; mean (low + high)/2."""
    return Uniform(low, high)


def exponential(rate: float | None = None, mean: float | None = None) -> Exponential:
    """Exponential with rate λ = ``rate`` or mean 1/λ = ``mean`` (give exactly one).

    P(X > x) = exp(-λx); mean 1/λ, variance 1/λ², scv 1.
    """
    if _one_of("exponential", rate=rate, mean=mean) == "mean":
        rate = 1.0 / _positive("exponential", "mean", mean)
    return Exponential(rate)


def erlang(k: int, rate: float | None = None, mean: float | None = None) -> Erlang:
    """Erlang-k: the sum of ``k`` independent exponentials of rate λ.

    Give λ = ``rate`` or the total ``mean`` k/λ (exactly one). scv = 1/k.
    """
    if _one_of("erlang", rate=rate, mean=mean) == "mean":
        m = _positive("erlang", "mean", mean)
        return Erlang(k, _erlang_k(k) / m)
    return Erlang(k, rate)


def gamma(
    shape: float, scale: float | None = None, rate: float | None = None, mean: float | None = None
) -> Gamma:
    """Gamma with shape k = ``shape`` > 0 and one of scale θ, rate 1/θ or mean kθ.

    Mean kθ, variance kθ², scv 1/k.
    """
    which = _one_of("gamma", scale=scale, rate=rate, mean=mean)
    if which == "rate":
        scale = 1.0 / _positive("gamma", "rate", rate)
    elif which == "mean":
        scale = _positive("gamma", "mean", mean) / _positive("gamma", "shape", shape)
    return Gamma(shape, scale)


def normal(mean: float, sd: float) -> Normal:
    """Normal with mean μ = ``mean`` and standard deviation σ = ``sd`` > 0."""
    return Normal(mean, sd)


def lognormal(
    mu: float | None = None,
    sigma: float | None = None,
    *,
    mean: float | None = None,
    scv: float | None = None,
) -> Lognormal:
    """Lognormal, from log-space ``mu``, ``sigma`` or from ``mean`` and ``scv``.

    log X ~ Normal(μ, σ²). From the mean m and squared coefficient of variation
    c²: σ² = log(1 + c²), μ = log(m) - σ²/2, so that E[X] = m and Var[X]/m² = c².
    """
    if mean is None and scv is None:
        if mu is None or sigma is None:
            raise TypeError("lognormal: give mu= and sigma=, or mean= and scv=")
        return Lognormal(mu, sigma)
    if mu is not None or sigma is not None or mean is None or scv is None:
        raise TypeError(
            f"lognormal: give mu= and sigma=, or mean= and scv= (got mu={mu!r}, sigma={sigma!r}, "
            f"mean={mean!r}, scv={scv!r})"
        )
    m = _positive("lognormal", "mean", mean)
    c2 = _positive("lognormal", "scv", scv)
    s2 = math.log1p(c2)
    return Lognormal(math.log(m) - 0.5 * s2, math.sqrt(s2))


def weibull(shape: float, scale: float) -> Weibull:
    """Weibull with shape k and scale λ (both > 0): P(X > x) = exp(-(x/λ)^k)."""
    return Weibull(shape, scale)


def pareto(alpha: float, xm: float) -> Pareto:
    """Pareto (type I) with tail index α > 0 and minimum x_m > 0.

    P(X > x) = (x_m/x)^α for x >= x_m. The mean is infinite for α <= 1 and the
    variance for α <= 2. For very small α draws can exceed the double range and
    come out as ``inf``.
    """
    return Pareto(alpha, xm)


def hyperexponential(
    mean: float | None = None,
    scv: float | None = None,
    *,
    p: float | None = None,
    rate1: float | None = None,
    rate2: float | None = None,
) -> HyperExponential:
    """Two-phase hyperexponential H2, either fitted or given explicitly.

    ``hyperexponential(mean, scv)`` fits the balanced-means H2 (each phase
    contributes half the mean) to mean m and scv c² > 1:
    p = (1 + sqrt((c² - 1)/(c² + 1)))/2, λ1 = 2p/m, λ2 = 2(1 - p)/m; it
    reproduces m and c² exactly. ``hyperexponential(p=, rate1=, rate2=)`` takes
    phase 1 with probability p and rates λ1, λ2.
    """
    explicit = (p, rate1, rate2)
    if mean is None and scv is None:
        if any(v is None for v in explicit):
            raise TypeError("hyperexponential: give mean= and scv=, or p=, rate1= and rate2=")
        return HyperExponential(p, rate1, rate2)  # type: ignore[arg-type]
    if any(v is not None for v in explicit) or mean is None or scv is None:
        raise TypeError(
            "hyperexponential: give mean= and scv=, or p=, rate1= and rate2=, not a mix"
        )
    m = _positive("hyperexponential", "mean", mean)
    rule = "> 1 (an H2 is more variable than an exponential)"
    c2 = _real("hyperexponential", "scv", scv, rule=rule, ok=lambda x: x > 1)
    q = math.sqrt((c2 - 1.0) / (c2 + 1.0))
    p2 = (1.0 / (c2 + 1.0)) / (1.0 + q)  # = (1 - q)/2 without cancellation
    p1 = 1.0 - p2
    if not p1 < 1.0:
        raise ValueError(f"hyperexponential: scv must be <= 1e15 for a usable fit, got {scv!r}")
    p2 = 1.0 - p1  # exact (Sterbenz), so the phases' probabilities add to 1
    return HyperExponential(p1, 2.0 * p1 / m, 2.0 * p2 / m)


def empirical(values: npt.ArrayLike) -> Empirical:
    """Resample ``values`` (a non-empty 1-D array of finite reals, copied, read-only)."""
    return Empirical(values)  # type: ignore[arg-type]
