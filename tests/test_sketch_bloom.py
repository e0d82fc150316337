"""qsmcore.sketch.BloomFilter: no false negatives, false-positive rates against the
theory, merge = union, stored bytes, threads, bad input."""

import math
import pickle
import threading

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qsmcore.sketch import BloomFilter, _format
from qsmcore.sketch.bloom import _HEADER, KIND, block_fp_rate

KINDS = ("classic", "split-block")
ints = st.lists(st.integers(-(2**63), 2**63 - 1), max_size=200)
texts = st.lists(st.text(max_size=12), max_size=100)


def _u64(seed, n):
    return np.random.default_rng(seed).integers(0, 2**64 - 1, size=n, dtype=np.uint64)


# ---- sizing: the textbook formulas ---------------------------------------------------


def test_classic_sizing_formula():
    f = BloomFilter(1000, 0.01, kind="classic")
    m = math.ceil(-1000 * math.log(0.01) / math.log(2) ** 2)
    assert (f.num_bits, f.k) == (m, round(m / 1000 * math.log(2))) == (9586, 7)
    assert f.nbytes == 8 * math.ceil(9586 / 64)


def test_split_block_sizing_is_the_fewest_blocks_meeting_the_rate():
    for n, p in [(1000, 0.01), (200_000, 0.001), (1, 0.5), (10**6, 0.05)]:
        f = BloomFilter(n, p)
        blocks = f.num_bits // 256
        assert block_fp_rate(n / blocks) <= p
        assert blocks == 1 or block_fp_rate(n / (blocks - 1)) > p
        assert f.k == 8


def test_block_fp_rate_limits():
    assert block_fp_rate(0) == 0.0
    # One item per block sets exactly one bit per word: a probe hits with (1/32)^8.
    assert block_fp_rate(1e-6) == pytest.approx(1e-6 * 32.0**-8, rel=1e-3)
    assert block_fp_rate(1e4) == pytest.approx(1.0, abs=1e-9)


# ---- no false negatives -----------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
@given(values=ints)
def test_no_false_negatives_ints(kind, values):
    f = BloomFilter(max(1, len(values)), 0.05, kind=kind)
    f.add(values)
    if values:
        assert f.contains(values).all()
        assert values[0] in f


@pytest.mark.parametrize("kind", KINDS)
@given(values=texts, seed=st.integers(0, 2**64 - 1))
def test_no_false_negatives_text(kind, values, seed):
    f = BloomFilter(50, 0.01, kind=kind, seed=seed)  # possibly over capacity: still none
    f.add(values)
    if values:
        assert f.contains(values).all()
        assert all(v in f for v in values[:5])


# ---- false-positive rates ---------------------------------------------------------------

N_CAP, N_PROBE = 200_000, 2_000_000


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("p", [0.01, 0.001])
def test_false_positive_rate_at_capacity(kind, p):
    """Measured rate on 2M fresh items, seeds 0-2: within 1.25x of p plus 4 binomial
    standard errors sqrt(q(1-q)/N) of the measurement, and within 4 standard errors
    (+2% for the classic approximation) of the model rate of the actual geometry."""
    for seed in range(3):
        f = BloomFilter(N_CAP, p, kind=kind, seed=seed)
        f.add(_u64(seed, N_CAP))
        q = float(f.contains(_u64(100 + seed, N_PROBE)).mean())
        se = math.sqrt(p * (1 - p) / N_PROBE)
        assert p / 1.25 - 4 * se <= q <= 1.25 * p + 4 * se, (seed, q)
        model = f.expected_fp_rate()
        assert abs(q - model) <= 4 * math.sqrt(model * (1 - model) / N_PROBE) + 0.02 * model


def test_over_capacity_rate_follows_the_model():
    """3x over capacity. The split-block filter's own rate varies with its block loads
    j ~ Poisson(lambda): Var = Var_j[(1 - (31/32)^j)^8] / B, added to the probe variance."""
    f = BloomFilter(10_000, 0.01)
    f.add(_u64(1, 30_000))
    q = float(f.contains(_u64(2, 400_000)).mean())
    model = f.expected_fp_rate(30_000)
    assert model > 0.1
    blocks, lam = f.num_bits // 256, 30_000 / (f.num_bits // 256)
    j = np.arange(0, 400)
    log_pmf = j * math.log(lam) - lam - np.concatenate([[0], np.cumsum(np.log(j[1:]))])
    rate_j = (1 - (31 / 32) ** j) ** 8
    filter_var = float(np.sum(np.exp(log_pmf) * (rate_j - model) ** 2)) / blocks
    assert abs(q - model) <= 4 * math.sqrt(model * (1 - model) / 400_000 + filter_var)


