"""Network flow (episode 59): maximum flow and minimum cut, minimum-cost flow and
assignment, traffic engineering through HiGHS, graph input/output and instance
generators.

Graphs are arc lists: ``tails[i] -> heads[i]`` with integer node ids in
``[0, n_nodes)``; parallel arcs and self-loops are allowed (a self-loop carries
no useful flow). See ``qsmcore.flow._graph`` for the validation every entry point
shares.
"""

from qsmcore.flow._mincost import (
    AssignmentResult,
    InfeasibleFlowError,
    MinCostFlowResult,
    assignment,
    min_cost_flow,
)

__all__ = [
    "AssignmentResult",
    "InfeasibleFlowError",
    "MinCostFlowResult",
    "assignment",
    "min_cost_flow",
]
