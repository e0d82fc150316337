"""Validation shared by every qsmcore.flow entry point: arc lists, capacities, costs.

Every public function converts its graph arguments here, before any C++ runs, so a
wrong input raises a ValueError/TypeError that names the function and the parameter.
"""

from __future__ import annotations

import numbers

import numpy as np
import numpy.typing as npt

# Node ids and arc counts fit int32 in the kernels' arrays; capacities and costs are
# int64 and the kernels' sums must not overflow: total capacity (and the largest
# |cost| times the total capacity) stay below 2**62.
MAX_NODES = 2**31 - 1
MAX_ARCS = 2**31 - 1
MAX_TOTAL = 2**62


def _int_array(fn: str, name: str, values: npt.ArrayLike) -> np.ndarray:
    a = np.asarray(values)
    if a.ndim != 1:
        raise ValueError(f"{fn}: {name} must be a 1-D array, got shape {a.shape}")
    if a.size == 0:
        return np.zeros(0, dtype=np.int64)
    if a.dtype.kind == "b" or a.dtype.kind not in "iuf":
        raise TypeError(f"{fn}: {name} must hold integers, got dtype {a.dtype}")
    if a.dtype.kind == "f":
        if not np.all(np.isfinite(a)) or not np.all(a == np.round(a)):
            raise TypeError(
                f"{fn}: {name} must hold integers, got non-integral or non-finite floats"
            )
        if np.any(np.abs(a) > 2**53):
            raise ValueError(f"{fn}: {name} has values too large to be exact as floats")
    if a.dtype.kind == "u" and a.dtype.itemsize == 8 and np.any(a > np.iinfo(np.int64).max):
        raise ValueError(f"{fn}: {name} has values above 2**63 - 1")
    return np.ascontiguousarray(a, dtype=np.int64)


def node_count(fn: str, n_nodes: object, name: str = "n_nodes") -> int:
    if isinstance(n_nodes, bool) or not isinstance(n_nodes, numbers.Integral):
        raise TypeError(f"{fn}: {name} must be an int, got {n_nodes!r}")
    n = int(n_nodes)
    if not 1 <= n <= MAX_NODES:
        raise ValueError(f"{fn}: {name} must be in [1, {MAX_NODES}], got {n}")
    return n


def arcs(
    fn: str, tails: npt.ArrayLike, heads: npt.ArrayLike, n_nodes: int | None = None
) -> tuple[np.ndarray, np.ndarray, int]:
    """(tails, heads, n) as int64 arrays, checked: same length, ids in [0, n)."""
    t = _int_array(fn, "tails", tails)
    h = _int_array(fn, "heads", heads)
    if t.size != h.size:
        raise ValueError(
            f"{fn}: tails and heads must have the same length, got {t.size} and {h.size}"
        )
    if t.size > MAX_ARCS:
        raise ValueError(f"{fn}: at most {MAX_ARCS} arcs, got {t.size}")
    if t.size and (t.min() < 0 or h.min() < 0):
        raise ValueError(f"{fn}: node ids must be >= 0 (found a negative id in tails or heads)")
    top = int(max(t.max(), h.max())) if t.size else -1
    if n_nodes is None:
        n = max(top + 1, 1)
        if n > MAX_NODES:
            raise ValueError(f"{fn}: node ids must be < {MAX_NODES}, found {top}")
    else:
        n = node_count(fn, n_nodes)
        if top >= n:
            raise ValueError(f"{fn}: node id {top} is out of range for n_nodes={n}")
    return t, h, n


def node(fn: str, name: str, value: object, n: int) -> int:
    """A node id in [0, n)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{fn}: {name} must be an int node id, got {value!r}")
    v = int(value)
    if not 0 <= v < n:
        raise ValueError(f"{fn}: {name} must be a node id in [0, {n}), got {v}")
    return v


def capacities(fn: str, values: npt.ArrayLike, m: int, name: str = "capacities") -> np.ndarray:
    """Nonnegative int64 capacities, one per arc, whose sum fits the kernels."""
    c = _int_array(fn, name, values)
    if c.size != m:
        raise ValueError(f"{fn}: {name} must have one entry per arc ({m}), got {c.size}")
    if c.size and c.min() < 0:
        raise ValueError(f"{fn}: {name} must be >= 0 (arc {int(np.argmin(c))} is {c.min()})")
    if (c.size and int(c.max()) > MAX_TOTAL) or float(c.sum(dtype=np.float64)) >= MAX_TOTAL:
        raise ValueError(f"{fn}: {name} sum to more than 2**62, which would overflow int64 sums")
    return c


def costs(
    fn: str, values: npt.ArrayLike, m: int, total_capacity: int, name: str = "costs"
) -> np.ndarray:
    """int64 costs (any sign), bounded so that |cost| * total capacity fits int64."""
    w = _int_array(fn, name, values)
    if w.size != m:
        raise ValueError(f"{fn}: {name} must have one entry per arc ({m}), got {w.size}")
    if w.size:
        biggest = float(np.abs(w).max())
        if biggest * max(total_capacity, 1) >= MAX_TOTAL:
            raise ValueError(
                f"{fn}: |{name}| up to {int(biggest)} times total capacity {total_capacity} "
                "would overflow int64 cost sums"
            )
    return w
