"""Speed-of-light RTT: great-circle distances, the city table, bad input."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qsmcore.latency import cities, great_circle_km, min_rtt
from qsmcore.latency.rtt import EARTH_RADIUS_KM, SPEED_OF_LIGHT_KM_S

lat = st.floats(-90, 90)
lon = st.floats(-180, 180)


def test_new_york_london():
    r = min_rtt("New York", "London")
    assert r.distance_km == pytest.approx(5570, abs=10)  # the usual quoted 5,570 km
    assert r.rtt_ms == pytest.approx(2 * r.distance_km * 1.47 / SPEED_OF_LIGHT_KM_S * 1e3)
    assert 54 < r.rtt_ms < 55.5 and r.vacuum_rtt_ms == pytest.approx(r.rtt_ms / 1.47)
    assert "New York" in str(r) and r.to_dict()["fiber_factor"] == 1.47


def test_other_known_distances():
    assert great_circle_km("London", "Paris") == pytest.approx(344, abs=5)
    assert great_circle_km("San Francisco", "Tokyo") == pytest.approx(8270, abs=20)
    assert great_circle_km("Sydney", "Singapore") == pytest.approx(6300, abs=30)


def test_antipodes_zero_and_quarter():
    assert great_circle_km((0, 0), (0, 180)) == pytest.approx(math.pi * EARTH_RADIUS_KM)
    assert great_circle_km((90, 0), (-90, 0)) == pytest.approx(math.pi * EARTH_RADIUS_KM)
    assert great_circle_km((10, 20), (-10, -160)) == pytest.approx(math.pi * EARTH_RADIUS_KM)
    assert great_circle_km("Tokyo", "Tokyo") == 0.0
    assert great_circle_km((0, 0), (0, 90)) == pytest.approx(math.pi * EARTH_RADIUS_KM / 2)


@given(lat, lon, lat, lon)
def test_symmetric_and_bounded(a1, o1, a2, o2):
    d = great_circle_km((a1, o1), (a2, o2))
    assert d == pytest.approx(great_circle_km((a2, o2), (a1, o1)), abs=1e-9)
    assert 0 <= d <= math.pi * EARTH_RADIUS_KM * (1 + 1e-12)


def test_names_and_coordinates():
    table = cities()
    assert len(table) >= 30 and {"Ashburn", "São Paulo", "Frankfurt"} <= set(table)
    assert min_rtt("sao paulo", "MUMBAI").a == "São Paulo"
    assert min_rtt("nyc", "40.71,-74.01").distance_km == 0.0
    assert min_rtt((51.51, -0.13), "London").rtt_ms == 0.0
    assert min_rtt("Dublin", "Ashburn", fiber_factor=1.0).rtt_ms == pytest.approx(
        min_rtt("Dublin", "Ashburn").vacuum_rtt_ms
    )
    table["London"] = (0, 0)  # a copy
    assert cities()["London"] == (51.51, -0.13)


def test_unknown_city_suggests_close_matches():
    with pytest.raises(ValueError, match="London"):
        min_rtt("Londn", "Paris")
    with pytest.raises(ValueError, match="unknown city"):
        min_rtt("Atlantis", "Paris")


@pytest.mark.parametrize(
    ("a", "b", "kw", "exc", "match"),
    [
        ((91, 0), "London", {}, ValueError, "latitude"),
        ((0, 181), "London", {}, ValueError, "longitude"),
        ((float("nan"), 0), "London", {}, ValueError, "latitude"),
        ("London", "Paris", {"fiber_factor": 0.5}, ValueError, "fiber_factor"),
        ("London", "Paris", {"fiber_factor": "1.47"}, TypeError, "fiber_factor"),
        (12, "Paris", {}, TypeError, "a"),
        ("London", (1, 2, 3), {}, TypeError, "b"),
    ],
)
def test_bad_input(a, b, kw, exc, match):
    with pytest.raises(exc, match=match):
        min_rtt(a, b, **kw)
