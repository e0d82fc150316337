"""qsmcore.sketch.HyperLogLog: exact register and estimator formulas, accuracy
against theory, merges, stored bytes, threads, bad input, and Redis itself."""

from __future__ import annotations

import math
import random as pyrandom
import threading

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import qsmcore
from qsmcore import _core
from qsmcore.sketch import HyperLogLog
from qsmcore.sketch.hll import RSE_CONSTANT

from .gpu import requires_gpu
from .redis_server import redis_client  # noqa: F401  (the pytest fixture)

# ---- pure-Python references, written from the definitions ----------------------------

MASK64 = (1 << 64) - 1


def murmur64a_ref(data: bytes, seed: int) -> int:
    m, r = 0xC6A4A7935BD1E995, 47
    h = (seed ^ (len(data) * m)) & MASK64
    nblocks = len(data) // 8
    for b in range(nblocks):
        k = int.from_bytes(data[8 * b : 8 * b + 8], "little")
        k = (k * m) & MASK64
        k ^= k >> r
        k = (k * m) & MASK64
        h ^= k
        h = (h * m) & MASK64
    tail = data[8 * nblocks :]
    if tail:
        h ^= int.from_bytes(tail, "little")
        h = (h * m) & MASK64
    h ^= h >> r
    h = (h * m) & MASK64
    h ^= h >> r
    return h


def index_rank_ref(h: int, p: int) -> tuple[int, int]:
    w = (h >> p) | (1 << (64 - p))
    return h & ((1 << p) - 1), (w & -w).bit_length()  # 1 + trailing zeros


def registers_ref(hashes: np.ndarray, p: int) -> np.ndarray:
    idx = (hashes & np.uint64((1 << p) - 1)).astype(np.int64)
    w = (hashes >> np.uint64(p)) | np.uint64(1 << (64 - p))
    low = w & (~w + np.uint64(1))  # lowest set bit
    rank = np.log2(low.astype(np.float64)).astype(np.uint8) + 1  # exact: a power of two
    regs = np.zeros(1 << p, dtype=np.uint8)
    np.maximum.at(regs, idx, rank)
    return regs


def ertl_ref(counts: list[int], p: int) -> float:
    """Ertl (2017), improved raw estimator, in Redis' order of operations."""
    m, q = float(1 << p), 64 - p

    def sigma(x: float) -> float:
        if x == 1.0:
            return math.inf
        y, z = 1.0, x
        while True:
            x *= x
            prev, z = z, z + x * y
            y += y
            if prev == z:
                return z

    def tau(x: float) -> float:
        if x in (0.0, 1.0):
            return 0.0
        y, z = 1.0, 1.0 - x
        while True:
            x = math.sqrt(x)
            y *= 0.5
            prev, z = z, z - (1.0 - x) * (1.0 - x) * y
            if prev == z:
                return z / 3.0

    z = m * tau((m - counts[q + 1]) / m)
    for k in range(q, 0, -1):
        z = (z + counts[k]) * 0.5
    z += m * sigma(counts[0] / m)
    return 0.721347520444481703680 * m * m / z


def redis_round(x: float) -> int:
    return math.floor(x + 0.5)  # llroundl: half away from zero (x >= 0 here)


# ---- exact formulas ------------------------------------------------------------------


def test_murmur64a_matches_reference_at_every_tail_length():
    rng = pyrandom.Random(3)
    for n in range(0, 70):
        data = rng.randbytes(n)
        for seed in (0, 0xADC83B19, 2**64 - 1):
            assert _core.hll_murmur64a(data, seed) == murmur64a_ref(data, seed), (n, seed)


@pytest.mark.parametrize("p", [4, 10, 14, 18])
def test_index_and_rank_follow_the_documented_bits(p):
    rng = np.random.default_rng(p)
    special = [0, 1, 1 << p, (1 << p) - 1, 1 << 63, MASK64, 1 << (63 - 1), 3 << p]
    hashes = np.concatenate(
        [np.array(special, dtype=np.uint64), rng.integers(0, 2**64, 2000, dtype=np.uint64)]
    )
    idx, rank = _core.hll_index_rank(hashes, p)
    for h, i, k in zip(hashes.tolist(), idx.tolist(), rank.tolist(), strict=True):
        assert (i, k) == index_rank_ref(h, p)
    assert rank.max() <= 65 - p
    assert index_rank_ref(0, p)[1] == 65 - p  # capped


