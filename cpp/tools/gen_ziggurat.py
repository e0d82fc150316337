"""Generate cpp/include/qsm/core/ziggurat_tables.hpp, the layer tables of the
ziggurat samplers in distributions.hpp (Marsaglia & Tsang, "The Ziggurat Method
for Generating Random Variables", J. Stat. Software 5(8), 2000).

    python cpp/tools/gen_ziggurat.py            # rewrite the header
    python cpp/tools/gen_ziggurat.py --check    # exit 1 if the header is stale

Needs mpmath (pip install mpmath). Everything is computed with 320-bit
arithmetic and rounded once, correctly, to the nearest double (through
fractions.Fraction: mpmath's own float() rounds toward zero).

Geometry, for a decreasing density f on [0, inf) (unnormalized, f(0) = 1):
N = 256 horizontal strips of equal area v cover the region under f.
Strip i (i = 0 .. N-1) is [0, x_i) x [f(x_i), f(x_{i+1})), with

    x_1 = r,   x_{i+1} = f^-1(f(x_i) + v / x_i),   x_N = 0   (so f(x_N) = 1),

and strip 0 is the base: [0, r) x [0, f(r)) plus the tail {x >= r, y < f(x)},
given the width x_0 = v / f(r) of a rectangle of the same area v. r is the one
value for which the recursion closes, i.e. the top strip [0, x_{N-1}) x
[f(x_{N-1}), 1) has area exactly v; found by bisection.

Tables written (for each of the normal f(x) = exp(-x^2/2) and the exponential
f(x) = exp(-x)), with X_i the double nearest x_i:

    W[i] = X_i * 2^-53                   i = 0 .. N-1  (scale of a 53-bit integer)
    K[i] = ceil(2^53 * X_{i+1} / X_i)    i = 0 .. N-1  (X_N = 0, so K[N-1] = 0)
    F[i] = f(X_i)                        i = 0 .. N    (F[0] = 0: the base strip
                                                        starts at y = 0; F[N] = 1)

so for an odd 53-bit integer m, m < K[i] exactly when m * W[i] < X_{i+1}: the
point lies in the part of strip i that is entirely under f (no f evaluation).
"""

from __future__ import annotations

import argparse
import itertools
import sys
from fractions import Fraction
from pathlib import Path

import mpmath as mp

mp.mp.prec = 320
N = 256
SCALE_BITS = 53
HEADER = Path(__file__).resolve().parents[1] / "include" / "qsm" / "core" / "ziggurat_tables.hpp"


def to_fraction(x: mp.mpf) -> Fraction:
    man, exp = mp.mpf(x).man_exp
    return Fraction(int(man)) * (Fraction(2) ** int(exp))


def to_double(x: mp.mpf) -> float:
    """The double nearest x (ties to even): Fraction -> float rounds correctly."""
    return float(to_fraction(x))


class Density:
    def __init__(self, name, f, finv, tail, bracket):
        self.name, self.f, self.finv, self.tail, self.bracket = name, f, finv, tail, bracket


NORMAL = Density(
    "Normal",
    f=lambda x: mp.exp(-x * x / 2),
    finv=lambda y: mp.sqrt(-2 * mp.log(y)),
    tail=lambda r: mp.sqrt(mp.pi / 2) * mp.erfc(r / mp.sqrt(2)),
    bracket=(mp.mpf(2), mp.mpf(6)),
)
EXPONENTIAL = Density(
    "Exp",
    f=lambda x: mp.exp(-x),
    finv=lambda y: -mp.log(y),
    tail=lambda r: mp.exp(-r),
    bracket=(mp.mpf(4), mp.mpf(12)),
)


