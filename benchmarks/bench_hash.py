"""asv: qsmcore.hash64 on 1M uint64 and 100k short str, all threads and threads=1."""

from __future__ import annotations

from typing import ClassVar

import numpy as np

import qsmcore

from ._data import short_strings, uint64_values


class HashUint64:
    """hash64 of 1M random uint64 (8 little-endian bytes each)."""

    params: ClassVar[list[int | None]] = [None, 1]
    param_names: ClassVar[list[str]] = ["threads"]

    def setup(self, threads: int | None) -> None:
        self.values = uint64_values(1_000_000)

    def time_hash64(self, threads: int | None) -> None:
        qsmcore.hash64(self.values, threads=threads)


class HashStrings:
    """hash64 of 100k short str (5–16 chars), as a list and as a NumPy U array."""

    params: ClassVar[list[int | None]] = [None, 1]
    param_names: ClassVar[list[str]] = ["threads"]

    def setup(self, threads: int | None) -> None:
        self.strs = short_strings(100_000)
        self.array = np.array(self.strs)

    def time_hash64_list(self, threads: int | None) -> None:
        qsmcore.hash64(self.strs, threads=threads)

    def time_hash64_unicode_array(self, threads: int | None) -> None:
        qsmcore.hash64(self.array, threads=threads)
