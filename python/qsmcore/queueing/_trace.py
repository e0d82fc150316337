"""The per-customer trace of one simulated replication, and its queue-length path."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Trace:
    """Every customer of one replication, in arrival order (warm-up included).

    ``arrival``, ``start`` (service start) and ``departure`` are times; ``server`` is
    the index of the server that served the customer; ``customer_class`` the
    priority class (0 = highest). A customer lost to a full station has NaN
    ``start``/``departure`` and ``server == -1``. ``wait = start - arrival`` and
    ``response = departure - arrival``.
    """

    arrival: np.ndarray = field(repr=False)
    start: np.ndarray = field(repr=False)
    departure: np.ndarray = field(repr=False)
    server: np.ndarray = field(repr=False)
    customer_class: np.ndarray = field(repr=False)
    replication: int = 0

    def __post_init__(self) -> None:
        for name in ("arrival", "start", "departure", "server", "customer_class"):
            getattr(self, name).setflags(write=False)

    def __len__(self) -> int:
        return int(self.arrival.size)

    def __repr__(self) -> str:
        return f"Trace(replication={self.replication}, customers={len(self)})"

    @property
    def blocked(self) -> np.ndarray:
        return self.server < 0

    @property
    def wait(self) -> np.ndarray:
        return self.start - self.arrival

    @property
    def response(self) -> np.ndarray:
        return self.departure - self.arrival

    def number_in_system(self, *, waiting_only: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """The exact step function of the number in system (or waiting) over time.

        Returns ``(times, counts)``: ``counts[j]`` holds on ``[times[j], times[j+1])``,
        starting from an empty system at time 0. At equal times departures are
        applied before arrivals, as the simulator does.
        """
        served = ~self.blocked
        ups = self.arrival[served]
        downs = (self.start if waiting_only else self.departure)[served]
        times = np.concatenate(([0.0], downs, ups))
        steps = np.concatenate(([0], -np.ones(downs.size, np.int64), np.ones(ups.size, np.int64)))
        order = np.lexsort((steps, times))  # by time, then -1 before +1
        times, counts = times[order], np.cumsum(steps[order])
        last = np.r_[times[1:] != times[:-1], True]  # one point per distinct time
        return times[last], counts[last]

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Draw the number in system and waiting over time (needs matplotlib)."""
        try:
            import matplotlib.pyplot as plt
        except ImportError as exc:  # pragma: no cover - depends on the extra
            raise ImportError("Trace.plot needs matplotlib: pip install 'qsmcore[plot]'") from exc
        if ax is None:
            _, ax = plt.subplots(figsize=(9, 3))
        t, n = self.number_in_system()
        ax.step(t, n, where="post", label="in system (L)", **kwargs)
        t, q = self.number_in_system(waiting_only=True)
        ax.step(t, q, where="post", label="waiting (Lq)", alpha=0.7)
        ax.set_xlabel("time")
        ax.set_ylabel("customers")
        ax.legend(loc="upper right")
        return ax

    def to_dict(self) -> dict[str, Any]:
        return {
            "replication": self.replication,
            "arrival": self.arrival.tolist(),
            "start": self.start.tolist(),
            "departure": self.departure.tolist(),
            "server": self.server.tolist(),
            "customer_class": self.customer_class.tolist(),
        }
