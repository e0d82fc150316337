"""asv: MinHash update on 1M uint64 and 10k str, jaccard, and MinHashLSH insert/query."""

from __future__ import annotations

from typing import ClassVar

from qsmcore.sketch import MinHash, MinHashLSH

from ._data import short_strings, uint64_values


class MinHashUpdate:
    """MinHash(128).update of 1M uint64 tokens (all threads and 1) and of 10k str."""

    params: ClassVar[list[int | None]] = [None, 1]
    param_names: ClassVar[list[str]] = ["threads"]

    def setup(self, threads: int | None) -> None:
        self.values = uint64_values(1_000_000)
        self.strs = short_strings(10_000)

    def time_update_uint64(self, threads: int | None) -> None:
        MinHash(128).update(self.values, threads=threads)

    def time_update_str(self, threads: int | None) -> None:
        MinHash(128).update(self.strs, threads=threads)


class MinHashCompare:
    """jaccard of two 128-slot signatures."""

    def setup(self) -> None:
        tokens = uint64_values(1500)
        self.a, self.b = MinHash(128), MinHash(128)
        self.a.update(tokens[:1000])
        self.b.update(tokens[500:])

    def time_jaccard(self) -> None:
        self.a.jaccard(self.b)


class LSH:
    """MinHashLSH(0.8, 128): insert 2,000 signatures, query 2,000."""

    def setup(self) -> None:
        tokens = uint64_values(200_000).reshape(2000, 100)
        self.sigs = []
        for row in tokens:
            m = MinHash(128)
            m.update(row)
            self.sigs.append(m)
        self.lsh = MinHashLSH(0.8, 128)
        for i, m in enumerate(self.sigs):
            self.lsh.insert(i, m)

    def time_insert(self) -> None:
        lsh = MinHashLSH(0.8, 128)
        for i, m in enumerate(self.sigs):
            lsh.insert(i, m)

    def time_query(self) -> None:
        for m in self.sigs:
            self.lsh.query(m)
