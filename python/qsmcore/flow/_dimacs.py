"""DIMACS network-flow files: ``p max`` (maximum flow) and ``p min`` (minimum-cost flow).

The format (DIMACS Implementation Challenge, 1990–91), one record per line:

``c ...``
    a comment (any line whose first word starts with ``c``); blank lines are skipped.
``p max n m`` / ``p min n m``
    the problem line, exactly once and before any ``n`` or ``a`` line: n nodes
    (ids 1..n) and m arcs.
``n id s`` / ``n id t``
    (``p max``) the source and the sink, once each.
``n id b``
    (``p min``) the supply b of node id (negative: a demand); absent nodes have 0.
``a u v cap``
    (``p max``) an arc u → v with capacity cap >= 0.
``a u v low cap cost``
    (``p min``) an arc with lower bound, capacity and cost per unit.

Nonzero lower bounds are refused with a ValueError: the solvers take arcs with
l(e) = 0. (The standard reduction — set u'(e) = u(e) − l(e), b(u) −= l(e),
b(v) += l(e), and add Σ l(e)·c(e) to the cost — is left to the caller because it
changes the meaning of the per-arc flows and the total cost.)

The reader treats its input as hostile: every error is a ValueError naming the line;
counts on the ``p`` line are checked against limits before anything is sized by them,
and the arc arrays grow with the lines actually read, never with the claimed m.
"""

from __future__ import annotations

import io
import itertools
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

import numpy as np

from qsmcore.flow import _graph
from qsmcore.flow._flowgraph import FlowGraph

# A p line may claim up to this many nodes by default: the supplies of a p min file
# are allocated per node (8 bytes each), so 2**26 nodes is at most 512 MiB.
DEFAULT_MAX_NODES = 2**26
_CHUNK = 1 << 16  # arc lines converted to NumPy per batch (bounds the str overhead)
# Words have at most 18 decimal digits: every such value is < 10**18 < 2**62.
_UINT = re.compile(r"[0-9]{1,18}")
_SINT = re.compile(r"-?[0-9]{1,18}")

_WORD = "[0-9]{1,18} "
_ARC_BATCH = {
    "max": re.compile(f"(?:a {_WORD * 3})*+"),
    "min": re.compile(f"(?:a {_WORD * 4}-?{_WORD})*+"),
}

# A batch of arc lines: "a" and its numbers with blanks between, any line ending.
# Possessive quantifiers (Python >= 3.11) never backtrack: one linear scan.
_NUM = r"[ \t]++[0-9]{1,18}+"
_ARC_BLOCK = {
    "max": re.compile(rf"(?:[ \t]*+a{_NUM}{_NUM}{_NUM}[ \t\r]*+\n)*+"),
    "min": re.compile(rf"(?:[ \t]*+a{_NUM}{_NUM}{_NUM}{_NUM}[ \t]++-?[0-9]{{1,18}}+[ \t\r]*+\n)*+"),
}

_ARC_FIELDS = {
    "max": ("u", "v", "capacity"),
    "min": ("u", "v", "lower bound", "capacity", "cost"),
}


class _Error(ValueError):
    pass


def _fail(line: int, msg: str) -> _Error:
    return _Error(f"read_dimacs: line {line}: {msg}")


def _lines(src: Iterable[Any]) -> Iterator[str]:
    for line in src:
        yield line.decode("ascii", errors="replace") if isinstance(line, bytes) else line


def _uint(line: int, token: str, what: str, limit: int) -> int:
    if not _UINT.fullmatch(token):
        raise _fail(
            line, f"{what} must be a nonnegative integer of at most 18 digits, got {token!r}"
        )
    v = int(token)
    if v > limit:
        raise _fail(line, f"{what} must be <= {limit}, got {v}")
    return v


