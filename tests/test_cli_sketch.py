"""`qsm sketch`: line reading, and the count/top/accuracy commands."""

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qsmcore._cli_sketch import read_line_batches


@given(
    st.lists(st.binary(max_size=12).filter(lambda b: b"\n" not in b and b"\r" not in b)),
    st.integers(1, 40),
    st.booleans(),
    st.booleans(),
)
def test_line_batches_equal_splitlines_at_any_chunk_size(lines, chunk, crlf, final_newline):
    sep = b"\r\n" if crlf else b"\n"
    data = sep.join(lines) + (sep if final_newline and lines else b"")
    got = [line for batch in read_line_batches(io.BytesIO(data), chunk) for line in batch]
    expected = data.splitlines() if data else []
    assert got == expected


def test_empty_stream_has_no_lines():
    assert list(read_line_batches(io.BytesIO(b""))) == []


@pytest.mark.parametrize("data", [b"a\n\nb\n", b"\n", b"x"])
def test_empty_lines_are_lines(data):
    got = [line for batch in read_line_batches(io.BytesIO(data), 2) for line in batch]
    assert got == data.splitlines()
