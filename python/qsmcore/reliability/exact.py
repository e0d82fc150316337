"""Exact evaluation of a compiled structure: ``failure_probability``, ``importance``,
``minimal_cut_sets``.

The kernels live in ``cpp/include/qsm/reliability/`` (``series_parallel.hpp``,
``bdd.hpp``, ``bdd_measures.hpp``, ``cutsets_zbdd.hpp``); this module validates the
:class:`~qsmcore.reliability._program.Program`, picks the method and packages the
answer. Every probability here is exact up to floating-point rounding: the passes add
non-negative terms only, so a system failure probability of 1e-30 built from
components at 1e-15 keeps its full relative precision.

References
----------
R. E. Bryant, "Graph-based algorithms for Boolean function manipulation", IEEE Trans.
Computers C-35 (1986). A. Rauzy, "New algorithms for fault trees analysis", Reliab.
Eng. Syst. Saf. 40 (1993). S. Minato, "Zero-suppressed BDDs for set manipulation in
combinatorial problems", DAC (1993). Z. W. Birnbaum, "On the importance of different
components in a multicomponent system" (1969). NUREG/CR-3385 (Fussell-Vesely, RAW, RRW
as used in probabilistic risk assessment).
"""

from __future__ import annotations

import itertools
import operator
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from qsmcore import _core
from qsmcore.reliability._program import Program, check_program

DEFAULT_MAX_NODES = 1 << 23
# The most minimal cut sets one call lists (Python tuples, about 100 B each and more).
_MAX_LISTED = 1_000_000
_METHOD_CODE = {"auto": 0, "bdd": 1, "series-parallel": 2}

Method = Literal["auto", "bdd", "series-parallel"]


@dataclass(frozen=True, repr=False)
class ExactResult:
    """The exact failure probability of a structure.

    Attributes
    ----------
    probability : float
        :math:`Q = P(\\text{top event})`, the probability that the system has failed.
    method : str
        ``"series-parallel"`` (one bottom-up pass over a structure that reads no basic
        event or gate twice) or ``"bdd"`` (Shannon decomposition over a reduced ordered
        binary decision diagram).
    bdd_nodes : int
        Non-terminal nodes of the top event's BDD (0 for series-parallel).
    """

    probability: float
    method: str
    bdd_nodes: int

    def to_dict(self) -> dict[str, Any]:
        """Plain Python values, ready for JSON."""
        return {"probability": self.probability, "method": self.method, "bdd_nodes": self.bdd_nodes}

    def __repr__(self) -> str:
        nodes = f", bdd_nodes={self.bdd_nodes}" if self.method == "bdd" else ""
        return f"ExactResult(probability={self.probability:.6g}, method={self.method!r}{nodes})"

    __str__ = __repr__


@dataclass(frozen=True, repr=False)
class ImportanceResult:
    """Importance measures of every basic event, in event id order.

    With :math:`Q` the system failure probability and :math:`Q_i^{1}`, :math:`Q_i^{0}`
    the failure probability given event :math:`i` failed / working:

    Attributes
    ----------
    names : tuple of str
        Basic event names.
    probability : float
        :math:`Q`.
    birnbaum : numpy.ndarray
        :math:`I^B_i = \\partial Q / \\partial p_i = Q_i^1 - Q_i^0`.
    fussell_vesely : numpy.ndarray
        :math:`FV_i = (Q - Q_i^0) / Q = p_i I^B_i / Q`, the fraction of the risk that
        goes away when event :math:`i` cannot occur (the PRA definition, NUREG/CR-3385;
        for failure events it equals the criticality importance). NaN when :math:`Q = 0`.
    raw : numpy.ndarray
        Risk achievement worth :math:`RAW_i = Q_i^1 / Q` (NaN when :math:`Q = 0`).
    rrw : numpy.ndarray
        Risk reduction worth :math:`RRW_i = Q / Q_i^0` (inf when only event :math:`i`'s
        failure can fail the system, NaN when :math:`Q = 0`).
    p_if_failed, p_if_working : numpy.ndarray
        :math:`Q_i^1` and :math:`Q_i^0`.
    bdd_nodes : int
        Non-terminal nodes of the BDD the measures came from.

    Events the top event does not depend on get :math:`I^B = FV = 0`, :math:`RAW = RRW = 1`.
    For a non-coherent structure (a NOT gate) :math:`I^B` and :math:`FV` may be negative.
    """

    names: tuple[str, ...]
    probability: float
    birnbaum: np.ndarray = field(compare=False)
    fussell_vesely: np.ndarray = field(compare=False)
    raw: np.ndarray = field(compare=False)
    rrw: np.ndarray = field(compare=False)
    p_if_failed: np.ndarray = field(compare=False)
    p_if_working: np.ndarray = field(compare=False)
    bdd_nodes: int

    def to_dict(self) -> dict[str, Any]:
        """Plain Python values (one dict per event under ``"events"``), ready for JSON
        (NaN and inf stay floats)."""
        events = [
            {
                "name": n,
                "birnbaum": float(self.birnbaum[i]),
                "fussell_vesely": float(self.fussell_vesely[i]),
                "raw": float(self.raw[i]),
                "rrw": float(self.rrw[i]),
                "p_if_failed": float(self.p_if_failed[i]),
                "p_if_working": float(self.p_if_working[i]),
            }
            for i, n in enumerate(self.names)
        ]
        return {"probability": self.probability, "bdd_nodes": self.bdd_nodes, "events": events}

    def table(self, sort_by: str = "fussell_vesely", top: int | None = None) -> str:
        """A text table, one row per event, largest ``sort_by`` first (``"birnbaum"``,
        ``"fussell_vesely"``, ``"raw"`` or ``"rrw"``), at most ``top`` rows."""
        if sort_by not in ("birnbaum", "fussell_vesely", "raw", "rrw"):
            raise ValueError(
                f"sort_by must be 'birnbaum', 'fussell_vesely', 'raw' or 'rrw', got {sort_by!r}"
            )
        key = np.nan_to_num(getattr(self, sort_by), nan=-np.inf)
        rows = np.argsort(-key, kind="stable")[: top if top is not None else None]
        width = max([5, *(len(self.names[i]) for i in rows)])
        lines = [
            f"{'event':<{width}}  {'Birnbaum':>11}  {'F-V':>11}  {'RAW':>11}  {'RRW':>11}",
        ]
        for i in rows:
            lines.append(
                f"{self.names[i]:<{width}}  {self.birnbaum[i]:>11.4g}  "
                f"{self.fussell_vesely[i]:>11.4g}  {self.raw[i]:>11.4g}  {self.rrw[i]:>11.4g}"
            )
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (
            f"ImportanceResult(probability={self.probability:.6g}, events={len(self.names)}, "
            f"bdd_nodes={self.bdd_nodes})"
        )

    __str__ = __repr__


