"""qsmcore.sketch.TDigest: known answers, rank-error bounds, merge, storage, bad input."""

import pickle
import struct
import threading

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import qsmcore
from qsmcore.sketch import TDigest, _format
from qsmcore.sketch import tdigest as tdmod

N = 1_000_000
QS = np.array([1e-4, 1e-3, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999, 0.9999])


def _data(kind: str, n: int = N, seed: int = 7) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if kind == "uniform":
        return rng.random(n)
    if kind == "normal":
        return rng.standard_normal(n)
    return rng.lognormal(0.0, 1.5, n)


def _rank(sorted_x: np.ndarray, est: np.ndarray) -> np.ndarray:
    """Empirical F at ``est`` with ties split in half (mid-rank), as the digest defines cdf."""
    lo = np.searchsorted(sorted_x, est, side="left")
    hi = np.searchsorted(sorted_x, est, side="right")
    return (lo + hi) / 2 / sorted_x.size


def _check_rank_error(d: TDigest, x_sorted: np.ndarray, factor: float = 1.0, atom: float = 1.0):
    # Bound: one centroid's share of the data at q (rank_error_bound, see the module
    # docstring), plus the largest single input weight (``atom``) of discreteness.
    est = d.quantile(QS)
    err = np.abs(_rank(x_sorted, est) - QS)
    bound = factor * d.rank_error_bound(QS) + atom / x_sorted.size
    assert (err <= bound).all(), list(zip(QS, err, bound, strict=True))


# -- known answers ----------------------------------------------------------------


def test_one_value():
    d = TDigest()
    d.update([3.5])
    assert (d.count, d.min, d.max) == (1.0, 3.5, 3.5)
    assert d.quantile(0.0) == d.quantile(0.37) == d.quantile(1.0) == 3.5
    assert (d.cdf(3.0), d.cdf(3.5), d.cdf(4.0)) == (0.0, 0.5, 1.0)


def test_two_values():
    d = TDigest()
    d.update(np.array([2.0, 1.0]))
    assert d.quantile([0.0, 0.25, 0.75, 1.0]).tolist() == [1.0, 1.0, 2.0, 2.0]
    # cdf counts half the weight equal to x: F(1) = 0.5/2, F(2) = 1.5/2.
    assert d.cdf([0.5, 1.0, 1.5, 2.0, 2.5]).tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]


def test_all_equal_values():
    d = TDigest(50)
    d.update(np.full(100_000, 7.25))
    assert np.all(d.quantile(np.linspace(0, 1, 101)) == 7.25)
    assert d.cdf(7.25) == pytest.approx(0.5)
    assert d.cdf(7.0) == 0.0 and d.cdf(7.5) == 1.0


def test_few_values_are_exact_order_statistics():
    # 20 values with compression 100: every centroid is a singleton, so the
    # quantile at rank i + 0.5 is the i-th order statistic exactly.
    x = np.random.default_rng(1).permutation(np.arange(20.0))
    d = TDigest(100)
    d.update(x)
    assert d.centroids()[1].tolist() == [1.0] * 20
    assert d.quantile((np.arange(20) + 0.5) / 20).tolist() == list(range(20))


def test_min_max_and_ends_are_exact():
    x = _data("lognormal", 100_000)
    d = TDigest()
    d.update(x)
    assert d.quantile(0.0) == d.min == x.min()
    assert d.quantile(1.0) == d.max == x.max()
    assert d.cdf(x.min() - 1) == 0.0 and d.cdf(x.max() + 1) == 1.0


@pytest.mark.parametrize("scale", ["k1", "k2", "k3"])
def test_quantile_and_cdf_are_monotone_and_inverse(scale):
    x = _data("normal", 200_000)
    d = TDigest(100, scale=scale)
    d.update(x)
    q = np.linspace(0, 1, 2001)
    v = d.quantile(q)
    assert (np.diff(v) >= 0).all()
    grid = np.linspace(x.min() - 0.1, x.max() + 0.1, 2001)
    assert (np.diff(d.cdf(grid)) >= 0).all()
    inner = QS
    back = d.cdf(d.quantile(inner))
    assert np.abs(back - inner).max() <= d.rank_error_bound(inner).max()
    assert (np.abs(back - inner) <= d.rank_error_bound(inner) + 1 / x.size).all()


def test_scalar_and_array_shapes():
    d = TDigest()
    d.update(np.arange(100).reshape(10, 10))  # any shape, flattened; ints accepted
    assert isinstance(d.quantile(0.5), float) and isinstance(d.cdf(3), float)
    assert d.quantile(np.full((2, 3), 0.5)).shape == (2, 3)
    assert d.cdf([[1.0, 2.0]]).shape == (1, 2)
    assert d.count == 100


