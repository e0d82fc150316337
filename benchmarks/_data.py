"""Benchmark inputs, shared by compare.py, the asv suite and the pytest benchmarks.

Every input is a pure function of its size, so all three measure the same data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from qsmcore import random as qr

# Prefixes of 0–11 chars before 5 hex digits: keys of 5–16 chars, like "user:0a3f1".
_PREFIXES = ("", "u", "id", "usr", "user", "node:", "user:", "client:", "session:", "customer:")
_PREFIXES += ("account-id:",)


def uint64_values(n: int) -> np.ndarray:
    """``n`` uniform random uint64 values from ``np.random.default_rng(0)``."""
    top = np.iinfo(np.uint64).max
    return np.random.default_rng(0).integers(top, size=n, dtype=np.uint64, endpoint=True)


def short_strings(n: int) -> list[str]:
    """``n`` distinct ASCII keys of 5–16 chars (``"user:0003f"`` style), fixed by ``n``."""
    which = np.random.default_rng(1).integers(len(_PREFIXES), size=n).tolist()
    return [f"{_PREFIXES[p]}{i:05x}" for i, p in zip(range(n), which, strict=True)]


@dataclass(frozen=True)
class SampleCase:
    """One distribution: the qsmcore spec and the same law drawn by a NumPy Generator."""

    name: str
    label: str  # how tables print it
    dist: qr.Distribution
    numpy_call: str  # the Generator method, as printed in tables
    numpy_draw: Callable[[np.random.Generator, int], np.ndarray]


def sample_cases() -> dict[str, SampleCase]:
    """The distributions we time, keyed by a short name (``uniform``, ``gamma``, ...)."""
    ln = qr.lognormal(mean=1.0, scv=4.0)
    mu, sigma = ln.mu, ln.sigma
    cases = [
        SampleCase(
            "uniform", "uniform(0, 1)", qr.uniform(0.0, 1.0), "random(n)",
            lambda g, n: g.random(n),
        ),
        SampleCase(
            "exponential", "exponential(rate=2)", qr.exponential(rate=2.0), "exponential(0.5, n)",
            lambda g, n: g.exponential(0.5, n),
        ),
        SampleCase(
            "normal", "normal(0, 1)", qr.normal(0.0, 1.0), "standard_normal(n)",
            lambda g, n: g.standard_normal(n),
        ),
        SampleCase(
            "lognormal", "lognormal(mean=1, scv=4)", ln, f"lognormal({mu:.4g}, {sigma:.4g}, n)",
            lambda g, n: g.lognormal(mu, sigma, n),
        ),
        SampleCase(
            "gamma", "gamma(shape=2.5, scale=1)", qr.gamma(2.5, scale=1.0), "gamma(2.5, 1.0, n)",
            lambda g, n: g.gamma(2.5, 1.0, n),
        ),
    ]  # fmt: skip
    return {c.name: c for c in cases}


def numpy_generators(seed: int = 0) -> dict[str, np.random.Generator]:
    """NumPy's counter-based Philox (qsmcore's generator) and its default PCG64."""
    return {
        "Philox": np.random.Generator(np.random.Philox(seed)),
        "PCG64": np.random.default_rng(seed),
    }


def mean_is_plausible(x: np.ndarray, dist: qr.Distribution, z: float = 6.0) -> bool:
    """True when the sample mean is within ``z`` standard errors of the exact mean."""
    se = dist.std / np.sqrt(x.size)
    return bool(abs(float(x.mean()) - dist.mean) <= z * se)
