"""asv: qsmcore.flow on the compare.py flow families at --quick size (max-flow on a
300×300 grid, GENRMF long and wide, Washington RLG, 100k random arcs and a bipartite
matching; min-cost flow on transportation and random instances; a 300×300 assignment)."""

from __future__ import annotations

from typing import ClassVar

from qsmcore import flow

from ._flow_suite import Instance, max_flow_instances, min_cost_instances

QUICK = 10  # compare.py's --quick scale


def _by_case(instances: list[Instance]) -> dict[str, Instance]:
    return {inst.case: inst for inst in instances}


class MaxFlow:
    """max_flow(method="auto") from int64 arc arrays, one instance per family."""

    params: ClassVar[list[str]] = list(_by_case(max_flow_instances(QUICK)))
    param_names: ClassVar[list[str]] = ["instance"]

    def setup(self, instance: str) -> None:
        self.inst = _by_case(max_flow_instances(QUICK))[instance]

    def time_max_flow(self, instance: str) -> None:
        i = self.inst
        flow.max_flow(i.tails, i.heads, i.capacities, i.source, i.sink, n_nodes=i.n)


class MinCostFlow:
    """min_cost_flow (network simplex) from int64 arc arrays."""

    params: ClassVar[list[str]] = list(_by_case(min_cost_instances(QUICK)))
    param_names: ClassVar[list[str]] = ["instance"]

    def setup(self, instance: str) -> None:
        self.inst = _by_case(min_cost_instances(QUICK))[instance]

    def time_min_cost_flow(self, instance: str) -> None:
        i = self.inst
        flow.min_cost_flow(i.tails, i.heads, i.capacities, i.costs, i.supplies, n_nodes=i.n)
