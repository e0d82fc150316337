"""Count-Min sketch, Space-Saving heavy hitters and Count-Min top-k."""

import math
import pickle
import struct
import threading
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qsmcore import _core, hash64
from qsmcore.sketch import CountMinSketch, CountMinTopK, HeavyHitters, _format

from .gpu import requires_gpu

M64 = (1 << 64) - 1


def zipf_stream(n, a=1.2, seed=0, universe=100_000):
    """A Zipf(a) stream of n int64 keys (capped to `universe` distinct values)."""
    rng = np.random.default_rng(seed)
    return (rng.zipf(a, size=n) % universe).astype(np.int64)


def exact_counts(keys, counts=None):
    u, inv = np.unique(keys, return_inverse=True)
    return u, np.bincount(inv, weights=counts, minlength=u.size).astype(np.int64)


# ----------------------------------------------------------------------------- row hash


def _splitmix(state):
    state = (state + 0x9E3779B97F4A7C15) & M64
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return state, z ^ (z >> 31)


def ref_row_index(seed, row, width, h):
    """Python transcription of qsm::cms::row_hash / row_index (the spec in countmin.hpp)."""
    state = (seed ^ 0x434D53526F777348) & M64
    state = (state + 3 * row * 0x9E3779B97F4A7C15) & M64
    state, a0 = _splitmix(state)
    state, a1 = _splitmix(state)
    state, b = _splitmix(state)
    v = ((a0 * (h & 0xFFFFFFFF) + a1 * (h >> 32) + b) & M64) >> 32
    return (v * width) >> 32


def test_row_index_matches_its_specification():
    hashes = hash64(np.arange(200), 7)
    idx = _core.cms_row_indexes(7, 4, 1009, hashes)
    for r in range(4):
        assert idx[r].tolist() == [ref_row_index(7, r, 1009, h) for h in hashes.tolist()]


def test_counters_equal_scatter_add_of_row_indexes():
    """What the CUDA kernel does (atomicAdd at row_index), emulated with np.add.at."""
    keys = zipf_stream(20_000, seed=3)
    counts = np.random.default_rng(1).integers(0, 5, size=keys.size)
    cms = CountMinSketch(width=333, depth=5, seed=11)
    cms.update(keys, counts, backend="cpu")
    idx = _core.cms_row_indexes(11, 5, 333, hash64(keys, 11))
    ref = np.zeros((5, 333), dtype=np.uint64)
    for r in range(5):
        np.add.at(ref[r], idx[r], counts.astype(np.uint64))
    assert np.array_equal(cms.table, ref)


def test_rows_look_pairwise_independent():
    """Two rows' columns of 200k keys: the joint histogram is uniform (chi-square, 5 sd)."""
    w = 16
    idx = _core.cms_row_indexes(0, 2, w, hash64(np.arange(200_000)))
    joint = np.bincount(idx[0] * w + idx[1], minlength=w * w)
    expected = idx.shape[1] / (w * w)
    chi2 = ((joint - expected) ** 2 / expected).sum()
    dof = w * w - 1
    assert abs(chi2 - dof) < 5 * math.sqrt(2 * dof)


# ----------------------------------------------------------------------------- Count-Min


def test_shape_from_epsilon_delta():
    cms = CountMinSketch(0.001, 0.01)
    assert (cms.width, cms.depth) == (math.ceil(math.e / 0.001), math.ceil(math.log(100)))
    assert cms.nbytes == 8 * cms.width * cms.depth
    assert math.isclose(cms.epsilon, math.e / cms.width)
    assert math.isclose(cms.delta, math.exp(-cms.depth))
    r = repr(cms)
    assert "ε=" in r and "δ=" in r and "bytes=" in r