def _arrays(program: Program, fn: str) -> tuple[Any, ...]:
    """The Program's arrays, validated (``_program.check_program``)."""
    return check_program(fn, program)


def _max_nodes(fn: str, max_nodes: int) -> int:
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int | np.integer):
        raise TypeError(f"{fn}: max_nodes must be an int, got {type(max_nodes).__name__}")
    if not 2 <= max_nodes < 2**31:
        raise ValueError(f"{fn}: max_nodes must be in [2, 2**31), got {max_nodes}")
    return int(max_nodes)


def _optional_count(fn: str, name: str, value: int | None, least: int) -> int:
    if value is None:
        return -1
    try:
        v = operator.index(value)
    except TypeError:
        raise TypeError(f"{fn}: {name} must be an int or None, got {value!r}") from None
    if isinstance(value, bool) or v < least:
        raise ValueError(f"{fn}: {name} must be an int >= {least} or None, got {value!r}")
    return v


def failure_probability(
    program: Program, method: Method = "auto", max_nodes: int = DEFAULT_MAX_NODES
) -> ExactResult:
    """Exact probability that the top event occurs (the system has failed).

    Parameters
    ----------
    program : Program
        The compiled structure: basic events with failure probabilities :math:`p_i`,
        assumed independent, and AND / OR / VOTE / NOT gates.
    method : {"auto", "bdd", "series-parallel"}
        ``"series-parallel"``: when no basic event or gate is read twice, the gate
        inputs are independent and one bottom-up pass suffices: AND
        :math:`\\prod_i q_i`, OR :math:`1 - \\prod_i (1 - q_i)`, VOTE(k) the
        Poisson-binomial tail :math:`P(\\sum_i X_i \\ge k)` (computed without
        subtracting from 1). ``"bdd"``: a reduced ordered BDD of the top event
        (variables in depth-first order of first appearance from the top, a gate's
        own events before those of its sub-gates), then
        :math:`P(f) = p_x P(f_{x=1}) + (1 - p_x) P(f_{x=0})` bottom-up. ``"auto"``:
        series-parallel when it applies, else the BDD.
    max_nodes : int
        Node limit for the BDD; ``MemoryError`` when the diagram would grow past it.

    Returns
    -------
    ExactResult
        ``probability``, the ``method`` that ran and the BDD size.

    Raises
    ------
    TypeError
        ``program`` is not a Program, ``max_nodes`` not an int.
    ValueError
        A probability outside [0, 1] or NaN, inputs out of topological order (a cycle),
        VOTE ``k`` outside [1, number of inputs], a NOT with other than one input,
        ``method="series-parallel"`` on a structure with repeated events, an unknown
        method, more than about two million events for the BDD (its recursion depth).
    MemoryError
        The BDD needs more than ``max_nodes`` nodes.

    Examples
    --------
    Two components in series (an OR of failures), p = 0.1 and 0.2:

    >>> import numpy as np
    >>> from qsmcore.reliability._program import Program, OR
    >>> prog = Program(("a", "b"), np.array([0.1, 0.2]), np.array([OR], np.int32),
    ...                np.zeros(1, np.int32), np.array([0, 2], np.int32),
    ...                np.array([0, 1], np.int32), top=2)
    >>> round(failure_probability(prog).probability, 12)  # 1 - 0.9 * 0.8
    0.28
    >>> failure_probability(prog).method
    'series-parallel'
    """
    arrays = _arrays(program, "failure_probability")
    if not isinstance(method, str) or method not in _METHOD_CODE:
        raise ValueError(
            f"failure_probability: method must be one of {tuple(_METHOD_CODE)}, got {method!r}"
        )
    limit = _max_nodes("failure_probability", max_nodes)
    prob, used_bdd, nodes = _core.reliability_failure_probability(
        *arrays, limit, _METHOD_CODE[method]
    )
    return ExactResult(
        probability=float(prob),
        method="bdd" if used_bdd else "series-parallel",
        bdd_nodes=int(nodes),
    )


