"""MinHashLSH: stored bytes, pickle, copy and merge (union of indexes)."""

import pickle

import numpy as np
import pytest

from qsmcore.sketch import MinHash, MinHashLSH


def _minhash(lo, hi, seed=0):
    m = MinHash(128, seed=seed)
    m.update(np.arange(lo, hi))
    return m


@pytest.fixture
def index():
    lsh = MinHashLSH(threshold=0.7, num_perm=128)
    for i, key in enumerate(["a", b"b", 3, -4, 2.5, True]):
        lsh.insert(key, _minhash(1000 * i, 1000 * i + 500))
    return lsh


def _answers(lsh):
    return [lsh.query(_minhash(1000 * i, 1000 * i + 480)) for i in range(6)]


def test_round_trip_pickle_and_copy_answer_alike(index):
    expected = _answers(index)
    for other in (MinHashLSH.from_bytes(index.to_bytes()), pickle.loads(pickle.dumps(index))):
        assert len(other) == len(index) and (other.bands, other.rows) == (index.bands, index.rows)
        assert _answers(other) == expected
        assert other.to_bytes() == index.to_bytes()
    assert _answers(index.copy()) == expected


def test_empty_index_round_trips():
    lsh = MinHashLSH(0.5, 64)
    back = MinHashLSH.from_bytes(lsh.to_bytes())
    assert len(back) == 0 and back.query(MinHash(64)) == []


def test_merge_is_the_union(index):
    left = MinHashLSH(threshold=0.7, num_perm=128)
    right = MinHashLSH(threshold=0.7, num_perm=128)
    for i, key in enumerate(["a", b"b", 3, -4, 2.5, True]):
        (left if i % 2 else right).insert(key, _minhash(1000 * i, 1000 * i + 500))
    union = left | right
    assert sorted(map(repr, union.query(_minhash(0, 500)))) == sorted(
        map(repr, index.query(_minhash(0, 500)))
    )
    assert len(union) == 6 and len(left) == 3
    with pytest.raises(ValueError, match="in both"):
        left.merge(left.copy())
    with pytest.raises(ValueError, match="threshold"):
        left.merge(MinHashLSH(threshold=0.5, num_perm=128))


def test_keys_without_a_stored_form_are_a_type_error():
    lsh = MinHashLSH(0.7, 128)
    lsh.insert(("tuple", "key"), _minhash(0, 10))
    with pytest.raises(TypeError, match="cannot be stored"):
        lsh.to_bytes()


def test_corrupted_bytes_are_value_errors(index):
    data = index.to_bytes()
    rng = np.random.default_rng(0)
    for _ in range(300):
        broken = bytearray(data)
        broken[int(rng.integers(len(data)))] ^= 1 << int(rng.integers(8))
        with pytest.raises(ValueError):
            MinHashLSH.from_bytes(bytes(broken))
    for cut in range(0, len(data), 7):
        with pytest.raises(ValueError):
            MinHashLSH.from_bytes(data[:cut])
