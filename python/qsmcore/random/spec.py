"""Spec strings: ``parse("lognormal:mean=1,scv=4")`` and ``as_distribution``."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from qsmcore.random.distributions import (
    Distribution,
    deterministic,
    empirical,
    erlang,
    exponential,
    gamma,
    hyperexponential,
    lognormal,
    normal,
    pareto,
    uniform,
    weibull,
)

# --------------------------------------------------------------------------- parsing

# canonical name -> (constructor, positional parameter names, accepted keywords)
_SPECS: dict[str, tuple[Any, tuple[str, ...], tuple[str, ...]]] = {
    "deterministic": (deterministic, ("value",), ("value",)),
    "uniform": (uniform, ("low", "high"), ("low", "high")),
    "exponential": (exponential, ("rate",), ("rate", "mean")),
    "erlang": (erlang, ("k", "rate"), ("k", "rate", "mean")),
    "gamma": (gamma, ("shape", "scale"), ("shape", "scale", "rate", "mean")),
    "normal": (normal, ("mean", "sd"), ("mean", "sd")),
    "lognormal": (lognormal, ("mu", "sigma"), ("mu", "sigma", "mean", "scv")),
    "weibull": (weibull, ("shape", "scale"), ("shape", "scale")),
    "pareto": (pareto, ("alpha", "xm"), ("alpha", "xm")),
    "hyperexponential": (hyperexponential, ("mean", "scv"), ("mean", "scv", "p", "rate1", "rate2")),
    "empirical": (empirical, (), ()),
}
_ALIASES = {
    **{a: "deterministic" for a in ("deterministic", "det", "d", "constant", "const")},
    **{a: "uniform" for a in ("uniform", "unif", "u")},
    **{a: "exponential" for a in ("exponential", "exp", "expon", "m")},
    **{a: "erlang" for a in ("erlang", "e")},
    **{a: "gamma" for a in ("gamma",)},
    **{a: "normal" for a in ("normal", "gaussian", "norm")},
    **{a: "lognormal" for a in ("lognormal", "lognorm")},
    **{a: "weibull" for a in ("weibull",)},
    **{a: "pareto" for a in ("pareto",)},
    **{a: "hyperexponential" for a in ("hyperexponential", "hyperexp", "h2")},
    **{a: "empirical" for a in ("empirical", "emp")},
}
_KEY_ALIASES = {"normal": {"mu": "mean", "sigma": "sd"}}


def _known_names() -> str:
    by: dict[str, list[str]] = {}
    for alias, canon in _ALIASES.items():
        by.setdefault(canon, []).append(alias)
    parts = [
        f"{c} ({', '.join(a for a in al if a != c)})" if len(al) > 1 else c for c, al in by.items()
    ]
    return "; ".join(parts)


def _number(token: str, text: str) -> int | float:
    try:
        return int(token)
    except ValueError:
        pass
    try:
        return float(token)
    except ValueError:
        raise ValueError(f"malformed number {token!r} in distribution spec {text!r}") from None


def parse(text: str) -> Distribution:
    """Parse a spec string such as ``"exp:2.0"`` or ``"lognormal:mean=1,scv=4"``.

    The form is ``name:args`` where ``args`` are comma-separated values, either
    positional (in the constructor's order) or ``key=value``; the name is
    case-insensitive and may be an alias (``M``, ``D``, ``E``, ``h2``...).
    ``str(d)`` produces the canonical form, and ``parse(str(d)) == d``.

    Raises
    ------
    TypeError
        ``text`` is not a string.
    ValueError
        Unknown name (the known ones are listed), malformed string, unknown or
        repeated parameter, or a parameter out of its range.
    """
    if not isinstance(text, str):
        raise TypeError(f"distribution spec must be a str, got {text!r} ({type(text).__name__})")
    name, sep, rest = text.strip().partition(":")
    key = name.strip().lower()
    canon = _ALIASES.get(key)
    if canon is None:
        raise ValueError(
            f"unknown distribution {name.strip()!r} in spec {text!r}; known: {_known_names()}"
        )
    ctor, positional_names, keywords = _SPECS[canon]
    tokens = [t.strip() for t in rest.split(",")]
    if not sep or not all(tokens):
        raise ValueError(
            f"malformed distribution spec {text!r}: expected 'name:value,...' or "
            f"'name:key=value,...', e.g. 'exp:2.0' or 'lognormal:mean=1,scv=4'"
        )
    args: list[int | float] = []
    kwargs: dict[str, int | float] = {}
    for tok in tokens:
        if "=" not in tok:
            if kwargs:
                raise ValueError(f"positional value {tok!r} after key=value in spec {text!r}")
            args.append(_number(tok, text))
            continue
        k, _, v = (s.strip() for s in tok.partition("="))
        k = _KEY_ALIASES.get(canon, {}).get(k.lower(), k.lower())
        if k not in keywords:
            allowed = ", ".join(keywords) or "none (values only)"
            raise ValueError(
                f"{canon}: unknown parameter {k!r} in spec {text!r}; allowed: {allowed}"
            )
        if k in kwargs:
            raise ValueError(f"{canon}: parameter {k!r} given twice in spec {text!r}")
        kwargs[k] = _number(v, text)
    if canon == "empirical":
        return empirical(np.asarray(args, dtype=np.float64))
    if len(args) > len(positional_names):
        raise ValueError(
            f"{canon}: too many positional values in spec {text!r}; "
            f"at most {len(positional_names)} ({', '.join(positional_names)})"
        )
    for k, v in zip(positional_names[: len(args)], args, strict=True):
        if k in kwargs:
            raise ValueError(f"{canon}: parameter {k!r} given twice in spec {text!r}")
        kwargs[k] = v
    try:
        return ctor(**kwargs)  # type: ignore[no-any-return]
    except TypeError as exc:  # missing/conflicting parameters: the string is malformed
        raise ValueError(f"malformed distribution spec {text!r}: {exc}") from None


def as_distribution(x: Distribution | str | float, name: str = "dist") -> Distribution:
    """Coerce ``x`` to a Distribution: returned as is, parsed from a spec string,
    or a number ``v`` as ``deterministic(v)``. ``name`` is used in error messages."""
    if isinstance(x, Distribution):
        return x
    if isinstance(x, str):
        return parse(x)
    if isinstance(x, numbers.Real) and not isinstance(x, bool):
        return deterministic(x)
    raise TypeError(
        f"{name} must be a qsmcore.random distribution, a spec string such as 'exp:2.0', "
        f"or a number, got {x!r} ({type(x).__name__})"
    )
