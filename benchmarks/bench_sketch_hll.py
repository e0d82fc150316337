"""asv: qsmcore.sketch.HyperLogLog updates (1M uint64, 100k short str) and estimate()."""

from __future__ import annotations

from typing import ClassVar

from qsmcore.sketch import HyperLogLog

from ._data import short_strings, uint64_values


class HllUpdateUint64:
    """update() of 1M random uint64 into a p = 14 sketch, all threads and threads=1."""

    params: ClassVar[list[int | None]] = [None, 1]
    param_names: ClassVar[list[str]] = ["threads"]

    def setup(self, threads: int | None) -> None:
        self.values = uint64_values(1_000_000)

    def time_update(self, threads: int | None) -> None:
        HyperLogLog(14).update(self.values, threads=threads)

    def time_update_redis_hash(self, threads: int | None) -> None:
        HyperLogLog(14, hash="redis").update(self.values, threads=threads)


class HllUpdateStrings:
    """update() of 100k short str (5–16 chars), qsm and Redis hashes."""

    def setup(self) -> None:
        self.strs = short_strings(100_000)

    def time_update(self) -> None:
        HyperLogLog(14).update(self.strs)

    def time_update_redis_hash(self) -> None:
        HyperLogLog(14, hash="redis").update(self.strs)


class HllEstimate:
    """estimate() of a filled sketch, by precision."""

    params: ClassVar[list[int]] = [8, 14, 18]
    param_names: ClassVar[list[str]] = ["precision"]

    def setup(self, precision: int) -> None:
        self.sketch = HyperLogLog(precision)
        self.sketch.update(uint64_values(1_000_000))

    def time_estimate(self, precision: int) -> None:
        self.sketch.estimate()

    def track_bytes(self, precision: int) -> int:
        return len(self.sketch.to_bytes())
