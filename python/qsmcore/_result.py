"""The mixin behind the frozen result dataclasses of the analytic modules (queueing,
reliability): ``to_dict()`` with plain Python values, a one-line ``repr`` and a small
table for ``str``."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np


def plain(v: Any) -> Any:
    """``v`` as JSON-ready Python values (results become dicts, arrays lists)."""
    if isinstance(v, Result):
        return v.to_dict()
    if isinstance(v, np.ndarray):
        return v.tolist()
    if isinstance(v, (tuple, list)):
        return [plain(x) for x in v]
    if isinstance(v, np.generic):
        return v.item()
    return v


def short(v: Any) -> str:
    """``v`` compactly: 6 significant digits, long arrays by their shape."""
    if isinstance(v, float):
        return f"{v:.6g}"
    if isinstance(v, np.ndarray):
        if v.size > 8:
            return f"array(shape={v.shape})"
        return "[" + ", ".join(short(float(x)) for x in v.ravel()) + "]"
    if isinstance(v, tuple) and v and isinstance(v[0], Result):
        return f"({len(v)} results)"
    if isinstance(v, tuple) and v and isinstance(v[0], float):
        return "(" + ", ".join(short(x) for x in v) + ")"
    return repr(v)


class Result:
    """Mixin: ``to_dict()``, a one-line ``repr`` and a table ``str`` (values are units-free)."""

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        """The fields as plain Python values (arrays become lists)."""
        return {f.name: plain(getattr(self, f.name)) for f in dataclasses.fields(self)}  # type: ignore[arg-type]

    def _shown(self) -> list[tuple[str, Any]]:
        return [(f.name, getattr(self, f.name)) for f in dataclasses.fields(self) if f.repr]  # type: ignore[arg-type]

    def __repr__(self) -> str:
        body = ", ".join(f"{k}={short(v)}" for k, v in self._shown())
        return f"{type(self).__name__}({body})"

    def __str__(self) -> str:
        rows = self._shown()
        w = max(len(k) for k, _ in rows)
        return "\n".join([type(self).__name__, *(f"  {k:<{w}}  {short(v)}" for k, v in rows)])
