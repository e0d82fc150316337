"""asv: compare.py reliability's cases (a 2-of-3 system, 20 parallel groups of 5 in series,
a 10×10 grid two-terminal network): qsmcore's bit-parallel Monte Carlo with all threads
and with one, and the vectorized NumPy baseline on an eighth of the trials."""

from __future__ import annotations

from typing import Any, ClassVar

from qsmcore.reliability import monte_carlo, network_reliability_mc

from ._reliability_suite import (
    GRID,
    _grid_edges,
    _numpy_grid,
    _numpy_program,
    _series_parallel,
    _two_of_three,
)

TRIALS = {"2of3": 1_000_000, "series-parallel": 125_000, "grid": 65_536}
GRID_P = 0.3


class ReliabilityMonteCarlo:
    """Monte Carlo failure counts per case and implementation (same structure and p)."""

    params: ClassVar[list[list[Any]]] = [list(TRIALS), ["qsmcore", "qsmcore-1", "NumPy"]]
    param_names: ClassVar[list[str]] = ["case", "implementation"]

    def setup(self, case: str, implementation: str) -> None:
        self.n = TRIALS[case]
        self.threads = 1 if implementation == "qsmcore-1" else None
        if case == "grid":
            self.edges = _grid_edges(GRID)
        else:
            self.prog = (_two_of_three if case == "2of3" else _series_parallel)()[0]

    def time_monte_carlo(self, case: str, implementation: str) -> None:
        if implementation == "NumPy":
            if case == "grid":
                _numpy_grid(self.n // 8, 0, self.edges, GRID_P)
            else:
                _numpy_program(self.n // 8, 0, "2of3" if case == "2of3" else "sp")
        elif case == "grid":
            p = [GRID_P] * self.edges.shape[0]
            terminals = [0, GRID * GRID - 1]
            network_reliability_mc(
                GRID * GRID, self.edges, p, self.n, terminals=terminals, threads=self.threads
            )
        else:
            monte_carlo(self.prog, self.n, seed=0, threads=self.threads)
