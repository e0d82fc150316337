"""System structures: components, reliability-block and fault-tree composition, common
causes, and their compilation to the flat :class:`Program` the solvers read.

Two vocabularies describe the same thing. A reliability block diagram speaks of
*working*: ``series`` works when every part works, ``parallel`` when any does,
``k_of_n`` when at least k do. A fault tree speaks of *failing*: ``and_gate`` fails
when every input fails, ``or_gate`` when any does, ``vote_gate(k, ...)`` when at least
k do. Internally everything is failure logic, so ``series`` is an OR gate, ``parallel``
an AND gate and ``k_of_n(k, n parts)`` a VOTE(n − k + 1) gate. Both can be mixed.

A :class:`Component` object is one basic event. Using the same object twice (a
shared power supply feeding two trains) makes it a repeated event: the solvers see
one random variable read by two gates. Two distinct objects are independent even if
they share a name, which is why ``compile`` refuses duplicate names.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Union

import numpy as np

from qsmcore.reliability._program import AND, NOT, OR, VOTE, Program


def _probability(fn: str, name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{fn}: {name} must be a number in [0, 1], got {value!r}")
    x = float(value)
    if not (0.0 <= x <= 1.0):  # also catches NaN
        raise ValueError(f"{fn}: {name} must be in [0, 1], got {x}")
    return x


class Component:
    """One basic event: a part that fails during the mission with probability ``p_fail``.

    Parameters
    ----------
    name : str
        Unique within a system (results are keyed by it).
    p_fail : float, optional
        Probability of failure in [0, 1].
    lifetime : distribution spec, optional
        Instead of ``p_fail``: a ``qsmcore.random`` lifetime (e.g. ``"exp:1e-4"``,
        ``"weibull:shape=1.5,scale=2e4"``); then ``p_fail = F(mission_time)``, the
        probability that the part dies before the mission ends.
    mission_time : float, optional
        Required with ``lifetime``; > 0.

    Identity matters: the same object used in two places is one (repeated) event.
    """

    __slots__ = ("lifetime", "mission_time", "name", "p_fail")

    def __init__(
        self,
        name: str,
        p_fail: float | None = None,
        *,
        lifetime: Any = None,
        mission_time: float | None = None,
    ) -> None:
        if not isinstance(name, str) or not name:
            raise TypeError(f"Component: name must be a non-empty str, got {name!r}")
        self.name = name
        self.lifetime = None
        self.mission_time = None
        if (p_fail is None) == (lifetime is None):
            raise ValueError(f"Component {name!r}: give exactly one of p_fail and lifetime")
        if p_fail is not None:
            self.p_fail = _probability(f"Component {name!r}", "p_fail", p_fail)
            return
        from qsmcore.random import as_distribution

        if mission_time is None:
            raise ValueError(f"Component {name!r}: lifetime needs mission_time")
        if isinstance(mission_time, bool) or not isinstance(mission_time, numbers.Real):
            raise TypeError(f"Component {name!r}: mission_time must be a number > 0")
        t = float(mission_time)
        if not (t > 0 and math.isfinite(t)):
            raise ValueError(f"Component {name!r}: mission_time must be finite and > 0, got {t}")
        dist = as_distribution(lifetime)
        self.lifetime = dist
        self.mission_time = t
        self.p_fail = _probability(f"Component {name!r}", "F(mission_time)", float(dist.cdf(t)))

    def __repr__(self) -> str:
        if self.lifetime is not None:
            return (
                f"Component({self.name!r}, p_fail={self.p_fail:.6g} = F({self.mission_time:g}) "
                f"of {self.lifetime})"
            )
        return f"Component({self.name!r}, p_fail={self.p_fail:.6g})"


@dataclass(frozen=True, eq=False)
class Gate:
    """A failure-logic gate over components and other gates (see the module docstring).

    ``kind`` is ``"and"``, ``"or"``, ``"vote"`` (fails when at least ``k`` inputs fail)
    or ``"not"``. Build gates with :func:`series`, :func:`parallel`, :func:`k_of_n` or
    the ``*_gate`` functions rather than directly.
    """

    kind: str
    inputs: tuple[Node, ...]
    k: int = 0
    name: str | None = None

    def __repr__(self) -> str:
        label = f"{self.kind.upper()}({self.k})" if self.kind == "vote" else self.kind.upper()
        inner = ", ".join(_short(x) for x in self.inputs)
        return f"{label}[{inner}]" if self.name is None else f"{self.name}={label}[{inner}]"


Node = Union[Component, Gate]  # noqa: UP007 - a runtime alias used in isinstance checks


def _short(x: Node) -> str:
    return x.name if isinstance(x, Component) else repr(x)


def _nodes(fn: str, items: Sequence[Any], at_least: int = 1) -> tuple[Node, ...]:
    if len(items) == 1 and not isinstance(items[0], (Component, Gate)):
        items = tuple(items[0])  # series([a, b]) as well as series(a, b)
    out = tuple(items)
    for x in out:
        if not isinstance(x, (Component, Gate)):
            raise TypeError(f"{fn}: inputs must be Components or gates, got {x!r}")
    if len(out) < at_least:
        raise ValueError(f"{fn}: needs at least {at_least} input(s), got {len(out)}")
    return out


def _count(fn: str, name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{fn}: {name} must be an int, got {value!r}")
    return int(value)


def series(*items: Any, name: str | None = None) -> Gate:
    """Works when every part works: fails when any fails (an OR gate)."""
    return Gate("or", _nodes("series", items), name=name)


def parallel(*items: Any, name: str | None = None) -> Gate:
    """Works when any part works: fails when all fail (an AND gate)."""
    return Gate("and", _nodes("parallel", items), name=name)


def k_of_n(k: int, *items: Any, name: str | None = None) -> Gate:
    """Works when at least ``k`` of the ``n`` parts work: fails when n − k + 1 fail."""
    parts = _nodes("k_of_n", items)
    kk = _count("k_of_n", "k", k)
    if not 1 <= kk <= len(parts):
        raise ValueError(f"k_of_n: k must be in [1, n={len(parts)}], got k={kk}")
    return Gate("vote", parts, k=len(parts) - kk + 1, name=name)


def and_gate(*inputs: Any, name: str | None = None) -> Gate:
    """Fault tree AND: fails when every input fails."""
    return Gate("and", _nodes("and_gate", inputs), name=name)


def or_gate(*inputs: Any, name: str | None = None) -> Gate:
    """Fault tree OR: fails when any input fails."""
    return Gate("or", _nodes("or_gate", inputs), name=name)


def vote_gate(k: int, *inputs: Any, name: str | None = None) -> Gate:
    """Fault tree VOTE (k-out-of-n on failures): fails when at least ``k`` inputs fail."""
    parts = _nodes("vote_gate", inputs)
    kk = _count("vote_gate", "k", k)
    if not 1 <= kk <= len(parts):
        raise ValueError(f"vote_gate: k must be in [1, n={len(parts)}], got k={kk}")
    return Gate("vote", parts, k=kk, name=name)


def not_gate(x: Node, name: str | None = None) -> Gate:
    """Fails when ``x`` works (non-coherent logic: use with care)."""
    (only,) = _nodes("not_gate", (x,))
    return Gate("not", (only,), name=name)


def common_cause(components: Iterable[Component], beta: float, name: str = "ccf") -> list[Gate]:
    """Beta-factor common-cause failure for a group of identical components.

    Each component of failure probability Q becomes ``OR(independent_i, common)``: one
    shared event ``common`` with probability β·Q fails them all at once, and each
    independent part has Q_ind = (Q − βQ) / (1 − βQ), chosen so that every component's
    marginal failure probability stays exactly Q (the textbook Q_ind = (1 − β)Q makes it
    Q − β(1 − β)Q², slightly less). Use the returned gates in place of the components.

    Raises ValueError unless all components have the same ``p_fail`` and β ∈ [0, 1].
    """
    group = list(components)
    if len(group) < 2 or not all(isinstance(c, Component) for c in group):
        raise ValueError("common_cause: components must be at least two Component objects")
    b = _probability("common_cause", "beta", beta)
    q = group[0].p_fail
    if any(c.p_fail != q for c in group):
        raise ValueError(
            "common_cause: the beta-factor model needs identical components; got p_fail "
            f"{sorted({c.p_fail for c in group})}"
        )
    shared = Component(name, b * q)
    q_ind = 0.0 if b * q >= 1.0 else (q - b * q) / (1.0 - b * q)
    return [
        Gate("or", (Component(f"{c.name}/independent", q_ind), shared), name=c.name) for c in group
    ]


def shared_shock(
    components: Iterable[Component], p_shock: float, name: str = "shock"
) -> list[Gate]:
    """A shock that, with probability ``p_shock``, fails every component of the group at
    once (a rack power loss, a bad deploy); each component also fails on its own with its
    ``p_fail``. Returns ``OR(component, shock)`` gates to use in place of the components."""
    group = list(components)
    if not group or not all(isinstance(c, Component) for c in group):
        raise ValueError("shared_shock: components must be Component objects")
    shock = Component(name, _probability("shared_shock", "p_shock", p_shock))
    return [Gate("or", (c, shock), name=c.name) for c in group]


_OPS = {"and": AND, "or": OR, "vote": VOTE, "not": NOT}


def compile_structure(system: Node) -> Program:
    """The flat :class:`Program` of ``system``: basic events in order of first appearance
    (depth first from the top), each distinct gate object once, in post-order."""
    if not isinstance(system, (Component, Gate)):
        raise TypeError(f"compile_structure: expected a Component or a gate, got {system!r}")
    events: dict[int, int] = {}
    comps: list[Component] = []
    # First pass: basic events in depth-first order of first appearance.
    seen: set[int] = set()
    stack: list[Node] = [system]
    while stack:
        x = stack.pop()
        if isinstance(x, Component):
            if id(x) not in events:
                events[id(x)] = len(comps)
                comps.append(x)
            continue
        if id(x) in seen:
            continue
        seen.add(id(x))
        stack.extend(reversed(x.inputs))
    names: dict[str, Component] = {}
    for c in comps:
        if c.name in names:
            raise ValueError(f"compile_structure: two different components are named {c.name!r}")
        names[c.name] = c
    e = len(comps)
    # Second pass: gates in post-order (inputs first), each object once.
    gate_id: dict[int, int] = {}
    ops: list[int] = []
    ks: list[int] = []
    offsets = [0]
    inputs: list[int] = []

    def node_id(x: Node) -> int:
        return events[id(x)] if isinstance(x, Component) else e + gate_id[id(x)]

    work: list[tuple[Gate, bool]] = [(system, False)] if isinstance(system, Gate) else []
    while work:
        g, expanded = work.pop()
        if id(g) in gate_id:
            continue
        if not expanded:
            work.append((g, True))
            work.extend((x, False) for x in reversed(g.inputs) if isinstance(x, Gate))
            continue
        gate_id[id(g)] = len(ops)
        ops.append(_OPS[g.kind])
        ks.append(g.k)
        inputs.extend(node_id(x) for x in g.inputs)
        offsets.append(len(inputs))
    top = node_id(system)
    return Program(
        names=tuple(c.name for c in comps),
        p=np.array([c.p_fail for c in comps], dtype=np.float64),
        op=np.array(ops, dtype=np.int32),
        k=np.array(ks, dtype=np.int32),
        offsets=np.array(offsets, dtype=np.int32),
        inputs=np.array(inputs, dtype=np.int32),
        top=top,
    )
