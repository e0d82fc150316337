"""Failure models (episode 63): the reliability engine of the series' reliability
analyzer. Describe a system — components with failure probabilities or lifetimes,
composed in series, parallel, k-of-n or fault-tree gates, with shared causes — and
evaluate how likely it is to fail.
"""

from qsmcore.reliability._describe import from_dict, from_json, from_rbd
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
from qsmcore.reliability._program import Program
from qsmcore.reliability.network import NetworkReliabilityResult, all_terminal, two_terminal

__all__ = [
    "Component",
    "Gate",
    "NetworkReliabilityResult",
    "Program",
    "all_terminal",
    "and_gate",
    "common_cause",
    "compile_structure",
    "from_dict",
    "from_json",
    "from_rbd",
    "k_of_n",
    "not_gate",
    "or_gate",
    "parallel",
    "series",
    "shared_shock",
    "two_terminal",
    "vote_gate",
]
