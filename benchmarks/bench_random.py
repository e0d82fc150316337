"""asv: qsmcore.random.sample of 1M draws for several distributions, all threads and 1."""

from __future__ import annotations

from typing import Any, ClassVar

from qsmcore import random as qr

from ._data import sample_cases


class Sample:
    """sample(dist, 1_000_000, backend="cpu") per distribution and thread count."""

    params: ClassVar[list[list[Any]]] = [list(sample_cases()), [None, 1]]
    param_names: ClassVar[list[str]] = ["dist", "threads"]

    def setup(self, dist: str, threads: int | None) -> None:
        self.dist = sample_cases()[dist].dist

    def time_sample(self, dist: str, threads: int | None) -> None:
        qr.sample(self.dist, 1_000_000, seed=0, backend="cpu", threads=threads)
