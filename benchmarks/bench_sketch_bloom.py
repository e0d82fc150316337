"""asv: BloomFilter add and contains on 1M uint64 and 100k short str, both layouts."""

from __future__ import annotations

from typing import ClassVar

from qsmcore.sketch import BloomFilter

from ._data import short_strings, uint64_values


class BloomUint64:
    """1M uint64 into a filter sized for 1M at p = 0.01; 1M fresh probes."""

    params: ClassVar[list[list[object]]] = [["split-block", "classic"], [None, 1]]
    param_names: ClassVar[list[str]] = ["kind", "threads"]

    def setup(self, kind: str, threads: int | None) -> None:
        values = uint64_values(2_000_000)
        self.items, self.probes = values[:1_000_000], values[1_000_000:]
        self.filter = BloomFilter(1_000_000, 0.01, kind=kind)
        self.filter.add(self.items)

    def time_add(self, kind: str, threads: int | None) -> None:
        BloomFilter(1_000_000, 0.01, kind=kind).add(self.items, threads=threads)

    def time_contains(self, kind: str, threads: int | None) -> None:
        self.filter.contains(self.probes, threads=threads)


class BloomStrings:
    """100k short str (a Python list) into a split-block filter; 100k fresh probes."""

    def setup(self) -> None:
        strs = short_strings(200_000)
        self.items, self.probes = strs[:100_000], strs[100_000:]
        self.filter = BloomFilter(100_000, 0.01)
        self.filter.add(self.items)

    def time_add(self) -> None:
        BloomFilter(100_000, 0.01).add(self.items)

    def time_contains(self) -> None:
        self.filter.contains(self.probes)
