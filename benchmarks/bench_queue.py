"""asv: qsmcore's queue simulators on the compare.py models (M/M/1 and M/M/8 at ρ = 0.9, the
3-node network), 8 replications of 100k customers, all threads and 1."""

from __future__ import annotations

from typing import Any, ClassVar

from ._queue_suite import queue_cases

CUSTOMERS = 100_000
REPLICATIONS = 8


class QueueSimulate:
    """simulate / simulate_network of 8 × 100k customers per model and thread count."""

    params: ClassVar[list[list[Any]]] = [list(queue_cases()), [None, 1]]
    param_names: ClassVar[list[str]] = ["model", "threads"]

    def setup(self, model: str, threads: int | None) -> None:
        self.case = queue_cases()[model]
        if not self.case.qsmcore_available():
            raise NotImplementedError("this build has no queue simulator")  # asv: skipped

    def time_simulate(self, model: str, threads: int | None) -> None:
        self.case.run_qsmcore(CUSTOMERS, REPLICATIONS, threads=threads)
