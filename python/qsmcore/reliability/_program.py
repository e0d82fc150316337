"""The flat program every reliability solver reads: basic events plus gates in
topological order, as NumPy arrays the C++ kernels take without conversion.

Node ids: ``0 .. n_events-1`` are the basic events (their failure probabilities in
``p``); ``n_events + j`` is gate ``j``. A node's value is True when it has FAILED
(the fault-tree view: a system of components in series fails when any fails, an OR
gate). Gate ``j`` reads the nodes ``inputs[offsets[j]:offsets[j+1]]``, all with ids
below ``n_events + j``, and is:

* ``AND``: failed when every input has failed,
* ``OR``: failed when any input has failed,
* ``VOTE`` with threshold ``k[j]``: failed when at least ``k[j]`` inputs have failed
  (``k`` of ``n`` failed: a 2-of-3 *working* system is a VOTE(2) on failures),
* ``NOT``: one input, failed when the input works.

``top`` is the node whose failure is the system's failure (the last gate, or a basic
event for a one-component system). Basic events are distinct random variables: a
component used in two places of a structure is one event read by two gates (a
repeated event), which is what makes exact evaluation need more than series-parallel
reduction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

AND, OR, VOTE, NOT = 0, 1, 2, 3
OP_NAMES = {AND: "AND", OR: "OR", VOTE: "VOTE", NOT: "NOT"}
_ARRAYS = ("p", "op", "k", "offsets", "inputs")


@dataclass(frozen=True)
class Program:
    """A compiled structure: see the module docstring for the layout. Immutable: the
    arrays are read-only copies of the ones passed in."""

    names: tuple[str, ...]  # basic event names, in id order
    p: np.ndarray = field(repr=False)  # float64 (n_events,): failure probabilities
    op: np.ndarray = field(repr=False)  # int32 (n_gates,)
    k: np.ndarray = field(repr=False)  # int32 (n_gates,): VOTE threshold (else 0)
    offsets: np.ndarray = field(repr=False)  # int32 (n_gates + 1,)
    inputs: np.ndarray = field(repr=False)  # int32 (offsets[-1],)
    top: int

    def __post_init__(self) -> None:
        # A Program never changes: its arrays are private read-only copies (so a
        # caller's later writes to the arrays it passed cannot reach it), which lets
        # check_program validate it once, not on every solver call.
        if isinstance(self.names, list):
            object.__setattr__(self, "names", tuple(self.names))
        for name in _ARRAYS:
            value = getattr(self, name)
            try:
                a = np.array(value)
            except (TypeError, ValueError):
                continue  # not array-like: check_program names the problem
            a.setflags(write=False)
            object.__setattr__(self, name, a)

    @property
    def n_events(self) -> int:
        return len(self.names)

    @property
    def n_gates(self) -> int:
        return int(self.op.size)

    def with_p(self, p: np.ndarray) -> Program:
        """The same structure with other basic-event probabilities."""
        q = np.ascontiguousarray(p, dtype=np.float64)
        if q.shape != self.p.shape:
            raise ValueError(f"p must have shape {self.p.shape}, got {q.shape}")
        return Program(self.names, q, self.op, self.k, self.offsets, self.inputs, self.top)

    def evaluate(self, failed: np.ndarray) -> np.ndarray:
        """Reference evaluation in NumPy: ``failed`` is bool (..., n_events); returns the
        top node's bool (...). Slow and simple on purpose: the oracle for the kernels."""
        x = np.asarray(failed, dtype=bool)
        values = [x[..., i] for i in range(self.n_events)]
        for j in range(self.n_gates):
            ins = [values[i] for i in self.inputs[self.offsets[j] : self.offsets[j + 1]]]
            op = int(self.op[j])
            if op == AND:
                v = np.logical_and.reduce(ins)
            elif op == OR:
                v = np.logical_or.reduce(ins)
            elif op == VOTE:
                v = np.sum(ins, axis=0) >= int(self.k[j])
            else:
                v = ~ins[0]
            values.append(v)
        return values[self.top]

    def __repr__(self) -> str:
        kinds = ", ".join(
            f"{OP_NAMES[o]} {int(np.count_nonzero(self.op == o))}"
            for o in OP_NAMES
            if np.any(self.op == o)
        )
        return (
            f"Program({self.n_events} basic events, {self.n_gates} gates [{kinds}], top={self.top})"
        )


