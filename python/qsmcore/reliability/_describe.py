"""Structures from data: a dict / JSON description, or a reliability block diagram
given as an edge list.

The dict form (what ``qsm reliability`` reads from JSON or YAML)::

    {
      "components": {"A": 0.01, "B": {"p_fail": 0.02},
                     "C": {"lifetime": "exp:1e-4", "mission_time": 8760}},
      "gates": {"pumps": {"type": "k_of_n", "k": 2, "inputs": ["A", "B", "C"]},
                "top":   {"type": "series", "inputs": ["pumps", "D"]}},
      "top": "top",
      "common_cause": [{"components": ["A", "B"], "beta": 0.05}],
      "shared_shock": [{"components": ["B", "C"], "p_shock": 1e-4}]
    }

Gate types: ``series``, ``parallel``, ``k_of_n`` (with ``k`` working), and the fault
tree's ``and``, ``or``, ``vote`` (with ``k`` failed), ``not``. Inputs name components or
other gates; a name used twice is a repeated event. Unknown names, cycles among gates,
a missing top and a ``k`` out of range raise ValueError naming the culprit.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from typing import Any

from qsmcore.reliability._model import (
    Component,
    Gate,
    Node,
    and_gate,
    common_cause,
    k_of_n,
    not_gate,
    or_gate,
    parallel,
    series,
    shared_shock,
    vote_gate,
)

GATE_TYPES = ("series", "parallel", "k_of_n", "and", "or", "vote", "not")
MAX_PATHS = 10_000


def _component(name: str, spec: Any) -> Component:
    if isinstance(spec, Mapping):
        unknown = set(spec) - {"p_fail", "lifetime", "mission_time"}
        if unknown:
            raise ValueError(f"component {name!r}: unknown keys {sorted(unknown)}")
        return Component(
            name,
            spec.get("p_fail"),
            lifetime=spec.get("lifetime"),
            mission_time=spec.get("mission_time"),
        )
    return Component(name, spec)


def from_dict(description: Mapping[str, Any]) -> Node:
    """The structure described by ``description`` (see the module docstring)."""
    if not isinstance(description, Mapping):
        raise TypeError(f"from_dict: expected a mapping, got {type(description).__name__}")
    unknown = set(description) - {"components", "gates", "top", "common_cause", "shared_shock"}
    if unknown:
        raise ValueError(f"from_dict: unknown keys {sorted(unknown)}")
    raw = description.get("components")
    if not isinstance(raw, Mapping) or not raw:
        raise ValueError("from_dict: 'components' must be a non-empty mapping name -> p_fail")
    nodes: dict[str, Node] = {str(n): _component(str(n), s) for n, s in raw.items()}
    # correlated groups replace their members by the gates that model the shared cause
    for key, model, param, prefix in (
        ("common_cause", common_cause, "beta", "ccf:"),
        ("shared_shock", shared_shock, "p_shock", "shock:"),
    ):
        for group in description.get(key, []):
            names = _names(key, group.get("components"), nodes)
            gates = model(
                [nodes[n] for n in names],
                group.get(param),
                name=group.get("name", prefix + "+".join(names)),
            )
            nodes.update(zip(names, gates, strict=True))
    gates_raw = description.get("gates", {})
    if not isinstance(gates_raw, Mapping):
        raise ValueError("from_dict: 'gates' must be a mapping name -> gate")
    for name in gates_raw:
        if name in raw:
            raise ValueError(f"from_dict: {name!r} is both a component and a gate")
    building: set[str] = set()

    def build(name: str) -> Node:
        if name in nodes:
            return nodes[name]
        if name not in gates_raw:
            raise ValueError(f"from_dict: unknown component or gate {name!r}")
        if name in building:
            raise ValueError(f"from_dict: gate {name!r} is part of a cycle")
        building.add(name)
        g = gates_raw[name]
        kind = g.get("type") if isinstance(g, Mapping) else None
        if kind not in GATE_TYPES:
            raise ValueError(f"from_dict: gate {name!r} type must be one of {GATE_TYPES}")
        ins = [build(str(x)) for x in _list(f"gate {name!r}", g.get("inputs"))]
        node = _gate(name, kind, g.get("k"), ins)
        building.discard(name)
        nodes[name] = node
        return node

    top = description.get("top")
    if top is None:
        if len(gates_raw) != 1 and len(raw) != 1:
            raise ValueError("from_dict: say which gate is the system with 'top'")
        top = next(iter(gates_raw)) if gates_raw else next(iter(raw))
    for name in gates_raw:  # every gate checked, used or not
        build(str(name))
    return build(str(top))


def _gate(name: str, kind: str, k: Any, ins: list[Node]) -> Gate:
    if kind in ("k_of_n", "vote") and k is None:
        raise ValueError(f"from_dict: gate {name!r} of type {kind} needs 'k'")
    if kind == "series":
        return series(*ins, name=name)
    if kind == "parallel":
        return parallel(*ins, name=name)
    if kind == "k_of_n":
        return k_of_n(k, *ins, name=name)
    if kind == "and":
        return and_gate(*ins, name=name)
    if kind == "or":
        return or_gate(*ins, name=name)
    if kind == "vote":
        return vote_gate(k, *ins, name=name)
    if len(ins) != 1:
        raise ValueError(f"from_dict: gate {name!r} of type not takes one input")
    return not_gate(ins[0], name=name)


def _list(where: str, value: Any) -> list[Any]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence) or not value:
        raise ValueError(f"from_dict: {where} needs a non-empty list of inputs")
    return list(value)


def _names(where: str, value: Any, nodes: Mapping[str, Node]) -> list[str]:
    names = [str(x) for x in _list(where, value)]
    for n in names:
        if not isinstance(nodes.get(n), Component):
            raise ValueError(f"from_dict: {where} names unknown component {n!r}")
    return names


def from_json(source: str | os.PathLike[str]) -> Node:
    """:func:`from_dict` of a JSON file (a path) or a JSON string (starting with ``{``)."""
    text = str(source)
    if not text.lstrip().startswith("{"):
        with open(source, encoding="utf-8") as f:
            text = f.read()
    return from_dict(json.loads(text))


def from_rbd(edges: Sequence[tuple[Any, Any, Component]], source: Any, sink: Any) -> Gate:
    """A reliability block diagram as a directed edge list ``(u, v, component)``: the
    system works while some path from ``source`` to ``sink`` runs through working
    components only. A component may sit on several edges (a repeated event).

    Compiled through the minimal path sets P_1..P_r (simple source→sink paths):
    the system fails when every path has a failed component, AND_j OR_{c ∈ P_j} c.
    Exact for any diagram; the enumeration is exponential in the worst case, so more
    than 10,000 paths raise ValueError (use the network reliability functions).
    """
    adj: dict[Any, list[tuple[Any, Component]]] = {}
    for e in edges:
        if len(e) != 3 or not isinstance(e[2], Component):
            raise ValueError(f"from_rbd: edges must be (u, v, Component) triples, got {e!r}")
        adj.setdefault(e[0], []).append((e[1], e[2]))
    if source == sink:
        raise ValueError("from_rbd: source and sink must differ")
    paths: list[tuple[Component, ...]] = []
    # Iterative DFS over simple paths (no node twice).
    stack: list[tuple[Any, int, tuple[Component, ...], frozenset[Any]]] = [
        (source, 0, (), frozenset([source]))
    ]
    while stack:
        node, i, comps, visited = stack.pop()
        out = adj.get(node, [])
        if i < len(out):
            stack.append((node, i + 1, comps, visited))
            nxt, c = out[i]
            if nxt == sink:
                paths.append((*comps, c))
                if len(paths) > MAX_PATHS:
                    raise ValueError(f"from_rbd: more than {MAX_PATHS} source-sink paths")
            elif nxt not in visited:
                stack.append((nxt, 0, (*comps, c), visited | {nxt}))
    if not paths:
        raise ValueError("from_rbd: no path from source to sink")
    # Drop non-minimal path sets (a path whose components include another path's).
    sets = sorted({frozenset(map(id, p)): p for p in paths}.items(), key=lambda kv: len(kv[0]))
    minimal: list[tuple[Component, ...]] = []
    kept: list[frozenset[int]] = []
    for key, p in sets:
        if not any(k <= key for k in kept):
            kept.append(key)
            minimal.append(tuple({id(c): c for c in p}.values()))
    branches = [p[0] if len(p) == 1 else or_gate(*p) for p in minimal]
    return (
        branches[0] if len(branches) == 1 and isinstance(branches[0], Gate) else and_gate(*branches)
    )