def test_known_answers():
    one = CountMinSketch(width=1, depth=1)
    one.update(["a", "b", "c"], [2, 3, 4])
    assert one.query(["zzz"]).tolist() == [9] and one.total == 9
    cms = CountMinSketch(width=1 << 20, depth=4)
    cms.update(np.array([5, 5, 7], dtype=np.uint32))
    assert cms.query(np.array([5, 7, 9])).tolist() == [2, 1, 0]
    assert cms.query(5) == 2 and isinstance(cms.query(5), int)
    cms.update("x", [10])
    assert cms.query("x") == 10 and cms.query([b"x"]).tolist() == [10]


@pytest.mark.parametrize("conservative", [False, True])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_never_under_counts(conservative, seed):
    keys = zipf_stream(100_000, seed=seed)
    counts = np.random.default_rng(seed).integers(0, 4, size=keys.size)
    cms = CountMinSketch(0.01, 0.01, conservative=conservative, seed=seed)
    cms.update(keys, counts)
    u, f = exact_counts(keys, counts)
    assert np.all(cms.query(u).astype(np.int64) >= f)
    assert cms.total == int(counts.sum())


def test_over_count_bound_holds_with_probability_delta():
    """P[f̂ − f > εN] ≤ δ per key. Over 10 seeds × all distinct keys of a Zipf stream
    the failing fraction must stay below δ + 4 binomial standard errors (keys of one
    sketch are positively correlated, so the pooled seeds keep the count honest)."""
    eps, delta = 0.005, 0.05
    fails = trials = 0
    for seed in range(10):
        keys = zipf_stream(50_000, a=1.1, seed=100 + seed, universe=20_000)
        cms = CountMinSketch(eps, delta, seed=seed)
        cms.update(keys)
        u, f = exact_counts(keys)
        err = cms.query(u).astype(np.int64) - f
        fails += int((err > eps * cms.total).sum())
        trials += u.size
    assert fails / trials <= delta + 4 * math.sqrt(delta * (1 - delta) / trials)


def test_conservative_never_worse_than_plain():
    keys = zipf_stream(60_000, seed=5)
    plain = CountMinSketch(width=200, depth=4, seed=9)
    cons = CountMinSketch(width=200, depth=4, seed=9, conservative=True)
    for part in np.array_split(keys, 3):
        plain.update(part)
        cons.update(part)
    u, f = exact_counts(keys)
    qp, qc = plain.query(u), cons.query(u)
    assert np.all(qc <= qp) and np.all(qc.astype(np.int64) >= f)
    assert (qc < qp).any()  # it helps on a skewed stream


def test_threads_do_not_change_counters():
    keys = np.random.default_rng(0).integers(0, 1 << 40, size=300_000)
    counts = np.random.default_rng(1).integers(0, 1000, size=keys.size)
    a = CountMinSketch(width=5000, depth=7)
    b = CountMinSketch(width=5000, depth=7)
    a.update(keys, counts, threads=1)
    b.update(keys, counts)
    assert np.array_equal(a.table, b.table)
    assert np.array_equal(a.query(keys[:1000], threads=1), b.query(keys[:1000]))


def test_threads_do_not_change_counters_of_a_large_table():
    """Tables too large for per-thread copies are split by rows instead: same counters."""
    keys = np.random.default_rng(3).integers(0, 1 << 62, size=300_000)
    a = CountMinSketch(width=1 << 20, depth=3)
    b = CountMinSketch(width=1 << 20, depth=3)
    a.update(keys, threads=1)
    b.update(keys, threads=4)
    assert np.array_equal(a.table, b.table) and int(a.table[0].sum()) == keys.size


def test_empty_updates_change_nothing():
    for s in (CountMinSketch(width=7, depth=2), HeavyHitters(3), CountMinTopK(2, width=7, depth=2)):
        before = s.to_bytes()
        s.update([])
        s.update(np.zeros(0, dtype=np.uint64), [])
        assert s.to_bytes() == before and s.total == 0


def test_plain_update_is_split_invariant():
    keys = zipf_stream(30_000, seed=2)
    whole = CountMinSketch(width=97, depth=3)
    whole.update(keys)
    parts = CountMinSketch(width=97, depth=3)
    for p in np.array_split(keys, 7):
        parts.update(p)
    assert whole.to_bytes() == parts.to_bytes()