@pytest.mark.parametrize("kind", KINDS)
def test_count_estimate(kind):
    f = BloomFilter(50_000, 0.01, kind=kind)
    assert f.count_estimate() == 0.0
    f.add(_u64(3, 40_000))
    f.add(_u64(3, 40_000))  # duplicates do not count
    assert f.count_estimate() == pytest.approx(40_000, rel=0.03)
    assert 0 < f.fill_ratio() < 1


# ---- merge ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
@given(a=ints, b=ints)
def test_merge_equals_filter_of_union(kind, a, b):
    fa, fb, fu = (BloomFilter(300, 0.01, kind=kind, seed=7) for _ in range(3))
    fa.add(a)
    fb.add(b)
    fu.add(a + b)
    assert (fa | fb).to_bytes() == fu.to_bytes()
    assert (fb | fa).to_bytes() == fu.to_bytes()
    fa |= fb
    assert fa.to_bytes() == fu.to_bytes()


@given(a=ints, b=ints, c=ints)
def test_merge_is_associative(a, b, c):
    fs = [BloomFilter(100, 0.02) for _ in range(3)]
    for f, v in zip(fs, (a, b, c), strict=True):
        f.add(v)
    x, y, z = fs
    assert ((x | y) | z).to_bytes() == (x | (y | z)).to_bytes()


def test_merge_rejects_mismatches():
    f = BloomFilter(1000, 0.01)
    for other in (
        BloomFilter(1000, 0.01, kind="classic"),
        BloomFilter(2000, 0.01),
        BloomFilter(1000, 0.01, seed=1),
    ):
        with pytest.raises(ValueError, match="other"):
            f.merge(other)
    with pytest.raises(TypeError, match="other"):
        f.merge(object())  # type: ignore[arg-type]


# ---- stored bytes ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
@given(values=ints, seed=st.integers(0, 2**64 - 1))
def test_round_trip(kind, values, seed):
    f = BloomFilter(100, 0.03, kind=kind, seed=seed)
    f.add(values)
    g = BloomFilter.from_bytes(f.to_bytes())
    assert g.to_bytes() == f.to_bytes()
    assert (g.kind, g.k, g.seed, g.capacity, g.fp_rate) == (kind, f.k, seed, 100, 0.03)
    assert pickle.loads(pickle.dumps(f)).to_bytes() == f.to_bytes()
    if values:
        assert g.contains(values).all()


def test_copy_is_independent():
    f = BloomFilter(100, 0.01)
    g = f.copy()
    g.add([1, 2, 3])
    assert f.fill_ratio() == 0 and g.fill_ratio() > 0


@given(st.binary(max_size=300))
def test_random_bytes_are_rejected(junk):
    with pytest.raises(ValueError):
        BloomFilter.from_bytes(junk)