class _Parser:
    def __init__(self, max_nodes: int) -> None:
        self.max_nodes = max_nodes
        self.problem: str | None = None
        self.p_line = 0
        self.n = 0
        self.m = 0
        self.width = -1  # words on an arc line, "a" included
        self.tokens: list[str] = []
        self.arc_lines: list[int] = []
        self.count = 0
        self.chunks: list[np.ndarray] = []
        self.source: int | None = None
        self.sink: int | None = None
        self.supply: dict[int, int] = {}
        self.supply_line: dict[int, int] = {}

    # -------------------------------------------------------------- line records

    def problem_line(self, line: int, parts: list[str]) -> None:
        if self.problem is not None:
            raise _fail(line, f"a second 'p' line (the first is line {self.p_line})")
        if len(parts) != 4:
            raise _fail(line, f"the problem line must be 'p max|min n m', got {' '.join(parts)!r}")
        kind = parts[1]
        if kind not in _ARC_FIELDS:
            raise _fail(line, f"problem type must be 'max' or 'min', got {kind!r}")
        n = _uint(line, parts[2], "the node count n", self.max_nodes)
        if n < 1:
            raise _fail(line, "the node count n must be >= 1, got 0")
        self.m = _uint(line, parts[3], "the arc count m", _graph.MAX_ARCS)
        self.n, self.problem, self.p_line = n, kind, line
        self.width = len(_ARC_FIELDS[kind]) + 1

    def node_line(self, line: int, parts: list[str]) -> None:
        if self.problem is None:
            raise _fail(line, "an 'n' line before the 'p' line")
        if len(parts) != 3:
            want = "'n id s|t'" if self.problem == "max" else "'n id supply'"
            raise _fail(line, f"a node line must be {want}, got {' '.join(parts)!r}")
        v = _uint(line, parts[1], "the node id", self.n)
        if v < 1:
            raise _fail(line, f"node ids run from 1 to n={self.n}, got 0")
        if self.problem == "max":
            role = parts[2]
            if role not in ("s", "t"):
                raise _fail(line, f"a 'p max' node line names 's' or 't', got {role!r}")
            attr = "source" if role == "s" else "sink"
            if getattr(self, attr) is not None:
                raise _fail(line, f"a second {attr} ('n ... {role}') line")
            setattr(self, attr, v - 1)
            return
        if v in self.supply:
            raise _fail(line, f"node {v} already has a supply (line {self.supply_line[v]})")
        if not _SINT.fullmatch(parts[2]):
            raise _fail(
                line, f"the supply must be an integer of at most 18 digits, got {parts[2]!r}"
            )
        self.supply[v], self.supply_line[v] = int(parts[2]), line

    def bad_arc_line(self, line: int, parts: list[str]) -> _Error:
        if self.problem is None:
            return _fail(line, "an 'a' line before the 'p' line")
        fields = " ".join(_ARC_FIELDS[self.problem])
        return _fail(
            line, f"a 'p {self.problem}' arc line must be 'a {fields}', got {' '.join(parts)!r}"
        )

    # -------------------------------------------------------------- arc batches

    def flush(self) -> None:
        if not self.arc_lines:
            return
        rows = len(self.arc_lines)
        # One regex over the batch checks every word at C speed (ASCII digits only, at
        # most 18 of them, a sign only on costs); then NumPy parses the numbers.
        joined = " ".join(self.tokens) + " "
        if not _ARC_BATCH[self.problem].fullmatch(joined):  # type: ignore[index]
            words = np.array(self.tokens).reshape(rows, self.width)[:, 1:]
            self.locate_bad_word(words)
        values = np.fromstring(joined.replace("a", " "), dtype=np.int64, sep=" ")
        if values.size != rows * (self.width - 1):  # pragma: no cover - the regex forbids it
            raise AssertionError("DIMACS batch parse lost words")
        values = values.reshape(rows, self.width - 1)
        self.check_values(values, self.arc_lines)
        self.chunks.append(values)
        self.tokens.clear()
        self.arc_lines.clear()

    def locate_bad_word(self, words: np.ndarray) -> None:
        fields = _ARC_FIELDS[self.problem]  # type: ignore[index]
        for r, row in enumerate(words.tolist()):
            for j, (word, what) in enumerate(zip(row, fields, strict=True)):
                pattern = _SINT if (what == "cost") else _UINT
                if not pattern.fullmatch(word):
                    kind = "an integer" if what == "cost" else "a nonnegative integer"
                    raise _fail(
                        self.arc_lines[r],
                        f"the {what} (word {j + 2}) must be {kind} of at most 18 digits, "
                        f"got {word!r}",
                    )
        raise AssertionError("no bad word found")  # pragma: no cover

    def check_values(self, v: np.ndarray, lines: Sequence[int]) -> None:
        ends = v[:, :2]
        bad = np.flatnonzero(((ends < 1) | (ends > self.n)).any(axis=1))
        if bad.size:
            r = int(bad[0])
            raise _fail(
                lines[r],
                f"arc ends must be node ids in [1, n={self.n}], got {v[r, 0]} -> {v[r, 1]}",
            )
        if self.problem == "min":
            bad = np.flatnonzero(v[:, 2] != 0)
            if bad.size:
                r = int(bad[0])
                raise _fail(
                    lines[r],
                    f"nonzero lower bound {v[r, 2]} on arc {v[r, 0]} -> {v[r, 1]}: only "
                    "l(e) = 0 is supported (shift the bound out first: u'(e) = u(e) - l(e), "
                    "b(u) -= l(e), b(v) += l(e))",
                )

    # -------------------------------------------------------------- the file

    def run(self, lines: Iterable[str]) -> None:
        it = iter(lines)
        line = 0
        while block := list(itertools.islice(it, _CHUNK)):
            if not self.arc_block(line, block):
                for text in block:
                    line += 1
                    self.one_line(line, text)
            else:
                line += len(block)
        self.flush()
        self.last_line = line

    def arc_block(self, line: int, block: list[str]) -> bool:
        """The fast path: a batch made of arc lines only (the body of every real file)
        is checked by one regex and parsed by NumPy; anything else returns False and
        goes line by line, which also finds and names any error."""
        if self.problem is None or self.count + len(block) > self.m:
            return False
        text = "".join(block)
        if not text.endswith("\n"):
            text += "\n"
        if not _ARC_BLOCK[self.problem].fullmatch(text):
            return False
        self.flush()  # arcs read line by line before this batch keep their order
        values = np.fromstring(text.replace("a", " "), dtype=np.int64, sep=" ")
        values = values.reshape(len(block), self.width - 1)
        self.check_values(values, range(line + 1, line + len(block) + 1))
        self.chunks.append(values)
        self.count += len(block)
        return True

    def one_line(self, line: int, text: str) -> None:
        parts = text.split()
        if not parts:
            return
        tag = parts[0]
        if tag == "a":
            if len(parts) != self.width:
                raise self.bad_arc_line(line, parts)
            self.count += 1
            if self.count > self.m:
                raise _fail(
                    line, f"more arc lines than m={self.m} (the 'p' line, line {self.p_line})"
                )
            self.tokens += parts
            self.arc_lines.append(line)
            if len(self.arc_lines) >= _CHUNK:
                self.flush()
        elif tag[0] == "c":
            return
        elif tag == "p":
            self.problem_line(line, parts)
        elif tag == "n":
            self.node_line(line, parts)
        else:
            raise _fail(line, f"unknown line type {tag!r} (expected c, p, n or a)")

    def graph(self) -> FlowGraph:
        end = self.last_line
        if self.problem is None:
            raise _Error("read_dimacs: no 'p max' or 'p min' problem line found")
        if self.count != self.m:
            raise _fail(
                end, f"the 'p' line (line {self.p_line}) says m={self.m} arcs, found {self.count}"
            )
        v = np.concatenate(self.chunks) if self.chunks else np.zeros((0, self.width - 1), np.int64)
        tails, heads = v[:, 0] - 1, v[:, 1] - 1
        if self.problem == "max":
            for attr, role in (("source", "s"), ("sink", "t")):
                if getattr(self, attr) is None:
                    raise _Error(f"read_dimacs: no {attr} line ('n id {role}') in a 'p max' file")
            if self.source == self.sink:
                raise _Error(f"read_dimacs: source and sink are the same node {self.source + 1}")
            return FlowGraph(
                tails, heads, v[:, 2], n_nodes=self.n, source=self.source, sink=self.sink
            )
        supplies = np.zeros(self.n, dtype=np.int64)
        if self.supply:
            ids = np.fromiter(self.supply.keys(), dtype=np.int64, count=len(self.supply))
            supplies[ids - 1] = np.fromiter(self.supply.values(), dtype=np.int64, count=len(ids))
        return FlowGraph(tails, heads, v[:, 3], costs=v[:, 4], n_nodes=self.n, supplies=supplies)


