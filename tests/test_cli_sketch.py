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


def _invoke(args, input_bytes=None):
    from typer.testing import CliRunner

    from qsmcore.cli import app

    result = CliRunner().invoke(app, args, input=input_bytes)
    assert result.exit_code == 0, result.output
    return " ".join(result.output.replace("│", " ").split())  # table cells as plain words


def test_count_estimates_distinct_lines(tmp_path):
    path = tmp_path / "lines.txt"
    path.write_text("".join(f"user{i % 5000}\n" for i in range(20_000)))
    out = _invoke(["sketch", "count", str(path), "--exact"])
    assert "lines read 20,000" in out and "exact 5,000" in out


def test_count_reads_standard_input():
    out = _invoke(["sketch", "count", "-", "--precision", "10"], b"a\nb\na\n")
    assert "lines read 3" in out and "estimate 2" in out


def test_top_finds_the_heavy_lines(tmp_path):
    path = tmp_path / "lines.txt"
    lines = ["hot"] * 500 + ["warm"] * 200 + [f"cold{i}" for i in range(1000)]
    path.write_text("\n".join(lines) + "\n")
    out = _invoke(["sketch", "top", str(path), "-k", "2", "--capacity", "50"])
    assert out.index("hot") < out.index("warm")


def test_accuracy_table_has_every_structure():
    out = _invoke(["sketch", "accuracy", "--trials", "2", "--n", "2000"])
    for name in ("HyperLogLog", "Count-Min", "Bloom", "MinHash", "t-digest"):
        assert name in out


def test_count_rejects_a_missing_file():
    from typer.testing import CliRunner

    from qsmcore.cli import app

    result = CliRunner().invoke(app, ["sketch", "count", "/no/such/file"])
    assert result.exit_code == 2 and "no such file" in result.output
