"""asv: Count-Min update/query on 1M uint64 and 100k short str; Space-Saving on 1M Zipf keys."""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from qsmcore.sketch import CountMinSketch, CountMinTopK, HeavyHitters

from ._data import short_strings, uint64_values


class CountMinUint64:
    """ε = 0.001, δ = 0.01 (2719 × 5 counters) fed 1M random uint64."""

    params: ClassVar[list[int | None]] = [None, 1]
    param_names: ClassVar[list[str]] = ["threads"]

    def setup(self, threads: int | None) -> None:
        self.values = uint64_values(1_000_000)
        self.cms = CountMinSketch(0.001, 0.01)
        self.cms.update(self.values)

    def time_update(self, threads: int | None) -> None:
        CountMinSketch(0.001, 0.01).update(self.values, threads=threads)

    def time_update_conservative(self, threads: int | None) -> None:
        CountMinSketch(0.001, 0.01, conservative=True).update(self.values, threads=threads)

    def time_query(self, threads: int | None) -> None:
        self.cms.query(self.values, threads=threads)


class CountMinStrings:
    """The same sketch fed 100k short str (5–16 chars)."""

    def setup(self) -> None:
        self.strs = short_strings(100_000)

    def time_update_list(self) -> None:
        CountMinSketch(0.001, 0.01).update(self.strs)


class HeavyHittersZipf:
    """Space-Saving (k = 1000) and Count-Min top-k (k = 100) on 1M Zipf(1.1) int64 keys."""

    def setup(self) -> None:
        self.keys = np.random.default_rng(0).zipf(1.1, size=1_000_000).astype(np.int64)

    def time_space_saving(self) -> None:
        HeavyHitters(1000).update(self.keys)

    def time_countmin_topk(self) -> None:
        CountMinTopK(100, 0.001, 0.01).update(self.keys)
