"""pytest-benchmark: qsmcore.hash64 beside the xxhash loop and NumPy splitmix64.

Run with ``python -m pytest benchmarks -q --benchmark-only``. Each benchmark
checks what it timed; none asserts a speed.
"""

from __future__ import annotations

from types import ModuleType

import numpy as np
import pytest
from pytest_benchmark.fixture import BenchmarkFixture as Bench

import qsmcore

from . import _peers
from ._data import short_strings, uint64_values

Arr = np.ndarray
N_U64 = 1_000_000
N_STR = 100_000
U64_GROUP = f"hash uint64 ×{N_U64:,}"
STR_GROUP = f"hash str ×{N_STR:,}"


@pytest.fixture(scope="module")
def values() -> np.ndarray:
    return uint64_values(N_U64)


@pytest.fixture(scope="module")
def strs() -> list[str]:
    return short_strings(N_STR)


@pytest.fixture(scope="module")
def xxh() -> ModuleType:
    """The xxhash module (the peers extra), or a skip."""
    return pytest.importorskip("xxhash", reason="the peers extra (xxhash) is not installed")


def _xxh3_words(xxh: ModuleType, values: Arr) -> list[int]:
    """An independent reference: XXH3 of each value's 8 little-endian bytes."""
    return [xxh.xxh3_64_intdigest(v.to_bytes(8, "little")) for v in values.tolist()]


@pytest.mark.parametrize("threads", [None, 1])
def test_qsmcore_uint64(
    benchmark: Bench, values: Arr, xxh: ModuleType, threads: int | None
) -> None:
    benchmark.group = U64_GROUP
    benchmark.extra_info["items"] = values.size
    out = benchmark(qsmcore.hash64, values, threads=threads)
    assert out.dtype == np.uint64
    assert out.tolist() == _xxh3_words(xxh, values)


def test_xxhash_loop_uint64(benchmark: Bench, values: Arr, xxh: ModuleType) -> None:
    benchmark.group = U64_GROUP
    benchmark.extra_info["items"] = values.size
    out = benchmark(_peers.xxhash_uint64, values)
    assert out.tolist() == _xxh3_words(xxh, values)


def test_numpy_splitmix64_for_scale(benchmark: Bench, values: Arr) -> None:
    benchmark.group = U64_GROUP
    benchmark.extra_info["items"] = values.size
    out = benchmark(_peers.splitmix64, values)
    head = values[:1000].tolist()
    assert out[:1000].tolist() == [_peers.splitmix64_scalar(v) for v in head]


def test_qsmcore_str_list(benchmark: Bench, strs: list[str], xxh: ModuleType) -> None:
    benchmark.group = STR_GROUP
    benchmark.extra_info["items"] = len(strs)
    out = benchmark(qsmcore.hash64, strs)
    assert out.tolist() == [xxh.xxh3_64_intdigest(s.encode()) for s in strs]


@pytest.mark.parametrize("threads", [None, 1])
def test_qsmcore_str_array(
    benchmark: Bench, strs: list[str], xxh: ModuleType, threads: int | None
) -> None:
    benchmark.group = STR_GROUP
    benchmark.extra_info["items"] = len(strs)
    out = benchmark(qsmcore.hash64, np.array(strs), threads=threads)
    assert out.tolist() == [xxh.xxh3_64_intdigest(s.encode()) for s in strs]


def test_xxhash_loop_str(benchmark: Bench, strs: list[str], xxh: ModuleType) -> None:
    benchmark.group = STR_GROUP
    benchmark.extra_info["items"] = len(strs)
    out = benchmark(_peers.xxhash_strings, strs)
    assert out.tolist() == [xxh.xxh3_64_intdigest(s.encode("utf-8")) for s in strs]
