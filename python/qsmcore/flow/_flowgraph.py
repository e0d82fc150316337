"""FlowGraph: one validated flow instance (arcs, capacities, optional costs, terminals or
supplies), the common currency of the readers, writers and generators."""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from qsmcore.flow import _graph


def _frozen(a: np.ndarray) -> np.ndarray:
    # A frozen dataclass whose arrays the caller can still write to is frozen in name
    # only: keep a private, read-only copy (arrays already read-only are shared).
    if a.flags.writeable:
        a = np.array(a, copy=True)
        a.flags.writeable = False
    return a


@dataclass(frozen=True, eq=False, repr=False)
class FlowGraph:
    """A directed flow network: arc ``i`` runs ``tails[i] -> heads[i]``.

    Parameters
    ----------
    tails, heads : array of int
        Arc end points, node ids in ``[0, n_nodes)``.
    capacities : array of int
        u(e) >= 0, int64, summing to less than 2**62.
    costs : array of int or None
        c(e), int64 (any sign), or None for a pure max-flow instance.
    n_nodes : int or None
        n; by default one more than the largest id used.
    source, sink : int or None
        s and t of a max-flow instance (both or neither; s != t).
    supplies : array of int or None
        b(v) for a min-cost flow instance, one per node: > 0 supply, < 0 demand.
        Not required to balance here (the solvers check Σ b(v) = 0).
    node_labels : tuple or None
        The original node names in id order (for instance the NetworkX nodes).

    The arrays are stored read-only and validated on construction with the shared
    ``qsmcore.flow._graph`` rules (ValueError/TypeError naming the field). Two graphs
    compare equal when every field is equal.
    """

    tails: np.ndarray
    heads: np.ndarray
    capacities: np.ndarray
    costs: np.ndarray | None = None
    n_nodes: int | None = None  # type: ignore[assignment]  # always an int after __post_init__
    source: int | None = None
    sink: int | None = None
    supplies: np.ndarray | None = None
    node_labels: tuple[Any, ...] | None = field(default=None)

    def __post_init__(self) -> None:
        fn = "FlowGraph"
        t, h, n = _graph.arcs(fn, self.tails, self.heads, self.n_nodes)
        m = t.size
        cap = _graph.capacities(fn, self.capacities, m)
        set_ = object.__setattr__
        set_(self, "tails", _frozen(t))
        set_(self, "heads", _frozen(h))
        set_(self, "n_nodes", n)
        set_(self, "capacities", _frozen(cap))
        if self.costs is not None:
            total = int(cap.sum())
            set_(self, "costs", _frozen(_graph.costs(fn, self.costs, m, total)))
        if (self.source is None) != (self.sink is None):
            raise ValueError(
                f"{fn}: give both source and sink or neither, got {self.source}, {self.sink}"
            )
        if self.source is not None:
            s = _graph.node(fn, "source", self.source, n)
            t_ = _graph.node(fn, "sink", self.sink, n)
            if s == t_:
                raise ValueError(f"{fn}: source and sink must differ, both are {s}")
            set_(self, "source", s)
            set_(self, "sink", t_)
        if self.supplies is not None:
            b = _graph._int_array(fn, "supplies", self.supplies)
            if b.size != n:
                raise ValueError(f"{fn}: supplies must have one entry per node ({n}), got {b.size}")
            if b.size and float(np.abs(b).max()) >= _graph.MAX_TOTAL:
                raise ValueError(f"{fn}: supplies must be below 2**62 in absolute value")
            set_(self, "supplies", _frozen(b))
        if self.node_labels is not None:
            labels = tuple(self.node_labels)
            if len(labels) != n:
                raise ValueError(f"{fn}: node_labels must name every node ({n}), got {len(labels)}")
            set_(self, "node_labels", labels)

    # ------------------------------------------------------------------ queries

    @property
    def n_arcs(self) -> int:
        """m, the number of arcs."""
        return int(self.tails.size)

    def label_of(self, node_id: int) -> Any:
        """The original name of node ``node_id`` (the id itself without labels)."""
        v = _graph.node("FlowGraph.label_of", "node_id", node_id, self.n_nodes)
        return v if self.node_labels is None else self.node_labels[v]

    def id_of(self, label: Any) -> int:
        """The node id of an original node name (ValueError when unknown)."""
        if self.node_labels is None:
            return _graph.node("FlowGraph.id_of", "label", label, self.n_nodes)
        try:
            return self.node_labels.index(label)
        except ValueError:
            raise ValueError(f"FlowGraph.id_of: label {label!r} is not a node") from None

    # ------------------------------------------------------------------ conversion

    def to_networkx(
        self, capacity: str = "capacity", cost: str = "weight", demand: str = "demand"
    ) -> Any:
        """A NetworkX ``DiGraph`` (``MultiDiGraph`` when arcs repeat) with the labels.

        Capacities go to the ``capacity`` edge attribute, costs (if any) to ``cost``
        (NetworkX's min-cost flow reads ``weight``), and supplies to the node attribute
        ``demand`` with NetworkX's sign: demand = -supply.
        """
        import networkx as nx

        pairs = self.tails * self.n_nodes + self.heads
        multi = np.unique(pairs).size != pairs.size
        g = nx.MultiDiGraph() if multi else nx.DiGraph()
        labels = self.node_labels if self.node_labels is not None else range(self.n_nodes)
        if self.supplies is None:
            g.add_nodes_from(labels)
        else:
            g.add_nodes_from(
                (lab, {demand: -int(b)}) for lab, b in zip(labels, self.supplies, strict=True)
            )
        lab = list(labels)
        cols = [self.tails.tolist(), self.heads.tolist(), self.capacities.tolist()]
        if self.costs is None:
            g.add_edges_from((lab[u], lab[v], {capacity: c}) for u, v, c in zip(*cols, strict=True))
        else:
            g.add_edges_from(
                (lab[u], lab[v], {capacity: c, cost: w})
                for u, v, c, w in zip(*cols, self.costs.tolist(), strict=True)
            )
        return g

    def to_scipy(self) -> Any:
        """The n×n ``scipy.sparse.csr_array`` of capacities (parallel arcs summed)."""
        import scipy.sparse as sp

        a = sp.coo_array(
            (self.capacities, (self.tails, self.heads)), shape=(self.n_nodes, self.n_nodes)
        ).tocsr()
        a.sum_duplicates()
        return a

    def to_dict(self) -> dict[str, Any]:
        """The fields as plain Python values (arrays become lists)."""
        out: dict[str, Any] = {}
        for name in (
            "tails",
            "heads",
            "capacities",
            "costs",
            "n_nodes",
            "source",
            "sink",
            "supplies",
        ):
            v = getattr(self, name)
            out[name] = v.tolist() if isinstance(v, np.ndarray) else v
        out["node_labels"] = None if self.node_labels is None else list(self.node_labels)
        return out

    # ------------------------------------------------------------------ dunder

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FlowGraph):
            return NotImplemented
        for name in ("tails", "heads", "capacities", "costs", "supplies"):
            a, b = getattr(self, name), getattr(other, name)
            if (a is None) != (b is None) or (a is not None and not np.array_equal(a, b)):
                return False
        return (self.n_nodes, self.source, self.sink, self.node_labels) == (
            other.n_nodes,
            other.source,
            other.sink,
            other.node_labels,
        )

    # Equality compares array contents, which a hash would have to read in full: unhashable.
    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        parts = [f"n_nodes={self.n_nodes}", f"n_arcs={self.n_arcs}"]
        if self.source is not None:
            parts += [f"source={self.source}", f"sink={self.sink}"]
        if self.costs is not None:
            parts.append("costs=yes")
        if self.supplies is not None:
            parts.append(f"total_supply={int(self.supplies[self.supplies > 0].sum())}")
        if self.node_labels is not None:
            parts.append("labelled")
        return f"FlowGraph({', '.join(parts)})"

    __str__ = __repr__


def check_seed(fn: str, seed: object) -> np.random.Generator:
    """``numpy.random.default_rng(seed)`` for an int >= 0 or a SeedSequence only.

    ``None`` (fresh entropy) is refused: every generated instance must be reproducible.
    """
    if isinstance(seed, np.random.SeedSequence):
        return np.random.default_rng(seed)
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(
            f"{fn}: seed must be an int >= 0 or a numpy.random.SeedSequence, got {seed!r}"
        )
    if int(seed) < 0:
        raise ValueError(f"{fn}: seed must be >= 0, got {int(seed)}")
    return np.random.default_rng(int(seed))