# -- accuracy ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["uniform", "normal", "lognormal"])
@pytest.mark.parametrize("scale", ["k3", "k2", "k1"])
def test_rank_error_1m(kind, scale):
    x = _data(kind)
    d = TDigest(100, scale=scale)
    d.update(x)
    assert 50 <= len(d) <= 200  # compression 100 keeps about 100 centroids
    _check_rank_error(d, np.sort(x))


def test_merge_of_parts_within_the_same_bound():
    x = _data("lognormal", N, seed=3)
    parts = []
    for chunk in np.array_split(x, 10):
        p = TDigest(100)
        p.update(chunk)
        parts.append(p)
    merged = TDigest(100)
    for p in parts:
        merged.merge(p)
    assert merged.count == N and merged.min == x.min() and merged.max == x.max()
    _check_rank_error(merged, np.sort(x))


def test_weights_match_repeated_values():
    rng = np.random.default_rng(5)
    v = rng.normal(size=5000)
    w = rng.integers(1, 20, size=5000)
    a, b = TDigest(), TDigest()
    a.update(v, weights=w)
    b.update(np.repeat(v, w))
    assert a.count == b.count == w.sum()
    xs = np.sort(np.repeat(v, w))
    _check_rank_error(a, xs, atom=float(w.max()))


# -- merge ------------------------------------------------------------------------


def test_merge_is_commutative_bit_for_bit_and_checks_parameters():
    a, b = TDigest(), TDigest()
    a.update(_data("normal", 50_000, 1))
    b.update(_data("uniform", 30_000, 2))
    assert (a | b).to_bytes() == (b | a).to_bytes()
    with pytest.raises(ValueError, match="other"):
        a.merge(TDigest(200))
    with pytest.raises(ValueError, match="other"):
        a.merge(TDigest(100, scale="k1"))
    with pytest.raises(TypeError, match="other"):
        a.merge("x")  # type: ignore[arg-type]
    empty = TDigest()
    assert (a | empty).to_bytes() == (empty | a).to_bytes()
    assert (a | empty).quantile(QS) == pytest.approx(a.quantile(QS), rel=1e-12)
    e = TDigest()
    e.merge(a)
    assert e.count == a.count and e.min == a.min and e.max == a.max
    a.merge(a)  # self-merge doubles the weight
    assert a.count == 100_000


finite = st.floats(allow_nan=False, allow_infinity=False, width=64, min_value=-1e12, max_value=1e12)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(finite, max_size=300), st.lists(finite, max_size=300), st.lists(finite, max_size=50)
)
def test_merge_summarizes_the_union(xs, ys, zs):
    ds = []
    for v in (xs, ys, zs):
        d = TDigest(20)
        d.update(np.array(v, dtype=float))
        ds.append(d)
    left = ds[0].copy().merge(ds[1]).merge(ds[2])
    right = ds[0].copy().merge(ds[1].copy().merge(ds[2]))
    union = xs + ys + zs
    for m in (left, right):
        assert m.count == len(union)
        if union:
            assert m.min == min(union) + 0.0 and m.max == max(union) + 0.0
            q = m.quantile(np.linspace(0, 1, 11))
            assert (np.diff(q) >= 0).all() and q[0] == m.min and q[-1] == m.max
            assert float(m.centroids()[1].sum()) == len(union)
    assert (ds[0] | ds[1]).to_bytes() == (ds[1] | ds[0]).to_bytes()


# -- storage ----------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    st.lists(finite, max_size=500),
    st.sampled_from(["k1", "k2", "k3"]),
    st.integers(1, 300),
    st.booleans(),
)
def test_to_bytes_round_trip(values, scale, compression, weighted):
    d = TDigest(compression, scale=scale)
    w = np.linspace(0.01, 100.0, len(values)) if weighted else None
    d.update(np.array(values, dtype=float), weights=w)
    data = d.to_bytes()
    e = TDigest.from_bytes(data)
    assert e.to_bytes() == data and e == d
    assert (e.compression, e.scale, e.count) == (d.compression, d.scale, d.count)
    assert pickle.loads(pickle.dumps(d)) == d
    assert d.copy() == d and d.copy() is not d
    if values:
        q = np.linspace(0, 1, 7)
        assert e.quantile(q).tolist() == d.quantile(q).tolist()


