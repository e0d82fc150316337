"""Failure models (episode 63): system reliability, exact and by Monte Carlo."""

from qsmcore.reliability.montecarlo import (
    MonteCarloResult,
    combine,
    importance_bias,
    monte_carlo,
)
from qsmcore.reliability.network_mc import network_reliability_mc

__all__ = [
    "MonteCarloResult",
    "combine",
    "importance_bias",
    "monte_carlo",
    "network_reliability_mc",
]
