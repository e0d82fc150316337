"""Coordinates (degrees, 2 decimals: about ±1 km) of well-known cities and
cloud/Internet-exchange hubs, for ``min_rtt``. City centres, not data centres."""

from __future__ import annotations

import difflib
import unicodedata

CITIES: dict[str, tuple[float, float]] = {
    "Amsterdam": (52.37, 4.90),
    "Ashburn": (39.04, -77.49),
    "Auckland": (-36.85, 174.76),
    "Bangalore": (12.97, 77.59),
    "Beijing": (39.90, 116.41),
    "Buenos Aires": (-34.60, -58.38),
    "Cairo": (30.04, 31.24),
    "Cape Town": (-33.92, 18.42),
    "Chicago": (41.88, -87.63),
    "Dallas": (32.78, -96.80),
    "Dubai": (25.20, 55.27),
    "Dublin": (53.35, -6.26),
    "Frankfurt": (50.11, 8.68),
    "Hong Kong": (22.32, 114.17),
    "Honolulu": (21.31, -157.86),
    "Jakarta": (-6.21, 106.85),
    "Johannesburg": (-26.20, 28.05),
    "Lagos": (6.52, 3.38),
    "London": (51.51, -0.13),
    "Los Angeles": (34.05, -118.24),
    "Madrid": (40.42, -3.70),
    "Mexico City": (19.43, -99.13),
    "Moscow": (55.76, 37.62),
    "Mumbai": (19.08, 72.88),
    "New York": (40.71, -74.01),
    "Paris": (48.86, 2.35),
    "San Francisco": (37.77, -122.42),
    "São Paulo": (-23.55, -46.63),
    "Seattle": (47.61, -122.33),
    "Seoul": (37.57, 126.98),
    "Shanghai": (31.23, 121.47),
    "Singapore": (1.29, 103.85),
    "Stockholm": (59.33, 18.07),
    "Sydney": (-33.87, 151.21),
    "Tokyo": (35.68, 139.69),
    "Toronto": (43.65, -79.38),
    "Zurich": (47.38, 8.54),
}


def _fold(name: str) -> str:
    """Case-, accent- and spacing-insensitive key: 'sao  paulo' == 'São Paulo'."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return " ".join(plain.lower().replace("-", " ").split())


_INDEX = {_fold(k): k for k in CITIES}
_ALIASES = {
    "nyc": "New York",
    "new york city": "New York",
    "sf": "San Francisco",
    "la": "Los Angeles",
    "bengaluru": "Bangalore",
    "bombay": "Mumbai",
}


def cities() -> dict[str, tuple[float, float]]:
    """The built-in table: name -> (latitude, longitude) in degrees (a copy)."""
    return dict(CITIES)


def lookup(name: str) -> tuple[str, tuple[float, float]]:
    """``(canonical name, (lat, lon))`` of a built-in city; ValueError with suggestions."""
    key = _fold(name)
    canonical = _INDEX.get(key) or _ALIASES.get(key)
    if canonical is None:
        close = difflib.get_close_matches(key, list(_INDEX), n=3, cutoff=0.6)
        hint = (
            f"did you mean {', '.join(repr(_INDEX[c]) for c in close)}?"
            if close
            else "pass (lat, lon) or 'lat,lon' for places not in the table"
        )
        raise ValueError(f"unknown city {name!r}; {hint} (see qsmcore.latency.cities())")
    return canonical, CITIES[canonical]
