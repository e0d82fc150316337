"""qsmcore.hash64 is XXH3-64 bit for bit, on every input path."""

import random as pyrandom
import struct

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import qsmcore

xxhash = pytest.importorskip("xxhash")

SEEDS = [0, 1, 0x9E3779B97F4A7C15, 2**32 - 1, 2**63 + 12345, 2**64 - 1]
# Every length boundary of XXH3: 0, 1-3, 4-8, 9-16, 17-128, 129-240, and the long
# path (64-byte stripes, 1024-byte blocks for the default secret).
BOUNDARIES = [0, 1, 2, 3, 4, 7, 8, 9, 15, 16, 17, 31, 32, 63, 64, 65, 127, 128, 129, 239, 240]
BOUNDARIES += [241, 255, 256, 511, 512, 1023, 1024, 1025, 2047, 2048, 4096, 5000]


def ref(data: bytes, seed: int = 0) -> int:
    return xxhash.xxh3_64_intdigest(data, seed=seed)


@pytest.mark.parametrize("seed", SEEDS)
def test_every_length_up_to_1kib_and_past_the_boundaries(seed):
    rng = pyrandom.Random(seed)
    blob = rng.randbytes(5000)
    for n in sorted(set(range(0, 1025)) | set(BOUNDARIES)):
        data = blob[:n]
        assert qsmcore.hash64(data, seed) == ref(data, seed), (n, seed)


def test_batch_of_bytes_of_every_length():
    rng = pyrandom.Random(1)
    items = [rng.randbytes(n) for n in range(0, 1100)] + [rng.randbytes(n) for n in BOUNDARIES]
    for seed in SEEDS:
        got = qsmcore.hash64(items, seed)
        assert got.dtype == np.uint64
        assert got.tolist() == [ref(b, seed) for b in items]


@given(st.binary(max_size=3000), st.integers(0, 2**64 - 1))
def test_random_bytes_and_seeds(data, seed):
    assert qsmcore.hash64(data, seed) == ref(data, seed)


@given(st.lists(st.text(max_size=40), max_size=50), st.integers(0, 2**64 - 1))
def test_str_sequences_hash_their_utf8(words, seed):
    words = [w for w in words if not any(0xD800 <= ord(c) <= 0xDFFF for c in w)]
    expected = [ref(w.encode("utf-8"), seed) for w in words]
    assert qsmcore.hash64(words, seed).tolist() == expected
    assert [qsmcore.hash64(w, seed) for w in words] == expected


def test_numpy_string_arrays_agree_with_str_and_bytes():
    words = ["", "a", "hello", "héllo wörld", "日本語", "emoji 😀", "x" * 300]
    u = np.array(words)
    assert u.dtype.kind == "U"
    assert qsmcore.hash64(u).tolist() == [ref(w.encode()) for w in words]
    b = np.array([w.encode() for w in words])
    assert b.dtype.kind == "S"
    assert qsmcore.hash64(b, 9).tolist() == [ref(w.encode(), 9) for w in words]
    obj = np.array(words, dtype=object).reshape(7, 1)
    assert qsmcore.hash64(obj).shape == (7, 1)
    assert qsmcore.hash64(obj).ravel().tolist() == [ref(w.encode()) for w in words]


@pytest.mark.parametrize("seed", SEEDS)
def test_uint64_arrays_hash_their_little_endian_bytes(seed):
    rng = np.random.default_rng(seed % 2**32)
    values = np.concatenate(
        [
            np.array([0, 1, 2**63, 2**64 - 1], dtype=np.uint64),
            rng.integers(0, 2**64 - 1, size=2000, dtype=np.uint64, endpoint=True),
        ]
    )
    expected = [ref(struct.pack("<Q", int(v)), seed) for v in values]
    assert qsmcore.hash64(values, seed).tolist() == expected
    assert qsmcore.hash64(int(values[5]), seed) == expected[5]
    assert qsmcore.hash64(np.uint64(values[5]), seed) == expected[5]


