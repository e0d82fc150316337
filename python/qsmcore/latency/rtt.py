"""Speed-of-light round trip: the latency floor no engineering removes.

Distance is the great circle on a sphere of the mean Earth radius
R = 6371.0088 km (the IUGG mean radius R1 = (2a + b)/3 of WGS-84), by the
haversine formula, hav(d/R) = hav(Δφ) + cos φ1 cos φ2 hav(Δλ), which stays
accurate for nearby points (the sphere itself is within ~0.5% of the
ellipsoid). Light in silica fiber travels at c/n with group index
n ≈ 1.47 (c = 299 792.458 km/s), so about 4.9 µs per km one way. Real routes
are longer than great circles (often 1.2-1.5×) and add switching, so a measured
RTT is this floor times a route factor, never less.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import asdict, dataclass
from typing import Any

from qsmcore.latency import _validate
from qsmcore.latency.city_table import lookup

EARTH_RADIUS_KM = 6371.0088
SPEED_OF_LIGHT_KM_S = 299_792.458
FIBER_FACTOR = 1.47

Place = str | tuple[float, float]


def _coords(name: str, p: Any) -> tuple[str, tuple[float, float]]:
    if isinstance(p, str):
        parts = p.split(",")
        if len(parts) == 2:
            try:
                lat, lon = float(parts[0]), float(parts[1])
            except ValueError:
                pass
            else:
                return _coords(name, (lat, lon))
        return lookup(p)
    if isinstance(p, (tuple, list)) and len(p) == 2:
        lat = _validate.real(
            f"{name} latitude", p[0], low=-90.0, low_open=False, high=90.0, high_open=False
        )
        lon = _validate.real(
            f"{name} longitude", p[1], low=-180.0, low_open=False, high=180.0, high_open=False
        )
        return f"({lat:g}, {lon:g})", (lat, lon)
    if isinstance(p, numbers.Number):
        raise TypeError(f"{name} must be a city name or a (lat, lon) pair, got {p!r}")
    raise TypeError(f"{name} must be a city name or a (lat, lon) pair, got {p!r}")


def great_circle_km(a: Place, b: Place) -> float:
    """Great-circle distance in km between two places (names or (lat, lon) in degrees)."""
    _, (lat1, lon1) = _coords("a", a)
    _, (lat2, lon2) = _coords("b", b)
    return _haversine_km(lat1, lon1, lat2, lon2)


def _haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2.0 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, max(0.0, h))))


@dataclass(frozen=True)
class RTT:
    """The speed-of-light floor between two places."""

    a: str
    b: str
    a_coords: tuple[float, float]
    b_coords: tuple[float, float]
    distance_km: float
    fiber_factor: float
    one_way_ms: float
    rtt_ms: float
    vacuum_rtt_ms: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        return (
            f"{self.a} ↔ {self.b}: {self.distance_km:,.0f} km great circle, "
            f"min RTT {self.rtt_ms:.1f} ms in fiber (c/{self.fiber_factor:g}), "
            f"{self.vacuum_rtt_ms:.1f} ms in vacuum"
        )


def min_rtt(a: Place, b: Place, fiber_factor: float = FIBER_FACTOR) -> RTT:
    """Minimum round-trip time between ``a`` and ``b`` over a great-circle fiber.

    Parameters
    ----------
    a, b : str or (float, float)
        City names from ``cities()`` (case and accents ignored), ``"lat,lon"``
        strings or (latitude, longitude) pairs in degrees.
    fiber_factor : float
        Refractive (group) index n >= 1 of the medium: light moves at c/n.
        1.47 for silica fiber; 1.0 for vacuum (or microwave/laser links, ~1.0003).

    Returns
    -------
    RTT
        distance d (km), one-way time d·n/c and round trip 2·d·n/c (ms).
    """
    f = _validate.real(
        "fiber_factor", fiber_factor, low=1.0, low_open=False, high=10.0, high_open=False
    )
    name_a, ca = _coords("a", a)
    name_b, cb = _coords("b", b)
    d = _haversine_km(*ca, *cb)
    one_way = d * f / SPEED_OF_LIGHT_KM_S * 1e3
    return RTT(
        a=name_a,
        b=name_b,
        a_coords=ca,
        b_coords=cb,
        distance_km=d,
        fiber_factor=f,
        one_way_ms=one_way,
        rtt_ms=2.0 * one_way,
        vacuum_rtt_ms=2.0 * d / SPEED_OF_LIGHT_KM_S * 1e3,
    )
