"""Philox4x32-10 against the published Random123 known-answer vectors, and the
documented mapping from (seed, draw index) to uniforms."""

import numpy as np
import pytest

from qsmcore import _core
from qsmcore import random as qr
from qsmcore._seed import philox_key

# Random123 kat_vectors: counter (4 words), key (2 words) -> output (4 words).
KAT = [
    (10, [0, 0, 0, 0], [0, 0], [0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8]),
    (
        10,
        [0xFFFFFFFF] * 4,
        [0xFFFFFFFF] * 2,
        [0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD],
    ),
    (
        10,
        [0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344],
        [0xA4093822, 0x299F31D0],
        [0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1],
    ),
    (
        7,
        [0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344],
        [0xA4093822, 0x299F31D0],
        [0x4DFCCABA, 0x190A87F0, 0xC47362BA, 0xB6B5242A],
    ),
]


@pytest.mark.parametrize(("rounds", "counter", "key", "expected"), KAT)
def test_random123_known_answers(rounds, counter, key, expected):
    out = _core.philox4x32(np.array([counter], dtype=np.uint32), key[0], key[1], rounds)
    assert out[0].tolist() == expected


def _uniforms_by_hand(seed, n, start=0):
    """Draw i of lane 0 uses counter (block 0, lane 0, i low, i high); its first
    64-bit word w gives u = (w >> 11) * 2**-53, or 2**-54 where that is 0."""
    key = philox_key(seed)
    idx = np.arange(start, start + n, dtype=np.uint64)
    ctr = np.zeros((n, 4), dtype=np.uint32)
    ctr[:, 2] = (idx & 0xFFFFFFFF).astype(np.uint32)
    ctr[:, 3] = (idx >> np.uint64(32)).astype(np.uint32)
    out = _core.philox4x32(ctr, key & 0xFFFFFFFF, key >> 32, 10).astype(np.uint64)
    words = out[:, 0] | (out[:, 1] << np.uint64(32))
    k = (words >> np.uint64(11)).astype(np.float64)
    return np.where(k == 0, 2.0**-54, k * 2.0**-53)


@pytest.mark.parametrize("seed", [0, 1, 12345, 2**40 + 7])
def test_uniform_stream_layout_is_the_documented_one(seed):
    got = qr.sample(qr.uniform(0.0, 1.0), 1000, seed=seed, start=2**33 - 500, backend="cpu")
    np.testing.assert_array_equal(got, _uniforms_by_hand(seed, 1000, start=2**33 - 500))


def test_uniforms_are_strictly_inside_the_unit_interval():
    u = _uniforms_by_hand(3, 100_000)
    assert u.min() > 0.0 and u.max() < 1.0
    # 53 random bits: every value is k * 2**-53 with k an integer in [1, 2**53).
    k = u * 2.0**53
    assert np.all(k == np.round(k)) and k.min() >= 1 and k.max() <= 2**53 - 1
    # The top bit is used: values below 2**-1 and their low bits both vary.
    assert (k % 2 == 1).mean() == pytest.approx(0.5, abs=0.01)


def test_seed_sequence_keys_are_deterministic_and_distinct():
    ss = np.random.SeedSequence(2024)
    assert philox_key(ss) == philox_key(np.random.SeedSequence(2024))
    children = ss.spawn(3)
    keys = {philox_key(c) for c in children}
    assert len(keys) == 3 and philox_key(ss) not in keys
    assert philox_key(7) == philox_key(np.random.SeedSequence(7))


@pytest.mark.parametrize("bad", [-1, 1.5, "3", None, True])
def test_bad_seeds(bad):
    with pytest.raises((TypeError, ValueError), match="seed"):
        philox_key(bad)