def importance(program: Program, max_nodes: int = DEFAULT_MAX_NODES) -> ImportanceResult:
    """Birnbaum, Fussell-Vesely, RAW and RRW importance of every basic event, exactly.

    One BDD of the top event and two linear passes over it: bottom-up for the node
    probabilities, top-down for the probability of reaching each node; then for every
    event at once :math:`Q_i^1 = P(\\text{top} \\mid x_i = 1)` and
    :math:`Q_i^0 = P(\\text{top} \\mid x_i = 0)`, as sums of non-negative terms.
    See :class:`ImportanceResult` for the definitions.

    Parameters
    ----------
    program : Program
        The compiled structure.
    max_nodes : int
        Node limit for the BDD.

    Returns
    -------
    ImportanceResult

    Raises
    ------
    TypeError, ValueError, MemoryError
        As for :func:`failure_probability`.
    """
    arrays = _arrays(program, "importance")
    limit = _max_nodes("importance", max_nodes)
    q, birnbaum, q1, q0, nodes = _core.reliability_importance(*arrays, limit)
    p = arrays[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        if q > 0.0:
            fv = p * birnbaum / q
            raw = q1 / q
        else:
            fv = np.full_like(p, np.nan)
            raw = np.full_like(p, np.nan)
        rrw = np.where(q0 > 0.0, q / np.where(q0 > 0.0, q0, 1.0), np.inf if q > 0.0 else np.nan)
    return ImportanceResult(
        names=tuple(program.names),
        probability=float(q),
        birnbaum=birnbaum,
        fussell_vesely=fv,
        raw=raw,
        rrw=rrw,
        p_if_failed=q1,
        p_if_working=q0,
        bdd_nodes=int(nodes),
    )


def minimal_cut_sets(
    program: Program,
    max_order: int | None = None,
    max_count: int | None = None,
    max_nodes: int = DEFAULT_MAX_NODES,
) -> list[tuple[str, ...]]:
    """Minimal cut sets of a coherent structure, smallest first.

    A cut set is a set of basic events whose joint failure fails the system; it is
    minimal when no proper subset is one. They are the minimal solutions of the top
    event's BDD, extracted as a zero-suppressed BDD by Rauzy's algorithm
    (``cpp/include/qsm/reliability/cutsets_zbdd.hpp``), so the BDD never has to be
    expanded into products.

    Parameters
    ----------
    program : Program
        A coherent structure: AND, OR and VOTE gates only.
    max_order : int, optional
        List only cut sets with at most this many events (:math:`\\ge 0`).
    max_count : int, optional
        List at most this many (:math:`\\ge 1`): the first ones in the order below.
    max_nodes : int
        Node limit for the BDD and for the ZBDD.

    Returns
    -------
    list of tuple of str
        Each cut set as a tuple of event names in event id order; the list is sorted by
        size, then by event ids. ``[()]`` when the system always fails, ``[]`` when it
        never does.

    Raises
    ------
    ValueError
        The structure has a NOT gate (non-coherent: prime implicants are not supported);
        more than 1,000,000 cut sets would have to be listed (pass ``max_order`` or
        ``max_count``); bad ``max_order``, ``max_count``; an invalid program (see
        :func:`failure_probability`).
    MemoryError
        A diagram needs more than ``max_nodes`` nodes.
    """
    fn = "minimal_cut_sets"
    arrays = _arrays(program, fn)
    order = _optional_count(fn, "max_order", max_order, 0)
    count = _optional_count(fn, "max_count", max_count, 1)
    limit = _max_nodes(fn, max_nodes)
    flat, offsets, _counts = _core.reliability_minimal_cut_sets(
        *arrays, order, count, _MAX_LISTED, limit
    )
    names = program.names
    ids = flat.tolist()
    bounds = offsets.tolist()
    return [tuple(names[i] for i in ids[a:b]) for a, b in itertools.pairwise(bounds)]


__all__ = [
    "ExactResult",
    "ImportanceResult",
    "failure_probability",
    "importance",
    "minimal_cut_sets",
]