@pytest.mark.parametrize("p", [4, 8, 14])
def test_registers_equal_the_definition(p):
    values = np.arange(50_000, dtype=np.int64) * 7 - 3
    h = HyperLogLog(p, seed=11)
    h.update(values)
    assert np.array_equal(h.registers, registers_ref(qsmcore.hash64(values, 11), p))


@pytest.mark.parametrize(
    "dtype",
    [np.int8, np.int16, np.int32, np.uint32, np.int64, np.uint64, np.float32, np.float64, bool],
)
def test_every_numeric_path_equals_hash64_then_update(dtype):
    # Contiguous 4/8-byte numbers take the fused hash+update kernel, the rest
    # hash64 then update: both must equal the definition on hash64's hashes.
    base = (np.arange(300_000) - 150_000) * 3
    values = base.astype(dtype) if dtype is not bool else base % 2 == 0
    for arr in (values, values[::3], values.astype(values.dtype.newbyteorder(">"))):
        h = HyperLogLog(10, seed=4)
        h.update(arr)
        assert np.array_equal(h.registers, registers_ref(qsmcore.hash64(arr, 4), 10))


@pytest.mark.parametrize("p", [4, 9, 14, 18])
@pytest.mark.parametrize("n", [0, 1, 5, 300, 20_000])
def test_estimate_is_ertls_formula_bit_for_bit(p, n):
    h = HyperLogLog(p)
    h.update(np.arange(n))
    counts = h.histogram()
    assert counts.sum() == h.m and counts.size == 66 - p
    assert h.estimate() == ertl_ref(counts.tolist(), p)


def test_estimate_of_extreme_histograms():
    from qsmcore.sketch import _format

    assert HyperLogLog(4).estimate() == 0.0
    # Every register at its cap 65 - p: tau(0) = sigma(0) = 0, so z = 0.
    full = _format.pack(b"HLL ", 1, bytes([4, 0]) + bytes(14), bytes([61]) * 16)
    assert HyperLogLog.from_bytes(full).estimate() == math.inf


# ---- accuracy ------------------------------------------------------------------------


def _rmse_curve(p: int, trials: int, grid: np.ndarray) -> np.ndarray:
    """Relative RMSE of the estimate at each cardinality of ``grid`` over ``trials``
    independent streams (stream t: the integers t * 2**32 + 0, 1, 2, ..., nested
    prefixes, so each trial costs one pass)."""
    sq = np.zeros(grid.size)
    steps = np.diff(np.concatenate([[0], grid]))
    for t in range(trials):
        h = HyperLogLog(p)
        values = np.arange(grid[-1], dtype=np.uint64) + np.uint64(t << 32)
        hashes_start = 0
        for j, step in enumerate(steps):
            h.update(values[hashes_start : hashes_start + step])
            hashes_start += step
            sq[j] += (h.estimate() / grid[j] - 1.0) ** 2
    return np.sqrt(sq / trials)


@pytest.mark.parametrize(("p", "trials"), [(8, 2000), (10, 600)])
def test_relative_rmse_within_1_1_standard_errors_everywhere(p, trials):
    """RMSE(n)/(1.04/sqrt(m)) <= 1.1 for n on a log grid from 1 to 20 m.

    With T trials the RMSE estimate's own relative noise is about 1/sqrt(2T)
    (1.6 % for T = 2000, 2.9 % for T = 600), so an estimator whose true RMSE is
    1.04/sqrt(m) passes with > 3.4 noise standard deviations to spare; a bias
    bump of a few percent in the mid range (the classic HLL's weak spot near
    n = 2.5 m) would fail.
    """
    m = 1 << p
    grid = np.unique(np.round(np.geomspace(1, 20 * m, 28)).astype(np.int64))
    rmse = _rmse_curve(p, trials, grid)
    bound = 1.1 * 1.04 / math.sqrt(m)
    worst = int(np.argmax(rmse / bound))
    assert np.all(rmse <= bound), f"n={grid[worst]}: RMSE {rmse[worst]:.4f} > {bound:.4f}"
    # Below m/10 the error is that of linear counting (Whang et al. 1990),
    # sqrt(e^t - t - 1) / (t sqrt(m)) with t = n/m, about 0.71/sqrt(m), not 1.04/sqrt(m).
    small = grid <= m // 10
    t = grid[small] / m
    linear_counting = np.sqrt(np.expm1(t) - t) / (t * math.sqrt(m))
    assert np.all(rmse[small] <= 1.1 * linear_counting)