def test_total_overflow_is_refused():
    cms = CountMinSketch(width=8, depth=2)
    cms.update([1, 2], np.array([M64 - 5, 3], dtype=np.uint64))
    with pytest.raises(ValueError, match="counts"):
        cms.update([1, 2], np.array([1, 2], dtype=np.uint64))
    assert cms.total == M64 - 2  # the refused batch changed nothing
    with pytest.raises(ValueError, match="counts"):
        cms.update([3, 4, 5])


keys_st = st.lists(st.integers(0, 50), max_size=60)


@settings(max_examples=40)
@given(keys_st, keys_st, keys_st, st.booleans())
def test_merge_is_union_commutative_associative(a, b, c, conservative):
    def sk(*parts):
        s = CountMinSketch(width=13, depth=3, seed=4, conservative=conservative)
        for p in parts:
            s.update(np.array(p, dtype=np.int64))
        return s

    ab, ba = sk(a) | sk(b), sk(b) | sk(a)
    assert np.array_equal(ab.table, ba.table)
    assert np.array_equal(((sk(a) | sk(b)) | sk(c)).table, (sk(a) | (sk(b) | sk(c))).table)
    if not conservative:
        assert np.array_equal(ab.table, sk(a + b).table)
    assert ab.total == len(a) + len(b)


@settings(max_examples=30)
@given(keys_st, st.integers(1, 40), st.integers(1, 6), st.booleans(), st.integers(0, M64))
def test_round_trip(keys, width, depth, conservative, seed):
    s = CountMinSketch(width=width, depth=depth, conservative=conservative, seed=seed)
    s.update(np.array(keys, dtype=np.int64))
    for t in (CountMinSketch.from_bytes(s.to_bytes()), pickle.loads(pickle.dumps(s)), s.copy()):
        assert t.to_bytes() == s.to_bytes()
        assert (t.width, t.depth, t.conservative, t.seed, t.total) == (
            width, depth, conservative, seed, len(keys),
        )  # fmt: skip


def test_merge_mismatch_and_self():
    a = CountMinSketch(width=10, depth=2)
    for other in (CountMinSketch(width=11, depth=2), CountMinSketch(width=10, depth=2, seed=1)):
        with pytest.raises(ValueError, match="other"):
            a.merge(other)
    with pytest.raises(TypeError, match="other"):
        a.merge(HeavyHitters(3))
    a.update([1, 2, 3])
    a.merge(a)
    assert a.total == 6 and a.query(1) >= 2


def test_two_threads_equal_sequential():
    batches = [zipf_stream(20_000, seed=s) for s in range(8)]
    shared = CountMinSketch(width=1000, depth=5)
    seq = CountMinSketch(width=1000, depth=5)
    for b in batches:
        seq.update(b)

    def work(bs):
        for b in bs:
            shared.update(b, threads=2)

    ts = [threading.Thread(target=work, args=(batches[i::2],)) for i in range(2)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert np.array_equal(shared.table, seq.table) and shared.total == seq.total


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({}, TypeError, "exactly one"),
        ({"epsilon": 0.1, "delta": 0.1, "width": 5}, TypeError, "exactly one"),
        ({"epsilon": 0.1}, TypeError, "delta"),
        ({"width": 5}, TypeError, "depth"),
        ({"epsilon": 0.0, "delta": 0.1}, ValueError, "epsilon"),
        ({"epsilon": float("nan"), "delta": 0.1}, ValueError, "epsilon"),
        ({"epsilon": 0.1, "delta": 1.0}, ValueError, "delta"),
        ({"epsilon": 1e-12, "delta": 0.1}, ValueError, "epsilon"),
        ({"epsilon": 0.1, "delta": 1e-40}, ValueError, "delta"),
        ({"width": 0, "depth": 3}, ValueError, "width"),
        ({"width": 3, "depth": 65}, ValueError, "depth"),
        ({"width": 2.5, "depth": 3}, TypeError, "width"),
        ({"width": 5, "depth": 3, "seed": -1}, ValueError, "seed"),
        ({"width": 5, "depth": 3, "conservative": 1}, TypeError, "conservative"),
        ({"width": 1 << 28, "depth": 64}, ValueError, "counters"),
    ],
)
def test_bad_construction(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        CountMinSketch(**kwargs)


@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        (lambda s: s.update([1, 2], [1, -1]), ValueError, "counts"),
        (lambda s: s.update([1, 2], [1]), ValueError, "counts"),
        (lambda s: s.update([1, 2], [1.0, 2.0]), TypeError, "counts"),
        (lambda s: s.update([1, 2], threads=0), ValueError, "threads"),
        (lambda s: s.update([1, 2], backend="gpu"), ValueError, "backend"),
        (lambda s: s.update({1, 2}), TypeError, "keys"),
        (lambda s: s.update([1, "a"]), TypeError, "keys"),
        (lambda s: s.query([2**70]), TypeError, "keys"),
        (lambda s: s.query([1], threads=-1), ValueError, "threads"),
    ],
)
def test_bad_update(call, exc, match):
    s = CountMinSketch(width=5, depth=2)
    with pytest.raises(exc, match=match):
        call(s)
    assert s.total == 0


