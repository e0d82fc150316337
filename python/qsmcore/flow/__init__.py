"""Network flow (episode 59): maximum flow and minimum cut, minimum-cost flow and
assignment, traffic engineering through HiGHS, graph input/output and instance
generators.

Graphs are arc lists: ``tails[i] -> heads[i]`` with integer node ids in
``[0, n_nodes)``; parallel arcs and self-loops are allowed (a self-loop carries
no useful flow). See ``qsmcore.flow._graph`` for the validation every entry point
shares.
"""

from qsmcore.flow import generators
from qsmcore.flow._maxflow import MaxFlowResult, max_flow
from qsmcore.flow._mincost import (
    AssignmentResult,
    InfeasibleFlowError,
    MinCostFlowResult,
    assignment,
    min_cost_flow,
)
from qsmcore.flow.io import FlowGraph, from_networkx, from_scipy, read_dimacs, write_dimacs
from qsmcore.flow.traffic import TrafficResult, max_concurrent_flow, min_max_utilization

__all__ = [
    "AssignmentResult",
    "FlowGraph",
    "InfeasibleFlowError",
    "MaxFlowResult",
    "MinCostFlowResult",
    "TrafficResult",
    "assignment",
    "from_networkx",
    "from_scipy",
    "generators",
    "max_concurrent_flow",
    "max_flow",
    "min_cost_flow",
    "min_max_utilization",
    "read_dimacs",
    "write_dimacs",
]
