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
    "Component",
    "Gate",
    "MonteCarloResult",
    "NetworkReliabilityResult",
    "Program",
    "all_terminal",
    "and_gate",
    "combine",
    "common_cause",
    "compile_structure",
    "from_dict",
    "from_json",
    "from_rbd",
    "importance_bias",
    "k_of_n",
    "monte_carlo",
    "network_reliability_mc",
    "not_gate",
    "or_gate",
    "parallel",
    "series",
    "shared_shock",
    "two_terminal",
    "vote_gate",
]
