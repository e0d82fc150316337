"""Failure models (episode 63): the reliability engine of the series' reliability
analyzer. Describe a system — components with failure probabilities or lifetimes,
composed in series, parallel, k-of-n or fault-tree gates, with shared causes — and ask
how likely it is to fail: exactly (series-parallel reduction, binary decision
diagrams), by bit-parallel Monte Carlo with importance sampling for rare events, or as
a network that must stay connected; plus availability with repair, storage durability,
blast radius and chaos-engineering statistics.
"""

from qsmcore.reliability._describe import (
    from_dict,
    from_json,
    from_rbd,
)
from qsmcore.reliability._model import (
    Component,
    Gate,
    and_gate,
    common_cause,
    compile_structure,
    k_of_n,
    not_gate,
    or_gate,
    parallel,
    series,
    shared_shock,
    vote_gate,
)
from qsmcore.reliability._program import (
    Program,
)
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
from qsmcore.reliability.durability import (
    DurabilityResult,
    durability,
    storage_scheme,
)
from qsmcore.reliability.exact import (
    ExactResult,
    ImportanceResult,
    failure_probability,
    importance,
    minimal_cut_sets,
)
from qsmcore.reliability.montecarlo import (
    MonteCarloResult,
    combine,
    importance_bias,
    monte_carlo,
)
from qsmcore.reliability.network import (
    NetworkReliabilityResult,
    all_terminal,
    two_terminal,
)
from qsmcore.reliability.network_mc import (
    network_reliability_mc,
)

__all__ = [
    "AvailabilityResult",
    "BinomialBound",
    "CellBlastRadius",
    "Component",
    "DurabilityResult",
    "ExactResult",
    "Gate",
    "ImportanceResult",
    "KofNAvailabilityResult",
    "MonteCarloResult",
    "NetworkReliabilityResult",
    "PoissonBound",
    "Program",
    "SampleSize",
    "ShuffleShardBlastRadius",
    "TwoSampleSize",
    "all_terminal",
    "and_gate",
    "availability",
    "cell_blast_radius",
    "combine",
    "common_cause",
    "compile_structure",
    "durability",
    "experiments_needed",
    "experiments_needed_two_sample",
    "failure_probability",
    "failure_rate_bound",
    "from_dict",
    "from_json",
    "from_rbd",
    "importance",
    "importance_bias",
    "k_of_n",
    "k_of_n_availability",
    "minimal_cut_sets",
    "monte_carlo",
    "network_reliability_mc",
    "not_gate",
    "or_gate",
    "parallel",
    "parallel_availability",
    "poisson_rate_bound",
    "series",
    "series_availability",
    "shared_shock",
    "shuffle_shard_blast_radius",
    "storage_scheme",
    "two_terminal",
    "vote_gate",
]
