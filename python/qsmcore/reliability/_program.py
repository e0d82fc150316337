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

import numpy as np

AND, OR, VOTE, NOT = 0, 1, 2, 3
OP_NAMES = {AND: "AND", OR: "OR", VOTE: "VOTE", NOT: "NOT"}


@dataclass(frozen=True)
class Program:
    """A compiled structure: see the module docstring for the layout."""

    names: tuple[str, ...]  # basic event names, in id order
    p: np.ndarray = field(repr=False)  # float64 (n_events,): failure probabilities
    op: np.ndarray = field(repr=False)  # int32 (n_gates,)
    k: np.ndarray = field(repr=False)  # int32 (n_gates,): VOTE threshold (else 0)
    offsets: np.ndarray = field(repr=False)  # int32 (n_gates + 1,)
    inputs: np.ndarray = field(repr=False)  # int32 (offsets[-1],)
    top: int

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
