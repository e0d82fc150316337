"""The stored-sketch envelope: round trip, and hostile input rejected cleanly."""

import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qsmcore.sketch import _format

KIND = b"TST "


def test_round_trip_and_layout():
    data = _format.pack(KIND, 3, b"hdr", b"payload!")
    assert data[:4] == b"QSMS" and data[4:8] == KIND
    assert struct.unpack_from("<HHIQ", data, 8) == (3, 0, 3, 8)
    assert len(data) == _format.OVERHEAD + 3 + 8
    version, header, payload = _format.unpack(data, KIND, (1, 3))
    assert (version, header, bytes(payload)) == (3, b"hdr", b"payload!")


@given(st.binary(max_size=64), st.binary(max_size=512))
def test_any_content_round_trips(header, payload):
    data = _format.pack(KIND, 1, header, payload)
    _, h, p = _format.unpack(bytearray(data), KIND, (1,))
    assert h == header and bytes(p) == payload


@given(st.binary(max_size=200))
def test_random_bytes_are_rejected(junk):
    with pytest.raises(ValueError):
        _format.unpack(junk, KIND, (1,))


def test_every_single_bit_flip_and_truncation_is_rejected():
    data = _format.pack(KIND, 1, b"\x01\x02", bytes(range(40)))
    for i in range(len(data) * 8):
        flipped = bytearray(data)
        flipped[i // 8] ^= 1 << (i % 8)
        with pytest.raises(ValueError):
            _format.unpack(bytes(flipped), KIND, (1,))
    for n in range(len(data)):
        with pytest.raises(ValueError):
            _format.unpack(data[:n], KIND, (1,))


@pytest.mark.parametrize(
    ("data", "kind", "versions", "match"),
    [
        (_format.pack(b"HLL ", 1, b"", b""), KIND, (1,), "not a b'TST ' sketch"),
        (_format.pack(KIND, 9, b"", b""), KIND, (1, 2), "version 9"),
        (b"XXXX" + _format.pack(KIND, 1, b"", b"")[4:], KIND, (1,), "bad magic"),
    ],
)
def test_wrong_kind_version_magic(data, kind, versions, match):
    with pytest.raises(ValueError, match=match):
        _format.unpack(data, kind, versions)


def test_huge_claimed_lengths_do_not_allocate():
    fake = struct.pack("<4s4sHHIQ", b"QSMS", KIND, 1, 0, 2**32 - 1, 2**64 - 1) + b"\0" * 8
    with pytest.raises(ValueError, match="lengths do not add up"):
        _format.unpack(fake, KIND, (1,))


def test_not_bytes_is_a_type_error():
    with pytest.raises(TypeError, match="bytes-like"):
        _format.unpack("QSMS", KIND, (1,))