def test_small_cardinalities_are_exact_without_register_collisions():
    # p = 14: for n <= 10 distinct items, two of them share a register with
    # probability < n^2 / 2m = 0.3 %; whenever they do not, the rounded
    # estimate is n exactly.
    exact = total = 0
    for t in range(300):
        for n in range(1, 11):
            h = HyperLogLog(14, seed=t)
            h.update(np.arange(n))
            if np.count_nonzero(h.registers) == n:
                assert round(h.estimate()) == n
                assert abs(h.estimate() - n) < 0.01
                exact += 1
            total += 1
    assert exact >= 0.99 * total


def test_bounds_cover_the_truth_about_95_percent_of_the_time():
    # 400 trials at n = 10 m (the asymptotic regime where sigma is the real
    # error): coverage ~ Binomial(400, 0.95) has s.d. 1.1 %; accept 90..99.5 %.
    p, n, trials = 8, 2560, 400
    covered = 0
    for t in range(trials):
        h = HyperLogLog(p, seed=t)
        h.update(np.arange(n))
        lo, hi = h.estimate_bounds(0.95)
        covered += lo <= n <= hi
    assert 0.90 <= covered / trials <= 0.995


def test_bounds_are_ordered_and_respect_nonzero_registers():
    h = HyperLogLog(10)
    assert h.estimate_bounds() == (0.0, 0.0)
    h.update(np.arange(50))
    assert h.estimate() == h.estimate()  # cached
    h.update(np.arange(50, 60))
    assert h.estimate() == _core.hll_estimate(h._regs, 10)  # the cache was dropped
    lo, hi = h.estimate_bounds(0.99)
    assert np.count_nonzero(h.registers) <= lo <= h.estimate() <= hi
    lo2, hi2 = h.estimate_bounds(0.5)
    assert lo <= lo2 <= hi2 <= hi


# ---- API, threads, determinism -------------------------------------------------------


def test_properties_repr_and_registers_are_read_only():
    h = HyperLogLog(12, seed=5)
    assert (h.precision, h.m, h.hash, h.seed, h.nbytes) == (12, 4096, "qsm", 5, 4096)
    assert h.relative_error == pytest.approx(RSE_CONSTANT / 64)
    h.update(["a", "b", "c"])
    text = repr(h)
    assert "precision=12" in text and "4,096 bytes" in text and "1.62%" in text
    regs = h.registers
    with pytest.raises(ValueError):
        regs[0] = 1


def test_value_types_and_scalars():
    h = HyperLogLog(10)
    h.update(5)
    h.update("x")
    h.update(b"y")
    h.update([])
    h.update(np.array([], dtype=np.int64))
    ref = HyperLogLog(10)
    ref.update([5])
    ref.update(["x", b"y"])
    assert h == ref
    a, b = HyperLogLog(10), HyperLogLog(10)
    a.update(["hello", "wörld"])
    b.update(np.array(["hello", "wörld"]))
    assert a == b