def layers(d: Density, r: mp.mpf):
    """x_0 .. x_{N-1} for this r, and the closing defect f(x_{N-1}) + v/x_{N-1} - 1
    (> 0: r too small, the strips reach y = 1 too early; < 0: r too large)."""
    v = r * d.f(r) + d.tail(r)
    x = [v / d.f(r), r]
    for _ in range(2, N):
        y = d.f(x[-1]) + v / x[-1]
        if y >= 1:
            return v, x, mp.mpf(1)
        x.append(d.finv(y))
    return v, x, d.f(x[-1]) + v / x[-1] - 1


def solve(d: Density):
    lo, hi = d.bracket
    assert layers(d, lo)[2] > 0 > layers(d, hi)[2]
    for _ in range(mp.mp.prec + 10):
        mid = (lo + hi) / 2
        if layers(d, mid)[2] > 0:
            lo = mid
        else:
            hi = mid
    r = (lo + hi) / 2
    v, x, defect = layers(d, r)
    assert abs(defect) < mp.mpf(2) ** -200, defect
    return r, v, x


def tables(d: Density):
    r, v, x = solve(d)
    X = [to_double(xi) for xi in x]  # X[0] .. X[N-1]
    assert all(a > b > 0 for a, b in itertools.pairwise(X)), "layers must decrease"
    Xf = [Fraction(xi) for xi in X] + [Fraction(0)]
    W = [xi * 2.0**-SCALE_BITS for xi in X]  # exact: a power-of-two scaling
    K = []
    for i in range(N):
        q = Xf[i + 1] * 2**SCALE_BITS / Xf[i]
        K.append(-((-q.numerator) // q.denominator))  # ceil
    assert all(0 <= k < 2**SCALE_BITS for k in K) and K[-1] == 0
    F = [0.0] + [to_double(d.f(mp.mpf(xi))) for xi in X[1:]] + [1.0]
    # Areas of the strips as the tables define them, relative to v.
    vv = to_fraction(v)
    areas = [Xf[0] * Fraction(F[1]) - vv]  # base: rectangle of width X_0, height f(r)
    areas += [Xf[i] * (Fraction(F[i + 1]) - Fraction(F[i])) - vv for i in range(1, N)]
    dev = max(abs(float(a / vv)) for a in areas)
    core = sum(float(Fraction(k) / 2**SCALE_BITS) for k in K) / N
    return {"r": r, "v": v, "W": W, "K": K, "F": F, "area_dev": dev, "core": core}


def c_double(x: float) -> str:
    return x.hex() if x != 0 else "0.0"


def emit_array(lines, macro, values, per_line, fmt):
    lines.append(f"#define {macro} \\")
    lines.append("  { \\")
    for j in range(0, len(values), per_line):
        chunk = ", ".join(fmt(v) for v in values[j : j + per_line])
        lines.append(f"    {chunk}, \\")
    lines.append("  }")


# name, C type and length of each table
ARRAYS = (("W", "double", "kLayers"), ("K", "uint64_t", "kLayers"), ("F", "double", "kLayers + 1"))


def render() -> str:
    out = [
        "// GENERATED by cpp/tools/gen_ziggurat.py -- do not edit; regenerate with",
        "//     python cpp/tools/gen_ziggurat.py",
        "// (check that it is current: python cpp/tools/gen_ziggurat.py --check).",
        "//",
        "// Layer tables of the ziggurat samplers in distributions.hpp (Marsaglia & Tsang",
        "// 2000), N = 256 strips of equal area v under f(x) = exp(-x^2/2) (normal) and",
        "// f(x) = exp(-x) (exponential). For strip i, with X_i the layer edges",
        "// (X_1 = r > X_2 > ... > X_{N-1} > X_N = 0, X_0 = v / f(r) the base width):",
        "//   W[i] = X_i * 2^-53,  K[i] = ceil(2^53 X_{i+1} / X_i),  F[i] = f(X_i)",
        "// (F[0] = 0, F[N] = 1). Every value was computed with 320-bit arithmetic and",
        "// rounded once to the nearest double. See the script's docstring for the geometry.",
        "//",
        "// Two copies of each table, from one literal: host code reads the constexpr",
        "// array, device code the __device__ one (device code cannot index a host",
        "// array). The device copy lives in global memory, read through the L1 cache,",
        "// not in __constant__ memory: every thread of a warp reads a different random",
        "// layer, and __constant__ reads of different addresses are serialized.",
        "#pragma once",
        "",
        "#include <cstdint>",
        "",
        '#include "qsm/core/config.hpp"',
        "",
        "namespace qsm::zig {",
        "",
        f"inline constexpr int kLayers = {N};",
        f"inline constexpr int kScaleBits = {SCALE_BITS};",
    ]
    for d in (NORMAL, EXPONENTIAL):
        t = tables(d)
        r = to_double(t["r"])
        n = d.name
        out += [
            "",
            f"// ---- {'normal' if n == 'Normal' else 'exponential'}: r = "
            f"{mp.nstr(t['r'], 20)}, v = {mp.nstr(t['v'], 20)}",
            f"// Strip areas as tabulated equal v to {t['area_dev']:.1e} relative; the",
            f"// one-word core accepts {100 * t['core']:.3f}% of tries.",
            f"// r = {r!r} (the double nearest r)",
            f"inline constexpr double k{n}R = {c_double(r)};",
        ]
        if n == "Normal":
            inv = to_double(1 / mp.mpf(r))
            out.append(f"// 1 / r, of the double r above: {inv!r}")
            out.append(f"inline constexpr double k{n}InvR = {c_double(inv)};")
        out.append("")
        out.append("// clang-format off")
        emit_array(out, f"QSM_ZIG_{n.upper()}_W", t["W"], 3, c_double)
        emit_array(out, f"QSM_ZIG_{n.upper()}_K", t["K"], 4, lambda k: f"0x{k:014X}ull")
        emit_array(out, f"QSM_ZIG_{n.upper()}_F", t["F"], 3, c_double)
        out.append("// clang-format on")
        for tab, typ, size in ARRAYS:
            m = f"QSM_ZIG_{n.upper()}_{tab}"
            out.append(f"inline constexpr {typ} k{n}{tab}[{size}] = {m};")
        out.append("#if defined(__CUDACC__)")
        for tab, typ, size in ARRAYS:
            m = f"QSM_ZIG_{n.upper()}_{tab}"
            out.append(f"static __device__ const {typ} k{n}{tab}Device[{size}] = {m};")
        out.append("#endif")
        for tab in "WKF":
            out.append(f"#undef QSM_ZIG_{n.upper()}_{tab}")
    out += [
        "",
        "// The tables of one density, for the pass being compiled.",
        "struct Tables {",
        "  const double* w;",
        "  const uint64_t* k;",
        "  const double* f;",
        "};",
        "",
        "QSM_HD QSM_FORCEINLINE Tables normal_tables() {",
        "#if QSM_DEVICE_PASS",
        "  return Tables{kNormalWDevice, kNormalKDevice, kNormalFDevice};",
        "#else",
        "  return Tables{kNormalW, kNormalK, kNormalF};",
        "#endif",
        "}",
        "",
        "QSM_HD QSM_FORCEINLINE Tables exp_tables() {",
        "#if QSM_DEVICE_PASS",
        "  return Tables{kExpWDevice, kExpKDevice, kExpFDevice};",
        "#else",
        "  return Tables{kExpW, kExpK, kExpF};",
        "#endif",
        "}",
        "",
        "}  // namespace qsm::zig",
        "",
    ]
    return "\n".join(out)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--check", action="store_true", help="compare with the header, write nothing")
    p.add_argument("--output", type=Path, default=HEADER, help="header to write or check")
    args = p.parse_args(argv)
    text = render()
    if args.check:
        if not args.output.exists() or args.output.read_text() != text:
            print(f"{args.output} is stale: run python cpp/tools/gen_ziggurat.py", file=sys.stderr)
            return 1
        return 0
    args.output.write_text(text)
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
