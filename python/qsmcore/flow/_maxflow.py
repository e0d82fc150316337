"""Maximum flow and minimum cut: ``max_flow``.

The kernels live in ``cpp/include/qsm/flow/maxflow_*.hpp``; this module validates,
picks the algorithm and packages the answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from qsmcore import _core
from qsmcore.flow import _graph

METHODS = ("auto", "push_relabel", "dinic", "bk")
_KERNEL = {"push_relabel": 0, "dinic": 1, "bk": 2}

Method = Literal["auto", "push_relabel", "dinic", "bk"]


@dataclass(frozen=True, repr=False)
class MaxFlowResult:
    """A maximum s-t flow and a minimum s-t cut of the same graph.

    Attributes
    ----------
    value : int
        The maximum flow value :math:`|f|`, equal to the capacity of the minimum cut.
    flow : numpy.ndarray of int64
        :math:`f(a)` for every input arc, in input order (``0 <= flow <= capacities``;
        self-loops carry 0).
    source_side : numpy.ndarray of bool
        The source side :math:`S` of the minimum cut: the nodes reachable from the
        source in the residual graph of the returned flow (the minimum cut closest to
        the source, the same whichever method ran).
    cut_arcs : numpy.ndarray of int64
        Indices of the input arcs from :math:`S` to :math:`V \\setminus S`; their
        capacities sum to ``value``.
    method : str
        The algorithm that ran (``"push_relabel"``, ``"dinic"`` or ``"bk"``).
    """

    value: int
    flow: np.ndarray = field(compare=False)
    source_side: np.ndarray = field(compare=False)
    cut_arcs: np.ndarray = field(compare=False)
    method: str

    def to_dict(self) -> dict[str, Any]:
        """Plain Python values (lists for the arrays), ready for JSON."""
        return {
            "value": self.value,
            "flow": self.flow.tolist(),
            "source_side": self.source_side.tolist(),
            "cut_arcs": self.cut_arcs.tolist(),
            "method": self.method,
        }

    def __repr__(self) -> str:
        return (
            f"MaxFlowResult(value={self.value}, method={self.method!r}, "
            f"arcs={self.flow.size}, nodes={self.source_side.size}, "
            f"source_side={int(self.source_side.sum())} nodes, cut_arcs={self.cut_arcs.size})"
        )

    __str__ = __repr__


def _auto_method(tails: np.ndarray, heads: np.ndarray, n: int, source: int, sink: int) -> str:
    """BK for vision-like graphs, push-relabel otherwise (see ``max_flow``)."""
    m = tails.size
    if n < 1000 or m == 0:
        return "push_relabel"
    terminal = int(np.count_nonzero(tails == source) + np.count_nonzero(heads == sink))
    inner = m - terminal
    # Vision graphs: a few neighbours per pixel plus terminal arcs on a sizeable
    # fraction of the pixels, so augmenting paths are short.
    if inner <= 8 * n and terminal >= n // 10:
        return "bk"
    return "push_relabel"


def _capacities(values: npt.ArrayLike, m: int) -> np.ndarray:
    a = np.asarray(values)
    if a.dtype.kind == "f" and a.ndim == 1 and a.size == m:
        if not np.all(np.isfinite(a)) or not np.all(a == np.round(a)):
            raise TypeError(
                "max_flow: capacities must be integers (int64); got non-integral floats. "
                "Scale them to integers first, e.g. np.rint(capacities * 1000).astype(np.int64), "
                "and divide the value by the same factor"
            )
    return _graph.capacities("max_flow", a, m)


def max_flow(
    tails: npt.ArrayLike,
    heads: npt.ArrayLike,
    capacities: npt.ArrayLike,
    source: int,
    sink: int,
    n_nodes: int | None = None,
    method: Method = "auto",
) -> MaxFlowResult:
    """Maximum flow from ``source`` to ``sink`` and a minimum cut.

    Parameters
    ----------
    tails, heads : array_like of int
        Arc ``i`` goes from ``tails[i]`` to ``heads[i]`` (node ids in ``[0, n)``).
        Parallel arcs and self-loops are allowed.
    capacities : array_like of int
        :math:`u(a) \\ge 0`, int64, summing to less than :math:`2^{62}`. Floats holding
        integral values are accepted; non-integral floats raise ``TypeError``: scale
        them to integers (``np.rint(c * k)``) and divide the value by ``k``.
    source, sink : int
        :math:`s \\ne t`.
    n_nodes : int, optional
        Number of nodes :math:`n`; by default one more than the largest id.
    method : {"auto", "push_relabel", "dinic", "bk"}
        ``"push_relabel"``: highest-label push-relabel with global relabeling and the
        gap heuristic (Cherkassky & Goldberg's hi_pr), :math:`O(n^2 \\sqrt{m})`.
        ``"dinic"``: BFS level graph plus blocking flows, :math:`O(n^2 m)`.
        ``"bk"``: Boykov-Kolmogorov search trees, fast on vision graphs (grids whose
        pixels have terminal arcs), no strongly polynomial bound.
        ``"auto"``: ``"bk"`` when the graph has at least 1000 nodes, at most ``8 n``
        non-terminal arcs and at least ``n / 10`` arcs leaving the source or entering
        the sink (a vision graph); ``"push_relabel"`` otherwise.

    Returns
    -------
    MaxFlowResult
        ``value``, per-arc ``flow``, the minimum cut's ``source_side`` and
        ``cut_arcs``, and the ``method`` that ran.

    Raises
    ------
    ValueError
        Mismatched lengths, negative or out-of-range node ids, ``source == sink``,
        negative capacities, capacities summing to :math:`2^{62}` or more, an unknown
        method.
    TypeError
        Non-integer ids or capacities (including non-integral floats), non-int
        source/sink.

    Examples
    --------
    >>> r = max_flow([0, 0, 1], [1, 2, 2], [3, 2, 5], source=0, sink=2)
    >>> r.value
    5
    """
    t, h, n = _graph.arcs("max_flow", tails, heads, n_nodes)
    c = _capacities(capacities, t.size)
    s = _graph.node("max_flow", "source", source, n)
    z = _graph.node("max_flow", "sink", sink, n)
    if s == z:
        raise ValueError(f"max_flow: source and sink must differ, both are {s}")
    if not isinstance(method, str) or method not in METHODS:
        raise ValueError(f"max_flow: method must be one of {METHODS}, got {method!r}")
    chosen = _auto_method(t, h, n, s, z) if method == "auto" else method
    value, flow, side, cut = _core.flow_max_flow(t, h, c, n, s, z, _KERNEL[chosen])
    return MaxFlowResult(value=int(value), flow=flow, source_side=side, cut_arcs=cut, method=chosen)
