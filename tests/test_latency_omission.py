"""Coordinated-omission correction against HdrHistogram's rule and the
``hdrhistogram`` PyPI package, plus bounds and bad input."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qsmcore.latency import correct_coordinated_omission, corrected_percentiles, percentiles


def reference_correction(values, interval):
    """HdrHistogram (Java/C/Go) recordValueWithExpectedInterval, written out."""
    out = []
    for v in values:
        out.append(v)
        missing = v - interval
        while missing >= interval:
            out.append(missing)
            missing -= interval
    return out


def python_package_correction(values, interval):
    """The ``hdrhistogram`` package's record_corrected_value loop, written out."""
    out = []
    for v in values:
        while True:
            out.append(v)
            if v <= interval:
                break
            v -= interval
    return out


@given(st.lists(st.integers(0, 10**6), min_size=1, max_size=50), st.integers(1, 10**5))
def test_both_rules_equal_their_loops_on_integers(values, interval):
    ref = correct_coordinated_omission(values, interval).tolist()
    assert ref == reference_correction([float(v) for v in values], float(interval))
    py = correct_coordinated_omission(values, interval, rule="python").tolist()
    assert py == python_package_correction([float(v) for v in values], float(interval))


def test_known_answers():
    v = [1.0, 5.0, 25.0, 10.5, 30.0]
    assert correct_coordinated_omission(v, 10).tolist() == [1, 5, 25, 15, 10.5, 30, 20, 10]
    # The Python package also records the remainder v mod I (25 -> 15, 5; 10.5 -> 0.5).
    assert correct_coordinated_omission(v, 10, rule="python").tolist() == [
        1, 5, 25, 15, 5, 10.5, 0.5, 30, 20, 10,
    ]  # fmt: skip


def test_integer_data_matches_the_reference_loop_exactly():
    rng = np.random.default_rng(7)
    v = np.concatenate([rng.integers(0, 50_000, 5000), [0, 100, 200, 199, 201, 10**6]])
    got = correct_coordinated_omission(v, 100)
    assert got.tolist() == reference_correction(v.astype(float).tolist(), 100.0)


def test_same_counts_as_the_hdrhistogram_package():
    hdrh = pytest.importorskip("hdrh.histogram")
    rng = np.random.default_rng(3)
    # Microsecond latencies: mostly ~1 ms, some multi-second stalls.
    v = np.round(rng.lognormal(7.0, 1.2, 20_000)).astype(np.int64) + 1
    interval = 1000
    theirs = hdrh.HdrHistogram(1, 10**8, 3)
    for x in v.tolist():
        theirs.record_corrected_value(x, interval)
    ours = hdrh.HdrHistogram(1, 10**8, 3)
    corrected = correct_coordinated_omission(v, interval, rule="python")
    assert np.array_equal(corrected, np.round(corrected))  # integers stay integers
    for x in corrected.astype(np.int64).tolist():
        ours.record_value(x)
    assert ours.get_total_count() == theirs.get_total_count() == corrected.size
    assert list(ours.counts) == list(theirs.counts)  # bucket by bucket
    s = np.sort(corrected)
    for p in (50, 90, 99, 99.9):
        assert ours.get_value_at_percentile(p) == theirs.get_value_at_percentile(p)
        # HdrHistogram reports the bucket of rank round(n p / 100) (ours: ceil(n q));
        # the exact value at that rank lies in the bucket it reports.
        rank = max(1, int(p * corrected.size / 100 + 0.5))
        assert theirs.values_are_equivalent(int(s[rank - 1]), theirs.get_value_at_percentile(p))


def test_threads_do_not_change_the_result():
    rng = np.random.default_rng(11)
    v = rng.exponential(5.0, 200_000)
    a = correct_coordinated_omission(v, 0.7, threads=1)
    b = correct_coordinated_omission(v, 0.7, threads=2)
    assert np.array_equal(a, b)
    assert a.size > v.size


def test_output_is_bounded():
    with pytest.raises(ValueError, match="max_values"):
        correct_coordinated_omission([1e300], 1.0)
    with pytest.raises(ValueError, match="max_values"):
        correct_coordinated_omission([10.0, 10.0], 1.0, max_values=15)
    assert correct_coordinated_omission([10.0, 10.0], 1.0, max_values=20).size == 20


def test_corrected_percentiles_grow_the_tail():
    # One 10 s stall among 1 ms responses, sent every 10 ms: 999 hidden requests.
    v = np.full(10_000, 1.0)
    v[5000] = 10_000.0
    raw = percentiles(v, 0.99)[0.99].value
    fixed = corrected_percentiles(v, 10.0, 0.99)
    assert raw == 1.0
    assert fixed.n == 10_000 + 999  # 9990, 9980, ..., 10
    assert fixed[0.99].value > 8_000


@pytest.mark.parametrize(
    ("args", "kwargs", "exc", "match"),
    [
        (([1.0, -1.0], 1.0), {}, ValueError, "samples"),
        (([1.0, float("nan")], 1.0), {}, ValueError, "NaN"),
        (([1.0, float("inf")], 1.0), {}, ValueError, "samples"),
        (([], 1.0), {}, ValueError, "samples"),
        (([1.0], 0.0), {}, ValueError, "expected_interval"),
        (([1.0], -2.0), {}, ValueError, "expected_interval"),
        (([1.0], float("nan")), {}, ValueError, "expected_interval"),
        (([1.0], "1"), {}, TypeError, "expected_interval"),
        (([1.0], 1.0), {"rule": "java"}, ValueError, "rule"),
        (([1.0], 1.0), {"max_values": 0}, ValueError, "max_values"),
        (([1.0], 1.0), {"threads": 0}, ValueError, "threads"),
    ],
)
def test_bad_input(args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        correct_coordinated_omission(*args, **kwargs)