def test_layout_and_repr():
    d = TDigest(100)
    d.update(np.arange(1000.0))
    data = d.to_bytes()
    m = len(d)
    assert data[4:8] == b"TDG " and len(data) == _format.OVERHEAD + 48 + 16 * m
    comp, scale, _, total, lo, hi, count = struct.unpack_from("<dIIdddQ", data, 24)
    assert (comp, scale, total, lo, hi, count) == (100.0, 3, 1000.0, 0.0, 999.0, m)
    r = repr(d)
    assert "compression=100" in r and f"centroids={m}" in r and f"bytes={len(data)}" in r
    assert "rank error" in r


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_from_bytes_rejects_random_bytes(junk):
    with pytest.raises(ValueError):
        TDigest.from_bytes(junk)


def test_from_bytes_rejects_bit_flips_and_truncation():
    d = TDigest(10)
    d.update(np.arange(50.0))
    data = d.to_bytes()
    for i in range(len(data) * 8):
        flipped = bytearray(data)
        flipped[i // 8] ^= 1 << (i % 8)
        with pytest.raises(ValueError):
            TDigest.from_bytes(bytes(flipped))
    for n in range(0, len(data), 7):
        with pytest.raises(ValueError):
            TDigest.from_bytes(data[:n])
    with pytest.raises(TypeError):
        TDigest.from_bytes(12)  # type: ignore[arg-type]


def _forge(header_fields, pairs) -> bytes:
    header = struct.pack("<dIIdddQ", *header_fields)
    return _format.pack(b"TDG ", 1, header, np.asarray(pairs, dtype="<f8").tobytes())


@pytest.mark.parametrize(
    ("fields", "pairs"),
    [
        ((0.0, 2, 0, 1.0, 1.0, 1.0, 1), [[1.0, 1.0]]),  # compression 0
        ((1e9, 2, 0, 1.0, 1.0, 1.0, 1), [[1.0, 1.0]]),  # absurd compression
        ((100.0, 7, 0, 1.0, 1.0, 1.0, 1), [[1.0, 1.0]]),  # unknown scale
        ((100.0, 2, 1, 1.0, 1.0, 1.0, 1), [[1.0, 1.0]]),  # reserved != 0
        ((100.0, 2, 0, 1.0, 1.0, 1.0, 2), [[1.0, 1.0]]),  # count vs payload
        ((100.0, 2, 0, 1.0, 1.0, 1.0, 10**15), [[1.0, 1.0]]),  # huge count
        ((100.0, 2, 0, 2.0, 0.0, 3.0, 2), [[2.0, 1.0], [1.0, 1.0]]),  # unsorted means
        ((100.0, 2, 0, 2.0, 0.0, 3.0, 2), [[1.0, -1.0], [2.0, 3.0]]),  # negative weight
        ((100.0, 2, 0, 5.0, 0.0, 3.0, 2), [[1.0, 1.0], [2.0, 1.0]]),  # weight sum
        ((100.0, 2, 0, 2.0, 1.5, 3.0, 2), [[1.0, 1.0], [2.0, 1.0]]),  # min above a mean
        ((100.0, 2, 0, 2.0, 0.0, float("nan"), 2), [[1.0, 1.0], [2.0, 1.0]]),  # NaN max
        ((100.0, 2, 0, 2.0, 0.0, 3.0, 2), [[float("inf"), 1.0], [2.0, 1.0]]),  # inf mean
        ((100.0, 2, 0, 3.0, 0.0, 3.0, 0), np.zeros((0, 2))),  # weight, no centroids
    ],
)
def test_from_bytes_rejects_inconsistent_state(fields, pairs):
    with pytest.raises(ValueError, match="TDigest"):
        TDigest.from_bytes(_forge(fields, pairs))


# -- determinism and threads ----------------------------------------------------------


def test_deterministic_and_independent_of_threads():
    x = _data("lognormal", 300_000, seed=11)
    a, b, c = TDigest(), TDigest(), TDigest()
    a.update(x)
    b.update(x, threads=1)
    c.update(x.copy(), threads=2)
    assert a.to_bytes() == b.to_bytes() == c.to_bytes()


def test_large_batches_are_processed_in_fixed_blocks():
    # A batch longer than one block (2**22) equals the same values in block-sized updates.
    x = qsmcore.random.sample(qsmcore.random.uniform(0.0, 1.0), (1 << 22) + 1000, seed=2)
    a, b = TDigest(), TDigest()
    a.update(x)
    b.update(x[: 1 << 22])
    b.update(x[1 << 22 :])
    assert a.to_bytes() == b.to_bytes()


def test_concurrent_cross_merges_do_not_deadlock():
    a, b = TDigest(), TDigest()
    a.update(_data("normal", 10_000, 1))
    b.update(_data("normal", 10_000, 2))
    ts = [threading.Thread(target=lambda: [a.merge(b) for _ in range(50)]),
          threading.Thread(target=lambda: [b.merge(a) for _ in range(50)])]  # fmt: skip
    for t in ts:
        t.start()
    for t in ts:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in ts)
    assert a.count > 10_000 and b.count > 10_000