@pytest.mark.parametrize("kind", KINDS)
def test_bit_flips_are_rejected(kind):
    f = BloomFilter(20, 0.1, kind=kind)
    f.add([1, 2])
    data = f.to_bytes()
    for i in range(0, len(data) * 8, 3):
        flipped = bytearray(data)
        flipped[i // 8] ^= 1 << (i % 8)
        with pytest.raises(ValueError):
            BloomFilter.from_bytes(bytes(flipped))
    for cut in range(len(data)):
        with pytest.raises(ValueError):
            BloomFilter.from_bytes(data[:cut])


@pytest.mark.parametrize(
    ("fields", "payload_words"),
    [
        ((2, 7, 10, 0.01, 0, 100), 2),  # unknown layout
        ((0, 0, 10, 0.01, 0, 100), 2),  # k = 0
        ((0, 101, 10, 0.01, 0, 100), 2),  # k > m
        ((0, 7, 10, 0.01, 0, 100), 3),  # payload does not match m
        ((0, 7, 10, 0.01, 0, 2**62), 2),  # huge m: rejected before allocation
        ((1, 7, 10, 0.01, 0, 1), 4),  # split-block with k != 8
        ((1, 8, 10, 0.01, 0, 2**40), 4),  # too many blocks
        ((1, 8, 0, 0.01, 0, 1), 4),  # capacity 0
        ((1, 8, 10, 1.5, 0, 1), 4),  # fp_rate out of range
        ((1, 8, 10, math.nan, 0, 1), 4),
    ],
)
def test_well_framed_but_bad_headers_are_rejected(fields, payload_words):
    data = _format.pack(KIND, 1, _HEADER.pack(*fields), bytes(8 * payload_words))
    with pytest.raises(ValueError, match="bloom"):
        BloomFilter.from_bytes(data)


# ---- threads ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_threads_do_not_change_the_result(kind):
    values = _u64(5, 300_000)  # several parallel chunks (atomic path)
    one, many = BloomFilter(300_000, 0.01, kind=kind), BloomFilter(300_000, 0.01, kind=kind)
    one.add(values, threads=1)
    many.add(values, threads=4)
    assert one.to_bytes() == many.to_bytes()
    probe = _u64(6, 100_000)
    assert np.array_equal(one.contains(probe, threads=1), many.contains(probe, threads=3))


def test_two_python_threads_updating_one_filter():
    values = _u64(7, 400_000)
    shared, seq = BloomFilter(400_000, 0.01), BloomFilter(400_000, 0.01)
    parts = np.array_split(values, 8)
    workers = [
        threading.Thread(target=lambda ps=ps: [shared.add(p) for p in ps])
        for ps in (parts[:4], parts[4:])
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    seq.add(values)
    assert shared.to_bytes() == seq.to_bytes()


# ---- bad input and repr -------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "exc", "name"),
    [
        ({"capacity": 0}, ValueError, "capacity"),
        ({"capacity": -5}, ValueError, "capacity"),
        ({"capacity": 1.5}, TypeError, "capacity"),
        ({"capacity": True}, TypeError, "capacity"),
        ({"capacity": 10, "fp_rate": 0.0}, ValueError, "fp_rate"),
        ({"capacity": 10, "fp_rate": 1.0}, ValueError, "fp_rate"),
        ({"capacity": 10, "fp_rate": math.nan}, ValueError, "fp_rate"),
        ({"capacity": 10, "fp_rate": "0.1"}, TypeError, "fp_rate"),
        ({"capacity": 10, "kind": "blocked"}, ValueError, "kind"),
        ({"capacity": 10, "seed": -1}, ValueError, "seed"),
        ({"capacity": 10, "seed": 2**64}, ValueError, "seed"),
        ({"capacity": 10**13, "fp_rate": 0.01}, ValueError, "capacity"),
        ({"capacity": 10**13, "fp_rate": 0.01, "kind": "classic"}, ValueError, "capacity"),
    ],
)
def test_bad_parameters(kwargs, exc, name):
    with pytest.raises(exc, match=name):
        BloomFilter(**kwargs)


def test_bad_values_and_threads():
    f = BloomFilter(10)
    with pytest.raises(TypeError, match="values"):
        f.add([1, "a"])
    with pytest.raises(ValueError, match="threads"):
        f.add([1], threads=0)
    with pytest.raises(TypeError, match="values"):
        f.contains(object())


def test_repr():
    r = repr(BloomFilter(1000, 0.01, kind="classic"))
    assert "9,586 bits" in r and "1,200 bytes" in r and "k=7" in r and "expected FPR" in r


# ---- golden bytes: today's format stays readable -----------------------------------------

GOLDEN = {
    "classic": (
        "51534d53424c4d2001000000280000007800000000000000000000000700000064000000000000007b14ae47"
        "e17a843f0500000000000000bf03000000000000020400000001000000000040000000000000108100000008"
        "0000000000000000000002080000000000001004004000000800004000800040000000100440100000022000"
        "100804000008001000000000000000000428000000408040000000000000180200000000000000000c000010"
        "00000820000000008126e5dbe32eedb9"
    ),
    "split-block": (
        "51534d53424c4d200100000028000000a000000000000000010000000800000064000000000000007b14ae47"
        "e17a843f05000000000000000500000000000000004000040040100001100000000410000014000001000400"
        "1004000000000802000000000000000000000000000000000000000000000000000000000000000000200000"
        "0000080000000001000000800040000010000000200000000000100000011000000080400000240000000820"
        "0000002400400400808000004000040000000400000000010000000820000000002000000200000000080000"
        "000080002d1f30f36668ce0c"
    ),
}


@pytest.mark.parametrize("kind", KINDS)
def test_golden_bytes(kind):
    """BloomFilter(100, 0.01, kind, seed=5) after adding a, b, c and 1, 2, 3: the exact
    bytes (hash64 and probe layout included) are part of the format contract."""
    f = BloomFilter(100, 0.01, kind=kind, seed=5)
    f.add(["a", "b", "c"])
    f.add([1, 2, 3])
    assert f.to_bytes().hex() == GOLDEN[kind]
    g = BloomFilter.from_bytes(bytes.fromhex(GOLDEN[kind]))
    assert g.contains(["a", "b", "c"]).all() and g.contains([1, 2, 3]).all()
