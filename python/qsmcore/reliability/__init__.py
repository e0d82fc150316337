"""Failure models (episode 63): system reliability, exact and by Monte Carlo."""

from qsmcore.reliability.montecarlo import (
    MonteCarloResult,
    combine,
    importance_bias,
    monte_carlo,
)

__all__ = [
    "MonteCarloResult",
    "combine",
    "importance_bias",
    "monte_carlo",
]
