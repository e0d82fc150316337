"""One measured implementation (a table row) and the qsmcore ÷ peer speed ratios."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

FAILED_MARKS = ("MISMATCH", "DIFFERS", "MEAN OFF")  # how a failed ``check`` starts


@dataclass
class Row:
    """The best time of one implementation on one case.

    ``peer`` is None for qsmcore rows and a short label ("xxhash", "PCG64") for
    peer rows. ``timed_n`` items were timed (fewer than ``n`` for slow Python
    loops; items/s is per item, so rows stay comparable).
    """

    case: str
    impl: str
    peer: str | None
    n: int
    timed_n: int
    seconds: float
    check: str
    notes: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        """Items per second."""
        return self.timed_n / self.seconds if self.seconds > 0 else float("inf")

    @property
    def failed(self) -> bool:
        """True when the correctness check of what was timed failed."""
        return self.check.startswith(FAILED_MARKS)

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "items_per_s": self.rate}


def peer_labels(rows: list[Row]) -> list[str]:
    """The distinct peer labels, in first-seen order."""
    labels: list[str] = []
    for r in rows:
        if r.peer is not None and r.peer not in labels:
            labels.append(r.peer)
    return labels


def ratio(row: Row, peer: str, rows: list[Row]) -> float | None:
    """qsmcore items/s ÷ the ``peer``'s items/s on the same case (None if not applicable)."""
    if row.peer is not None:
        return None
    for other in rows:
        if other.case == row.case and other.peer == peer:
            return row.rate / other.rate
    return None


def ratios_json(rows: list[Row]) -> list[dict[str, Any]]:
    """Every (qsmcore row, peer) ratio, for ``--json``."""
    out = []
    for r in rows:
        for p in peer_labels(rows):
            x = ratio(r, p, rows)
            if x is not None:
                out.append({"case": r.case, "qsmcore": r.impl, "peer": p, "ratio": x})
    return out
