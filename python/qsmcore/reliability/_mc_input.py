"""Validation of a :class:`Program` and of probability vectors before a kernel reads them.

The Monte Carlo kernels index node words by ``inputs`` and ``top``; a Program built by
hand (or by a buggy compiler) must be rejected here with a message naming the array,
never reach C++ with an out-of-range id.
"""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np

from qsmcore.reliability._program import NOT, VOTE, Program


def _int32(name: str, values: Any) -> np.ndarray:
    a = np.asarray(values)
    if a.ndim != 1 or (a.size and a.dtype.kind not in "iu"):
        raise TypeError(f"program.{name} must be a 1-D integer array, got {a.dtype} {a.shape}")
    if a.size and (a.min() < -(2**31) or a.max() >= 2**31):
        raise ValueError(f"program.{name} has values outside int32")
    return np.ascontiguousarray(a, dtype=np.int32)


def probabilities(name: str, values: Any, n: int) -> np.ndarray:
    """A float64 vector of ``n`` finite probabilities in [0, 1]."""
    a = np.asarray(values)
    if a.dtype.kind not in "iuf" or a.dtype == bool:
        raise TypeError(f"{name} must hold real numbers, got dtype {a.dtype}")
    a = np.ascontiguousarray(a, dtype=np.float64)
    if a.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},), got {a.shape}")
    bad = ~(np.isfinite(a) & (a >= 0.0) & (a <= 1.0))
    if np.any(bad):
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"{name}[{i}] = {a[i]!r} is not a probability in [0, 1]")
    return a


def checked_arrays(program: Any) -> tuple[np.ndarray, ...]:
    """``(p, op, k, offsets, inputs)`` as contiguous arrays, after checking the layout."""
    if not isinstance(program, Program):
        raise TypeError(f"program must be a qsmcore.reliability Program, got {type(program)}")
    n_events = program.n_events
    if n_events < 1:
        raise ValueError("program must have at least one basic event")
    p = probabilities("program.p", program.p, n_events)
    op = _int32("op", program.op)
    k = _int32("k", program.k)
    offsets = _int32("offsets", program.offsets)
    inputs = _int32("inputs", program.inputs)
    n_gates = op.size
    if k.size != n_gates or offsets.size != n_gates + 1:
        raise ValueError(
            f"program: k has {k.size} and offsets {offsets.size} entries for {n_gates} gates "
            f"(need {n_gates} and {n_gates + 1})"
        )
    if offsets[0] != 0 or offsets[-1] != inputs.size:
        raise ValueError("program.offsets must start at 0 and end at len(inputs)")
    fan_in = np.diff(offsets)
    if np.any(fan_in < 1):
        raise ValueError(f"program: gate {int(np.flatnonzero(fan_in < 1)[0])} has no inputs")
    if np.any((op < 0) | (op > NOT)):
        raise ValueError(f"program.op must hold 0..3 (AND, OR, VOTE, NOT), got {np.unique(op)}")
    if np.any((op == NOT) & (fan_in != 1)):
        raise ValueError("program: a NOT gate must have exactly one input")
    vote = op == VOTE
    if np.any(vote & ((k < 1) | (k > fan_in))):
        j = int(np.flatnonzero(vote & ((k < 1) | (k > fan_in)))[0])
        raise ValueError(f"program: VOTE gate {j} has k = {k[j]}, need 1 <= k <= {fan_in[j]}")
    gate_of_input = np.repeat(np.arange(n_gates), fan_in)
    late = (inputs < 0) | (inputs >= n_events + gate_of_input)
    if np.any(late):
        a = int(np.flatnonzero(late)[0])
        raise ValueError(
            f"program.inputs[{a}] = {inputs[a]} is not a node before gate {gate_of_input[a]} "
            "(gates must read earlier nodes: topological order, no cycles)"
        )
    top = program.top
    if isinstance(top, bool) or not isinstance(top, int | np.integer):
        raise TypeError(f"program.top must be an int, got {top!r}")
    if not 0 <= int(top) < n_events + n_gates:
        raise ValueError(f"program.top = {top} is not a node id in [0, {n_events + n_gates})")
    return p, op, k, offsets, inputs


def digest(arrays: tuple[np.ndarray, ...], top: int) -> str:
    """A short fingerprint of the structure and probabilities (combine checks it)."""
    h = hashlib.sha256()
    for a in arrays:
        h.update(a.tobytes())
        h.update(b"|")
    h.update(str(int(top)).encode())
    return h.hexdigest()[:16]