def check_program(fn: str, program: Any) -> tuple[Any, ...]:
    """``(p, op, k, offsets, inputs, top)`` of ``program`` as contiguous float64 / int32
    arrays (and an int), after checking the layout every solver relies on; a TypeError
    or ValueError naming ``fn`` and the problem otherwise. The one validator of the
    exact and Monte Carlo solvers: a Program built by hand (or by a buggy compiler) must
    never reach C++ with an out-of-range id. A Program is immutable, so the checked
    arrays are kept on it: later calls return them at once."""
    if not isinstance(program, Program):
        raise TypeError(f"{fn}: program must be a Program, got {type(program).__name__}")
    checked = program.__dict__.get("_checked")
    if checked is None:
        # Reaching the end of the checks means __post_init__ could make every array a
        # read-only copy, so the result stays valid for this Program's life.
        checked = _checked_arrays(fn, program)
        for a in checked[:5]:
            a.setflags(write=False)  # shared by every later call
        object.__setattr__(program, "_checked", checked)
    return checked


def _checked_arrays(fn: str, program: Program) -> tuple[Any, ...]:
    e = len(program.names)
    if e < 1:
        raise ValueError(f"{fn}: program must have at least one basic event")
    raw_p = np.asarray(program.p)
    if raw_p.dtype.kind not in "iuf" or raw_p.dtype == bool:
        raise TypeError(f"{fn}: program.p must hold real numbers, got dtype {raw_p.dtype}")
    p = np.ascontiguousarray(raw_p, dtype=np.float64)
    if p.ndim != 1 or p.size != e:
        raise ValueError(f"{fn}: program.p must have shape ({e},), got {p.shape}")
    bad = np.flatnonzero(~((p >= 0.0) & (p <= 1.0)))  # NaN fails both comparisons
    if bad.size:
        i = int(bad[0])
        raise ValueError(
            f"{fn}: program.p[{i}] (event {program.names[i]!r}) = {p[i]!r} is not a "
            "probability in [0, 1]"
        )
    ints = []
    for name in ("op", "k", "offsets", "inputs"):
        a = np.asarray(getattr(program, name))
        if a.ndim != 1 or (a.size and a.dtype.kind not in "iu"):
            raise ValueError(f"{fn}: program.{name} must be a 1-D integer array")
        ints.append(np.ascontiguousarray(a, dtype=np.int64))
    op, k, offsets, inputs = ints
    g = op.size
    if k.size != g or offsets.size != g + 1:
        raise ValueError(
            f"{fn}: program has {g} gates but k has {k.size} entries and offsets {offsets.size} "
            f"(expected {g} and {g + 1})"
        )
    if offsets[0] != 0 or offsets[-1] != inputs.size:
        raise ValueError(f"{fn}: program.offsets must run from 0 to len(inputs) = {inputs.size}")
    arity = np.diff(offsets)
    if np.any(arity < 1):
        j = int(np.flatnonzero(arity < 1)[0])
        raise ValueError(f"{fn}: gate {j} has no inputs (program.offsets must increase)")
    unknown = np.flatnonzero((op < AND) | (op > NOT))
    if unknown.size:
        j = int(unknown[0])
        raise ValueError(
            f"{fn}: gate {j} has unknown op {int(op[j])} in program.op (0 AND, 1 OR, 2 VOTE, 3 NOT)"
        )
    owner = np.repeat(np.arange(g, dtype=np.int64), arity)
    late = np.flatnonzero((inputs < 0) | (inputs >= e + owner))
    if late.size:
        at = int(late[0])
        j = int(owner[at])
        raise ValueError(
            f"{fn}: gate {j} (node {e + j}) reads node {int(inputs[at])} at program.inputs[{at}]; "
            "inputs must be existing nodes with smaller ids (topological order, no cycles)"
        )
    vote = np.flatnonzero((op == VOTE) & ((k < 1) | (k > arity)))
    if vote.size:
        j = int(vote[0])
        raise ValueError(
            f"{fn}: VOTE gate {j} has k = {int(k[j])}, outside [1, {int(arity[j])}] "
            "(its number of inputs)"
        )
    nots = np.flatnonzero((op == NOT) & (arity != 1))
    if nots.size:
        j = int(nots[0])
        raise ValueError(f"{fn}: NOT gate {j} has {int(arity[j])} inputs; it takes exactly 1")
    top = program.top
    if isinstance(top, bool) or not isinstance(top, int | np.integer) or not 0 <= top < e + g:
        raise ValueError(f"{fn}: program.top must be a node id in [0, {e + g}), got {top!r}")
    i32 = [np.ascontiguousarray(a, dtype=np.int32) for a in (op, k, offsets, inputs)]
    return (p, *i32, int(top))
