"""asv: qsmcore.sketch.TDigest update, quantile and merge on 1M lognormal values."""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from qsmcore.sketch import TDigest

from ._sketch_tdigest_suite import lognormal_values

N = 1_000_000


class TDigestUpdate:
    """Build a digest of 1M lognormal values in one batch, per scale function."""

    params: ClassVar[list[str]] = ["k1", "k2", "k3"]
    param_names: ClassVar[list[str]] = ["scale"]

    def setup(self, scale: str) -> None:
        self.values = lognormal_values(N)

    def time_update(self, scale: str) -> None:
        TDigest(100, scale=scale).update(self.values)  # type: ignore[arg-type]

    def track_relative_error_p9999(self, scale: str) -> float:
        d = TDigest(100, scale=scale)  # type: ignore[arg-type]
        d.update(self.values)
        exact = float(np.quantile(self.values, 0.9999))
        return abs(d.quantile(0.9999) - exact) / exact


class TDigestQueries:
    """quantile and cdf of 10k points, and merging 10 digests of 100k values."""

    def setup(self) -> None:
        values = lognormal_values(N)
        self.digest = TDigest(100)
        self.digest.update(values)
        self.parts = []
        for chunk in np.array_split(values, 10):
            d = TDigest(100)
            d.update(chunk)
            self.parts.append(d)
        self.q = np.linspace(0.0, 1.0, 10_000)
        self.x = np.quantile(values, self.q)

    def time_quantile(self) -> None:
        self.digest.quantile(self.q)

    def time_cdf(self) -> None:
        self.digest.cdf(self.x)

    def time_merge_10(self) -> None:
        out = TDigest(100)
        for p in self.parts:
            out.merge(p)

    def time_round_trip_bytes(self) -> None:
        TDigest.from_bytes(self.digest.to_bytes())