def test_every_integer_dtype_hashes_its_64_bit_value():
    base = np.array([0, 1, 5, 100, -1, -128], dtype=np.int64)
    for dt in (np.int8, np.int16, np.int32, np.int64):
        np.testing.assert_array_equal(qsmcore.hash64(base.astype(dt)), qsmcore.hash64(base))
    pos = np.array([0, 1, 5, 100, 255], dtype=np.uint64)
    for dt in (np.uint8, np.uint16, np.uint32, np.uint64):
        np.testing.assert_array_equal(qsmcore.hash64(pos.astype(dt)), qsmcore.hash64(pos))
    assert qsmcore.hash64(-1) == qsmcore.hash64(2**64 - 1) == ref(b"\xff" * 8)
    assert qsmcore.hash64(np.array([True, False])).tolist() == [
        qsmcore.hash64(1),
        qsmcore.hash64(0),
    ]
    assert qsmcore.hash64([1, 2, 3]).tolist() == qsmcore.hash64(np.arange(1, 4)).tolist()


def test_floats_hash_their_float64_bytes_with_equal_values_equal():
    x = np.array([0.0, -0.0, 1.5, np.inf, -np.inf, np.nan, -np.nan, 1e-310])
    h = qsmcore.hash64(x)
    assert h[0] == h[1] == ref(struct.pack("<d", 0.0))
    assert h[2] == ref(struct.pack("<d", 1.5))
    assert h[5] == h[6]
    np.testing.assert_array_equal(qsmcore.hash64(x.astype(np.float32)[:5]), h[:5])
    assert qsmcore.hash64(1.5) == h[2]


def test_shape_strides_and_byte_order_are_respected():
    a = np.arange(24, dtype=np.int64).reshape(4, 6)
    h = qsmcore.hash64(a)
    assert h.shape == (4, 6)
    np.testing.assert_array_equal(qsmcore.hash64(a[:, ::2]), h[:, ::2])
    np.testing.assert_array_equal(qsmcore.hash64(a.astype(">i8")), h)
    np.testing.assert_array_equal(qsmcore.hash64(np.asfortranarray(a)), h)
    assert qsmcore.hash64(np.array([], dtype=np.uint64)).shape == (0,)
    assert qsmcore.hash64([]).shape == (0,)


def test_threads_do_not_change_the_result():
    values = np.arange(1_000_003, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    one = qsmcore.hash64(values, 3, threads=1)
    for t in (2, 8):
        np.testing.assert_array_equal(qsmcore.hash64(values, 3, threads=t), one)
    words = np.array([f"k{i}" for i in range(200_000)])
    np.testing.assert_array_equal(
        qsmcore.hash64(words, threads=1), qsmcore.hash64(words, threads=8)
    )


@pytest.mark.parametrize(
    ("values", "seed", "error", "match"),
    [
        ("x", -1, ValueError, "seed"),
        ("x", 2**64, ValueError, "seed"),
        ("x", 1.0, TypeError, "seed"),
        ("x", True, TypeError, "seed"),
        (2**64, 0, ValueError, "values"),
        (-(2**63) - 1, 0, ValueError, "values"),
        (["a", 1], 0, TypeError, r"values\[1\]"),
        (["a", None], 0, TypeError, r"values\[1\]"),
        ([1, "a"], 0, TypeError, "only numbers or only str"),
        ([1, None], 0, TypeError, "only numbers or only str"),
        (np.array([1 + 2j]), 0, TypeError, "values"),
        (object(), 0, TypeError, "values"),
        ({"a": 1}, 0, TypeError, "values"),
        ("\ud800", 0, ValueError, "values"),
        (["ok", "\ud800"], 0, ValueError, "values"),
    ],
)
def test_bad_input(values, seed, error, match):
    with pytest.raises(error, match=match):
        qsmcore.hash64(values, seed)


def test_lone_surrogate_in_unicode_array_is_a_value_error():
    # Raised inside a worker thread of parallel_for and carried back to Python.
    arr = np.array(["fine"] * 100_000 + ["\udc80"])
    with pytest.raises(ValueError, match="UTF-8"):
        qsmcore.hash64(arr)


@pytest.mark.parametrize("threads", [0, -1, 1025, 10**6, 1.5, True])
def test_bad_threads(threads):
    with pytest.raises((ValueError, TypeError), match="threads"):
        qsmcore.hash64(np.arange(3), threads=threads)


def test_bad_backend():
    with pytest.raises(ValueError, match="backend"):
        qsmcore.hash64(np.arange(3), backend="tpu")
