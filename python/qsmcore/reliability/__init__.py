"""Reliability: failure models, availability, durability and chaos-engineering statistics.

This package is the reliability engine of episode 63 ("Failure Probability Models") of
Quantitative Systems Mastery: ``availability`` (steady state with repair, k-of-n as a
CTMC), ``durability`` (replicated and erasure-coded storage, annual loss probability and
nines), ``blast`` (blast radius of cell-based and shuffle-sharded placement) and
``chaos`` (exact binomial/Poisson bounds on failure rates, experiments needed).
"""

from qsmcore.reliability.availability import (
    AvailabilityResult,
    KofNAvailabilityResult,
    availability,
    k_of_n_availability,
    parallel_availability,
    series_availability,
)
from qsmcore.reliability.blast import (
    CellBlastRadius,
    ShuffleShardBlastRadius,
    cell_blast_radius,
    shuffle_shard_blast_radius,
)
from qsmcore.reliability.chaos import (
    BinomialBound,
    PoissonBound,
    SampleSize,
    TwoSampleSize,
    experiments_needed,
    experiments_needed_two_sample,
    failure_rate_bound,
    poisson_rate_bound,
)
from qsmcore.reliability.durability import DurabilityResult, durability, storage_scheme

__all__ = [
    "AvailabilityResult",
    "BinomialBound",
    "CellBlastRadius",
    "DurabilityResult",
    "KofNAvailabilityResult",
    "PoissonBound",
    "SampleSize",
    "ShuffleShardBlastRadius",
    "TwoSampleSize",
    "availability",
    "cell_blast_radius",
    "durability",
    "experiments_needed",
    "experiments_needed_two_sample",
    "failure_rate_bound",
    "k_of_n_availability",
    "parallel_availability",
    "poisson_rate_bound",
    "series_availability",
    "shuffle_shard_blast_radius",
    "storage_scheme",
]