def test_conservative_refuses_cuda():
    s = CountMinSketch(width=5, depth=2, conservative=True)
    with pytest.raises((ValueError, RuntimeError), match="backend"):
        s.update([1], backend="cuda")


# ----------------------------------------------------------------------------- hostile bytes


def _corruptions(data):
    rng = np.random.default_rng(0)
    for i in rng.choice(len(data) * 8, size=min(300, len(data) * 8), replace=False):
        flipped = bytearray(data)
        flipped[i // 8] ^= 1 << (i % 8)
        yield bytes(flipped)
    for n in range(0, len(data), max(1, len(data) // 50)):
        yield data[:n]
    for n in range(30):
        yield rng.bytes(n * 7)


@pytest.mark.parametrize("cls", [CountMinSketch, HeavyHitters, CountMinTopK])
def test_corrupted_bytes_raise_value_error(cls):
    if cls is CountMinSketch:
        s = CountMinSketch(width=20, depth=3)
    elif cls is HeavyHitters:
        s = HeavyHitters(5)
    else:
        s = CountMinTopK(4, width=20, depth=3)
    s.update(["a", "b", "a", "c", "d", "e", "f"])
    s.update(np.array([1.5, -2.0]))
    data = s.to_bytes()
    assert cls.from_bytes(data).to_bytes() == data
    for bad in _corruptions(data):
        with pytest.raises(ValueError):
            cls.from_bytes(bad)
    with pytest.raises(TypeError, match="data"):
        cls.from_bytes("not bytes")


def _cms_bytes(width, depth, seed, total, flag, payload, pad=b"\0\0\0"):
    header = struct.pack("<IIQQB", width, depth, seed, total, flag) + pad
    return _format.pack(b"CMS ", 1, header, payload)


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (_cms_bytes(0, 1, 0, 0, 0, b""), "shape"),
        (_cms_bytes(1 << 28, 64, 0, 0, 0, b""), "counters"),
        (_cms_bytes(2, 1, 0, 0, 0, b"\0" * 8), "payload"),
        (_cms_bytes(1, 1, 0, 0, 2, b"\0" * 8), "conservative"),
        (_cms_bytes(1, 1, 0, 0, 0, b"\0" * 8, pad=b"\0\1\0"), "reserved"),
        (_cms_bytes(1, 1, 0, 3, 0, struct.pack("<Q", 4)), "total"),
        (_format.pack(b"SPSV", 1, struct.pack("<IIQQ", 2, 3, 0, 9), b""), "sizes"),
        (_format.pack(b"SPSV", 1, struct.pack("<IIQQ", 2, 1, 0, 9), b"\0" * 24 + b"\x09"), "tag"),
        (
            _format.pack(
                b"SPSV", 1, struct.pack("<IIQQ", 2, 1, 0, 9),
                struct.pack("<QQQ", 123, 3, 1) + b"\x00" + struct.pack("<Q", 5),
            ),
            "hash",
        ),
    ],
)  # fmt: skip
def test_hostile_but_well_framed_bytes(data, match):
    cls = {b"CMS ": CountMinSketch, b"SPSV": HeavyHitters}[data[4:8]]
    with pytest.raises(ValueError, match=match):
        cls.from_bytes(data)


# ----------------------------------------------------------------------------- Space-Saving


def check_space_saving(hh, keys, counts=None):
    """Every Space-Saving guarantee, exactly, against exact counts."""
    u, f = exact_counts(keys, counts)
    truth = dict(zip(u.tolist(), f.tolist(), strict=True))
    n_total = int(f.sum())
    assert hh.total == n_total
    top = hh.top()
    assert len(top) <= hh.k
    assert hh.min_count <= n_total / hh.k
    monitored = {key for key, _, _ in top}
    for key, count, error in top:
        assert count - error <= truth.get(key, 0) <= count
        assert error <= hh.min_count
    for key, freq in truth.items():
        if key not in monitored:
            assert freq <= hh.min_count
        if freq > n_total / hh.k:
            assert key in monitored
    counts_list = [c for _, c, _ in top]
    assert counts_list == sorted(counts_list, reverse=True)


@pytest.mark.parametrize(("k", "a", "seed"), [(10, 1.3, 0), (50, 1.1, 1), (200, 1.05, 2)])
def test_space_saving_guarantees_on_zipf(k, a, seed):
    keys = zipf_stream(100_000, a=a, seed=seed)
    hh = HeavyHitters(k)
    for part in np.array_split(keys, 4):
        hh.update(part)
    check_space_saving(hh, keys)


def test_space_saving_weighted_and_exact_when_k_is_large():
    keys = zipf_stream(20_000, seed=4, universe=300)
    counts = np.random.default_rng(0).integers(0, 10, size=keys.size)
    hh = HeavyHitters(50)
    hh.update(keys, counts)
    check_space_saving(hh, keys, counts)
    big = HeavyHitters(1000)
    big.update(keys, counts)
    u, f = exact_counts(keys, counts)
    truth = {x: c for x, c in zip(u.tolist(), f.tolist(), strict=True) if c > 0}
    assert {k: (c, e) for k, c, e in big.top()} == {k: (c, 0) for k, c in truth.items()}


def test_space_saving_known_answer_and_original_keys():
    hh = HeavyHitters(2)
    hh.update(["a", "b", "a", "c"])
    # a:2; b:1 evicted by c -> c enters with count 2, error 1
    assert hh.top() == [("a", 2, 0), ("c", 2, 1)] or hh.top() == [("c", 2, 1), ("a", 2, 0)]
    hh.update([b"raw", b"raw", b"raw"])
    # raw replaces an entry of count 2 (error 2), then adds 1 + 1 + 1
    assert hh.top(1) == [(b"raw", 5, 2)]
    ints = HeavyHitters(3)
    ints.update(np.array([7, 7, 7, 2**63 + 1], dtype=np.uint64))
    ints.update(np.array([1.25, 1.25]))
    assert ints.top() == [(7, 3, 0), (1.25, 2, 0), (2**63 + 1, 1, 0)]
    assert "N/k" in repr(ints)


def test_space_saving_merge_keeps_the_guarantees():
    rng = np.random.default_rng(7)
    keys = zipf_stream(80_000, a=1.15, seed=9)
    parts = np.array_split(keys[rng.permutation(keys.size)], 4)
    sums = []
    for p in parts:
        h = HeavyHitters(40)
        h.update(p)
        sums.append(h)
    merged = (sums[0] | sums[1]) | (sums[2] | sums[3])
    check_space_saving(merged, keys)
    chain = sums[0].copy()
    for s in sums[1:]:
        chain.merge(s)
    check_space_saving(chain, keys)
    chain.update(parts[0])  # keeps working after a merge
    check_space_saving(chain, np.concatenate([keys, parts[0]]))


@settings(max_examples=40)
@given(keys_st, keys_st, st.integers(1, 6))
def test_space_saving_merge_commutes_and_round_trips(a, b, k):
    x, y = HeavyHitters(k, seed=3), HeavyHitters(k, seed=3)
    x.update(np.array(a, dtype=np.int64))
    y.update(np.array(b, dtype=np.int64))
    xy, yx = x | y, y | x
    assert xy.top() == yx.top()
    check_space_saving(xy, np.array(a + b, dtype=np.int64))
    for t in (HeavyHitters.from_bytes(xy.to_bytes()), pickle.loads(pickle.dumps(xy))):
        assert t.top() == xy.top() and t.total == xy.total and t.min_count == xy.min_count


def test_space_saving_bad_input():
    with pytest.raises(ValueError, match="k"):
        HeavyHitters(0)
    with pytest.raises(TypeError, match="k"):
        HeavyHitters(2.0)
    with pytest.raises(ValueError, match="other"):
        HeavyHitters(3).merge(HeavyHitters(4))
    with pytest.raises(ValueError, match="other"):
        HeavyHitters(3).merge(HeavyHitters(3, seed=1))
    hh = HeavyHitters(3)
    with pytest.raises(ValueError, match="counts"):
        hh.update([1, 2], [-1, 1])
    with pytest.raises(ValueError, match="n"):
        hh.top(-1)


def test_space_saving_two_threads():
    batches = [zipf_stream(5000, seed=s) for s in range(2)]
    shared = HeavyHitters(20)
    ts = [threading.Thread(target=shared.update, args=(b,)) for b in batches]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    orders = []
    for first, second in ((0, 1), (1, 0)):
        s = HeavyHitters(20)
        s.update(batches[first])
        s.update(batches[second])
        orders.append(s.top())
    assert shared.top() in orders


# ----------------------------------------------------------------------------- CMS top-k


def test_topk_finds_the_heavy_keys():
    keys = zipf_stream(100_000, a=1.3, seed=12)
    tk = CountMinTopK(10, 0.001, 0.01)
    for part in np.array_split(keys, 5):
        tk.update(part)
    u, f = exact_counts(keys)
    true_top = set(u[np.argsort(-f, kind="stable")[:10]].tolist())
    got = tk.top()
    assert {k for k, _ in got} == true_top
    for key, est in got:
        assert est >= f[np.searchsorted(u, key)]
        assert est == tk.query(key)
    assert len(tk.top(3)) == 3 and "CountMinTopK" in repr(tk)


def test_topk_merge_and_round_trip():
    keys = zipf_stream(60_000, a=1.3, seed=13)
    halves = np.array_split(keys, 2)
    a, b = CountMinTopK(8, width=3000, depth=5), CountMinTopK(8, width=3000, depth=5)
    a.update(halves[0])
    b.update(halves[1])
    ab, ba = a | b, b | a
    assert ab.top() == ba.top()
    whole = CountMinTopK(8, width=3000, depth=5)
    whole.update(keys)
    assert ab.sketch.to_bytes() == whole.sketch.to_bytes()
    assert ab.top() == whole.top()  # the heavy keys are heavy in both halves
    back = CountMinTopK.from_bytes(ab.to_bytes())
    assert back.top() == ab.top() and back.to_bytes() == ab.to_bytes()
    with pytest.raises(ValueError, match="other"):
        a.merge(CountMinTopK(9, width=3000, depth=5))
    with pytest.raises(ValueError, match="other"):
        a.merge(CountMinTopK(8, width=3001, depth=5))


def test_topk_string_keys_and_threads():
    words = [f"w{i % 37}" for i in range(5000)] + ["hot"] * 900
    tk1, tk2 = CountMinTopK(3, width=500, depth=4), CountMinTopK(3, width=500, depth=4)
    tk1.update(words, threads=1)
    tk2.update(words)
    assert tk1.top() == tk2.top()
    key, est = tk1.top()[0]
    assert key == "hot" and est >= 900 and est == tk1.query("hot")


# ----------------------------------------------------------------------------- GPU


@requires_gpu
@pytest.mark.parametrize("with_counts", [False, True])
def test_cuda_counters_equal_cpu(with_counts):
    keys = zipf_stream(2_000_000, seed=21)
    counts = np.random.default_rng(2).integers(0, 100, size=keys.size) if with_counts else None
    cpu = CountMinSketch(width=4099, depth=6, seed=5)
    gpu = CountMinSketch(width=4099, depth=6, seed=5)
    cpu.update(keys, counts, backend="cpu")
    gpu.update(keys, counts, backend="cuda")
    assert gpu.to_bytes() == cpu.to_bytes()


# ----------------------------------------------------------------------------- golden bytes

DATA = Path(__file__).parent / "data"


def test_golden_bytes_stay_readable():
    """Bytes written by version 1 (tests/data/countmin_*_v1.bin) load with the same answers."""
    cms = CountMinSketch.from_bytes((DATA / "countmin_cms_v1.bin").read_bytes())
    assert (cms.width, cms.depth, cms.seed, cms.total) == (16, 3, 42, 193)
    assert cms.query(["alpha", "beta"]).tolist() == [3, 1]
    assert cms.query(np.arange(20)).tolist() == [
        0, 27, 2, 14, 4, 5, 19, 7, 8, 9, 10, 11, 12, 13, 14, 15, 20, 17, 32, 19,
    ]  # fmt: skip
    hh = HeavyHitters.from_bytes((DATA / "countmin_spsv_v1.bin").read_bytes())
    assert hh.top() == [(-3, 3, 1), ("alpha", 3, 0), (2.5, 3, 1), (True, 3, 2)]
    assert (hh.k, hh.seed, hh.total, hh.min_count) == (4, 42, 12, 3)
    tk = CountMinTopK.from_bytes((DATA / "countmin_cmtk_v1.bin").read_bytes())
    assert tk.top() == [(7, 4), ("alpha", 3), ("beta", 2)] and tk.total == 10
    for cls, name in ((CountMinSketch, "cms"), (HeavyHitters, "spsv"), (CountMinTopK, "cmtk")):
        data = (DATA / f"countmin_{name}_v1.bin").read_bytes()
        assert cls.from_bytes(data).to_bytes() == data


@pytest.mark.parametrize("cls", [CountMinSketch, HeavyHitters, CountMinTopK])
def test_mutated_contents_with_valid_checksum_never_crash(cls):
    """Past the checksum: random edits of header and payload, re-framed so the checksum
    holds, either load (and then round-trip) or raise ValueError, nothing else."""
    s = {
        CountMinSketch: lambda: CountMinSketch(width=6, depth=2, seed=3),
        HeavyHitters: lambda: HeavyHitters(4, seed=3),
        CountMinTopK: lambda: CountMinTopK(3, width=6, depth=2, seed=3),
    }[cls]()
    s.update(["a", "b", "a", b"c", "d"])
    s.update(np.array([-1, 5, 5], dtype=np.int64))
    kind = cls.KIND
    _, header, payload = _format.unpack(s.to_bytes(), kind, (1,))
    rng = np.random.default_rng(1)
    for _ in range(400):
        h, p = bytearray(header), bytearray(bytes(payload))
        for _ in range(int(rng.integers(1, 4))):
            target = h if (rng.random() < 0.3 or not p) else p
            i = int(rng.integers(len(target)))
            target[i] = int(rng.integers(256))
        if rng.random() < 0.2 and p:
            p = p[: int(rng.integers(len(p)))]
        data = _format.pack(kind, 1, bytes(h), bytes(p))
        try:
            loaded = cls.from_bytes(data)
        except ValueError:
            continue
        assert cls.from_bytes(loaded.to_bytes()).to_bytes() == loaded.to_bytes()