def read_dimacs(
    source: str | os.PathLike[str] | IO[Any], *, max_nodes: int = DEFAULT_MAX_NODES
) -> FlowGraph:
    """Read a DIMACS ``p max`` or ``p min`` file into a :class:`FlowGraph`.

    Parameters
    ----------
    source : path or file object
        A file name, or an open text or binary file (read from its current position).
    max_nodes : int
        The largest node count a ``p`` line may claim (default 2**26); raise it for
        bigger graphs. It bounds what a hostile file can make the reader allocate.

    Returns
    -------
    FlowGraph
        Node ids shifted to 0-based. ``p max``: ``source``/``sink`` set, no costs.
        ``p min``: ``costs`` and ``supplies`` (length n, zeros where no ``n`` line).
        Arcs keep their order in the file.

    Raises
    ------
    ValueError
        On any malformed line, with its line number; see the module docstring for the
        accepted records.
    """
    fn = "read_dimacs"
    limit = _graph.node_count(fn, max_nodes, name="max_nodes")
    parser = _Parser(limit)
    try:
        if isinstance(source, (str, os.PathLike)):
            with open(source, encoding="ascii", errors="replace") as f:
                parser.run(f)
        elif hasattr(source, "read"):
            parser.run(_lines(source))
        else:
            raise TypeError(
                f"{fn}: source must be a path or a file object, got {type(source).__name__}"
            )
        return parser.graph()
    except _Error as exc:
        raise ValueError(str(exc)) from None