def test_threads_do_not_change_the_registers():
    values = np.arange(3_000_000, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    results = []
    for threads in (None, 1, 2, 3, 7):
        h = HyperLogLog(12)
        h.update(values, threads=threads)
        results.append(h.registers)
    for r in results[1:]:
        assert np.array_equal(results[0], r)
    # And equal to the definition.
    assert np.array_equal(results[0], registers_ref(qsmcore.hash64(values), 12))


def test_two_python_threads_updating_one_sketch_equal_sequential():
    chunks = [np.arange(i * 400_000, (i + 1) * 400_000) for i in range(8)]
    shared = HyperLogLog(14)
    workers = [
        threading.Thread(
            target=lambda cs: [shared.update(c, threads=1) for c in cs], args=(chunks[k::2],)
        )
        for k in range(2)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    sequential = HyperLogLog(14)
    for c in chunks:
        sequential.update(c)
    assert shared == sequential


@requires_gpu
def test_cuda_registers_equal_cpu():
    values = np.arange(5_000_000, dtype=np.int64)
    for p in (4, 14, 18):
        cpu, gpu = HyperLogLog(p), HyperLogLog(p)
        cpu.update(values, backend="cpu")
        gpu.update(values, backend="cuda")
        assert np.array_equal(cpu.registers, gpu.registers)


# ---- merge and storage ---------------------------------------------------------------

ints = st.lists(st.integers(-(2**63), 2**63 - 1), max_size=200)


@settings(max_examples=60)
@given(ints, ints, ints)
def test_merge_is_the_union_and_associative_commutative(a, b, c):
    def sk(*parts):
        h = HyperLogLog(6, seed=9)
        for part in parts:
            h.update(np.array(part, dtype=np.int64))
        return h

    ha, hb, hc = sk(a), sk(b), sk(c)
    assert (ha | hb) == sk(a + b) == (hb | ha)
    assert ((ha | hb) | hc) == (ha | (hb | hc)) == sk(a, b, c)
    before = ha.copy()
    ha |= hb
    assert ha == sk(a, b) and before == sk(a)


def test_merge_rejects_mismatched_sketches():
    with pytest.raises(ValueError, match="other"):
        HyperLogLog(10).merge(HyperLogLog(11))
    with pytest.raises(ValueError, match="other"):
        HyperLogLog(10, seed=1).merge(HyperLogLog(10, seed=2))
    with pytest.raises(ValueError, match="other"):
        HyperLogLog(14).merge(HyperLogLog(14, hash="redis"))
    with pytest.raises(TypeError, match="other"):
        HyperLogLog(10).merge("nope")


@settings(max_examples=40)
@given(st.integers(4, 18), st.sampled_from([0, 1, 2**64 - 1]), ints)
def test_to_bytes_round_trip_and_pickle(p, seed, values):
    import pickle

    h = HyperLogLog(p, seed=seed)
    h.update(np.array(values, dtype=np.int64))
    data = h.to_bytes()
    assert len(data) == 32 + 16 + (1 << p)
    back = HyperLogLog.from_bytes(data)
    assert back == h and back.estimate() == h.estimate()
    assert pickle.loads(pickle.dumps(h)) == h


# HyperLogLog(4, seed=7) after update(list("abcdefg")), as stored by format version 1.
GOLDEN_V1 = bytes.fromhex(
    "51534d53484c4c200100000010000000100000000000000004000000000000000700000000000000"
    "060000010100000000000002040000009d8e5fd2e6cd0ecb"
)


def test_golden_v1_bytes_stay_readable_and_are_reproduced():
    h = HyperLogLog.from_bytes(GOLDEN_V1)
    assert (h.precision, h.hash, h.seed) == (4, "qsm", 7)
    assert h.registers.tolist() == [6, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 2, 4, 0, 0, 0]
    fresh = HyperLogLog(4, seed=7)
    fresh.update(list("abcdefg"))
    assert fresh.to_bytes() == GOLDEN_V1


def test_from_bytes_rejects_random_and_bit_flipped_bytes():
    from qsmcore.sketch import _format

    h = HyperLogLog(8)
    h.update(np.arange(1000))
    good = h.to_bytes()
    rng = pyrandom.Random(0)
    for i in range(len(good) * 8 // 7):  # flip every 7th bit of the image
        bad = bytearray(good)
        bad[(7 * i) // 8] ^= 1 << ((7 * i) % 8)
        with pytest.raises(ValueError):
            HyperLogLog.from_bytes(bytes(bad))
    for n in (0, 1, 31, 32, 100, len(good) - 1):
        with pytest.raises(ValueError):
            HyperLogLog.from_bytes(rng.randbytes(n))
        with pytest.raises(ValueError):
            HyperLogLog.from_bytes(good[:n])
    # Checksummed but inconsistent headers and payloads.
    regs = bytes(256)
    cases = [
        (bytes([3, 0]) + bytes(14), bytes(8)),  # precision below range
        (bytes([19, 0]) + bytes(14), bytes(8)),  # precision above range
        (bytes([8, 2]) + bytes(14), regs),  # unknown hash
        (bytes([8, 0, 1]) + bytes(13), regs),  # reserved byte
        (bytes([8, 0]) + bytes(14), regs[:-1]),  # payload size
        (bytes([8, 0]) + bytes(14), bytes([58]) + regs[1:]),  # register > 65 - p
        (bytes([8, 1]) + bytes(14), regs),  # redis hash needs p = 14
        (bytes([8, 0]) + bytes(15), regs),  # header size
    ]
    for header, payload in cases:
        with pytest.raises(ValueError):
            HyperLogLog.from_bytes(_format.pack(b"HLL ", 1, header, payload))
    with pytest.raises(TypeError):
        HyperLogLog.from_bytes(12)


# ---- bad input -----------------------------------------------------------------------


def test_bad_parameters_name_the_parameter():
    for bad in (3, 19, -1):
        with pytest.raises(ValueError, match="precision"):
            HyperLogLog(bad)
    for bad in (14.0, "14", True, None):
        with pytest.raises(TypeError, match="precision"):
            HyperLogLog(bad)
    with pytest.raises(ValueError, match="hash"):
        HyperLogLog(hash="md5")
    with pytest.raises(ValueError, match="seed"):
        HyperLogLog(seed=-1)
    with pytest.raises(TypeError, match="seed"):
        HyperLogLog(seed=1.5)
    with pytest.raises(ValueError, match="precision"):
        HyperLogLog(12, hash="redis")
    with pytest.raises(ValueError, match="seed"):
        HyperLogLog(14, hash="redis", seed=1)
    h = HyperLogLog(10)
    with pytest.raises(ValueError, match="threads"):
        h.update([1, 2], threads=0)
    with pytest.raises(ValueError, match="backend"):
        h.update([1, 2], backend="gpu")
    with pytest.raises(TypeError, match="values"):
        h.update({1, 2})
    with pytest.raises(TypeError, match="values"):
        h.update(["a", 1.5])
    for bad in (0.0, 1.0, -0.1, math.nan):
        with pytest.raises(ValueError, match="confidence"):
            h.estimate_bounds(bad)
    with pytest.raises(TypeError, match="confidence"):
        h.estimate_bounds("0.9")
    with pytest.raises(ValueError, match="hash"):
        h.to_redis()


def test_redis_hash_refuses_floats_and_bools():
    h = HyperLogLog(14, hash="redis")
    for bad in (np.array([1.5]), [1.5], np.array([True]), [True, False]):
        with pytest.raises(TypeError, match="values"):
            h.update(bad)


# ---- Redis' layout without a server --------------------------------------------------


def test_redis_hash_of_ints_is_the_hash_of_their_decimal_strings():
    ints_ = [0, 1, -1, 123, -(2**63), 2**63 - 1, 10**18]
    for dtype in (np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64):
        info = np.iinfo(dtype)
        vals = [v for v in [*ints_, int(info.min), int(info.max)] if info.min <= v <= info.max]
        a = HyperLogLog(14, hash="redis")
        a.update(np.array(vals, dtype=dtype))
        b = HyperLogLog(14, hash="redis")
        b.update([str(v) for v in vals])
        assert a == b, dtype
    a, b = HyperLogLog(14, hash="redis"), HyperLogLog(14, hash="redis")
    a.update(np.array([2**64 - 1, 5], dtype=">u8"))
    b.update([b"18446744073709551615", "5"])
    assert a == b
    a, b = HyperLogLog(14, hash="redis"), HyperLogLog(14, hash="redis")
    a.update(np.array(["ab", "é", ""]))
    b.update([b"ab", "é".encode(), b""])
    assert a == b
    a.update(np.array([b"x", b"yz"]))
    b.update(["x", "yz"])
    assert a == b
    a.update(np.array([7, 2**64 - 1], dtype=object))
    b.update(np.array(["7", b"18446744073709551615"], dtype=object))
    assert a == b
    expected = registers_ref(np.array([murmur64a_ref(b"42", 0xADC83B19)], dtype=np.uint64), 14)
    c = HyperLogLog(14, hash="redis")
    c.update([42])
    assert np.array_equal(c.registers, expected)


def test_to_redis_from_redis_round_trip_and_layout():
    h = HyperLogLog(14, hash="redis")
    h.update(np.arange(100_000))
    raw = h.to_redis()
    assert len(raw) == 16 + 12288 and raw[:5] == b"HYLL\x00" and raw[15] & 0x80
    assert HyperLogLog.from_redis(raw) == h
    # Register j sits at bits 6j .. 6j+5 of the little-endian bit stream.
    bits = int.from_bytes(raw[16:], "little")
    regs = h.registers
    for j in (0, 1, 2, 3, 4, 777, 16383):
        assert (bits >> (6 * j)) & 63 == regs[j]


def test_from_redis_sparse_opcodes_and_hostile_input():
    head = b"HYLL\x01\x00\x00\x00" + bytes(8)
    # XZERO:1000, VAL(2)x1, ZERO:19, VAL(3)x2, XZERO:15362 (the layout's own example)
    body = bytes([0x40 | (999 >> 8), 999 & 0xFF, 0x80 | (1 << 2), 18, 0x80 | (2 << 2) | 1])
    body += bytes([0x40 | (15361 >> 8), 15361 & 0xFF])
    h = HyperLogLog.from_redis(head + body)
    expected = np.zeros(16384, dtype=np.uint8)
    expected[1000], expected[1020:1022] = 2, 3
    assert np.array_equal(h.registers, expected)
    bad = [
        b"",
        b"HYLL",
        b"HYLX" + head[4:] + body,
        head[:4] + b"\x02" + head[5:] + body,  # unknown encoding
        head[:5] + b"\x01" + head[6:] + body,  # unused bytes
        head + body[:-1],  # XZERO cut off
        head + body[:-2],  # covers too few registers
        head + body + b"\x00",  # covers too many
        head + bytes([0x7F, 0xFF]) * 2,  # 2 x 16384
        b"HYLL" + bytes(12) + bytes(12287),  # dense, short
        b"HYLL" + bytes(12) + b"\xff" * 12288,  # dense, register 63 > 51
    ]
    for raw in bad:
        with pytest.raises(ValueError, match="raw"):
            HyperLogLog.from_redis(raw)
    rng = pyrandom.Random(1)
    for n in range(200):
        raw = head + rng.randbytes(n)
        try:
            HyperLogLog.from_redis(raw)
        except ValueError:
            pass
    with pytest.raises(TypeError, match="raw"):
        HyperLogLog.from_redis("HYLL")


# ---- against a real redis-server -----------------------------------------------------


def _pfadd(client, key, values, batch=1000):
    pipe = client.pipeline(transaction=False)
    for i in range(0, len(values), batch):
        pipe.pfadd(key, *values[i : i + batch])
    pipe.execute()


@pytest.mark.parametrize("n", [1, 10, 200, 1500, 3000, 6000, 50_000, 300_000])
def test_registers_and_count_equal_redis(redis_client, n):  # noqa: F811
    r = redis_client
    key = f"ints:{n}"
    r.delete(key)
    values = np.arange(n, dtype=np.int64) * 3 - n
    _pfadd(r, key, values.tolist())
    raw = r.get(key)
    theirs = HyperLogLog.from_redis(raw)
    ours = HyperLogLog(14, hash="redis")
    ours.update(values)
    assert np.array_equal(theirs.registers, ours.registers)
    pfcount = r.pfcount(key)
    assert redis_round(ours.estimate()) == pfcount
    # Our string, stored by SET, counts the same in Redis.
    r.set(f"ours:{n}", ours.to_redis())
    assert r.pfcount(f"ours:{n}") == pfcount
    if n <= 200:
        assert raw[4] == 1  # Redis keeps small sets sparse
    if n >= 6000:
        assert raw[4] == 0


def test_strings_bytes_and_pfmerge_equal_redis(redis_client):  # noqa: F811
    r = redis_client
    rng = pyrandom.Random(5)
    words = [f"user-{i}-é😀" for i in range(20_000)]
    blobs = [rng.randbytes(rng.randrange(0, 40)) for _ in range(5000)]
    r.delete("words", "blobs", "merged", "ours_words")
    _pfadd(r, "words", words)
    _pfadd(r, "blobs", blobs)
    ours_words = HyperLogLog(14, hash="redis")
    ours_words.update(words)
    ours_blobs = HyperLogLog(14, hash="redis")
    ours_blobs.update(blobs)
    assert HyperLogLog.from_redis(r.get("words")) == ours_words
    assert HyperLogLog.from_redis(r.get("blobs")) == ours_blobs
    # PFMERGE of our string with a Redis-built one equals our merge.
    r.set("ours_words", ours_words.to_redis())
    r.pfmerge("merged", "ours_words", "blobs")
    merged = ours_words | ours_blobs
    assert HyperLogLog.from_redis(r.get("merged")) == merged
    assert r.pfcount("merged") == redis_round(merged.estimate())
    # PFADD on our string works too.
    r.pfadd("ours_words", "one-more")
    ours_words.update(["one-more"])
    assert HyperLogLog.from_redis(r.get("ours_words")) == ours_words


def test_redis_hash_rejects_integers_past_uint64_with_the_reason():
    h = HyperLogLog(hash="redis")
    with pytest.raises(ValueError, match=r"str\(x\)"):
        h.update([2**64, 5])
    h.update([str(2**64), "5"])  # the documented way
    assert round(h.estimate()) == 2