def test_two_threads_updating_one_digest():
    # Each thread makes one update; the lock makes the result one of the two
    # sequential orders, bit for bit.
    xa, xb = _data("normal", 200_000, 1), _data("uniform", 200_000, 2)
    orders = set()
    for first, second in ((xa, xb), (xb, xa)):
        d = TDigest()
        d.update(first)
        d.update(second)
        orders.add(d.to_bytes())
    for _ in range(3):
        d = TDigest()
        barrier = threading.Barrier(2)

        def work(v, d=d, barrier=barrier):
            barrier.wait()
            d.update(v)

        ts = [threading.Thread(target=work, args=(v,)) for v in (xa, xb)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        assert d.to_bytes() in orders


# -- bad input --------------------------------------------------------------------------


@pytest.mark.parametrize("c", [0, -5, 0.5, 1e6, float("nan"), float("inf")])
def test_bad_compression(c):
    with pytest.raises(ValueError, match="compression"):
        TDigest(c)


def test_bad_compression_type_and_scale():
    with pytest.raises(TypeError, match="compression"):
        TDigest("100")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="compression"):
        TDigest(True)
    with pytest.raises(ValueError, match="scale"):
        TDigest(100, scale="k9")  # type: ignore[arg-type]


def test_bad_values_and_weights():
    d = TDigest()
    for bad in ([1.0, float("nan")], [float("inf")], np.array([-np.inf, 0.0])):
        with pytest.raises(ValueError, match="values"):
            d.update(bad)
    with pytest.raises(TypeError, match="values"):
        d.update(["a", "b"])
    with pytest.raises(TypeError, match="values"):
        d.update("abc")
    with pytest.raises(TypeError, match="values"):
        d.update(np.array([1 + 2j]))
    with pytest.raises(ValueError, match="weights"):
        d.update([1.0, 2.0], weights=[1.0])
    with pytest.raises(ValueError, match="weights"):
        d.update([1.0, 2.0], weights=[1.0, 0.0])
    with pytest.raises(ValueError, match="weights"):
        d.update([1.0, 2.0], weights=[1.0, float("nan")])
    with pytest.raises(ValueError, match="threads"):
        d.update([1.0], threads=0)
    assert d.count == 0  # nothing was added by the failed calls
    d.update([])  # empty batch: fine, no change
    assert d.count == 0 and np.isnan(d.min)


def test_bad_queries():
    d = TDigest()
    with pytest.raises(ValueError, match="empty"):
        d.quantile(0.5)
    with pytest.raises(ValueError, match="empty"):
        d.cdf(0.0)
    d.update([1.0, 2.0, 3.0])
    for q in (-0.01, 1.01, float("nan")):
        with pytest.raises(ValueError, match="q"):
            d.quantile(q)
    with pytest.raises(ValueError, match="q"):
        d.quantile([0.5, 2.0])
    with pytest.raises(ValueError, match="x"):
        d.cdf(float("nan"))
    assert d.cdf(float("inf")) == 1.0 and d.cdf(-float("inf")) == 0.0


def test_module_constants():
    assert tdmod.KIND == b"TDG " and tdmod.VERSION == 1


# Stored bytes of TDigest(10) after update(np.arange(100.0) ** 2) (format version 1,
# written by qsmcore 0.1.0): bytes written today must stay readable, and the same
# input must give the same digest bit for bit (IEEE doubles; the k3 limits use
# log/exp, whose last-ulp results could differ on an exotic libm).
GOLDEN = bytes.fromhex(
    "51534d5354444720010000003000000090000000000000000000000000002440030000000000000000"
    "000000000059400000000000000000000000008024c34009000000000000000000000000000000000000"
    "000000f03f000000000000044000000000000000400000000000c04740000000000000204000000000009c"
    "88400000000000004040abaaaaaa2a53b04000000000000045400000000000aebf4000000000000026400000"
    "00004030c24000000000000000400000000000c2c240000000000000f03f000000008024c340000000000000"
    "f03fa59fd388d5f29eb5"
)


def test_golden_bytes():
    d = TDigest.from_bytes(GOLDEN)
    assert (d.compression, d.scale, d.count, d.min, d.max, len(d)) == (10, "k3", 100, 0, 9801, 9)
    assert d.quantile([0.1, 0.5, 0.99]).tolist() == [158.5, 2895.8333333333335, 9801.0]
    e = TDigest(10)
    e.update(np.arange(100.0) ** 2)
    assert e.to_bytes() == GOLDEN
