"""compare.py sketch: qsmcore.sketch.TDigest beside fastdigest and datasketches.

One data set, 10M lognormal values (mean 1, SCV 4, seed 1), built once. Each
implementation builds a digest of all of it in one batch (timed, best of k), then
its relative errors ``(estimate - exact) / exact`` at p50, p99, p99.9 and p99.99
are printed against ``np.quantile`` (linear interpolation), with its stored size.
Equal compression: ``TDigest(100)``, ``fastdigest.TDigest(max_centroids=100)``,
``datasketches.tdigest_double(k=100)``; datasketches' KLL (k=200, its default) is
a reference row of a different sketch family.

The qsmcore default (``k3``) row is checked: its rank error at every reported q
must be within ``rank_error_bound`` (else MISMATCH), and a note says whether its
|relative error| at p99, p99.9 and p99.99 is at most both t-digest peers'.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

import qsmcore
from qsmcore.sketch import TDigest

from ._rows import Row
from ._timing import best_of

TITLE = "TDigest: qsmcore vs fastdigest and datasketches (t-digest, KLL)"
QS = (0.5, 0.99, 0.999, 0.9999)
TAIL = slice(1, 4)  # p99, p99.9, p99.99: the accuracy target
COMPRESSION = 100

try:
    import fastdigest
except ImportError:  # the `peers` extra is optional
    fastdigest = None
try:
    import datasketches
except ImportError:
    datasketches = None


def lognormal_values(n: int) -> np.ndarray:
    """``n`` lognormal values with mean 1 and SCV 4 (seed 1)."""
    return qsmcore.random.sample(qsmcore.random.lognormal(mean=1.0, scv=4.0), n, seed=1)


def _errors_text(rel: np.ndarray, nbytes: int) -> str:
    parts = [f"p{100 * q:g} {e:+.1e}".replace("e-0", "e-") for q, e in zip(QS, rel, strict=True)]
    return " ".join(parts) + f" {nbytes:,}B"


def _measure(
    build: Callable[[], Any],
    quantiles: Callable[[Any], Any],
    size: Callable[[Any], int],
    exact: np.ndarray,
    repeat: int,
) -> tuple[float, Any, np.ndarray, int]:
    seconds, sketch = best_of(build, repeat)
    rel = (np.asarray(quantiles(sketch), dtype=float) - exact) / exact
    return seconds, sketch, rel, size(sketch)


def run(scale: int, repeat: int) -> list[Row]:
    """All implementations on 10M (÷ ``scale``) lognormal values."""
    n = 10_000_000 // scale
    x = lognormal_values(n)
    exact = np.quantile(x, QS)
    xs = np.sort(x)
    case = f"lognormal ×{n:,}"
    rows: list[Row] = []
    tail_errors: dict[str, np.ndarray] = {}

    def qsm_build(scale_fn: str) -> Callable[[], TDigest]:
        def build() -> TDigest:
            d = TDigest(COMPRESSION, scale=scale_fn)
            d.update(x)
            return d

        return build

    qsm_rel = None
    for scale_fn in ("k3", "k2", "k1"):
        t, d, rel, nbytes = _measure(
            qsm_build(scale_fn), lambda d: d.quantile(np.array(QS)), lambda d: len(d.to_bytes()),
            exact, repeat,
        )  # fmt: skip
        check = _errors_text(rel, nbytes)
        notes: list[str] = []
        if scale_fn == "k3":  # the default
            qsm_rel = rel
            est = d.quantile(np.array(QS))
            rank = (np.searchsorted(xs, est, "left") + np.searchsorted(xs, est, "right")) / 2 / n
            ok = np.abs(rank - np.array(QS)) <= d.rank_error_bound(np.array(QS)) + 1 / n
            if not ok.all():
                check = "MISMATCH: rank error above rank_error_bound; " + check
        label = f"qsmcore TDigest({COMPRESSION}, {scale_fn!r}): {len(d)} cent."
        rows.append(Row(case, label, None, n, n, t, check, notes))

    if fastdigest is not None:

        def fd_build() -> Any:
            d = fastdigest.TDigest(COMPRESSION)
            d.batch_update(x)
            return d

        t, d, rel, nbytes = _measure(
            fd_build, lambda d: [d.quantile(q) for q in QS], lambda d: len(d.to_bytes()),
            exact, repeat,
        )  # fmt: skip
        tail_errors["fastdigest"] = rel
        label = f"fastdigest.TDigest({COMPRESSION}): {len(d)} cent."
        rows.append(Row(case, label, "fastdigest", n, n, t, _errors_text(rel, nbytes)))
    if datasketches is not None:

        def ds_build() -> Any:
            d = datasketches.tdigest_double(COMPRESSION)
            d.update(x)
            return d

        t, d, rel, nbytes = _measure(
            ds_build, lambda d: [d.get_quantile(q) for q in QS], lambda d: len(d.serialize()),
            exact, repeat,
        )  # fmt: skip
        tail_errors["datasketches t-digest"] = rel
        label = f"datasketches tdigest_double({COMPRESSION})"
        rows.append(Row(case, label, "ds tdigest", n, n, t, _errors_text(rel, nbytes)))

        def kll_build() -> Any:
            d = datasketches.kll_doubles_sketch(200)
            d.update(x)
            return d

        t, d, rel, nbytes = _measure(
            kll_build, lambda d: [d.get_quantile(q) for q in QS], lambda d: len(d.serialize()),
            exact, repeat,
        )  # fmt: skip
        note = "KLL (k=200): a different sketch (rank error ~1.65/k uniform in q), for reference"
        rows.append(Row(case, "datasketches kll_doubles_sketch(200)", "ds KLL", n, n, t,
                        _errors_text(rel, nbytes), [note]))  # fmt: skip

    if qsm_rel is not None and tail_errors:
        mine = np.abs(qsm_rel[TAIL])
        verdicts = []
        for peer, rel in tail_errors.items():
            wins = mine <= np.abs(rel[TAIL])
            verdicts.append(
                f"{peer}: "
                + ", ".join(
                    f"p{100 * q:g} {'≤' if w else 'WORSE'}"
                    for q, w in zip(QS[TAIL], wins, strict=True)
                )
            )
        rows[0].notes.append("qsmcore k3 (default) |rel err| vs " + "; ".join(verdicts))
    rows[0].notes.append(
        "check column: relative error (estimate − exact)/exact vs np.quantile at each"
        " quantile, then the stored size in bytes; compression 100 for every t-digest"
    )
    return rows