def write_dimacs(
    target: str | os.PathLike[str] | IO[Any], graph: FlowGraph, problem: str = "max"
) -> None:
    """Write ``graph`` as a DIMACS ``p max`` or ``p min`` file (1-based node ids).

    Parameters
    ----------
    target : path or file object
        A file name (overwritten) or an open text or binary file.
    graph : FlowGraph
        ``problem="max"`` needs ``source`` and ``sink``; ``problem="min"`` needs
        ``costs`` (supplies default to 0; nonzero supplies are written as ``n`` lines,
        and every arc gets lower bound 0).
    problem : {"max", "min"}

    Node labels are not part of the format; they are not written.
    """
    fn = "write_dimacs"
    if not isinstance(graph, FlowGraph):
        raise TypeError(f"{fn}: graph must be a FlowGraph, got {type(graph).__name__}")
    if problem not in ("max", "min"):
        raise ValueError(f"{fn}: problem must be 'max' or 'min', got {problem!r}")
    head = [
        "c written by qsmcore.flow.write_dimacs",
        f"p {problem} {graph.n_nodes} {graph.n_arcs}",
    ]
    if problem == "max":
        if graph.source is None:
            raise ValueError(f"{fn}: problem='max' needs a graph with source and sink")
        head += [f"n {graph.source + 1} s", f"n {graph.sink + 1} t"]
        cols = (graph.tails + 1, graph.heads + 1, graph.capacities)
        fmt = "a {} {} {}"
    else:
        if graph.costs is None:
            raise ValueError(f"{fn}: problem='min' needs a graph with costs")
        if graph.supplies is not None:
            ids = np.flatnonzero(graph.supplies)
            head += [
                f"n {i + 1} {b}"
                for i, b in zip(ids.tolist(), graph.supplies[ids].tolist(), strict=True)
            ]
        zero = np.zeros(graph.n_arcs, dtype=np.int64)
        cols = (graph.tails + 1, graph.heads + 1, zero, graph.capacities, graph.costs)
        fmt = "a {} {} {} {} {}"

    def pieces() -> Iterator[str]:
        yield "\n".join(head) + "\n"
        for start in range(0, graph.n_arcs, _CHUNK):
            batch = [c[start : start + _CHUNK].tolist() for c in cols]
            yield "\n".join(map(fmt.format, *batch)) + "\n"

    if isinstance(target, (str, os.PathLike)):
        with open(target, "w", encoding="ascii", newline="\n") as f:
            f.writelines(pieces())
    elif hasattr(target, "write"):
        binary = not isinstance(target, io.TextIOBase)
        for piece in pieces():
            target.write(piece.encode("ascii") if binary else piece)
    else:
        raise TypeError(
            f"{fn}: target must be a path or a file object, got {type(target).__name__}"
        )
