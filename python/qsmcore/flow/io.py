"""Graph input and output: NetworkX graphs, SciPy sparse matrices and DIMACS files.

Every reader returns a :class:`FlowGraph`; every path goes through the shared
validation of ``qsmcore.flow._graph``, so a bad graph is refused with the same
messages whichever way it came in.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from qsmcore.flow import _graph
from qsmcore.flow._dimacs import read_dimacs, write_dimacs
from qsmcore.flow._flowgraph import FlowGraph

__all__ = ["FlowGraph", "from_networkx", "from_scipy", "read_dimacs", "write_dimacs"]


def _edge_values(fn: str, edges: list[tuple[Any, Any, dict]], attr: str, what: str) -> list:
    out = []
    for u, v, data in edges:
        if attr not in data:
            raise ValueError(f"{fn}: edge ({u!r}, {v!r}) has no {what} attribute {attr!r}")
        out.append(data[attr])
    return out


def from_networkx(
    G: Any,
    capacity: str = "capacity",
    cost: str | None = None,
    demand: str | None = None,
    source: Any = None,
    sink: Any = None,
) -> FlowGraph:
    """A :class:`FlowGraph` from a NetworkX graph.

    Parameters
    ----------
    G : networkx.Graph, DiGraph, MultiGraph or MultiDiGraph
        Nodes get ids ``0 .. n-1`` in ``G.nodes`` order; the original names are kept
        in ``node_labels``. Each directed edge becomes one arc (every edge of a
        multigraph counts); an undirected edge {u, v} becomes the two arcs u→v and
        v→u with the same capacity (and cost), which is NetworkX's own reading of
        undirected flow networks.
    capacity : str
        Edge attribute holding u(e), an integer >= 0. Every edge must have it: NetworkX
        treats a missing capacity as infinite, which an int64 solver cannot represent.
    cost : str or None
        Edge attribute holding the integer cost c(e) (NetworkX uses ``"weight"``), or
        None for no costs.
    demand : str or None
        Node attribute holding NetworkX's demand (a node that *receives* flow has a
        positive demand); stored as supplies b(v) = -demand(v), missing values 0.
    source, sink : node names or None
        The terminals s and t of a max-flow instance, given by their NetworkX names.

    Returns
    -------
    FlowGraph
    """
    fn = "from_networkx"
    try:
        import networkx as nx
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("from_networkx needs networkx: pip install networkx") from exc
    if not isinstance(G, nx.Graph):
        raise TypeError(f"{fn}: G must be a networkx graph, got {type(G).__name__}")
    for name, value in (("capacity", capacity), ("cost", cost), ("demand", demand)):
        if value is not None and not isinstance(value, str):
            raise TypeError(f"{fn}: {name} must be an attribute name (str), got {value!r}")
    labels = list(G.nodes)
    if not labels:
        raise ValueError(f"{fn}: G has no nodes")
    index = {lab: i for i, lab in enumerate(labels)}
    edges = list(G.edges(data=True))
    caps = _edge_values(fn, edges, capacity, "capacity")
    ws = _edge_values(fn, edges, cost, "cost") if cost is not None else None
    t = [index[u] for u, _, _ in edges]
    h = [index[v] for _, v, _ in edges]
    if not G.is_directed():
        # Both directions, in the order (all u→v, then all v→u): an undirected edge is
        # two arcs sharing one capacity value each.
        t, h = t + h, h + t
        caps = caps + caps
        ws = None if ws is None else ws + ws
    supplies = None
    if demand is not None:
        supplies = np.array(
            [-_scalar(fn, "demand", G.nodes[lab].get(demand, 0)) for lab in labels],
            dtype=np.int64,
        )
    s = _terminal(fn, "source", source, index)
    k = _terminal(fn, "sink", sink, index)
    return FlowGraph(
        tails=np.array(t, dtype=np.int64),
        heads=np.array(h, dtype=np.int64),
        capacities=_column(fn, "capacity", caps),
        costs=None if ws is None else _column(fn, "cost", ws),
        n_nodes=len(labels),
        source=s,
        sink=k,
        supplies=supplies,
        node_labels=tuple(labels),
    )


def _column(fn: str, name: str, values: list) -> np.ndarray:
    try:
        a = np.array(values)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{fn}: {name} attributes must be integers ({exc})") from None
    if a.size == 0:
        return np.zeros(0, dtype=np.int64)
    if a.dtype == object or a.dtype.kind not in "iuf" or a.ndim != 1:
        raise TypeError(f"{fn}: {name} attributes must be integers, got dtype {a.dtype}")
    return _graph._int_array(fn, name, a)


def _scalar(fn: str, name: str, value: Any) -> int:
    a = _column(fn, name, [value])
    return int(a[0])


def _terminal(fn: str, name: str, label: Any, index: dict) -> int | None:
    if label is None:
        return None
    try:
        return index[label]
    except (KeyError, TypeError):
        raise ValueError(f"{fn}: {name} {label!r} is not a node of G") from None


def from_scipy(matrix: Any, source: int | None = None, sink: int | None = None) -> FlowGraph:
    """A :class:`FlowGraph` from a square SciPy sparse matrix of capacities.

    Entry (i, j) = u > 0 is the arc i → j with capacity u. Stored zeros ("explicit
    zeros") are dropped: a sparse matrix cannot tell them from absent arcs in most
    SciPy operations, and ``scipy.sparse.csgraph.maximum_flow`` ignores them too.
    Duplicate entries of a non-canonical matrix are summed, as SciPy does. Arcs come
    out in row-major order (sorted by tail, then head). Values must be integers >= 0
    (integral floats are accepted).

    Parameters
    ----------
    matrix : scipy.sparse array or matrix, shape (n, n)
    source, sink : int or None
        s and t, node ids in ``[0, n)``.
    """
    fn = "from_scipy"
    import scipy.sparse as sp

    if not sp.issparse(matrix):
        raise TypeError(
            f"{fn}: matrix must be a scipy.sparse array or matrix, got {type(matrix).__name__}"
        )
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise ValueError(f"{fn}: matrix must be square (n, n), got shape {matrix.shape}")
    if matrix.shape[0] == 0:
        raise ValueError(f"{fn}: matrix must have at least one row, got shape {matrix.shape}")
    a = sp.csr_array(matrix, copy=True)
    a.sum_duplicates()
    a.sort_indices()
    n = a.shape[0]
    data = np.asarray(a.data)
    if data.dtype.kind not in "iuf" or data.dtype.kind == "b":
        raise TypeError(f"{fn}: matrix must hold integer capacities, got dtype {data.dtype}")
    if data.size and data.dtype.kind == "f" and not np.all(np.isfinite(data)):
        raise ValueError(f"{fn}: matrix holds NaN or infinite capacities")
    tails = np.repeat(np.arange(n, dtype=np.int64), np.diff(a.indptr))
    heads = np.asarray(a.indices, dtype=np.int64)
    keep = data != 0
    s = None if source is None else _graph.node(fn, "source", source, n)
    t = None if sink is None else _graph.node(fn, "sink", sink, n)
    return FlowGraph(
        tails=tails[keep],
        heads=heads[keep],
        capacities=_graph.capacities(fn, data[keep], int(keep.sum()), name="matrix"),
        n_nodes=n,
        source=s,
        sink=t,
    )
