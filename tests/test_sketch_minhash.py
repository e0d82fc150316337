"""qsmcore.sketch.MinHash and MinHashLSH: reference signatures, Jaccard accuracy
against theory, merge = union, stored bytes, threads, LSH S-curve, bad input."""

import math
import pickle
import threading

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qsmcore import _core, hash64
from qsmcore.sketch import MinHash, MinHashLSH, _format
from qsmcore.sketch.minhash import _HEADER, KIND, lsh_parameters

M64 = (1 << 64) - 1
ints = st.lists(st.integers(-(2**63), 2**63 - 1), max_size=100)


def _mix13(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def _reference_signature(values, k, seed):
    """The documented definition, in plain Python."""
    keys = [_mix13((seed + (i + 1) * 0x9E3779B97F4A7C15) & M64) for i in range(k)]
    hs = [int(h) for h in np.atleast_1d(hash64(values, seed))]
    return [min([M64] + [_mix13(h ^ key) for h in hs]) for key in keys]


# ---- exact definition --------------------------------------------------------------


def test_slot_keys_are_splitmix64():
    # The first splitmix64 output from state 0 (Vigna's reference generator).
    assert int(_core.minhash_slot_keys(1, 0)[0]) == 0xE220A8397B1DCDAF


@pytest.mark.parametrize("seed", [0, 1, 2**64 - 1])
def test_signature_matches_the_reference(seed):
    values = ["a", "bb", "ccc", "a", "δ"]
    m = MinHash(16, seed=seed)
    m.update(values)
    assert m.signature().tolist() == _reference_signature(values, 16, seed)
    empty = MinHash(4)
    assert empty.is_empty() and empty.signature().tolist() == [M64] * 4


# ---- Jaccard accuracy ----------------------------------------------------------------


@pytest.mark.parametrize("j", [0.1, 0.5, 0.9])
def test_jaccard_within_four_standard_errors(j):
    """Sets of integer ranges with |A u B| = 2000 and |A n B| = 2000 j; each of 6 seeds
    within 4 standard errors sqrt(J(1-J)/k), and their mean within 4 SE / sqrt(6)."""
    k, union = 128, 2000
    inter = round(j * union)
    size = (union + inter) // 2
    a, b = np.arange(0, size), np.arange(size - inter, 2 * size - inter)
    assert len(np.intersect1d(a, b)) / len(np.union1d(a, b)) == pytest.approx(j)
    se = math.sqrt(j * (1 - j) / k)
    estimates = []
    for seed in range(6):
        ma, mb = MinHash(k, seed), MinHash(k, seed)
        ma.update(a)
        mb.update(b)
        estimates.append(ma.jaccard(mb))
        assert abs(estimates[-1] - j) <= 4 * se, (seed, estimates[-1])
    assert abs(np.mean(estimates) - j) <= 4 * se / math.sqrt(6)


def test_jaccard_identical_and_disjoint():
    a, b = MinHash(64), MinHash(64)
    a.update(np.arange(1000))
    b.update(np.arange(1000)[::-1])
    assert a.jaccard(b) == 1.0
    c = MinHash(64)
    c.update(np.arange(10**6, 10**6 + 1000))
    assert a.jaccard(c) <= 4 / 64  # P(equal slot) ~ 0: hash collisions only


def test_count_within_four_relative_standard_errors():
    k = 256
    for n in (100, 10_000, 300_000):
        m = MinHash(k, seed=3)
        m.update(np.arange(n, dtype=np.int64))
        assert abs(m.count() / n - 1) <= 4 / math.sqrt(k - 2)
    assert MinHash().count() == 0.0


# ---- merge ---------------------------------------------------------------------------


@given(a=ints, b=ints, seed=st.integers(0, 2**64 - 1))
def test_merge_equals_minhash_of_union(a, b, seed):
    ma, mb, mu = MinHash(32, seed), MinHash(32, seed), MinHash(32, seed)
    ma.update(a)
    mb.update(b)
    mu.update(a + b)
    assert (ma | mb).to_bytes() == (mb | ma).to_bytes() == mu.to_bytes()


@given(a=ints, b=ints, c=ints)
def test_merge_is_associative(a, b, c):
    x, y, z = MinHash(16), MinHash(16), MinHash(16)
    for m, v in zip((x, y, z), (a, b, c), strict=True):
        m.update(v)
    assert ((x | y) | z).to_bytes() == (x | (y | z)).to_bytes()


def test_mismatches_are_rejected():
    m = MinHash(64, seed=1)
    for other in (MinHash(32, seed=1), MinHash(64, seed=2)):
        with pytest.raises(ValueError, match="other"):
            m.jaccard(other)
        with pytest.raises(ValueError, match="other"):
            m.merge(other)
    with pytest.raises(TypeError, match="other"):
        m.jaccard("x")  # type: ignore[arg-type]


# ---- stored bytes --------------------------------------------------------------------


@given(values=ints, k=st.integers(1, 300), seed=st.integers(0, 2**64 - 1))
@settings(max_examples=50)
def test_round_trip(values, k, seed):
    m = MinHash(k, seed)
    m.update(values)
    g = MinHash.from_bytes(m.to_bytes())
    assert (g.num_perm, g.seed) == (k, seed)
    assert np.array_equal(g.signature(), m.signature())
    assert pickle.loads(pickle.dumps(m)).to_bytes() == m.to_bytes()
    c = m.copy()
    c.update(["new item"])
    assert np.array_equal(g.signature(), m.signature())


@given(st.binary(max_size=200))
def test_random_bytes_are_rejected(junk):
    with pytest.raises(ValueError):
        MinHash.from_bytes(junk)


def test_bit_flips_and_bad_headers_are_rejected():
    m = MinHash(8)
    m.update([1, 2, 3])
    data = m.to_bytes()
    for i in range(len(data) * 8):
        flipped = bytearray(data)
        flipped[i // 8] ^= 1 << (i % 8)
        with pytest.raises(ValueError):
            MinHash.from_bytes(bytes(flipped))
    for k, words in [(0, 0), (2**16 + 1, 0), (8, 7), (2**31, 1)]:
        with pytest.raises(ValueError, match="minhash"):
            MinHash.from_bytes(_format.pack(KIND, 1, _HEADER.pack(k, 0), bytes(8 * words)))


# ---- threads -------------------------------------------------------------------------


def test_threads_do_not_change_the_signature():
    values = np.random.default_rng(0).integers(0, 2**63, size=200_000)
    one, many = MinHash(64), MinHash(64)
    one.update(values, threads=1)
    many.update(values, threads=4)
    assert np.array_equal(one.signature(), many.signature())


def test_two_python_threads_updating_one_minhash():
    parts = np.array_split(np.arange(400_000), 8)
    shared, seq = MinHash(32), MinHash(32)
    workers = [
        threading.Thread(target=lambda ps=ps: [shared.update(p) for p in ps])
        for ps in (parts[:4], parts[4:])
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    seq.update(np.concatenate(parts))
    assert np.array_equal(shared.signature(), seq.signature())


# ---- bad input and repr ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "exc", "name"),
    [
        ({"num_perm": 0}, ValueError, "num_perm"),
        ({"num_perm": 2**16 + 1}, ValueError, "num_perm"),
        ({"num_perm": 2.0}, TypeError, "num_perm"),
        ({"seed": -1}, ValueError, "seed"),
        ({"seed": "0"}, TypeError, "seed"),
    ],
)
def test_bad_parameters(kwargs, exc, name):
    with pytest.raises(exc, match=name):
        MinHash(**kwargs)


def test_repr():
    r = repr(MinHash(128))
    assert "num_perm=128" in r and "1,024 bytes" in r and "0.0442" in r


# ---- LSH -----------------------------------------------------------------------------


def test_lsh_parameters_match_a_quadrature_search():
    """Our Simpson search picks the same (b, r) as scipy.integrate.quad over all pairs."""
    quad = pytest.importorskip("scipy.integrate").quad
    for t, k, w in [(0.8, 128, (0.5, 0.5)), (0.5, 64, (0.3, 0.7))]:
        best = min(
            (
                w[0] * quad(lambda s, b=b, r=r: 1 - (1 - s**r) ** b, 0, t)[0]
                + w[1] * quad(lambda s, b=b, r=r: (1 - s**r) ** b, t, 1)[0],
                b,
                r,
            )
            for r in range(1, k + 1)
            for b in range(1, k // r + 1)
        )
        assert lsh_parameters(t, k, w) == best[1:]


def _variant(rng, base, replace, pool):
    """``base`` with ``replace`` tokens swapped for fresh ones: J = (n-x)/(n+x)."""
    keep = rng.choice(base, size=base.size - replace, replace=False)
    return np.concatenate([keep, rng.choice(pool, size=replace, replace=False)])


def test_lsh_recall_and_candidate_rate_follow_the_s_curve():
    """300 base sets of 200 random tokens; near-duplicates with J = 190/210 = 0.905 and
    far variants with J = 133/267 = 0.498 (<= t - 0.3), and unrelated sets. Recall and
    candidate rate are within 4 binomial standard errors (+0.01) of the S-curve's
    P(J) for the chosen (b, r); recall >= 0.9, far candidate rate <= 0.1."""
    rng = np.random.default_rng(42)
    n_docs, k, t = 300, 128, 0.8
    tokens = rng.permutation(10**7)[: n_docs * 200 + n_docs * 200]
    bases = tokens[: n_docs * 200].reshape(n_docs, 200)
    pool = tokens[n_docs * 200 :]
    lsh = MinHashLSH(threshold=t, num_perm=k)

    def mh(values):
        m = MinHash(k, seed=9)
        m.update(values)
        return m

    for i, base in enumerate(bases):
        lsh.insert(f"doc{i}", mh(base))
    assert len(lsh) == n_docs and "doc0" in lsh

    def rates(replace):
        hits, others = 0, 0
        for i, base in enumerate(bases):
            found = lsh.query(mh(_variant(rng, base, replace, pool)))
            hits += f"doc{i}" in found
            others += len(found) - (f"doc{i}" in found)
        return hits / n_docs, others

    for replace, j in [(10, 190 / 210), (67, 133 / 267)]:
        rate, others = rates(replace)
        p = float(lsh.candidate_probability(j))
        assert abs(rate - p) <= 4 * math.sqrt(p * (1 - p) / n_docs) + 0.01, (j, rate, p)
        assert others <= 2  # unrelated bases (J ~ 0) are candidates only by band collision
        if j >= t + 0.1:
            assert rate >= 0.9
        else:
            assert rate <= 0.1
    unrelated = [lsh.query(mh(rng.choice(pool, 200, replace=False))) for _ in range(50)]
    assert sum(map(len, unrelated)) <= 1


def test_lsh_remove_contains_and_errors():
    lsh = MinHashLSH(0.5, 32)
    a = MinHash(32)
    a.update(["x", "y"])
    lsh.insert("a", a)
    lsh.insert(("b", 1), a)
    assert lsh.query(a) == ["a", ("b", 1)]
    with pytest.raises(ValueError, match="key"):
        lsh.insert("a", a)
    lsh.remove("a")
    assert "a" not in lsh and len(lsh) == 1 and lsh.query(a) == [("b", 1)]
    with pytest.raises(KeyError):
        lsh.remove("a")
    with pytest.raises(ValueError, match="num_perm"):
        lsh.insert("c", MinHash(64))
    with pytest.raises(ValueError, match="seed"):
        lsh.query(MinHash(32, seed=5))
    with pytest.raises(TypeError, match="minhash"):
        lsh.insert("c", "not a minhash")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        lsh.insert([1], a)  # unhashable key
    assert [1] not in lsh
    assert "b=" in repr(lsh) and "r=" in repr(lsh)


@pytest.mark.parametrize(
    ("kwargs", "exc", "name"),
    [
        ({"threshold": 0.0}, ValueError, "threshold"),
        ({"threshold": 1.0}, ValueError, "threshold"),
        ({"threshold": math.nan}, ValueError, "threshold"),
        ({"num_perm": 1}, ValueError, "num_perm"),
        ({"num_perm": 4096}, ValueError, "num_perm"),
        ({"weights": (0.5, 0.6)}, ValueError, "weights"),
        ({"weights": (1.5, -0.5)}, ValueError, "weights"),
        ({"weights": (1.0,)}, ValueError, "weights"),
        ({"weights": None}, TypeError, "weights"),
    ],
)
def test_lsh_bad_parameters(kwargs, exc, name):
    with pytest.raises(exc, match=name):
        MinHashLSH(**kwargs)


def test_golden_bytes():
    """MinHash(4, seed=5) of a, b, c: the exact stored bytes are part of the format."""
    golden = (
        "51534d534d4e482001000000100000002000000000000000040000000000000005000000000000008c3717ff"
        "801cb37d6673742b2d53e71fc87399f8f8618a1d248d1fb3c2d55d2f3e97e66582fdc98a"
    )
    m = MinHash(4, seed=5)
    m.update(["a", "b", "c"])
    assert m.to_bytes().hex() == golden
    assert MinHash.from_bytes(bytes.fromhex(golden)).jaccard(m) == 1.0
